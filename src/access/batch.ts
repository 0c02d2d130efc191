/**
 * The two batching shapes the read API needs, on top of DataLoader: "one row per key" and "all rows
 * of a key", and the loader factories most relations use on top of them: rows by id and child rows
 * by an int4 key column, the first `first` children of each parent (a LATERAL statement with the
 * rule's SQL form), and the large columns the client omits. Each batch is one statement, issued
 * when the resolvers of one level of the query have all asked; the connection is released before
 * any row is shaped.
 */
import DataLoader from 'dataloader';
import { Prisma } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { READ_OMIT } from '../db/prisma.js';
import { delegateOf, ruleSql, scopedWhere, type ModelName, type ModelRow, type ModelWhere } from './rules.js';
import type { LoaderFactory, Loaders } from './loaders.js';

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

/**
 * Like perFilter, for filter values without a small bound (a cursor): the factories live with the
 * request's loaders, so nothing accumulates across requests. `keyOf` names equal filters.
 */
export function perRequestFilter<F, T>(make: (filter: F) => LoaderFactory<T>, keyOf: (filter: F) => string): (loaders: Loaders, filter: F) => T {
  const byRequest = new WeakMap<Loaders, Map<string, LoaderFactory<T>>>();
  return (loaders, filter) => {
    let factories = byRequest.get(loaders);
    if (!factories) byRequest.set(loaders, (factories = new Map()));
    const key = keyOf(filter);
    let factory = factories.get(key);
    if (!factory) factories.set(key, (factory = make(filter)));
    return loaders.use(factory);
  };
}

/** The scalar fields of each model, parsed once: the generated datamodel is one large JSON text. */
const scalarFieldsByModel = (() => {
  let byModel: Map<string, string[]> | undefined;
  return (model: ModelName): string[] => {
    byModel ??= new Map(
      Object.entries(getDatamodel().datamodel.models).map(([name, m]) => [name, m.fields.filter((f) => f.kind === 'scalar').map((f) => f.name)]),
    );
    return byModel.get(model)!;
  };
})();

/** One value per model, computed on first use (column lists and row mappers of raw statements). */
function perModel<T>(compute: (model: ModelName) => T): (model: ModelName) => T {
  const computed = new Map<ModelName, T>();
  return (model) => {
    if (!computed.has(model)) computed.set(model, compute(model));
    return computed.get(model)!;
  };
}

/**
 * The columns raw SQL reads for `model`: every scalar field the client reads (READ_OMIT's secret and
 * large columns left out, as Prisma leaves them out), by its snake_case column name.
 */
const readColumns = perModel((model): Prisma.Sql[] => {
  const omitted = READ_OMIT[model.charAt(0).toLowerCase() + model.slice(1)] ?? {};
  return scalarFieldsByModel(model)
    .filter((name) => !omitted[name])
    .map((name) => Prisma.raw(`"${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}"`));
});

/** A raw row (snake_case columns) with the model's field names, checked against the datamodel. */
const modelRowMapper = perModel((model): ((raw: Record<string, unknown>) => Record<string, unknown>) => {
  const fields = new Set(scalarFieldsByModel(model));
  const names = new Map<string, string>();
  const fieldOf = (column: string) => {
    let name = names.get(column);
    if (name === undefined) {
      name = column.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      // A column whose field is not its camelCase name would be silently lost: fail loudly instead.
      if (!fields.has(name)) throw new Error(`${model}: column ${column} has no field ${name}; list its mapping in batch.ts.`);
      names.set(column, name);
    }
    return name;
  };
  return (raw) => Object.fromEntries(Object.entries(raw).map(([column, value]) => [fieldOf(column), value]));
});

export interface FirstPerParentOptions {
  /** The table, schema-qualified: Prisma.sql`engine.scheduled_job_runs`. */
  table: Prisma.Sql;
  /** The SQL array type of the parent keys: `int` (int4 foreign keys) or `text`. */
  keyType: 'int' | 'text';
  /** The condition tying a row (alias `row`) to one parent key (`key`), e.g. row.job_id = key. */
  match: (row: Prisma.Sql, key: Prisma.Sql) => Prisma.Sql;
  /** Extra conditions on the row (a status filter, ...). */
  where?: (row: Prisma.Sql) => Prisma.Sql;
  /** The ordering inside each parent, ending with a unique column: Prisma.sql`row.id DESC`. */
  orderBy: (row: Prisma.Sql) => Prisma.Sql;
  /** Rows per parent (checked by the caller, e.g. boundedFirst). */
  first: number;
}

const ROW = Prisma.raw('"row"');
/** The outer alias of the per-parent rows: the sort is repeated on it (a sort is not stable). */
const PAGE = Prisma.raw('page');

/**
 * The first `first` rows of `model` for each parent key, in ONE statement: a LATERAL subquery per
 * key, with the model's rule in SQL (rules.ts `ruleSql`), ordered and limited in SQL, so a nested
 * page reads the rows it returns, not the history (an index on (parent key, order) serves it).
 * Rows come back with Prisma's field names (the columns the client would read), grouped by the
 * key as given.
 */
export function firstPerParent<M extends ModelName, K extends string | number | bigint>(
  model: M,
  options: FirstPerParentOptions,
): LoaderFactory<DataLoader<K, ModelRow<M>[]>> {
  const toRow = modelRowMapper(model);
  const columns = Prisma.join(readColumns(model).map((column) => Prisma.sql`${ROW}.${column}`), ', ');
  const keyArrayType = Prisma.raw(options.keyType === 'int' ? 'int[]' : 'text[]');
  const key = Prisma.raw('parent.key');
  return (prisma, scope) =>
    manyLoader<K, ModelRow<M> & { __parent: unknown }>(
      async (keys) => {
        const values = [...new Set(keys.map((k) => (options.keyType === 'int' ? Number(k) : String(k))))];
        const conditions = [options.match(ROW, key), await ruleSql(model, scope, ROW), ...(options.where ? [options.where(ROW)] : [])];
        const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
          SELECT parent.key AS "__parent", page.*
            FROM unnest(${values}::${keyArrayType}) WITH ORDINALITY AS parent(key, position)
            CROSS JOIN LATERAL (
              SELECT ${columns} FROM ${options.table} AS ${ROW}
               WHERE ${Prisma.join(conditions, ' AND ')}
               ORDER BY ${options.orderBy(ROW)}
               LIMIT ${options.first}
            ) AS page
           ORDER BY parent.position, ${options.orderBy(PAGE)}`);
        return rows.map(({ __parent, ...raw }) => ({ ...toRow(raw), __parent }) as ModelRow<M> & { __parent: unknown });
      },
      (row) => row.__parent,
      (k) => (options.keyType === 'int' ? Number(k) : String(k)),
    );
}

/**
 * The first `first` children of each parent by an int4 key column, in SQL (firstPerParent): one
 * loader factory per page size. `orderBy` lists columns with their direction, ending unique.
 */
export function firstChildrenBy<M extends ModelName>(
  model: M,
  options: { table: string; column: string; orderBy: ReadonlyArray<readonly [string, 'ASC' | 'DESC']> },
): (first: number) => LoaderFactory<DataLoader<number | bigint, ModelRow<M>[]>> {
  const column = Prisma.raw(`"${options.column}"`);
  return perFilter((first: number) =>
    firstPerParent<M, number | bigint>(model, {
      table: Prisma.raw(options.table),
      keyType: 'int',
      match: (row, key) => Prisma.sql`${row}.${column} = ${key}`,
      orderBy: (row) => Prisma.join(options.orderBy.map(([name, direction]) => Prisma.sql`${row}.${Prisma.raw(`"${name}" ${direction}`)}`), ', '),
      first,
    }),
  );
}

/**
 * Text columns the client omits (db/prisma.ts LARGE_COLUMN_OMIT) of rows already loaded, by a unique
 * key, with the model's rule: the one field that shows them asks, one statement per level.
 */
export function omittedColumnsBy<M extends ModelName, S extends Record<string, true>>(
  model: M,
  key: keyof ModelRow<M> & string,
  select: S,
): LoaderFactory<DataLoader<string | bigint, Record<keyof S, string | null> | null>> {
  return (prisma, scope) =>
    oneLoader(
      async (keys) =>
        (await delegateOf(prisma, model).findMany({
          where: await scopedWhere(model, scope, { [key]: { in: [...new Set(keys)] } } as ModelWhere<M>),
          select: { ...select, [key]: true },
        })) as Array<Record<string, unknown>>,
      (row) => row[key],
    ) as unknown as DataLoader<string | bigint, Record<keyof S, string | null> | null>;
}
