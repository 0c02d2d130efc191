/**
 * Records the SQL statements a pool executes (Prisma's adapter and raw queries both go through
 * pool.query), for tests that prove batching (the count must not grow with the page size) and for
 * the SQL snapshots of test/screens.
 */
import type pg from 'pg';
import { rowsFetched } from '../../src/access/batch.js';

export interface RecordedStatement {
  text: string;
  values: readonly unknown[];
  /** The prepared statement's name, when the statement was sent as a named one. */
  name?: string;
  /** Rows the statement fetched, once it settled (rows fetched per request; access/batch.ts rowsFetched). */
  rows?: number;
}

export interface StatementRecorder {
  readonly recorded: RecordedStatement[];
  reset(): void;
  stop(): void;
}

export interface StatementCounter {
  readonly statements: string[];
  reset(): void;
  stop(): void;
}

type QueryFn = (...args: unknown[]) => unknown;

/** The text and bind values of any pool.query call shape: (text, values?, cb?) or ({ text, values }). */
function statementOf(args: unknown[]): RecordedStatement {
  const [first, second] = args;
  if (typeof first === 'string') return { text: first, values: Array.isArray(second) ? second : [] };
  const config = first as { text?: string; values?: unknown[]; name?: string };
  return { text: String(config.text ?? ''), values: config.values ?? (Array.isArray(second) ? second : []), ...(config.name ? { name: config.name } : {}) };
}

/**
 * Wraps pool.query until `stop()`. With `serialize`, each statement starts only after the previous
 * one settled: with a single query in flight, the order in which the gateway issues statements no
 * longer depends on which of two concurrent queries the server answers first, so a recording is
 * the same on every run (the statements themselves are unchanged; only their overlap is removed).
 */
export function recordStatements(pool: pg.Pool, options: { serialize?: boolean } = {}): StatementRecorder {
  const target = pool as unknown as { query: QueryFn };
  const original = target.query;
  const recorded: RecordedStatement[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  target.query = (...args: unknown[]) => {
    const statement = statementOf(args);
    recorded.push(statement);
    const run = () => {
      const result = original.apply(pool, args);
      if (result instanceof Promise) {
        void result.then(
          (settled: Parameters<typeof rowsFetched>[0]) => (statement.rows = rowsFetched(settled)),
          () => undefined,
        );
      }
      return result;
    };
    // Callback-style calls are internal to pg and never used by the gateway; they pass through.
    if (!options.serialize || typeof args[args.length - 1] === 'function') return run();
    const result = previous.then(run);
    previous = result.catch(() => undefined);
    return result;
  };
  return {
    recorded,
    reset: () => void recorded.splice(0),
    stop: () => {
      target.query = original;
    },
  };
}

/** Statement texts only, as the batching tests compare them. */
export function countStatements(pool: pg.Pool): StatementCounter {
  const recorder = recordStatements(pool);
  return {
    get statements() {
      return recorder.recorded.map((statement) => statement.text);
    },
    reset: recorder.reset,
    stop: recorder.stop,
  };
}
