/**
 * `npm start`: the gateway process.
 * - without DATABASE_URL: starts an embedded PostgreSQL under GATEWAY_DATA_DIR, applies the
 *   Borealis baseline, seeds demo data (relative to now) until the seed is complete;
 * - with DATABASE_URL: uses that Borealis database as it is and runs no DDL.
 * Then it checks schema drift (warn or refuse), and serves GraphQL until Ctrl-C.
 * Every failure is one message without a stack; exit codes are in the README.
 */
import { createServer } from 'node:http';
import net from 'node:net';
import { createGatewayYoga } from './server/yoga.js';
import { mintBorealisSession } from './auth/borealis-session.js';
import type { AuthConfig } from './config/auth.js';
import { loadSettings } from './config/load.js';
import { createWebSocketAuth } from './auth/websocket.js';
import { createRequestAuthenticator } from './auth/yoga-plugin.js';
import { attachWebSocket } from './server/websocket.js';
import { applyBaseline } from './db/baseline.js';
import { checkConnection } from './db/connection-errors.js';
import { formatDriftReport } from './db/drift.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { createPool, type GatewayPool } from './db/pool.js';
import { createPrismaClient } from './db/prisma.js';
import { isDatabaseEmpty, readSeedMarker, seedDemoData, wallClockSeedTime } from '../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from './db/readiness.js';
import { embeddedClusterDir, reportFailure, type CliDatabase } from './cli/cli-pool.js';

const DEMO_DEVICES = 200;

/** Fails in well under a second when PORT is taken, before the database and the seed start. */
async function assertPortAvailable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`PORT ${port} on ${host} is already in use (another gateway?): stop that process or set PORT to a free port.`));
      else if (error.code === 'EACCES') reject(new Error(`PORT ${port} on ${host} needs more privileges: use a port above 1023.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new Error(`HOST ${host} is not an address of this machine: check HOST.`));
      else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

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

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(`Error while stopping: ${(e as Error).message}`));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received: stopping the gateway...`);
      void shutdown(0);
    });
  }

  let database: CliDatabase | undefined;
  try {
    const { config, auth } = loadSettings();
    await assertPortAvailable(config.host, config.port);

    let embedded: EmbeddedDatabase | undefined;
    if (config.databaseUrl) {
      database = { url: config.databaseUrl, source: 'DATABASE_URL' };
    } else {
      const dataDir = embeddedClusterDir(config);
      console.log(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${dataDir})...`);
      embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPgPort });
      cleanups.push(() => embedded!.stop());
      database = { url: embedded.url, source: 'embedded' };
      console.log(`Embedded PostgreSQL listening on 127.0.0.1:${embedded.port}`);
    }

    const pool = createPool(database.url, config.db);
    cleanups.push(() => pool.end());
    await checkConnection(pool, database.url);
    if (embedded) {
      const { createdTables } = await applyBaseline(pool);
      if (createdTables.length) console.log(`Baseline applied: ${createdTables.length} Borealis tables created.`);
      await ensureDemoData(pool);
    }

    const prisma = createPrismaClient(pool);
    cleanups.push(() => prisma.$disconnect());
    const readiness: ReadinessState = { drift: null, driftMode: config.driftMode, checkedAt: null };
    const drift = await refreshDrift(pool, readiness);
    console.log(formatDriftReport(drift));
    if (!drift.ok && config.driftMode === 'refuse') {
      console.error('GATEWAY_DRIFT_MODE=refuse: not starting with a drifted schema.');
      await shutdown(1);
      return;
    }

    const demoToken = embedded ? demoAdminToken(auth) : undefined;
    const services = { config, pool, prisma, readiness, authenticate: createRequestAuthenticator({ prisma, auth }), demoToken };
    const yoga = createGatewayYoga(services);
    const server = createServer(yoga);
    const websocket = attachWebSocket(server, services, createWebSocketAuth({ prisma, auth }));
    cleanups.push(() => websocket.close());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    console.log(`Borealis GraphQL gateway on http://${config.host}:${port}/graphql` + (config.graphiql ? ' (GraphiQL enabled)' : ''));
    console.log(`Pool profile ${config.db.profile.name}: max ${config.db.poolSize + config.db.maxOverflow} connections.`);
    printHowToAuthenticate(auth, demoToken);
  } catch (error) {
    // Ctrl-C during start-up: the work in flight fails as the pool closes; that is no error.
    if (stopping) return;
    const code = reportFailure(error, database);
    await shutdown(code);
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

void main();
