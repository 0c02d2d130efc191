/**
 * The gateway's PostgreSQL pool, following Borealis's connection-hygiene rules
 * (borealis-db-reference.txt): short-lived pooled sessions, a bounded idle-in-transaction
 * timeout, the Engine's search_path and UTC, and a name that shows in pg_stat_activity.
 *
 * Session settings travel as startup parameters, so a new connection costs no extra round trip
 * and no code path can forget them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { DatabaseConfig } from '../config/env.js';
import { sessionSurvives } from './infrastructure-errors.js';
import { noteStatement } from './statements.js';

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

/** The database work of one request: the pooled connections it has checked out right now. */
interface RequestWork {
  readonly signal: AbortSignal;
  readonly checkedOut: Map<pg.PoolClient, Checkout>;
}

const currentRequest = new AsyncLocalStorage<RequestWork>();

/**
 * Runs `work` as the database work of a request: when `signal` aborts (the client went away), the
 * statements it has running are cancelled in PostgreSQL (pg_cancel_backend) and no further
 * connection is checked out for it. Without this, a slow statement keeps a pooled session busy
 * long after nobody waits for its answer.
 */
export function runForRequest<T>(signal: AbortSignal, work: () => T): T {
  const request: RequestWork = { signal, checkedOut: new Map() };
  signal.addEventListener(
    'abort',
    () => {
      for (const [client, checkout] of request.checkedOut) {
        checkout.cancelling ??= checkout.pool.cancelStatementOf(client);
      }
    },
    { once: true },
  );
  return currentRequest.run(request, work);
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
    // the request that runs them (src/db/statements.ts).
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
    const request = currentRequest.getStore();
    const refusal = request?.signal.aborted ? new RequestAbandonedError() : undefined;
    if (refusal) {
      if (callback) {
        callback(refusal, undefined, () => {});
        return;
      }
      return Promise.reject(refusal);
    }
    if (!request) return callback ? super.connect(callback) : super.connect();
    const checkedOut = super.connect().then((client) => this.checkOutFor(request, client));
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
  private checkOutFor(request: RequestWork, client: pg.PoolClient): pg.PoolClient {
    if (request.signal.aborted) {
      client.release();
      throw new RequestAbandonedError();
    }
    const checkout: Checkout = { pool: this };
    const release = client.release;
    request.checkedOut.set(client, checkout);
    client.release = (err?: Error | boolean) => {
      request.checkedOut.delete(client);
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
