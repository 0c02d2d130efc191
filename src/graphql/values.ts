/**
 * Conversions from Borealis's storage quirks to GraphQL values. They run in resolvers, after the
 * rows are fetched and the connection is back in the pool.
 */

/** int4 epoch seconds -> Date; 0 and null mean "never" in Borealis. */
export function epochToDate(seconds: number | bigint | null | undefined): Date | null {
  if (seconds === null || seconds === undefined) return null;
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0) return null;
  return new Date(value * 1000);
}

const ISO_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO-8601 text in any spelling Borealis writes: Python isoformat (`+00:00`, microseconds), Go
 * RFC3339 (`Z`) and RFC3339Nano (nanoseconds), or a naive timestamp (UTC, the Engine's zone).
 * Returns null for empty or unreadable text rather than failing the query, and for an impossible
 * calendar date or time (`2020-02-30`, `24:00`): JavaScript would roll it over to another instant.
 */
export function isoTextToDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const match = ISO_TEXT.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`);
  if (Number.isNaN(parsed.getTime())) return null;
  // The instant read back in the text's own offset must show the text's fields.
  const offsetMinutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(parsed.getTime() + offsetMinutes * 60_000);
  const fields = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  const expected = [year, month, day, hour, minute, second].map(Number);
  return fields.every((value, index) => value === expected[index]) ? parsed : null;
}

/** 0/1 integer flags; anything non-zero is true, as in Borealis's Python (`bool(row[x])`). */
export function flagToBoolean(value: number | bigint | null | undefined): boolean | null {
  if (value === null || value === undefined) return null;
  return Number(value) !== 0;
}

export type StoredJson =
  | { ok: true; value: unknown }
  | { ok: false; error: string };

/** JSON stored as text. Malformed text is reported, never thrown: one bad row must not fail a page. */
export function parseStoredJson(text: string | null | undefined): StoredJson {
  if (text === null || text === undefined || text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Borealis stores device metadata values base64-encoded; a value that is not base64 text is kept. */
export function decodeBase64Text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const compact = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return value;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? value : text;
}

/** Device GUIDs are compared upper-case by Borealis. */
export function canonicalGuid(guid: string): string {
  return guid.trim().toUpperCase();
}

/**
 * The spellings a GUID is stored in: Borealis writes canonical upper case, some of its writers
 * (and older rows) lower case. Matching `col IN (spellings)` uses the column's b-tree index,
 * which `LOWER(col)` / `mode: 'insensitive'` cannot.
 */
export function guidSpellings(guids: Iterable<string>): string[] {
  const spellings = new Set<string>();
  for (const guid of guids) {
    const canonical = canonicalGuid(guid);
    spellings.add(canonical);
    spellings.add(canonical.toLowerCase());
  }
  return [...spellings];
}
