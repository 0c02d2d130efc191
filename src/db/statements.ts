/**
 * Counts the SQL statements each request sends, for the access log and metrics. The request's
 * tally travels with its async work (AsyncLocalStorage), so Prisma, raw queries and batched
 * loaders are all counted without passing anything down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StatementTally {
  count: number;
}

const current = new AsyncLocalStorage<StatementTally>();

/** Runs `work` (and everything it starts) with its statements counted in `tally`. */
export function countStatementsInto<T>(tally: StatementTally, work: () => T): T {
  return current.run(tally, work);
}

/** Called by the pool for every statement it sends. */
export function noteStatement(): void {
  const tally = current.getStore();
  if (tally) tally.count += 1;
}
