/**
 * SQL forms of GraphQL fields: what the compiled read path (compiler.ts) needs to answer a field
 * inside one statement, declared once next to the field in its domain's graphql.ts through the
 * helpers below (a field's `extensions`). A field without a form is not compilable: an operation
 * selecting it runs through the normal execution.
 *
 * SQL a form writes names every column through its row's alias (`${row}.site_id`, never a bare
 * `site_id` or the whole row): a page selects only the columns named so (columns.ts selectList).
 *
 * Exposed scalars (`t.exposeString('hostname')`) need no form: Pothos records the exposed field,
 * and the mirror names its column. The helpers that carry a resolver (`epochField`, `flagField`,
 * `idText`) define the field's value once, for both paths.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import type { FirstPerParentOptions } from '../../access/batch.js';
import type { ModelName } from '../../access/rules.js';
import { epochToDate, flagToBoolean } from '../values.js';

/** The extensions key every form is stored under. */
export const SQL_FORM = 'gatewaySqlForm';

/** A Prisma `where` / `orderBy` the mirror's columns can state in SQL (prisma-sql.ts). */
export type PrismaWhere = Readonly<Record<string, unknown>>;
export type PrismaOrderBy = ReadonlyArray<Readonly<Record<string, 'asc' | 'desc'>>>;

/** A field's arguments, as graphql-js coerces them. */
export type FieldArgs = Record<string, unknown>;

export type SqlForm =
  /** A column as stored (derived for exposed fields, plan.ts). */
  | { kind: 'column'; field: string }
  /** int4 epoch seconds as DateTime (epochToDate: null for NULL and <= 0). */
  | { kind: 'epoch'; field: string }
  /** A 0/1 flag as a non-null Boolean (flagToBoolean ?? false). */
  | { kind: 'flag'; field: string }
  /** An int8 id as its decimal text (an ID). */
  | { kind: 'idText'; field: string }
  /** One row of `model` tied to the parent row (a foreign key, a hostname), under its access rule; null when none. */
  | { kind: 'row'; model: ModelName; match: (parent: Prisma.Sql, row: Prisma.Sql) => Prisma.Sql }
  /**
   * A Prisma relation list: the rows of `model` tied to the parent, with the same `where`,
   * `orderBy` and `take` the field's Prisma query uses (`list`), under the model's access rule.
   */
  | {
      kind: 'relatedList';
      model: ModelName;
      match: (parent: Prisma.Sql, row: Prisma.Sql) => Prisma.Sql;
      list: (args: FieldArgs) => { where: PrismaWhere; orderBy: PrismaOrderBy; take: number };
    }
  /** A per-parent page read by `firstPerParent` (access/batch.ts), from the same options. */
  | {
      kind: 'firstPerParent';
      model: ModelName;
      /** The parent's key, as the loader is given it (e.g. the job's id). */
      parentKey: (parent: Prisma.Sql) => Prisma.Sql;
      options: (args: FieldArgs) => FirstPerParentOptions;
    }
  /** A top-level list (connections.ts listConnection): its own extension, see ConnectionForm. */
  | ConnectionForm;

/** What a listConnection knows about its list, for the compiler: the same orderings and filter. */
export interface ConnectionForm {
  kind: 'connection';
  model: ModelName;
  /** `<FIELD>.<ASC|DESC>` and `default` to sort keys (connections.ts listOrderings). */
  orderings: ReadonlyMap<string, ReadonlyArray<import('../cursors.js').TypedSortKey>>;
  /** The list's filter without the access rule (filters.ts): the rule is added in SQL. */
  filter: (where: unknown) => PrismaWhere;
}

/** `extensions` carrying a form. */
export function sqlForm(form: SqlForm): Record<string, unknown> {
  return { [SQL_FORM]: form };
}

export function formOf(extensions: Readonly<Record<string, unknown>> | null | undefined): SqlForm | undefined {
  return extensions?.[SQL_FORM] as SqlForm | undefined;
}

/** A DateTime field over an int4 epoch-seconds column: its resolver and its SQL form. */
export function epochField<F extends string>(field: F) {
  return {
    resolve: (row: { [K in F]: number | bigint | null }) => epochToDate(row[field]),
    extensions: sqlForm({ kind: 'epoch', field }),
  };
}

/** A Boolean field over a 0/1 flag column (NULL is false): its resolver and its SQL form. */
export function flagField<F extends string>(field: F) {
  return {
    resolve: (row: { [K in F]: number | bigint | null }) => flagToBoolean(row[field]) ?? false,
    extensions: sqlForm({ kind: 'flag', field }),
  };
}

/** An ID field over an int8 id column: its resolver and its SQL form. */
export function idText<F extends string>(field: F) {
  return {
    resolve: (row: { [K in F]: bigint }) => row[field].toString(),
    extensions: sqlForm({ kind: 'idText', field }),
  };
}
