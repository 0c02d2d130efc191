/**
 * Drift check: compares the Prisma mirror (the manifest generated from schema.prisma's DMMF)
 * with the live catalog. Borealis evolves its schema at startup (ALTER TABLE ... ADD COLUMN), so
 * the gateway must notice when the database and the mirror disagree before serving wrong data.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export interface MirrorColumn {
  field: string;
  column: string;
  pgType: string;
  nullable: boolean;
}

export interface MirrorTable {
  model: string;
  schema: string;
  table: string;
  columns: MirrorColumn[];
}

export interface Mirror {
  tables: MirrorTable[];
}

export type DriftIssue =
  | { kind: 'missing-table'; table: string }
  | { kind: 'missing-column'; table: string; column: string; expectedType: string }
  | { kind: 'extra-column'; table: string; column: string; actualType: string }
  | { kind: 'type-mismatch'; table: string; column: string; expectedType: string; actualType: string }
  | { kind: 'nullability-mismatch'; table: string; column: string; expectedNullable: boolean; actualNullable: boolean };

export interface DriftReport {
  ok: boolean;
  checkedTables: number;
  issues: DriftIssue[];
}

const MANIFEST_FILE = fileURLToPath(new URL('../generated/mirror-manifest.json', import.meta.url));

export function loadMirror(file = MANIFEST_FILE): Mirror {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Mirror;
  } catch (error) {
    throw new Error(`Cannot read the mirror manifest ${file}: run \`npm run generate\` first (${String(error)})`);
  }
}

interface CatalogColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

async function readCatalog(pool: pg.Pool, schemas: string[]): Promise<CatalogColumn[]> {
  // pg_attribute + format_type gives the same spelling as the facts file ("integer", "bigint").
  const { rows } = await pool.query<CatalogColumn>(
    `SELECT n.nspname AS schema, c.relname AS "table", a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY n.nspname, c.relname, a.attnum`,
    [schemas],
  );
  return rows;
}

export async function checkDrift(pool: pg.Pool, mirror: Mirror = loadMirror()): Promise<DriftReport> {
  const schemas = [...new Set(mirror.tables.map((t) => t.schema))];
  const catalog = await readCatalog(pool, schemas);
  const byTable = new Map<string, Map<string, CatalogColumn>>();
  for (const column of catalog) {
    const key = `${column.schema}.${column.table}`;
    if (!byTable.has(key)) byTable.set(key, new Map());
    byTable.get(key)!.set(column.column, column);
  }

  const issues: DriftIssue[] = [];
  for (const table of mirror.tables) {
    const name = `${table.schema}.${table.table}`;
    const live = byTable.get(name);
    if (!live) {
      issues.push({ kind: 'missing-table', table: name });
      continue;
    }
    for (const column of table.columns) {
      const actual = live.get(column.column);
      if (!actual) {
        issues.push({ kind: 'missing-column', table: name, column: column.column, expectedType: column.pgType });
        continue;
      }
      if (actual.type !== column.pgType) {
        issues.push({ kind: 'type-mismatch', table: name, column: column.column, expectedType: column.pgType, actualType: actual.type });
      }
      if (actual.nullable !== column.nullable) {
        issues.push({
          kind: 'nullability-mismatch',
          table: name,
          column: column.column,
          expectedNullable: column.nullable,
          actualNullable: actual.nullable,
        });
      }
    }
    const known = new Set(table.columns.map((c) => c.column));
    for (const actual of live.values()) {
      if (!known.has(actual.column)) {
        issues.push({ kind: 'extra-column', table: name, column: actual.column, actualType: actual.type });
      }
    }
  }
  return { ok: issues.length === 0, checkedTables: mirror.tables.length, issues };
}

function describe(issue: DriftIssue): string {
  switch (issue.kind) {
    case 'missing-table':
      return `missing table`;
    case 'missing-column':
      return `missing column ${issue.column} (${issue.expectedType})`;
    case 'extra-column':
      return `column ${issue.column} (${issue.actualType}) exists in the database but not in the mirror`;
    case 'type-mismatch':
      return `column ${issue.column}: type is ${issue.actualType}, mirror expects ${issue.expectedType}`;
    case 'nullability-mismatch':
      return `column ${issue.column}: ${issue.actualNullable ? 'nullable' : 'NOT NULL'} in the database, mirror expects ${issue.expectedNullable ? 'nullable' : 'NOT NULL'}`;
  }
}

export function formatDriftReport(report: DriftReport): string {
  if (report.ok) return `Schema check: ${report.checkedTables} tables match the Prisma mirror (no drift).`;
  const grouped = new Map<string, string[]>();
  for (const issue of report.issues) {
    if (!grouped.has(issue.table)) grouped.set(issue.table, []);
    grouped.get(issue.table)!.push(describe(issue));
  }
  const lines = [`Schema check: ${report.issues.length} difference(s) in ${grouped.size} of ${report.checkedTables} tables:`];
  for (const [table, problems] of [...grouped].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${table}`);
    for (const problem of problems) lines.push(`    - ${problem}`);
  }
  return lines.join('\n');
}
