/**
 * Reading and pruning `borealis_gateway.change_log` (src/db/change-capture.ts).
 *
 * Sequence numbers are taken when a writer's trigger runs, but transactions commit in any order:
 * seq 11 may be visible while seq 10's transaction is still running. Events are therefore
 * delivered strictly in sequence order, and a missing sequence (a gap) holds back what follows
 * until it is settled: the transaction that took it was running when the gap was seen (it took
 * the number before the later row committed) and holds the change writers' advisory lock
 * (CHANGE_WRITER_LOCK) until it ends, so once every change writer of this database that held the
 * lock when the page was read has finished, the number is either visible or was rolled back.
 * Transactions of other databases, or ones that never logged a change, do not hold events back. A cursor is thus a
 * point below which nothing can appear any more, which makes resuming exact.
 */
import type pg from 'pg';
import type { RealtimeConfig } from '../config/env.js';
import { CHANGE_LOG, CHANGE_WRITER_LOCK } from '../db/change-capture.js';
import type { ChangeOperation } from '../graphql/changes.js';

export interface LoggedChange {
  seq: bigint;
  table: string;
  operation: ChangeOperation;
  key: string;
  siteIds: number[] | null;
  status: string | null;
  previousStatus: string | null;
  changedColumns: string[] | null;
  changedAt: Date;
}

interface LogRow {
  seq: string;
  table_name: string;
  operation: ChangeOperation;
  row_key: string;
  site_ids: number[] | null;
  status: string | null;
  previous_status: string | null;
  changed_columns: string[] | null;
  changed_at: Date;
  in_progress: string[] | null;
}

// Ordered by the table's bigint `log.seq`, never by this text alias ("10" < "9").
const COLUMNS = 'seq::text, table_name, operation, row_key, site_ids, status, previous_status, changed_columns, changed_at';

const toChange = (row: LogRow): LoggedChange => ({
  seq: BigInt(row.seq),
  table: row.table_name,
  operation: row.operation,
  key: row.row_key,
  siteIds: row.site_ids,
  status: row.status,
  previousStatus: row.previous_status,
  changedColumns: row.changed_columns,
  changedAt: row.changed_at,
});

export interface LogPage {
  changes: LoggedChange[];
  /** Change writers (virtual transaction ids) running when the page was read: they may still commit lower sequences. */
  inProgress: string[];
}

/** The change writers of this database: holders of CHANGE_WRITER_LOCK (pg_locks needs no privilege). */
const RUNNING_WRITERS = `SELECT l.virtualtransaction FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = ${CHANGE_WRITER_LOCK} AND l.objsubid = 1
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.granted`;

/** Up to `limit` changes after `after`, with the change writers running when they were read. */
export async function readAfter(pool: pg.Pool, after: bigint, limit: number): Promise<LogPage> {
  const { rows } = await pool.query<LogRow>(
    `SELECT ${COLUMNS}, (SELECT array_agg(w.virtualtransaction) FROM (${RUNNING_WRITERS}) w) AS in_progress
       FROM ${CHANGE_LOG} log WHERE log.seq > $1 ORDER BY log.seq LIMIT $2`,
    [after.toString(), limit],
  );
  return { changes: rows.map(toChange), inProgress: rows[0]?.in_progress ?? [] };
}

/** Whether every one of these change writers has finished (committed or rolled back). */
export async function allFinished(pool: pg.Pool, writers: readonly string[]): Promise<boolean> {
  if (!writers.length) return true;
  const { rows } = await pool.query<{ finished: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM (${RUNNING_WRITERS}) w WHERE w.virtualtransaction = ANY($1::text[])) AS finished`,
    [writers],
  );
  return rows[0]!.finished;
}

/** The last sequence taken so far (the start of a replica's live stream). */
export async function lastSequence(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ seq: string }>(`SELECT coalesce(max(seq), 0)::text AS seq FROM ${CHANGE_LOG}`);
  return BigInt(rows[0]!.seq);
}

/** Changes of `table` in (after, through], for a resuming subscriber. */
export async function readRange(pool: pg.Pool, table: string, after: bigint, through: bigint, limit: number): Promise<LoggedChange[]> {
  const { rows } = await pool.query<LogRow>(
    `SELECT ${COLUMNS} FROM ${CHANGE_LOG} log WHERE log.table_name = $1 AND log.seq > $2 AND log.seq <= $3 ORDER BY log.seq LIMIT $4`,
    [table, after.toString(), through.toString(), limit],
  );
  return rows.map(toChange);
}

/** Everything at or below this sequence may have been pruned. */
export async function prunedThrough(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ seq: string }>(`SELECT pruned_through::text AS seq FROM ${CHANGE_LOG}_state`);
  return BigInt(rows[0]?.seq ?? '0');
}

/** Deletes rows older than the retention or beyond the row cap; records how far it pruned. */
export async function pruneChangeLog(pool: pg.Pool, config: Pick<RealtimeConfig, 'changeLogRetentionSeconds' | 'changeLogMaxRows'>): Promise<number> {
  const { rows } = await pool.query<{ pruned: number }>(
    `WITH doomed AS (
       DELETE FROM ${CHANGE_LOG}
        WHERE changed_at < now() - make_interval(secs => $1)
           OR seq <= (SELECT max(seq) FROM ${CHANGE_LOG}) - $2
       RETURNING seq),
     marked AS (
       UPDATE ${CHANGE_LOG}_state SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM doomed))
        WHERE EXISTS (SELECT 1 FROM doomed))
     SELECT count(*)::int AS pruned FROM doomed`,
    [config.changeLogRetentionSeconds, config.changeLogMaxRows],
  );
  return rows[0]!.pruned;
}
