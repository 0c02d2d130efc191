/**
 * The one Pothos builder of the gateway. Each domain's graphql.ts (src/domains) adds its types to it;
 * src/server/schema.ts imports them all and builds the schema.
 */
import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { CONNECTION_EDGES_COMPLEXITY } from './complexity.js';
import type { GatewayContext } from './context.js';
import { inputLimits, MAX_CURSOR_LENGTH } from './input-limits.js';
import { badInput, requireOperator } from './errors.js';

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

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string | number };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  prisma: {
    // The client is per process, but reads go through the request context so tests can swap it.
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
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
      resolve: async (_root, args, ctx, _info, resolveNodes) => {
        requireOperator(ctx);
        if (args.ids.length > MAX_NODES) throw badInput(`nodes(ids:) accepts at most ${MAX_NODES} ids.`);
        return (await resolveNodes(args.ids)).map((node) => nullWhenNotFound(node));
      },
    },
  },
});

builder.queryType({});

/** The builder's schema types, for helpers that take Pothos refs as parameters. */
export type GatewaySchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;
