/**
 * Subscription benchmark (not a test): `npm run bench:subscriptions [-- --subscribers 1000,10000
 * --worst-case 1000 --sites 120 --rate 50 --seconds 20 --warm-up 5 --timeline --profile]`.
 *
 * A temporary embedded PostgreSQL with the demo seed, `sites` more sites (devices spread over all
 * of them, one operator account per site) and the change capture; one gateway (HTTP + graphql-ws,
 * the change feed) in this process; the subscribers in a child process (bench/subscription-clients.ts,
 * connecting in waves); a writer in a third process (bench/subscription-writer.ts, as Borealis's
 * watchdog runtime is one) making `rate` incident changes per second with plain SQL (open,
 * re-trigger, acknowledge, resolve), round-robin over the sites.
 *
 * Two populations per subscriber count:
 * - realistic: 95 % site-scoped operators spread evenly over the sites (two thirds an operator
 *   UI's document with nested fields, one third an integrator's flat document), 5 % administrators
 *   (integrator document) who see everything: each event reaches the administrators and its
 *   site's operators;
 * - worst case (`--worst-case`): every subscriber an administrator, every event reaches everyone.
 *
 * The writer first makes `--warm-up` seconds of changes (default 5) that are delivered and
 * counted like the others but not measured: a gateway whose subscribers just connected has run
 * none of its delivery code yet (V8 compiles it while the first changes arrive, the pool opens
 * sessions), and the subscriber process is cold too; their latency is printed on its own
 * (warm-up p99/max), the measured window is the steady state at the given rate.
 *
 * Prints per run: subscribers connected, deliveries expected and received (warm-up included: lost
 * ones show), deliveries/s, GraphQL executions (shared per group), commit-to-client latency
 * p50/p99/max of the measured window (from the change's `changedAt`, the trigger's clock), p99/max
 * of the warm-up, the change rate the writer achieved, gateway CPU (and CPU time per delivery,
 * steadier than latency on a busy machine) and RSS, RSS per subscriber (growth over the idle
 * gateway), and how many WebSocket payloads were serialized. `--timeline` also prints, per second
 * of changes, the slowest delivery as the subscribers received it and as the gateway wrote it (the
 * time its `next` frame was handed to the socket): where a tail comes from. `--profile` records a V8 CPU
 * profile of the gateway while the writer runs (bench/results/subscriptions-<count>-*.cpuprofile)
 * and prints its top functions. Fails loudly (exit code 1) when the subscriber process dies or
 * cannot connect everyone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { sharedExecutionCounts } from '../src/realtime/shared-execution.js';
import { framedPayloadCounts } from '../src/server/framed-next.js';
import WebSocket from 'ws';
import { startBenchGateway } from './realtime-gateway.js';
import { profileWhile } from './profile.js';
import { seedDemoData } from '../dev/seed/index.js';
import { simulationTargets } from '../dev/simulate/borealis-writes.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000,10000' },
    'worst-case': { type: 'string', default: '1000' },
    sites: { type: 'string', default: '120' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    'warm-up': { type: 'string', default: '5' },
    timeline: { type: 'boolean', default: false },
    wave: { type: 'string', default: '250' },
    profile: { type: 'boolean', default: false },
  },
});
/** --timeline: per second of changes (epoch s), the slowest `next` frame written by the gateway (ms after the change). */
const writtenBySecond = new Map<number, number>();
if (values.timeline) {
  const CHANGED_AT = /"changedAt":"([^"]+)"/;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    const changedAt = typeof data === 'string' ? CHANGED_AT.exec(data)?.[1] : undefined;
    if (changedAt) {
      const madeAt = Date.parse(changedAt);
      const second = Math.floor(madeAt / 1000);
      writtenBySecond.set(second, Math.max(writtenBySecond.get(second) ?? 0, Date.now() - madeAt));
    }
    return (send as (...args: unknown[]) => void).call(this, data, ...rest);
  } as WebSocket['send'];
}
const countsOf = (text: string) => (text === '' || text === '0' ? [] : text.split(',').map(Number));
const realisticCounts = countsOf(values.subscribers);
const worstCaseCounts = countsOf(values['worst-case']);
const benchSites = Number(values.sites);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmUpSeconds = Number(values['warm-up']);
const wave = Number(values.wave);
if (
  [...realisticCounts, ...worstCaseCounts].some((n) => !Number.isInteger(n) || n < 1) ||
  !Number.isInteger(benchSites) ||
  benchSites < 0 ||
  !(rate > 0) ||
  !(seconds > 0) ||
  !(warmUpSeconds >= 0) ||
  !(wave >= 1)
) {
  console.error('usage: npm run bench:subscriptions -- [--subscribers 1000,10000] [--worst-case 1000] [--sites 120] [--rate 50] [--seconds 20] [--warm-up 5] [--wave 250] [--profile] [--timeline]');
  process.exit(2);
}

/** An operator UI: the incident with nested fields (its site, its device). */
const UI_QUERY = 'subscription { incidentChanged { kind cursor changedAt incident { databaseId hostname state severity title triggerCount site { name } } } }';
/** An integrator: flat fields, to forward elsewhere. */
const INTEGRATOR_QUERY = 'subscription { incidentChanged { kind cursor changedAt incidentId state } }';
const ADMIN_SHARE = 0.05;
const WAVE_TIMEOUT_MS = 60_000;

interface Profile {
  token: string;
  query: string;
  count: number;
  /** null: an administrator (sees every site). */
  siteId: number | null;
}

/** Spreads more sites over the demo database: devices round-robin over every site, one operator per site. */
async function addSites(pool: pg.Pool, count: number): Promise<void> {
  await pool.query(`INSERT INTO engine.sites (name, description, created_at)
                    SELECT 'Bench site ' || lpad(i::text, 4, '0'), 'benchmark', 1763640000 FROM generate_series(1, $1::int) AS i`, [count]);
  await pool.query(`WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM engine.sites),
                         d AS (SELECT device_hostname, row_number() OVER (ORDER BY device_hostname) - 1 AS n FROM engine.device_sites)
                    UPDATE engine.device_sites ds SET site_id = s.id FROM d, s
                     WHERE ds.device_hostname = d.device_hostname AND s.n = d.n % s.total`);
  await pool.query(`INSERT INTO engine.users (username, password_sha512, role, auth_source, directory_disabled, auth_reset_required, created_at)
                    SELECT 'operator-' || id, 'x', 'User', 'local', 0, 0, 1763640000 FROM engine.sites`);
  await pool.query(`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at)
                    SELECT u.id, s.id, 1763640000 FROM engine.sites s JOIN engine.users u ON u.username = 'operator-' || s.id`);
}

/** The subscribers of one run: profiles of (token, document) with how many subscribers use each. */
function population(count: number, worstCase: boolean, siteIds: readonly number[], token: (username: string, admin: boolean) => string): Profile[] {
  if (worstCase) return [{ token: token('admin', true), query: INTEGRATOR_QUERY, count, siteId: null }];
  const admins = Math.max(1, Math.round(count * ADMIN_SHARE));
  const profiles: Profile[] = [{ token: token('admin', true), query: INTEGRATOR_QUERY, count: admins, siteId: null }];
  // The others, evenly over the sites; per site two thirds UI, one third integrator.
  siteIds.forEach((siteId, index) => {
    const share = Math.floor((count - admins) / siteIds.length) + (index < (count - admins) % siteIds.length ? 1 : 0);
    const integrators = Math.floor(share / 3);
    const operator = token(`operator-${siteId}`, false);
    if (share - integrators) profiles.push({ token: operator, query: UI_QUERY, count: share - integrators, siteId });
    if (integrators) profiles.push({ token: operator, query: INTEGRATOR_QUERY, count: integrators, siteId });
  });
  return profiles;
}

/** A helper process (subscribers, writer) and its JSON lines; a line it never sends (it died) fails the run. */
function startChild(script: string, plan: unknown) {
  const planFile = path.join(dir, `${script}.json`);
  writeFileSync(planFile, JSON.stringify(plan));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script), planFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async next(): Promise<Record<string, unknown>> {
      const line = await lines.next();
      if (line.done) throw new Error(`The ${script} process ended (${await exited}) before answering.`);
      return JSON.parse(line.value) as Record<string, unknown>;
    },
    send: (command: string) => child.stdin!.write(`${command}\n`),
    exited,
    kill: () => child.kill(),
  };
}

const until = async (condition: () => boolean, timeoutMs: number, what: () => string) => {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (Date.now() - started > timeoutMs) throw new Error(what());
  }
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-subs-'));
chmodSync(dir, 0o755);
const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
let failed = false;
try {
  const gateway = await startBenchGateway({
    databaseUrl: embedded.url,
    secretsDir: dir,
    env: { GATEWAY_SUBSCRIBER_BUFFER: '1000' },
    seed: async (pool) => {
      await seedDemoData(pool, { devices: Math.max(200, 2 * (benchSites + 6)) });
      await addSites(pool, benchSites);
    },
  });
  const { hub, wsUrl, token } = gateway;
  const targets = await simulationTargets(gateway.pool);
  const siteIds = targets.devices.map((device) => device.siteId);

  console.log(
    `Subscription benchmark: ${rate} incident changes/s for ${seconds} s over ${siteIds.length} sites, ${os.availableParallelism()} CPUs, change capture + LISTEN, connecting in waves of ${wave}.`,
  );
  console.log(`Realistic mix: ${100 - ADMIN_SHARE * 100} % site-scoped operators (2/3 UI document, 1/3 integrator document) spread over the sites, ${ADMIN_SHARE * 100} % administrators; worst case: all administrators.`);
  console.log(
    'mix         subscribers  connected  changes/s  expected  delivered  deliveries/s  executions  p50 ms  p99 ms  max ms  warm-up p99 ms  warm-up max ms  CPU %  CPU µs/delivery  loop p99 ms  client CPU %  RSS MB  KB/subscriber',
  );
  const runs = [...realisticCounts.map((count) => ({ count, worstCase: false })), ...worstCaseCounts.map((count) => ({ count, worstCase: true }))];
  for (const { count, worstCase } of runs) {
    await until(() => hub.status().subscribers === 0, 30_000, () => `${hub.status().subscribers} subscriptions of the previous run are still open`);
    global.gc?.();
    const idleRss = process.memoryUsage().rss;
    const profiles = population(count, worstCase, siteIds, token);
    const clients = startChild('subscription-clients.ts', { url: wsUrl, wave, waveTimeoutMs: WAVE_TIMEOUT_MS, profiles });
    try {
      for (;;) {
        const message = await clients.next();
        if (message.type === 'progress') process.stderr.write(`  ${message.connected}/${message.total} connected\r`);
        if (message.type === 'failed') throw new Error(`Subscribers could not all connect: ${message.connected}/${message.total} connected; ${message.reason}`);
        if (message.type === 'connected') break;
      }
      await until(
        () => hub.status().subscribers === count,
        60_000,
        () => `Only ${hub.status().subscribers} of ${count} subscriptions were registered by the gateway within 60 s.`,
      );
      process.stderr.write(`  ${count}/${count} subscribed       \n`);
      const connectedRss = process.memoryUsage().rss;

      const writer = startChild('subscription-writer.ts', { databaseUrl: embedded.url, watchdogId: targets.watchdogId, devices: targets.devices, rate, warmUpSeconds, seconds });
      const { measureFrom } = (await writer.next()) as { measureFrom: number };
      clients.send(`measure ${measureFrom}`);
      // The warm-up's changes are delivered (and checked) too, but not measured.
      await new Promise((resolve) => setTimeout(resolve, measureFrom - Date.now()));
      clients.send('report');
      const { cpuMs: clientCpuBefore, received: receivedBefore } = (await clients.next()) as { cpuMs: number; received: number };
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const executionsBefore = sharedExecutionCounts.executions;
      const serializedBefore = framedPayloadCounts.serialized;
      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      let peakRss = connectedRss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
      const awaitWrites = async () => (await writer.next()) as { changes: number; measuredChanges: number; elapsedMs: number; changesBySite: Record<number, number> };
      const writes = values.profile ? await profileWhile(`subscriptions-${count}`, `the gateway while ${count} subscribers receive`, awaitWrites, 40) : await awaitWrites();
      const expected = profiles.reduce((sum, p) => sum + p.count * (p.siteId === null ? writes.changes : (writes.changesBySite[p.siteId] ?? 0)), 0);
      // Drain: until everything expected arrived, or nothing more for 5 s.
      let report: Record<string, number> & { slowestBySecond?: number[] } = {};
      for (let last = -1, quietSince = Date.now(); Date.now() - quietSince < 5000; await new Promise((resolve) => setTimeout(resolve, 250))) {
        clients.send('report');
        report = (await clients.next()) as unknown as typeof report;
        if (report.received! >= expected) break;
        if (report.received !== last) [last, quietSince] = [report.received!, Date.now()];
      }
      const drained = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      clearInterval(sampler);
      const elapsed = (drained - startedAt) / 1000;
      loopDelay.disable();
      const cpuPercent = ((cpu.user + cpu.system) / 1e6 / elapsed) * 100;
      const clientCpuPercent = ((report.cpuMs! - clientCpuBefore) / 1000 / elapsed) * 100;
      const measuredDeliveries = report.received! - receivedBefore;
      const row = [
        worstCase ? 'worst case' : 'realistic',
        count,
        report.connected,
        (writes.measuredChanges / (writes.elapsedMs / 1000)).toFixed(0),
        expected,
        report.received,
        Math.round(measuredDeliveries / (writes.elapsedMs / 1000)),
        sharedExecutionCounts.executions - executionsBefore,
        report.p50,
        report.p99,
        report.max,
        report.warmUpP99 ?? '-',
        report.warmUpMax ?? '-',
        cpuPercent.toFixed(0),
        // Gateway CPU time per delivery: less sensitive to other load on the machine than latency.
        measuredDeliveries ? ((cpu.user + cpu.system) / measuredDeliveries).toFixed(1) : '-',
        (loopDelay.percentile(99) / 1e6).toFixed(0),
        clientCpuPercent.toFixed(0),
        (peakRss / 2 ** 20).toFixed(0),
        ((connectedRss - idleRss) / 1024 / count).toFixed(1),
      ];
      const widths = [10, 11, 9, 9, 8, 9, 12, 10, 6, 6, 6, 14, 14, 5, 16, 11, 12, 6, 13];
      console.log(row.map((value, index) => String(value).padStart(widths[index]!)).join('  '));
      if (values.timeline) {
        console.log(`  slowest delivery (ms) of the changes of each second, warm-up first, as received: ${report.slowestBySecond?.join(' ')}`);
        console.log(`                                                             as written by the gateway: ${[...writtenBySecond].sort(([a], [b]) => a - b).map(([, ms]) => ms).join(' ')}`);
        writtenBySecond.clear();
      }
      console.log(`  (${framedPayloadCounts.serialized - serializedBefore} WebSocket payloads serialized for ${report.received} deliveries)`);
      if (report.errors) console.log(`  (${report.errors} client errors: streams ended or results without data)`);
      if (report.received! < expected) console.log(`  (${expected - report.received!} deliveries missing after a 5 s drain)`);
      clients.send('exit');
      await clients.exited;
    } catch (error) {
      clients.kill();
      throw error;
    }
  }
  await gateway.close();
} catch (error) {
  failed = true;
  console.error(`\nBenchmark failed: ${(error as Error).message}`);
} finally {
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
