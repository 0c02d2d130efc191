/**
 * Logs and metrics of every request, whatever the transport:
 * - one access line per HTTP request and per WebSocket operation (request id, operation name and
 *   type, user, HTTP status or WebSocket outcome, duration, SQL statements sent, error codes);
 * - no stack for client errors; a masked internal error is logged once, with its stack, on that
 *   request's line (level error);
 * - the same trace feeds the Prometheus metrics (src/server/metrics.ts).
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTracing, type Tracing } from './plugins/tracing.js';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { getOperationAST, type ExecutionResult, type GraphQLError } from 'graphql';
import type { DestinationStream } from 'pino';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { GatewayConfig } from '../config/env.js';
import { createLogger, type Logger } from '../config/logger.js';
import type { GatewayContext, RequestTrace } from '../graphql/context.js';
import { traceOf, traceOfRequest, type TransportContext } from './context.js';
import { GatewayMetrics } from './metrics.js';
import { INFRASTRUCTURE_CODES, noteErrors } from './plugins/mask-errors.js';
import { AGENT_API_PREFIX } from '../rest/agent-router.js';

export interface Observability {
  log: Logger;
  /** null when GATEWAY_METRICS is off. */
  metrics: GatewayMetrics | null;
  /** Bounds the lines of requests that failed for the same infrastructure reason. */
  repeats: RepeatLimiter;
  /** null unless GATEWAY_OTEL_TRACING is on. */
  tracing: Tracing | null;
}

/** `destination` replaces stdout for the logs, `spans` the OTLP exporter of the traces (tests). */
export function createObservability(config: GatewayConfig, pool: pg.Pool, destination?: DestinationStream, spans?: SpanProcessor): Observability {
  const log = createLogger(config.log, destination);
  return {
    log,
    metrics: config.metrics ? new GatewayMetrics(pool) : null,
    repeats: new RepeatLimiter(log),
    tracing: config.tracing.enabled ? createTracing(config.tracing, spans) : null,
  };
}

/**
 * Under overload or an outage every request fails the same way: the first few lines of each code
 * per interval are written, the rest are counted and summed up in one line when the interval
 * ends (the metrics still count every request).
 */
export class RepeatLimiter {
  private readonly windows = new Map<string, { logged: number; suppressed: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly log: Logger,
    readonly perInterval = 5,
    readonly intervalMs = 10_000,
  ) {}

  /** Whether a line for `code` may be written now. */
  admit(code: string): boolean {
    let window = this.windows.get(code);
    if (!window) {
      const timer = setTimeout(() => this.flush(code), this.intervalMs);
      timer.unref();
      window = { logged: 0, suppressed: 0, timer };
      this.windows.set(code, window);
    }
    if (window.logged < this.perInterval) {
      window.logged += 1;
      return true;
    }
    window.suppressed += 1;
    return false;
  }

  private flush(code: string): void {
    const window = this.windows.get(code);
    this.windows.delete(code);
    if (window?.suppressed) this.log.warn({ code, suppressed: window.suppressed, intervalMs: this.intervalMs }, 'repeated request failures not logged one by one');
  }
}

/** How the request ended: an HTTP status, or a WebSocket operation's outcome. */
export type Ending = { status: number } | { outcome: 'completed' | 'closed' };

/** Writes the request's access line and records its metrics. */
export function finishTrace(trace: RequestTrace, observability: Observability, ending: Ending): void {
  const durationMs = performance.now() - trace.startedAt;
  observability.metrics?.record(trace, durationMs / 1000);
  const join = (values: Array<string | null>) => (values.length ? values.map((v) => v ?? 'anonymous').join(',') : null);
  const line = {
    requestId: trace.requestId,
    transport: trace.transport,
    operationName: join(trace.operations.map((o) => o.name)),
    operationType: trace.operations.length ? trace.operations.map((o) => o.type ?? 'unknown').join(',') : null,
    user: trace.user,
    ...ending,
    durationMs: Math.round(durationMs * 10) / 10,
    statements: trace.statements.count,
    ...(trace.errorCodes.length ? { errors: trace.errorCodes } : {}),
  };
  const [internal, ...others] = trace.internalErrors;
  const infrastructure = trace.errorCodes.find((code) => INFRASTRUCTURE_CODES.has(code));
  if (internal) {
    observability.log.error({ ...line, err: internal, ...(others.length ? { otherInternalErrors: others.map((e) => e.message) } : {}) }, 'request failed');
  } else if (infrastructure) {
    // No stack: the code says what happened; repetitions are summed up.
    if (observability.repeats.admit(infrastructure)) observability.log.warn(line, 'request failed');
  } else {
    observability.log.info(line, 'request');
  }
}

/** Yoga's own log lines at debug: every error it reports is already on the request's access line. */
export function yogaLogger(log: Logger): YogaLogger {
  const write = (level: 'debug' | 'info' | 'warn') => (...args: unknown[]) => log[level]({ detail: args.map(String) }, 'graphql-yoga');
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('debug') };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The envelop part (HTTP and WebSocket alike, since graphql-ws runs through getEnveloped): the
 * operation's name and type. Its SQL statements are counted by useRequestWork
 * (src/server/plugins/request-work.ts) and, for the account read, by the context builder.
 */
export function useOperationTrace(): Plugin<GatewayContext> {
  const traceOfContext = (context: object) => traceOf(context as TransportContext);
  return {
    onValidate({ context, params }) {
      const initial = context as unknown as { params?: { operationName?: string | null } };
      const operation = getOperationAST(params.documentAST, initial.params?.operationName ?? undefined);
      const entry = { name: operation?.name?.value ?? null, type: operation?.operation ?? null, valid: false };
      traceOfContext(context).operations.push(entry);
      return ({ valid }) => {
        entry.valid = valid;
      };
    },
  };
}

/** The HTTP part (including SSE): request id header, error codes of the result, the access line. */
export function useAccessLog(observability: Observability, graphqlEndpoint: string): Plugin<GatewayContext> {
  const note = (trace: RequestTrace, result: ExecutionResult) => noteErrors(trace, result.errors as readonly GraphQLError[] | undefined);
  /** What onRequest learnt: the path as Yoga parsed it, and whether Node's response already carries the id. */
  const seen = new WeakMap<Request, { path: string; idOnNodeResponse: boolean }>();
  return {
    onRequest({ request, url, serverContext }) {
      const trace = traceOfRequest(request);
      // On Node the id goes on the ServerResponse: a header set on the Response would keep
      // whatwg-node from writing the Response's headers in its single writeHead.
      const nodeResponse = (serverContext as { res?: ServerResponse } | undefined)?.res;
      const idOnNodeResponse = typeof nodeResponse?.setHeader === 'function';
      if (idOnNodeResponse) nodeResponse.setHeader('x-request-id', trace.requestId);
      seen.set(request, { path: url.pathname, idOnNodeResponse });
    },
    onResultProcess({ request, result, setResult }) {
      const trace = traceOfRequest(request);
      if (isAsyncIterable(result)) {
        setResult(
          (async function* () {
            for await (const each of result) {
              note(trace, each);
              yield each;
            }
          })(),
        );
        return;
      }
      for (const single of Array.isArray(result) ? result : [result]) note(trace, single as ExecutionResult);
    },
    onResponse({ request, response }) {
      const trace = traceOfRequest(request);
      // Missing when an earlier onRequest hook answered first.
      const known = seen.get(request);
      if (!known?.idOnNodeResponse) response.headers.set('x-request-id', trace.requestId);
      const path = known?.path ?? new URL(request.url).pathname;
      if ((path === graphqlEndpoint || path.startsWith(AGENT_API_PREFIX)) && (trace.operations.length || trace.errorCodes.length || response.status >= 400)) {
        finishTrace(trace, observability, { status: response.status });
      } else {
        // Health checks, scrapes, the GraphiQL page: not GraphQL operations.
        observability.log.debug({ requestId: trace.requestId, method: request.method, path, status: response.status }, 'http');
      }
    },
  };
}
