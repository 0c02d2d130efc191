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
import { noteStatement } from './statements.js';

export class PoolExhaustedError extends Error {
  readonly code = 'DB_POOL_EXHAUSTED';
  constructor(waiting: number, max: number) {
    super(`Database pool exhausted: ${max} connections busy and ${waiting} requests already waiting. Retry shortly.`);
    this.name = 'PoolExhaustedError';
  }
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
 * A pg.Pool that refuses new work once too many requests are queued: under overload a quick
 * DB_POOL_EXHAUSTED is better for operators than requests that hang for the full timeout.
 */
export class GatewayPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly maxWaiting: number,
  ) {
    super(config);
    // Prisma's adapter and raw queries send every statement through pool.query: count them for
    // the request that runs them (src/db/statements.ts).
    const send = pg.Pool.prototype.query as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      noteStatement();
      return send.apply(this, args);
    }) as pg.Pool['query'];
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    const saturated = this.totalCount >= (this.options.max ?? 10) && this.idleCount === 0;
    if (saturated && this.waitingCount >= this.maxWaiting) {
      const error = new PoolExhaustedError(this.waitingCount, this.options.max ?? 10);
      if (callback) {
        callback(error, undefined, () => {});
        return;
      }
      return Promise.reject(error);
    }
    return callback ? super.connect(callback) : super.connect();
  }
}

export function createPool(connectionString: string, db: DatabaseConfig): GatewayPool {
  const pool = new GatewayPool(
    {
      connectionString,
      max: db.poolSize + db.maxOverflow,
      // Borealis keeps `pool_size` warm connections; connections beyond that are overflow and
      // are closed soon after the burst.
      min: 0,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: db.connectTimeoutSeconds * 1000,
      application_name: db.applicationName,
      options: sessionOptions(db),
      keepAlive: true,
    },
    db.maxWaitingRequests,
  );
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', (error) => {
    console.error(`[db] idle connection error: ${error.message}`);
  });
  // Nor one that breaks while checked out (e.g. the server stopped by Ctrl-C between two queries):
  // the work in flight fails with the error instead of an unhandled 'error' event.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}
