/**
 * Prometheus metrics (prom-client), served on GET /metrics when GATEWAY_METRICS is on:
 * GraphQL operations and their latency per operation name and type, errors by code, the pg pool
 * (read at scrape time), open WebSocket connections, and prom-client's default process metrics.
 */
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Plugin } from 'graphql-yoga';
import type { RequestTrace } from '../graphql/context.js';

/**
 * Operation names come from clients: only operations that passed validation name a series, so
 * invalid documents cannot grow the label set.
 */
const INVALID = '(invalid)';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'transport' | 'operation_name' | 'operation_type'>;
  private readonly duration: Histogram<'transport' | 'operation_name' | 'operation_type'>;
  private readonly errors: Counter<'transport' | 'code'>;
  private openSockets: () => number = () => 0;

  constructor(pool: pg.Pool) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const labelNames = ['transport', 'operation_name', 'operation_type'] as const;
    this.operations = new Counter({
      name: 'gateway_graphql_operations_total',
      help: 'GraphQL operations received, by transport, operation name and type',
      labelNames,
      registers,
    });
    this.duration = new Histogram({
      name: 'gateway_graphql_request_duration_seconds',
      help: 'Time from request (or WebSocket subscribe message) to response, by operation',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.errors = new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'Errors returned to clients, by transport and error code',
      labelNames: ['transport', 'code'],
      registers,
    });
    new Gauge({
      name: 'gateway_db_pool_connections',
      help: 'Connections of the database pool: total, idle, in use',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: 'gateway_db_pool_waiting_requests',
      help: 'Requests waiting for a database connection',
      registers,
      collect() {
        this.set(pool.waitingCount);
      },
    });
    const sockets = () => this.openSockets();
    new Gauge({
      name: 'gateway_websocket_connections',
      help: 'Open graphql-ws connections',
      registers,
      collect() {
        this.set(sockets());
      },
    });
  }

  /** The WebSocket server whose open connections the gauge reports. */
  countWebSockets(open: () => number): void {
    this.openSockets = open;
  }

  /** One finished request: each of its operations, its duration and the codes of its errors. */
  record(trace: RequestTrace, durationSeconds: number): void {
    const operations = trace.operations.length ? trace.operations : [{ name: null, type: null, valid: false }];
    for (const operation of operations) {
      const labels = operation.valid
        ? { transport: trace.transport, operation_name: operation.name ?? 'anonymous', operation_type: operation.type ?? 'unknown' }
        : { transport: trace.transport, operation_name: INVALID, operation_type: operation.type ?? 'unknown' };
      this.operations.inc(labels);
      this.duration.observe(labels, durationSeconds);
    }
    for (const code of trace.errorCodes) this.errors.inc({ transport: trace.transport, code });
  }
}

/** GET /metrics in Prometheus's text format. */
export function useMetricsEndpoint(metrics: GatewayMetrics): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics' || request.method !== 'GET') return;
      endResponse(new fetchAPI.Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
    },
  };
}
