/** The captured tables as the GraphQL types see them: their Prisma model, key type and row loader. */
import { Prisma } from '../generated/prisma/client.js';
import { delegateOf, type ModelName, type ModelWhere } from '../access/rules.js';
import { CAPTURED_TABLES, type CapturedTable, type CapturedTableName } from '../db/change-capture.js';
import type { Db } from '../db/prisma.js';

export interface RealtimeTable extends CapturedTable {
  readonly model: ModelName;
  /** The key as Prisma compares it (text keys stay text; BIGSERIAL keys become bigint). */
  readonly keyValue: (key: string) => string | bigint;
  /** The column compared with `updated_at` by the polling fallback to tell an INSERT. */
  readonly createdAt: string;
  /** Rows without a site column: their sites by key, one statement for all of them. */
  readonly sitesOf?: (prisma: Db, keys: readonly string[]) => Promise<Map<string, number[]>>;
}

/** A run's sites: its target device's (device_sites) and its frozen run targets'. */
async function runSites(prisma: Db, keys: readonly string[]): Promise<Map<string, number[]>> {
  if (!keys.length) return new Map();
  const rows = await prisma.$queryRaw<Array<{ key: string; sites: number[] }>>(Prisma.sql`
    SELECT r.id::text AS key, coalesce(array_agg(DISTINCT s.site_id) FILTER (WHERE s.site_id IS NOT NULL), '{}') AS sites
      FROM engine.scheduled_job_runs r
      LEFT JOIN LATERAL (
        SELECT ds.site_id FROM engine.device_sites ds WHERE ds.device_hostname = r.target_hostname AND r.target_hostname <> ''
        UNION SELECT t.site_id FROM engine.scheduled_job_run_targets t WHERE t.run_id = r.id) AS s ON true
     WHERE r.id = ANY(${keys.map(BigInt)}::bigint[])
     GROUP BY r.id`);
  return new Map(rows.map((row) => [row.key, row.sites]));
}

const MODELS: Record<CapturedTableName, Pick<RealtimeTable, 'model' | 'keyValue' | 'createdAt' | 'sitesOf'>> = {
  scheduled_job_runs: { model: 'ScheduledJobRun', keyValue: BigInt, createdAt: 'created_at', sitesOf: runSites },
  watchdog_incidents: { model: 'WatchdogIncident', keyValue: BigInt, createdAt: 'opened_at' },
  device_approvals: { model: 'DeviceApproval', keyValue: String, createdAt: 'created_at' },
  job_scheduler_work_items: { model: 'JobSchedulerWorkItem', keyValue: BigInt, createdAt: 'created_at' },
};

export const REALTIME_TABLES: readonly RealtimeTable[] = CAPTURED_TABLES.map((t) => ({ ...t, ...MODELS[t.table] }));

export function realtimeTable(name: string): RealtimeTable {
  const table = REALTIME_TABLES.find((t) => t.table === name);
  if (!table) throw new Error(`Table ${name} is not captured for subscriptions (src/realtime/tables.ts).`);
  return table;
}

/** The unique key of a row for the access rule (`allows`). */
export function keyWhere(table: RealtimeTable, key: string): ModelWhere<ModelName> {
  return { id: table.keyValue(key) } as ModelWhere<ModelName>;
}

/** The prisma field of a table's site column (`site_id` -> `siteId`). */
const SITE_FIELD = 'siteId';

/** The sites of loaded rows: the row's own site column, or the table's sitesOf. */
export async function siteIdsOf(prisma: Db, table: RealtimeTable, rows: Map<string, unknown>): Promise<Map<string, number[]>> {
  if (table.sitesOf) return table.sitesOf(prisma, [...rows.keys()]);
  return new Map(
    [...rows].map(([key, row]) => {
      const site = (row as Record<string, unknown>)[SITE_FIELD];
      return [key, typeof site === 'number' ? [site] : []];
    }),
  );
}

/** Current rows of `keys`, one statement per table, by key as text (missing: deleted since). */
export async function loadRows(prisma: Db, table: RealtimeTable, keys: readonly string[]): Promise<Map<string, unknown>> {
  if (!keys.length) return new Map();
  const rows = (await delegateOf(prisma, table.model).findMany({ where: { id: { in: [...new Set(keys)].map(table.keyValue) } } })) as Array<{ id: string | bigint }>;
  return new Map(rows.map((row) => [String(row.id), row]));
}
