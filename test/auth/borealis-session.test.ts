/**
 * The Borealis session token against an independent implementation of itsdangerous written in
 * Python (fixtures/itsdangerous_ref.py): Python-minted tokens (plain and zlib-compressed) must
 * verify in TypeScript, TypeScript-minted tokens must verify in Python, and tampering must fail
 * on both sides.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  deriveSessionKey,
  looksLikeBorealisSession,
  mintBorealisSession,
  verifyBorealisSession,
} from '../../src/auth/borealis-session.js';
import { AuthError } from '../../src/auth/errors.js';

const SECRET = 'x0Qm2b5cK3vY8wN1pR4tZ7uA9sD6fG2hJ5kL8zX1cV4bN7mQ0wE3rT6yU9iO2pA5sD8fG1hJ4kL7zX0cV3bN6m';
const PY = fileURLToPath(new URL('./fixtures/itsdangerous_ref.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('python3 not found: the itsdangerous cross-implementation tests are skipped.');

function python<T>(request: Record<string, unknown>): T {
  const run = spawnSync('python3', [PY], { input: JSON.stringify(request), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`itsdangerous_ref.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthError) return error.reason;
    throw error;
  }
  return 'accepted';
}

const NOW = new Date('2025-11-20T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const DAY = 86400;

describe.skipIf(!hasPython)('Borealis session token vs an independent Python itsdangerous (python3)', () => {
  const longName = `operator-${'x'.repeat(80)}`;
  const items = [
    { obj: { u: 'alice', r: 'User', ts: NOW_S - 60 }, ts: NOW_S - 60, compress: 'auto' },
    { obj: { u: 'admin', r: 'Admin', ts: NOW_S }, ts: NOW_S, compress: 'always' },
    // Long and repetitive: itsdangerous's own rule compresses it.
    { obj: { u: longName, r: 'User', ts: NOW_S - 5 }, ts: NOW_S - 5, compress: 'auto' },
    { obj: { u: 'Zoë Ångström', r: 'User', ts: NOW_S - 10 }, ts: NOW_S - 10, compress: 'never' },
  ];

  it('accepts tokens minted by Python, compressed and not', () => {
    const tokens = python<string[]>({ op: 'dumps', secret: SECRET, digest: 'sha256', items });
    expect(tokens[0]!.startsWith('.')).toBe(false);
    expect(tokens[1]!.startsWith('.')).toBe(true);
    expect(tokens[2]!.startsWith('.')).toBe(true);
    const sessions = tokens.map((token) => {
      expect(looksLikeBorealisSession(token)).toBe(true);
      return verifyBorealisSession(token, { secret: SECRET, maxAgeSeconds: 30 * DAY, now: NOW });
    });
    expect(sessions.map((s) => [s.username, s.role, s.issuedAt.getTime() / 1000])).toEqual([
      ['alice', 'User', NOW_S - 60],
      ['admin', 'Admin', NOW_S],
      [longName, 'User', NOW_S - 5],
      ['Zoë Ångström', 'User', NOW_S - 10],
    ]);
    expect(sessions[0]!.expiresAt.getTime() / 1000).toBe(NOW_S - 60 + 30 * DAY);
  });

  it('produces tokens Python verifies (compressed and not), and Python refuses tampered ones', () => {
    const plain = mintBorealisSession({ secret: SECRET, username: 'alice', role: 'User', now: NOW });
    const compressed = mintBorealisSession({ secret: SECRET, username: 'bob', role: 'Admin', now: NOW, compress: 'always' });
    const auto = mintBorealisSession({ secret: SECRET, username: longName, now: NOW });
    expect(compressed.startsWith('.')).toBe(true);
    expect(auto.startsWith('.')).toBe(true);
    const [, ts, sig] = plain.split('.');
    const forged = `${Buffer.from('{"u":"admin","r":"Admin","ts":1}').toString('base64url')}.${ts}.${sig}`;
    const otherKey = mintBorealisSession({ secret: `${SECRET}-other`, username: 'alice', now: NOW });
    const results = python<Array<{ ok: boolean; payload?: Record<string, unknown>; ts?: number; error?: string }>>({
      op: 'loads',
      secret: SECRET,
      digest: 'sha256',
      max_age: 30 * DAY,
      now: NOW_S,
      tokens: [plain, compressed, auto, forged, otherKey],
    });
    expect(results).toEqual([
      { ok: true, payload: { u: 'alice', r: 'User', ts: NOW_S }, ts: NOW_S },
      { ok: true, payload: { u: 'bob', r: 'Admin', ts: NOW_S }, ts: NOW_S },
      { ok: true, payload: { u: longName, r: 'User', ts: NOW_S }, ts: NOW_S },
      { ok: false, error: 'BadSignature' },
      { ok: false, error: 'BadSignature' },
    ]);
  });

  it('agrees with Python on expiry', () => {
    const old = python<string[]>({ op: 'dumps', secret: SECRET, digest: 'sha256', items: [{ obj: { u: 'alice', r: 'User', ts: 0 }, ts: NOW_S - 3601, compress: 'auto' }] })[0]!;
    expect(reasonOf(() => verifyBorealisSession(old, { secret: SECRET, maxAgeSeconds: 3600, now: NOW }))).toBe('token_expired');
    expect(python<Array<{ error?: string }>>({ op: 'loads', secret: SECRET, max_age: 3600, now: NOW_S, tokens: [old] })[0]!.error).toBe('SignatureExpired');
    expect(reasonOf(() => verifyBorealisSession(old, { secret: SECRET, maxAgeSeconds: 3601, now: NOW }))).toBe('accepted');
  });

  it("refuses itsdangerous's default SHA-1 signature unless legacy SHA-1 is enabled", () => {
    const sha1 = python<string[]>({ op: 'dumps', secret: SECRET, digest: 'sha1', items: [items[0]] })[0]!;
    expect(sha1.split('.')[2]).toHaveLength(27);
    expect(reasonOf(() => verifyBorealisSession(sha1, { secret: SECRET, maxAgeSeconds: 30 * DAY, now: NOW }))).toBe('token_invalid');
    expect(verifyBorealisSession(sha1, { secret: SECRET, maxAgeSeconds: 30 * DAY, now: NOW, acceptLegacySha1: true }).username).toBe('alice');
  });
});

describe('Borealis session token (TypeScript only)', () => {
  const verify = (token: string, extra: Partial<Parameters<typeof verifyBorealisSession>[1]> = {}) =>
    reasonOf(() => verifyBorealisSession(token, { secret: SECRET, maxAgeSeconds: 3600, now: NOW, ...extra }));

  it('derives the key as SHA-256(salt + "signer" + secret)', () => {
    expect(deriveSessionKey(SECRET).equals(createHash('sha256').update(`borealis-auth` + 'signer' + SECRET).digest())).toBe(true);
  });

  it('refuses a flipped signature bit, a changed payload or timestamp, and another secret', () => {
    const token = mintBorealisSession({ secret: SECRET, username: 'alice', now: NOW });
    const [payload, ts, sig] = token.split('.') as [string, string, string];
    const flipped = Buffer.from(sig, 'base64url');
    flipped[0]! ^= 1;
    expect(verify(token)).toBe('accepted');
    expect(verify(`${payload}.${ts}.${flipped.toString('base64url')}`)).toBe('token_invalid');
    expect(verify(`${Buffer.from('{"u":"admin","r":"Admin"}').toString('base64url')}.${ts}.${sig}`)).toBe('token_invalid');
    expect(verify(`${payload}.${Buffer.from([0x69, 0x1f, 0x00, 0x00]).toString('base64url')}.${sig}`)).toBe('token_invalid');
    expect(verify(token, { secret: 'another secret' })).toBe('token_invalid');
    expect(verify(`${payload}.${ts}`)).toBe('token_invalid');
    expect(verify('')).toBe('token_invalid');
  });

  it('checks age after the signature, with a tolerance only for clock skew', () => {
    const token = mintBorealisSession({ secret: SECRET, username: 'alice', now: new Date(NOW.getTime() - 3601_000) });
    expect(verify(token)).toBe('token_expired');
    const future = mintBorealisSession({ secret: SECRET, username: 'alice', now: new Date(NOW.getTime() + 20_000) });
    expect(verify(future)).toBe('token_not_yet_valid');
    expect(verify(future, { clockToleranceSeconds: 30 })).toBe('accepted');
  });

  it('refuses signed payloads that are not sessions (the engine\'s MFA-pending token) or lack a username', () => {
    const pending = mintBorealisSession({ secret: SECRET, username: 'alice', now: NOW, extra: { typ: 'mfa-pending', stage: 'verify' } });
    expect(verify(pending)).toBe('token_invalid');
    expect(verify(mintBorealisSession({ secret: SECRET, username: '  ', now: NOW }))).toBe('token_invalid');
  });

  it('tells session tokens from JWTs', () => {
    expect(looksLikeBorealisSession(mintBorealisSession({ secret: SECRET, username: 'alice', now: NOW }))).toBe(true);
    expect(looksLikeBorealisSession(mintBorealisSession({ secret: SECRET, username: 'alice', now: NOW, compress: 'always' }))).toBe(true);
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    expect(looksLikeBorealisSession(`${header}.${Buffer.from('{}').toString('base64url')}.c2ln`)).toBe(false);
    expect(looksLikeBorealisSession(`${header}.${Buffer.from('{"sub":"alice","exp":1}').toString('base64url')}.c2ln`)).toBe(false);
  });
});
