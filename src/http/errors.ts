/**
 * Error masking: errors the gateway raises on purpose (a GraphQLError with a code) and GraphQL
 * validation errors reach the client; anything else (a database error, a bug) becomes
 * "Internal server error." with the request id, and the original is logged under the same id.
 * No stack trace, SQL or Prisma message leaves the process.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

const INTERNAL = 'INTERNAL_SERVER_ERROR';

function hasCode(error: unknown): boolean {
  return error instanceof GraphQLError && typeof error.extensions?.code === 'string';
}

export function maskError(error: unknown): Error {
  if (error instanceof GraphQLError) {
    if (!error.originalError || hasCode(error) || hasCode(error.originalError)) {
      return error.originalError && hasCode(error.originalError) && !hasCode(error)
        ? new GraphQLError(error.originalError.message, { nodes: error.nodes, path: error.path, extensions: (error.originalError as GraphQLError).extensions })
        : error;
    }
  }
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  return new GraphQLError('Internal server error.', {
    path: error instanceof GraphQLError ? error.path : undefined,
    originalError: original instanceof Error ? original : new Error(String(original)),
    extensions: { code: INTERNAL },
  });
}

/** Adds the request id to masked errors and the response, and logs what was masked. */
export function useRequestId(): Plugin<GatewayContext> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ args, result }) => {
        if (!('errors' in result) || !result.errors) return;
        const requestId = (args.contextValue as GatewayContext).requestId;
        for (const error of result.errors) {
          if (error.extensions?.code !== INTERNAL) continue;
          (error.extensions as Record<string, unknown>).requestId = requestId;
          console.error(`[request ${requestId}] ${error.path?.join('.') ?? ''}: ${error.originalError?.stack ?? error.message}`);
        }
      },
    }),
    onResponse: ({ request, response }) => {
      const id = request.headers.get('x-request-id');
      if (id) response.headers.set('x-request-id', id);
    },
  };
}
