/**
 * The one context builder of every transport: HTTP (and SSE, which is HTTP), graphql-ws, and the
 * REST router to come. Each operation gets its request id, the caller's identity, the site scope,
 * fresh loaders and a logger that carries the request id; the SQL statements it sends are counted
 * on its trace (src/db/request-work.ts).
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { performance } from 'node:perf_hooks';
import { createScope } from '../access/scope.js';
import { Loaders } from '../access/loaders.js';
import type { OperatorIdentity } from '../auth/identity.js';
import type { Logger } from '../config/logger.js';
import { countStatementsInto } from '../db/request-work.js';
import type { GatewayContext, GatewayServices, LiveResults, RequestTrace, Transport } from '../graphql/context.js';

/** A caller-supplied request id is kept when it is short and printable (it is logged and echoed). */
const ACCEPTABLE_REQUEST_ID = /^[\w.:/@-]{1,128}$/;

export function newTrace(transport: Transport, requestId: string = randomUUID()): RequestTrace {
  return {
    requestId,
    transport,
    startedAt: performance.now(),
    statements: { count: 0 },
    user: null,
    operations: [],
    errorCodes: [],
    internalErrors: [],
  };
}

const httpTraces = new WeakMap<Request, RequestTrace>();

/** The trace of an HTTP request, created on first use with the caller's `x-request-id` or a new id. */
export function traceOfRequest(request: Request): RequestTrace {
  let trace = httpTraces.get(request);
  if (!trace) {
    const supplied = request.headers.get('x-request-id')?.trim() ?? '';
    trace = newTrace('http', ACCEPTABLE_REQUEST_ID.test(supplied) ? supplied : randomUUID());
    httpTraces.set(request, trace);
  }
  return trace;
}

/**
 * What a transport hands to the builder: HTTP its request (authenticated here from its headers);
 * graphql-ws the operation's trace and the identity src/auth/websocket.ts re-read for it.
 */
export type TransportContext =
  | { request: Request; trace?: undefined }
  | {
      trace: RequestTrace;
      identity: OperatorIdentity | null;
      signal: AbortSignal;
      onTooSlow: (error: GraphQLError) => void;
      liveResults: LiveResults;
      request?: undefined;
    };

export function traceOf(transport: TransportContext): RequestTrace {
  return transport.trace ?? traceOfRequest(transport.request);
}

/** A batched HTTP request builds one context per operation but authenticates once. */
const httpIdentities = new WeakMap<Request, Promise<OperatorIdentity | null>>();

function identityOfRequest(services: GatewayServices, request: Request, trace: RequestTrace): Promise<OperatorIdentity | null> {
  let identity = httpIdentities.get(request);
  if (!identity) {
    identity = countStatementsInto(trace.statements, () => services.authenticate(request));
    httpIdentities.set(request, identity);
  }
  return identity;
}

export async function buildContext(services: GatewayServices, log: Logger, transport: TransportContext): Promise<GatewayContext> {
  const trace = traceOf(transport);
  const identity = transport.trace ? transport.identity : await identityOfRequest(services, transport.request, trace);
  trace.user = identity?.username ?? null;
  const scope = createScope(services.prisma, identity);
  return {
    ...services,
    requestId: trace.requestId,
    trace,
    log: log.child({ requestId: trace.requestId }),
    identity,
    scope,
    loaders: new Loaders(services.prisma, scope),
    signal: transport.request ? transport.request.signal : transport.signal,
    ...(transport.request ? {} : { onTooSlow: transport.onTooSlow, liveResults: transport.liveResults }),
  };
}
