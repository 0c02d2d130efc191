/**
 * Error masking, the same for HTTP, SSE and WebSocket: errors the gateway raises on purpose (a
 * GraphQLError with a code) and GraphQL validation errors reach the client; anything else (a
 * database error, a bug) becomes "Internal server error." with the request id, and the original
 * is logged under the same id. No stack trace, SQL or Prisma message leaves the process.
 */
import { GraphQLError } from 'graphql';
import { classifyInfrastructureError, type InfrastructureFailure } from '../../db/infrastructure-errors.js';
import type { RequestTrace } from '../../graphql/context.js';
import { DomainError } from '../../domains/errors.js';

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
    // A domain error a field does not list as a typed result: its code, message and problems.
    if (original instanceof DomainError) {
      return withCode(error, original.code, original.problems.length > 0 ? { problems: original.problems } : {});
    }
  }
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const failure = classifyInfrastructureError(original);
  if (failure) return infrastructureError(failure, error instanceof GraphQLError ? error.path : undefined);
  return new GraphQLError('Internal server error.', {
    path: error instanceof GraphQLError ? error.path : undefined,
    originalError: original instanceof Error ? original : new Error(String(original)),
    extensions: { code: INTERNAL },
  });
}

/**
 * A coded error for a database or capacity failure: its HTTP status and Retry-After travel in
 * `extensions.http`, which Yoga turns into the response's status and headers (and leaves out of
 * the body); the WebSocket transport drops it (src/server/websocket.ts).
 */
export function infrastructureError(failure: Omit<InfrastructureFailure, 'code'> & { code: string }, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(failure.message, {
    path,
    extensions: { code: failure.code, http: { status: failure.status, headers: { 'Retry-After': String(failure.retryAfterSeconds) } } },
  });
}

/** The first database or capacity failure among a result's errors, already as the client's error. */
export function firstInfrastructureError(errors: readonly GraphQLError[]): GraphQLError | null {
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && INFRASTRUCTURE_CODES.has(code)) return error;
    const failure = classifyInfrastructureError(error.originalError);
    if (failure) return infrastructureError(failure);
  }
  return null;
}

export const INFRASTRUCTURE_CODES: ReadonlySet<string> = new Set(['SERVER_BUSY', 'DB_UNAVAILABLE', 'STATEMENT_TIMEOUT', 'QUERY_CANCELLED', 'DB_POOL_EXHAUSTED']);

function withCode(error: GraphQLError, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, ...extensions, code },
  });
}

/**
 * Every error a client receives, whatever the transport, passes here once it is masked: a masked
 * error gets the request id, and the trace keeps each code (metrics) and each masked original
 * (logged once, with its stack, by the access log under the same id).
 */
export function noteErrors(trace: RequestTrace, errors: readonly GraphQLError[] | undefined): void {
  for (const error of errors ?? []) {
    // Every masked error has a code; UNCODED would show in metrics an error that bypassed masking.
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNCODED';
    trace.errorCodes.push(code);
    if (code !== INTERNAL) continue;
    (error.extensions as Record<string, unknown>).requestId = trace.requestId;
    trace.internalErrors.push(error.originalError ?? error);
  }
}
