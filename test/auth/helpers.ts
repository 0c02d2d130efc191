/** Users, keys and tokens shared by the auth tests. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type pg from 'pg';
import { loadAuthConfig, type AuthConfig } from '../../src/config/auth.js';

export const ENGINE_SECRET = 'test-engine-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const HS_SECRET = 'test-integrator-hs256-secret-0123456789';
export const ISSUER = 'https://idp.test';
export const AUDIENCE = 'borealis-gateway-test';

export const edKeys = generateKeyPairSync('ed25519');
export const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/** Engine secret + HS256 secret + an Ed25519 public key; 5 s clock tolerance. */
export function testAuthConfig(env: Record<string, string> = {}): AuthConfig {
  return loadAuthConfig(
    {
      BOREALIS_ENGINE_SECRET: ENGINE_SECRET,
      BOREALIS_TOKEN_TTL_SECONDS: '3600',
      GATEWAY_JWT_HS256_SECRET: HS_SECRET,
      GATEWAY_JWT_PUBLIC_KEY: pemOf(edKeys.publicKey),
      GATEWAY_JWT_ISSUER: ISSUER,
      GATEWAY_JWT_AUDIENCE: AUDIENCE,
      GATEWAY_AUTH_CLOCK_TOLERANCE_SECONDS: '5',
      ...env,
    },
    '/nonexistent-data-dir',
  );
}

export const now = () => Math.floor(Date.now() / 1000);

/** A JWT with sensible defaults; `claims` overrides (undefined removes a claim). */
export async function jwt(
  claims: JWTPayload & Record<string, unknown> = {},
  key: { alg: string; key: KeyObject | Uint8Array } = { alg: 'HS256', key: new TextEncoder().encode(HS_SECRET) },
): Promise<string> {
  const t = now();
  const payload: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, sub: 'admin', iat: t, exp: t + 600, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: 'JWT' }).sign(key.key as Uint8Array);
}

/** An unsigned token (`alg: none`). */
export function unsignedJwt(claims: Record<string, unknown> = {}): string {
  const t = now();
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', iat: t, exp: t + 600, ...claims })}.`;
}

export interface TestUsers {
  siteNorth: number;
  siteSouth: number;
  ids: Record<string, bigint>;
}

/**
 * admin (Admin), Alice (User, site North; stored capitalised), nosite (User, no site), dirdis
 * (directory user, directory_disabled=1), resetme (auth_reset_required=1), demoted (User), and
 * gone (created, then deleted).
 */
export async function insertTestUsers(pool: pg.Pool): Promise<TestUsers> {
  const sites = await pool.query<{ id: string; name: string }>(
    `INSERT INTO engine.sites (name, created_at) VALUES ('North', 1763640000), ('South', 1763640000) RETURNING id, name`,
  );
  const siteId = (name: string) => Number(sites.rows.find((r) => r.name === name)!.id);
  const users = await pool.query<{ id: string; username: string }>(
    `INSERT INTO engine.users (username, password_sha512, role, auth_source, directory_disabled, auth_reset_required, created_at)
     VALUES ('admin', 'x', 'Admin', 'local', 0, 0, 1763640000),
            ('Alice', 'x', 'User', 'local', 0, 0, 1763640000),
            ('nosite', 'x', 'User', 'local', 0, 0, 1763640000),
            ('dirdis', 'x', 'User', 'directory', 1, 0, 1763640000),
            ('resetme', 'x', 'User', 'local', 0, 1, 1763640000),
            ('demoted', 'x', 'User', 'local', 0, 0, 1763640000),
            ('gone', 'x', 'Admin', 'local', 0, 0, 1763640000)
     RETURNING id, username`,
  );
  const ids = Object.fromEntries(users.rows.map((r) => [r.username, BigInt(r.id)]));
  await pool.query(`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1763640000)`, [
    Number(ids.Alice),
    siteId('North'),
  ]);
  // Another user's assignment, which must not leak into anyone else's scope.
  await pool.query(`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1763640000)`, [
    Number(ids.demoted),
    siteId('South'),
  ]);
  await pool.query(`DELETE FROM engine.users WHERE username = 'gone'`);
  return { siteNorth: siteId('North'), siteSouth: siteId('South'), ids };
}
