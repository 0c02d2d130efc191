/**
 * Writes the way Borealis's services make them (plain SQL, one short statement, epoch-second
 * integers): the job scheduler moving scheduled_job_runs through their statuses and the watchdog
 * runtime opening, acknowledging, suppressing and resolving watchdog_incidents. Used by
 * `npm run simulate`, the subscription tests and `npm run bench:subscriptions`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

type Sql = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

const epoch = () => Math.floor(Date.now() / 1000);

/** A device per site, a watchdog and a job to write against (from the demo seed). */
export interface SimulationTargets {
  devices: Array<{ hostname: string; guid: string; siteId: number; siteName: string }>;
  watchdogId: number;
  jobId: number;
}

export async function simulationTargets(db: Sql): Promise<SimulationTargets> {
  const devices = await db.query<{ hostname: string; guid: string; site_id: number; site_name: string }>(
    `SELECT DISTINCT ON (ds.site_id) d.hostname, d.guid, ds.site_id, s.name AS site_name
       FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname JOIN engine.sites s ON s.id = ds.site_id
      ORDER BY ds.site_id, d.hostname`,
  );
  const watchdog = await db.query<{ id: number }>(`SELECT id::int FROM engine.watchdogs ORDER BY id LIMIT 1`);
  const job = await db.query<{ id: number }>(`SELECT id::int FROM engine.scheduled_jobs ORDER BY id LIMIT 1`);
  if (!devices.rows.length || !watchdog.rows[0] || !job.rows[0]) throw new Error('The database has no demo data to simulate on: run `npm run db:seed` first.');
  return {
    devices: devices.rows.map((d) => ({ hostname: d.hostname, guid: d.guid, siteId: d.site_id, siteName: d.site_name })),
    watchdogId: watchdog.rows[0].id,
    jobId: job.rows[0].id,
  };
}

type Device = SimulationTargets['devices'][number];

/** The watchdog runtime opens an incident for a device (state open). Returns its id. */
export async function openIncident(db: Sql, watchdogId: number, device: Device, severity = 'warning'): Promise<string> {
  const now = epoch();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO engine.watchdog_incidents (watchdog_id, device_guid, hostname, site_id, severity, state, title, message, sample_json,
                                            rule_summary_json, action_summary_json, opened_at, updated_at, trigger_count)
     VALUES ($1, $2, $3, $4, $5, 'open', $6, $6, '{"value": 97}', '{"type": "storage_usage_percent"}', '{"actions": []}', $7, $7, 1)
     RETURNING id::text`,
    [watchdogId, device.guid, device.hostname, device.siteId, severity, `Disk almost full on ${device.hostname}`, now],
  );
  return rows[0]!.id;
}

/** A repeated match: trigger_count and updated_at move, the state stays. */
export async function retriggerIncident(db: Sql, id: string): Promise<void> {
  await db.query(`UPDATE engine.watchdog_incidents SET trigger_count = trigger_count + 1, updated_at = $2 WHERE id = $1`, [id, epoch()]);
}

export async function acknowledgeIncident(db: Sql, id: string, by = 'alice'): Promise<void> {
  const now = epoch();
  await db.query(`UPDATE engine.watchdog_incidents SET acknowledged_at = $2, acknowledged_by = $3, updated_at = $2 WHERE id = $1`, [id, now, by]);
}

export async function suppressIncident(db: Sql, id: string): Promise<void> {
  await db.query(`UPDATE engine.watchdog_incidents SET state = 'suppressed', updated_at = $2 WHERE id = $1`, [id, epoch()]);
}

export async function resolveIncident(db: Sql, id: string, reason = 'cleared'): Promise<void> {
  const now = epoch();
  await db.query(`UPDATE engine.watchdog_incidents SET state = 'resolved', resolved_at = $2, resolution_reason = $3, updated_at = $2 WHERE id = $1`, [id, now, reason]);
}

/** The scheduler creates a per-device run occurrence (Pending). Returns its id. */
export async function createRun(db: Sql, jobId: number, device: Device): Promise<string> {
  const now = epoch();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO engine.scheduled_job_runs (job_id, scheduled_ts, status, created_at, updated_at, target_hostname, shared_execution,
                                            component_index, component_kind, component_name)
     VALUES ($1, $2, 'Pending', $2, $2, $3, 0, 0, 'script', 'Simulated maintenance') RETURNING id::text`,
    [jobId, now, device.hostname],
  );
  return rows[0]!.id;
}

/** Running sets started_ts; a terminal status sets finished_ts (as the quick-job result handler does). */
export async function moveRun(db: Sql, id: string, status: 'Running' | 'Success' | 'Failed' | 'Warning' | 'Timed Out'): Promise<void> {
  const now = epoch();
  const column = status === 'Running' ? 'started_ts' : 'finished_ts';
  await db.query(`UPDATE engine.scheduled_job_runs SET status = $2, ${column} = $3, updated_at = $3 WHERE id = $1`, [id, status, now]);
}

/** An agent's enrollment request lands in the approval queue (status pending, ISO text timestamps). */
export async function requestApproval(db: Sql, device: Pick<Device, 'hostname' | 'siteId'>): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString().replace('Z', '+00:00');
  await db.query(
    `INSERT INTO engine.device_approvals (id, approval_reference, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code, site_id,
                                          status, client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at)
     VALUES ($1, $2, $3, $4, (SELECT enrollment_code FROM engine.sites WHERE id = $5), $5, 'pending', $6, $7, $8, $9, $9)`,
    [id, randomUUID(), `${device.hostname}-NEW`, randomBytes(32).toString('hex'), device.siteId, randomBytes(16).toString('base64'), randomBytes(16).toString('base64'), randomBytes(44), now],
  );
  return id;
}

export async function decideApproval(db: Sql, id: string, status: 'approved' | 'denied'): Promise<void> {
  await db.query(`UPDATE engine.device_approvals SET status = $2, updated_at = $3 WHERE id = $1`, [id, status, new Date().toISOString().replace('Z', '+00:00')]);
}
