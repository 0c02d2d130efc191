/**
 * Authentication configuration, read once at start-up and validated like src/config/env.ts:
 * every problem is collected and reported together in one ConfigError.
 *
 * Two kinds of proof are accepted (see src/auth/authenticate.ts):
 * - the Borealis operator session token (itsdangerous format, signed with the engine secret that
 *   Borealis itself uses: SECRET_KEY or the engine_secret.txt file);
 * - integrator JWTs, verified with jose against an HS256 secret, a PEM public key and/or a JWKS URL.
 *
 * Development: with no secret configured at all and `allowDevSecrets` (the embedded/dev default of
 * the caller), random secrets are generated once under `<dataDir>/secrets/` (mode 0600) and reused
 * on later starts. With NODE_ENV=production, a missing secret is always a configuration error.
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, EnvReader, type Env } from './env.js';

export type { Env };

/** Asymmetric JWT algorithms accepted for integrator tokens (HS256 only with the HS256 secret). */
export const ASYMMETRIC_JWT_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type AsymmetricJwtAlgorithm = (typeof ASYMMETRIC_JWT_ALGORITHMS)[number];

export const SESSION_COOKIE_NAME = 'borealis_auth';
export const DEFAULT_TOKEN_TTL_SECONDS = 60 * 60 * 24 * 30;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_IDENTITY_CACHE_MS = 1000;
/** A longer bound would let a disabled operator work on for minutes. */
export const MAX_IDENTITY_CACHE_MS = 10_000;
export const MIN_HS256_SECRET_BYTES = 32;
/** Issuer and audience of the development JWT secret, when none is configured. */
export const DEV_JWT_ISSUER = 'borealis-graphql-gateway-dev';
export const DEV_JWT_AUDIENCE = 'borealis-graphql-gateway';

export interface SessionConfig {
  /** The Borealis engine secret, as bytes (UTF-8 of the trimmed text, like Python and Go). */
  secret: Buffer;
  /** BOREALIS_TOKEN_TTL_SECONDS: max age of a session token. */
  maxAgeSeconds: number;
  /**
   * Also accept HMAC-SHA1 signatures (itsdangerous's own default digest, used by the legacy
   * Python login). The Go engine and the reference sign with SHA-256; minting is always SHA-256.
   */
  acceptLegacySha1: boolean;
}

export interface JwtPublicKey {
  algorithm: AsymmetricJwtAlgorithm;
  key: KeyObject;
}

export interface JwtConfig {
  issuer: string;
  /** Accepted audiences (the token's `aud` must contain one of them). */
  audience: string[];
  hs256Secret: Buffer | null;
  publicKey: JwtPublicKey | null;
  jwksUrl: URL | null;
  /** Algorithms allowed for keys of the JWKS (never HS*). */
  jwksAlgorithms: AsymmetricJwtAlgorithm[];
}

export interface AuthConfig {
  /** null: Borealis session tokens are not accepted (no engine secret). */
  session: SessionConfig | null;
  /** null: integrator JWTs are not accepted. */
  jwt: JwtConfig | null;
  /** Seconds of clock skew tolerated for exp/nbf and session timestamps issued "in the future". */
  clockToleranceSeconds: number;
  cookieName: string;
  /**
   * Origins (scheme://host[:port]) from which the `borealis_auth` cookie is accepted in addition to
   * the gateway's own origin (cross-site request forgery / WebSocket hijacking defence).
   */
  allowedOrigins: string[];
  /** Set when development secrets under <dataDir>/secrets are in use. */
  dev: { secretsDir: string; created: boolean } | null;
  /**
   * GATEWAY_IDENTITY_CACHE_MS: how long an account read for an HTTP request serves later requests
   * of the same operator (src/auth/identity-cache.ts); the bound within which a disabled, demoted
   * or re-assigned operator's change takes effect. 0: read on every request.
   */
  identityCacheMs: number;
}

export interface LoadAuthConfigOptions {
  /**
   * The caller runs the embedded/development default (e.g. no DATABASE_URL): with no secret
   * configured, generate and persist development secrets instead of failing.
   */
  allowDevSecrets?: boolean;
}

/** Reads a secret file; its trimmed content is the secret (as Borealis reads engine_secret.txt). */
function readSecretFile(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

function engineSecret(read: EnvReader): string | undefined {
  const explicit = read.string('BOREALIS_ENGINE_SECRET');
  const borealis = read.string('SECRET_KEY');
  const file = read.string('BOREALIS_ENGINE_SECRET_PATH');
  if (explicit !== undefined && borealis !== undefined && explicit !== borealis) {
    read.problems.push('BOREALIS_ENGINE_SECRET and SECRET_KEY are both set to different values: set only one');
    return undefined;
  }
  const inline = explicit ?? borealis;
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;
  try {
    const secret = readSecretFile(file);
    if (!secret) {
      read.problems.push(`BOREALIS_ENGINE_SECRET_PATH: ${file} is empty`);
      return undefined;
    }
    return secret;
  } catch (error) {
    read.problems.push(`BOREALIS_ENGINE_SECRET_PATH: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** A PEM given inline (`\n` escapes allowed, as in .env files) or as a path to a PEM file. */
function readPem(read: EnvReader, name: string): string | undefined {
  const raw = read.string(name);
  if (raw === undefined) return undefined;
  if (raw.startsWith('-----BEGIN')) return raw.replace(/\\n/g, '\n');
  try {
    return fs.readFileSync(raw, 'utf8');
  } catch (error) {
    read.problems.push(`${name} must be a PEM public key or the path of a PEM file (cannot read "${raw}": ${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** The JWT algorithm of a public key, from its type (Ed25519, P-256, RSA). */
export function algorithmOfKey(key: KeyObject): AsymmetricJwtAlgorithm | null {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  return null;
}

function publicKey(read: EnvReader): JwtPublicKey | null {
  const pem = readPem(read, 'GATEWAY_JWT_PUBLIC_KEY');
  const givenAlg = read.string('GATEWAY_JWT_ALGORITHM');
  if (givenAlg !== undefined && !(ASYMMETRIC_JWT_ALGORITHMS as readonly string[]).includes(givenAlg)) {
    read.problems.push(`GATEWAY_JWT_ALGORITHM must be one of ${ASYMMETRIC_JWT_ALGORITHMS.join(', ')} (got "${givenAlg}")`);
    return null;
  }
  if (pem === undefined) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    read.problems.push('GATEWAY_JWT_PUBLIC_KEY is not a readable PEM public key (SPKI "BEGIN PUBLIC KEY" or a certificate)');
    return null;
  }
  if (key.type !== 'public') {
    read.problems.push('GATEWAY_JWT_PUBLIC_KEY must be a public key, not a private key');
    return null;
  }
  const inferred = algorithmOfKey(key);
  if (inferred === null) {
    read.problems.push(
      `GATEWAY_JWT_PUBLIC_KEY has an unsupported key type (${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}): use Ed25519 (EdDSA), P-256 (ES256) or RSA (RS256)`,
    );
    return null;
  }
  if (givenAlg !== undefined && givenAlg !== inferred) {
    read.problems.push(`GATEWAY_JWT_ALGORITHM is ${givenAlg} but GATEWAY_JWT_PUBLIC_KEY is a key for ${inferred}`);
    return null;
  }
  if (inferred === 'RS256' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    read.problems.push('GATEWAY_JWT_PUBLIC_KEY: RSA keys must have at least 2048 bits');
    return null;
  }
  return { algorithm: inferred, key };
}

function jwksUrl(read: EnvReader, production: boolean): URL | null {
  const raw = read.string('GATEWAY_JWT_JWKS_URL');
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    read.problems.push(`GATEWAY_JWT_JWKS_URL must be an http(s) URL (got "${raw}")`);
    return null;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (!production || loopback))) {
    read.problems.push(`GATEWAY_JWT_JWKS_URL must use https${production ? ' in production' : ''} (got "${raw}")`);
    return null;
  }
  return url;
}

/** Writes `content` to `file` (mode 0600) unless it exists; returns the file's secret. */
function persistedSecret(file: string, generate: () => string): { secret: string; created: boolean } {
  try {
    fs.writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: readSecretFile(file), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  fs.chmodSync(file, 0o600);
  const secret = readSecretFile(file);
  if (!secret) throw new Error(`${file} is empty: delete it to generate a new development secret`);
  return { secret, created: false };
}

/** The development secrets under <dataDir>/secrets, created on first use. */
export function loadDevSecrets(dataDir: string): { secretsDir: string; engineSecret: string; jwtSecret: string; created: boolean } {
  const secretsDir = path.join(dataDir, 'secrets');
  // The data folder itself holds no secret and must stay traversable: as root, the embedded
  // PostgreSQL runs as the `postgres` user under <dataDir>/postgres. Only secrets/ is private.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(secretsDir, 0o700);
  // Same shape as the engine secret Borealis generates: 64 random bytes, base64url.
  const engine = persistedSecret(path.join(secretsDir, 'engine_secret.txt'), () => randomBytes(64).toString('base64url'));
  const jwt = persistedSecret(path.join(secretsDir, 'jwt_hs256_secret.txt'), () => randomBytes(48).toString('base64url'));
  return { secretsDir, engineSecret: engine.secret, jwtSecret: jwt.secret, created: engine.created || jwt.created };
}

export function loadAuthConfig(env: Env, dataDir: string, options: LoadAuthConfigOptions = {}): AuthConfig {
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';

  let secret = engineSecret(read);
  const maxAgeSeconds = read.integer('BOREALIS_TOKEN_TTL_SECONDS', DEFAULT_TOKEN_TTL_SECONDS, 60, 10 * 365 * 86400);
  const acceptLegacySha1 = read.boolean('BOREALIS_SESSION_LEGACY_SHA1', false);
  const clockToleranceSeconds = read.integer('GATEWAY_AUTH_CLOCK_TOLERANCE_SECONDS', DEFAULT_CLOCK_TOLERANCE_SECONDS, 0, 300);
  const identityCacheMs = read.integer('GATEWAY_IDENTITY_CACHE_MS', DEFAULT_IDENTITY_CACHE_MS, 0, MAX_IDENTITY_CACHE_MS);

  let hsSecret = read.string('GATEWAY_JWT_HS256_SECRET');
  if (hsSecret !== undefined && Buffer.byteLength(hsSecret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    read.problems.push(`GATEWAY_JWT_HS256_SECRET must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${Buffer.byteLength(hsSecret, 'utf8')})`);
    hsSecret = undefined;
  }
  const pemKey = publicKey(read);
  const jwks = jwksUrl(read, production);
  let issuer = read.string('GATEWAY_JWT_ISSUER');
  let audience = read.list('GATEWAY_JWT_AUDIENCE');
  const givenAlg = read.string('GATEWAY_JWT_ALGORITHM') as AsymmetricJwtAlgorithm | undefined;

  const allowedOrigins: string[] = [];
  for (const origin of read.list('GATEWAY_AUTH_ALLOWED_ORIGINS')) {
    try {
      const url = new URL(origin);
      if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) throw new Error('origin');
      allowedOrigins.push(url.origin);
    } catch {
      read.problems.push(`GATEWAY_AUTH_ALLOWED_ORIGINS: "${origin}" is not an origin like https://rmm.example.com`);
    }
  }

  const anySecretConfigured =
    secret !== undefined ||
    env.BOREALIS_ENGINE_SECRET_PATH?.trim() ||
    hsSecret !== undefined ||
    env.GATEWAY_JWT_HS256_SECRET?.trim() ||
    env.GATEWAY_JWT_PUBLIC_KEY?.trim() ||
    env.GATEWAY_JWT_JWKS_URL?.trim();

  let dev: AuthConfig['dev'] = null;
  if (!anySecretConfigured) {
    if (production) {
      read.problems.push(
        'No authentication secret is configured (NODE_ENV=production): set SECRET_KEY / BOREALIS_ENGINE_SECRET or BOREALIS_ENGINE_SECRET_PATH (the Borealis engine secret, for operator sessions) and/or GATEWAY_JWT_HS256_SECRET, GATEWAY_JWT_PUBLIC_KEY or GATEWAY_JWT_JWKS_URL (integrator JWTs)',
      );
    } else if (options.allowDevSecrets) {
      // Other problems are reported first; secrets are only written for an otherwise valid config.
      if (read.problems.length === 0) {
        try {
          const generated = loadDevSecrets(dataDir);
          secret = generated.engineSecret;
          hsSecret = generated.jwtSecret;
          issuer ??= DEV_JWT_ISSUER;
          if (audience.length === 0) audience = [DEV_JWT_AUDIENCE];
          dev = { secretsDir: generated.secretsDir, created: generated.created };
        } catch (error) {
          read.problems.push(`Cannot create the development secrets under ${path.join(dataDir, 'secrets')}: ${(error as Error).message}`);
        }
      }
    } else {
      read.problems.push(
        'No authentication secret is configured: set SECRET_KEY / BOREALIS_ENGINE_SECRET or BOREALIS_ENGINE_SECRET_PATH (the Borealis engine secret, for operator sessions) and/or GATEWAY_JWT_HS256_SECRET, GATEWAY_JWT_PUBLIC_KEY or GATEWAY_JWT_JWKS_URL (integrator JWTs)',
      );
    }
  }

  const jwtConfigured = hsSecret !== undefined || pemKey !== null || jwks !== null;
  const jwtRequested = jwtConfigured || !!env.GATEWAY_JWT_HS256_SECRET?.trim() || !!env.GATEWAY_JWT_PUBLIC_KEY?.trim() || !!env.GATEWAY_JWT_JWKS_URL?.trim();
  if (jwtRequested) {
    if (issuer === undefined) read.problems.push('GATEWAY_JWT_ISSUER is required when integrator JWT verification is configured');
    if (audience.length === 0) read.problems.push('GATEWAY_JWT_AUDIENCE is required when integrator JWT verification is configured');
  }

  if (read.problems.length > 0) throw new ConfigError(read.problems);

  return {
    session: secret === undefined ? null : { secret: Buffer.from(secret, 'utf8'), maxAgeSeconds, acceptLegacySha1 },
    jwt: jwtConfigured
      ? {
          issuer: issuer!,
          audience,
          hs256Secret: hsSecret === undefined ? null : Buffer.from(hsSecret, 'utf8'),
          publicKey: pemKey,
          jwksUrl: jwks,
          jwksAlgorithms: givenAlg !== undefined ? [givenAlg] : [...ASYMMETRIC_JWT_ALGORITHMS],
        }
      : null,
    clockToleranceSeconds,
    cookieName: SESSION_COOKIE_NAME,
    allowedOrigins,
    dev,
    identityCacheMs,
  };
}
