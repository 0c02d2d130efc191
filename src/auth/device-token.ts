/**
 * Device access tokens in the Borealis engine's format (agent API 2.2), so tokens issued by the
 * engine verify here and ours verify there: EdDSA over the engine's Ed25519 key
 * (`borealis-jwt-ed25519.key`, PKCS#8 PEM, created with mode 600 when missing, as Borealis does),
 * header `kid` = first 16 hex of SHA-256(SPKI DER) and `typ: JWT`, claims `sub` = `device:<GUID>`,
 * `guid`, `ssl_key_fingerprint`, `token_version`, `iat`, `nbf`, `exp`, 900 s.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { AgentError } from './agent-error.js';

export const ACCESS_TOKEN_TTL_SECONDS = 900;

export interface EngineSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

export interface DeviceTokenClaims {
  guid: string;
  sslKeyFingerprint: string;
  tokenVersion: number;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Reads the engine key, or creates it (directory 700, file 600) when it does not exist yet. */
export function loadOrCreateEngineKey(file: string): EngineSigningKey {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      // `wx`: a replica starting at the same moment keeps the key written first.
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
    }
    pem = fs.readFileSync(file, 'utf8');
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: keyIdOf(publicKey) };
}

export function normalizeGuid(guid: string): string {
  return guid.trim().replace(/^\{|\}$/g, '').toUpperCase();
}

export async function mintAccessToken(key: EngineSigningKey, claims: DeviceTokenClaims, now = Math.floor(Date.now() / 1000)): Promise<string> {
  const guid = normalizeGuid(claims.guid);
  return new SignJWT({ guid, ssl_key_fingerprint: claims.sslKeyFingerprint.toLowerCase(), token_version: claims.tokenVersion })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setSubject(`device:${guid}`)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}

/**
 * Steps 2 and 3 of the engine's verification order: signature (EdDSA only) and time, then the
 * binding claims. Expired (or not yet valid, as Go reports it) -> `token_expired`; anything else
 * malformed -> `invalid_token`; missing guid/fingerprint/positive token_version -> `invalid_claims`.
 */
export async function verifyAccessToken(key: EngineSigningKey, token: string): Promise<DeviceTokenClaims> {
  const verified = verifiedTokens(key);
  const known = verified.get(token);
  if (known) {
    const now = Math.floor(Date.now() / 1000);
    if (now < known.exp && now >= known.nbf) return known.claims;
    verified.delete(token);
  }
  return verifyAccessTokenOnce(key, token);
}

/**
 * Agents send the same token for its 15 minutes: a token whose signature and claims verified is
 * remembered (keyed by the whole token, so by its signature) until it expires, and only its time
 * is checked again. Bounded: cleared when full.
 */
const VERIFIED_CACHE_LIMIT = 50_000;
const verifiedByKey = new WeakMap<EngineSigningKey, Map<string, { claims: DeviceTokenClaims; exp: number; nbf: number }>>();
function verifiedTokens(key: EngineSigningKey) {
  let cache = verifiedByKey.get(key);
  if (!cache) verifiedByKey.set(key, (cache = new Map()));
  return cache;
}

async function verifyAccessTokenOnce(key: EngineSigningKey, token: string): Promise<DeviceTokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, { algorithms: ['EdDSA'], requiredClaims: ['exp', 'iat', 'sub'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new AgentError('unauthorized', 'token_expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') throw new AgentError('unauthorized', 'token_expired');
    throw new AgentError('unauthorized', 'invalid_token');
  }
  const { guid, ssl_key_fingerprint: fingerprint, token_version: version } = payload;
  if (typeof guid !== 'string' || !guid.trim() || typeof fingerprint !== 'string' || !fingerprint.trim() || typeof version !== 'number' || !Number.isInteger(version) || version <= 0) {
    throw new AgentError('unauthorized', 'invalid_claims');
  }
  const claims = { guid: normalizeGuid(guid), sslKeyFingerprint: fingerprint.trim().toLowerCase(), tokenVersion: version };
  const cache = verifiedTokens(key);
  if (cache.size >= VERIFIED_CACHE_LIMIT) cache.clear();
  cache.set(token, { claims, exp: Number(payload.exp), nbf: typeof payload.nbf === 'number' ? payload.nbf : 0 });
  return claims;
}
