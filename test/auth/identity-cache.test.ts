/**
 * The account read of HTTP requests, shared for GATEWAY_IDENTITY_CACHE_MS: changes to the account
 * take effect within that bound, the token is still verified on every request, and the cache is
 * bounded in time, in size and never keeps a refusal.
 */
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { IdentityCache, type OperatorAccount } from '../../src/auth/identity-cache.js';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import type { OperatorSource } from '../../src/auth/operator.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { loadAuthConfig } from '../../src/config/auth.js';
import { ConfigError } from '../../src/config/env.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, insertTestUsers, testAuthConfig, type TestUsers } from './helpers.js';

let db: TestDatabase;
let users: TestUsers;
let reads = 0;
/** The test database's pool, counting the account reads. */
let pool: OperatorSource;

beforeAll(async () => {
  db = await createTestDatabase();
  users = await insertTestUsers(db.pool);
  pool = {
    query: ((...args: Parameters<typeof db.pool.query>) => {
      reads++;
      return db.pool.query(...args);
    }) as typeof db.pool.query,
  };
});
afterAll(async () => {
  await db?.drop();
});

const session = (username: string, issuedAt = new Date()) => mintBorealisSession({ secret: ENGINE_SECRET, username, role: 'User', now: issuedAt });
const bearer = (token: string) => new Request('http://gateway.test/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The reason of a refusal, or the identity when there was none. */
async function outcome(authenticate: (request: Request) => Promise<OperatorIdentity | null>, token: string): Promise<string | OperatorIdentity | null> {
  try {
    return await authenticate(bearer(token));
  } catch (error) {
    if (error instanceof GraphQLError) return String(error.extensions.reason);
    throw error;
  }
}

describe('HTTP authentication with the account cache', () => {
  it('reads the account once within the bound, again after it; the default bound is 1 s', async () => {
    expect(testAuthConfig().identityCacheMs).toBe(1000);
    const authenticate = createRequestAuthenticator({ pool, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '300' }) });
    reads = 0;
    const token = session('alice');
    for (let i = 0; i < 5; i++) expect((await authenticate(bearer(token)))!.siteIds).toEqual([users.siteNorth]);
    expect(reads).toBe(1);
    await sleep(350);
    await authenticate(bearer(token));
    expect(reads).toBe(2);
  });

  it('a disabled account, a changed role and a changed site assignment take effect within the bound', async () => {
    const authenticate = createRequestAuthenticator({ pool, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '300' }) });
    const token = session('nosite');
    expect(await outcome(authenticate, token)).toMatchObject({ isAdmin: false, siteIds: [] });
    await db.pool.query(`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1763640000)`, [Number(users.ids.nosite), users.siteSouth]);
    await db.pool.query(`UPDATE engine.users SET role = 'Admin' WHERE username = 'nosite'`);
    try {
      await sleep(350);
      expect(await outcome(authenticate, token)).toMatchObject({ isAdmin: true, siteIds: null });
      await db.pool.query(`UPDATE engine.users SET role = 'User' WHERE username = 'nosite'`);
      await sleep(350);
      expect(await outcome(authenticate, token)).toMatchObject({ isAdmin: false, siteIds: [users.siteSouth] });
      await db.pool.query(`UPDATE engine.users SET directory_disabled = 1 WHERE username = 'nosite'`);
      await sleep(350);
      expect(await outcome(authenticate, token)).toBe('account_disabled');
    } finally {
      await db.pool.query(`UPDATE engine.users SET role = 'User', directory_disabled = 0 WHERE username = 'nosite'`);
      await db.pool.query(`DELETE FROM engine.user_site_assignments WHERE user_id = $1`, [Number(users.ids.nosite)]);
    }
  });

  it('GATEWAY_IDENTITY_CACHE_MS=0 reads the account on every request', async () => {
    const authenticate = createRequestAuthenticator({ pool, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '0' }) });
    reads = 0;
    const token = session('alice');
    for (let i = 0; i < 3; i++) await authenticate(bearer(token));
    expect(reads).toBe(3);
  });

  it('still verifies every token: an expired or foreign-signed token of a cached account is refused', async () => {
    const authenticate = createRequestAuthenticator({ pool, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '10000' }) });
    expect(await outcome(authenticate, session('alice'))).toMatchObject({ username: 'Alice' });
    expect(await outcome(authenticate, session('alice', new Date(Date.now() - 3601_000)))).toBe('token_expired');
    expect(await outcome(authenticate, mintBorealisSession({ secret: 'another-engine-secret', username: 'alice' }))).toBe('token_invalid');
  });

  it('each request keeps its own token facts (expiry) on a shared account', async () => {
    const authenticate = createRequestAuthenticator({ pool, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '10000' }) });
    const older = new Date(Date.now() - 60_000);
    const first = (await authenticate(bearer(session('alice', older))))!;
    const second = (await authenticate(bearer(session('alice'))))!;
    expect(second.expiresAt!.getTime() - first.expiresAt!.getTime()).toBeGreaterThanOrEqual(59_000);
  });

  it('refuses a bound beyond 10 s or below 0 at start-up', () => {
    for (const value of ['10001', '-1', 'soon']) {
      expect(() => loadAuthConfig({ BOREALIS_ENGINE_SECRET: ENGINE_SECRET, GATEWAY_IDENTITY_CACHE_MS: value }, '/nonexistent')).toThrow(ConfigError);
    }
  });
});

describe('IdentityCache', () => {
  const account = (username: string): OperatorAccount => ({ userId: 1n, username, role: 'User', isAdmin: false, siteIds: [] });

  it('shares one read between concurrent requests and keeps it for ttlMs from the start of the read', async () => {
    let clock = 0;
    const cache = new IdentityCache(1000, 10, () => clock);
    let started = 0;
    const read = () => {
      started++;
      return new Promise<OperatorAccount>((resolve) => setTimeout(() => resolve(account('alice')), 10));
    };
    await Promise.all([cache.account('alice', read), cache.account('alice', read), cache.account('alice', read)]);
    expect(started).toBe(1);
    clock = 999;
    await cache.account('alice', read);
    expect(started).toBe(1);
    clock = 1000;
    await cache.account('alice', read);
    expect(started).toBe(2);
  });

  it('never keeps a refusal or a failed read', async () => {
    const cache = new IdentityCache(60_000, 10, () => 0);
    await expect(cache.account('gone', () => Promise.reject(new Error('unknown-user')))).rejects.toThrow('unknown-user');
    expect(cache.size).toBe(0);
    expect(await cache.account('gone', async () => account('gone'))).toMatchObject({ username: 'gone' });
  });

  it('holds at most maxEntries accounts, dropping the oldest read', async () => {
    const cache = new IdentityCache(60_000, 2, () => 0);
    let reads = 0;
    const read = (username: string) => async () => {
      reads++;
      return account(username);
    };
    for (const name of ['a', 'b', 'c']) await cache.account(name, read(name));
    expect(cache.size).toBe(2);
    await cache.account('b', read('b'));
    await cache.account('c', read('c'));
    expect(reads).toBe(3);
    await cache.account('a', read('a'));
    expect(reads).toBe(4);
  });
});
