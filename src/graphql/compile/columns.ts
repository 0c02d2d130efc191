/**
 * Tables and columns for the compiled read path, from the mirror manifest (the Prisma DMMF with
 * database names and native types), and the small part of Prisma's `where`/`orderBy` language the
 * gateway's list filters use, stated in SQL. Secret and large columns (db/prisma.ts READ_OMIT)
 * have no SQL form at all: asking for one makes the operation not compilable.
 */
import { Prisma } from '../../generated/prisma/client.js';
import { loadMirror, type MirrorColumn } from '../../db/drift.js';
import { omittedFields, quotedIdentifier as quote } from '../../db/prisma.js';
import type { ModelName } from '../../access/rules.js';
import type { PrismaOrderBy, PrismaWhere } from './forms.js';

/** Thrown while planning or binding: the operation runs through the normal execution instead. */
export class NotCompilable extends Error {}

interface ModelTable {
  table: Prisma.Sql;
  columns: ReadonlyMap<string, MirrorColumn>;
}

let tables: Map<string, ModelTable> | undefined;

function modelTable(model: ModelName): ModelTable {
  tables ??= new Map(
    loadMirror().tables.map((table) => [
      table.model,
      { table: Prisma.raw(`${quote(table.schema)}.${quote(table.table)}`), columns: new Map(table.columns.map((column) => [column.field, column])) },
    ]),
  );
  const found = tables.get(model);
  if (!found) throw new NotCompilable(`no table for ${model}`);
  return found;
}

/** The schema-qualified table of a model. */
export function tableOf(model: ModelName): Prisma.Sql {
  return modelTable(model).table;
}

/** A readable column of `model` (never a secret or large one). */
export function columnOf(model: ModelName, field: string): MirrorColumn {
  if (omittedFields(model)[field]) throw new NotCompilable(`${model}.${field} is never read`);
  const column = modelTable(model).columns.get(field);
  if (!column) throw new NotCompilable(`no column ${model}.${field}`);
  return column;
}

/** `row."column"` of a model's field. */
export function columnSql(model: ModelName, field: string, row: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${row}.${Prisma.raw(quote(columnOf(model, field).column))}`;
}

/**
 * The select list of a page of `model` rows: the columns that `readers` (the SQL reading the
 * page) read through `aliases`, spelled `alias."column"` (columnSql) or `alias.column` (the forms'
 * matches and the rules), plus `always` (the sort keys). A page selects these, never `*`: a
 * column nobody asked for is not read, and a page PostgreSQL keeps (a CTE read twice) holds only
 * these. Readers must name each column through its alias (forms.ts): an alias used otherwise
 * (`to_json(c4)`, `c4.*`: the whole row), or a name that is not a readable column of the model,
 * makes the operation not compilable. A column a reader names without an alias is not seen; it
 * would bind to another table of the statement, so the forms never write one.
 */
export function selectList(model: ModelName, aliases: readonly Prisma.Sql[], readers: readonly Prisma.Sql[], always: readonly string[]): Prisma.Sql {
  const text = readers.map((reader) => reader.strings.join(' ')).join(' ');
  const names = new Set<string>();
  for (const alias of aliases) {
    for (const match of text.matchAll(new RegExp(`(AS )?(?<!')\\b${alias.text}\\b(?!')(?:\\.(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)))?`, 'g'))) {
      // `FROM shown AS c4` defines the alias; `'c4'` is a response key (a GraphQL alias).
      if (match[1]) continue;
      if (match[2] === undefined && match[3] === undefined) throw new NotCompilable(`${alias.text} is read whole`);
      names.add(match[2]?.replaceAll('""', '"') ?? match[3]!);
    }
  }
  const byName = new Map([...modelTable(model).columns.values()].map((column) => [column.column, column]));
  const omitted = omittedFields(model);
  const columns = new Set([...always, ...[...names].sort()]);
  for (const name of columns) {
    const column = byName.get(name);
    if (!column || omitted[column.field]) throw new NotCompilable(`a page of ${model} reads ${name}`);
  }
  return Prisma.raw([...columns].map(quote).join(', '));
}

/** The SQL array type of a column's values, for `= ANY($1::type[])`. */
const ARRAY_TYPES: Record<string, string> = { text: 'text[]', integer: 'int[]', bigint: 'bigint[]', smallint: 'int[]' };

function valueSql(column: MirrorColumn, value: unknown): Prisma.Sql {
  if (typeof value === 'bigint') return Prisma.sql`${value.toString()}::bigint`;
  if (typeof value === 'string' || typeof value === 'number') return Prisma.sql`${value}`;
  throw new NotCompilable(`unsupported value for ${column.column}`);
}

const COMPARISONS: Record<string, string> = { equals: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** One field's condition: a plain value (equals) or `{ equals, in, gt, gte, lt, lte }`; anything else is not compilable. */
function fieldCondition(model: ModelName, field: string, condition: unknown, row: Prisma.Sql): Prisma.Sql[] {
  const column = columnOf(model, field);
  const target = columnSql(model, field, row);
  if (condition === null) return [Prisma.sql`${target} IS NULL`];
  if (typeof condition !== 'object' || condition instanceof Date) return [Prisma.sql`${target} = ${valueSql(column, condition)}`];
  const parts: Prisma.Sql[] = [];
  for (const [operator, value] of Object.entries(condition)) {
    if (value === undefined) continue;
    if (operator === 'in') {
      const arrayType = ARRAY_TYPES[column.pgType];
      if (!Array.isArray(value) || !arrayType) throw new NotCompilable(`unsupported \`in\` on ${column.column}`);
      parts.push(Prisma.sql`${target} = ANY(${value.map((item) => (typeof item === 'bigint' ? item.toString() : item))}::${Prisma.raw(arrayType)})`);
    } else if (COMPARISONS[operator] && value !== null) {
      parts.push(Prisma.sql`${target} ${Prisma.raw(COMPARISONS[operator])} ${valueSql(column, value)}`);
    } else {
      // `not`, `contains`, `mode`, relation filters...: their NULL and case rules stay Prisma's.
      throw new NotCompilable(`unsupported filter ${operator} on ${column.column}`);
    }
  }
  return parts;
}

/** A Prisma `where` (fields and `AND` only) as an SQL condition on `row`. */
export function whereSql(model: ModelName, where: PrismaWhere | undefined, row: Prisma.Sql): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  const collect = (value: PrismaWhere) => {
    for (const [key, condition] of Object.entries(value)) {
      if (condition === undefined) continue;
      if (key === 'AND') {
        for (const part of Array.isArray(condition) ? condition : [condition]) collect(part as PrismaWhere);
      } else if (key === 'OR' || key === 'NOT') {
        throw new NotCompilable(`unsupported ${key}`);
      } else {
        parts.push(...fieldCondition(model, key, condition, row));
      }
    }
  };
  if (where) collect(where);
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.join(parts, ' AND ');
}

/** A Prisma `orderBy` list as SQL terms (PostgreSQL's default NULL placement, as Prisma leaves it). */
export function orderBySql(model: ModelName, orderBy: PrismaOrderBy, row: Prisma.Sql): Prisma.Sql {
  const terms = orderBy.map((entry) => {
    const pairs = Object.entries(entry);
    if (pairs.length !== 1) throw new NotCompilable('an orderBy entry names one field');
    const [field, direction] = pairs[0]!;
    return Prisma.sql`${columnSql(model, field, row)} ${Prisma.raw(direction === 'desc' ? 'DESC' : 'ASC')}`;
  });
  return Prisma.join(terms, ', ');
}
