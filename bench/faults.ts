/**
 * Fault benchmark (not a test): the gateway over real HTTP, in front of a temporary embedded
 * PostgreSQL reached through a TCP proxy it controls.
 * 1. Overload: closed-loop clients at 1x, 3x and 10x the pool's capacity; success rate, throughput
 *    against the 1x peak, p99 of successes and of refusals, statuses seen.
 * 2. Outage: the database disappears for a few seconds under 1x load, then returns; a timeline of
 *    outcomes per half second, the readiness probe, and the time to the first success after.
 * Sessions idle in transaction are sampled throughout.
 *
 *   npm run bench:faults -- [--seconds 8] [--devices 500]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadOperator } from '../src/auth/operator.js';
import { loadConfig } from '../src/config/env.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createPool } from '../src/db/pool.js';
import { createPrismaClient } from '../src/db/prisma.js';
import { refreshDrift, type ReadinessState } from '../src/db/readiness.js';
import { createGatewayYoga } from '../src/server/yoga.js';
import { seedDemoData } from '../dev/seed/index.js';
import { serverAddress, startTcpProxy } from '../test/support/tcp-proxy.js';
import type { Outcome } from './load-clients.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const seconds = arg('seconds', 8);
const devices = arg('devices', 500);

/** Runs `clients` closed-loop clients in their own process, from `startAt` (epoch ms) for `durationMs`. */
async function load(url: string, clients: number, durationMs: number, startAt = Date.now() + 1500): Promise<Outcome[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'load-clients.ts'), url, String(clients), String(durationMs), String(startAt)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output) as Outcome[];
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-faults-'));
  chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
  const proxy = await startTcpProxy(serverAddress(embedded.url));
  const url = proxy.url(embedded.url);
  const config = loadConfig({ LOG_LEVEL: 'silent', ...process.env, DATABASE_URL: url });
  const pool = createPool(url, config.db);
  const admin = new pg.Pool({ connectionString: embedded.url, max: 2 });
  let idleInTransaction = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sampleIdleInTransaction = () => setInterval(() => {
    admin
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = $1`, [config.db.applicationName])
      .then(({ rows }) => (idleInTransaction = Math.max(idleInTransaction, rows[0]!.n)))
      .catch(() => {});
  }, 250);
  try {
    await applyBaseline(pool);
    console.log(`seeding ${devices} devices...`);
    await seedDemoData(pool, { devices });
    const prisma = createPrismaClient(pool);
    const operator = await loadOperator(pool, 'admin', { authMethod: 'test', expiresAt: null });
    const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
    await refreshDrift(pool, readiness);
    sampler = sampleIdleInTransaction();
    const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate: async () => operator });
    const server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const graphql = `${base}/graphql`;
    const capacity = config.db.poolSize + config.db.maxOverflow;
    console.log(`pool ${capacity} connections, admission: ${config.db.maxConcurrentRequests} running, queue ${config.db.maxWaitingRequests}, wait ${config.db.admissionWaitMs} ms; ${seconds} s per level\n`);

    await load(graphql, capacity, 2000); // warm-up
    console.log('load   clients  requests  ok %   ok/s   vs 1x   p50 ok  p99 ok  p99 refused  max ms  statuses            partial  refusals w/o Retry-After');
    let peak = 0;
    for (const factor of [1, 3, 10]) {
      const clients = capacity * factor;
      const outcomes = await load(graphql, clients, seconds * 1000);
      const ok = outcomes.filter((o) => o.status === 200 && !o.code);
      const refused = outcomes.filter((o) => o.status === 503);
      const rate = ok.length / seconds;
      if (factor === 1) peak = rate;
      const statuses = Object.entries(
        outcomes.reduce<Record<string, number>>((acc, o) => ((acc[`${o.status}${o.code ? ' ' + o.code : ''}`] = (acc[`${o.status}${o.code ? ' ' + o.code : ''}`] ?? 0) + 1), acc), {}),
      )
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      console.log(
        [
          `${factor}x`.padEnd(6),
          String(clients).padStart(7),
          String(outcomes.length).padStart(9),
          ((100 * ok.length) / outcomes.length).toFixed(1).padStart(6),
          rate.toFixed(0).padStart(6),
          `${((100 * rate) / peak).toFixed(0)}%`.padStart(7),
          fixed(percentile(ok.map((o) => o.ms), 50)).padStart(7),
          fixed(percentile(ok.map((o) => o.ms), 99)).padStart(7),
          fixed(percentile(refused.map((o) => o.ms), 99)).padStart(12),
          fixed(Math.max(...outcomes.map((o) => o.ms))).padStart(7),
          ` ${statuses}`.padEnd(20),
          String(outcomes.filter((o) => o.partial).length).padStart(7),
          String(refused.filter((o) => !o.retryAfter).length).padStart(8),
        ].join(' '),
      );
    }

    // Outage: the database goes away at 3 s and comes back at 8 s, under 1x load.
    console.log('\noutage timeline (1x load; database unreachable from 3.0 s to 8.0 s)');
    const started = Date.now() + 1500;
    const probes: Array<{ at: number; status: number; ms: number }> = [];
    const probing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, started - Date.now()));
      while (Date.now() - started < 12_000) {
        const t0 = performance.now();
        const at = Date.now() - started;
        const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
        probes.push({ at, status, ms: performance.now() - t0 });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    let returnedAt = 0;
    const faults = (async () => {
      await new Promise((resolve) => setTimeout(resolve, started - Date.now() + 3000));
      await proxy.stop();
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await proxy.start();
      returnedAt = Date.now() - started;
    })();
    const outcomes = (await load(graphql, capacity, 12_000, started)).map((o) => ({ ...o, at: o.at - started }));
    await Promise.all([faults, probing]);
    console.log('  t (s)   ok  503  504  other  codes                       /readyz');
    for (let t = 0; t < 12_000; t += 500) {
      const bucket = outcomes.filter((o) => o.at >= t && o.at < t + 500);
      const codes = [...new Set(bucket.filter((o) => o.code).map((o) => o.code))].join(',');
      const probe = probes.find((p) => p.at >= t && p.at < t + 500);
      console.log(
        `  ${(t / 1000).toFixed(1).padStart(5)} ${String(bucket.filter((o) => o.status === 200 && !o.code).length).padStart(4)} ${String(bucket.filter((o) => o.status === 503).length).padStart(4)} ${String(bucket.filter((o) => o.status === 504).length).padStart(4)} ${String(bucket.filter((o) => ![200, 503, 504].includes(o.status)).length).padStart(6)}  ${codes.padEnd(27)} ${probe ? `${probe.status} (${probe.ms.toFixed(0)} ms)` : ''}`,
      );
    }
    const firstSuccess = outcomes.filter((o) => o.status === 200 && !o.code && o.at >= returnedAt).sort((a, b) => a.at - b.at)[0];
    console.log(`\nrecovery: first success ${firstSuccess ? (firstSuccess.at - returnedAt).toFixed(0) : '-'} ms after the database returned`);
    console.log(`longest request during the outage: ${fixed(Math.max(...outcomes.map((o) => o.ms)))} ms; longest /readyz: ${fixed(Math.max(...probes.map((p) => p.ms)))} ms`);
    console.log(`partial responses: ${outcomes.filter((o) => o.partial).length}; 500s: ${outcomes.filter((o) => o.status === 500).length}`);
    console.log(`sessions idle in transaction (max sampled): ${idleInTransaction}`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await prisma.$disconnect();
  } finally {
    clearInterval(sampler);
    await admin.end();
    await pool.end().catch(() => {});
    await proxy.close();
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
