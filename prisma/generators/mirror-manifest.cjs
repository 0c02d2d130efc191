#!/usr/bin/env node
// Prisma generator: writes the mirror manifest (tables, columns, native types, nullability) from
// Prisma's own DMMF of schema.prisma. The drift check compares this manifest with a live catalog,
// so what it checks is exactly what Prisma reads and writes.
const { generatorHandler } = require('@prisma/generator-helper');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/** Prisma native type name -> PostgreSQL catalog type name (format_type). */
const NATIVE_TO_PG = {
  Integer: 'integer',
  BigInt: 'bigint',
  Text: 'text',
  Real: 'real',
  ByteA: 'bytea',
  DoublePrecision: 'double precision',
  SmallInt: 'smallint',
  Boolean: 'boolean',
};
/** Column type Prisma uses when a scalar carries no @db attribute. */
const DEFAULT_PG = { Int: 'integer', BigInt: 'bigint', String: 'text', Float: 'double precision', Bytes: 'bytea', Boolean: 'boolean' };

generatorHandler({
  onManifest: () => ({ prettyName: 'Borealis mirror manifest', defaultOutput: '../src/generated/mirror-manifest.json' }),
  onGenerate: async (options) => {
    const tables = options.dmmf.datamodel.models.map((model) => ({
      model: model.name,
      schema: model.schema ?? 'public',
      table: model.dbName ?? model.name,
      columns: model.fields
        .filter((field) => field.kind === 'scalar')
        .map((field) => {
          const native = field.nativeType ? field.nativeType[0] : null;
          const pgType = native ? NATIVE_TO_PG[native] : DEFAULT_PG[field.type];
          if (!pgType) throw new Error(`No PostgreSQL type for ${model.name}.${field.name}`);
          return { field: field.name, column: field.dbName ?? field.name, pgType, nullable: !field.isRequired };
        }),
    }));
    const output = options.generator.output.value;
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, `${JSON.stringify({ tables }, null, 2)}\n`);
  },
});
