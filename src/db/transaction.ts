/**
 * The one way to run a transaction: BEGIN, the work, COMMIT; ROLLBACK on any error; the session is
 * released either way. Writers keep the work to their statements (no waiting, no shaping inside),
 * so a transaction never stays open longer than its writes.
 */
import type pg from 'pg';

export interface TransactionOptions {
  /** Serialises concurrent holders of the same key for the transaction's duration. */
  advisoryLock?: number;
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
}

export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inClientTransaction(client, work, options);
  } finally {
    client.release();
  }
}

/** The same on a session the caller already holds (installers that run several transactions). */
export async function inClientTransaction<T>(
  client: pg.PoolClient,
  work: (client: pg.PoolClient) => Promise<T>,
  { advisoryLock, isolation }: TransactionOptions = {},
): Promise<T> {
  await client.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
  try {
    if (advisoryLock !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryLock]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
