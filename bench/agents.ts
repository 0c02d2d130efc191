/**
 * Agent heartbeat benchmark (not a test): 1,000 simulated agents, enrolled through the agent API
 * with real Ed25519 keys, send heartbeats with a realistic payload through the gateway (the Yoga
 * pipeline and the agent router, in process: HTTP parsing is left out of both sides), beside a raw
 * baseline in the same run: one hand-written UPDATE of the same columns per heartbeat on the same
 * pool. Both run closed-loop with the same number of workers (the pool's size), cycling through
 * the agents. A third phase calls the agent service directly (no pipeline, no router). Reported:
 * heartbeats per second, the ratios, connection checkout p50/p99 of each
 * phase, and the most sessions seen idle in transaction (sampled every 100 ms; must stay 0).
 *
 *   npm run bench:agents -- [--agents 1000] [--seconds 10]
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../src/config/env.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { installGatewaySchema } from '../src/db/gateway-schema.js';
import { createPool } from '../src/db/pool.js';
import { createPrismaClient } from '../src/db/prisma.js';
import type { ReadinessState } from '../src/db/readiness.js';
import { createGatewayYoga } from '../src/server/yoga.js';
import { loadOrCreateEngineKey, verifyAccessToken } from '../src/auth/device-token.js';
import { heartbeatIfAuthorized } from '../src/domains/agent/index.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`usage: npm run bench:agents -- [--agents N] [--seconds S]  (bad --${name})`);
    process.exit(2);
  }
  return value;
};
const agentCount = arg('agents', 1000);
const seconds = arg('seconds', 10);

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** A heartbeat as a Windows agent sends it: inventory sections, metrics, addresses, build id. */
function heartbeatBody(hostname: string, tick: number) {
  return {
    hostname,
    inventory: {
      memory: [{ slot: 'DIMM0', size_gb: 16, speed_mhz: 3200 }, { slot: 'DIMM1', size_gb: 16, speed_mhz: 3200 }],
      network: [{ adapter: 'Intel(R) Ethernet Connection I219-LM', mac: '00:1A:2B:3C:4D:5E', ips: ['10.20.0.42', 'fe80::1c2d:3e4f:5a6b:7c8d'], speed_mbps: 1000 }],
      storage: [{ drive: 'C:', fs: 'NTFS', total_gb: 476.3, free_gb: 212.8 - (tick % 10) / 10 }, { drive: 'D:', fs: 'NTFS', total_gb: 931.5, free_gb: 640.1 }],
      cpu: { name: 'Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', cores: 4, logical_processors: 8, max_clock_mhz: 3000 },
    },
    metrics: { last_user: 'CORP\\aino.virtanen', operating_system: 'Windows 11 Pro 23H2 (22631.4460)', uptime: 86_400 + tick, cpu_percent: 5 + (tick % 40), memory_percent: 42.5, last_reboot: '2026-11-29T07:12:44Z', domain: 'corp.example' },
    external_ip: '198.51.100.7',
    internal_ip: '10.20.0.42',
    device_type: 'Laptop',
    agent_build_id: 'b-2026.11.2',
  };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-agents-'));
  chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
  const config = loadConfig({ LOG_LEVEL: 'silent', ...process.env, DATABASE_URL: embedded.url, BOREALIS_ENGINE_AUTH_TOKEN_ROOT: path.join(dir, 'keys') });
  const pool = createPool(embedded.url, config.db);
  const admin = new pg.Pool({ connectionString: embedded.url, max: 1 });
  // Connection checkout times: every statement of either phase goes through pool.connect.
  let checkouts: number[] = [];
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    const started = performance.now();
    const callback = args[0] as ((error: unknown, client: unknown, release: unknown) => void) | undefined;
    if (typeof callback === 'function') {
      return connect((error: unknown, client: unknown, release: unknown) => {
        checkouts.push(performance.now() - started);
        callback(error, client, release);
      });
    }
    return (connect() as Promise<unknown>).then((client) => {
      checkouts.push(performance.now() - started);
      return client;
    });
  };
  let idleInTransaction = 0;
  const sampler = setInterval(() => {
    admin
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND application_name = $1`, [config.db.applicationName])
      .then(({ rows }) => (idleInTransaction = Math.max(idleInTransaction, rows[0]!.n)))
      .catch(() => {});
  }, 100);
  const prisma = createPrismaClient(pool);
  try {
    await applyBaseline(pool);
    await installGatewaySchema(pool);
    await pool.query(`INSERT INTO engine.sites (name, created_at, enrollment_code, auto_approve_until) VALUES ('Bench', 0, 'BENCH-1', $1)`, [Math.floor(Date.now() / 1000) + 3600]);
    const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
    const yoga = createGatewayYoga({ config, pool, prisma, readiness, authenticate: async () => null });
    // As an agent's HTTP client sends it: with Content-Length (the Node server passes it on).
    const call = async (pathName: string, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      const response = await yoga.fetch(`http://bench.local${pathName}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers },
        body: text,
      });
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    };

    console.log(`enrolling ${agentCount} agents through the agent API (auto-approval site)...`);
    const agents: Array<{ hostname: string; guid: string; token: string }> = [];
    const enrollStarted = performance.now();
    for (let start = 0; start < agentCount; start += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, agentCount - start) }, async (_, offset) => {
          const i = start + offset;
          const hostname = `BENCH-WS-${String(i).padStart(5, '0')}`;
          const { privateKey, publicKey } = generateKeyPairSync('ed25519');
          const clientNonce = randomBytes(32).toString('base64');
          const ip = { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` };
          const request = await call('/api/agent/enroll/request', { hostname, enrollment_code: 'BENCH-1', agent_pubkey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), client_nonce: clientNonce }, ip);
          const { approval_reference: reference, server_nonce: serverNonce } = request.json;
          const proof = sign(null, Buffer.concat([Buffer.from(serverNonce, 'base64'), Buffer.from(reference), Buffer.from(clientNonce, 'base64')]), privateKey).toString('base64');
          const poll = await call('/api/agent/enroll/poll', { approval_reference: reference, client_nonce: clientNonce, proof_sig: proof });
          if (!poll.json.access_token) throw new Error(`enrollment failed: ${JSON.stringify(poll.json)}`);
          agents[i] = { hostname, guid: poll.json.guid, token: poll.json.access_token };
        }),
      );
    }
    console.log(`enrolled in ${((performance.now() - enrollStarted) / 1000).toFixed(1)} s`);

    const workers = config.db.poolSize + config.db.maxOverflow;
    const run = async (label: string, heartbeat: (agent: (typeof agents)[number], tick: number) => Promise<void>) => {
      checkouts = [];
      idleInTransaction = 0;
      let next = 0;
      let done = 0;
      const deadline = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (performance.now() < deadline) {
            const tick = next++;
            await heartbeat(agents[tick % agents.length]!, tick);
            done += 1;
          }
        }),
      );
      const result = { label, statementsPerHeartbeat: checkouts.length / done, heartbeatsPerSecond: done / seconds, checkoutP50Ms: percentile(checkouts, 50), checkoutP99Ms: percentile(checkouts, 99), maxIdleInTransaction: idleInTransaction };
      console.log(`${label.padEnd(24)} ${result.heartbeatsPerSecond.toFixed(0).padStart(6)} heartbeats/s   checkout p50 ${result.checkoutP50Ms.toFixed(2)} ms, p99 ${result.checkoutP99Ms.toFixed(2)} ms   statements/heartbeat ${result.statementsPerHeartbeat.toFixed(2)}   idle in transaction (max) ${idleInTransaction}`);
      return result;
    };

    console.log(`\n${workers} closed-loop workers over ${agentCount} agents, ${seconds} s per phase (pool ${config.db.poolSize}+${config.db.maxOverflow}):`);
    const raw = await run('raw single UPDATE', async (agent, tick) => {
      const body = heartbeatBody(agent.hostname, tick);
      await pool.query(
        `UPDATE engine.devices SET last_seen = $2, memory = $3, network = $4, storage = $5, cpu = $6, last_user = $7, operating_system = $8,
                uptime = $9, cpu_percent = $10, memory_percent = $11, last_reboot = $12, domain = $13, external_ip = $14, internal_ip = $15,
                device_type = $16, agent_hash = $17 WHERE guid = $1`,
        [agent.guid, Math.floor(Date.now() / 1000), JSON.stringify(body.inventory.memory), JSON.stringify(body.inventory.network), JSON.stringify(body.inventory.storage),
          JSON.stringify(body.inventory.cpu), body.metrics.last_user, body.metrics.operating_system, body.metrics.uptime, body.metrics.cpu_percent,
          body.metrics.memory_percent, body.metrics.last_reboot, body.metrics.domain, body.external_ip, body.internal_ip, body.device_type, body.agent_build_id],
      );
    });
    let failures = 0;
    const gateway = await run('gateway /api/agent/heartbeat', async (agent, tick) => {
      const { status } = await call('/api/agent/heartbeat', heartbeatBody(agent.hostname, tick), { authorization: `Bearer ${agent.token}` });
      if (status !== 200) failures += 1;
    });
    // The same heartbeat through the agent service alone (token check + the one UPDATE), without
    // the Yoga pipeline and router: separates the statement's cost from the HTTP-side cost.
    const engineKey = loadOrCreateEngineKey(config.agent.engineKeyFile);
    const agentServices = { pool, engineKey, scriptSigningKey: '', publicBaseUrl: '', firstUse: async () => true };
    const service = await run('agent service only', async (agent, tick) => {
      const claims = await verifyAccessToken(engineKey, agent.token);
      if (!(await heartbeatIfAuthorized(agentServices, claims, heartbeatBody(agent.hostname, tick)))) failures += 1;
    });
    console.log(`\nservice / raw = ${(service.heartbeatsPerSecond / raw.heartbeatsPerSecond).toFixed(2)}`);
    console.log(`gateway / raw = ${(gateway.heartbeatsPerSecond / raw.heartbeatsPerSecond).toFixed(2)} (target >= 0.50); non-200 heartbeats: ${failures}`);
    await yoga.gateway.agentApi.close();
  } finally {
    clearInterval(sampler);
    await prisma.$disconnect();
    await admin.end();
    await pool.end();
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
