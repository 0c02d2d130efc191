/** `npm run token` (src/cli/token.ts), run as a child process against a test database. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateToken, type AuthDeps } from '../../src/auth/authenticate.js';
import { loadAuthConfig } from '../../src/config/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { AUDIENCE, ENGINE_SECRET, HS_SECRET, insertTestUsers, ISSUER, testAuthConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let db: TestDatabase;
let deps: AuthDeps;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestUsers(db.pool);
  deps = { pool: db.pool, auth: testAuthConfig() };
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-token-cli-'));
});
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await db?.drop();
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/cli/token.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const configuredEnv = () => ({
  DATABASE_URL: db.url,
  BOREALIS_ENGINE_SECRET: ENGINE_SECRET,
  BOREALIS_TOKEN_TTL_SECONDS: '3600',
  GATEWAY_JWT_HS256_SECRET: HS_SECRET,
  GATEWAY_JWT_ISSUER: ISSUER,
  GATEWAY_JWT_AUDIENCE: AUDIENCE,
});

describe('npm run token', () => {
  it('prints a session token (default) for an existing user, case-insensitively', async () => {
    const { code, stdout, stderr } = await run(['--user', 'ALICE'], configuredEnv());
    expect(code, stderr).toBe(0);
    const token = stdout.trim();
    expect(token.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Borealis session token for Alice \(User\)/);
    const identity = await authenticateToken(token, deps);
    expect(identity).toMatchObject({ username: 'Alice', authMethod: 'borealis-session' });
  });

  it('--kind jwt --ttl 120: an HS256 integrator JWT living 120 s; --ttl shortens a session token', async () => {
    const jwt = await run(['--user', 'admin', '--kind', 'jwt', '--ttl', '120'], configuredEnv());
    expect(jwt.code, jwt.stderr).toBe(0);
    const identity = await authenticateToken(jwt.stdout.trim(), deps);
    expect(identity).toMatchObject({ username: 'admin', isAdmin: true, authMethod: 'jwt' });
    expect(Math.abs(identity.expiresAt!.getTime() - (Date.now() + 120_000))).toBeLessThan(10_000);

    const short = await run(['--user=admin', '--ttl=300'], configuredEnv());
    expect(short.code, short.stderr).toBe(0);
    const session = await authenticateToken(short.stdout.trim(), deps);
    expect(Math.abs(session.expiresAt!.getTime() - (Date.now() + 300_000))).toBeLessThan(10_000);
  });

  it('refuses disabled, reset-required and unknown users, and bad arguments', async () => {
    const [dirdis, resetme, nobody, bad, missing, tooLong] = await Promise.all([
      run(['--user', 'dirdis'], configuredEnv()),
      run(['--user', 'resetme'], configuredEnv()),
      run(['--user', 'nobody'], configuredEnv()),
      run(['--user', 'admin', '--kind', 'saml'], configuredEnv()),
      run([], configuredEnv()),
      run(['--user', 'admin', '--ttl', '7200'], configuredEnv()),
    ]);
    for (const [refused, why] of [[dirdis, /directory account is disabled/], [resetme, /reset its credentials/], [nobody, /no longer exists/]] as const) {
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(why);
      expect(refused.stderr).toMatch(/No token was issued/);
    }
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kind must be session or jwt/);
    expect(missing.stderr).toMatch(/--user is required/);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/cannot exceed BOREALIS_TOKEN_TTL_SECONDS/);
  });

  it('without configuration, uses (and creates) the development secrets under GATEWAY_DATA_DIR', async () => {
    const { code, stdout, stderr } = await run(['--user', 'alice', '--kind', 'jwt'], { GATEWAY_DATA_DIR: dataDir });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/was not checked/);
    expect(fs.existsSync(path.join(dataDir, 'secrets', 'jwt_hs256_secret.txt'))).toBe(true);
    // The gateway, loading the same development secrets, accepts the token.
    const devDeps: AuthDeps = { pool: db.pool, auth: loadAuthConfig({}, dataDir, { allowDevSecrets: true }) };
    expect((await authenticateToken(stdout.trim(), devDeps)).username).toBe('Alice');
    // ... and a gateway with other secrets does not.
    await expect(authenticateToken(stdout.trim(), deps)).rejects.toMatchObject({ reason: 'token_invalid' });
  });
});
