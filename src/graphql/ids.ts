/** Parsing of ids that come from clients: a clear BAD_USER_INPUT instead of a SyntaxError. */
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
