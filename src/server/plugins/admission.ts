/**
 * Admission per GraphQL operation (HTTP, SSE and each WebSocket operation alike): an operation
 * either gets one of a bounded number of running slots (derived from the pool's size), waits for
 * one in a bounded queue for a bounded time, or is refused at once, before any work (not even its
 * authentication read), with SERVER_BUSY, HTTP 503 and Retry-After. An admitted operation's
 * statements then wait for a pooled connection within the pool's own bound.
 *
 * It also keeps database and capacity failures from producing half-filled responses: when any
 * error of a result is one (src/db/infrastructure-errors.ts), the whole result becomes that error
 * with `data: null`, so `site: null` rows can never pass for real data.
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { DatabaseConfig } from '../../config/env.js';
import type { GatewayContext, RequestTrace } from '../../graphql/context.js';
import { traceOf, traceOfRequest, type TransportContext } from '../context.js';
import { firstInfrastructureError, infrastructureError } from './mask-errors.js';

export interface AdmissionLimits {
  /** Operations running at once. */
  concurrency: number;
  /** Operations waiting for a slot; one more is refused at once. */
  queueSize: number;
  /** How long an operation may wait in the queue. */
  maxWaitMs: number;
}

export function admissionLimits(db: DatabaseConfig): AdmissionLimits {
  return { concurrency: db.maxConcurrentRequests, queueSize: db.maxWaitingRequests, maxWaitMs: db.admissionWaitMs };
}

type Release = () => void;

/** A counting semaphore with a bounded FIFO queue and a bounded wait. */
export class AdmissionGate {
  private running = 0;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(readonly limits: AdmissionLimits) {}

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Whether enter() would refuse right now (every slot taken and the queue full). */
  get full(): boolean {
    return this.running >= this.limits.concurrency && (this.waiting.length >= this.limits.queueSize || this.limits.maxWaitMs === 0);
  }

  /** The slot's release function once admitted, or null when refused (queue full or waited too long). */
  enter(): Promise<Release | null> {
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return Promise.resolve(this.slot());
    }
    if (this.waiting.length >= this.limits.queueSize || this.limits.maxWaitMs === 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const admit = (release: Release) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        resolve(null);
      }, this.limits.maxWaitMs);
      this.waiting.push(admit);
    });
  }

  /** A release function that hands the slot to the next in the queue (or frees it), once. */
  private slot(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(this.slot());
      else this.running -= 1;
    };
  }
}

/** Seconds a refused client should wait: long enough for the queue ahead of it to drain. */
const BUSY_RETRY_AFTER_SECONDS = 1;

const serverBusy = () =>
  infrastructureError({ code: 'SERVER_BUSY', status: 503, retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS, message: 'The gateway is busy. Retry shortly.' });

/** The slot each operation holds, by its trace, until its result is ready. */
const slots = new WeakMap<RequestTrace, Release>();

/** Frees the operation's slot (idempotent); transports call it when a request ends, whatever happened. */
export function releaseAdmission(trace: RequestTrace): void {
  slots.get(trace)?.();
  slots.delete(trace);
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}

/**
 * Must come before the context builder in the plugin list: its refusal happens before the
 * context (and its authentication read) is built.
 */
export function useAdmission(gate: AdmissionGate, graphqlEndpoint: string): Plugin<GatewayContext> {
  return {
    // HTTP fast path: when the gate is full, refuse before even parsing the body (under heavy
    // overload, the refusals themselves must stay cheap). Same response as a refusal below;
    // SSE clients take the normal path, which answers in their event-stream format.
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint || !gate.full || (request.method !== 'POST' && request.method !== 'GET')) return;
      if (request.headers.get('accept')?.includes('text/event-stream')) return;
      const error = serverBusy();
      traceOfRequest(request).errorCodes.push('SERVER_BUSY');
      const headers = { 'content-type': 'application/json', 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) };
      endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'SERVER_BUSY' } }] }), { status: 503, headers }));
    },
    async onContextBuilding({ context }) {
      const trace = traceOf(context as unknown as TransportContext);
      // Subscriptions live long and use the database only per event: they hold no slot.
      if (trace.operations.at(-1)?.type === 'subscription' || slots.has(trace)) return;
      const release = await gate.enter();
      if (!release) throw serverBusy();
      slots.set(trace, release);
    },
    onExecute({ args }) {
      const trace = (args.contextValue as GatewayContext).trace;
      return {
        onExecuteDone({ result, setResult }) {
          releaseAdmission(trace);
          if (!isSingleResult(result) || !result.errors?.length) return;
          const failure = firstInfrastructureError(result.errors as readonly GraphQLError[]);
          if (failure) setResult({ data: null, errors: [failure] });
        },
      };
    },
    onResponse({ request }) {
      releaseAdmission(traceOfRequest(request));
    },
  };
}
