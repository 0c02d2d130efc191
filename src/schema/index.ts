/** Builds the GraphQL schema from every domain file. */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './status.js';
import './sites.js';

let built: GraphQLSchema | undefined;

export function gatewaySchema(): GraphQLSchema {
  built ??= builder.toSchema();
  return built;
}

export function printGatewaySchema(): string {
  return `${printSchema(lexicographicSortSchema(gatewaySchema()))}\n`;
}
