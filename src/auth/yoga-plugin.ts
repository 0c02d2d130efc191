/**
 * Wiring authenticateRequest into GraphQL Yoga: `createRequestAuthenticator(deps)` is the
 * `authenticate` function of GatewayServices, which the context builder (src/server/context.ts)
 * calls once per HTTP request, batched or not (so engine.users is read once per request).
 */
import { authenticateRequest, type AuthDeps } from './authenticate.js';
import type { OperatorIdentity } from './identity.js';

export interface IdentityContext {
  identity: OperatorIdentity | null;
}

export function createRequestAuthenticator(deps: AuthDeps): (request: Request) => Promise<OperatorIdentity | null> {
  return (request) => authenticateRequest(request, deps);
}
