/**
 * `npm run bench:subscriptions:recovery -- [--subscribers 300] [--rate 20] [--seconds 30]`: live
 * subscriptions across a killed LISTEN session and a PostgreSQL restart (docs/subscriptions.md,
 * "Database outages"). A temporary embedded PostgreSQL with the demo seed, one gateway, graphql-ws
 * subscribers (half an admin, half a one-site user, `incidentChanged(kinds: [OPENED])`) and a
 * writer opening incidents at a steady rate with plain SQL, as Borealis's watchdog runtime does.
 * During the run the gateway's LISTEN backend is terminated (pg_terminate_backend), then
 * PostgreSQL is stopped (fast shutdown) and started again on the same data folder and port; the
 * writer keeps trying meanwhile (writes refused while the server is down are not committed).
 *
 * Each write is numbered by the incident it commits. At the end the committed incidents are read
 * back from the database: per subscriber, an expected event that never arrived is lost, one that
 * arrived twice is duplicated, one that arrived before an earlier-committed one is out of order.
 * Latency is from the change's `changedAt` (the trigger's clock in the writer's transaction) to
 * the client receiving it. The subscribers run in the benchmark's process (a few hundred).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { CHANGE_LOG } from '../src/db/change-capture.js';
import { startBenchGateway } from './realtime-gateway.js';
import { seedDemoData } from '../dev/seed/index.js';
import { startRestartablePostgres } from '../dev/restartable-postgres.js';
import { openIncident, simulationTargets } from '../dev/simulate/borealis-writes.js';

const { values } = parseArgs({
  options: { subscribers: { type: 'string', default: '300' }, rate: { type: 'string', default: '20' }, seconds: { type: 'string', default: '30' } },
});
const count = Number(values.subscribers);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
if (!Number.isInteger(count) || count < 2 || !(rate > 0) || !(seconds >= 20)) {
  console.error('usage: npm run bench:subscriptions:recovery -- [--subscribers 300] [--rate 20] [--seconds 30 (at least 20)]');
  process.exit(2);
}
/** When the faults happen, as fractions of the run: the LISTEN kill, then the restart. */
const KILL_AT = 0.2;
const STOP_AT = 0.45;
const DOWN_MS = 3000;
/**
 * Events committed this long after a fault (the kill; the start after the restart) count as
 * "during recovery"; so do those committed this long before the stop (caught by the shutdown).
 */
const RECOVERY_WINDOW_MS = 5000;

const QUERY = 'subscription { incidentChanged(kinds: [OPENED]) { cursor incidentId changedAt } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received {
  id: string;
  seq: bigint;
  latencyMs: number;
}

interface Subscriber {
  admin: boolean;
  client: Client;
  received: Received[];
  errors: string[];
  completed: boolean;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-subs-recovery-'));
const postgres = await startRestartablePostgres();
try {
  const serverUrl = new URL(postgres.url);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE borealis');
  await admin.end();
  serverUrl.pathname = '/borealis';
  const url = serverUrl.toString();

  const gateway = await startBenchGateway({ databaseUrl: url, secretsDir: dir, seed: (pool) => seedDemoData(pool, { devices: 40 }).then(() => undefined) });
  const { hub, wsUrl, token } = gateway;

  // Borealis's writer: its own pool, which reconnects once the server is back.
  const writer = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 1000 });
  writer.on('error', () => {});
  const targets = await simulationTargets(writer);
  const acme = targets.devices.find((device) => device.siteName === 'Acme HQ')!;
  const other = targets.devices.find((device) => device.siteName !== 'Acme HQ')!;
  const { rows: firstRows } = await writer.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM engine.watchdog_incidents');
  const benchIdsAbove = BigInt(firstRows[0]!.id);

  const subscribers: Subscriber[] = [];
  for (let i = 0; i < count; i++) {
    const isAdmin = i % 2 === 0;
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token(isAdmin ? 'admin' : 'alice')}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => connected() },
      onNonLazyError: () => {},
    });
    const subscriber: Subscriber = { admin: isAdmin, client, received: [], errors: [], completed: false };
    client.subscribe(
      { query: QUERY },
      {
        next: (result) => {
          const event = (result.data as { incidentChanged?: { cursor: string; incidentId: string; changedAt: string } } | null)?.incidentChanged;
          if (result.errors?.length || !event) return void subscriber.errors.push(JSON.stringify(result.errors ?? result));
          subscriber.received.push({ id: event.incidentId, seq: BigInt(event.cursor), latencyMs: Date.now() - Date.parse(event.changedAt) });
        },
        error: (error) => subscriber.errors.push(String((error as Error)?.message ?? JSON.stringify(error))),
        complete: () => (subscriber.completed = true),
      },
    );
    subscribers.push(subscriber);
    await ready;
  }
  while (hub.status().subscribers < count) await sleep(50);

  console.log(
    `Subscription recovery benchmark: ${count} graphql-ws subscribers (half admin, half one-site user), ${rate} incidents opened/s for ${seconds} s, ${os.availableParallelism()} CPUs.`,
  );
  const startedAt = performance.now();
  const at = (fraction: number) => startedAt + fraction * seconds * 1000;
  const since = (time: number) => ((time - startedAt) / 1000).toFixed(1);
  const timeline: string[] = [];
  const faults: Array<{ name: string; at: number }> = [];
  let refused = 0;

  // The faults, on their own schedule while the writer keeps its rate.
  const faulting = (async () => {
    await sleep(at(KILL_AT) - performance.now());
    const { rows } = await writer.query<{ killed: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '%(listen)'`,
    );
    faults.push({ name: 'LISTEN kill', at: Date.now() });
    timeline.push(`${since(performance.now())} s  LISTEN backend terminated (${rows[0]!.killed})`);
    await sleep(at(STOP_AT) - performance.now());
    const stopping = performance.now();
    faults.push({ name: 'stop', at: Date.now() });
    await postgres.stop();
    timeline.push(`${since(stopping)} s  PostgreSQL stopped (fast shutdown, ${((performance.now() - stopping) / 1000).toFixed(1)} s)`);
    await sleep(DOWN_MS / 2);
    const during = hub.status();
    timeline.push(`${since(performance.now())} s  gatewayStatus.subscriptions: listening ${during.listening}, interruptedSince ${during.interruptedSince ? 'set' : 'null'}`);
    await sleep(DOWN_MS / 2);
    const starting = performance.now();
    await postgres.start();
    faults.push({ name: 'restart', at: Date.now() });
    timeline.push(`${since(starting)} s  PostgreSQL started again (${((performance.now() - starting) / 1000).toFixed(1)} s)`);
    const back = performance.now();
    while (hub.status().interruptedSince !== null || !hub.status().listening) await sleep(20);
    timeline.push(`${since(performance.now())} s  feed restored ${((performance.now() - back) / 1000).toFixed(2)} s after the start`);
  })();

  // Steady writes, alternating Acme HQ (the one-site user's) and another site.
  for (let i = 0; i < rate * seconds; i++) {
    const wait = startedAt + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    await openIncident(writer, targets.watchdogId, i % 2 === 0 ? acme : other).catch(() => refused++);
  }
  await faulting;

  // The truth: what was committed, in commit (sequence) order, and whose site.
  const { rows: committed } = await writer.query<{ id: string; acme: boolean; at: string }>(
    `SELECT i.id::text, i.site_id = $2 AS acme, (extract(epoch FROM l.changed_at) * 1000)::bigint::text AS at FROM engine.watchdog_incidents i
       JOIN ${CHANGE_LOG} l ON l.table_name = 'watchdog_incidents' AND l.operation = 'INSERT' AND l.row_key = i.id::text
      WHERE i.id > $1 ORDER BY l.seq`,
    [benchIdsAbove.toString(), acme.siteId],
  );
  const expectedOf = (subscriber: Subscriber) => committed.filter((row) => subscriber.admin || row.acme).map((row) => row.id);
  // Drain: wait (at most 15 s) until every subscriber has as many events as it should.
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    if (subscribers.every((s) => s.received.length >= expectedOf(s).length || s.completed)) break;
  }
  await sleep(500); // a duplicate would arrive right behind

  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let errors = 0;
  let ended = 0;
  const latencies: Record<'steady' | 'afterKill' | 'aroundRestart', number[]> = { steady: [], afterKill: [], aroundRestart: [] };
  const changedAtOf = new Map(committed.map((row) => [row.id, Number(row.at)]));
  const [kill, stop, restart] = faults;
  const bucketOf = (changed: number) =>
    changed >= stop!.at - RECOVERY_WINDOW_MS && changed < restart!.at + RECOVERY_WINDOW_MS
      ? 'aroundRestart'
      : changed >= kill!.at && changed < kill!.at + RECOVERY_WINDOW_MS
        ? 'afterKill'
        : 'steady';
  for (const subscriber of subscribers) {
    const expected = new Set(expectedOf(subscriber));
    const seen = new Set<string>();
    let last = 0n;
    for (const event of subscriber.received) {
      if (seen.has(event.id)) duplicated++;
      seen.add(event.id);
      if (event.seq <= last) outOfOrder++;
      last = event.seq;
      // Latency by when the change was committed: close to a fault, or steady.
      latencies[bucketOf(changedAtOf.get(event.id) ?? 0)].push(event.latencyMs);
    }
    for (const id of expected) if (!seen.has(id)) lost++;
    errors += subscriber.errors.length;
    if (subscriber.completed) ended++;
  }
  for (const line of timeline) console.log(`  ${line}`);
  const adminExpected = committed.length;
  const userExpected = committed.filter((row) => row.acme).length;
  console.log(`writes: ${committed.length} committed (the one-site user may see ${userExpected}), ${refused} refused while the server was down`);
  console.log(`events expected: ${(adminExpected * Math.ceil(count / 2) + userExpected * Math.floor(count / 2)).toLocaleString('en')}, received: ${subscribers.reduce((n, s) => n + s.received.length, 0).toLocaleString('en')}`);
  console.log(`lost: ${lost}  duplicated: ${duplicated}  out of order: ${outOfOrder}  subscriber errors: ${errors}  streams ended: ${ended}`);
  const percentile = (values: number[], p: number) => {
    if (!values.length) return '-';
    const sorted = [...values].sort((a, b) => a - b);
    return String(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]);
  };
  const window = RECOVERY_WINDOW_MS / 1000;
  console.log(`commit-to-client latency ms, by when the change was committed       events    p50    p99    max`);
  for (const [name, values] of [
    ['steady (away from the faults)', latencies.steady],
    [`up to ${window} s after the LISTEN kill`, latencies.afterKill],
    [`from ${window} s before the stop to ${window} s after the start`, latencies.aroundRestart],
  ] as const) {
    console.log(`  ${name.padEnd(62)} ${String(values.length).padStart(7)} ${percentile(values, 0.5).padStart(6)} ${percentile(values, 0.99).padStart(6)} ${percentile(values, 1).padStart(6)}`);
  }

  await Promise.all(subscribers.map((s) => s.client.dispose()));
  await gateway.close();
  await writer.end();
  if (lost || duplicated || outOfOrder) process.exitCode = 1;
} finally {
  await postgres.destroy();
  rmSync(dir, { recursive: true, force: true });
}
