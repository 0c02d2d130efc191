/**
 * Authentication of graphql-ws (v6) connections served with `useServer` from 'graphql-ws/use/ws'.
 *
 * - onConnect: the token comes from `connectionParams` (`{ authorization: 'Bearer ...' }` or
 *   `{ token }`), else from the upgrade request's `borealis_auth` cookie (same-origin only). It is
 *   verified and the account re-read like an HTTP request. Anything refused (no token, forged,
 *   expired, disabled account) closes the socket with 4403; an expired token says "Token expired".
 * - The socket is closed with 4403 "Token expired" when the token expires (timer, cleared on close).
 * - onSubscribe: the account is re-read for every operation (role, scope, disabled) and the
 *   socket closed with 4403 when it is refused by then. An unexpected failure (database down) is
 *   thrown, so the caller's pipeline masks it and logs it under the operation's request id.
 * - context / identityOf: the connection's current identity for resolvers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { bearerToken, cookieOriginAllowed, cookieValue, loadIdentity, verifyToken, type AuthDeps, type TokenProof } from './authenticate.js';
import { defaultLogger } from '../config/logger.js';
import { classifyInfrastructureError } from '../db/infrastructure-errors.js';
import { AuthError, unauthenticatedError } from './errors.js';
import type { OperatorIdentity } from './identity.js';

export const WS_CLOSE_FORBIDDEN = 4403;
export const WS_CLOSE_INTERNAL = 4500;
/**
 * The account could not be read because the database is unavailable (restart, failover):
 * WebSocket's "Try Again Later", which graphql-ws clients retry (4500 would be fatal for them).
 */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;
export const TOKEN_EXPIRED_REASON = 'Token expired';
/** setTimeout's largest delay (~24.8 days); longer lifetimes are waited for in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The part of a graphql-ws `Context` (with the `Extra` of 'graphql-ws/use/ws') these hooks use;
 * any such context is accepted, whatever its connectionParams / extra types.
 */
export interface WsContext {
  readonly connectionParams?: Readonly<Record<string, unknown>> | undefined;
  readonly extra: {
    readonly socket: { readonly readyState: number; readonly OPEN: number; readonly CONNECTING: number; close(code?: number, reason?: string): void };
    readonly request?: { readonly headers: IncomingHttpHeaders } | undefined;
  };
}

interface ConnectionState {
  proof: TokenProof;
  identity: OperatorIdentity;
  timer: NodeJS.Timeout | null;
}

export type WebSocketAuthOptions = AuthDeps;

export interface WebSocketAuth {
  onConnect(ctx: WsContext): Promise<boolean>;
  onSubscribe(ctx: WsContext, id: string, payload: unknown): Promise<readonly GraphQLError[] | void>;
  onClose(ctx: WsContext, code?: number, reason?: string): void;
  context(ctx: WsContext): { identity: OperatorIdentity | null };
  /** The identity of an authenticated connection (null before onConnect accepted it). */
  identityOf(ctx: WsContext): OperatorIdentity | null;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The token of a connection: connectionParams first, then the upgrade request's cookie. */
export function connectionToken(ctx: WsContext, deps: AuthDeps): string | undefined {
  const params = ctx.connectionParams ?? {};
  const authorization = params.authorization ?? params.Authorization;
  if (typeof authorization === 'string') {
    // "Bearer <token>", or the bare token as some clients send it.
    const token = bearerToken(authorization) ?? (/^\S+$/.test(authorization.trim()) ? authorization.trim() : undefined);
    if (token) return token;
  }
  if (typeof params.token === 'string' && params.token.trim()) return params.token.trim();
  const request = ctx.extra.request;
  const cookieHeader = header(request?.headers.cookie);
  if (!request || !cookieHeader) return undefined;
  const token = cookieValue(cookieHeader, deps.auth.cookieName);
  if (!token) return undefined;
  const allowed = cookieOriginAllowed(
    { origin: header(request.headers.origin), host: header(request.headers.host), secFetchSite: header(request.headers['sec-fetch-site']) },
    deps.auth.allowedOrigins,
  );
  if (!allowed) throw new AuthError('origin_refused');
  return token;
}

export function createWebSocketAuth(options: WebSocketAuthOptions): WebSocketAuth {
  const deps: AuthDeps = options;
  const log = options.log ?? defaultLogger();
  const states = new WeakMap<object, ConnectionState>();

  const close = (ctx: WsContext, code: number, reason: string) => {
    const socket = ctx.extra.socket;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };

  const clear = (ctx: WsContext) => {
    const state = states.get(ctx);
    if (state?.timer) clearTimeout(state.timer);
    states.delete(ctx);
  };

  const scheduleExpiry = (ctx: WsContext, state: ConnectionState) => {
    const expiresAt = state.proof.expiresAt;
    if (!expiresAt) return;
    const delay = expiresAt.getTime() - Date.now();
    if (delay <= 0) {
      clear(ctx);
      close(ctx, WS_CLOSE_FORBIDDEN, TOKEN_EXPIRED_REASON);
      return;
    }
    state.timer = setTimeout(() => scheduleExpiry(ctx, state), Math.min(delay, MAX_TIMER_MS));
    state.timer.unref?.();
  };

  const refuse = (ctx: WsContext, error: unknown): false => {
    if (error instanceof AuthError) {
      if (error.reason === 'token_expired') close(ctx, WS_CLOSE_FORBIDDEN, TOKEN_EXPIRED_REASON);
      // Returning false makes graphql-ws close with 4403 "Forbidden" (no detail for the client).
      return false;
    }
    if (classifyInfrastructureError(error)) {
      log.warn({ err: (error as Error).message }, 'WebSocket connection refused for now: the database is unavailable');
      close(ctx, WS_CLOSE_TRY_AGAIN_LATER, 'Database unavailable: try again later');
      return false;
    }
    log.error({ err: error }, 'WebSocket authentication failed unexpectedly');
    close(ctx, WS_CLOSE_INTERNAL, 'Internal server error');
    return false;
  };

  return {
    async onConnect(ctx) {
      try {
        const token = connectionToken(ctx, deps);
        if (!token) return false;
        const proof = await verifyToken(token, deps.auth);
        if (proof.expiresAt && proof.expiresAt.getTime() <= Date.now()) throw new AuthError('token_expired');
        const identity = await loadIdentity(deps.pool, proof);
        // Closed while we were verifying: onClose already ran, so keep no state and no timer.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        const state: ConnectionState = { proof, identity, timer: null };
        states.set(ctx, state);
        scheduleExpiry(ctx, state);
        return true;
      } catch (error) {
        return refuse(ctx, error);
      }
    },

    async onSubscribe(ctx) {
      const state = states.get(ctx);
      if (!state) {
        close(ctx, WS_CLOSE_FORBIDDEN, 'Forbidden');
        return [unauthenticatedError(new AuthError('token_invalid', 'This connection is not authenticated.'))];
      }
      try {
        if (state.proof.expiresAt && state.proof.expiresAt.getTime() <= Date.now()) throw new AuthError('token_expired');
        state.identity = await loadIdentity(deps.pool, state.proof);
        return undefined;
      } catch (error) {
        // e.g. the database is briefly unreachable: fail this operation, keep the connection.
        if (!(error instanceof AuthError)) throw error;
        clear(ctx);
        close(ctx, WS_CLOSE_FORBIDDEN, error.reason === 'token_expired' ? TOKEN_EXPIRED_REASON : 'Forbidden');
        return [unauthenticatedError(error)];
      }
    },

    onClose(ctx) {
      clear(ctx);
    },

    context(ctx) {
      return { identity: states.get(ctx)?.identity ?? null };
    },

    identityOf(ctx) {
      return states.get(ctx)?.identity ?? null;
    },
  };
}
