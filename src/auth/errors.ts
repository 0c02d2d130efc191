/**
 * Why a credential was refused, and how that is told to a client: a 401 GraphQL error whose
 * message says what happened (expired, invalid, account refused) without echoing the token,
 * without a stack and without verification internals.
 */
import { GraphQLError } from 'graphql';
import { OperatorRefusedError } from './operator.js';

export type AuthFailureReason =
  | 'token_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_not_accepted'
  | 'origin_refused'
  | 'account_unknown'
  | 'account_disabled'
  | 'auth_reset_required';

const MESSAGES: Record<AuthFailureReason, string> = {
  token_invalid: 'The authentication token is invalid. Sign in again.',
  token_expired: 'The authentication token has expired. Sign in again.',
  token_not_yet_valid: 'The authentication token is not valid yet (check the issuer clock).',
  token_not_accepted: 'This kind of authentication token is not accepted by this gateway.',
  origin_refused: 'The borealis_auth cookie is not accepted from this origin; send an Authorization: Bearer header instead.',
  account_unknown: 'The account of this token no longer exists.',
  account_disabled: 'This account is disabled.',
  auth_reset_required: 'This account must reset its credentials in Borealis before it can sign in.',
};

/** A refused credential. `message` is safe to show to the client. */
export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    message: string = MESSAGES[reason],
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/**
 * The verification could not be carried out (e.g. the JWKS endpoint is unreachable): not the
 * caller's fault, so not a 401.
 */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthUnavailableError';
  }
}

/** OperatorRefusedError (loadOperator) as an AuthError. */
export function fromOperatorRefusal(error: OperatorRefusedError): AuthError {
  switch (error.reason) {
    case 'unknown-user':
      return new AuthError('account_unknown');
    case 'directory-disabled':
      return new AuthError('account_disabled', 'This directory account is disabled.');
    case 'reset-required':
      return new AuthError('auth_reset_required');
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}

/** 401 with `extensions.code = UNAUTHENTICATED` and the refusal reason for clients to branch on. */
export function unauthenticatedError(error: AuthError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: 'UNAUTHENTICATED', reason: error.reason, http: { status: 401 } },
  });
}

/** 503: the credential could not be checked right now. */
export function authUnavailableError(): GraphQLError {
  return new GraphQLError('Authentication is temporarily unavailable. Retry shortly.', {
    extensions: { code: 'AUTH_UNAVAILABLE', http: { status: 503 } },
  });
}
