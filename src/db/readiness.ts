/**
 * Readiness of this replica: database reachable and schema drift state. The drift report is
 * computed at startup (and on demand), and `/readyz` reports it to load balancers.
 *
 * The database is probed on a connection of its own, outside the pool, within PROBE_TIMEOUT_MS:
 * a pool whose connections are all busy is "busy" (still ready: ejecting busy replicas would
 * move the load onto fewer of them), and a frozen database answers "down" in bounded time.
 */
import pg from 'pg';
import type { DriftMode } from '../config/env.js';
import { checkDrift, formatDriftReport, type DriftReport } from './drift.js';

export interface ReadinessState {
  drift: DriftReport | null;
  driftMode: DriftMode;
  checkedAt: Date | null;
}

export interface ReadinessReport {
  ready: boolean;
  database: DatabaseState;
  /** Pool connections in use and statements waiting for one. */
  pool: { total: number; idle: number; waiting: number; max: number };
  schema: { ok: boolean; mode: DriftMode; issues: number; report: string } | null;
  checkedAt: string | null;
}

export async function refreshDrift(pool: pg.Pool, state: ReadinessState): Promise<DriftReport> {
  state.drift = await checkDrift(pool);
  state.checkedAt = new Date();
  return state.drift;
}

export type DatabaseState = 'up' | 'busy' | 'down';

/** The bound on one readiness probe (load balancers usually time out at 2-5 s). */
export const PROBE_TIMEOUT_MS = 1500;

/** One probe at a time per pool: concurrent /readyz calls share it. */
const probes = new WeakMap<pg.Pool, Promise<boolean>>();

/** SELECT 1 on a fresh connection (same URL and settings as the pool), within PROBE_TIMEOUT_MS. */
async function databaseAnswers(pool: pg.Pool): Promise<boolean> {
  const client = new pg.Client({ ...pool.options, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  const probe = (async () => {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  })().catch(() => false);
  try {
    return await Promise.race([probe, deadline]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => {});
  }
}

export async function readinessReport(pool: pg.Pool, state: ReadinessState): Promise<ReadinessReport> {
  let probe = probes.get(pool);
  if (!probe) {
    probe = databaseAnswers(pool).finally(() => probes.delete(pool));
    probes.set(pool, probe);
  }
  const max = pool.options.max ?? 10;
  const saturated = pool.totalCount >= max && pool.idleCount === 0;
  const database: DatabaseState = !(await probe) ? 'down' : saturated ? 'busy' : 'up';
  const drift = state.drift;
  const schemaOk = drift ? drift.ok || state.driftMode === 'warn' : false;
  return {
    ready: database !== 'down' && schemaOk,
    database,
    pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max },
    schema: drift
      ? { ok: drift.ok, mode: state.driftMode, issues: drift.issues.length, report: formatDriftReport(drift) }
      : null,
    checkedAt: state.checkedAt?.toISOString() ?? null,
  };
}
