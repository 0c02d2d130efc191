/**
 * The GraphQL side of the commands (src/domains/commands.ts), shared by every domain's mutations.ts:
 * `commandContext` (the command's view of the request) and the typed errors of DomainError
 * (src/domains/errors.ts): an `Error` interface (`code`, `message`) and one object type per code. A mutation lists the errors it can answer with
 * `errors: errorTypes(NotFoundError, ...)`; plugin-errors turns a thrown DomainError of those
 * codes into that member of the field's result union. A DomainError a field does not list still
 * reaches the client as a top-level error with its code (src/server/plugins/mask-errors.ts).
 */
import { builder } from '../graphql/builder.js';
import type { GatewayContext } from '../graphql/context.js';
import { requireOperator } from '../graphql/errors.js';
import type { CommandContext } from './commands.js';
import {
  ConflictError,
  ConflictResolutionRequiredError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  NotPendingError,
  SecretNotAcceptedError,
  ValidationFailedError,
  type DomainErrorCode,
  type FieldProblem,
} from './errors.js';

const CODES: Record<DomainErrorCode, string> = {
  NOT_FOUND: 'The row does not exist or is outside the operator\'s sites (the two are never told apart).',
  NOT_PENDING: 'The device approval is no longer pending (already approved, denied, expired or completed).',
  CONFLICT_RESOLUTION_REQUIRED: 'Another device already has the hostname with another key: choose OVERWRITE or COEXIST.',
  CONFLICT: 'A unique value (e.g. a name) is already taken.',
  VALIDATION_FAILED: 'The input is invalid; `problems` says where and why. Nothing was written.',
  FORBIDDEN: 'The operator may not do this.',
  SECRET_NOT_ACCEPTED: 'Secret material is encrypted by the Borealis engine (Aegis) and never accepted by the gateway.',
};

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'The code of a typed mutation error (also `extensions.code` when it surfaces as a GraphQL error).',
  values: Object.fromEntries(Object.entries(CODES).map(([code, description]) => [code, { description }])) as Record<
    DomainErrorCode,
    { description: string }
  >,
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure of a mutation. Nothing was written when a mutation answers one.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
    message: t.exposeString('message'),
  }),
});

const FieldProblemRef = builder.objectRef<FieldProblem>('FieldProblem').implement({
  description: 'One invalid input value.',
  fields: (t) => ({
    path: t.stringList({
      description: 'Where the value is, inside the mutation\'s `input` argument (e.g. ["hostnames", "2"]).',
      resolve: (problem) => problem.path.map(String),
    }),
    message: t.exposeString('message'),
  }),
});

const simple = (errorClass: new (message: string) => DomainError, name: string, description: string) =>
  builder.objectType(errorClass, { name, description, interfaces: [ErrorInterface], isTypeOf: (value) => value instanceof errorClass });

simple(NotFoundError, 'NotFoundError', CODES.NOT_FOUND);
simple(NotPendingError, 'NotPendingError', CODES.NOT_PENDING);
simple(ConflictError, 'ConflictError', CODES.CONFLICT);
simple(ForbiddenError, 'ForbiddenError', CODES.FORBIDDEN);
simple(SecretNotAcceptedError, 'SecretNotAcceptedError', CODES.SECRET_NOT_ACCEPTED);

builder.objectType(ConflictResolutionRequiredError, {
  name: 'ConflictResolutionRequiredError',
  description: CODES.CONFLICT_RESOLUTION_REQUIRED,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictResolutionRequiredError,
  fields: (t) => ({
    hostname: t.string({
      nullable: true,
      description: 'The hostname in conflict.',
      resolve: (error) => (error as Partial<ConflictResolutionRequiredError>).hostname ?? null,
    }),
  }),
});

builder.objectType(ValidationFailedError, {
  name: 'ValidationFailedError',
  description: CODES.VALIDATION_FAILED,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationFailedError,
  fields: (t) => ({
    problems: t.field({ type: [FieldProblemRef], resolve: (error) => error.problems }),
  }),
});

/** A mutation field's `errors` option: the typed errors it answers (each is a member of its result union). */
export function errorTypes(...types: Array<abstract new (...args: never[]) => DomainError>) {
  return { types: types as unknown as Array<typeof Error> };
}

/** The command's view of a mutation's request (the Mutation type's authScopes already required an operator). */
export function commandContext(ctx: GatewayContext): CommandContext {
  return { pool: ctx.pool, identity: requireOperator(ctx), scope: ctx.scope, log: ctx.log };
}
