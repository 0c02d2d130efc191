/**
 * The gateway the subscription benchmarks run in their own process: a pool on `databaseUrl` with
 * the Borealis baseline, the bench's rows (`seed`), the gateway schema and its change capture, the
 * change feed, and HTTP + graphql-ws on a free local port, with operator session tokens to use.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintBorealisSession } from '../src/auth/borealis-session.js';
import { createWebSocketAuth } from '../src/auth/websocket.js';
import { createRequestAuthenticator } from '../src/auth/yoga-plugin.js';
import { loadAuthConfig } from '../src/config/auth.js';
import { loadConfig } from '../src/config/env.js';
import { applyBaseline } from '../src/db/baseline.js';
import { installGatewaySchema } from '../src/db/gateway-schema.js';
import { createPool, type GatewayPool } from '../src/db/pool.js';
import { createPrismaClient, type Db } from '../src/db/prisma.js';
import type { ReadinessState } from '../src/db/readiness.js';
import { ChangeHub } from '../src/realtime/hub.js';
import { createObservability } from '../src/server/observability.js';
import { attachWebSocket } from '../src/server/websocket.js';
import { createGatewayYoga } from '../src/server/yoga.js';

const SECRET = 'bench-engine-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export interface BenchGateway {
  pool: GatewayPool;
  prisma: Db;
  hub: ChangeHub;
  wsUrl: string;
  /** A Borealis operator session token; `admin` defaults to the demo admin's name. */
  token(username: string, admin?: boolean): string;
  /** Stops the feed, the sockets, the server and the pool (not the database). */
  close(): Promise<void>;
}

export async function startBenchGateway(options: {
  databaseUrl: string;
  /** Where the engine's development secrets go (a temporary directory of the bench). */
  secretsDir: string;
  env?: Record<string, string>;
  seed: (pool: GatewayPool) => Promise<void>;
}): Promise<BenchGateway> {
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: options.databaseUrl, ...options.env });
  const pool = createPool(options.databaseUrl, config.db);
  await applyBaseline(pool);
  await options.seed(pool);
  await installGatewaySchema(pool);
  const prisma = createPrismaClient(pool);
  const auth = loadAuthConfig({ BOREALIS_ENGINE_SECRET: SECRET }, options.secretsDir);
  const observability = createObservability(config, pool);
  const hub = new ChangeHub({ pool, prisma, config: config.realtime, log: observability.log });
  await hub.start();
  const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
  const authenticate = createRequestAuthenticator({ pool, auth, log: observability.log });
  const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate, changes: hub }, observability);
  const server = createServer(yoga);
  const websocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool, auth, log: observability.log }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    pool,
    prisma,
    hub,
    wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    token: (username, admin = username === 'admin') => mintBorealisSession({ secret: SECRET, username, role: admin ? 'Admin' : 'User' }),
    async close() {
      await hub.stop();
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
