/**
 * Read-API benchmark: the nested device page of the operator UI at two page sizes, on a seeded
 * database. Reports latency, SQL statements per request and the per-row cost ratio measured in
 * the same run (absolute numbers on shared machines are noise; the ratio is the target).
 *
 *   npm run bench -- [--devices 2000] [--iterations 30]
 * The database: DATABASE_URL, else the embedded PostgreSQL of a running `npm start`, else a
 * temporary embedded PostgreSQL. It writes demo rows, so it refuses a database holding non-demo
 * data (e.g. a real Borealis database an operator exported as DATABASE_URL).
 */
import { mkdtempSync, chmodSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGatewayYoga } from '../src/server/yoga.js';
import { loadOperator } from '../src/auth/operator.js';
import { findCliDatabase, reportFailure, type CliDatabase } from '../src/cli/cli-pool.js';
import { loadConfig } from '../src/config/env.js';
import { checkConnection } from '../src/db/connection-errors.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createPool, type GatewayPool } from '../src/db/pool.js';
import { createPrismaClient } from '../src/db/prisma.js';
import { isDatabaseEmpty, NotDemoDatabaseError, readSeedMarker, seedDemoData } from '../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from '../src/db/readiness.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const devices = arg('devices', 2000);
const iterations = arg('iterations', 30);

const QUERY = `query($first: Int) { devices(first: $first) { totalCount edges { node {
  hostname lastSeen online site { name }
  incidents(state: [OPEN], first: 5) { title severity watchdog { name } }
  metadataFields { label value }
  runTargets(first: 3) { resolutionStatus run { status job { name } } }
  watchdogStates { state }
} } } }`;

/**
 * Before any DDL or row: the database must be empty of Borealis data or hold the demo seed's
 * marker; a database with rows the seed did not write is refused.
 */
async function assertDemoOrEmpty(pool: GatewayPool): Promise<void> {
  const { rows } = await pool.query<{ engine: boolean }>(`SELECT to_regnamespace('engine') IS NOT NULL AS engine`);
  if (!rows[0]?.engine) return;
  if (await readSeedMarker(pool)) return;
  const { rows: tables } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'engine' AND tablename IN ('sites', 'devices', 'users')`);
  if ((tables[0]?.n ?? 0) < 3 || !(await isDatabaseEmpty(pool))) throw new NotDemoDatabaseError();
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-bench-'));
  chmodSync(dir, 0o755);
  // The bench prints its own table; access lines only when LOG_LEVEL asks for them.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const given = findCliDatabase(config);
  const embedded = given ? null : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
  database = given ?? { url: embedded!.url, source: 'DATABASE_URL' };
  if (given) console.log(given.source === 'embedded' ? 'Using the embedded PostgreSQL of the running `npm start`.' : 'Using DATABASE_URL.');
  const pool = createPool(database.url, config.db);
  try {
    await checkConnection(pool, database.url);
    await assertDemoOrEmpty(pool);
    await applyBaseline(pool);
    console.log(`seeding ${devices} devices...`);
    await seedDemoData(pool, { devices });
    const prisma = createPrismaClient(pool);
    const admin = await loadOperator(prisma, 'admin', { authMethod: 'test', expiresAt: null });
    const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
    await refreshDrift(pool, readiness);
    const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate: async () => admin });

    let statements = 0;
    const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
    (pool as unknown as { query: unknown }).query = (...a: unknown[]) => {
      statements++;
      return query(...a);
    };

    const measure = async (first: number) => {
      const times: number[] = [];
      let perRequest = 0;
      for (let i = 0; i < iterations + 3; i++) {
        statements = 0;
        const started = performance.now();
        const response = await yoga.fetch('http://bench/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: QUERY, variables: { first } }),
        });
        const body = await response.json();
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        if (i >= 3) times.push(performance.now() - started); // 3 warm-up requests
        perRequest = statements;
      }
      times.sort((a, b) => a - b);
      return { first, p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, statements: perRequest };
    };

    const small = await measure(10);
    const large = await measure(100);
    const result = {
      devices,
      iterations,
      small,
      large,
      perRowCostRatio: large.p50 / 100 / (small.p50 / 10),
      statementsGrowWithPageSize: large.statements !== small.statements,
    };
    console.table([small, large]);
    console.log(`per-row cost at 100 rows vs 10 rows: ${result.perRowCostRatio.toFixed(2)} (batching target: < 1)`);
    console.log(`statements per request: ${small.statements} at 10 rows, ${large.statements} at 100 rows`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(`bench/results/read-api-${Date.now()}.json`, JSON.stringify(result, null, 2));
    await prisma.$disconnect();
  } finally {
    await pool.end();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let database: CliDatabase | undefined;
try {
  await main();
} catch (error) {
  if (error instanceof NotDemoDatabaseError) console.error(`Error: bench writes demo rows. ${error.message}`);
  process.exitCode = error instanceof NotDemoDatabaseError ? 1 : reportFailure(error, database);
}
