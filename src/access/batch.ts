/**
 * The two batching shapes the read API needs, on top of DataLoader: "one row per key" and "all rows
 * of a key", and the loader factories most relations use on top of them: rows by id and child rows
 * by an int4 key column. Each batch is one `WHERE key IN (...)` statement, issued when the
 * resolvers of one level of the query have all asked; the connection is released before any row
 * is shaped.
 */
import DataLoader from 'dataloader';
import { delegateOf, scopedWhere, type ModelName, type ModelRow, type ModelWhere } from './rules.js';
import type { LoaderFactory } from './loaders.js';

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

/** Loader keys (int4 foreign keys or int8 ids) as the distinct bigint ids of an `id IN (...)`. */
export function bigintKeys(keys: readonly (number | bigint)[]): bigint[] {
  return [...new Set(keys.map((key) => BigInt(key)))];
}

/**
 * Rows of `model` by their int8 `id`, for the int4 (or int8) columns that point at them, with the
 * model's access rule (rules.ts) in the SQL `where`: an id out of scope loads as null, like one
 * that does not exist. `select` narrows the columns (e.g. to leave secrets unread).
 */
export function byId<M extends ModelName>(
  model: M,
  options: { select?: object } = {},
): LoaderFactory<DataLoader<number | bigint, (ModelRow<M> & { id: bigint }) | null>> {
  return (prisma, scope) =>
    oneLoader(
      async (ids) =>
        (await delegateOf(prisma, model).findMany({
          where: await scopedWhere(model, scope, { id: { in: bigintKeys(ids) } } as ModelWhere<M>),
          ...options,
        })) as Array<ModelRow<M> & { id: bigint }>,
      (row) => row.id,
    );
}

/**
 * All rows of `model` whose int4 column `key` is one of the parents' ids, with the model's access
 * rule, an optional extra filter (`where`) and an ordering.
 */
export function childrenBy<M extends ModelName, K extends keyof ModelRow<M> & string>(
  model: M,
  key: K,
  options: { where?: ModelWhere<M>; orderBy: unknown; select?: object },
): LoaderFactory<DataLoader<number | bigint, ModelRow<M>[]>> {
  const { where, ...rest } = options;
  return (prisma, scope) =>
    manyLoader(
      async (keys) =>
        (await delegateOf(prisma, model).findMany({
          where: await scopedWhere(model, scope, { AND: [{ [key]: { in: [...new Set(keys.map(Number))] } }, where ?? {}] } as ModelWhere<M>),
          ...rest,
        })) as ModelRow<M>[],
      (row) => row[key] as number | null,
    );
}

/**
 * One loader factory per filter value (a status list, ...), so that a filtered relation still
 * batches across every parent that asks with the same filter.
 */
export function perFilter<F, T>(make: (filter: F) => LoaderFactory<T>): (filter: F) => LoaderFactory<T> {
  const factories = new Map<string, LoaderFactory<T>>();
  return (filter) => {
    const key = JSON.stringify(filter ?? null);
    let factory = factories.get(key);
    if (!factory) factories.set(key, (factory = make(filter)));
    return factory;
  };
}
