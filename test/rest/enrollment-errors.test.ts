/**
 * Every documented answer of enroll/request, enroll/poll and token/refresh besides the happy path
 * (agent API 4.1-4.3), wrong-code records, auto-approval, and a failed finalize leaving nothing
 * written.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveBySql, createAgentHarness, enrollAgent, insertSite, SimulatedAgent, type AgentHarness } from './agent-support.js';

let harness: AgentHarness;
let siteId: number;
/** Distinct client IPs, so the per-IP enrollment limit of one test does not spill into another. */
let ipCounter = 0;
const fromNewIp = () => ({ 'x-forwarded-for': `203.0.113.${++ipCounter}, 10.0.0.1` });
const request = (body: unknown, headers: Record<string, string> = fromNewIp()) => harness.call('POST', '/api/agent/enroll/request', body, headers);
const poll = (body: unknown) => harness.call('POST', '/api/agent/enroll/poll', body);
const refresh = (body: unknown) => harness.call('POST', '/api/agent/token/refresh', body);

beforeAll(async () => {
  harness = await createAgentHarness();
  siteId = await insertSite(harness.db, 'Tampere', 'TRE-5521-AB');
});
afterAll(async () => harness?.close());

describe('POST /api/agent/enroll/request', () => {
  const agent = new SimulatedAgent('WS-TRE-0001');
  it.each([
    ['hostname', 'hostname_required'],
    ['enrollment_code', 'enrollment_code_required'],
    ['agent_pubkey', 'agent_pubkey_required'],
    ['client_nonce', 'client_nonce_required'],
  ])('missing or blank %s -> 400 %s', async (field, code) => {
    expect(await request({ ...agent.enrollBody('TRE-5521-AB'), [field]: undefined })).toMatchObject({ status: 400, json: { error: code } });
    expect(await request({ ...agent.enrollBody('TRE-5521-AB'), [field]: '  ' })).toMatchObject({ status: 400, json: { error: code } });
  });

  it('checks fields in the documented order', async () => {
    expect((await request({})).json).toEqual({ error: 'hostname_required' });
  });

  it('refuses keys that are not Ed25519 SPKI DER, and short nonces', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const key of ['%%%', 'AAAA', rsa]) expect((await request({ ...agent.enrollBody('TRE-5521-AB'), agent_pubkey: key })).json).toEqual({ error: 'invalid_agent_pubkey' });
    expect((await request({ ...agent.enrollBody('TRE-5521-AB'), client_nonce: Buffer.alloc(15, 1).toString('base64') })).json).toEqual({ error: 'invalid_client_nonce' });
    expect((await request({ ...agent.enrollBody('TRE-5521-AB'), client_nonce: '***' })).json).toEqual({ error: 'invalid_client_nonce' });
  });

  it('malformed JSON -> 400 invalid_request; a body over 1 MiB -> 413', async () => {
    expect(await request('{"hostname": ')).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await request('[1,2]')).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect((await request({ ...agent.enrollBody('TRE-5521-AB'), padding: 'x'.repeat(1024 * 1024) })).status).toBe(413);
  });

  it('records a masked wrong code per fingerprint, and clears it on a valid code', async () => {
    const wrong = new SimulatedAgent('WS-TRE-0099');
    for (let i = 0; i < 2; i += 1) expect(await request(wrong.enrollBody('TRE-0000-ZZ'))).toMatchObject({ status: 400, json: { error: 'invalid_enrollment_code' } });
    const { rows } = await harness.db.pool.query('SELECT * FROM engine.enrollment_code_failures');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ hostname_claimed: 'WS-TRE-0099', enrollment_code_mask: 'TR*******ZZ', attempt_count: 2, last_error: 'invalid_enrollment_code', remote_addr: `203.0.113.${ipCounter}` });
    expect(JSON.stringify(rows)).not.toContain('TRE-0000-ZZ');
    expect((await harness.db.pool.query('SELECT count(*)::int AS n FROM engine.device_approvals')).rows[0].n).toBe(0);
    expect((await request(wrong.enrollBody('TRE-5521-AB'))).status).toBe(200);
    expect((await harness.db.pool.query('SELECT count(*)::int AS n FROM engine.enrollment_code_failures')).rows[0].n).toBe(0);
  });

  it('rate-limits by IP (40/60 s) and by fingerprint (12/60 s): 429 with retry_after and Retry-After', async () => {
    const ip = { 'x-forwarded-for': '198.51.100.200' };
    const answers = [];
    for (let i = 0; i < 41; i += 1) answers.push(await request({}, ip));
    expect(answers.slice(0, 40).every((a) => a.json.error === 'hostname_required')).toBe(true);
    const limited = answers[40]!;
    expect(limited.status).toBe(429);
    expect(limited.json.error).toBe('rate_limited');
    expect(limited.json.retry_after).toBeGreaterThan(0);
    expect(limited.json.retry_after).toBeLessThanOrEqual(60);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const busy = new SimulatedAgent('WS-TRE-0100');
    const statuses = [];
    for (let i = 0; i < 13; i += 1) statuses.push((await request(busy.enrollBody('TRE-5521-AB'))).status);
    expect(statuses).toEqual([...Array(12).fill(200), 429]);
  });

  it('auto-approves in an open window: new hostname, same host and key; a conflict stays pending', async () => {
    const site = await insertSite(harness.db, 'Auto', 'AUTO-1', Math.floor(Date.now() / 1000) + 3600);
    const fresh = new SimulatedAgent('KIOSK-01');
    const first = await request(fresh.enrollBody('auto-1'));
    expect(first.json).toMatchObject({ status: 'approved', poll_after_ms: 250, auto_approved: true });
    const row = (await harness.db.pool.query('SELECT status, guid, approved_by_user_id, site_id FROM engine.device_approvals WHERE approval_reference = $1', [first.json.approval_reference])).rows[0];
    expect(row).toEqual({ status: 'approved', guid: null, approved_by_user_id: 'site_auto_approval', site_id: site });
    fresh.approvalReference = first.json.approval_reference;
    fresh.serverNonce = first.json.server_nonce;
    const finalized = await poll(fresh.pollBody());
    expect(finalized.json.status).toBe('approved');

    const same = await request(fresh.enrollBody('AUTO-1'));
    expect(same.json.status).toBe('approved');
    expect((await harness.db.pool.query('SELECT guid FROM engine.device_approvals WHERE approval_reference = $1', [same.json.approval_reference])).rows[0].guid).toBe(finalized.json.guid);
    const impostor = new SimulatedAgent('KIOSK-01');
    const conflict = await request(impostor.enrollBody('AUTO-1'));
    expect(conflict.json).toMatchObject({ status: 'pending', poll_after_ms: 3000 });
    expect(conflict.json.auto_approved).toBeUndefined();
  });
});

describe('POST /api/agent/enroll/poll', () => {
  const agent = new SimulatedAgent('WS-TRE-0200');
  beforeAll(async () => {
    const { json } = await request(agent.enrollBody('TRE-5521-AB'));
    agent.approvalReference = json.approval_reference;
    agent.serverNonce = json.server_nonce;
  });

  it.each([
    ['approval_reference', 'approval_reference_required'],
    ['client_nonce', 'client_nonce_required'],
    ['proof_sig', 'proof_sig_required'],
  ])('missing %s -> 400 %s', async (field, code) => {
    expect(await poll({ ...agent.pollBody(), [field]: undefined })).toMatchObject({ status: 400, json: { error: code } });
  });

  it('refuses undecodable nonces and signatures, unknown references, wrong nonces and wrong proofs', async () => {
    expect((await poll({ ...agent.pollBody(), client_nonce: '***' })).json).toEqual({ error: 'invalid_client_nonce' });
    expect((await poll({ ...agent.pollBody(), proof_sig: '***' })).json).toEqual({ error: 'invalid_proof_sig' });
    expect(await poll({ ...agent.pollBody(), approval_reference: randomUUID() })).toMatchObject({ status: 404, json: { status: 'unknown' } });
    expect(await poll({ ...agent.pollBody(), client_nonce: Buffer.alloc(32, 7).toString('base64') })).toMatchObject({ status: 400, json: { error: 'nonce_mismatch' } });
    const forged = new SimulatedAgent('WS-TRE-0200');
    Object.assign(forged, { approvalReference: agent.approvalReference, serverNonce: agent.serverNonce, clientNonce: agent.clientNonce });
    expect(await poll(forged.pollBody())).toMatchObject({ status: 400, json: { error: 'invalid_proof' } });
  });

  it('refuses a stored server nonce or agent key that cannot be used (server_nonce_invalid, agent_pubkey_invalid)', async () => {
    const update = (sql: string) => harness.db.pool.query(sql, [agent.approvalReference]);
    const { rows } = await update('SELECT server_nonce, agent_pubkey_der FROM engine.device_approvals WHERE approval_reference = $1');
    await update(`UPDATE engine.device_approvals SET server_nonce = '***' WHERE approval_reference = $1`);
    expect(await poll(agent.pollBody())).toMatchObject({ status: 400, json: { error: 'server_nonce_invalid' } });
    await harness.db.pool.query('UPDATE engine.device_approvals SET server_nonce = $2, agent_pubkey_der = $3 WHERE approval_reference = $1', [agent.approvalReference, rows[0].server_nonce, Buffer.from('not a key')]);
    expect(await poll(agent.pollBody())).toMatchObject({ status: 400, json: { error: 'agent_pubkey_invalid' } });
    await harness.db.pool.query('UPDATE engine.device_approvals SET agent_pubkey_der = $2 WHERE approval_reference = $1', [agent.approvalReference, rows[0].agent_pubkey_der]);
    expect((await poll(agent.pollBody())).json).toEqual({ status: 'pending', poll_after_ms: 5000 });
  });

  it('reports denied, expired and unknown statuses as documented', async () => {
    const setStatus = (status: string) => harness.db.pool.query('UPDATE engine.device_approvals SET status = $2 WHERE approval_reference = $1', [agent.approvalReference, status]);
    await setStatus('denied');
    expect(await poll(agent.pollBody())).toMatchObject({ status: 200, json: { status: 'denied', reason: 'operator_denied' } });
    await setStatus('expired');
    expect((await poll(agent.pollBody())).json).toEqual({ status: 'expired' });
    await setStatus('on_hold');
    expect(await poll(agent.pollBody())).toMatchObject({ status: 400, json: { status: 'on_hold' } });
    await setStatus('pending');
  });

  it('writes nothing when finalize fails, and a replayed proof is 409 proof_replayed', async () => {
    await approveBySql(harness.db, agent.approvalReference);
    // A database failure in the middle of finalize (the refresh-token insert).
    await harness.db.pool.query(`CREATE FUNCTION engine.fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await harness.db.pool.query('CREATE TRIGGER fail_refresh BEFORE INSERT ON engine.refresh_tokens FOR EACH ROW EXECUTE FUNCTION engine.fail_insert()');
    const failed = await poll(agent.pollBody());
    expect(failed).toMatchObject({ status: 500, json: { error: 'internal_error' } });
    expect((await harness.db.pool.query(`SELECT count(*)::int AS n FROM engine.devices WHERE hostname LIKE 'WS-TRE-0200%'`)).rows[0].n).toBe(0);
    expect((await harness.db.pool.query('SELECT status, guid FROM engine.device_approvals WHERE approval_reference = $1', [agent.approvalReference])).rows[0]).toEqual({ status: 'approved', guid: null });
    await harness.db.pool.query('DROP TRIGGER fail_refresh ON engine.refresh_tokens');
    // The failed attempt consumed its proof (as Borealis does).
    expect(await poll(agent.pollBody())).toMatchObject({ status: 409, json: { error: 'proof_replayed' } });
    // A fresh request (new server nonce) gives a fresh proof.
    const again = await request(agent.enrollBody('TRE-5521-AB'));
    expect(again.json.approval_reference).not.toBe(agent.approvalReference); // the approved row is not pending, so a new one
  });

  it('a second device on the same hostname gets host-1', async () => {
    const first = new SimulatedAgent('DUP-HOST');
    const second = new SimulatedAgent('DUP-HOST');
    await enrollAgent(harness, first, 'TRE-5521-AB');
    await enrollAgent(harness, second, 'TRE-5521-AB');
    const { rows } = await harness.db.pool.query(`SELECT hostname FROM engine.devices WHERE hostname LIKE 'DUP-HOST%' ORDER BY hostname`);
    expect(rows.map((r) => r.hostname)).toEqual(['DUP-HOST', 'DUP-HOST-1']);
    const sites = await harness.db.pool.query(`SELECT device_hostname, site_id FROM engine.device_sites WHERE device_hostname LIKE 'DUP-HOST%' ORDER BY 1`);
    expect(sites.rows).toEqual([{ device_hostname: 'DUP-HOST', site_id: siteId }, { device_hostname: 'DUP-HOST-1', site_id: siteId }]);
  });

  it('re-enrolling a GUID with a new key bumps token_version and revokes its refresh tokens', async () => {
    const original = new SimulatedAgent('REKEY-01');
    await enrollAgent(harness, original, 'TRE-5521-AB');
    const rekeyed = new SimulatedAgent('REKEY-01');
    const { json } = await request(rekeyed.enrollBody('TRE-5521-AB'));
    rekeyed.approvalReference = json.approval_reference;
    rekeyed.serverNonce = json.server_nonce;
    await approveBySql(harness.db, json.approval_reference, original.guid);
    const finalized = await poll(rekeyed.pollBody());
    expect(finalized.json.guid).toBe(original.guid);
    const device = (await harness.db.pool.query('SELECT token_version, ssl_key_fingerprint FROM engine.devices WHERE guid = $1', [original.guid])).rows[0];
    expect(device.token_version).toBe(2);
    expect(device.ssl_key_fingerprint).toBe(createHash('sha256').update(Buffer.from(rekeyed.publicKeyB64, 'base64')).digest('hex'));
    expect(await harness.call('POST', '/api/agent/heartbeat', {}, original.bearer)).toMatchObject({ status: 403, json: { error: 'fingerprint_mismatch' } });
    expect(await refresh({ guid: original.guid, refresh_token: original.refreshToken })).toMatchObject({ status: 401, json: { error: 'refresh_token_revoked' } });
    const keys = (await harness.db.pool.query('SELECT ssl_key_fingerprint, retired_at FROM engine.device_keys WHERE guid = $1 ORDER BY added_at', [original.guid])).rows;
    expect(keys.map((k) => k.retired_at === null)).toEqual([false, true]);
  });
});

describe('POST /api/agent/token/refresh', () => {
  const agent = new SimulatedAgent('WS-TRE-0300');
  beforeAll(async () => {
    await enrollAgent(harness, agent, 'TRE-5521-AB');
  });

  it('missing fields or bad JSON -> 400 invalid_request', async () => {
    expect(await refresh({ guid: agent.guid })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await refresh({ guid: ' ', refresh_token: agent.refreshToken })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await refresh('{')).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('unknown token, expired, revoked, device revoked, device missing, purged', async () => {
    expect(await refresh({ guid: agent.guid, refresh_token: 'nope' })).toMatchObject({ status: 401, json: { error: 'invalid_refresh_token' } });
    const body = { guid: agent.guid, refresh_token: agent.refreshToken };
    const sql = (text: string) => harness.db.pool.query(text, [agent.guid]);
    await sql(`UPDATE engine.refresh_tokens SET expires_at = '2020-01-01T00:00:00+00:00' WHERE guid = $1`);
    expect(await refresh(body)).toMatchObject({ status: 401, json: { error: 'refresh_token_expired' } });
    await sql(`UPDATE engine.refresh_tokens SET expires_at = '2099-01-01T00:00:00Z' WHERE guid = $1`);
    await sql(`UPDATE engine.devices SET status = 'revoked' WHERE guid = $1`);
    expect(await refresh(body)).toMatchObject({ status: 403, json: { error: 'device_revoked' } });
    await sql(`UPDATE engine.devices SET status = 'active' WHERE guid = $1`);
    expect((await refresh(body)).status).toBe(200);
    await sql(`UPDATE engine.devices SET guid = guid || '-moved' WHERE guid = $1`);
    expect(await refresh(body)).toMatchObject({ status: 404, json: { error: 'device_not_found' } });
    await sql(`UPDATE engine.devices SET guid = $1 WHERE guid = $1 || '-moved'`);
    await sql(`INSERT INTO engine.device_purge_barriers (guid, required_token_version, purged_at) VALUES ($1, 1, '2026-11-30T10:00:00Z')`);
    expect(await refresh(body)).toMatchObject({ status: 401, json: { error: 'device_purged' } });
    await sql(`DELETE FROM engine.device_purge_barriers WHERE guid = $1`);
    await sql(`UPDATE engine.refresh_tokens SET revoked_at = '2026-11-30T10:00:00Z' WHERE guid = $1`);
    expect(await refresh(body)).toMatchObject({ status: 401, json: { error: 'refresh_token_revoked' } });
  });
});
