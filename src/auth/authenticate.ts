/**
 * Who is calling: the credential of a request (Authorization: Bearer, else the `borealis_auth`
 * cookie), verified as a Borealis session token or an integrator JWT on every request, then
 * re-validated against engine.users (loadOperator: case-insensitive username, role and site scope
 * from the database, disabled / reset-required / deleted accounts refused), at most
 * GATEWAY_IDENTITY_CACHE_MS old for HTTP requests (identity-cache.ts).
 *
 * No credential -> null (anonymous; the schema lets anonymous callers see only the health query).
 * A credential that is refused -> a 401 GraphQLError (UNAUTHENTICATED), never a silent anonymous.
 */
import { looksLikeBorealisSession, verifyBorealisSession } from './borealis-session.js';
import type { AuthConfig } from '../config/auth.js';
import { defaultLogger, type Logger } from '../config/logger.js';
import { AuthError, AuthUnavailableError, authUnavailableError, fromOperatorRefusal, unauthenticatedError } from './errors.js';
import type { AuthMethod, OperatorIdentity } from './identity.js';
import type { IdentityCache } from './identity-cache.js';
import { createJwtVerifier, type JwtVerifier } from './jwt.js';
import { loadOperator, OperatorRefusedError, type OperatorSource } from './operator.js';

export interface AuthDeps {
  /** The pool the account is re-read from (src/auth/operator.ts). */
  pool: OperatorSource;
  /** Accounts read shortly before (HTTP requests, src/auth/yoga-plugin.ts); absent: read every time. */
  identities?: IdentityCache | null;
  auth: AuthConfig;
  /** Where unexpected verification failures (an unreachable JWKS) are logged; default stdout. */
  log?: Logger;
}

export type CredentialSource = 'header' | 'cookie' | 'connection-params';

export interface Credential {
  token: string;
  source: CredentialSource;
}

/** What a verified token proves, before the account is re-read. */
export interface TokenProof {
  username: string;
  authMethod: AuthMethod;
  expiresAt: Date | null;
}

/** `Bearer <token>` (scheme case-insensitive) -> token; anything else -> undefined. */
export function bearerToken(value: string | null | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

/** The value of one cookie from a Cookie header (first occurrence wins). */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!value) return undefined;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * Whether a cookie credential may be used for a request with these headers. Browsers attach
 * cookies to cross-origin requests and WebSocket upgrades, so a cookie counts only when the
 * request comes from the gateway's own origin (Origin host = Host), from an allowed origin, or
 * from a non-browser client (no Origin, no Sec-Fetch-Site: cross-site).
 */
export function cookieOriginAllowed(
  headers: { origin?: string | null; host?: string | null; secFetchSite?: string | null },
  allowedOrigins: readonly string[],
): boolean {
  const origin = headers.origin?.trim();
  if (!origin) return headers.secFetchSite?.trim().toLowerCase() !== 'cross-site';
  if (allowedOrigins.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return !!headers.host && url.host.toLowerCase() === headers.host.trim().toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The credential of an HTTP request: the Bearer header first, then the `borealis_auth` cookie.
 * Throws AuthError('origin_refused') for a cookie sent from a foreign origin.
 */
export function requestCredential(request: Request, auth: Pick<AuthConfig, 'cookieName' | 'allowedOrigins'>): Credential | null {
  const header = bearerToken(request.headers.get('authorization'));
  if (header) return { token: header, source: 'header' };
  const cookie = cookieValue(request.headers.get('cookie'), auth.cookieName);
  if (!cookie) return null;
  let host = request.headers.get('host');
  if (!host) {
    try {
      host = new URL(request.url).host;
    } catch {
      host = null;
    }
  }
  const allowed = cookieOriginAllowed(
    { origin: request.headers.get('origin'), host, secFetchSite: request.headers.get('sec-fetch-site') },
    auth.allowedOrigins,
  );
  if (!allowed) throw new AuthError('origin_refused');
  return { token: cookie, source: 'cookie' };
}

const jwtVerifiers = new WeakMap<AuthConfig, JwtVerifier>();

function jwtVerifierFor(auth: AuthConfig): JwtVerifier | null {
  if (!auth.jwt) return null;
  let verifier = jwtVerifiers.get(auth);
  if (!verifier) {
    verifier = createJwtVerifier(auth.jwt, { clockToleranceSeconds: auth.clockToleranceSeconds });
    jwtVerifiers.set(auth, verifier);
  }
  return verifier;
}

/** Verifies a token (session or JWT); throws AuthError / AuthUnavailableError. `now` applies to session tokens (jose reads the clock itself). */
export async function verifyToken(token: string, auth: AuthConfig, now: Date = new Date()): Promise<TokenProof> {
  if (looksLikeBorealisSession(token)) {
    if (!auth.session) throw new AuthError('token_not_accepted', 'Borealis session tokens are not accepted: this gateway has no engine secret configured.');
    const session = verifyBorealisSession(token, {
      secret: auth.session.secret,
      maxAgeSeconds: auth.session.maxAgeSeconds,
      acceptLegacySha1: auth.session.acceptLegacySha1,
      clockToleranceSeconds: auth.clockToleranceSeconds,
      now,
    });
    return { username: session.username, authMethod: 'borealis-session', expiresAt: session.expiresAt };
  }
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new AuthError('token_invalid');
  const verifier = jwtVerifierFor(auth);
  if (!verifier) throw new AuthError('token_not_accepted', 'Integrator JWTs are not accepted: this gateway has no JWT verification configured.');
  const jwt = await verifier.verify(token);
  return { username: jwt.username, authMethod: 'jwt', expiresAt: jwt.expiresAt };
}

/** Re-reads the account of a verified proof (or takes it from `identities`); throws AuthError for refused accounts. */
export async function loadIdentity(pool: OperatorSource, proof: TokenProof, identities?: IdentityCache | null): Promise<OperatorIdentity> {
  const fromToken = { authMethod: proof.authMethod, expiresAt: proof.expiresAt };
  try {
    if (!identities) return await loadOperator(pool, proof.username, fromToken);
    const account = await identities.account(proof.username, () => loadOperator(pool, proof.username, fromToken));
    return { ...account, ...fromToken };
  } catch (error) {
    if (error instanceof OperatorRefusedError) throw fromOperatorRefusal(error);
    throw error;
  }
}

/** Token -> identity (verification + account re-read); throws AuthError / AuthUnavailableError. */
export async function authenticateToken(token: string, deps: AuthDeps): Promise<OperatorIdentity> {
  return loadIdentity(deps.pool, await verifyToken(token, deps.auth), deps.identities);
}

/**
 * The identity of an HTTP request: null without a credential; a 401 GraphQLError
 * (UNAUTHENTICATED, with `extensions.reason`) for a refused one; 503 (AUTH_UNAVAILABLE) when a
 * JWKS cannot be read. Database errors propagate (the server masks them).
 */
export async function authenticateRequest(request: Request, deps: AuthDeps): Promise<OperatorIdentity | null> {
  try {
    const credential = requestCredential(request, deps.auth);
    if (!credential) return null;
    return await authenticateToken(credential.token, deps);
  } catch (error) {
    if (error instanceof AuthError) throw unauthenticatedError(error);
    if (error instanceof AuthUnavailableError) {
      (deps.log ?? defaultLogger()).warn({ err: error.cause ?? error }, `Authentication unavailable: ${error.message}`);
      throw authUnavailableError();
    }
    throw error;
  }
}
