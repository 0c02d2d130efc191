/** Reads a live database's catalog in the vocabulary of the facts file, for exactness tests. */
import type pg from 'pg';

export interface CatalogTable {
  columns: Map<string, { type: string; nullable: boolean; default: string | null }>;
  primaryKey: string[] | null;
  uniqueSets: string[][];
  foreignKeys: Array<{ columns: string[]; references: string; onDelete: string }>;
  indexes: Map<string, { columns: string[]; unique: boolean; predicate: string | null }>;
}

const ON_DELETE: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export async function readCatalog(pool: pg.Pool): Promise<Map<string, CatalogTable>> {
  const tables = new Map<string, CatalogTable>();
  const table = (name: string) => {
    if (!tables.has(name)) {
      tables.set(name, { columns: new Map(), primaryKey: null, uniqueSets: [], foreignKeys: [], indexes: new Map() });
    }
    return tables.get(name)!;
  };
  const columns = await pool.query(`
    SELECT n.nspname || '.' || c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS def
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname IN ('engine', 'assemblies') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`);
  for (const r of columns.rows) table(r.t).columns.set(r.col, { type: r.type, nullable: r.nullable, default: r.def });

  const constraints = await pool.query(`
    SELECT n.nspname || '.' || c.relname AS t, con.contype AS kind, con.confdeltype AS on_delete,
           (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS cols,
           fn.nspname || '.' || fc.relname AS ref_table,
           (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_cols
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
     WHERE n.nspname IN ('engine', 'assemblies')`);
  for (const r of constraints.rows) {
    const t = table(r.t);
    if (r.kind === 'p') t.primaryKey = r.cols;
    if (r.kind === 'u') t.uniqueSets.push(r.cols);
    if (r.kind === 'f') t.foreignKeys.push({ columns: r.cols, references: `${r.ref_table}(${r.ref_cols.join(', ')})`, onDelete: ON_DELETE[r.on_delete]! });
  }

  const indexes = await pool.query(`
    SELECT n.nspname || '.' || c.relname AS t, i.relname AS name, x.indisunique AS uniq, x.indisprimary AS primary,
           pg_get_expr(x.indpred, x.indrelid) AS predicate,
           (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(x.indkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.num) AS cols
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('engine', 'assemblies')`);
  for (const r of indexes.rows) {
    if (r.primary) continue;
    table(r.t).indexes.set(r.name, { columns: r.cols, unique: r.uniq, predicate: r.predicate });
    if (r.uniq && !table(r.t).uniqueSets.some((u) => u.join() === r.cols.join())) table(r.t).uniqueSets.push(r.cols);
  }
  return tables;
}
