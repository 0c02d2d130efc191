/**
 * The database work of one request, carried through everything it starts (one AsyncLocalStorage,
 * one `run` per operation): where its SQL statements are counted, for the access log and
 * metrics, and the signal of a caller that can go away, on which the pool cancels its running
 * statements and starts no further ones (src/db/pool.ts). Prisma, raw queries and batched loaders
 * are all covered without passing anything down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StatementTally {
  count: number;
}

export interface RequestWork {
  /** Counts every statement sent for it (the request's trace); absent: not counted. */
  readonly statements?: StatementTally | undefined;
  /** Fires when its caller has gone away; absent: nothing cancels it. */
  readonly signal?: AbortSignal | undefined;
}

const current = new AsyncLocalStorage<RequestWork>();

/** Runs `run` (and everything it starts) as `work`, replacing any request work around it. */
export function runAsRequestWork<T>(work: RequestWork, run: () => T): T {
  return current.run(work, run);
}

/** Runs `run` with its statements counted in `tally`, and no signal (work that is not cancelled). */
export function countStatementsInto<T>(tally: StatementTally, run: () => T): T {
  return current.run({ statements: tally }, run);
}

export function currentRequestWork(): RequestWork | undefined {
  return current.getStore();
}

/** Called by the pool for every statement it sends. */
export function noteStatement(): void {
  const tally = current.getStore()?.statements;
  if (tally) tally.count += 1;
}
