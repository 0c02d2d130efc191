/**
 * The two batching shapes the read API needs, on top of DataLoader: "one row per key" and "all rows
 * of a key". Each batch is one `WHERE key IN (...)` statement, issued when the resolvers of one
 * level of the query have all asked; the connection is released before any row is shaped.
 */
import DataLoader from 'dataloader';

/** Keys are compared by their string form: bigint ids, int4 foreign keys and text all work. */
const cacheKeyFn = (key: unknown) => String(key);

export function oneLoader<K, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => unknown,
  normalize: (key: K) => unknown = (key) => key,
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null, string>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map(rows.map((row) => [String(normalize(keyOf(row) as K)), row]));
      return keys.map((key) => byKey.get(String(normalize(key))) ?? null);
    },
    { cacheKeyFn: (key) => cacheKeyFn(normalize(key)) },
  );
}

export function manyLoader<K, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => unknown,
  normalize: (key: K) => unknown = (key) => key,
): DataLoader<K, R[]> {
  return new DataLoader<K, R[], string>(
    async (keys) => {
      const rows = await fetch(keys);
      const groups = new Map<string, R[]>();
      for (const row of rows) {
        const key = String(normalize(keyOf(row) as K));
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key)!.push(row);
      }
      return keys.map((key) => groups.get(String(normalize(key))) ?? []);
    },
    { cacheKeyFn: (key) => cacheKeyFn(normalize(key)) },
  );
}

/** A per-request memo for a value computed with one statement (scope sets). */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
}
