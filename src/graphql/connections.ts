/**
 * The top-level list every domain declares: a Relay connection over one Prisma model with a typed
 * `where` input, an `orderBy` input from `defineOrder`, the page-size limits, keyset cursors
 * (src/graphql/cursors.ts) and `totalCount`.
 *
 *   builder.queryField('sites', (t) => listConnection(t, { type: 'Site', cursor: 'id', ... }));
 *
 * The field is `t.connection` (plugin-relay) resolved with plugin-prisma's `queryFromInfo`, as
 * `t.prismaConnection` does, so nested selections load with the page (include/select,
 * relationJoins); only the cursors differ: prismaConnection's cursors name a row that Prisma looks
 * up, these carry the sort values and page with a `where`.
 */
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import { getModel, getRefFromModel, queryFromInfo } from '@pothos/plugin-prisma';
import { Kind, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from './context.js';
import type { Db } from '../db/prisma.js';
import type PrismaTypes from '../generated/pothos-types.js';
import { Prisma } from '../generated/prisma/client.js';
import { builder, type GatewaySchemaTypes } from './builder.js';
import {
  decodeCursor,
  encodeCursor,
  keysetPredicate,
  nullsPosition,
  reversed,
  type KeysetPredicates,
  type KeyType,
  type KeyValue,
  type SortKey,
  type TypedSortKey,
} from './cursors.js';
import { badInput } from './errors.js';
import { sqlForm, type PrismaWhere } from './compile/forms.js';
import { pageSize, type OrderDefinition, type OrderValue } from './inputs.js';

type ModelName = keyof PrismaTypes;
type Model<N extends ModelName> = PrismaTypes[N];

/** The two calls a list makes on its model's Prisma delegate (`prisma.scheduledJob`, ...). */
export interface ListDelegate<N extends ModelName> {
  findMany(args: {
    where: Model<N>['Where'];
    orderBy: Model<N>['OrderBy'][];
    take: number;
    select?: Model<N>['Select'];
    include?: Model<N>['Include'];
  }): PromiseLike<Model<N>['Shape'][]>;
  count(args: { where: Model<N>['Where'] }): PromiseLike<number>;
}

export interface ListConnectionOptions<N extends ModelName, W extends object, K extends string> {
  /** The Prisma model (and Pothos type) listed. */
  type: N;
  /** The unique, non-NULL column every ordering ends with: the cursors' tie-breaker. */
  cursor: keyof Model<N>['Shape'] & string;
  description: string;
  /** The `where` argument's input type. */
  filter: InputObjectRef<GatewaySchemaTypes, W>;
  /** The scoped, filtered Prisma `where` of the list (who may call it: `authScopes`). */
  where: (where: W | null | undefined, ctx: GatewayContext) => Model<N>['Where'] | Promise<Model<N>['Where']>;
  /** The `orderBy` argument (defineOrder). */
  order: OrderDefinition<K>;
  /** Without `orderBy`: a field of `order` (ascending), or an explicit Prisma ordering. */
  defaultOrder: K | Model<N>['OrderBy'][];
  /** The model's delegate on the request's client, e.g. `(prisma) => prisma.site`. */
  delegate: (prisma: Db) => ListDelegate<N>;
  /** Who may call the list (plugin-scope-auth): a signed-in operator unless told, e.g. `{ admin: true }`. */
  authScopes?: Partial<GatewaySchemaTypes['AuthScopes']>;
  /**
   * The list's filter without the access rule (the `where` above is this filter under the rule):
   * given, the compiled read path (compile/) answers the list in SQL with the rule's SQL form.
   */
  filterWhere?: (where: W | null | undefined) => Model<N>['Where'];
}

/** The paging arguments of every connection. */
export interface PagingArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

interface ListArgs<W, K extends string> extends PagingArgs {
  where?: W | null;
  orderBy?: OrderValue<K> | null;
}

type QueryFieldBuilder = PothosSchemaTypes.QueryFieldBuilder<GatewaySchemaTypes, GatewaySchemaTypes['Root']>;

/** One page to read: the cursor bounds (decoded), the direction and the row count to fetch. */
export interface KeysetPage {
  bounds: Array<{ side: 'after' | 'before'; values: KeyValue[] }>;
  /** Read in the reversed ordering (a `last` page): the rows come back nearest-first. */
  inverted: boolean;
  /** Rows to fetch: the page size plus one, which tells whether another page exists. */
  limit: number;
}

/**
 * A Relay connection page over keyset cursors, for any source of rows (Prisma or raw SQL).
 * Forward pages are `first`/`after`, backward pages `last`/`before`. As in plugin-prisma,
 * `hasPreviousPage` of a forward page (and `hasNextPage` of a backward page) is true when a cursor
 * was given: answering exactly would cost another statement.
 */
export async function resolveKeysetConnection<Row>(options: {
  args: PagingArgs;
  /** The field that issues and accepts the cursors, e.g. `Query.incidents`. */
  list: string;
  keys: readonly TypedSortKey[];
  valuesOf: (row: Row) => KeyValue[];
  fetch: (page: KeysetPage) => Promise<Row[]>;
}) {
  const { args, list, keys } = options;
  if (args.after != null && args.before != null) throw badInput('Arguments "before" and "after" are not supported at the same time.');
  if (args.before != null && args.first != null) throw badInput('Arguments "before" and "first" are not supported at the same time: page backwards with `last`.');
  if (args.after != null && args.last != null) throw badInput('Arguments "after" and "last" are not supported at the same time: page forwards with `first`.');
  if (args.first != null && args.last != null) throw badInput('Arguments "first" and "last" are not supported at the same time.');
  const maxSize = pageSize.maxSize(args);
  // Decoded before any statement: a bad cursor costs nothing and reveals nothing.
  const bounds: KeysetPage['bounds'] = [];
  if (args.after != null) bounds.push({ side: 'after', values: decodeCursor(args.after, 'after', list, keys) });
  if (args.before != null) bounds.push({ side: 'before', values: decodeCursor(args.before, 'before', list, keys) });
  const connection = await resolveCursorConnection<Promise<Row[]>>(
    { args, defaultSize: pageSize.defaultSize, maxSize, toCursor: (row) => encodeCursor(list, keys, options.valuesOf(row as Row)) },
    ({ inverted, limit }) => options.fetch({ bounds, inverted, limit }),
  );
  const edges = (connection?.edges ?? []) as Array<{ cursor: string; node: Row }>;
  // An empty page has no cursors (the relay helper would echo the argument or an empty string).
  const empty = edges.length === 0;
  return {
    edges,
    pageInfo: {
      hasNextPage: connection?.pageInfo.hasNextPage ?? false,
      hasPreviousPage: connection?.pageInfo.hasPreviousPage ?? false,
      startCursor: empty ? null : edges[0]!.cursor,
      endCursor: empty ? null : edges.at(-1)!.cursor,
    },
  };
}

/** The keyset conditions as a Prisma `where` over the model's fields. */
const prismaPredicates: KeysetPredicates<Record<string, unknown>> = {
  greater: (key, value) => ({ [key.field]: { gt: value } }),
  less: (key, value) => ({ [key.field]: { lt: value } }),
  equals: (key, value) => ({ [key.field]: { equals: value } }),
  isNull: (key) => ({ [key.field]: null }),
  isNotNull: (key) => ({ [key.field]: { not: null } }),
  and: (parts) => ({ AND: parts }),
  or: (parts) => ({ OR: parts }),
};

/** The keyset conditions as raw SQL, for lists Prisma's client cannot express (e.g. a UNION). */
export function sqlKeysetPredicates(expressionOf: (key: TypedSortKey) => Prisma.Sql): KeysetPredicates<Prisma.Sql> {
  return {
    greater: (key, value) => Prisma.sql`${expressionOf(key)} > ${value}`,
    less: (key, value) => Prisma.sql`${expressionOf(key)} < ${value}`,
    equals: (key, value) => Prisma.sql`${expressionOf(key)} = ${value}`,
    isNull: (key) => Prisma.sql`${expressionOf(key)} IS NULL`,
    isNotNull: (key) => Prisma.sql`${expressionOf(key)} IS NOT NULL`,
    and: (parts) => Prisma.sql`(${Prisma.join(parts, ' AND ')})`,
    or: (parts) => Prisma.sql`(${Prisma.join(parts, ' OR ')})`,
  };
}

/** Sort keys as a raw SQL ORDER BY, with NULL placed by the one rule of cursors.ts. */
export function sqlOrderBy(keys: readonly TypedSortKey[], expressionOf: (key: TypedSortKey) => Prisma.Sql): Prisma.Sql {
  const terms = keys.map(
    (key) => Prisma.sql`${expressionOf(key)} ${Prisma.raw(key.direction.toUpperCase())} NULLS ${Prisma.raw(nullsPosition(key.direction).toUpperCase())}`,
  );
  return Prisma.sql`ORDER BY ${Prisma.join(terms, ', ')}`;
}

/** Sort keys as a Prisma orderBy, with NULL placed by the one rule of cursors.ts. */
function prismaOrderBy(keys: readonly TypedSortKey[]): Array<Record<string, unknown>> {
  return keys.map((key) =>
    key.nullable ? { [key.field]: { sort: key.direction, nulls: nullsPosition(key.direction) } } : { [key.field]: key.direction },
  );
}

const KEY_TYPES: readonly string[] = ['Int', 'BigInt', 'String'] satisfies KeyType[];

/** Sort keys with their column types, checked once at startup (a bad ordering fails the build). */
function typedKeys(modelName: string, keys: readonly SortKey[], tieBreaker: string): TypedSortKey[] {
  const model = getModel(modelName, builder);
  const column = (name: string) => {
    const field = model.fields.find((f) => f.name === name && f.kind === 'scalar' && !f.isList);
    if (!field || !KEY_TYPES.includes(field.type)) throw new Error(`${modelName}.${name} cannot be a sort key (Int, BigInt or String columns only).`);
    return field;
  };
  const tie = column(tieBreaker);
  if (!tie.isRequired || !(tie.isId || tie.isUnique)) throw new Error(`${modelName}.${tieBreaker} must be unique and non-NULL to end every ordering.`);
  const complete = keys.at(-1)?.field === tieBreaker ? [...keys] : [...keys, { field: tieBreaker, direction: keys.at(-1)?.direction ?? 'asc' }];
  return complete.map((key) => {
    const field = column(key.field);
    return { ...key, type: field.type as KeyType, nullable: !field.isRequired };
  });
}

/** An explicit Prisma ordering (`[{ openedAt: 'desc' }, { id: 'desc' }]`) as sort keys. */
function explicitKeys(modelName: string, ordering: readonly object[]): SortKey[] {
  return ordering.map((entry) => {
    const pairs = Object.entries(entry);
    const [field, direction] = pairs[0] ?? [];
    if (pairs.length !== 1 || (direction !== 'asc' && direction !== 'desc')) {
      throw new Error(`${modelName}: a default ordering lists one { field: 'asc' | 'desc' } per entry.`);
    }
    return { field: field!, direction };
  });
}

/**
 * The orderings of every list, by model (`<FIELD>.<ASC|DESC>` and `default` to sort keys): what
 * the cursors of each list are bound to, readable by tests and tooling.
 */
export const listOrderings = new Map<string, ReadonlyMap<string, readonly TypedSortKey[]>>();

/** Only `totalCount` (or `__typename`) is selected: no page needs to be read. */
function onlyTotalCount(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    node.selectionSet?.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === 'totalCount' || s.name.value === '__typename')),
  );
}

/** The top-level list field (see the file comment). */
export function listConnection<N extends ModelName, W extends object, K extends string>(t: QueryFieldBuilder, options: ListConnectionOptions<N, W, K>) {
  const { type, cursor, description, filter, where, order, defaultOrder, delegate, authScopes = { operator: true }, filterWhere } = options;
  const ref = getRefFromModel(type, builder) as unknown as ObjectRef<GatewaySchemaTypes, Record<string, unknown>>;

  // Every ordering the list can use, typed and checked now: key `<FIELD>.<ASC|DESC>`, or `default`.
  const orderings = new Map<string, TypedSortKey[]>();
  for (const field of Object.keys(order.fields) as K[]) {
    for (const direction of ['ASC', 'DESC'] as const) {
      orderings.set(`${field}.${direction}`, typedKeys(type, order.sortKeys({ field, direction }, field), cursor));
    }
  }
  orderings.set(
    'default',
    typedKeys(type, typeof defaultOrder === 'string' ? order.sortKeys(null, defaultOrder) : explicitKeys(type, defaultOrder as object[]), cursor),
  );
  listOrderings.set(type, orderings);
  const keysFor = (value: OrderValue<K> | null | undefined) => orderings.get(value ? `${value.field}.${value.direction ?? 'ASC'}` : 'default')!;

  // Building the scoped where may cost SQL (scope id sets, site filters): once per request and
  // filter value, shared by the page, `totalCount` and aliases of the same list.
  const built = new WeakMap<GatewayContext, Map<string, Promise<Model<N>['Where']>>>();
  const scopedWhere = (value: W | null | undefined, ctx: GatewayContext) => {
    let byValue = built.get(ctx);
    if (!byValue) built.set(ctx, (byValue = new Map()));
    const key = JSON.stringify(value ?? null);
    let pending = byValue.get(key);
    if (!pending) byValue.set(key, (pending = Promise.resolve(where(value, ctx))));
    return pending;
  };

  return t.connection(
    {
      type: ref,
      description,
      authScopes,
      args: { where: t.arg({ type: filter }), orderBy: t.arg({ type: order.Order }) },
      ...(filterWhere
        ? {
            extensions: sqlForm({
              kind: 'connection',
              model: type,
              orderings,
              filter: (value) => filterWhere(value as W | null | undefined) as PrismaWhere,
            }),
          }
        : {}),
      resolve: async (_root, rawArgs, ctx, info) => {
        const args = rawArgs as ListArgs<W, K>;
        const scoped = await scopedWhere(args.where, ctx);
        const keys = keysFor(args.orderBy);
        const model = delegate(ctx.prisma);
        let total: Promise<number> | undefined;
        const totalCount = () => (total ??= Promise.resolve(model.count({ where: scoped })));
        const skipPage = onlyTotalCount(info);
        // The sort keys are always read (the cursors carry them), whatever else is selected.
        const query = await queryFromInfo({
          context: ctx,
          info,
          typeName: ref.name,
          select: Object.fromEntries(keys.map((key) => [key.field, true])),
          paths: [['nodes'], ['edges', 'node']],
          awaitSelections: true,
        });
        const connection = await resolveKeysetConnection<Record<string, unknown>>({
          args,
          list: `${info.parentType.name}.${info.fieldName}`,
          keys,
          valuesOf: (row) => keys.map((key) => row[key.field] as KeyValue),
          fetch: async ({ bounds, inverted, limit }) => {
            if (skipPage) return [];
            const pageWhere = bounds.map(({ side, values }) => keysetPredicate(keys, values, side, prismaPredicates));
            const rows = await model.findMany({
              ...(query as { select?: Model<N>['Select']; include?: Model<N>['Include'] }),
              where: { AND: [scoped, ...pageWhere] } as Model<N>['Where'],
              orderBy: prismaOrderBy(inverted ? reversed(keys) : keys) as Model<N>['OrderBy'][],
              take: limit,
            });
            return rows as Record<string, unknown>[];
          },
        });
        return { ...connection, totalCount };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          description: 'Rows matching `where` in the operator\'s scope, whatever the page (computed only when selected).',
          resolve: (connection) => (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
  );
}

