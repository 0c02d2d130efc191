/**
 * Keyset cursors: a cursor carries the sort-key values of its row, so paging is a `where` that
 * selects the rows strictly after (or before) that tuple in the list's ordering. No row is looked
 * up to interpret a cursor, so a cursor cannot tell whether a row exists or is in the caller's
 * scope: it only says where in the ordering the page starts.
 *
 * Format (opaque to clients, documented here for maintainers): base64url of the JSON array
 * `[version, list, ordering, values]`, e.g. `[1, "Query.incidents", "openedAt.desc,id.desc", [1714000000, "42"]]`.
 * `list` and `ordering` bind the cursor to the field and ordering that issued it. BigInt values
 * travel as decimal strings, Int values as numbers, String values as strings, NULL as null.
 *
 * NULL rule (one for every list, matching PostgreSQL's default): NULL sorts as the greatest value,
 * so last in ascending order and first in descending order.
 */
import { badInput } from './errors.js';

export const CURSOR_VERSION = 1;
/** Longer text is refused before it is decoded; a cursor of a real row is far shorter. */
export const MAX_CURSOR_LENGTH = 16_384;

export type SortDirectionValue = 'asc' | 'desc';
/** The column types a sort key may have (what Borealis's orderable columns are). */
export type KeyType = 'Int' | 'BigInt' | 'String';
export type KeyValue = number | bigint | string | null;

export interface SortKey {
  field: string;
  direction: SortDirectionValue;
}

export interface TypedSortKey extends SortKey {
  type: KeyType;
  nullable: boolean;
}

/** The identity of an ordering, written into its cursors. */
export function orderingId(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.field}.${key.direction}`).join(',');
}

/** The same keys in the opposite order (used to read a page backwards). */
export function reversed<K extends SortKey>(keys: readonly K[]): K[] {
  return keys.map((key) => ({ ...key, direction: key.direction === 'asc' ? 'desc' : 'asc' }));
}

/** Where NULL goes for a key read in its direction (the NULL rule above). */
export function nullsPosition(direction: SortDirectionValue): 'first' | 'last' {
  return direction === 'asc' ? 'last' : 'first';
}

export function encodeCursor(list: string, keys: readonly TypedSortKey[], values: readonly KeyValue[]): string {
  const encoded = values.map((value, index) => {
    if (value === null || value === undefined) return null;
    return keys[index]!.type === 'BigInt' ? String(value) : value;
  });
  return Buffer.from(JSON.stringify([CURSOR_VERSION, list, orderingId(keys), encoded]), 'utf8').toString('base64url');
}

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function decodeValue(value: unknown, key: TypedSortKey): KeyValue | undefined {
  if (value === null) return key.nullable ? null : undefined;
  switch (key.type) {
    case 'Int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX ? value : undefined;
    case 'BigInt': {
      if (typeof value !== 'string' || !/^-?[0-9]{1,19}$/.test(value)) return undefined;
      const big = BigInt(value);
      return big >= INT8_MIN && big <= INT8_MAX ? big : undefined;
    }
    case 'String':
      // PostgreSQL text cannot hold NUL: such a value could only fail the statement.
      return typeof value === 'string' && !value.includes('\u0000') ? value : undefined;
  }
}

/**
 * The sort values a cursor carries, checked against the list and ordering it is used with.
 * Anything else (garbage, truncated, another version, list or ordering, a value of the wrong
 * type) is BAD_USER_INPUT.
 */
export function decodeCursor(cursor: string, argument: 'after' | 'before', list: string, keys: readonly TypedSortKey[]): KeyValue[] {
  const malformed = () => badInput(`\`${argument}\` is not a cursor of this list: pass a cursor the same field returned.`);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed();
  let decoded: unknown;
  try {
    const bytes = Buffer.from(cursor, 'base64url');
    // Only the canonical spelling: a truncated or padded cursor is not one we issued.
    if (bytes.toString('base64url') !== cursor) throw malformed();
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw malformed();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw malformed();
  const [version, cursorList, cursorOrdering, values] = decoded as unknown[];
  if (version !== CURSOR_VERSION) {
    throw badInput(`\`${argument}\` is a cursor of another format version: ask for the first page again.`);
  }
  if (cursorList !== list || cursorOrdering !== orderingId(keys)) {
    throw badInput(`\`${argument}\` belongs to another list or ordering: use cursors with the \`orderBy\` that returned them.`);
  }
  if (!Array.isArray(values) || values.length !== keys.length) throw malformed();
  return values.map((value, index) => {
    const checked = decodeValue(value, keys[index]!);
    if (checked === undefined) throw malformed();
    return checked;
  });
}

/** How one kind of query (a Prisma `where`, a raw SQL fragment) states the keyset conditions. */
export interface KeysetPredicates<P> {
  greater(key: TypedSortKey, value: Exclude<KeyValue, null>): P;
  less(key: TypedSortKey, value: Exclude<KeyValue, null>): P;
  equals(key: TypedSortKey, value: Exclude<KeyValue, null>): P;
  isNull(key: TypedSortKey): P;
  isNotNull(key: TypedSortKey): P;
  and(parts: P[]): P;
  or(parts: P[]): P;
}

/**
 * The rows strictly after (`after`) or before (`before`) the tuple `values` in the ordering
 * `keys`, as (k1 beyond v1) OR (k1 = v1 AND ((k2 beyond v2) OR (k2 = v2 AND ...))). The last key is
 * a unique, non-NULL tie-breaker, so the tuple is a position, whether or not a row has it.
 */
export function keysetPredicate<P>(
  keys: readonly TypedSortKey[],
  values: readonly KeyValue[],
  side: 'after' | 'before',
  predicates: KeysetPredicates<P>,
): P {
  const ordered = side === 'after' ? keys : reversed(keys);
  // Beyond `value` in the key's direction, with NULL the greatest value; null: nothing is beyond.
  const beyond = (key: TypedSortKey, value: KeyValue): P | null => {
    if (key.direction === 'asc') {
      if (value === null) return null;
      const greater = predicates.greater(key, value);
      return key.nullable ? predicates.or([greater, predicates.isNull(key)]) : greater;
    }
    return value === null ? predicates.isNotNull(key) : predicates.less(key, value);
  };
  const same = (key: TypedSortKey, value: KeyValue): P => (value === null ? predicates.isNull(key) : predicates.equals(key, value));
  let predicate: P | null = null;
  for (let index = ordered.length - 1; index >= 0; index--) {
    const key = ordered[index]!;
    const value = values[index]!;
    const strictly = beyond(key, value);
    const tied: P | null = predicate === null ? null : predicates.and([same(key, value), predicate]);
    predicate = strictly && tied ? predicates.or([strictly, tied]) : (strictly ?? tied);
  }
  // Only reachable without a non-NULL tie-breaker, which listConnection refuses at startup.
  if (predicate === null) throw new Error('keyset ordering without a non-NULL tie-breaker');
  return predicate;
}
