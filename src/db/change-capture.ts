/**
 * Change capture in PostgreSQL for live subscriptions (docs/subscriptions.md). Borealis's Python
 * and Go services write these tables with plain SQL, so changes are recorded where they happen: an
 * AFTER trigger on each captured table appends one row per changed row to
 * `borealis_gateway.change_log` (in the writer's own transaction, never touching Borealis's
 * columns) and `pg_notify`s its sequence on CHANGE_CHANNEL. Every gateway replica LISTENs and reads
 * the log from its last sequence (src/realtime).
 *
 * The trigger function is SECURITY DEFINER (owned by the installing role), so Borealis's own role
 * needs no privilege on `borealis_gateway`.
 */
import type pg from 'pg';
import type { GatewaySchemaPart } from './gateway-schema.js';

export const CHANGE_CHANNEL = 'borealis_gateway_changes';
export const CHANGE_LOG = 'borealis_gateway.change_log';
/**
 * Every transaction that logs a change holds this advisory lock (shared, so writers never wait for
 * each other) from before it takes its sequence number until it ends. The reader asks pg_locks
 * which of them are still running when it sees a gap: only the change-log writers of this
 * database, not every transaction of the cluster.
 */
export const CHANGE_WRITER_LOCK = 0x62676377; // 'bgcw'
const TRIGGER_NAME = 'borealis_gateway_capture';

/** A captured Borealis table: the key, status and site columns its change rows record. */
export interface CapturedTable {
  readonly table: string;
  readonly key: string;
  readonly status: string;
  /** The row's own site column; null when the site is not on the row (runs: through their device). */
  readonly site: string | null;
  /** The column Borealis bumps on every write (the fallback poller reads by it). */
  readonly updatedAt: string;
}

export const CAPTURED_TABLES = [
  { table: 'scheduled_job_runs', key: 'id', status: 'status', site: null, updatedAt: 'updated_at' },
  { table: 'watchdog_incidents', key: 'id', status: 'state', site: 'site_id', updatedAt: 'updated_at' },
  { table: 'device_approvals', key: 'id', status: 'status', site: 'site_id', updatedAt: 'updated_at' },
  { table: 'job_scheduler_work_items', key: 'id', status: 'status', site: 'site_id', updatedAt: 'updated_at' },
] as const satisfies readonly CapturedTable[];

export type CapturedTableName = (typeof CAPTURED_TABLES)[number]['table'];

export function capturedTable(name: string): CapturedTable {
  const table = CAPTURED_TABLES.find((t) => t.table === name);
  if (!table) throw new Error(`Table ${name} is not captured (src/db/change-capture.ts).`);
  return table;
}

/** The log, its prune watermark and the trigger function (needs CREATE on the database only). */
export const CHANGE_LOG_PART: GatewaySchemaPart = {
  id: 'realtime-change-log-1',
  purpose: 'change log of runs, incidents, approvals and work items for live subscriptions',
  sql: `
    CREATE TABLE borealis_gateway.change_log (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      table_name text NOT NULL,
      operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
      row_key text NOT NULL,
      site_ids integer[],
      status text,
      previous_status text,
      changed_columns text[],
      changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX change_log_changed_at ON borealis_gateway.change_log (changed_at);
    -- Everything at or below pruned_through may be gone: older cursors cannot be resumed.
    CREATE TABLE borealis_gateway.change_log_state (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      pruned_through bigint NOT NULL DEFAULT 0
    );
    INSERT INTO borealis_gateway.change_log_state DEFAULT VALUES;

    -- Arguments: key column, status column, site column ('' when the row has none).
    CREATE FUNCTION borealis_gateway.capture_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
    DECLARE
      new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
      old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
      changed text[];
      sites integer[];
      logged bigint;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO changed
          FROM jsonb_each(new_row) AS n WHERE n.value IS DISTINCT FROM old_row -> n.key;
        -- An UPDATE that changed nothing is no event.
        IF cardinality(changed) = 0 THEN RETURN NULL; END IF;
      END IF;
      -- Before the sequence number is taken (see CHANGE_WRITER_LOCK).
      PERFORM pg_advisory_xact_lock_shared(${CHANGE_WRITER_LOCK});
      IF TG_ARGV[2] <> '' THEN
        SELECT array_agg(DISTINCT s ORDER BY s) INTO sites
          FROM unnest(ARRAY[(new_row ->> TG_ARGV[2])::integer, (old_row ->> TG_ARGV[2])::integer]) AS s WHERE s IS NOT NULL;
      END IF;
      INSERT INTO borealis_gateway.change_log (table_name, operation, row_key, site_ids, status, previous_status, changed_columns)
      VALUES (TG_TABLE_NAME, TG_OP, coalesce(new_row, old_row) ->> TG_ARGV[0], sites,
              new_row ->> TG_ARGV[1], old_row ->> TG_ARGV[1], changed)
      RETURNING seq INTO logged;
      PERFORM pg_notify('${CHANGE_CHANNEL}', logged::text);
      RETURN NULL;
    END
    $capture$;`,
};

/** The triggers on Borealis's tables (needs the TRIGGER privilege on them, or their ownership). */
export const CAPTURE_TRIGGERS_PART: GatewaySchemaPart = {
  id: 'realtime-capture-triggers-1',
  purpose: 'triggers recording changes of the captured Borealis tables in the change log',
  sql: CAPTURED_TABLES.map(
    (t) => `CREATE TRIGGER ${TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON engine.${t.table}
      FOR EACH ROW EXECUTE FUNCTION borealis_gateway.capture_change('${t.key}', '${t.status}', '${t.site ?? ''}');`,
  ).join('\n'),
};

export interface CaptureStatus {
  /** The change log table exists. */
  changeLog: boolean;
  /** Captured tables whose trigger is present and enabled. */
  present: string[];
  /** Captured tables without it. */
  missing: string[];
}

/** Whether the log and each table's trigger are installed (db:check, start-up, gatewayStatus). */
export async function captureStatus(pool: pg.Pool): Promise<CaptureStatus> {
  const { rows } = await pool.query<{ log: boolean; tables: string[] | null }>(
    `SELECT to_regclass('${CHANGE_LOG}') IS NOT NULL AS log,
            (SELECT array_agg(c.relname::text) FROM pg_trigger tg
               JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'engine' AND tg.tgname = $1 AND tg.tgenabled <> 'D') AS tables`,
    [TRIGGER_NAME],
  );
  const present = new Set(rows[0]?.tables ?? []);
  const names = CAPTURED_TABLES.map((t) => t.table);
  return { changeLog: rows[0]?.log ?? false, present: names.filter((n) => present.has(n)), missing: names.filter((n) => !present.has(n)) };
}

export function captureInstalled(status: CaptureStatus): boolean {
  return status.changeLog && status.missing.length === 0;
}

export function formatCaptureStatus(status: CaptureStatus): string {
  if (captureInstalled(status)) return `Change capture: installed (triggers on ${status.present.join(', ')}).`;
  const what = status.changeLog ? `triggers missing on ${status.missing.join(', ')}` : 'change log not installed';
  return `Change capture: NOT installed (${what}); subscriptions fall back to polling. Run \`npm run db:setup\` as a role that may create triggers on these tables (docs/subscriptions.md).`;
}
