/**
 * Wiring authenticateRequest into GraphQL Yoga, at most once per request:
 * - `createRequestAuthenticator(deps)`: the `authenticate` function of GatewayServices (app.ts
 *   already calls `services.authenticate(request)` in its context factory);
 * - `useOperatorAuth(deps)`: a Yoga plugin that adds `identity` to the context of any Yoga;
 * - `withIdentity(deps, factory?)`: a Yoga `context` factory that adds `identity`.
 * All three share one per-Request cache, so combining them never authenticates twice.
 */
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { authenticateRequest, type AuthDeps } from './authenticate.js';
import type { OperatorIdentity } from './identity.js';

export interface IdentityContext {
  identity: OperatorIdentity | null;
}

const perRequest = new WeakMap<Request, Promise<OperatorIdentity | null>>();

/** authenticateRequest, memoised per Request object (a rejected result is memoised too). */
export function authenticateOnce(request: Request, deps: AuthDeps): Promise<OperatorIdentity | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    pending = authenticateRequest(request, deps);
    perRequest.set(request, pending);
  }
  return pending;
}

/** For GatewayServices.authenticate. */
export function createRequestAuthenticator(deps: AuthDeps): (request: Request) => Promise<OperatorIdentity | null> {
  return (request) => authenticateOnce(request, deps);
}

/** A Yoga plugin putting `identity` into the GraphQL context (a refused credential -> 401). */
export function useOperatorAuth(deps: AuthDeps): Plugin<IdentityContext> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const request = (context as Partial<YogaInitialContext>).request;
      if (!request) return;
      const identity = await authenticateOnce(request, deps);
      extendContext({ identity });
    },
  };
}

/** A Yoga `context` factory adding `identity`, optionally around another factory. */
export function withIdentity<TExtra extends Record<string, unknown> = Record<string, never>>(
  deps: AuthDeps,
  factory?: (initial: YogaInitialContext & IdentityContext) => TExtra | Promise<TExtra>,
): (initial: YogaInitialContext) => Promise<TExtra & IdentityContext> {
  return async (initial) => {
    const identity = await authenticateOnce(initial.request, deps);
    const extra = factory ? await factory({ ...initial, identity }) : ({} as TExtra);
    return { ...extra, identity };
  };
}
