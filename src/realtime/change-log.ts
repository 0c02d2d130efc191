/**
 * Reading and pruning `borealis_gateway.change_log` (src/db/change-capture.ts).
 *
 * Sequence numbers are taken when a writer's trigger runs, but transactions commit in any order:
 * seq 11 may be visible while seq 10's transaction is still running. Events are therefore
 * delivered strictly in sequence order, and a missing sequence (a gap) holds back what follows
 * until it is settled: the transaction that took it was running when the gap was seen (it took
 * the number before the later row committed), so once every transaction in progress at that
 * snapshot has finished, the number is either visible or was rolled back. A cursor is thus a
 * point below which nothing can appear any more, which makes resuming exact.
 */
import type pg from 'pg';
import type { RealtimeConfig } from '../config/env.js';
import { CHANGE_LOG } from '../db/change-capture.js';
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
  /** Transactions in progress at the page's snapshot (they may still commit lower sequences). */
  inProgress: string[];
}

/** Up to `limit` changes after `after`, with the in-progress transactions of the same snapshot. */
export async function readAfter(pool: pg.Pool, after: bigint, limit: number): Promise<LogPage> {
  const { rows } = await pool.query<LogRow>(
    `SELECT ${COLUMNS}, (SELECT array_agg(x::text) FROM pg_snapshot_xip(pg_current_snapshot()) AS x) AS in_progress
       FROM ${CHANGE_LOG} WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [after.toString(), limit],
  );
  return { changes: rows.map(toChange), inProgress: rows[0]?.in_progress ?? [] };
}

/** Whether every one of these transactions has finished (committed or rolled back). */
export async function allFinished(pool: pg.Pool, transactions: readonly string[]): Promise<boolean> {
  if (!transactions.length) return true;
  const { rows } = await pool.query<{ finished: boolean }>(
    `SELECT coalesce(bool_and(pg_xact_status(x::xid8) IS DISTINCT FROM 'in progress'), true) AS finished FROM unnest($1::text[]) AS x`,
    [transactions],
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
    `SELECT ${COLUMNS} FROM ${CHANGE_LOG} WHERE table_name = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
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
