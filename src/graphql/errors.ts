/** GraphQL errors with the codes clients branch on. Messages say what to do, never leak internals. */
import { GraphQLError } from 'graphql';
import type { OperatorIdentity } from '../auth/identity.js';
import type { GatewayContext } from './context.js';

export function unauthenticated(message = 'Authentication required: send a Borealis session token or an integrator JWT.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message = 'Administrator permissions are required for this field.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function badInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extra } });
}

export function requireOperator(ctx: GatewayContext): OperatorIdentity {
  if (!ctx.identity) throw unauthenticated();
  return ctx.identity;
}

export function requireAdmin(ctx: GatewayContext): OperatorIdentity {
  const identity = requireOperator(ctx);
  if (!identity.isAdmin) throw forbidden();
  return identity;
}
