/**
 * Error masking: errors the gateway raises on purpose (a GraphQLError with a code) and GraphQL
 * validation errors reach the client; anything else (a database error, a bug) becomes
 * "Internal server error." with the request id, and the original is logged under the same id.
 * No stack trace, SQL or Prisma message leaves the process.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../graphql/context.js';

const INTERNAL = 'INTERNAL_SERVER_ERROR';

function hasCode(error: unknown): boolean {
  return error instanceof GraphQLError && typeof error.extensions?.code === 'string';
}

export function maskError(error: unknown): Error {
  if (error instanceof GraphQLError) {
    const original = error.originalError;
    // Parse, validation and variable-coercion errors: the client's input was wrong.
    if (!original || (original instanceof GraphQLError && !hasCode(original))) {
      return hasCode(error) ? error : withCode(error, 'BAD_USER_INPUT');
    }
    if (hasCode(error)) return error;
    if (hasCode(original)) return withCode(error, String((original as GraphQLError).extensions.code), (original as GraphQLError).extensions);
    // Pothos refuses impossible arguments (e.g. `before` with `first`) with its own error type.
    if (original.name === 'PothosValidationError') return withCode(error, 'BAD_USER_INPUT');
  }
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  return new GraphQLError('Internal server error.', {
    path: error instanceof GraphQLError ? error.path : undefined,
    originalError: original instanceof Error ? original : new Error(String(original)),
    extensions: { code: INTERNAL },
  });
}

const requestIds = new WeakMap<Request, string>();

/** The request's id: the caller's `x-request-id`, or one generated for it. */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    id = request.headers.get('x-request-id')?.slice(0, 128) || randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

function withCode(error: GraphQLError, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, ...extensions, code },
  });
}

/** Puts the request id on masked errors and on the response, and logs what was masked. */
export function useRequestId(): Plugin<GatewayContext> {
  return {
    onResultProcess: ({ request, result }) => {
      const requestId = requestIdOf(request);
      for (const single of Array.isArray(result) ? result : [result]) {
        const errors = (single as { errors?: readonly GraphQLError[] }).errors ?? [];
        for (const error of errors) {
          if (error.extensions?.code !== INTERNAL) continue;
          (error.extensions as Record<string, unknown>).requestId = requestId;
          console.error(`[request ${requestId}] ${error.path?.join('.') ?? ''}: ${error.originalError?.stack ?? error.message}`);
        }
      }
    },
    onResponse: ({ request, response }) => {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
