/** Parsing of ids that come from clients: a clear BAD_USER_INPUT instead of a SyntaxError. */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { badInput } from './errors.js';

export function parseBigId(value: string, what = 'id'): bigint {
  if (!/^\d{1,19}$/.test(value)) throw badInput(`${what} must be a numeric id (got ${JSON.stringify(value)}).`);
  return BigInt(value);
}

/** An int4 key column: ids above 2^31-1 cannot exist there. */
export function parseIntId(value: string, what = 'id'): number {
  const id = parseBigId(value, what);
  if (id > 2147483647n) throw badInput(`${what} ${value} is out of range.`);
  return Number(id);
}

/**
 * The database key of a row named in a mutation's input: its `databaseId`, or its node `id` (a
 * global id of `typename`), so clients may pass either.
 */
export function databaseKey(value: string, typename: string): string {
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename === typename) return decoded.id;
  } catch {
    // Not a global id: a databaseId.
  }
  return value;
}
