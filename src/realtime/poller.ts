/**
 * The fallback without capture triggers (a role that may not create them): each captured table is
 * read by its update column every GATEWAY_SUBSCRIPTION_POLL_INTERVAL_MS. Borealis writes epoch
 * seconds (ISO text for approvals), so rows at the last seen value are read again and told apart
 * by a fingerprint of the whole row. What polling cannot see: deletions, and a write that does
 * not bump the update column. Changes are numbered in memory, so they cannot be resumed.
 */
import type pg from 'pg';
import type { RealtimeTable } from './tables.js';
import type { LoggedChange } from './change-log.js';

/** A change seen by polling: a logged change without a sequence (numbered by the hub) or changed columns. */
export type PolledChange = Omit<LoggedChange, 'seq' | 'changedColumns'>;

interface Seen {
  fingerprint: string;
  status: string | null;
  updatedAt: string;
}

interface PolledRow {
  key: string;
  updated_at: string;
  created: boolean;
  status: string | null;
  site_id: number | null;
  fingerprint: string;
}

/** Statuses remembered per table, so a later change of an older row knows its previous status. */
const REMEMBERED_STATUSES = 100_000;

class TablePoller {
  private watermark: string | null = null;
  private readonly seen = new Map<string, Seen>();
  private readonly statuses = new Map<string, string | null>();
  private primed = false;

  constructor(private readonly table: RealtimeTable) {}

  private sql(): string {
    const t = this.table;
    return `SELECT ${t.key}::text AS key, ${t.updatedAt}::text AS updated_at, ${t.createdAt} = ${t.updatedAt} AS created,
                   ${t.status}::text AS status, ${t.site ? `${t.site}::int` : 'NULL::int'} AS site_id, md5(row_to_json(r)::text) AS fingerprint
              FROM engine.${t.table} AS r
             WHERE ${t.updatedAt} IS NOT NULL ${this.watermark === null ? '' : `AND ${t.updatedAt} >= $1`}
             ORDER BY ${t.updatedAt}`;
  }

  async poll(pool: pg.Pool): Promise<PolledChange[]> {
    if (!this.primed) {
      // Start from now: the rows at the newest update value are known, nothing older is replayed.
      const { rows } = await pool.query<{ newest: string | null }>(`SELECT max(${this.table.updatedAt})::text AS newest FROM engine.${this.table.table}`);
      this.watermark = rows[0]?.newest ?? null;
    }
    const { rows } = await pool.query<PolledRow>(this.sql(), this.watermark === null ? [] : [this.watermark]);
    const changes: PolledChange[] = [];
    for (const row of rows) {
      const before = this.seen.get(row.key);
      if (before?.fingerprint === row.fingerprint) continue;
      this.seen.set(row.key, { fingerprint: row.fingerprint, status: row.status, updatedAt: row.updated_at });
      const previousStatus = this.statuses.get(row.key);
      this.remember(row.key, row.status);
      if (!this.primed) continue;
      changes.push({
        table: this.table.table,
        operation: before || !row.created ? 'UPDATE' : 'INSERT',
        key: row.key,
        siteIds: row.site_id === null ? null : [row.site_id],
        status: row.status,
        previousStatus: previousStatus ?? null,
        changedAt: new Date(),
      });
    }
    this.primed = true;
    const newest = rows.at(-1)?.updated_at;
    if (newest !== undefined) {
      this.watermark = newest;
      // Only rows at the watermark can be read again: forget the rest.
      for (const [key, seen] of this.seen) if (seen.updatedAt !== newest) this.seen.delete(key);
    }
    return changes;
  }

  private remember(key: string, status: string | null): void {
    this.statuses.delete(key);
    this.statuses.set(key, status);
    if (this.statuses.size > REMEMBERED_STATUSES) this.statuses.delete(this.statuses.keys().next().value!);
  }
}

export class ChangePoller {
  private readonly tables: TablePoller[];
  constructor(tables: readonly RealtimeTable[]) {
    this.tables = tables.map((t) => new TablePoller(t));
  }

  async poll(pool: pg.Pool): Promise<PolledChange[]> {
    const changes: PolledChange[] = [];
    for (const table of this.tables) changes.push(...(await table.poll(pool)));
    return changes;
  }
}
