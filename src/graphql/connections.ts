/**
 * The top-level list every domain declares: a Relay connection over one Prisma model with a typed
 * `where` input, an `orderBy` input from `defineOrder`, the page-size limits and `totalCount`.
 *
 *   builder.queryField('sites', (t) => t.prismaConnection(listConnection(t, { type: 'Site', ... })));
 *
 * `listConnection` only builds the options object, fully typed from its own parameters; Pothos
 * still checks it (and infers the field's type) at each call site, where the model is known.
 */
import type { ArgBuilder, InputObjectRef } from '@pothos/core';
import type { UniqueFieldsFromWhereUnique } from '@pothos/plugin-prisma';
import type { GatewayContext } from './context.js';
import type { Db } from '../db/prisma.js';
import type PrismaTypes from '../generated/pothos-types.js';
import type { GatewaySchemaTypes } from './builder.js';
import { pageSize, type OrderDefinition, type OrderValue } from './inputs.js';

type ModelName = keyof PrismaTypes;
type Model<N extends ModelName> = PrismaTypes[N];

/** What plugin-prisma passes to a connection's resolve: the selection and the page window. */
interface ConnectionQuery<N extends ModelName> {
  include?: Model<N>['Include'];
  cursor?: Model<N>['WhereUnique'];
  take: number;
  skip: number;
}

/** The two calls a list makes on its model's Prisma delegate (`prisma.scheduledJob`, ...). */
export interface ListDelegate<N extends ModelName> {
  findMany(args: ConnectionQuery<N> & { where: Model<N>['Where']; orderBy: Model<N>['OrderBy'][] }): PromiseLike<Model<N>['Shape'][]>;
  count(args: { where: Model<N>['Where'] }): PromiseLike<number>;
}

export interface ListConnectionOptions<N extends ModelName, W extends object, K extends string> {
  /** The Prisma model (and Pothos type) listed. */
  type: N;
  /** A unique field; every ordering ends with it, so cursors are stable. */
  cursor: UniqueFieldsFromWhereUnique<Model<N>['WhereUnique']>;
  description: string;
  /** The `where` argument's input type. */
  filter: InputObjectRef<GatewaySchemaTypes, W>;
  /** Who may list (requireOperator / requireAdmin) and the scoped, filtered Prisma `where`. */
  where: (where: W | null | undefined, ctx: GatewayContext) => Model<N>['Where'] | Promise<Model<N>['Where']>;
  /** The `orderBy` argument (defineOrder). */
  order: OrderDefinition<K>;
  /** Without `orderBy`: a field of `order` (ascending), or an explicit Prisma ordering. */
  defaultOrder: K | Model<N>['OrderBy'][];
  /** The model's delegate on the request's client, e.g. `(prisma) => prisma.site`. */
  delegate: (prisma: Db) => ListDelegate<N>;
}

interface ListArgs<W, K extends string> {
  where?: W | null;
  orderBy?: OrderValue<K> | null;
}

/** The options of `t.prismaConnection` for a top-level list (see the file comment). */
export function listConnection<N extends ModelName, W extends object, K extends string>(
  t: { arg: ArgBuilder<GatewaySchemaTypes> },
  options: ListConnectionOptions<N, W, K>,
) {
  const { type, cursor, description, filter, where, order, defaultOrder, delegate } = options;
  // `resolve` and `totalCount` need the same where; building it may cost SQL (scope id sets,
  // site filters), so it is built once per request and filter value.
  const built = new WeakMap<GatewayContext, Map<string, Promise<Model<N>['Where']>>>();
  const scopedWhere = (value: W | null | undefined, ctx: GatewayContext) => {
    let byValue = built.get(ctx);
    if (!byValue) built.set(ctx, (byValue = new Map()));
    const key = JSON.stringify(value ?? null);
    let pending = byValue.get(key);
    if (!pending) byValue.set(key, (pending = Promise.resolve(where(value, ctx))));
    return pending;
  };
  const orderBy = (value: OrderValue<K> | null | undefined): Model<N>['OrderBy'][] => {
    // defineOrder's fields are columns of the model: its lists are orderings of N.
    if (value) return order.toPrisma(value, value.field) as Model<N>['OrderBy'][];
    return typeof defaultOrder === 'string' ? (order.toPrisma(null, defaultOrder) as Model<N>['OrderBy'][]) : defaultOrder;
  };
  return {
    type,
    cursor,
    ...pageSize,
    description,
    args: { where: t.arg({ type: filter }), orderBy: t.arg({ type: order.Order }) },
    resolve: async (query: ConnectionQuery<N>, _root: unknown, args: ListArgs<W, K>, ctx: GatewayContext) =>
      delegate(ctx.prisma).findMany({ ...query, where: await scopedWhere(args.where, ctx), orderBy: orderBy(args.orderBy) }),
    totalCount: async (_root: unknown, args: ListArgs<W, K>, ctx: GatewayContext) =>
      delegate(ctx.prisma).count({ where: await scopedWhere(args.where, ctx) }),
  };
}
