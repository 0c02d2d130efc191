/**
 * A real gateway on 127.0.0.1 (HTTP + graphql-ws on one port, real token authentication) over a
 * seeded database, and one client per transport: HTTP POST, SSE (Yoga's `Accept:
 * text/event-stream`) and graphql-ws. Each returns the GraphQL response as the client saw it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createWebSocketAuth } from '../../src/auth/websocket.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import { refreshDrift, type ReadinessState } from '../../src/db/readiness.js';
import { createObservability, type Observability } from '../../src/server/observability.js';
import { attachWebSocket, type GatewayWebSocket } from '../../src/server/websocket.js';
import { createGatewayYoga, type GatewayYoga } from '../../src/server/yoga.js';
import { seedDemoData } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, testAuthConfig } from '../auth/helpers.js';

export type Transport = 'http' | 'sse' | 'websocket';
export const TRANSPORTS: Transport[] = ['http', 'sse', 'websocket'];

export interface Response {
  // Tests compare whole responses; `any` keeps nested assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Operation {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

export interface TransportGateway {
  db: TestDatabase;
  yoga: GatewayYoga;
  observability: Observability;
  url: string;
  /** A Borealis session token of a demo operator (admin, alice, bob, carol). */
  token(username: string): string;
  call(transport: Transport, username: string, operation: Operation, headers?: Record<string, string>): Promise<Response>;
  /** An open graphql-ws connection (closed by the caller). */
  socket(username: string): { request(operation: Operation): Promise<Response>; close(): Promise<void> };
  close(): Promise<void>;
}

export async function startTransportGateway(options: { env?: Record<string, string>; logs?: DestinationStream; spans?: SpanProcessor } = {}): Promise<TransportGateway> {
  const db = await createTestDatabase({ env: options.env });
  await seedDemoData(db.pool, { devices: 40 });
  const prisma: Db = createPrismaClient(db.pool);
  const auth = testAuthConfig(options.env);
  const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
  await refreshDrift(db.pool, readiness);
  const observability = createObservability(db.config, db.pool, options.logs, options.spans);
  const services = { config: db.config, pool: db.pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool: db.pool, auth, log: observability.log }) };
  const yoga = createGatewayYoga(services, observability);
  const server: Server = createServer(yoga);
  const websocket: GatewayWebSocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool: db.pool, auth, log: observability.log }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (username: string) => mintBorealisSession({ secret: ENGINE_SECRET, username, role: username === 'admin' ? 'Admin' : 'User' });

  const socket = (username: string) => {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token(username)}` },
      retryAttempts: 0,
      // One connection for the client's lifetime (a lazy client reconnects for each operation).
      lazy: false,
      onNonLazyError: () => {},
    });
    return {
      request: (operation: Operation) =>
        new Promise<Response>((resolve, reject) => {
          let result: Response | undefined;
          client.subscribe(operation, {
            next: (value) => (result = value as Response),
            // An `error` message carries the errors of an operation refused before execution.
            error: (errors) => (Array.isArray(errors) ? resolve({ errors: errors as Response['errors'] }) : reject(errors)),
            complete: () => resolve(result ?? {}),
          });
        }),
      close: () => client.dispose() as Promise<void>,
    };
  };

  const post = (username: string, operation: Operation, accept: string, headers: Record<string, string>) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token(username)}`, ...headers },
      body: JSON.stringify(operation),
    });

  return {
    db,
    yoga,
    observability,
    url,
    token,
    async call(transport, username, operation, headers = {}) {
      if (transport === 'http') return (await post(username, operation, 'application/graphql-response+json', headers)).json();
      if (transport === 'sse') {
        const response = await post(username, operation, 'text/event-stream', headers);
        if (!response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not an event stream: ${response.status}`);
        const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('event: next'));
        if (events.length !== 1) throw new Error(`expected one result event, got ${events.length}`);
        return JSON.parse(events[0]!.split('\n').find((line) => line.startsWith('data: '))!.slice(6));
      }
      const connection = socket(username);
      try {
        return await connection.request(operation);
      } finally {
        await connection.close();
      }
    },
    socket,
    async close() {
      await websocket.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
