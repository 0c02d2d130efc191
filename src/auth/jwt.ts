/**
 * Integrator JWTs, verified with jose. Every key type has its own explicit algorithm allow-list
 * and its own jwtVerify call, so a token can only be checked with a key of the kind its `alg`
 * names: HS256 only with the HS256 secret, the PEM key only with its own algorithm, JWKS keys
 * only with asymmetric algorithms. `alg: none` and algorithm confusion (an HS256 token whose
 * "secret" is the public key) are refused. Issuer, audience, exp (required), nbf and sub (the
 * Borealis username) are checked.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject as JoseKeyObject,
} from 'jose';
import type { AsymmetricJwtAlgorithm, JwtConfig } from '../config/auth.js';
import { AuthError, AuthUnavailableError } from './errors.js';

export interface VerifiedJwt {
  /** `sub`: the Borealis username (re-read from engine.users by the caller). */
  username: string;
  expiresAt: Date;
  claims: JWTPayload;
}

export interface JwtVerifier {
  verify(token: string): Promise<VerifiedJwt>;
}

const MAX_TOKEN_LENGTH = 16 * 1024;

interface KeyCandidate {
  name: string;
  algorithms: string[];
  key: Uint8Array | JoseKeyObject | JWTVerifyGetKey;
}

/** The JWS algorithm names a key of this kind may verify (EdDSA keys also under the RFC 9864 name). */
function algorithmsFor(alg: AsymmetricJwtAlgorithm): string[] {
  return alg === 'EdDSA' ? ['EdDSA', 'Ed25519'] : [alg];
}

function mapJoseError(error: unknown): Error {
  if (error instanceof AuthError || error instanceof AuthUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('token_expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new AuthError('token_not_yet_valid');
    if (error.claim === 'iat' && error.reason === 'check_failed') return new AuthError('token_not_yet_valid');
    return new AuthError('token_invalid');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AuthUnavailableError('The JWKS endpoint could not be read', { cause: error });
  }
  if (error instanceof errors.JOSEError) return new AuthError('token_invalid');
  // Network failures of the JWKS fetch and other non-JOSE errors: not the token's fault.
  return new AuthUnavailableError('JWT verification failed unexpectedly', { cause: error });
}

function isSignatureMismatch(error: unknown): boolean {
  return error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey;
}

export function createJwtVerifier(config: JwtConfig, options: { clockToleranceSeconds?: number } = {}): JwtVerifier {
  const candidates: KeyCandidate[] = [];
  if (config.hs256Secret) candidates.push({ name: 'hs256', algorithms: ['HS256'], key: new Uint8Array(config.hs256Secret) });
  if (config.publicKey) {
    candidates.push({ name: 'public-key', algorithms: algorithmsFor(config.publicKey.algorithm), key: config.publicKey.key as unknown as JoseKeyObject });
  }
  if (config.jwksUrl) {
    candidates.push({
      name: 'jwks',
      algorithms: config.jwksAlgorithms.flatMap(algorithmsFor),
      key: createRemoteJWKSet(config.jwksUrl, { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
    });
  }

  return {
    async verify(token: string): Promise<VerifiedJwt> {
      if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) throw new AuthError('token_invalid');
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw new AuthError('token_invalid');
      }
      // "none" and anything not configured never reach a key.
      const usable = candidates.filter((c) => typeof alg === 'string' && c.algorithms.includes(alg));
      if (usable.length === 0) throw new AuthError('token_invalid');

      let lastError: unknown;
      for (const candidate of usable) {
        try {
          const { payload } = await jwtVerify(token, candidate.key as Uint8Array, {
            algorithms: candidate.algorithms,
            issuer: config.issuer,
            audience: config.audience,
            clockTolerance: options.clockToleranceSeconds ?? 0,
            requiredClaims: ['exp', 'sub'],
          });
          const username = typeof payload.sub === 'string' ? payload.sub.trim() : '';
          if (!username) throw new AuthError('token_invalid');
          return { username, expiresAt: new Date(payload.exp! * 1000), claims: payload };
        } catch (error) {
          lastError = error;
          // Same algorithm on another key (public key and JWKS): try the next one.
          if (isSignatureMismatch(error)) continue;
          throw mapJoseError(error);
        }
      }
      throw mapJoseError(lastError);
    },
  };
}

export interface MintJwtOptions {
  secret: Uint8Array;
  issuer: string;
  audience: string;
  subject: string;
  ttlSeconds: number;
  now?: Date;
}

/** An HS256 integrator JWT (token CLI, tests). */
export async function mintIntegratorJwt(options: MintJwtOptions): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + options.ttlSeconds)
    .sign(options.secret);
}
