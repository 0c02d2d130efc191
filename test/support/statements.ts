/**
 * Counts the SQL statements a pool executes (Prisma's adapter and raw queries both go through
 * pool.query), for tests that prove batching: the count must not grow with the page size.
 */
import type pg from 'pg';

export interface StatementCounter {
  readonly statements: string[];
  reset(): void;
  stop(): void;
}

export function countStatements(pool: pg.Pool): StatementCounter {
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const statements: string[] = [];
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const first = args[0];
    statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text ?? ''));
    return original(...args);
  };
  return {
    statements,
    reset: () => void statements.splice(0),
    stop: () => {
      (pool as unknown as { query: unknown }).query = original;
    },
  };
}
