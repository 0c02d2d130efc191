/**
 * REDIS_URL: the rate-limit and replay state lives in Redis (a real redis-server started for the
 * test on a free port), shared by two gateway instances. Skipped when redis-server is not
 * installed, except under CI (where .ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestGateway } from '../support/gateway.js';
import { createAgentHarness, SimulatedAgent, insertSite, type AgentHarness } from './agent-support.js';

const installed = spawnSync('redis-server', ['--version']).status === 0;
if (!installed && process.env.CI) throw new Error('redis-server is required under CI (.ci/run installs it)');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!installed)('shared state in Redis', () => {
  let redis: ChildProcess;
  let url: string;
  let harness: AgentHarness;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    for (let i = 0; i < 50; i += 1) {
      try {
        await probe.connect();
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await probe.quit();
    harness = await createAgentHarness({ REDIS_URL: url });
    await insertSite(harness.db, 'Vantaa', 'VAN-1');
  });
  afterAll(async () => {
    await harness?.close();
    redis?.kill();
  });

  it('two instances share one enrollment budget, counted in Redis, not in PostgreSQL', async () => {
    expect(harness.gateway.yoga.gateway.agentApi.shared.backend).toBe('redis');
    const second = await createTestGateway(harness.db);
    const headers = { 'x-forwarded-for': '192.0.2.99', 'content-type': 'application/json' };
    const statuses: number[] = [];
    for (let i = 0; i < 41; i += 1) {
      const gateway = i % 2 === 0 ? harness.gateway : second;
      statuses.push((await gateway.yoga.fetch('http://gateway.test/api/agent/enroll/request', { method: 'POST', headers, body: '{}' })).status);
    }
    expect(statuses.slice(0, 40).every((s) => s === 400)).toBe(true);
    expect(statuses[40]).toBe(429);
    const client = new Redis(url);
    expect(Number(await client.get('agent-enroll-ip:ip:192.0.2.99'))).toBe(41);
    await client.quit();
    expect((await harness.db.pool.query('SELECT count(*)::int AS n FROM borealis_gateway.agent_rate_limits')).rows[0].n).toBe(0);
    await second.yoga.gateway.agentApi.close();
  });

  it('the poll replay key is single use across instances', async () => {
    const agent = new SimulatedAgent('WS-VAN-01');
    const { json } = await harness.call('POST', '/api/agent/enroll/request', agent.enrollBody('VAN-1'));
    agent.approvalReference = json.approval_reference;
    agent.serverNonce = json.server_nonce;
    await harness.db.pool.query(`UPDATE engine.device_approvals SET status = 'approved' WHERE approval_reference = $1`, [json.approval_reference]);
    const second = await createTestGateway(harness.db);
    const body = JSON.stringify(agent.pollBody());
    const pollOn = (gateway: typeof second) => gateway.yoga.fetch('http://gateway.test/api/agent/enroll/poll', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await pollOn(harness.gateway)).status).toBe(200);
    // As if an operator re-approved: the same proof on the other instance is a replay.
    await harness.db.pool.query(`UPDATE engine.device_approvals SET status = 'approved' WHERE approval_reference = $1`, [json.approval_reference]);
    const replay = await pollOn(second);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ error: 'proof_replayed' });
    await second.yoga.gateway.agentApi.close();
  });
});
