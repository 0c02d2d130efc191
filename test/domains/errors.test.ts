import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput } from '../../src/domains/commands.js';
import { ConflictResolutionRequiredError, DomainError, NotFoundError, NotPendingError, ValidationFailedError } from '../../src/domains/errors.js';
import { maskError } from '../../src/server/plugins/mask-errors.js';

describe('DomainError classes', () => {
  it('match by code, however the error was built (the GraphQL type is chosen with instanceof)', () => {
    const plain = new DomainError('NOT_FOUND', 'Site was not found.');
    expect(plain instanceof NotFoundError).toBe(true);
    expect(plain instanceof NotPendingError).toBe(false);
    const typed = new ConflictResolutionRequiredError('conflict', 'HOST-1');
    expect(typed instanceof DomainError).toBe(true);
    expect(typed instanceof ConflictResolutionRequiredError).toBe(true);
    expect(typed instanceof NotFoundError).toBe(false);
    expect([typed.code, typed.hostname]).toEqual(['CONFLICT_RESOLUTION_REQUIRED', 'HOST-1']);
  });

  it('parseInput reports every invalid value with its path, before anything else runs', () => {
    const schema = z.object({ name: z.string().min(1, 'Required.'), hostnames: z.array(z.string().max(3, 'Too long.')) });
    expect(parseInput(schema, { name: 'a', hostnames: ['abc'] })).toEqual({ name: 'a', hostnames: ['abc'] });
    let error: unknown;
    try {
      parseInput(schema, { name: '', hostnames: ['ok', 'toolong'] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).problems).toEqual([
      { path: ['name'], message: 'Required.' },
      { path: ['hostnames', 1], message: 'Too long.' },
    ]);
    expect((error as Error).message).toBe('Invalid input: name: Required.; hostnames.1: Too long.');
  });

  it('a domain error a field does not list as a typed result reaches the client with its code, not masked', () => {
    const wrapped = new GraphQLError('Invalid input', { originalError: new ValidationFailedError([{ path: ['id'], message: 'Required.' }]) });
    const masked = maskError(wrapped) as GraphQLError;
    expect(masked.message).toBe('Invalid input');
    expect(masked.extensions).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ path: ['id'], message: 'Required.' }] });
    const internal = maskError(new GraphQLError('boom', { originalError: new Error('SELECT secret FROM x') })) as GraphQLError;
    expect(internal.extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
