/**
 * Index advice for `db:check`: b-tree indexes the gateway's operator screens would use where
 * Borealis itself creates none for the screen's filter and order (prisma/borealis-schema.json
 * lists the indexes Borealis creates). Borealis owns the schema, so the gateway never creates an
 * index: it prints the exact statement, and the operator decides when to run it.
 */
import type pg from 'pg';

export interface IndexAdvice {
  schema: string;
  table: string;
  name: string;
  /** The key, exactly as PostgreSQL prints it in pg_indexes.indexdef ("USING btree (<columns>)"). */
  columns: string;
  /** The screen (and the statement of it) the index serves, and what happens without it. */
  serves: string;
}

export const SCREEN_INDEXES: readonly IndexAdvice[] = [
  {
    schema: 'engine',
    table: 'watchdog_incidents',
    name: 'gateway_watchdog_incidents_state_opened',
    columns: 'state, opened_at DESC, id DESC',
    serves:
      'Open-incident queue (incidents where state is open, newest opened first, and its totalCount). ' +
      'Borealis indexes incidents by (watchdog_id, state, updated_at) and (hostname, state, updated_at) only, ' +
      'so without it every incident is read and sorted on each request.',
  },
  {
    schema: 'engine',
    table: 'scheduled_job_run_targets',
    name: 'gateway_run_targets_hostname_id',
    columns: 'hostname, id DESC',
    serves:
      "Device detail (a device's last run targets, newest first). Borealis indexes run targets by hostname " +
      'alone, so every run target the device ever had is read and sorted to return the last few.',
  },
];

/** The statement an operator runs: named, schema-qualified, safe to repeat, not blocking writes. */
export function createIndexStatement(advice: IndexAdvice): string {
  return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${advice.name} ON ${advice.schema}.${advice.table} (${advice.columns});`;
}

/**
 * The advised indexes missing from the connected database. An index counts as present when it
 * has the advised name or the same b-tree key under another name; advice for a table that does
 * not exist is left to the drift report.
 */
export async function missingScreenIndexes(pool: pg.Pool, advice: readonly IndexAdvice[] = SCREEN_INDEXES): Promise<IndexAdvice[]> {
  const { rows } = await pool.query<{ schemaname: string; tablename: string; indexname: string; indexdef: string }>(
    `SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = ANY($1)`,
    [[...new Set(advice.map((a) => a.schema))]],
  );
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname = ANY($1)`,
    [[...new Set(advice.map((a) => a.schema))]],
  );
  const existingTables = new Set(tables.map((t) => t.name));
  return advice.filter((a) => {
    if (!existingTables.has(`${a.schema}.${a.table}`)) return false;
    const onTable = rows.filter((row) => row.schemaname === a.schema && row.tablename === a.table);
    return !onTable.some((row) => row.indexname === a.name || row.indexdef.endsWith(`USING btree (${a.columns})`));
  });
}

export function formatIndexAdvice(missing: readonly IndexAdvice[]): string {
  if (missing.length === 0) return '';
  const lines = [
    `Advice: ${missing.length} index(es) would serve the gateway's screens; Borealis does not create them.`,
    '  The gateway never creates indexes. Run these statements yourself (as the table owner) when convenient:',
    '  CONCURRENTLY builds without blocking Borealis\'s writes (not inside a transaction); IF NOT EXISTS makes a repeat harmless.',
  ];
  for (const advice of missing) {
    lines.push('', `  -- ${advice.serves}`, `  ${createIndexStatement(advice)}`);
  }
  return lines.join('\n');
}
