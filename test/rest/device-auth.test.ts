/**
 * Device tokens and bearer authentication (agent API 2.2, 2.4): interoperability with the engine's
 * format in both directions (the other side written here with node:crypto only, not jose), every
 * documented error in the engine's order, and revocation taking effect at once.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHarness, enrollAgent, insertSite, SimulatedAgent, type AgentHarness } from './agent-support.js';

let harness: AgentHarness;
let engineKey: KeyObject;
const agent = new SimulatedAgent('LT-OPS-0007');

/** The engine's token format, built by hand: base64url(header).base64url(payload).Ed25519 signature. */
function engineToken(claims: Record<string, unknown>, options: { key?: KeyObject; header?: Record<string, unknown> } = {}): string {
  const key = options.key ?? engineKey;
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const header = options.header ?? { alg: 'EdDSA', kid: createHash('sha256').update(spki).digest('hex').slice(0, 16), typ: 'JWT' };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

function claimsFor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const fingerprint = createHash('sha256').update(Buffer.from(agent.publicKeyB64, 'base64')).digest('hex');
  return { sub: `device:${agent.guid}`, guid: agent.guid, ssl_key_fingerprint: fingerprint, token_version: 1, iat: now, nbf: now, exp: now + 900, ...overrides };
}

const heartbeatWith = (token: string | null, headers: Record<string, string> = {}) =>
  harness.call('POST', '/api/agent/heartbeat', {}, { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers });

beforeAll(async () => {
  harness = await createAgentHarness();
  await insertSite(harness.db, 'Oulu', 'OULU-2211');
  await enrollAgent(harness, agent, 'OULU-2211');
  engineKey = createPrivateKey(readFileSync(path.join(harness.tokenRoot, 'borealis-jwt-ed25519.key'), 'utf8'));
});
afterAll(async () => harness?.close());

describe('engine signing key', () => {
  it('is created as a PKCS#8 Ed25519 PEM with mode 600', () => {
    const file = path.join(harness.tokenRoot, 'borealis-jwt-ed25519.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(engineKey.asymmetricKeyType).toBe('ed25519');
  });
});

describe('token interoperability', () => {
  it('accepts a token minted in the engine format by another implementation', async () => {
    expect((await heartbeatWith(engineToken(claimsFor()))).status).toBe(200);
  });

  it('mints tokens that verify under the engine rules', () => {
    const [header, payload, signature] = agent.accessToken.split('.');
    const spki = createPublicKey(engineKey).export({ type: 'spki', format: 'der' });
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: createHash('sha256').update(spki).digest('hex').slice(0, 16), typ: 'JWT' });
    expect(verify(null, Buffer.from(`${header}.${payload}`), createPublicKey(engineKey), Buffer.from(signature!, 'base64url'))).toBe(true);
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims).toEqual(claimsFor({ iat: claims.iat, nbf: claims.iat, exp: claims.iat + 900 }));
    expect(claims.ssl_key_fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verification order and errors', () => {
  const cases: Array<[string, () => string | null, number, string]> = [
    ['no bearer', () => null, 401, 'missing_authorization'],
    ['expired', () => engineToken(claimsFor({ exp: Math.floor(Date.now() / 1000) - 5 })), 401, 'token_expired'],
    ['not yet valid (Go: token_expired)', () => engineToken(claimsFor({ nbf: Math.floor(Date.now() / 1000) + 600 })), 401, 'token_expired'],
    ['signed by another key', () => engineToken(claimsFor(), { key: generateKeyPairSync('ed25519').privateKey }), 401, 'invalid_token'],
    ['alg none', () => engineToken(claimsFor(), { header: { alg: 'none' } }), 401, 'invalid_token'],
    ['missing exp', () => engineToken(claimsFor({ exp: undefined })), 401, 'invalid_token'],
    ['garbage', () => 'not.a.jwt', 401, 'invalid_token'],
    ['missing fingerprint', () => engineToken(claimsFor({ ssl_key_fingerprint: undefined })), 401, 'invalid_claims'],
    ['token_version 0', () => engineToken(claimsFor({ token_version: 0 })), 401, 'invalid_claims'],
    ['unknown device', () => engineToken(claimsFor({ guid: randomUUID().toUpperCase() })), 404, 'device_not_found'],
    ['other fingerprint', () => engineToken(claimsFor({ ssl_key_fingerprint: 'ab'.repeat(32) })), 403, 'fingerprint_mismatch'],
    ['old token_version', () => engineToken(claimsFor({ token_version: 2 })), 403, 'token_version_mismatch'],
  ];
  for (const [name, token, status, code] of cases) {
    it(`${name} -> ${status} ${code}`, async () => {
      const response = await heartbeatWith(token());
      expect(response).toMatchObject({ status, json: { error: code } });
    });
  }

  it('a blank bearer is missing_authorization', async () => {
    expect((await harness.call('POST', '/api/agent/heartbeat', {}, { authorization: 'Bearer   ' })).json).toEqual({ error: 'missing_authorization' });
  });

  it('a token_version bump invalidates outstanding tokens at once', async () => {
    const token = engineToken(claimsFor());
    expect((await heartbeatWith(token)).status).toBe(200);
    await harness.db.pool.query('UPDATE engine.devices SET token_version = 2 WHERE guid = $1', [agent.guid]);
    expect(await heartbeatWith(token)).toMatchObject({ status: 403, json: { error: 'token_version_mismatch' } });
    expect((await heartbeatWith(engineToken(claimsFor({ token_version: 2 })))).status).toBe(200);
    await harness.db.pool.query('UPDATE engine.devices SET token_version = NULL WHERE guid = $1', [agent.guid]);
    expect((await heartbeatWith(token)).status).toBe(200); // NULL counts as 1
  });

  it('revoked or decommissioned status refuses at once; empty status is active', async () => {
    const token = engineToken(claimsFor());
    for (const status of ['revoked', 'Decommissioned']) {
      await harness.db.pool.query('UPDATE engine.devices SET status = $2 WHERE guid = $1', [agent.guid, status]);
      expect(await heartbeatWith(token)).toMatchObject({ status: 403, json: { error: 'device_revoked' } });
    }
    await harness.db.pool.query(`UPDATE engine.devices SET status = '' WHERE guid = $1`, [agent.guid]);
    expect((await heartbeatWith(token)).status).toBe(200);
    await harness.db.pool.query(`UPDATE engine.devices SET status = 'active' WHERE guid = $1`, [agent.guid]);
  });

  it('a remembered token still expires on time', async () => {
    const token = engineToken(claimsFor({ exp: Math.floor(Date.now() / 1000) + 2 }));
    expect((await heartbeatWith(token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await heartbeatWith(token)).toMatchObject({ status: 401, json: { error: 'token_expired' } });
  });

  it('names a refused device before a malformed body', async () => {
    await harness.db.pool.query(`UPDATE engine.devices SET status = 'revoked' WHERE guid = $1`, [agent.guid]);
    expect(await harness.call('POST', '/api/agent/heartbeat', '{"x":', { authorization: `Bearer ${engineToken(claimsFor())}` })).toMatchObject({ status: 403, json: { error: 'device_revoked' } });
    await harness.db.pool.query(`UPDATE engine.devices SET status = 'active' WHERE guid = $1`, [agent.guid]);
    expect(await harness.call('POST', '/api/agent/heartbeat', '{"x":', { authorization: `Bearer ${engineToken(claimsFor())}` })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('finds a device whose GUID Borealis stored in lower case', async () => {
    await harness.db.pool.query('UPDATE engine.devices SET guid = lower(guid) WHERE guid = $1', [agent.guid]);
    const response = await heartbeatWith(engineToken(claimsFor()), {});
    expect(response.status).toBe(200);
    expect((await harness.call('POST', '/api/agent/status', { status: 'ok' }, { authorization: `Bearer ${engineToken(claimsFor())}` })).status).toBe(200);
    await harness.db.pool.query('UPDATE engine.devices SET guid = upper(guid) WHERE guid = lower($1)', [agent.guid]);
  });

  it('a purge barrier refuses older versions, and any token once the device row is gone', async () => {
    const guid = randomUUID().toUpperCase();
    await harness.db.pool.query(`INSERT INTO engine.device_purge_barriers (guid, required_token_version, purged_at, purged_by) VALUES ($1, 3, $2, 'admin')`, [guid, new Date().toISOString()]);
    expect(await heartbeatWith(engineToken(claimsFor({ guid, token_version: 2 })))).toMatchObject({ status: 401, json: { error: 'device_purged' } });
    expect(await heartbeatWith(engineToken(claimsFor({ guid, token_version: 3 })))).toMatchObject({ status: 401, json: { error: 'device_purged' } });
    await harness.db.pool.query(`INSERT INTO engine.device_purge_barriers (guid, required_token_version, purged_at) VALUES ($1, 5, $2)`, [agent.guid, new Date().toISOString()]);
    expect(await heartbeatWith(engineToken(claimsFor()))).toMatchObject({ status: 401, json: { error: 'device_purged' } });
    await harness.db.pool.query('DELETE FROM engine.device_purge_barriers WHERE guid = $1', [agent.guid]);
  });
});

describe('DPoP (optional)', () => {
  const dpopKey = generateKeyPairSync('ed25519');
  const jwk = dpopKey.publicKey.export({ format: 'jwk' });
  function proof(claims: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } })}.${encode(claims)}`;
    return `${input}.${sign(null, Buffer.from(input), dpopKey.privateKey).toString('base64url')}`;
  }
  const base = (token: string) => ({
    htm: 'post', htu: 'http://gateway.test/api/agent/heartbeat', jti: randomUUID(), iat: Math.floor(Date.now() / 1000),
    ath: createHash('sha256').update(token).digest('base64url'),
  });

  it('accepts a valid proof once; the same jti again is dpop_replayed', async () => {
    const token = engineToken(claimsFor());
    const claims = base(token);
    expect((await heartbeatWith(token, { dpop: proof(claims) })).status).toBe(200);
    expect(await heartbeatWith(token, { dpop: proof(claims) })).toMatchObject({ status: 400, json: { error: 'dpop_replayed' } });
  });

  it('refuses a proof for another URL, method, time or token', async () => {
    const token = engineToken(claimsFor());
    for (const change of [{ htu: 'http://gateway.test/api/agent/status' }, { htm: 'GET' }, { iat: Math.floor(Date.now() / 1000) - 600 }, { ath: 'x' }, { jti: '' }]) {
      expect(await heartbeatWith(token, { dpop: proof({ ...base(token), ...change }) })).toMatchObject({ status: 400, json: { error: 'dpop_invalid' } });
    }
    expect(await heartbeatWith(token, { dpop: 'garbage' })).toMatchObject({ status: 400, json: { error: 'dpop_invalid' } });
  });

  it('records the key thumbprint on refresh and clears it on a refresh without proof', async () => {
    const claims = { htm: 'POST', htu: 'http://gateway.test/api/agent/token/refresh', jti: randomUUID(), iat: Math.floor(Date.now() / 1000) };
    const refreshed = await harness.call('POST', '/api/agent/token/refresh', { guid: agent.guid, refresh_token: agent.refreshToken }, { dpop: proof(claims) });
    expect(refreshed.status).toBe(200);
    const thumbprint = createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: jwk.x })).digest('base64url');
    const jkt = async () => (await harness.db.pool.query('SELECT dpop_jkt FROM engine.refresh_tokens WHERE guid = $1', [agent.guid])).rows[0].dpop_jkt;
    expect(await jkt()).toBe(thumbprint);
    expect((await harness.call('POST', '/api/agent/token/refresh', { guid: agent.guid, refresh_token: agent.refreshToken })).status).toBe(200);
    expect(await jkt()).toBeNull();
    expect(await harness.call('POST', '/api/agent/token/refresh', { guid: agent.guid, refresh_token: agent.refreshToken }, { dpop: proof(claims) })).toMatchObject({ status: 400, json: { error: 'dpop_replayed' } });
  });
});
