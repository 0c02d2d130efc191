/**
 * The two batching shapes the read API needs, on top of DataLoader: "one row per key" and "all rows
 * of a key", and the loader factories most relations use on top of them: rows by id (byId), the
 * first `first` children of each parent (firstPerParent: a LATERAL statement), child rows by an
 * int4 key column (childrenBy, Prisma) and the large columns the client omits.
 *
 * Rows by id, devices by hostname/GUID and per-parent pages are raw reads with the model's rule in
 * SQL (rules.ts `sql`), and every raw read of a request that is ready in the same turn of the event
 * loop (the loaders of one query level) goes out as ONE combined statement (CombinedReads): a level
 * that needs a site, a watchdog and a device costs one round trip, not three.
 */
import DataLoader from 'dataloader';
import { Prisma } from '../generated/prisma/client.js';
import { omittedFields, quotedIdentifier } from '../db/prisma.js';
import { delegateOf, ruleSql, scopedWhere, type ModelName, type ModelRow, type ModelWhere } from './rules.js';
import type { LoaderFactory, Loaders } from './loaders.js';
import type { Scope } from './scope.js';
import type { Db } from '../db/prisma.js';

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
  options: { select?: Readonly<Record<string, unknown>> } = {},
): LoaderFactory<DataLoader<number | bigint, (ModelRow<M> & { id: bigint }) | null>> {
  return (prisma, scope) =>
    oneLoader(
      async (ids) =>
        (await readRows(prisma, scope, model, {
          where: (row) => Prisma.sql`${row}.id = ANY(${bigintKeys(ids).map(String)}::bigint[])`,
          ...(options.select ? { only: { ...options.select, id: true } } : {}),
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

/** One value per model, computed on first use (the raw shape of its rows). */
function perModel<T>(compute: (model: ModelName) => T): (model: ModelName) => T {
  const computed = new Map<ModelName, T>();
  return (model) => {
    if (!computed.has(model)) computed.set(model, compute(model));
    return computed.get(model)!;
  };
}

/** The part of Prisma's runtime datamodel (declared by @prisma/client's runtime) that names tables and columns. */
interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; schema: string | null; fields: Array<{ name: string; kind: string; type: string; dbName?: string | null }> }>;
}

const runtimeDataModel = (prisma: Db) => (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;

/**
 * How raw reads of a model name and return its rows: the table, and the columns the client reads
 * (READ_OMIT's secret and large columns left out, as Prisma leaves them out) under Prisma's field
 * names, in a JSON-safe form (int8 as text), with `restore` giving them Prisma's types back.
 */
interface RawShape {
  table: Prisma.Sql;
  columns(alias: Prisma.Sql, only?: Readonly<Record<string, unknown>>): Prisma.Sql;
  /** The same columns as stored (names and types), for an inner statement. */
  stored(alias: Prisma.Sql): Prisma.Sql;
  restore(row: Record<string, unknown>): Record<string, unknown>;
}

const quoted = (name: string) => Prisma.raw(quotedIdentifier(name));
const restoreAs: Record<string, (value: unknown) => unknown> = {
  BigInt: (value) => BigInt(value as string),
  // PostgreSQL writes NaN and the infinities as JSON strings.
  Float: (value) => (typeof value === 'string' ? Number(value) : value),
  Bytes: (value) => Uint8Array.from(Buffer.from(String(value).replace(/^\\x/, ''), 'hex')),
};

let shapes: ((prisma: Db, model: ModelName) => RawShape) | undefined;
export function rawShape(prisma: Db, model: ModelName): RawShape {
  shapes ??= ((datamodel) => {
    const byModel = perModel((name): RawShape => {
      const definition = datamodel.models[name];
      if (!definition) throw new Error(`No model ${name} in Prisma's datamodel.`);
      const omitted = omittedFields(name);
      const fields = definition.fields.filter((f) => f.kind === 'scalar' && !omitted[f.name]);
      const special = fields.filter((f) => restoreAs[f.type]);
      return {
        table: Prisma.sql`${quoted(definition.schema ?? 'public')}.${quoted(definition.dbName ?? name)}`,
        columns: (alias, only) =>
          Prisma.join(
            fields
              .filter((f) => !only || only[f.name])
              .map((f) => Prisma.sql`${alias}.${quoted(f.dbName ?? f.name)}${Prisma.raw(f.type === 'BigInt' ? '::text' : '')} AS ${quoted(f.name)}`),
            ', ',
          ),
        stored: (alias) => Prisma.join(fields.map((f) => Prisma.sql`${alias}.${quoted(f.dbName ?? f.name)}`), ', '),
        restore: (row) => {
          for (const field of special) {
            const value = row[field.name];
            if (value !== null && value !== undefined) row[field.name] = restoreAs[field.type]!(value);
          }
          return row;
        },
      };
    });
    return (_prisma: Db, model: ModelName) => byModel(model);
  })(runtimeDataModel(prisma));
  return shapes(prisma, model);
}

/**
 * One raw read of a combined statement: a SELECT (still being built when its rule needs a scope
 * set first), and whether its rows come ordered by an `"__n"` column.
 */
interface RawRead {
  select: Promise<Prisma.Sql>;
  ordered: boolean;
  resolve(rows: Array<Record<string, unknown>>): void;
  reject(error: unknown): void;
}

/**
 * The raw reads of one request that are ready in the same turn of the event loop (the loaders of
 * one query level dispatch together), sent as ONE statement: each read becomes a `json_agg`
 * column of a single row. A level that needs a site, a watchdog and a device costs one round trip
 * instead of three, and no Prisma row mapping.
 */
class CombinedReads {
  private pending: RawRead[] = [];

  constructor(private readonly prisma: Db) {}

  /** Registered synchronously by a loader's batch, so the reads of one level share a statement even when a rule waits for a scope set. */
  read(select: Promise<Prisma.Sql>, ordered: boolean): Promise<Array<Record<string, unknown>>> {
    return new Promise((resolve, reject) => {
      // After every loader of this turn has dispatched (DataLoader dispatches on the next tick).
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ select, ordered, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const registered = this.pending;
    this.pending = [];
    const built = await Promise.allSettled(registered.map((read) => read.select));
    const reads: Array<Omit<RawRead, 'select'> & { select: Prisma.Sql }> = [];
    built.forEach((result, index) => {
      const read = registered[index]!;
      if (result.status === 'rejected') read.reject(result.reason);
      else reads.push({ ...read, select: result.value });
    });
    if (reads.length === 0) return;
    const columns = reads.map(
      (read, index) =>
        Prisma.sql`(SELECT coalesce(json_agg(q${read.ordered ? Prisma.sql` ORDER BY q."__n"` : Prisma.empty}), '[]'::json)
                      FROM (${read.select}) AS q) AS ${quoted(`${COMBINED_COLUMN}${index}`)}`,
    );
    try {
      const [row] = await this.prisma.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`SELECT ${Prisma.join(columns, ', ')}`);
      reads.forEach((read, index) => {
        const value = row![`${COMBINED_COLUMN}${index}`];
        read.resolve((typeof value === 'string' ? JSON.parse(value) : value) as Array<Record<string, unknown>>);
      });
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}

/** The column names of a combined statement: `__combined_0`, `__combined_1`, ... */
const COMBINED_COLUMN = '__combined_';

/**
 * Rows a statement fetched from the database (for the bench and the tests' statement records): a
 * combined statement's one row counts as the rows aggregated in its JSON columns.
 */
export function rowsFetched(result: { rows?: unknown[]; fields?: Array<{ name: string }> } | undefined): number {
  const rows = result?.rows ?? [];
  const fields = result?.fields ?? [];
  if (rows.length !== 1 || fields.length === 0 || !fields.every((field) => field.name.startsWith(COMBINED_COLUMN))) return rows.length;
  const row = rows[0] as unknown[] | Record<string, unknown>;
  const values = Array.isArray(row) ? row : Object.values(row);
  return values.reduce<number>((sum, value) => sum + (Array.isArray(value) ? value.length : (JSON.parse(String(value)) as unknown[]).length), 0);
}

/** The request's combined reads: one per scope, which is one per request (server/context.ts). */
const combinedReads = new WeakMap<Scope, CombinedReads>();

/**
 * Rows of `model` (its readable columns, or `only` those) matching `where` on the row aliased
 * `row`, with the model's rule in SQL, read in the request's combined statement.
 */
export async function readRows<M extends ModelName>(
  prisma: Db,
  scope: Scope,
  model: M,
  options: { where: (row: Prisma.Sql) => Prisma.Sql; only?: Readonly<Record<string, unknown>>; extra?: (row: Prisma.Sql) => Prisma.Sql },
): Promise<Array<ModelRow<M>>> {
  const shape = rawShape(prisma, model);
  const extra = options.extra ? Prisma.sql`, ${options.extra(ROW)}` : Prisma.empty;
  const select = ruleSql(model, scope, ROW).then(
    (rule) => Prisma.sql`SELECT ${shape.columns(ROW, options.only)}${extra} FROM ${shape.table} AS ${ROW} WHERE ${options.where(ROW)} AND ${rule}`,
  );
  return (await combined(prisma, scope).read(select, false)).map((row) => shape.restore(row) as ModelRow<M>);
}

function combined(prisma: Db, scope: Scope): CombinedReads {
  let reads = combinedReads.get(scope);
  if (!reads) combinedReads.set(scope, (reads = new CombinedReads(prisma)));
  return reads;
}

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
 * The first `first` rows of `model` for each parent key, in one read of the request's combined
 * statement: a LATERAL subquery per key, with the model's rule in SQL (rules.ts `ruleSql`),
 * ordered and limited in SQL, so a nested page reads the rows it returns, not the history (an
 * index on (parent key, order) serves it). Rows come back with Prisma's field names and types
 * (the columns the client would read), grouped by the key as given, in the SQL order (`"__n"`).
 */
export function firstPerParent<M extends ModelName, K extends string | number | bigint>(
  model: M,
  options: FirstPerParentOptions,
): LoaderFactory<DataLoader<K, ModelRow<M>[]>> {
  const keyArrayType = Prisma.raw(options.keyType === 'int' ? 'int[]' : 'text[]');
  const key = Prisma.raw('parent.key');
  return (prisma, scope) =>
    manyLoader<K, ModelRow<M> & { __parent: unknown }>(
      async (keys) => {
        const shape = rawShape(prisma, model);
        const values = [...new Set(keys.map((k) => (options.keyType === 'int' ? Number(k) : String(k))))];
        const select = ruleSql(model, scope, ROW).then((rule) => {
          const conditions = [options.match(ROW, key), rule, ...(options.where ? [options.where(ROW)] : [])];
          return Prisma.sql`
          SELECT parent.key AS "__parent", ${shape.columns(PAGE)},
                 row_number() OVER (ORDER BY parent.position, ${options.orderBy(PAGE)}) AS "__n"
            FROM unnest(${values}::${keyArrayType}) WITH ORDINALITY AS parent(key, position)
            CROSS JOIN LATERAL (
              SELECT ${shape.stored(ROW)} FROM ${options.table} AS ${ROW}
               WHERE ${Prisma.join(conditions, ' AND ')}
               ORDER BY ${options.orderBy(ROW)}
               LIMIT ${options.first}
            ) AS page`;
        });
        const rows = await combined(prisma, scope).read(select, true);
        return rows.map(({ __parent, __n: _position, ...raw }) => ({ ...shape.restore(raw), __parent }) as ModelRow<M> & { __parent: unknown });
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
