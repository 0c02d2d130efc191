/** Builds the GraphQL schema from every domain file (one file per domain, see docs/architecture.md). */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../graphql/builder.js';
import { rowsCostModel } from '../graphql/complexity.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/inputs.js';
import '../graphql/scalars.js';
import '../domains/gateway-status/graphql.js';
import '../domains/sites/graphql.js';
import '../domains/devices/graphql.js';
import '../domains/watchdogs/graphql.js';
import '../domains/jobs/graphql.js';
import '../domains/operators/graphql.js';
import '../domains/credentials/graphql.js';
import '../domains/approvals/graphql.js';
import '../domains/server-status/graphql.js';
import '../domains/assemblies/graphql.js';
import '../domains/filters/graphql.js';
import '../domains/scheduler/graphql.js';
import '../domains/patches/graphql.js';
import '../domains/workflows/graphql.js';
import '../domains/ansible/graphql.js';
// Mutations: one file per domain (docs/mutations.md).
import '../domains/approvals/mutations.js';
import '../domains/sites/mutations.js';
import '../domains/operators/mutations.js';
import '../domains/watchdogs/mutations.js';
import '../domains/filters/mutations.js';
import '../domains/devices/mutations.js';
import '../domains/jobs/mutations.js';
import '../domains/credentials/mutations.js';
// Subscriptions: each domain's live events.
import '../domains/jobs/events.js';
import '../domains/watchdogs/events.js';
import '../domains/approvals/events.js';

let built: GraphQLSchema | undefined;

export function gatewaySchema(): GraphQLSchema {
  built ??= builder.toSchema({ complexity: { fieldComplexity: rowsCostModel({ defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: MAX_PAGE_SIZE }) } });
  return built;
}

export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(gatewaySchema()))}\n`;
}
