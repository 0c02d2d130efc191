/**
 * The whole agent life cycle against the gateway with real Ed25519 keys: enrollment request,
 * operator approval (SQL, as the approve mutation writes it; operator-approval.test.ts uses the mutation itself), poll/finalize, heartbeat, details,
 * refresh; each response compared field by field with the contract and each write with the
 * column representation Borealis uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveBySql, createAgentHarness, insertSite, SimulatedAgent, type AgentHarness } from './agent-support.js';

let harness: AgentHarness;
let siteId: number;
const agent = new SimulatedAgent('WS-FIN-0042');

beforeAll(async () => {
  harness = await createAgentHarness();
  siteId = await insertSite(harness.db, 'Helsinki', 'HEL-7F3K-22QX');
});
afterAll(async () => harness?.close());

const isoZ = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('enrollment -> approval -> poll -> heartbeat -> details -> refresh', () => {
  it('records a pending approval for a valid (case-insensitive) site code', async () => {
    const { status, json } = await harness.call('POST', '/api/agent/enroll/request', agent.enrollBody('hel-7f3k-22qx'));
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['approval_reference', 'poll_after_ms', 'server_nonce', 'signing_key', 'status']);
    expect(json).toMatchObject({ status: 'pending', poll_after_ms: 3000, signing_key: '' });
    expect(Buffer.from(json.server_nonce, 'base64')).toHaveLength(32);
    agent.approvalReference = json.approval_reference;
    agent.serverNonce = json.server_nonce;
    const { rows } = await harness.db.pool.query('SELECT * FROM engine.device_approvals');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      approval_reference: json.approval_reference, hostname_claimed: 'WS-FIN-0042', enrollment_code: 'hel-7f3k-22qx', site_id: siteId,
      status: 'pending', client_nonce: agent.clientNonce, server_nonce: json.server_nonce, guid: null, approved_by_user_id: null,
    });
    expect(rows[0].agent_pubkey_der.toString('base64')).toBe(agent.publicKeyB64);
    expect(rows[0].ssl_key_fingerprint_claimed).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].created_at).toMatch(isoZ);
  });

  it('reuses the pending row of the same key (same id and reference, fresh nonce)', async () => {
    const before = (await harness.db.pool.query('SELECT id, server_nonce FROM engine.device_approvals')).rows[0];
    const { json } = await harness.call('POST', '/api/agent/enroll/request', agent.enrollBody('HEL-7F3K-22QX'));
    expect(json.approval_reference).toBe(agent.approvalReference);
    const { rows } = await harness.db.pool.query('SELECT id, server_nonce FROM engine.device_approvals');
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(before.id);
    expect(rows[0].server_nonce).toBe(json.server_nonce);
    expect(json.server_nonce).not.toBe(before.server_nonce);
    agent.serverNonce = json.server_nonce;
  });

  it('answers pending polls, then finalizes once the operator approved', async () => {
    const pending = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
    expect(pending).toMatchObject({ status: 200, json: { status: 'pending', poll_after_ms: 5000 } });
    await approveBySql(harness.db, agent.approvalReference);
    const { status, json } = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_in', 'guid', 'refresh_token', 'remote_ops_route', 'signing_key', 'status', 'token_type']);
    expect(json).toMatchObject({ status: 'approved', expires_in: 900, token_type: 'Bearer', signing_key: '' });
    expect(json.guid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(json.remote_ops_route).toEqual({ available: false, site_id: siteId, reason: 'site_worker_unavailable' });
    agent.guid = json.guid;
    agent.accessToken = json.access_token;
    agent.refreshToken = json.refresh_token;

    const q = async (sql: string) => (await harness.db.pool.query(sql, [agent.guid])).rows;
    const [device] = await q('SELECT * FROM engine.devices WHERE guid = $1');
    expect(device).toMatchObject({ hostname: 'WS-FIN-0042', status: 'active', token_version: 1 });
    expect(device.created_at).toBe(device.last_enrollment_at);
    expect(Math.abs(device.last_seen - Date.now() / 1000)).toBeLessThan(30);
    expect(device.key_added_at).toMatch(isoZ);
    const [key] = await q('SELECT * FROM engine.device_keys WHERE guid = $1');
    expect(key).toMatchObject({ ssl_key_fingerprint: device.ssl_key_fingerprint, retired_at: null });
    expect(await q(`SELECT device_hostname, site_id FROM engine.device_sites WHERE device_hostname = 'WS-FIN-0042' AND $1::text IS NOT NULL`)).toEqual([{ device_hostname: 'WS-FIN-0042', site_id: siteId }]);
    const [approval] = await q('SELECT status, guid FROM engine.device_approvals WHERE guid = $1');
    expect(approval).toEqual({ status: 'completed', guid: agent.guid });
    const [token] = await q('SELECT * FROM engine.refresh_tokens WHERE guid = $1');
    const { createHash } = await import('node:crypto');
    expect(token.token_hash).toBe(createHash('sha256').update(agent.refreshToken).digest('hex'));
    expect(Date.parse(token.expires_at) - Date.parse(token.created_at)).toBe(90 * 24 * 3600 * 1000);
    expect(token.revoked_at).toBeNull();
  });

  it('does not issue tokens twice: a finalized approval answers "finalized", a replayed proof 409', async () => {
    const again = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
    expect(again).toMatchObject({ status: 200, json: { status: 'approved', detail: 'finalized' } });
    expect((await harness.db.pool.query('SELECT count(*)::int AS n FROM engine.refresh_tokens')).rows[0].n).toBe(1);
  });

  it('takes heartbeats: devices columns, site in the response, metadata acks', async () => {
    const { status, json } = await harness.call('POST', '/api/agent/heartbeat', {
      hostname: 'WS-FIN-0042',
      inventory: { memory: [{ slot: 'DIMM0', size_gb: 16 }], cpu: { name: 'Intel Core i7-1185G7', cores: 4 } },
      metrics: { last_user: 'CORP\\aino', operating_system: 'Windows 11 Pro 23H2', uptime: '86400', cpu_percent: 12.5, memory_percent: 48.25, domain: 'corp.example' },
      external_ip: '198.51.100.7', internal_ip: '10.20.0.42', device_type: 'Workstation', agent_build_id: 'b-2026.11.2',
      agent_update_status: { target_channel: 'stable', target_build_id: 'b-2026.11.3', state: 'downloading', last_source: 'scheduler' },
      metadata_fields: { field_007: { value: 'Finance floor 3', modified_at: 1764500000, actor: 'aino' } },
    }, agent.bearer);
    expect(status).toBe(200);
    expect(json).toEqual({ status: 'ok', poll_after_ms: 15000, site_id: siteId, site_name: 'Helsinki', metadata_fields: {}, metadata_field_acks: ['field_007'] });
    const { rows } = await harness.db.pool.query('SELECT * FROM engine.devices WHERE guid = $1', [agent.guid]);
    expect(rows[0]).toMatchObject({
      memory: '[{"slot":"DIMM0","size_gb":16}]', cpu: '{"name":"Intel Core i7-1185G7","cores":4}', last_user: 'CORP\\aino', uptime: 86400,
      cpu_percent: 12.5, memory_percent: 48.25, domain: 'corp.example', external_ip: '198.51.100.7', agent_hash: 'b-2026.11.2',
      agent_update_channel: 'stable', agent_update_target_build_id: 'b-2026.11.3', agent_update_state: 'downloading', agent_update_source: 'scheduler',
    });
    const field = (await harness.db.pool.query('SELECT * FROM engine.device_metadata_fields WHERE device_guid = $1', [agent.guid])).rows[0];
    expect(field).toMatchObject({ field_number: 7, field_key: 'field_007', value: Buffer.from('Finance floor 3').toString('base64'), modified_at: 1764500000, source: 'agent', actor: 'aino' });
    const read = await harness.call('GET', '/api/agent/metadata/7', undefined, agent.bearer);
    expect(read.json).toEqual({ field: { field_number: 7, field_key: 'field_007', label: 'Field 007', value: 'Finance floor 3', modified_at: 1764500000, source: 'agent', actor: 'aino', has_value: true } });
  });

  it('takes details: inventory merged, normalized software rewritten, key row kept', async () => {
    const body = {
      hostname: 'WS-FIN-0042',
      details: {
        summary: { hostname: 'WS-FIN-0042', operating_system: 'Windows 11 Pro 23H2' },
        software: [{ name: 'Mozilla Firefox', version: '133.0', publisher: 'Mozilla' }, { name: '7-Zip  23.01', version: '23.01' }],
        services: [{ name: 'Spooler', status: 'running' }],
      },
    };
    const first = await harness.call('POST', '/api/agent/details', body, agent.bearer);
    expect(first).toMatchObject({ status: 200, json: { status: 'ok' } });
    const again = await harness.call('POST', '/api/agent/details', body, agent.bearer);
    expect(again.json).toEqual({ status: 'ok', coalesced: true });
    const { rows } = await harness.db.pool.query('SELECT name, name_normalized, version, source, metadata_json FROM engine.device_software_inventory WHERE device_guid = $1 ORDER BY name', [agent.guid]);
    expect(rows).toEqual([
      { name: '7-Zip  23.01', name_normalized: '7-zip 23.01', version: '23.01', source: 'agent', metadata_json: null },
      { name: 'Mozilla Firefox', name_normalized: 'mozilla firefox', version: '133.0', source: 'agent', metadata_json: '{"publisher":"Mozilla"}' },
    ]);
    const device = (await harness.db.pool.query('SELECT services, memory FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0];
    expect(device.services).toBe('[{"name":"Spooler","status":"running"}]');
    expect(device.memory).toBe('[{"slot":"DIMM0","size_gb":16}]');
  });

  it('refreshes: a new access token, the same refresh token slides 90 days', async () => {
    await harness.db.pool.query(`UPDATE engine.refresh_tokens SET expires_at = '2027-01-01T00:00:00Z' WHERE guid = $1`, [agent.guid]);
    const { status, json } = await harness.call('POST', '/api/agent/token/refresh', { guid: agent.guid.toLowerCase(), refresh_token: agent.refreshToken });
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_in', 'remote_ops_route', 'token_type']);
    expect(json).toMatchObject({ expires_in: 900, token_type: 'Bearer' });
    const token = (await harness.db.pool.query('SELECT expires_at, last_used_at FROM engine.refresh_tokens WHERE guid = $1', [agent.guid])).rows[0];
    expect(Date.parse(token.expires_at) - Date.parse(token.last_used_at)).toBe(90 * 24 * 3600 * 1000);
    const heartbeat = await harness.call('POST', '/api/agent/heartbeat', {}, { authorization: `Bearer ${json.access_token}` });
    expect(heartbeat.status).toBe(200);
  });

  it('serves script polling and the build hash', async () => {
    expect((await harness.call('POST', '/api/agent/script/request', undefined, agent.bearer)).json).toEqual({ status: 'idle', poll_after_ms: 30000, sig_alg: 'ed25519', signing_key: '' });
    const stored = await harness.call('POST', '/api/agent/hash', { agent_hash: 'a1b2c3', agent_id: 'WS-FIN-0042-svc' }, agent.bearer);
    expect(stored.json).toEqual({ status: 'ok', agent_guid: agent.guid, agent_hash: 'a1b2c3', agent_id: 'WS-FIN-0042-svc' });
    const read = await harness.call('GET', `/api/agent/hash?agent_guid=${agent.guid}`, undefined, agent.bearer);
    expect(read.json).toEqual({ agent_guid: agent.guid, agent_id: 'WS-FIN-0042-svc', hostname: 'WS-FIN-0042', agent_hash: 'a1b2c3', source: 'database' });
  });

  it('leaves no session idle in transaction', async () => {
    const { rows } = await harness.db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`);
    expect(rows[0].n).toBe(0);
  });
});
