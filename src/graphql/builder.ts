/**
 * The one Pothos builder of the gateway. Each domain's graphql.ts (src/domains) adds its types to it;
 * src/server/schema.ts imports them all and builds the schema.
 */
import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { CONNECTION_EDGES_COMPLEXITY } from './complexity.js';
import type { GatewayContext } from './context.js';
import { inputLimits, MAX_CURSOR_LENGTH } from './input-limits.js';
import { badInput, forbidden, requireOperator, unauthenticated } from './errors.js';
import { isProduction } from '../config/env.js';

const MAX_NODES = 100;

/** plugin-prisma looks nodes up with findUniqueOrThrow; "not found" (P2025) means null here. */
async function nullWhenNotFound<T>(node: T | Promise<T>): Promise<T | null> {
  try {
    return await node;
  } catch (error) {
    if ((error as { code?: string }).code === 'P2025') return null;
    throw error;
  }
}

/** In `nodes(ids:)`, an id whose key part is malformed (BAD_USER_INPUT) is a missing node too. */
async function nullWhenMissing<T>(node: Promise<T>): Promise<T | null> {
  try {
    return await nullWhenNotFound(node);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') return null;
    throw error;
  }
}

/** The builder, for nodes(ids:) to resolve one id at a time (set below; avoids a self-reference). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const nodeBuilder: { current?: PothosSchemaTypes.SchemaBuilder<any> } = {};

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  /** `authScopes: { operator: true }` / `{ admin: true }` on a field or type (plugin-scope-auth). */
  AuthScopes: { operator: boolean; admin: boolean };
  Scalars: {
    ID: { Input: string; Output: string | number };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // scope-auth first, as its documentation asks: it wraps the resolvers the other plugins build
  // (so a refused caller is a top-level UNAUTHENTICATED/FORBIDDEN error, never a typed result).
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({ operator: ctx.identity !== null, admin: ctx.identity?.isAdmin === true }),
    // The codes clients branch on: no identity is UNAUTHENTICATED, a User on an admin field FORBIDDEN.
    unauthorizedError: (_parent, ctx) => (ctx.identity ? forbidden() : unauthenticated()),
  },
  // Mutations answer expected failures as typed results (src/domains/graphql-mutations.ts, docs/mutations.md):
  // `<Field>Result = <Payload> | NotFoundError | ...`, the payload object directly in the union.
  errors: {
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result` },
  },
  prisma: {
    // The client is per process, but reads go through the request context so tests can swap it.
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: isProduction() ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Field costs: src/graphql/complexity.ts (the model is passed to toSchema in src/server/schema.ts).
    edgesFieldOptions: { complexity: CONNECTION_EDGES_COMPLEXITY },
    afterArgOptions: { extensions: inputLimits({ maxLength: MAX_CURSOR_LENGTH }) },
    beforeArgOptions: { extensions: inputLimits({ maxLength: MAX_CURSOR_LENGTH }) },
    // node(id:) and nodes(ids:) are for signed-in operators; scope applies in each type's lookup.
    // A node outside the operator's scope and a node that does not exist look the same: null.
    nodeQueryOptions: {
      resolve: async (_root, args, ctx, _info, resolveNode) => {
        requireOperator(ctx);
        return nullWhenNotFound(resolveNode(args.id));
      },
    },
    nodesQueryOptions: {
      // plugin-relay resolves the list with Promise.all (batched per type), so one missing,
      // out-of-scope or malformed id fails them all: then each id is resolved on its own and
      // answers null in its position. Pothos's request cache keeps the ids already loaded.
      resolve: async (_root, args, ctx, info) => {
        requireOperator(ctx);
        if (args.ids.length > MAX_NODES) throw badInput(`nodes(ids:) accepts at most ${MAX_NODES} ids.`);
        const resolve = (ids: typeof args.ids) => resolveNodes(nodeBuilder.current!, ctx, info, ids);
        try {
          return await resolve(args.ids);
        } catch {
          return Promise.all(args.ids.map((id) => nullWhenMissing(resolve([id]).then(([node]) => node ?? null))));
        }
      },
    },
  },
});

nodeBuilder.current = builder;

builder.queryType({});
// Every mutation needs a signed-in operator; admin-only ones add `authScopes: { admin: true }`.
builder.mutationType({ authScopes: { operator: true } });
// Live events: src/domains/<name>/events.ts, served by src/realtime.
builder.subscriptionType({});

/** The builder's schema types, for helpers that take Pothos refs as parameters. */
export type GatewaySchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;
