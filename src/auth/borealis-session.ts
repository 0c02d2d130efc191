/**
 * The Borealis operator session token: itsdangerous `URLSafeTimedSerializer` over
 * `{"u": username, "r": role, "ts": epoch}` with salt `borealis-auth` (borealis-agent-api.md §5).
 *
 *   token     = payload "." timestamp "." signature          (all base64url, no padding)
 *   payload   = base64url(json)  or  "." base64url(zlib(json))   when compression pays off
 *   timestamp = base64url(big-endian epoch seconds, leading zero bytes stripped)
 *   key       = SHA-256(salt + "signer" + secret)             (itsdangerous "django-concat")
 *   signature = HMAC-SHA256(key, payload "." timestamp)
 *
 * The digest is SHA-256, as the reference and Borealis's Go engine (the login that serves the
 * public port) use; itsdangerous's own default would be SHA-1, which the legacy Python login
 * produces. SHA-1 signatures are only accepted when `acceptLegacySha1` is set; minting is SHA-256.
 *
 * Verification order is itsdangerous's: signature (constant time), then age, then payload.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { AuthError } from './errors.js';

export const BOREALIS_SESSION_SALT = 'borealis-auth';
export type SessionDigest = 'sha256' | 'sha1';

const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8192;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const SIGNATURE_BYTES: Record<SessionDigest, number> = { sha256: 32, sha1: 20 };

export interface BorealisSession {
  username: string;
  /** The role the token was minted with; informational only (the role is re-read from engine.users). */
  role: string | null;
  issuedAt: Date;
  /** issuedAt + max age. */
  expiresAt: Date;
}

export interface VerifySessionOptions {
  secret: string | Uint8Array;
  maxAgeSeconds: number;
  /** Tolerated skew for a timestamp in the future (another replica's clock). Default 0. */
  clockToleranceSeconds?: number;
  acceptLegacySha1?: boolean;
  now?: Date;
}

export interface MintSessionOptions {
  secret: string | Uint8Array;
  username: string;
  role?: string;
  now?: Date;
  /** 'auto' (default) compresses like itsdangerous: only when zlib saves more than one byte. */
  compress?: 'auto' | 'always' | 'never';
  digest?: SessionDigest;
  /** Extra payload entries (tests). */
  extra?: Record<string, unknown>;
}

/** itsdangerous "django-concat" key derivation. */
export function deriveSessionKey(secret: string | Uint8Array, digest: SessionDigest = 'sha256', salt = BOREALIS_SESSION_SALT): Buffer {
  return createHash(digest).update(salt).update('signer').update(secret).digest();
}

/** Keys derived from the configured secret (a Buffer held by the config), so a request does not hash it again. */
const derivedKeys = new WeakMap<Uint8Array, Map<SessionDigest, Buffer>>();

function signingKey(secret: string | Uint8Array, digest: SessionDigest): Buffer {
  if (typeof secret === 'string') return deriveSessionKey(secret, digest);
  let keys = derivedKeys.get(secret);
  if (!keys) derivedKeys.set(secret, (keys = new Map()));
  let key = keys.get(digest);
  if (!key) keys.set(digest, (key = deriveSessionKey(secret, digest)));
  return key;
}

function sign(value: string, secret: string | Uint8Array, digest: SessionDigest): Buffer {
  return createHmac(digest, signingKey(secret, digest)).update(value).digest();
}

function intToBytes(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  let start = 0;
  while (start < 8 && buffer[start] === 0) start++;
  return buffer.subarray(start);
}

function decodeSegment(segment: string): Buffer | null {
  return B64URL.test(segment) ? Buffer.from(segment, 'base64url') : null;
}

function decodeJsonObject(segment: string): Record<string, unknown> | null {
  const bytes = decodeSegment(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a bearer token has the shape of a Borealis session token rather than a JWT: a leading
 * "." (compressed payload), or three segments whose middle one is a short timestamp (at most 8
 * bytes) and whose first one is not a JOSE header.
 */
export function looksLikeBorealisSession(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH) return false;
  if (/^\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{1,11}\.[A-Za-z0-9_-]+$/.test(token)) return true;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{1,11})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return false;
  const first = decodeJsonObject(match[1]!);
  return first === null || !('alg' in first);
}

export function mintBorealisSession(options: MintSessionOptions): string {
  const now = options.now ?? new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  // Same key order and compact separators as Python's json.dumps(..., separators=(",", ":")).
  const json = Buffer.from(JSON.stringify({ u: options.username, r: options.role ?? 'User', ts: timestamp, ...options.extra }), 'utf8');
  const mode = options.compress ?? 'auto';
  let payload = json.toString('base64url');
  if (mode !== 'never') {
    const compressed = deflateSync(json);
    if (mode === 'always' || compressed.length < json.length - 1) payload = `.${compressed.toString('base64url')}`;
  }
  const value = `${payload}.${intToBytes(timestamp).toString('base64url')}`;
  return `${value}.${sign(value, options.secret, options.digest ?? 'sha256').toString('base64url')}`;
}

/** Verifies a session token; throws AuthError('token_invalid' | 'token_expired' | 'token_not_yet_valid'). */
export function verifyBorealisSession(token: string, options: VerifySessionOptions): BorealisSession {
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthError('token_invalid');
  const sigAt = token.lastIndexOf('.');
  if (sigAt <= 0) throw new AuthError('token_invalid');
  const value = token.slice(0, sigAt);
  const signature = decodeSegment(token.slice(sigAt + 1));
  if (!signature) throw new AuthError('token_invalid');

  // 1. Signature, in constant time; the digest follows from the signature length.
  const digest = (Object.keys(SIGNATURE_BYTES) as SessionDigest[]).find((d) => SIGNATURE_BYTES[d] === signature.length);
  if (digest === undefined || (digest === 'sha1' && !options.acceptLegacySha1)) throw new AuthError('token_invalid');
  const expected = sign(value, options.secret, digest);
  if (!timingSafeEqual(expected, signature)) throw new AuthError('token_invalid');

  // 2. Timestamp and age.
  const tsAt = value.lastIndexOf('.');
  if (tsAt <= 0) throw new AuthError('token_invalid');
  const tsBytes = decodeSegment(value.slice(tsAt + 1));
  if (!tsBytes || tsBytes.length > 8) throw new AuthError('token_invalid');
  const issuedAtSeconds = Number(Buffer.concat([Buffer.alloc(8 - tsBytes.length), tsBytes]).readBigUInt64BE());
  if (!Number.isSafeInteger(issuedAtSeconds)) throw new AuthError('token_invalid');
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const age = nowSeconds - issuedAtSeconds;
  if (age < -(options.clockToleranceSeconds ?? 0)) throw new AuthError('token_not_yet_valid');
  if (age > options.maxAgeSeconds) throw new AuthError('token_expired');

  // 3. Payload (signed, so decompression only ever runs on our own tokens; still bounded).
  let segment = value.slice(0, tsAt);
  const compressed = segment.startsWith('.');
  if (compressed) segment = segment.slice(1);
  let json = decodeSegment(segment);
  if (!json) throw new AuthError('token_invalid');
  if (compressed) {
    try {
      json = inflateSync(json, { maxOutputLength: MAX_PAYLOAD_BYTES });
    } catch {
      throw new AuthError('token_invalid');
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(json.toString('utf8'));
  } catch {
    throw new AuthError('token_invalid');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new AuthError('token_invalid');
  const payload = data as Record<string, unknown>;
  // The engine signs other payloads with the same key and salt (e.g. the MFA "pending" token,
  // typ "mfa-pending", issued before the second factor): only plain session payloads sign in.
  if (payload.typ !== undefined) throw new AuthError('token_invalid');
  const username = typeof payload.u === 'string' ? payload.u.trim() : '';
  if (!username) throw new AuthError('token_invalid');
  const role = typeof payload.r === 'string' && payload.r.trim() ? payload.r.trim() : null;
  return {
    username,
    role,
    issuedAt: new Date(issuedAtSeconds * 1000),
    expiresAt: new Date((issuedAtSeconds + options.maxAgeSeconds) * 1000),
  };
}
