/**
 * Identity matrix of authenticateRequest over a real PostgreSQL: who each credential resolves to
 * (re-read from engine.users every time), and how each refused credential is reported.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest, type AuthDeps } from '../../src/auth/authenticate.js';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { loadAuthConfig } from '../../src/config/auth.js';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  AUDIENCE,
  edKeys,
  ENGINE_SECRET,
  HS_SECRET,
  insertTestUsers,
  ISSUER,
  jwt,
  now,
  pemOf,
  rsaKeys,
  testAuthConfig,
  unsignedJwt,
  type TestUsers,
} from './helpers.js';

const otherEd = generateKeyPairSync('ed25519');

let db: TestDatabase;
let users: TestUsers;
let deps: AuthDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  users = await insertTestUsers(db.pool);
  deps = { pool: db.pool, auth: testAuthConfig() };
});
afterAll(async () => {
  await db?.drop();
});

const session = (username: string, role = 'User', issuedAt = new Date()) =>
  mintBorealisSession({ secret: ENGINE_SECRET, username, role, now: issuedAt });

function request(headers: Record<string, string>): Request {
  return new Request('http://gateway.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
}
/** The same token with one bit of its signature flipped. */
function flipSignatureBit(token: string): string {
  const at = token.lastIndexOf('.');
  const sig = Buffer.from(token.slice(at + 1), 'base64url');
  sig[5]! ^= 0x10;
  return `${token.slice(0, at)}.${sig.toString('base64url')}`;
}
const bearer = (token: string) => request({ authorization: `Bearer ${token}` });
const cookie = (token: string, extra: Record<string, string> = {}) => request({ cookie: `theme=dark; borealis_auth=${token}; other=1`, ...extra });

async function refusal(req: Request, d: AuthDeps = deps): Promise<{ message: string; code: unknown; reason: unknown; status: unknown; error: GraphQLError }> {
  try {
    const identity = await authenticateRequest(req, d);
    throw new Error(`expected a refusal, got ${JSON.stringify(identity, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const http = error.extensions.http as { status?: number } | undefined;
    return { message: error.message, code: error.extensions.code, reason: error.extensions.reason, status: http?.status, error };
  }
}

const summary = (identity: OperatorIdentity | null) =>
  identity && {
    userId: identity.userId,
    username: identity.username,
    role: identity.role,
    isAdmin: identity.isAdmin,
    siteIds: identity.siteIds,
    authMethod: identity.authMethod,
  };

describe('authenticateRequest: who a valid credential is', () => {
  it('no credential -> anonymous (null); an unrelated Authorization scheme too', async () => {
    expect(await authenticateRequest(request({}), deps)).toBeNull();
    expect(await authenticateRequest(request({ authorization: 'Basic YWxpY2U6cHc=' }), deps)).toBeNull();
    expect(await authenticateRequest(request({ cookie: 'theme=dark' }), deps)).toBeNull();
  });

  it('admin (session): every site', async () => {
    const identity = await authenticateRequest(bearer(session('admin', 'Admin')), deps);
    expect(summary(identity)).toEqual({ userId: users.ids.admin, username: 'admin', role: 'Admin', isAdmin: true, siteIds: null, authMethod: 'borealis-session' });
    // Session lifetime: timestamp + BOREALIS_TOKEN_TTL_SECONDS (3600 here).
    expect(Math.abs(identity!.expiresAt!.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
  });

  it('scoped user: only the assigned site; username matched case-insensitively, returned as stored', async () => {
    for (const name of ['alice', 'ALICE', 'Alice']) {
      expect(summary(await authenticateRequest(bearer(session(name)), deps))).toEqual({
        userId: users.ids.Alice,
        username: 'Alice',
        role: 'User',
        isAdmin: false,
        siteIds: [users.siteNorth],
        authMethod: 'borealis-session',
      });
    }
    const viaJwt = await authenticateRequest(bearer(await jwt({ sub: 'aLiCe' })), deps);
    expect(summary(viaJwt)).toMatchObject({ username: 'Alice', siteIds: [users.siteNorth], authMethod: 'jwt' });
  });

  it('one statement per authentication, for a User with sites as for an Admin', async () => {
    let statements = 0;
    const counting: AuthDeps = {
      ...deps,
      pool: {
        query: ((...args: Parameters<typeof db.pool.query>) => {
          statements++;
          return db.pool.query(...args);
        }) as typeof db.pool.query,
      },
    };
    expect(summary(await authenticateRequest(bearer(session('alice')), counting))).toMatchObject({ siteIds: [users.siteNorth] });
    expect(statements).toBe(1);
    expect(summary(await authenticateRequest(bearer(session('admin', 'Admin')), counting))).toMatchObject({ siteIds: null });
    expect(statements).toBe(2);
  });

  it('the username is compared as text, not as a LIKE pattern', async () => {
    for (const pattern of ['al_ce', 'Al%', '%']) expect((await refusal(bearer(session(pattern)))).reason).toBe('account_unknown');
  });

  it('user without sites: an empty scope, not everything', async () => {
    expect(summary(await authenticateRequest(bearer(session('nosite')), deps))).toMatchObject({ username: 'nosite', isAdmin: false, siteIds: [] });
  });

  it('role comes from engine.users, not from the token', async () => {
    const identity = await authenticateRequest(bearer(session('demoted', 'Admin')), deps);
    expect(summary(identity)).toMatchObject({ username: 'demoted', role: 'User', isAdmin: false, siteIds: [users.siteSouth] });
    const viaJwt = await authenticateRequest(bearer(await jwt({ sub: 'demoted', role: 'Admin', roles: ['Admin'] })), deps);
    expect(summary(viaJwt)).toMatchObject({ role: 'User', isAdmin: false });
  });

  it('re-reads the account on every request (a role change applies to the next request)', async () => {
    const token = session('nosite');
    expect((await authenticateRequest(bearer(token), deps))!.isAdmin).toBe(false);
    await db.pool.query(`UPDATE engine.users SET role = 'admin' WHERE username = 'nosite'`);
    try {
      expect(summary(await authenticateRequest(bearer(token), deps))).toMatchObject({ role: 'Admin', isAdmin: true, siteIds: null });
    } finally {
      await db.pool.query(`UPDATE engine.users SET role = 'User' WHERE username = 'nosite'`);
    }
  });

  it('a site assignment added or removed applies to the next request', async () => {
    const token = session('nosite');
    const nosite = users.ids.nosite!;
    await db.pool.query('INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1763640000), ($1, $3, 1763640000)', [
      Number(nosite),
      users.siteSouth,
      users.siteNorth,
    ]);
    try {
      expect(summary(await authenticateRequest(bearer(token), deps))).toMatchObject({ siteIds: [users.siteNorth, users.siteSouth].sort((a, b) => a - b) });
    } finally {
      await db.pool.query('DELETE FROM engine.user_site_assignments WHERE user_id = $1', [Number(nosite)]);
    }
    expect(summary(await authenticateRequest(bearer(token), deps))).toMatchObject({ siteIds: [] });
  });

  it('cookie and header: same identity; the header wins when both are sent', async () => {
    const viaCookie = await authenticateRequest(cookie(session('alice')), deps);
    expect(summary(viaCookie)).toMatchObject({ username: 'Alice', authMethod: 'borealis-session' });
    const both = request({ authorization: `Bearer ${session('admin', 'Admin')}`, cookie: `borealis_auth=${session('alice')}` });
    expect((await authenticateRequest(both, deps))!.username).toBe('admin');
    // A JWT in the cookie works too.
    expect((await authenticateRequest(cookie(await jwt({ sub: 'nosite' })), deps))!.username).toBe('nosite');
  });

  it('accepts JWTs signed with the configured public key (EdDSA)', async () => {
    const token = await jwt({ sub: 'admin' }, { alg: 'EdDSA', key: edKeys.privateKey });
    const identity = await authenticateRequest(bearer(token), deps);
    expect(summary(identity)).toMatchObject({ username: 'admin', isAdmin: true, authMethod: 'jwt' });
    expect(identity!.expiresAt!.getTime()).toBe((now() + 600) * 1000);
  });

  it('cookie from the gateway origin or an allowed origin counts; from a foreign origin it is refused', async () => {
    const token = session('alice');
    expect(await authenticateRequest(cookie(token, { origin: 'http://gateway.test' }), deps)).not.toBeNull();
    const foreign = await refusal(cookie(token, { origin: 'https://evil.example' }));
    expect(foreign).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, reason: 'origin_refused' });
    expect((await refusal(cookie(token, { 'sec-fetch-site': 'cross-site' }))).reason).toBe('origin_refused');
    const allowing = { ...deps, auth: testAuthConfig({ GATEWAY_AUTH_ALLOWED_ORIGINS: 'https://ui.example' }) };
    expect(await authenticateRequest(cookie(token, { origin: 'https://ui.example' }), allowing)).not.toBeNull();
    // A Bearer header is not a cookie: no origin restriction.
    expect(await authenticateRequest(request({ authorization: `Bearer ${token}`, origin: 'https://evil.example' }), deps)).not.toBeNull();
  });
});

describe('authenticateRequest: refused credentials -> 401 UNAUTHENTICATED', () => {
  const cases: Array<[string, () => Promise<string> | string, string, RegExp]> = [
    ['directory_disabled=1', () => session('dirdis'), 'account_disabled', /disabled/],
    ['auth_reset_required=1', () => session('resetme'), 'auth_reset_required', /reset its credentials/],
    ['deleted user', () => session('gone', 'Admin'), 'account_unknown', /no longer exists/],
    ['never existed (JWT)', () => jwt({ sub: 'mallory' }), 'account_unknown', /no longer exists/],
    ['disabled (JWT)', () => jwt({ sub: 'DirDis' }), 'account_disabled', /disabled/],
    ['expired session', () => session('admin', 'Admin', new Date(Date.now() - 3601_000)), 'token_expired', /expired/],
    ['expired JWT', () => jwt({ exp: now() - 60 }), 'token_expired', /expired/],
    ['forged session signature', () => flipSignatureBit(session('admin', 'Admin')), 'token_invalid', /invalid/],
    ['forged JWT signature', async () => flipSignatureBit(await jwt()), 'token_invalid', /invalid/],
    ['session signed with another secret', () => mintBorealisSession({ secret: 'not-the-engine-secret', username: 'admin', role: 'Admin' }), 'token_invalid', /invalid/],
    ['JWT with a bad signature', () => jwt({}, { alg: 'HS256', key: new TextEncoder().encode('another-secret-of-at-least-32-bytes!!') }), 'token_invalid', /invalid/],
    ['JWT alg none', () => unsignedJwt(), 'token_invalid', /invalid/],
    ['JWT wrong audience', () => jwt({ aud: 'someone-else' }), 'token_invalid', /invalid/],
    ['JWT wrong issuer', () => jwt({ iss: 'https://evil.example' }), 'token_invalid', /invalid/],
    ['JWT without sub', () => jwt({ sub: undefined }), 'token_invalid', /invalid/],
    ['JWT without exp', () => jwt({ exp: undefined }), 'token_invalid', /invalid/],
    ['JWT nbf in the future', () => jwt({ nbf: now() + 3600 }), 'token_not_yet_valid', /not valid yet/],
    ['HS256 signed with the public key PEM as secret (alg confusion)', () => jwt({}, { alg: 'HS256', key: new TextEncoder().encode(pemOf(edKeys.publicKey)) }), 'token_invalid', /invalid/],
    ['EdDSA JWT signed by another key', () => jwt({}, { alg: 'EdDSA', key: otherEd.privateKey }), 'token_invalid', /invalid/],
    ['RS256 JWT (algorithm not configured)', () => jwt({}, { alg: 'RS256', key: rsaKeys.privateKey }), 'token_invalid', /invalid/],
    ['garbage', () => 'not-a-token', 'token_invalid', /invalid/],
  ];

  it.each(cases)('%s', async (_name, make, reason, message) => {
    const token = await make();
    for (const req of [bearer(token), cookie(token)]) {
      const refused = await refusal(req);
      expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, reason });
      expect(refused.message).toMatch(message);
      // Nothing of the token (nor a stack) reaches the client.
      expect(refused.message).not.toContain(token.slice(0, 12));
      expect(JSON.stringify(refused.error.toJSON())).not.toContain(token.slice(-12));
      expect(JSON.stringify(refused.error.toJSON())).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('alg confusion is refused also when only an RSA public key is configured (no HS256 secret)', async () => {
    const rsaOnly: AuthDeps = {
      pool: db.pool,
      auth: loadAuthConfig({ GATEWAY_JWT_PUBLIC_KEY: pemOf(rsaKeys.publicKey), GATEWAY_JWT_ISSUER: ISSUER, GATEWAY_JWT_AUDIENCE: AUDIENCE }, '/nonexistent'),
    };
    expect(await authenticateRequest(bearer(await jwt({}, { alg: 'RS256', key: rsaKeys.privateKey })), rsaOnly)).not.toBeNull();
    const confused = await jwt({}, { alg: 'HS256', key: new TextEncoder().encode(pemOf(rsaKeys.publicKey)) });
    expect((await refusal(bearer(confused), rsaOnly)).reason).toBe('token_invalid');
    // and a Borealis session is not accepted without the engine secret
    expect((await refusal(bearer(session('admin')), rsaOnly)).reason).toBe('token_not_accepted');
  });

  it('the HS256 secret works only for HS256', async () => {
    const hsAsEd = await jwt({}, { alg: 'HS512', key: new TextEncoder().encode(HS_SECRET) });
    expect((await refusal(bearer(hsAsEd))).reason).toBe('token_invalid');
  });
});

describe('authenticateRequest with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let fetches = 0;
  const es = generateKeyPair('ES256', { extractable: true });

  beforeAll(async () => {
    const { publicKey } = await es;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies ES256 tokens with keys from the JWKS, refuses HS256 and unknown keys', async () => {
    const auth = loadAuthConfig({ GATEWAY_JWT_JWKS_URL: jwksUrl, GATEWAY_JWT_ISSUER: ISSUER, GATEWAY_JWT_AUDIENCE: AUDIENCE }, '/nonexistent');
    const jwksDeps: AuthDeps = { pool: db.pool, auth };
    const { privateKey } = await es;
    const t = now();
    const sign = (key: CryptoKey, kid: string) =>
      new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: t + 60 }).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
    expect((await authenticateRequest(bearer(await sign(privateKey, 'k1')), jwksDeps))!.username).toBe('Alice');
    expect(fetches).toBe(1);
    const stranger = await generateKeyPair('ES256');
    expect((await refusal(bearer(await sign(stranger.privateKey, 'k1')), jwksDeps)).reason).toBe('token_invalid');
    expect((await refusal(bearer(await jwt({ sub: 'alice' })), jwksDeps)).reason).toBe('token_invalid');
  });

  it('an unreachable JWKS is a 503 AUTH_UNAVAILABLE, not a 401', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const auth = loadAuthConfig({ GATEWAY_JWT_JWKS_URL: deadUrl, GATEWAY_JWT_ISSUER: ISSUER, GATEWAY_JWT_AUDIENCE: AUDIENCE }, '/nonexistent');
    const { privateKey } = await es;
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: now() + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    const error = await authenticateRequest(bearer(token), { pool: db.pool, auth }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toEqual({ code: 'AUTH_UNAVAILABLE', http: { status: 503 } });
  });
});
