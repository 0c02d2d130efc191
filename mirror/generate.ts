/**
 * Generates the database mirror from the facts file of the real Borealis schema:
 *   prisma/borealis-schema.json + prisma/soft-relations.json
 *     -> prisma/schema.prisma                      (one model per table, exact native types)
 *     -> prisma/migrations/0_init/migration.sql    (baseline DDL, CREATE ... IF NOT EXISTS only)
 *     -> src/generated/relations.ts             (declared FKs + soft relations, for loaders)
 *
 * Run with `npm run mirror:generate`; a test fails when the committed outputs are stale.
 * Keeping one generator means the Prisma mirror and the SQL baseline cannot disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  loadFacts,
  loadSoftRelations,
  modelNameOf,
  fieldNameOf,
  qualifiedName,
  type FactsColumn,
  type FactsTable,
  type Facts,
  type SoftRelation,
} from './facts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Tables without any unique key: Prisma needs one identifier per model to read them. */
const PSEUDO_IDENTIFIERS: Record<string, { field: string; why: string }> = {
  'engine.github_token': {
    field: 'reset_required',
    why: 'Single-row table without a primary key (the writer deletes every row, then inserts one). The identifier exists only in Prisma so the model can be read; no constraint is created.',
  },
};

interface RelationSpec {
  name: string;
  kind: 'foreign-key' | 'soft';
  from: string;
  columns: string[];
  to: string;
  references: string[];
  match: 'exact' | 'upper';
  onDelete: string | null;
  /** Prisma can express the relation only when both sides have the same type. */
  prismaRelation: boolean;
}

function parseReference(reference: string): { table: string; columns: string[] } {
  const match = /^([a-z_]+\.[a-z_]+)\(([^)]+)\)$/.exec(reference);
  if (!match) throw new Error(`Unreadable foreign key reference: ${reference}`);
  return { table: match[1]!, columns: match[2]!.split(',').map((c) => c.trim()) };
}

/** true when the columns are the primary key or a unique key of the table. */
function isKey(table: FactsTable, columns: string[]): boolean {
  const same = (key: string[] | null) => key !== null && key.join(',') === columns.join(',');
  return same(table.primary_key) || table.unique.some(same);
}

function columnOf(table: FactsTable, name: string): FactsColumn {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`${qualifiedName(table)} has no column ${name}`);
  return column;
}

function collectRelations(facts: Facts, soft: SoftRelation[]): RelationSpec[] {
  const byName = new Map(facts.tables.map((t) => [qualifiedName(t), t]));
  const specs: RelationSpec[] = [];
  for (const table of facts.tables) {
    for (const fk of table.foreign_keys) {
      const ref = parseReference(fk.references);
      const target = byName.get(ref.table);
      if (!target) throw new Error(`FK of ${qualifiedName(table)} points at unknown ${ref.table}`);
      const sameTypes = fk.columns.every(
        (c, i) => columnOf(table, c).pg_type === columnOf(target, ref.columns[i]!).pg_type,
      );
      specs.push({
        name: `${qualifiedName(table)}.${fk.columns.join('_')}`,
        kind: 'foreign-key',
        from: qualifiedName(table),
        columns: fk.columns,
        to: ref.table,
        references: ref.columns,
        match: 'exact',
        onDelete: fk.on_delete,
        prismaRelation: sameTypes,
      });
    }
  }
  for (const relation of soft) {
    const from = byName.get(relation.from);
    const to = byName.get(relation.to);
    if (!from || !to) throw new Error(`Soft relation names an unknown table: ${JSON.stringify(relation)}`);
    const sameTypes = relation.columns.every(
      (c, i) => columnOf(from, c).pg_type === columnOf(to, relation.references[i]!).pg_type,
    );
    const referencesKey = isKey(to, relation.references);
    specs.push({
      name: `${relation.from}.${relation.columns.join('_')}`,
      kind: 'soft',
      from: relation.from,
      columns: relation.columns,
      to: relation.to,
      references: relation.references,
      match: relation.match,
      onDelete: null,
      // Prisma compares keys exactly and needs a unique target; UPPER() joins stay with loaders.
      prismaRelation: relation.match === 'exact' && sameTypes && referencesKey,
    });
  }
  return specs;
}

// ---------------------------------------------------------------- Prisma schema

const PRISMA_TYPES: Record<string, { scalar: string; native: string }> = {
  integer: { scalar: 'Int', native: '@db.Integer' },
  bigint: { scalar: 'BigInt', native: '@db.BigInt' },
  text: { scalar: 'String', native: '@db.Text' },
  real: { scalar: 'Float', native: '@db.Real' },
  bytea: { scalar: 'Bytes', native: '@db.ByteA' },
};

function prismaDefault(column: FactsColumn): string | null {
  const value = column.default;
  if (value === null) return null;
  if (value.startsWith('nextval')) return '@default(autoincrement())';
  if (/^-?\d+(\.\d+)?$/.test(value)) return `@default(${value})`;
  const quoted = /^'(.*)'$/s.exec(value);
  if (quoted) return `@default(${JSON.stringify(quoted[1]!.replace(/''/g, "'"))})`;
  throw new Error(`Unsupported default ${value} on ${column.name}`);
}

function indexName(raw: string): string {
  return raw.replace(/\s*\(.*\)\s*$/, '');
}

function isImplicitConstraint(raw: string): boolean {
  return /\(implicit/.test(raw);
}

function docLines(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  return text.split('\n').map((line) => `${indent}/// ${line}`);
}

function renderModel(
  table: FactsTable,
  relations: RelationSpec[],
  modelNames: Map<string, string>,
  byQualified: Map<string, FactsTable>,
): string {
  const qualified = qualifiedName(table);
  const model = modelNameOf(table.name);
  const pk = table.primary_key ?? [];
  const pseudo = PSEUDO_IDENTIFIERS[qualified];
  const lines: string[] = [];
  lines.push(...docLines(table.notes, ''));
  lines.push(`model ${model} {`);

  const fieldNames = new Set<string>();
  for (const column of table.columns) {
    const type = PRISMA_TYPES[column.pg_type];
    if (!type) throw new Error(`Unsupported type ${column.pg_type} in ${qualified}.${column.name}`);
    const field = fieldNameOf(column.name);
    fieldNames.add(field);
    const attributes: string[] = [];
    if ((pk.length === 1 && pk[0] === column.name) || pseudo?.field === column.name) attributes.push('@id');
    const singleUnique = identifyingKeys(table).find((u) => u.columns.length === 1 && u.columns[0] === column.name);
    if (singleUnique && !(pk.length === 1 && pk[0] === column.name)) {
      attributes.push(`@unique(map: "${singleUnique.name}")`);
    }
    const def = prismaDefault(column);
    if (def) attributes.push(def);
    if (field !== column.name) attributes.push(`@map("${column.name}")`);
    attributes.push(type.native);
    const notes = [column.notes, pseudo?.field === column.name ? pseudo.why : undefined]
      .filter(Boolean)
      .join(' ');
    const outgoing = relations.filter((r) => r.from === qualified && r.columns[0] === column.name && !r.prismaRelation);
    const relationNotes = outgoing.map(
      (r) =>
        `${r.kind === 'soft' ? 'Soft relation' : 'Foreign key'} -> ${r.to}(${r.references.join(', ')})` +
        (r.onDelete ? ` ON DELETE ${r.onDelete}` : '') +
        (r.kind === 'foreign-key' ? ' (int4 -> int8: resolved by loaders, see docs/type-mapping.md)' : ''),
    );
    lines.push(...docLines([notes, ...relationNotes].filter(Boolean).join('\n'), '  '));
    lines.push(`  ${field} ${type.scalar}${column.nullable ? '?' : ''} ${attributes.join(' ')}`);
  }

  // Prisma relations where both sides share a type (the only ones Prisma can validate).
  for (const r of relations.filter((x) => x.prismaRelation)) {
    if (r.from === qualified) {
      const target = modelNames.get(r.to)!;
      const fieldName = relationFieldName(r.to, fieldNames);
      const nullable = r.columns.some((c) => columnOf(table, c).nullable);
      if (r.kind === 'soft') {
        lines.push(`  /// Soft relation (no constraint): the row may be orphaned, so read it through a loader; use it in filters.`);
      }
      const onDelete = r.kind === 'foreign-key' ? `, onDelete: ${prismaOnDelete(r.onDelete)}` : '';
      lines.push(
        `  ${fieldName} ${target}${nullable ? '?' : ''} @relation("${relationName(r)}", fields: [${r.columns.map(fieldNameOf).join(', ')}], references: [${r.references.map(fieldNameOf).join(', ')}]${onDelete})`,
      );
    }
    if (r.to === qualified) {
      const sourceTable = byQualified.get(r.from)!;
      const source = modelNames.get(r.from)!;
      // A unique foreign key makes the relation one-to-one (device_sites.device_hostname).
      const oneToOne = isKey(sourceTable, r.columns);
      const fieldName = relationFieldName(r.from, fieldNames, !oneToOne);
      lines.push(`  ${fieldName} ${source}${oneToOne ? '?' : '[]'} @relation("${relationName(r)}")`);
    }
  }

  lines.push('');
  if (pk.length > 1) lines.push(`  @@id([${pk.map(fieldNameOf).join(', ')}])`);
  for (const u of identifyingKeys(table).filter((k) => k.columns.length > 1)) {
    lines.push(`  @@unique([${u.columns.map(fieldNameOf).join(', ')}], map: "${u.name}")`);
  }
  for (const index of table.indexes.filter((i) => !i.unique)) {
    lines.push(`  @@index([${index.columns.map(fieldNameOf).join(', ')}], map: "${indexName(index.name)}")`);
  }
  lines.push(`  @@map("${table.name}")`);
  lines.push(`  @@schema("${table.schema}")`);
  lines.push('}');
  return lines.join('\n');
}

function relationName(r: RelationSpec): string {
  return `${r.from}.${r.columns.join('_')}`.replace(/[^a-zA-Z0-9]/g, '_');
}

function relationFieldName(table: string, taken: Set<string>, plural = false): string {
  const base = table.split('.')[1]!;
  const camel = fieldNameOf(plural ? base : modelNameOf(base).replace(/^./, (c) => c.toLowerCase()).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  let name = camel;
  for (let i = 2; taken.has(name); i++) name = `${camel}${i}`;
  taken.add(name);
  return name;
}

function prismaOnDelete(action: string | null): string {
  switch (action) {
    case 'CASCADE':
      return 'Cascade';
    case 'SET NULL':
      return 'SetNull';
    case 'RESTRICT':
      return 'Restrict';
    default:
      return 'NoAction';
  }
}

interface UniqueKey {
  name: string;
  columns: string[];
  /** true when Borealis declares it inline (a constraint), false for CREATE UNIQUE INDEX. */
  constraint: boolean;
  where: string | null;
}

/** Unique keys of a table, from its unique list and its index list (which name them). */
function uniqueKeys(table: FactsTable): UniqueKey[] {
  const keys: UniqueKey[] = [];
  for (const index of table.indexes.filter((i) => i.unique)) {
    const partial = /partial: WHERE (.+)$/.exec(index.notes ?? '');
    keys.push({
      name: indexName(index.name),
      columns: index.columns,
      constraint: isImplicitConstraint(index.name),
      where: partial ? partial[1]! : null,
    });
  }
  for (const columns of table.unique) {
    if (!keys.some((k) => k.columns.join(',') === columns.join(','))) {
      keys.push({ name: `${table.name}_${columns.join('_')}_key`, columns, constraint: true, where: null });
    }
  }
  return keys;
}

/** Unique keys Prisma may use to identify a row: a partial unique index identifies nothing. */
function identifyingKeys(table: FactsTable): UniqueKey[] {
  return uniqueKeys(table).filter((k) => k.where === null);
}

function renderPrismaSchema(facts: Facts, relations: RelationSpec[]): string {
  const modelNames = new Map(facts.tables.map((t) => [qualifiedName(t), modelNameOf(t.name)]));
  const header = `// GENERATED by mirror/generate.ts from prisma/borealis-schema.json: do not edit by hand.
// Exact mirror of the tables Borealis creates (schemas engine and assemblies). The gateway never
// migrates them with Prisma; the baseline DDL is prisma/migrations/0_init/migration.sql.
// Type decisions are explained in docs/type-mapping.md.

generator client {
  provider     = "prisma-client"
  output       = "../src/generated/prisma"
  moduleFormat = "esm"
  importFileExtension = "js"
  previewFeatures = ["relationJoins"]
}

generator pothos {
  provider     = "prisma-pothos-types"
  clientOutput = "./prisma/client.js"
  output       = "../src/generated/pothos-types.ts"
}

generator manifest {
  provider = "node prisma/generators/mirror-manifest.cjs"
  output   = "../src/generated/mirror-manifest.json"
}

datasource db {
  provider = "postgresql"
  schemas  = ["engine", "assemblies"]
}
`;
  const models = [...facts.tables]
    .sort((a, b) => qualifiedName(a).localeCompare(qualifiedName(b)))
    .map((t) => renderModel(t, relations, modelNames, new Map(facts.tables.map((x) => [qualifiedName(x), x]))));
  return `${header}\n${models.join('\n\n')}\n`;
}

// ---------------------------------------------------------------- baseline SQL

function sqlColumn(column: FactsColumn): string {
  const serial = column.default?.startsWith('nextval');
  const type = serial ? (column.pg_type === 'bigint' ? 'BIGSERIAL' : 'SERIAL') : column.pg_type.toUpperCase();
  const parts = [`"${column.name}"`, type];
  // BIGSERIAL already implies NOT NULL and its sequence default.
  if (!column.nullable && !serial) parts.push('NOT NULL');
  if (column.default !== null && !serial) parts.push(`DEFAULT ${column.default}`);
  return parts.join(' ');
}

function tableOrder(facts: Facts): FactsTable[] {
  const byName = new Map(facts.tables.map((t) => [qualifiedName(t), t]));
  const done = new Set<string>();
  const ordered: FactsTable[] = [];
  const visit = (table: FactsTable, stack: string[]) => {
    const name = qualifiedName(table);
    if (done.has(name)) return;
    if (stack.includes(name)) throw new Error(`Foreign key cycle: ${[...stack, name].join(' -> ')}`);
    for (const fk of table.foreign_keys) {
      const target = parseReference(fk.references).table;
      if (target !== name) visit(byName.get(target)!, [...stack, name]);
    }
    done.add(name);
    ordered.push(table);
  };
  facts.tables.forEach((t) => visit(t, []));
  return ordered;
}

function renderBaselineSql(facts: Facts): string {
  const out: string[] = [
    '-- GENERATED by mirror/generate.ts from prisma/borealis-schema.json: do not edit by hand.',
    '-- Baseline of the Borealis schema exactly as the Borealis Engine creates it. Each table is created',
    '-- with its indexes only when it does not exist yet: applied to a live Borealis database it creates',
    '-- nothing that exists and never alters an existing table. src/db/baseline.ts runs it in one',
    '-- transaction (psql -1 -f works too).',
    '',
    'CREATE SCHEMA IF NOT EXISTS engine;',
    'CREATE SCHEMA IF NOT EXISTS assemblies;',
    '',
  ];
  for (const table of tableOrder(facts)) {
    const name = `${table.schema}.${table.name}`;
    const body = table.columns.map((c) => `    ${sqlColumn(c)}`);
    if (table.primary_key?.length) body.push(`    PRIMARY KEY (${table.primary_key.map((c) => `"${c}"`).join(', ')})`);
    for (const key of uniqueKeys(table).filter((k) => k.constraint)) {
      body.push(`    UNIQUE (${key.columns.map((c) => `"${c}"`).join(', ')})`);
    }
    for (const fk of table.foreign_keys) {
      const ref = parseReference(fk.references);
      const onDelete = fk.on_delete && fk.on_delete !== 'NO ACTION' ? ` ON DELETE ${fk.on_delete}` : '';
      body.push(
        `    FOREIGN KEY (${fk.columns.map((c) => `"${c}"`).join(', ')}) REFERENCES ${ref.table} (${ref.columns.map((c) => `"${c}"`).join(', ')})${onDelete}`,
      );
    }
    // Table and indexes are created together, and only when the table does not exist: an index
    // on an existing (possibly older) Borealis table would be an alteration of it.
    out.push(`DO $baseline$ BEGIN IF to_regclass('${name}') IS NULL THEN`);
    out.push(`  CREATE TABLE ${name} (\n${body.join(',\n')}\n  );`);
    for (const index of table.indexes) {
      if (index.unique && isImplicitConstraint(index.name)) continue;
      const partial = /partial: WHERE (.+)$/.exec(index.notes ?? '');
      out.push(
        `  CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX "${indexName(index.name)}" ON ${name} (${index.columns
          .map((c) => `"${c}"`)
          .join(', ')})${partial ? ` WHERE ${partial[1]}` : ''};`,
      );
    }
    out.push('END IF; END $baseline$;');
    out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- relation registry

function renderRelations(facts: Facts, relations: RelationSpec[]): string {
  const modelOf = (qualified: string) => modelNameOf(qualified.split('.')[1]!);
  const entries = relations.map((r) => ({
    name: r.name,
    kind: r.kind,
    fromModel: modelOf(r.from),
    fromTable: r.from,
    fromFields: r.columns.map(fieldNameOf),
    toModel: modelOf(r.to),
    toTable: r.to,
    toFields: r.references.map(fieldNameOf),
    match: r.match,
    onDelete: r.onDelete,
    prismaRelation: r.prismaRelation,
  }));
  void facts;
  return `// GENERATED by mirror/generate.ts: do not edit by hand.
// Every relation between Borealis tables: the declared foreign keys and the soft relations of
// prisma/soft-relations.json. Prisma can only express foreign keys whose two sides share a type;
// Borealis's int4 -> int8 foreign keys and all soft relations are resolved by per-request loaders
// (src/access/loaders.ts) from this registry.

export interface RelationDefinition {
  readonly name: string;
  readonly kind: 'foreign-key' | 'soft';
  readonly fromModel: string;
  readonly fromTable: string;
  readonly fromFields: readonly string[];
  readonly toModel: string;
  readonly toTable: string;
  readonly toFields: readonly string[];
  /** 'upper' when Borealis compares the key with UPPER() (device GUIDs). */
  readonly match: 'exact' | 'upper';
  readonly onDelete: string | null;
  /** true when the Prisma schema also declares it as a @relation. */
  readonly prismaRelation: boolean;
}

export const RELATIONS: readonly RelationDefinition[] = ${JSON.stringify(entries, null, 2)};
`;
}

function main() {
  const facts = loadFacts(path.join(root, 'prisma/borealis-schema.json'));
  const soft = loadSoftRelations(path.join(root, 'prisma/soft-relations.json'));
  const relations = collectRelations(facts, soft);
  const outputs: Record<string, string> = {
    'prisma/schema.prisma': renderPrismaSchema(facts, relations),
    'prisma/migrations/0_init/migration.sql': renderBaselineSql(facts),
    'src/generated/relations.ts': renderRelations(facts, relations),
  };
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [file, content] of Object.entries(outputs)) {
    const target = path.join(root, file);
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      /* missing file counts as stale */
    }
    if (current === content) continue;
    stale = true;
    if (check) console.error(`${file} is stale: run npm run mirror:generate`);
    else {
      writeFileSync(target, content);
      console.log(`wrote ${file}`);
    }
  }
  if (check && stale) process.exit(1);
}

main();
