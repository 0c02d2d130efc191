/**
 * Read-path benchmark (issue 9): the four operator screens at 10,000 devices, each served twice
 * by one started HTTP server in the same run: by the gateway (GraphQL as an Admin) and by its
 * ceiling, one hand-written SQL statement building the same JSON (bench/screens.ts) through the
 * same pg pool. For both it prints req/s and p50/p99 at N concurrent connections (closed loop,
 * bench/load.ts), their throughput ratio, the gateway's SQL statements and rows fetched per
 * request, and it checks that both return equal data (exit code 1 on a mismatch).
 *
 *   npm run bench -- [--devices 10000] [--seconds 10] [--connections 10] [--profile] [--explain] [--prepared-ceiling] [--only <regex>]
 * It also prints this process's CPU per request of each side (server and load generator, which
 * share the process; PostgreSQL's work is in its own processes). --profile records a V8 CPU
 * profile of each side's load (bench/results/*.cpuprofile) and prints its top functions.
 * --explain compares the gateway's statement with the ceiling's in PostgreSQL: EXPLAIN (ANALYZE,
 * BUFFERS) planning and execution time, shared buffers, the JSON text's bytes, and the wall time of
 * 200 sequential executions of each through the pool; both statements are written to
 * bench/results/<screen>-{gateway,ceiling}.sql.
 * --prepared-ceiling sends each ceiling as a named prepared statement, as the gateway sends an
 * Admin's compiled statements: without it the ceiling is parsed and planned on every request.
 * --only <regex>: only the screens whose name (devices-page, device-detail, ...) matches.
 * The database: DATABASE_URL, else the embedded PostgreSQL of a running `npm start`, else a
 * temporary embedded PostgreSQL. It writes demo rows and history (bench/history.ts), so it refuses
 * a database holding non-demo data (e.g. a real Borealis database an operator exported as
 * DATABASE_URL). It creates the indexes `db:check` advises, as an operator following the advice does.
 */
import './production-mode.js';
import { mkdtempSync, chmodSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createGatewayYoga } from '../src/server/yoga.js';
import { loadOperator } from '../src/auth/operator.js';
import { findCliDatabase, reportFailure, type CliDatabase } from '../src/cli/cli-pool.js';
import { loadConfig } from '../src/config/env.js';
import { checkConnection } from '../src/db/connection-errors.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createPool, type GatewayPool } from '../src/db/pool.js';
import { createPrismaClient } from '../src/db/prisma.js';
import { rowsFetched } from '../src/access/batch.js';
import { isDatabaseEmpty, NotDemoDatabaseError, readSeedMarker, seedDemoData } from '../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from '../src/db/readiness.js';
import { createIndexStatement, SCREEN_INDEXES } from '../src/db/index-advice.js';
import { addHistory, BENCH_HISTORY } from './history.js';
import { closedLoop, post, type LoadResult, type LoadTarget } from './load.js';
import { profileWhile } from './profile.js';
import { BENCH_SCREENS, differences, normalizeGatewayData, type BenchScreen } from './screens.js';

class UsageError extends Error {}

const arg = (name: string, fallback: number, integer: boolean) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}`);
  return value;
};
const WARM_UP_REQUESTS = 20;
const PROFILE = process.argv.includes('--profile');
const EXPLAIN = process.argv.includes('--explain');
/** The ceiling as a named prepared statement too (the gateway prepares an Admin's compiled statements). */
const PREPARED_CEILING = process.argv.includes('--prepared-ceiling');
/** --only <regex>: the screens whose name matches (null: all). */
function onlyScreens(): RegExp | null {
  const index = process.argv.indexOf('--only');
  if (index < 0) return null;
  const pattern = process.argv[index + 1];
  if (!pattern || pattern.startsWith('--')) throw new UsageError('--only needs a regular expression of screen names');
  return new RegExp(pattern);
}
const SEQUENTIAL_RUNS = 200;

/** Planning/execution time, buffers and output size of one statement, and its mean time over sequential runs. */
async function explainStatement(pool: GatewayPool, text: string, values: unknown[]) {
  const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number; Plan: Record<string, number> }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
    values,
  );
  const plan = rows[0]!['QUERY PLAN'][0]!;
  const { rows: data } = await pool.query<{ data: string }>(text, values);
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) await pool.query(text, values);
  return {
    'planning ms': plan['Planning Time'].toFixed(2),
    'execution ms': plan['Execution Time'].toFixed(2),
    'shared hit': (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0),
    'JSON bytes': Buffer.byteLength(data[0]!.data),
    'statement chars': text.length,
    [`mean of ${SEQUENTIAL_RUNS} runs ms`]: ((performance.now() - started) / SEQUENTIAL_RUNS).toFixed(2),
  };
}

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

interface SqlTally {
  statements: number;
  rows: number;
  /** The last statement sent, with its values. */
  last?: { text: string; values: unknown[] };
}

/** Counts the statements sent through pool.query and the rows they returned, until stopped. */
function tallySql(pool: GatewayPool): { tally: SqlTally; stop(): void } {
  const target = pool as unknown as { query: (...args: unknown[]) => unknown };
  const original = target.query;
  const tally: SqlTally = { statements: 0, rows: 0 };
  target.query = (...args: unknown[]) => {
    tally.statements += 1;
    if (typeof args[0] === 'string') tally.last = { text: args[0], values: (args[1] as unknown[] | undefined) ?? [] };
    else if (args[0] && typeof (args[0] as { text?: unknown }).text === 'string') {
      const config = args[0] as { text: string; values?: unknown[] };
      tally.last = { text: config.text, values: config.values ?? [] };
    }
    const result = original.apply(pool, args);
    if (result instanceof Promise) {
      return result.then((value: Parameters<typeof rowsFetched>[0]) => {
        tally.rows += rowsFetched(value);
        return value;
      });
    }
    return result;
  };
  return { tally, stop: () => void (target.query = original) };
}

/** The ceiling endpoint: POST /ceiling/<screen> answers `{"data": <the statement's JSON>}`. */
function ceilingHandler(pool: GatewayPool) {
  const byName = new Map(BENCH_SCREENS.map((screen) => [screen.name, screen]));
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const screen = byName.get(req.url!.slice('/ceiling/'.length));
      if (!screen) return void res.writeHead(404).end();
      const query = { text: screen.ceilingSql, values: screen.ceilingParams, ...(PREPARED_CEILING ? { name: `ceiling_${screen.name}` } : {}) };
      pool.query<{ data: string }>(query).then(
        ({ rows }) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${rows[0]!.data}}`),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
  };
}

/** A side's load with this process's CPU (user + system) per completed request. */
interface SideResult extends LoadResult {
  cpuMsPerRequest: number;
}

async function measureSide(name: string, target: LoadTarget, load: LoadShape): Promise<SideResult> {
  const run = async () => {
    const before = process.cpuUsage();
    const result = await closedLoop(target, load);
    const used = process.cpuUsage(before);
    return { ...result, cpuMsPerRequest: (used.user + used.system) / 1000 / result.requests };
  };
  return PROFILE ? profileWhile(`read-path-${name}`, name, run, 25) : run();
}

interface ScreenResult {
  screen: string;
  gateway: SideResult;
  ceiling: SideResult;
  ratio: number;
  statements: number;
  rows: number;
  equal: boolean;
  mismatch: string[];
}

interface LoadShape {
  connections: number;
  seconds: number;
}

async function measureScreen(pool: GatewayPool, base: string, screen: BenchScreen, load: LoadShape): Promise<ScreenResult> {
  const gateway: LoadTarget = { url: `${base}/graphql`, body: JSON.stringify({ query: screen.operation, variables: screen.variables }) };
  const ceiling: LoadTarget = { url: `${base}/ceiling/${screen.name}`, body: '{}' };
  const agent = new Agent({ keepAlive: true });
  try {
    // One request of each alone: the data check, and the gateway's statements and rows.
    const sql = tallySql(pool);
    const answer = JSON.parse(await post(agent, gateway)) as { data?: unknown; errors?: unknown[] };
    sql.stop();
    if (answer.errors) throw new Error(`${screen.name}: the gateway answered errors ${JSON.stringify(answer.errors)}`);
    const expected = (JSON.parse(await post(agent, ceiling)) as { data: unknown }).data;
    const mismatch = differences(expected, normalizeGatewayData(answer.data));
    if (EXPLAIN && sql.tally.statements === 1 && sql.tally.last) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(`bench/results/${screen.name}-gateway.sql`, `${sql.tally.last.text}\n-- values: ${JSON.stringify(sql.tally.last.values)}\n`);
      writeFileSync(`bench/results/${screen.name}-ceiling.sql`, `${screen.ceilingSql}\n-- values: ${JSON.stringify(screen.ceilingParams)}\n`);
      console.table({
        gateway: await explainStatement(pool, sql.tally.last.text, sql.tally.last.values),
        ceiling: await explainStatement(pool, screen.ceilingSql, screen.ceilingParams),
      });
    }
    for (let i = 0; i < WARM_UP_REQUESTS; i++) await Promise.all([post(agent, gateway), post(agent, ceiling)]);

    const gatewayLoad = await measureSide(`${screen.name}-gateway`, gateway, load);
    const ceilingLoad = await measureSide(`${screen.name}-ceiling`, ceiling, load);
    return {
      screen: screen.name,
      gateway: gatewayLoad,
      ceiling: ceilingLoad,
      ratio: gatewayLoad.perSecond / ceilingLoad.perSecond,
      statements: sql.tally.statements,
      rows: sql.tally.rows,
      equal: mismatch.length === 0,
      mismatch,
    };
  } finally {
    agent.destroy();
  }
}

function printResults(results: ScreenResult[]): void {
  const ms = (value: number) => value.toFixed(2);
  console.table(
    results.map((r) => ({
      screen: r.screen,
      'gateway req/s': Math.round(r.gateway.perSecond),
      'gateway p50 ms': ms(r.gateway.p50),
      'gateway p99 ms': ms(r.gateway.p99),
      'ceiling req/s': Math.round(r.ceiling.perSecond),
      'ceiling p50 ms': ms(r.ceiling.p50),
      'ceiling p99 ms': ms(r.ceiling.p99),
      'ratio (gateway/ceiling)': r.ratio.toFixed(2),
      'Node CPU ms/req gateway': ms(r.gateway.cpuMsPerRequest),
      'Node CPU ms/req ceiling': ms(r.ceiling.cpuMsPerRequest),
      'SQL statements/req': r.statements,
      'rows fetched/req': r.rows,
      'equal data': r.equal ? 'yes' : 'NO',
    })),
  );
  for (const r of results.filter((result) => !result.equal)) {
    console.error(`\n!!! DATA MISMATCH on ${r.screen}: the gateway and its ceiling disagree:`);
    for (const line of r.mismatch) console.error(`    ${line}`);
  }
}

async function main() {
  const only = onlyScreens();
  const devices = arg('devices', 10_000, true);
  const seconds = arg('seconds', 10, false);
  const connections = arg('connections', 10, true);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-bench-'));
  chmodSync(dir, 0o755);
  // The bench prints its own table; access lines only when LOG_LEVEL asks for them.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const given = findCliDatabase(config);
  const embedded = given ? null : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
  database = given ?? { url: embedded!.url, source: 'DATABASE_URL' };
  if (given) console.log(given.source === 'embedded' ? 'Using the embedded PostgreSQL of the running `npm start`.' : 'Using DATABASE_URL.');
  const pool = createPool(database.url, config.db);
  const server = createServer();
  try {
    await checkConnection(pool, database.url);
    await assertDemoOrEmpty(pool);
    await applyBaseline(pool);
    console.log(`seeding ${devices} devices...`);
    await seedDemoData(pool, { devices });
    console.log(`adding history up to ${JSON.stringify(BENCH_HISTORY)}...`);
    await addHistory(pool);
    // Measured as an operator who followed db:check's advice runs it (the ceiling needs them too).
    for (const advice of SCREEN_INDEXES) await pool.query(createIndexStatement(advice));
    console.log(`indexes db:check advises: ${SCREEN_INDEXES.map((advice) => advice.name).join(', ')}`);
    const prisma = createPrismaClient(pool);
    const admin = await loadOperator(pool, 'admin', { authMethod: 'test', expiresAt: null });
    const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
    await refreshDrift(pool, readiness);
    const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate: async () => admin });
    const ceiling = ceilingHandler(pool);
    server.on('request', (req, res) => (req.url?.startsWith('/ceiling/') ? ceiling(req, res) : yoga(req, res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    console.log(`${connections} connections, ${seconds} s per side and screen, as Admin, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
    const results: ScreenResult[] = [];
    for (const screen of BENCH_SCREENS.filter((each) => !only || only.test(each.name))) {
      console.log(`- ${screen.title}`);
      results.push(await measureScreen(pool, base, screen, { connections, seconds }));
    }
    printResults(results);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(`bench/results/read-path-${Date.now()}.json`, JSON.stringify({ devices, seconds, connections, date: new Date().toISOString(), results }, null, 2));
    if (results.some((result) => !result.equal)) process.exitCode = 1;
    await prisma.$disconnect();
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
    // pool.end() resolves once every client was told to end, before their sockets close; stopping
    // the server under them would log a "terminating connection" error per session.
    if (embedded) await new Promise((resolve) => setTimeout(resolve, 200));
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let database: CliDatabase | undefined;
try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`Usage: npm run bench -- [--devices 10000] [--seconds 10] [--connections 10] [--profile] [--explain] [--prepared-ceiling] [--only <regex>]\n${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof NotDemoDatabaseError) {
    console.error(`Error: bench writes demo rows. ${error.message}`);
    process.exitCode = 1;
  } else {
    process.exitCode = reportFailure(error, database);
  }
}
