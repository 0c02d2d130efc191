/**
 * Errors of the domain services (operator mutations and the agent router share them). Each has a
 * stable code clients branch on; GraphQL exposes them as typed errors (plugin-errors), the agent
 * router maps them to its own `{"error": ...}` strings. Out-of-scope rows are reported exactly like
 * missing rows (NOT_FOUND), so an error never tells a User that another site's row exists.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'NOT_PENDING'
  | 'CONFLICT_RESOLUTION_REQUIRED'
  | 'CONFLICT'
  | 'VALIDATION_FAILED'
  | 'FORBIDDEN'
  | 'SECRET_NOT_ACCEPTED';

/** One invalid input value: where it is (argument path) and what is wrong with it. */
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

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} was not found.`);

export const validationFailed = (problems: readonly FieldProblem[]) =>
  new DomainError('VALIDATION_FAILED', `Invalid input: ${problems.map((p) => `${p.path.join('.') || 'input'}: ${p.message}`).join('; ')}`, problems);
