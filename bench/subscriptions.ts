/**
 * Subscription benchmark (not a test): `npm run bench:subscriptions [-- --subscribers 1000,10000
 * --rate 50 --seconds 20]`. A temporary embedded PostgreSQL with the demo seed and the change
 * capture; one gateway (HTTP + graphql-ws, the change feed) in this process; the subscribers in a
 * child process (graphql-ws, half an admin, half a one-site user); a writer making `rate` incident
 * changes per second with plain SQL as Borealis does. Prints, per subscriber count, the
 * commit-to-client latency p50/p99, events delivered, and the gateway's CPU and memory.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { mintBorealisSession } from '../src/auth/borealis-session.js';
import { createWebSocketAuth } from '../src/auth/websocket.js';
import { createRequestAuthenticator } from '../src/auth/yoga-plugin.js';
import { loadAuthConfig } from '../src/config/auth.js';
import { loadConfig } from '../src/config/env.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { installGatewaySchema } from '../src/db/gateway-schema.js';
import { createPool } from '../src/db/pool.js';
import { createPrismaClient } from '../src/db/prisma.js';
import type { ReadinessState } from '../src/db/readiness.js';
import { ChangeHub } from '../src/realtime/hub.js';
import { createObservability } from '../src/server/observability.js';
import { attachWebSocket } from '../src/server/websocket.js';
import { createGatewayYoga } from '../src/server/yoga.js';
import { seedDemoData } from '../dev/seed/index.js';
import { acknowledgeIncident, openIncident, resolveIncident, retriggerIncident, simulationTargets } from '../dev/simulate/borealis-writes.js';

const { values } = parseArgs({
  options: { subscribers: { type: 'string', default: '1000,10000' }, rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' } },
});
const counts = values.subscribers.split(',').map(Number);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(rate > 0) || !(seconds > 0)) {
  console.error('usage: npm run bench:subscriptions -- [--subscribers 1000,10000] [--rate 50] [--seconds 20]');
  process.exit(2);
}

const SECRET = 'bench-engine-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-subs-'));
chmodSync(dir, 0o755);
const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
try {
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: embedded.url, GATEWAY_SUBSCRIBER_BUFFER: '1000' });
  const pool = createPool(embedded.url, config.db);
  await applyBaseline(pool);
  await seedDemoData(pool, { devices: 200 });
  await installGatewaySchema(pool);
  const prisma = createPrismaClient(pool);
  const auth = loadAuthConfig({ BOREALIS_ENGINE_SECRET: SECRET }, dir);
  const observability = createObservability(config, pool);
  const hub = new ChangeHub({ pool, prisma, config: config.realtime, log: observability.log });
  await hub.start();
  const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
  const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool, auth, log: observability.log }), changes: hub }, observability);
  const server = createServer(yoga);
  const websocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool, auth, log: observability.log }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const token = (username: string) => mintBorealisSession({ secret: SECRET, username, role: username === 'admin' ? 'Admin' : 'User' });
  const targets = await simulationTargets(pool);

  console.log(`Subscription benchmark: ${rate} incident changes/s for ${seconds} s, ${os.availableParallelism()} CPUs, change capture + LISTEN.`);
  console.log('subscribers  connected  events delivered  p50 ms  p99 ms  max ms  gateway CPU %  RSS MB  heap MB');
  for (const count of counts) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'subscription-clients.ts'), wsUrl, String(count), String(seconds * 1000 + 3000), token('admin'), token('alice')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const next = () => new Promise<Record<string, number>>((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))));
    const ready = await next();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    }, 250);
    // Steady writes: open, re-trigger, acknowledge, resolve, round-robin over the sites' devices.
    const open: string[] = [];
    for (let i = 0; i < rate * seconds; i++) {
      const due = startedAt + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const step = i % 4;
      if (step === 0 || open.length === 0) open.push(await openIncident(pool, targets.watchdogId, targets.devices[i % targets.devices.length]!));
      else if (step === 1) await retriggerIncident(pool, open.at(-1)!);
      else if (step === 2) await acknowledgeIncident(pool, open.at(-1)!);
      else await resolveIncident(pool, open.shift()!);
    }
    const elapsed = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    const result = await next();
    await new Promise((resolve) => child.once('exit', resolve));
    const cpuPercent = ((cpu.user + cpu.system) / 1e6 / elapsed) * 100;
    console.log(
      [count, result.connected ?? ready.ready, result.received, result.p50, result.p99, result.max, cpuPercent.toFixed(0), (peakRss / 2 ** 20).toFixed(0), (peakHeap / 2 ** 20).toFixed(0)]
        .map((value, index) => String(value).padStart(index === 0 ? 11 : [9, 16, 6, 6, 6, 13, 6, 7][index - 1]!))
        .join('  '),
    );
    if (result.errors) console.log(`  (${result.errors} client errors)`);
  }
  await hub.stop();
  await websocket.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await prisma.$disconnect();
  await pool.end();
} finally {
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}
