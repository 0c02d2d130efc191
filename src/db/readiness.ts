/**
 * Readiness of this replica: database reachable and schema drift state. The drift report is
 * computed at startup (and on demand), and `/readyz` reports it to load balancers.
 */
import type pg from 'pg';
import type { DriftMode } from '../config/env.js';
import { checkDrift, formatDriftReport, type DriftReport } from './drift.js';

export interface ReadinessState {
  drift: DriftReport | null;
  driftMode: DriftMode;
  checkedAt: Date | null;
}

export interface ReadinessReport {
  ready: boolean;
  database: 'up' | 'down';
  schema: { ok: boolean; mode: DriftMode; issues: number; report: string } | null;
  checkedAt: string | null;
}

export async function refreshDrift(pool: pg.Pool, state: ReadinessState): Promise<DriftReport> {
  state.drift = await checkDrift(pool);
  state.checkedAt = new Date();
  return state.drift;
}

export async function readinessReport(pool: pg.Pool, state: ReadinessState): Promise<ReadinessReport> {
  let database: 'up' | 'down' = 'up';
  try {
    await pool.query('SELECT 1');
  } catch {
    database = 'down';
  }
  const drift = state.drift;
  const schemaOk = drift ? drift.ok || state.driftMode === 'warn' : false;
  return {
    ready: database === 'up' && schemaOk,
    database,
    schema: drift
      ? { ok: drift.ok, mode: state.driftMode, issues: drift.issues.length, report: formatDriftReport(drift) }
      : null,
    checkedAt: state.checkedAt?.toISOString() ?? null,
  };
}
