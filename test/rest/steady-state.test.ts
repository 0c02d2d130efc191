/**
 * Steady-state routes' remaining answers (agent API 4.4-4.8), forwarding of everything else, the
 * shared rate limit across two gateway instances on one database, and the access log / metrics
 * the router shares with GraphQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientIp } from '../../src/rest/client-ip.js';
import { createTestGateway } from '../support/gateway.js';
import { createAgentHarness, enrollAgent, insertSite, SimulatedAgent, type AgentHarness } from './agent-support.js';

let harness: AgentHarness;
const agent = new SimulatedAgent('SRV-DB-01');
const other = new SimulatedAgent('SRV-DB-02');
let upstream: Server;
let upstreamRequests: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      upstreamRequests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/api/agent/slow')) return void setTimeout(() => res.end('{}'), 2000);
      res.writeHead(207, { 'content-type': 'application/json', 'x-engine': 'go' });
      res.end(JSON.stringify({ windows_icon_overrides: [] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  harness = await createAgentHarness({ BOREALIS_UPSTREAM_URL: `http://127.0.0.1:${port}`, BOREALIS_UPSTREAM_TIMEOUT_MS: '500', GATEWAY_METRICS: 'true' });
  await insertSite(harness.db, 'Espoo', 'ESP-9');
  await enrollAgent(harness, agent, 'ESP-9');
  await enrollAgent(harness, other, 'ESP-9');
});
afterAll(async () => {
  await harness?.close();
  upstream?.close();
});

describe('heartbeat', () => {
  it('malformed JSON -> 400 invalid_request; nothing written', async () => {
    const before = (await harness.db.pool.query('SELECT last_seen FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0];
    await harness.db.pool.query('UPDATE engine.devices SET last_seen = 1 WHERE guid = $1', [agent.guid]);
    expect(await harness.call('POST', '/api/agent/heartbeat', '{"inventory":', agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect((await harness.db.pool.query('SELECT last_seen FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0].last_seen).toBe(1);
    expect(before.last_seen).toBeGreaterThan(1);
  });

  it('does not take a hostname another device uses', async () => {
    const response = await harness.call('POST', '/api/agent/heartbeat', { hostname: 'SRV-DB-02' }, agent.bearer);
    expect(response.status).toBe(200);
    expect((await harness.db.pool.query('SELECT hostname FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0].hostname).toBe('SRV-DB-01');
  });

  it('keeps a newer stored metadata value and does not ack an older report', async () => {
    const report = (modified: number, value: string) => harness.call('POST', '/api/agent/heartbeat', { metadata_fields: { 12: { value, modified_at: modified } } }, agent.bearer);
    expect((await report(2000, 'rack B')).json.metadata_field_acks).toEqual(['12']);
    expect((await report(1000, 'rack A')).json.metadata_field_acks).toEqual(['12']);
    const row = (await harness.db.pool.query('SELECT value, modified_at FROM engine.device_metadata_fields WHERE device_guid = $1 AND field_number = 12', [agent.guid])).rows[0];
    expect(row).toEqual({ value: Buffer.from('rack B').toString('base64'), modified_at: 2000 });
  });

  it('merges role health, replacing the roles of the reporting context only', async () => {
    await harness.call('POST', '/api/agent/heartbeat', { metrics: { service_mode: 'currentuser' }, agent_role_health: { tray: { status: 'healthy' } } }, agent.bearer);
    await harness.call('POST', '/api/agent/heartbeat', { agent_role_health: [{ role_id: 'svc', status: 'degraded' }] }, agent.bearer);
    await harness.call('POST', '/api/agent/heartbeat', { agent_role_health: [{ role_id: 'svc2', status: 'healthy' }] }, agent.bearer);
    const stored = JSON.parse((await harness.db.pool.query('SELECT agent_role_health FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0].agent_role_health);
    expect(Object.keys(stored).sort()).toEqual(['svc2', 'tray']);
    expect(stored.tray).toEqual({ status: 'healthy', context: 'currentuser' });
  });
});

describe('status', () => {
  it('normalises the status, stores the startup role and coalesces identical reports', async () => {
    const body = { service_mode: 'system', phase: 'services', message: 'started', status: 'OK', boot_id: 'b-1' };
    const first = await harness.call('POST', '/api/agent/status', body, agent.bearer);
    expect(first.json).toMatchObject({ status: 'ok', poll_after_ms: 15000, site_name: 'Espoo' });
    const second = await harness.call('POST', '/api/agent/status', body, agent.bearer);
    expect(second.json).toEqual({ ...first.json, poll_after_ms: 30000, coalesced: true });
    const stored = JSON.parse((await harness.db.pool.query('SELECT agent_role_health FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0].agent_role_health);
    expect(stored['system:system_heartbeat']).toMatchObject({ status: 'healthy', context: 'system', phase: 'services', boot_id: 'b-1' });
    expect(stored.tray).toBeDefined();
    const failed = await harness.call('POST', '/api/agent/status', { ...body, status: 'error' }, agent.bearer);
    expect(failed.json.coalesced).toBeUndefined();
    expect(await harness.call('POST', '/api/agent/status', '{', agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });
});

describe('details', () => {
  it('400 invalid payload without details or hostname; 403 guid_mismatch for another device hostname', async () => {
    expect(await harness.call('POST', '/api/agent/details', { hostname: 'SRV-DB-01' }, agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid payload' } });
    expect(await harness.call('POST', '/api/agent/details', { details: { summary: {} } }, agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid payload' } });
    expect(await harness.call('POST', '/api/agent/details', '{"details":', agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid payload' } });
    expect(await harness.call('POST', '/api/agent/details', { details: { summary: { hostname: 'SRV-DB-02' }, software: [] } }, agent.bearer)).toMatchObject({ status: 403, json: { error: 'guid_mismatch' } });
  });

  it('413 beyond 24 MiB', async () => {
    const big = JSON.stringify({ details: { summary: { hostname: 'SRV-DB-01' }, processes: 'x'.repeat(24 * 1024 * 1024) } });
    expect((await harness.call('POST', '/api/agent/details', big, agent.bearer)).status).toBe(413);
  });
});

describe('metadata and hash', () => {
  it('GET metadata/{field}: 1..500 else invalid_field; an unset field has no value', async () => {
    for (const field of ['0', '501', 'abc']) expect(await harness.call('GET', `/api/agent/metadata/${field}`, undefined, agent.bearer)).toMatchObject({ status: 400, json: { error: 'invalid_field' } });
    await harness.db.pool.query(`INSERT INTO engine.metadata_field_definitions (field_number, description, updated_at, updated_by) VALUES (44, 'Asset tag', 1764500000, 'admin')`);
    expect((await harness.call('GET', '/api/agent/metadata/44', undefined, agent.bearer)).json.field).toEqual({ field_number: 44, field_key: 'field_044', label: 'Asset tag', value: '', modified_at: null, source: null, actor: null, has_value: false });
  });

  it('hash: agent_hash required, guid_mismatch, not found', async () => {
    expect(await harness.call('POST', '/api/agent/hash', {}, agent.bearer)).toMatchObject({ status: 400, json: { error: 'agent_hash required' } });
    expect(await harness.call('POST', '/api/agent/hash', { agent_hash: 'x', agent_guid: other.guid }, agent.bearer)).toMatchObject({ status: 403, json: { error: 'guid_mismatch' } });
    expect(await harness.call('GET', `/api/agent/hash?agent_guid=${other.guid}`, undefined, agent.bearer)).toMatchObject({ status: 403, json: { error: 'guid_mismatch' } });
    expect(await harness.call('GET', '/api/agent/hash', undefined, other.bearer)).toMatchObject({ status: 404, json: { error: 'agent hash not found' } });
  });

  it('script/request: quarantined devices poll slower', async () => {
    await harness.db.pool.query(`UPDATE engine.devices SET status = 'quarantined' WHERE guid = $1`, [other.guid]);
    expect((await harness.call('POST', '/api/agent/script/request', undefined, other.bearer)).json).toEqual({ status: 'quarantined', poll_after_ms: 60000, sig_alg: 'ed25519', signing_key: '' });
    await harness.db.pool.query(`UPDATE engine.devices SET status = 'active' WHERE guid = $1`, [other.guid]);
  });
});

describe('forwarding', () => {
  it('forwards other agent routes with method, query, headers and body intact', async () => {
    upstreamRequests = [];
    const response = await harness.gateway.yoga.fetch('http://gateway.test/api/agent/vpn/ensure?x=1', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer abc', 'x-borealis-agent-context': 'SYSTEM' }, body: '{"agent_id":"SRV-DB-01-svc"}',
    });
    expect(response.status).toBe(207);
    expect(response.headers.get('x-engine')).toBe('go');
    expect(await response.json()).toEqual({ windows_icon_overrides: [] });
    expect(upstreamRequests).toHaveLength(1);
    expect(upstreamRequests[0]).toMatchObject({ method: 'POST', url: '/api/agent/vpn/ensure?x=1', body: '{"agent_id":"SRV-DB-01-svc"}' });
    expect(upstreamRequests[0]!.headers).toMatchObject({ authorization: 'Bearer abc', 'x-borealis-agent-context': 'SYSTEM', 'x-forwarded-host': 'gateway.test' });
  });

  it('also forwards a method the gateway does not serve on a served path', async () => {
    upstreamRequests = [];
    expect((await harness.call('GET', '/api/agent/heartbeat')).status).toBe(207);
    expect(upstreamRequests[0]).toMatchObject({ method: 'GET', url: '/api/agent/heartbeat' });
  });

  it('answers 504 upstream_timeout when the engine is slow', async () => {
    expect(await harness.call('GET', '/api/agent/slow')).toMatchObject({ status: 504, json: { error: 'upstream_timeout' } });
  });

  it('without BOREALIS_UPSTREAM_URL: 502 upstream_not_configured, never a silent 200', async () => {
    const plain = await createTestGateway({ ...harness.db, config: { ...harness.db.config, agent: { ...harness.db.config.agent, upstreamUrl: undefined } } });
    const response = await plain.yoga.fetch('http://gateway.test/api/agent/software-management/overrides');
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'upstream_not_configured' });
    await plain.yoga.gateway.agentApi.close();
  });
});

describe('shared state and client IP', () => {
  it('two gateway instances on one database share one enrollment budget', async () => {
    const second = await createTestGateway(harness.db);
    const ip = { 'x-forwarded-for': '192.0.2.77', 'content-type': 'application/json' };
    const statuses: number[] = [];
    for (let i = 0; i < 41; i += 1) {
      const gateway = i % 2 === 0 ? harness.gateway : second;
      statuses.push((await gateway.yoga.fetch('http://gateway.test/api/agent/enroll/request', { method: 'POST', headers: ip, body: '{}' })).status);
    }
    expect(statuses.filter((s) => s === 400)).toHaveLength(40);
    expect(statuses[40]).toBe(429);
    const { rows } = await harness.db.pool.query(`SELECT points FROM borealis_gateway.agent_rate_limits WHERE key = 'agent-enroll-ip:ip:192.0.2.77'`);
    expect(rows[0].points).toBe(41);
    await second.yoga.gateway.agentApi.close();
  });

  it('computes the client IP as Borealis does, or only through listed proxies', () => {
    expect(clientIp('203.0.113.9, 10.0.0.2', '10.0.0.2', null)).toBe('203.0.113.9');
    expect(clientIp(null, '10.0.0.2', null)).toBe('10.0.0.2');
    expect(clientIp('203.0.113.9', '198.51.100.1', ['10.0.0.2'])).toBe('198.51.100.1');
    expect(clientIp('1.1.1.1, 203.0.113.9', '::ffff:10.0.0.2', ['10.0.0.2'])).toBe('203.0.113.9');
    expect(clientIp('1.1.1.1, 203.0.113.9, 10.0.0.3', '10.0.0.2', ['10.0.0.2', '10.0.0.3'])).toBe('203.0.113.9');
  });
});

describe('observability', () => {
  it('counts agent routes in the gateway metrics with their error codes', async () => {
    await harness.call('POST', '/api/agent/heartbeat', {}, agent.bearer);
    await harness.call('POST', '/api/agent/heartbeat', {});
    const metrics = await (await harness.gateway.yoga.fetch('http://gateway.test/metrics')).text();
    expect(metrics).toMatch(/gateway_graphql_operations_total\{transport="http",operation_name="POST \/api\/agent\/heartbeat",operation_type="unknown"\} \d+/);
    expect(metrics).toMatch(/gateway_graphql_errors_total\{transport="http",code="missing_authorization"\} 1/);
  });
});
