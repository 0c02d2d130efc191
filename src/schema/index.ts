/** Builds the GraphQL schema from every domain file (one file per domain, see docs/architecture.md). */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './status.js';
import './sites.js';
import './devices.js';
import './watchdogs.js';
import './jobs.js';
import './operators.js';
import './credentials.js';
import './approvals.js';
import './server-status.js';
import './assemblies.js';
import './filters.js';
import './scheduler.js';
import './patches.js';
import './workflows.js';
import './ansible.js';

let built: GraphQLSchema | undefined;

export function gatewaySchema(): GraphQLSchema {
  built ??= builder.toSchema();
  return built;
}

export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(gatewaySchema()))}\n`;
}
