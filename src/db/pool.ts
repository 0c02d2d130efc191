/**
 * The gateway's PostgreSQL pool, following Borealis's connection-hygiene rules
 * (borealis-db-reference.txt): short-lived pooled sessions, a bounded idle-in-transaction
 * timeout, the Engine's search_path and UTC, and a name that shows in pg_stat_activity.
 *
 * Session settings travel as startup parameters, so a new connection costs no extra round trip
 * and no code path can forget them.
 */
import pg from 'pg';
import type { DatabaseConfig } from '../config/env.js';
import { sessionSurvives } from './infrastructure-errors.js';
import { currentRequestWork, noteStatement, type RequestWork } from './request-work.js';

/** Raised instead of starting a statement for a request whose client has gone away. */
export class RequestAbandonedError extends Error {
  readonly code = 'REQUEST_ABANDONED';
  constructor() {
    super('The client went away: no further database work is started for its request.');
    this.name = 'RequestAbandonedError';
  }
}

/** A connection checked out for a request, and the cancel of its statement once one is sent. */
interface Checkout {
  readonly pool: GatewayPool;
  cancelling?: Promise<void>;
}

/**
 * The connections each cancellable request work (src/db/request-work.ts) has checked out right
 * now. Created at its first checkout, with the abort listener that cancels their statements: a
 * request that never checks out a connection costs no listener.
 */
const checkoutsOf = new WeakMap<RequestWork, Map<pg.PoolClient, Checkout>>();

function checkoutsFor(work: RequestWork, signal: AbortSignal): Map<pg.PoolClient, Checkout> {
  let checkouts = checkoutsOf.get(work);
  if (!checkouts) {
    const created = new Map<pg.PoolClient, Checkout>();
    checkoutsOf.set(work, (checkouts = created));
    signal.addEventListener(
      'abort',
      () => {
        for (const [client, checkout] of created) checkout.cancelling ??= checkout.pool.cancelStatementOf(client);
      },
      { once: true },
    );
  }
  return checkouts;
}

/** Startup options that every pooled session runs with. */
export function sessionOptions(db: Pick<DatabaseConfig, 'idleInTransactionTimeoutMs' | 'statementTimeoutMs'>): string {
  return [
    '-c search_path=engine,assemblies,public',
    '-c TimeZone=UTC',
    `-c idle_in_transaction_session_timeout=${db.idleInTransactionTimeoutMs}`,
    `-c statement_timeout=${db.statementTimeoutMs}`,
  ].join(' ');
}

/**
 * The gateway's pg.Pool. How many requests may wait for its connections is decided per GraphQL
 * operation, before any work (src/server/plugins/admission.ts), not per statement here.
 */
export class GatewayPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    // Prisma's adapter and raw queries send every statement through pool.query: count them for
    // the request that runs them (src/db/request-work.ts).
    this.query = ((...args: unknown[]) => {
      noteStatement();
      return queryKeepingUsableSessions(this, args);
    }) as pg.Pool['query'];
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    // Cancellable work: a request whose client can go away (src/db/request-work.ts).
    const work = currentRequestWork();
    const signal = work?.signal;
    if (signal?.aborted) {
      const refusal = new RequestAbandonedError();
      if (callback) {
        callback(refusal, undefined, () => {});
        return;
      }
      return Promise.reject(refusal);
    }
    if (!work || !signal) return callback ? super.connect(callback) : super.connect();
    const checkedOut = super.connect().then((client) => this.checkOutFor(work, signal, client));
    if (!callback) return checkedOut;
    checkedOut.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }

  /** Cancels the statement a checked-out client is running, from a separate session (that one is busy). */
  async cancelStatementOf(client: pg.PoolClient): Promise<void> {
    const pid = (client as pg.PoolClient & { processID: number | null }).processID;
    if (pid === null) return;
    const canceller = new pg.Client(this.options);
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch (error) {
      console.error(`[db] could not cancel the statement of backend ${pid}: ${(error as Error).message}`);
    } finally {
      await canceller.end().catch(() => {});
    }
  }

  /** Records a checkout as the request's until it is released (the client may have gone while it waited). */
  private checkOutFor(work: RequestWork, signal: AbortSignal, client: pg.PoolClient): pg.PoolClient {
    if (signal.aborted) {
      client.release();
      throw new RequestAbandonedError();
    }
    const checkout: Checkout = { pool: this };
    const release = client.release;
    const checkouts = checkoutsFor(work, signal);
    checkouts.set(client, checkout);
    client.release = (err?: Error | boolean) => {
      checkouts.delete(client);
      // Until its cancel has been delivered, the session must not start another request's statement.
      if (checkout.cancelling) void checkout.cancelling.then(() => release.call(client, err));
      else release.call(client, err);
    };
    return client;
  }
}

/**
 * pg.Pool#query, except that a statement's own failure (statement timeout, invalid input) returns
 * the connection to the pool: pg-pool discards the connection on every error, so a burst of
 * timeouts would otherwise open as many new backend sessions. Broken connections are discarded.
 */
function queryKeepingUsableSessions(pool: pg.Pool, args: unknown[]): unknown {
  const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as (error: Error | undefined, result?: unknown) => void) : undefined;
  const run = async () => {
    const client = await pool.connect();
    try {
      const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      client.release();
      return result;
    } catch (error) {
      client.release(sessionSurvives(error) ? undefined : (error as Error));
      throw error;
    }
  };
  const result = run();
  if (!callback) return result;
  result.then((value) => callback(undefined, value), (error: Error) => callback(error));
  return undefined;
}

export function createPool(connectionString: string, db: DatabaseConfig): GatewayPool {
  const pool = new GatewayPool({
    connectionString,
    max: db.poolSize + db.maxOverflow,
    // Borealis keeps `pool_size` warm connections; connections beyond that are overflow and
    // are closed soon after the burst.
    min: 0,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: db.connectTimeoutSeconds * 1000,
    // Client-side bound on every statement: a frozen or partitioned database fails the request.
    query_timeout: db.queryTimeoutMs || undefined,
    application_name: db.applicationName,
    options: sessionOptions(db),
    keepAlive: true,
  });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', reportIdleConnectionError());
  // Nor one that breaks while checked out (e.g. the server stopped by Ctrl-C between two queries):
  // the work in flight fails with the error instead of an unhandled 'error' event.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/**
 * One line per burst of idle-connection errors: when the database goes away, every idle
 * connection reports the same loss at once.
 */
function reportIdleConnectionError(intervalMs = 10_000): (error: Error) => void {
  let windowEnds = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now < windowEnds) {
      suppressed += 1;
      return;
    }
    const earlier = suppressed ? ` (${suppressed} more in the previous ${intervalMs / 1000} s)` : '';
    console.error(`[db] idle connection error: ${error.message}${earlier}`);
    windowEnds = now + intervalMs;
    suppressed = 0;
  };
}
