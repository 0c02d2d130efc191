/**
 * Filter, ordering and paging inputs shared by every domain, and their translation to Prisma
 * `where`/`orderBy`. Inputs are typed in GraphQL; the translation is the only place that knows
 * how Borealis stores a value (epoch ints vs ISO text, case-insensitive status strings).
 */
import type { InputObjectRef } from '@pothos/core';
import { builder, type GatewaySchemaTypes } from './builder.js';
import type { SortKey } from './cursors.js';
import { badInput } from './errors.js';
import { parseBigId, parseIntId } from './ids.js';
import { MAX_INPUT_LIST_LENGTH, MAX_INPUT_STRING_LENGTH } from './input-limits.js';
import { Prisma } from '../generated/prisma/client.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** Connection size options: a page larger than MAX_PAGE_SIZE is refused, not silently cut. */
export const pageSize = {
  defaultSize: DEFAULT_PAGE_SIZE,
  maxSize: (args: { first?: number | null; last?: number | null }) => {
    for (const [name, value] of [['first', args.first], ['last', args.last]] as const) {
      if (value !== null && value !== undefined && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw badInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE} (got ${value}).`, { maxPageSize: MAX_PAGE_SIZE });
      }
    }
    return MAX_PAGE_SIZE;
  },
};

export const SortDirection = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });

/** How long filter values may be (enforced for every input by src/server/plugins/input-limits.ts). */
const FILTER_LIMITS = `Values of at most ${MAX_INPUT_STRING_LENGTH} characters, without NUL; \`in\` takes at most ${MAX_INPUT_LIST_LENGTH} values.`;

export const StringFilter = builder.inputType('StringFilter', {
  description: `Text match. \`contains\` is case-insensitive. ${FILTER_LIMITS}`,
  fields: (t) => ({
    equals: t.string(),
    in: t.stringList(),
    contains: t.string(),
  }),
});

export const IdFilter = builder.inputType('IdFilter', {
  description: FILTER_LIMITS,
  fields: (t) => ({
    equals: t.id(),
    in: t.idList(),
  }),
});

export const TimeRange = builder.inputType('TimeRange', {
  description: 'Instants from `from` (inclusive) to `to` (exclusive).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

type StringFilterValue = { equals?: string | null; in?: string[] | null; contains?: string | null } | null | undefined;
type IdFilterValue = { equals?: string | null; in?: string[] | null } | null | undefined;
type TimeRangeValue = { from?: Date | null; to?: Date | null } | null | undefined;

/** StringFilter -> Prisma string filter (undefined when empty, so it adds nothing). */
export function stringWhere(filter: StringFilterValue) {
  if (!filter) return undefined;
  const where: { equals?: string; in?: string[]; contains?: string; mode?: 'insensitive' } = {};
  if (filter.equals != null) where.equals = filter.equals;
  if (filter.in != null) where.in = filter.in;
  if (filter.contains != null) {
    where.contains = filter.contains;
    where.mode = 'insensitive';
  }
  return Object.keys(where).length ? where : undefined;
}

/**
 * How Borealis's writers spell a status column's values (borealis-agent-api.md section 8):
 * `exact` when every writer stores the documented constants only, `anyCase` when the writers vary
 * and Borealis's own readers compare case-insensitively.
 */
export type StoredSpelling = 'exact' | 'anyCase';

/**
 * The spellings a status value is stored in. `exact`: the value itself. `anyCase`: Borealis writes
 * each value set in one canonical case (`Pending`, `Timed Out`) but its readers compare
 * case-insensitively, so the canonical, lower, UPPER and Capitalised spellings are matched with
 * `IN`: that finds what Borealis and hand edits write while an index on the column still serves
 * the filter (`lower(col)` cannot use it).
 */
export function statusSpellings(values: readonly string[], spelling: StoredSpelling = 'anyCase'): string[] {
  if (spelling === 'exact') return [...new Set(values)];
  const capitalised = (value: string) => value.toLowerCase().replace(/(^|\s)\S/g, (letter) => letter.toUpperCase());
  return [...new Set(values.flatMap((value) => [value, value.toLowerCase(), value.toUpperCase(), capitalised(value)]))];
}

/**
 * Values of a status enum, in the spellings Borealis stores (statusSpellings). One spelling is an
 * equality, which an index on (column, order...) can also return in order; `= ANY` cannot.
 */
export function statusWhere(values: readonly string[] | null | undefined, spelling?: StoredSpelling) {
  if (!values) return undefined;
  const spellings = statusSpellings(values, spelling);
  return spellings.length === 1 ? { equals: spellings[0]! } : { in: spellings };
}

/** `statusWhere` as SQL on `row.column`, for the statements Prisma's client cannot express. */
export function statusSql(row: Prisma.Sql, column: string, values: readonly string[] | null | undefined, spelling?: StoredSpelling): Prisma.Sql {
  if (!values) return Prisma.sql`TRUE`;
  const target = Prisma.sql`${row}.${Prisma.raw(`"${column}"`)}`;
  const spellings = statusSpellings(values, spelling);
  return spellings.length === 1 ? Prisma.sql`${target} = ${spellings[0]!}` : Prisma.sql`${target} = ANY(${spellings}::text[])`;
}

/** A Boolean filter over a 0/1 flag column: Borealis reads any non-zero value as true. */
export function flagWhere(value: boolean | null | undefined): number | { not: number } | undefined {
  if (value === null || value === undefined) return undefined;
  return value ? { not: 0 } : 0;
}

/** IdFilter over a bigint id column. */
export function bigIdWhere(filter: IdFilterValue, what = 'id') {
  if (!filter) return undefined;
  const where: { equals?: bigint; in?: bigint[] } = {};
  if (filter.equals != null) where.equals = parseBigId(filter.equals, what);
  if (filter.in != null) where.in = filter.in.map((v) => parseBigId(v, what));
  return Object.keys(where).length ? where : undefined;
}

/** IdFilter over an int4 foreign-key column (Borealis's FK columns are int4). */
export function intIdWhere(filter: IdFilterValue, what = 'id') {
  const where = bigIdWhere(filter, what);
  if (!where) return undefined;
  const toInt = (v: bigint) => parseIntId(v.toString(), what);
  return { equals: where.equals === undefined ? undefined : toInt(where.equals), in: where.in?.map(toInt) };
}

/** TimeRange over an int4 epoch-seconds column. */
export function epochRangeWhere(range: TimeRangeValue) {
  if (!range) return undefined;
  const where: { gte?: number; lt?: number } = {};
  if (range.from) where.gte = Math.floor(range.from.getTime() / 1000);
  if (range.to) where.lt = Math.ceil(range.to.getTime() / 1000);
  if (where.gte !== undefined && where.lt !== undefined && where.gte >= where.lt) {
    throw badInput('TimeRange `from` must be before `to`.');
  }
  return Object.keys(where).length ? where : undefined;
}

/** Site id list input (IDs of engine.sites) -> int4 site_id filter. */
export function siteIdsWhere(ids: readonly string[] | null | undefined) {
  if (!ids) return undefined;
  return intIdWhere({ in: [...ids] }, 'siteId');
}

/** A `<Name>Order` input value. */
export interface OrderValue<K extends string> {
  field: K;
  direction?: 'ASC' | 'DESC' | null;
}

/** What defineOrder returns: the `<Name>Order` input and the sort keys each value stands for. */
export interface OrderDefinition<K extends string> {
  Order: InputObjectRef<GatewaySchemaTypes, OrderValue<K>>;
  /** The column each `<Name>OrderField` value sorts by. */
  fields: Readonly<Record<K, string>>;
  /** The unique column every ordering ends with. */
  tieBreaker: string;
  /** An order value (or `fallback`, ascending) as sort keys, ending with the tie-breaker. */
  sortKeys: (order: OrderValue<K> | null | undefined, fallback: K) => SortKey[];
}

/**
 * Declares `<Name>OrderField` enum + `<Name>Order` input, and returns the sort keys of each value,
 * always ending with the tie-breaker (in the same direction), so pages and cursors are stable.
 */
export function defineOrder<const F extends Record<string, string>>(
  name: string,
  fields: F,
  tieBreaker: string,
): OrderDefinition<keyof F & string> {
  const keys = Object.keys(fields) as Array<keyof F & string>;
  const Field = builder.enumType(`${name}OrderField` as string, { values: keys });
  const Order = builder.inputType(`${name}Order`, {
    fields: (t) => ({
      field: t.field({ type: Field, required: true }),
      direction: t.field({ type: SortDirection, defaultValue: 'ASC' }),
    }),
  });
  const sortKeys = (order: OrderValue<keyof F & string> | null | undefined, fallback: keyof F & string): SortKey[] => {
    const field = fields[order?.field ?? fallback]!;
    const direction = (order?.direction ?? 'ASC') === 'DESC' ? 'desc' : 'asc';
    const list: SortKey[] = [{ field, direction }];
    if (field !== tieBreaker) list.push({ field: tieBreaker, direction });
    return list;
  };
  // For a concrete F, Pothos infers exactly OrderValue<keyof F> as the input's shape; it cannot
  // resolve its conditional input types for a generic F, hence the cast.
  return { Order: Order as unknown as OrderDefinition<keyof F & string>['Order'], fields, tieBreaker, sortKeys };
}
