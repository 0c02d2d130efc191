/**
 * Wiring authenticateRequest into GraphQL Yoga: `createRequestAuthenticator(deps)` is the
 * `authenticate` function of GatewayServices, which the context builder (src/server/context.ts)
 * calls once per HTTP request, batched or not. The account read is shared for
 * GATEWAY_IDENTITY_CACHE_MS (identity-cache.ts); with 0, engine.users is read on every request.
 */
import { authenticateRequest, type AuthDeps } from './authenticate.js';
import { IdentityCache } from './identity-cache.js';
import type { OperatorIdentity } from './identity.js';

export interface IdentityContext {
  identity: OperatorIdentity | null;
}

export function createRequestAuthenticator(deps: AuthDeps): (request: Request) => Promise<OperatorIdentity | null> {
  const ttlMs = deps.auth.identityCacheMs;
  const withCache: AuthDeps = { ...deps, identities: deps.identities ?? (ttlMs > 0 ? new IdentityCache(ttlMs) : null) };
  return (request) => authenticateRequest(request, withCache);
}
