import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, loadAuthConfig } from '../../src/config/auth.js';
import { ConfigError } from '../../src/config/env.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-auth-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function pem(type: 'ed25519' | 'rsa' | 'ec', curve = 'P-256'): string {
  const pair =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: curve });
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

const HS = 'h'.repeat(32);

describe('loadAuthConfig', () => {
  it('reads the engine secret from BOREALIS_ENGINE_SECRET, SECRET_KEY or a file, with the session TTL', () => {
    const dir = tempDir();
    expect(loadAuthConfig({ BOREALIS_ENGINE_SECRET: 's3cret' }, dir).session).toEqual({
      secret: Buffer.from('s3cret'),
      maxAgeSeconds: 30 * 86400,
      acceptLegacySha1: false,
    });
    expect(loadAuthConfig({ SECRET_KEY: 'from-borealis', BOREALIS_TOKEN_TTL_SECONDS: '3600' }, dir).session?.maxAgeSeconds).toBe(3600);
    const file = path.join(dir, 'engine_secret.txt');
    fs.writeFileSync(file, '  file-secret\n');
    const config = loadAuthConfig({ BOREALIS_ENGINE_SECRET_PATH: file }, dir);
    expect(config.session?.secret.toString()).toBe('file-secret');
    expect(config.jwt).toBeNull();
    expect(config.dev).toBeNull();
  });

  it('reports every problem at once', () => {
    const dir = tempDir();
    const problems = problemsOf(() =>
      loadAuthConfig(
        {
          BOREALIS_ENGINE_SECRET: 'a',
          SECRET_KEY: 'b',
          BOREALIS_TOKEN_TTL_SECONDS: 'soon',
          GATEWAY_JWT_HS256_SECRET: 'too-short',
          GATEWAY_JWT_JWKS_URL: 'ftp://keys',
          GATEWAY_AUTH_ALLOWED_ORIGINS: 'https://ok.example,not an origin',
        },
        dir,
      ),
    );
    expect(problems).toEqual([
      'BOREALIS_ENGINE_SECRET and SECRET_KEY are both set to different values: set only one',
      'BOREALIS_TOKEN_TTL_SECONDS must be an integer between 60 and 315360000 (got "soon")',
      'GATEWAY_JWT_HS256_SECRET must be at least 32 bytes (got 9)',
      'GATEWAY_JWT_JWKS_URL must use https (got "ftp://keys")',
      'GATEWAY_AUTH_ALLOWED_ORIGINS: "not an origin" is not an origin like https://rmm.example.com',
      'GATEWAY_JWT_ISSUER is required when integrator JWT verification is configured',
      'GATEWAY_JWT_AUDIENCE is required when integrator JWT verification is configured',
    ]);
  });

  it('reports an unreadable secret file', () => {
    expect(problemsOf(() => loadAuthConfig({ BOREALIS_ENGINE_SECRET_PATH: '/nonexistent/engine_secret.txt' }, tempDir()))).toEqual([
      'BOREALIS_ENGINE_SECRET_PATH: cannot read /nonexistent/engine_secret.txt (ENOENT)',
    ]);
  });

  it('infers the JWT algorithm from the public key and refuses a mismatch', () => {
    const dir = tempDir();
    const base = { GATEWAY_JWT_ISSUER: 'https://idp.example', GATEWAY_JWT_AUDIENCE: 'borealis-gateway' };
    const ed = loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: pem('ed25519') }, dir);
    expect(ed.jwt?.publicKey?.algorithm).toBe('EdDSA');
    expect(ed.session).toBeNull();
    const es = loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: pem('ec').replace(/\n/g, '\\n') }, dir);
    expect(es.jwt?.publicKey?.algorithm).toBe('ES256');
    const rsaPem = pem('rsa');
    const keyFile = path.join(dir, 'rsa.pem');
    fs.writeFileSync(keyFile, rsaPem);
    expect(loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: keyFile, GATEWAY_JWT_ALGORITHM: 'RS256' }, dir).jwt?.publicKey?.algorithm).toBe('RS256');
    expect(problemsOf(() => loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: rsaPem, GATEWAY_JWT_ALGORITHM: 'EdDSA' }, dir))).toEqual([
      'GATEWAY_JWT_ALGORITHM is EdDSA but GATEWAY_JWT_PUBLIC_KEY is a key for RS256',
    ]);
    expect(problemsOf(() => loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: rsaPem, GATEWAY_JWT_ALGORITHM: 'HS256' }, dir))[0]).toBe(
      'GATEWAY_JWT_ALGORITHM must be one of EdDSA, ES256, RS256 (got "HS256")',
    );
    expect(problemsOf(() => loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: pem('ec', 'secp384r1') }, dir))[0]).toMatch(
      /unsupported key type \(ec secp384r1\)/,
    );
    expect(problemsOf(() => loadAuthConfig({ ...base, GATEWAY_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----' }, dir))[0]).toMatch(
      /not a readable PEM public key/,
    );
  });

  it('accepts a JWKS URL (https; http only on loopback in production) with issuer and audience lists', () => {
    const dir = tempDir();
    const config = loadAuthConfig(
      { GATEWAY_JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json', GATEWAY_JWT_ISSUER: 'https://idp.example', GATEWAY_JWT_AUDIENCE: 'a, b' },
      dir,
    );
    expect(config.jwt).toMatchObject({ issuer: 'https://idp.example', audience: ['a', 'b'], jwksAlgorithms: ['EdDSA', 'ES256', 'RS256'], hs256Secret: null });
    expect(config.jwt?.jwksUrl?.href).toBe('https://idp.example/.well-known/jwks.json');
    const prod = { NODE_ENV: 'production', GATEWAY_JWT_ISSUER: 'i', GATEWAY_JWT_AUDIENCE: 'a' };
    expect(loadAuthConfig({ ...prod, GATEWAY_JWT_JWKS_URL: 'http://127.0.0.1:9000/jwks' }, dir).jwt?.jwksUrl).not.toBeNull();
    expect(problemsOf(() => loadAuthConfig({ ...prod, GATEWAY_JWT_JWKS_URL: 'http://idp.example/jwks' }, dir))).toContain(
      'GATEWAY_JWT_JWKS_URL must use https in production (got "http://idp.example/jwks")',
    );
  });

  it('refuses to start without any secret in production, or outside the dev default', () => {
    const dir = tempDir();
    expect(problemsOf(() => loadAuthConfig({ NODE_ENV: 'production' }, dir, { allowDevSecrets: true }))[0]).toMatch(
      /^No authentication secret is configured \(NODE_ENV=production\): set SECRET_KEY/,
    );
    expect(problemsOf(() => loadAuthConfig({}, dir))[0]).toMatch(/^No authentication secret is configured: set SECRET_KEY/);
    expect(fs.existsSync(path.join(dir, 'secrets'))).toBe(false);
  });

  it('generates development secrets once (mode 0600) and reuses them', () => {
    const dir = tempDir();
    const first = loadAuthConfig({}, dir, { allowDevSecrets: true });
    expect(first.dev).toEqual({ secretsDir: path.join(dir, 'secrets'), created: true });
    expect(first.session?.secret.length).toBeGreaterThanOrEqual(64);
    expect(first.jwt).toMatchObject({ issuer: DEV_JWT_ISSUER, audience: [DEV_JWT_AUDIENCE] });
    expect(first.jwt?.hs256Secret?.length).toBeGreaterThanOrEqual(32);
    for (const file of ['engine_secret.txt', 'jwt_hs256_secret.txt']) {
      expect(fs.statSync(path.join(dir, 'secrets', file)).mode & 0o777).toBe(0o600);
    }
    expect(fs.statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);

    const second = loadAuthConfig({}, dir, { allowDevSecrets: true });
    expect(second.dev?.created).toBe(false);
    expect(second.session?.secret.equals(first.session!.secret)).toBe(true);
    expect(second.jwt?.hs256Secret?.equals(first.jwt!.hs256Secret!)).toBe(true);

    // A configured secret turns development secrets off entirely.
    const configured = loadAuthConfig({ GATEWAY_JWT_HS256_SECRET: HS, GATEWAY_JWT_ISSUER: 'i', GATEWAY_JWT_AUDIENCE: 'a' }, dir, { allowDevSecrets: true });
    expect(configured.dev).toBeNull();
    expect(configured.session).toBeNull();
    expect(configured.jwt?.hs256Secret?.toString()).toBe(HS);
  });
});
