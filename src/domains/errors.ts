/**
 * Errors of the domain services (operator mutations and the agent router share them). Each has a
 * stable code clients branch on; GraphQL exposes them as typed errors (plugin-errors, one object
 * type per code: src/domains/graphql-mutations.ts), the agent router maps them to its own
 * `{"error": ...}` strings. Out-of-scope rows are reported exactly like missing rows (NOT_FOUND),
 * so an error never tells a User that another site's row exists.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'NOT_PENDING'
  | 'CONFLICT_RESOLUTION_REQUIRED'
  | 'CONFLICT'
  | 'VALIDATION_FAILED'
  | 'FORBIDDEN'
  | 'SECRET_NOT_ACCEPTED';

/** One invalid input value: where it is (path inside the command's input) and what is wrong with it. */
export interface FieldProblem {
  path: readonly (string | number)[];
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * The base of the one-class-per-code errors. `instanceof` matches by code, so a
 * `new DomainError('NOT_FOUND', ...)` is a NotFoundError too (plugin-errors picks the GraphQL type
 * with `instanceof`, and services may build either form).
 */
abstract class CodedDomainError extends DomainError {
  static readonly code: DomainErrorCode;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof DomainError && value.code === this.code;
  }
}

export class NotFoundError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'NOT_FOUND';
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class NotPendingError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'NOT_PENDING';
  constructor(message: string) {
    super('NOT_PENDING', message);
  }
}

export class ConflictResolutionRequiredError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'CONFLICT_RESOLUTION_REQUIRED';
  constructor(
    message: string,
    /** The hostname that another device (with another key) already has. */
    readonly hostname: string | null = null,
  ) {
    super('CONFLICT_RESOLUTION_REQUIRED', message);
  }
}

export class ConflictError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'CONFLICT';
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class ValidationFailedError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'VALIDATION_FAILED';
  constructor(problems: readonly FieldProblem[]) {
    super('VALIDATION_FAILED', `Invalid input: ${problems.map((p) => `${p.path.join('.') || 'input'}: ${p.message}`).join('; ')}`, problems);
  }
}

export class ForbiddenError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'FORBIDDEN';
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class SecretNotAcceptedError extends CodedDomainError {
  static override readonly code: DomainErrorCode = 'SECRET_NOT_ACCEPTED';
  constructor(message: string) {
    super('SECRET_NOT_ACCEPTED', message);
  }
}

/** `what` is the kind of row ("Device approval"): the message never depends on whether it exists elsewhere. */
export const notFound = (what: string) => new NotFoundError(`${what} was not found.`);

export const validationFailed = (problems: readonly FieldProblem[]) => new ValidationFailedError(problems);
