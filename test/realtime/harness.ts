/**
 * A real gateway with live subscriptions on 127.0.0.1 (HTTP + SSE + graphql-ws, real token
 * authentication, the change feed started as `npm start` starts it) over a seeded database, with
 * a separate connection that writes like Borealis, and the two clients an integrator would use:
 * graphql-ws and SSE (`Accept: text/event-stream`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createWebSocketAuth } from '../../src/auth/websocket.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { CHANGE_LOG_PART, CAPTURE_TRIGGERS_PART } from '../../src/db/change-capture.js';
import { installGatewaySchema } from '../../src/db/gateway-schema.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import type { ReadinessState } from '../../src/db/readiness.js';
import { ChangeHub } from '../../src/realtime/hub.js';
import { createObservability } from '../../src/server/observability.js';
import { attachWebSocket, type GatewayWebSocket } from '../../src/server/websocket.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import { seedDemoData } from '../../dev/seed/index.js';
import { simulationTargets, type SimulationTargets } from '../../dev/simulate/borealis-writes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, testAuthConfig } from '../auth/helpers.js';

export interface Received {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** The results a subscription received so far, and a way to wait for more. */
export interface Stream {
  readonly results: Received[];
  /** Resolves once `count` results arrived (rejects after `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<Received[]>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

export interface RealtimeGateway {
  db: TestDatabase;
  hub: ChangeHub;
  prisma: Db;
  url: string;
  /** A separate connection that writes like Borealis (plain SQL). */
  writer: pg.Client;
  targets: SimulationTargets;
  token(username: string): string;
  ws(username: string, query: string, variables?: Record<string, unknown>): Stream;
  sse(username: string, query: string, variables?: Record<string, unknown>): Promise<Stream>;
  close(): Promise<void>;
}

function collector(): { stream: Omit<Stream, 'close'>; push(result: Received): void; end(): void } {
  const results: Received[] = [];
  const waiters: Array<() => void> = [];
  let endStream!: () => void;
  const ended = new Promise<void>((resolve) => (endStream = resolve));
  return {
    stream: {
      results,
      ended,
      until(count, timeoutMs = 10_000) {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`expected ${count} results, got ${results.length}: ${JSON.stringify(results)}`)), timeoutMs);
          const check = () => {
            if (results.length < count) return void waiters.push(check);
            clearTimeout(timer);
            resolve(results.slice(0, count));
          };
          check();
        });
      },
    },
    push(result) {
      results.push(result);
      for (const waiter of waiters.splice(0)) waiter();
    },
    end: () => endStream(),
  };
}

export async function startRealtimeGateway(
  options: { capture?: boolean; env?: Record<string, string>; serverUrl?: string | undefined; logs?: DestinationStream } = {},
): Promise<RealtimeGateway> {
  const db = await createTestDatabase({ env: { GATEWAY_SUBSCRIPTION_POLL_INTERVAL_MS: '200', ...options.env }, serverUrl: options.serverUrl });
  await seedDemoData(db.pool, { devices: 40 });
  // Without `capture`: only the log, no triggers (as for a role that may not create them).
  await installGatewaySchema(db.pool, options.capture === false ? [CHANGE_LOG_PART] : [CHANGE_LOG_PART, CAPTURE_TRIGGERS_PART]);
  const prisma = createPrismaClient(db.pool);
  const auth = testAuthConfig();
  const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
  const observability = createObservability(db.config, db.pool, options.logs);
  const hub = new ChangeHub({ pool: db.pool, prisma, config: db.config.realtime, log: observability.log });
  await hub.start();
  const services = { config: db.config, pool: db.pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool: db.pool, auth, log: observability.log }), changes: hub };
  const yoga = createGatewayYoga(services, observability);
  const server: Server = createServer(yoga);
  const websocket: GatewayWebSocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool: db.pool, auth, log: observability.log }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const writer = new pg.Client({ connectionString: db.url });
  // A test that restarts PostgreSQL loses this session: not an unhandled 'error' event.
  writer.on('error', () => {});
  await writer.connect();
  const token = (username: string) => mintBorealisSession({ secret: ENGINE_SECRET, username, role: username === 'admin' ? 'Admin' : 'User' });
  const clients: Client[] = [];
  const aborts: AbortController[] = [];

  return {
    db,
    hub,
    prisma,
    url,
    writer,
    targets: await simulationTargets(writer),
    token,
    ws(username, query, variables) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token(username)}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
      });
      clients.push(client);
      const { stream, push, end } = collector();
      client.subscribe(
        { query, variables },
        {
          next: (value) => push(value as Received),
          error: (errors) => {
            push({ errors: Array.isArray(errors) ? errors : [{ message: String((errors as Error).message ?? errors), extensions: { code: 'CONNECTION_ERROR' } }] });
            end();
          },
          complete: end,
        },
      );
      return { ...stream, close: () => client.dispose() as Promise<void> };
    },
    async sse(username, query, variables) {
      const abort = new AbortController();
      aborts.push(abort);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token(username)}` },
        body: JSON.stringify({ query, variables }),
        signal: abort.signal,
      });
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not an event stream: ${response.status} ${await response.text()}`);
      const { stream, push, end } = collector();
      void (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          const reader = response.body!.getReader();
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
            buffer += decoder.decode(chunk.value, { stream: true });
            let boundary;
            while ((boundary = buffer.indexOf('\n\n')) >= 0) {
              const message = buffer.slice(0, boundary);
              buffer = buffer.slice(boundary + 2);
              if (!message.startsWith('event: next')) continue;
              push(JSON.parse(message.split('\n').find((line) => line.startsWith('data: '))!.slice(6)));
            }
          }
        } catch {
          // aborted by close()
        }
        end();
      })();
      return { ...stream, close: async () => abort.abort() };
    },
    async close() {
      for (const abort of aborts) abort.abort();
      await Promise.all(clients.map((client) => client.dispose()));
      await hub.stop();
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.end();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** Waits until exactly this many subscriptions are open on the gateway (tests close their own). */
export async function subscribers(gateway: RealtimeGateway, count: number): Promise<void> {
  await expect.poll(() => gateway.hub.status().subscribers, { timeout: 10_000 }).toBe(count);
}

/** The site id of a demo site by name. */
export function siteOf(gateway: RealtimeGateway, siteName: string) {
  const device = gateway.targets.devices.find((d) => d.siteName === siteName);
  if (!device) throw new Error(`no device in site ${siteName}`);
  return device;
}
