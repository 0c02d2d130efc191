/**
 * Regression tests for the cross-site leaks of issue 7, each on the seeded database plus the rows
 * that reproduce it: watchdogs reached through incidents and device states, jobs judged by runs
 * instead of their saved targets, skipped runs hidden from who sees their job, and nodes(ids:)
 * failing as a whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';

let g: SeededGateway;
let aliceSite: number;
let aliceHost: string;
let otherHost: string;
let otherSite: number;

const one = async <R = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows[0] as R;
const gid = (type: string, id: unknown) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  aliceSite = (g.identities.alice.siteIds as number[])[0]!;
  aliceHost = (await one<{ device_hostname: string }>('SELECT device_hostname FROM engine.device_sites WHERE site_id = $1 ORDER BY 1 LIMIT 1', [aliceSite])).device_hostname;
  const other = await one<{ device_hostname: string; site_id: number }>('SELECT device_hostname, site_id FROM engine.device_sites WHERE site_id <> $1 ORDER BY 1 LIMIT 1', [aliceSite]);
  otherHost = other.device_hostname;
  otherSite = other.site_id;
}, 120_000);
afterAll(() => g?.close());

describe('watchdogs reached through per-device rows follow the watchdog rule', () => {
  it('WatchdogIncident.watchdog and WatchdogDeviceState.watchdog are null for a global watchdog', async () => {
    // A global watchdog (no watchdog_sites row) whose target names another site's device, with an
    // incident and a device state on alice's device.
    const watchdog = await one<{ id: string }>(
      `INSERT INTO engine.watchdogs (name, created_at, updated_at) VALUES ('Global leak probe', 1, 1) RETURNING id`,
    );
    await g.db.pool.query(`INSERT INTO engine.watchdog_targets (watchdog_id, kind, target_json, created_at) VALUES ($1, 'device', $2, 1)`, [
      watchdog.id,
      JSON.stringify({ hostname: otherHost }),
    ]);
    const incident = await one<{ id: string }>(
      `INSERT INTO engine.watchdog_incidents (watchdog_id, hostname, site_id, severity, state, opened_at, updated_at)
       VALUES ($1, $2, $3, 'warning', 'open', 1, 1) RETURNING id`,
      [watchdog.id, aliceHost, aliceSite],
    );
    await g.db.pool.query(
      `INSERT INTO engine.watchdog_device_state (watchdog_id, hostname, site_id, state, last_evaluated_at, updated_at) VALUES ($1, $2, $3, 'matched', 1, 1)`,
      [watchdog.id, aliceHost, aliceSite],
    );
    const query = `query($incident: ID!) {
      incident: node(id: $incident) { ... on WatchdogIncident { hostname watchdog { name targets { target } } } }
      devices(first: 100) { edges { node { hostname watchdogStates { watchdog { name targets { target } } } } } } }`;
    const variables = { incident: gid('WatchdogIncident', incident.id) };

    const admin = await g.as('admin', query, variables);
    expect(admin.errors).toBeUndefined();
    expect(admin.data.incident.watchdog.name).toBe('Global leak probe');
    expect(JSON.stringify(admin.data)).toContain(otherHost);

    const alice = await g.as('alice', query, variables);
    expect(alice.errors).toBeUndefined();
    expect(alice.data.incident).toEqual({ hostname: aliceHost, watchdog: null });
    const states = alice.data.devices.edges.find((e: { node: { hostname: string } }) => e.node.hostname === aliceHost).node.watchdogStates;
    expect(states.length).toBeGreaterThan(0);
    expect(states.some((state: { watchdog: unknown }) => state.watchdog === null)).toBe(true);
    expect(JSON.stringify(alice.data)).not.toContain(otherHost);
    expect(JSON.stringify(alice.data)).not.toContain('Global leak probe');
  });
});

describe('jobs follow their saved targets (targets_json), runs without targets follow their job', () => {
  const JOBS = `{ scheduledJobs(first: 100) { edges { node { name } } } }`;
  const jobNames = async (who: 'alice' | 'admin') => {
    const result = await g.as(who, JOBS);
    expect(result.errors).toBeUndefined();
    return (result.data.scheduledJobs.edges as Array<{ node: { name: string } }>).map((e) => e.node.name);
  };
  const insertJob = async (name: string, targetsJson: string) =>
    (await one<{ id: string }>(
      `INSERT INTO engine.scheduled_jobs (name, components_json, targets_json, schedule_type, execution_context, created_at, updated_at)
       VALUES ($1, '[]', $2, 'immediately', 'system', 1, 1) RETURNING id`,
      [name, targetsJson],
    )).id;

  it('hides a job whose not-yet-run target is another site\'s host, and shows one whose targets are all alice\'s', async () => {
    await insertJob('probe: mixed targets', JSON.stringify([{ kind: 'device', hostname: aliceHost, site_id: aliceSite }, { kind: 'device', hostname: otherHost, site_id: otherSite }]));
    await insertJob('probe: own targets', JSON.stringify([{ kind: 'device', hostname: aliceHost }, aliceHost]));
    await insertJob('probe: malformed', '[{"kind": "device", "hostname": ');
    await insertJob('probe: empty', '[]');
    await insertJob('probe: unknown kind', JSON.stringify([{ kind: 'tag', name: 'x' }]));
    const globalFilter = await one<{ id: string }>(`INSERT INTO engine.device_filters (name, created_at, updated_at) VALUES ('probe global filter', 1, 1) RETURNING id`);
    const ownFilter = await one<{ id: string }>(`INSERT INTO engine.device_filters (name, created_at, updated_at) VALUES ('probe own filter', 1, 1) RETURNING id`);
    await g.db.pool.query('INSERT INTO engine.device_filter_sites (filter_id, site_id) VALUES ($1, $2)', [ownFilter.id, aliceSite]);
    await insertJob('probe: global filter', JSON.stringify([{ kind: 'filter', filter_id: Number(globalFilter.id) }]));
    await insertJob('probe: own filter', JSON.stringify([{ kind: 'filter', filter_id: Number(ownFilter.id) }]));
    await insertJob('probe: own onboarding', JSON.stringify([{ kind: 'onboarding_scope', site_id: aliceSite, entries: ['10.0.0.1'] }]));
    await insertJob('probe: other onboarding', JSON.stringify([{ kind: 'onboarding_scope', site_id: otherSite, entries: ['10.0.0.1'] }]));

    const admin = (await jobNames('admin')).filter((name) => name.startsWith('probe:'));
    expect(admin).toHaveLength(9);
    const alice = (await jobNames('alice')).filter((name) => name.startsWith('probe:')).sort();
    expect(alice).toEqual(['probe: own filter', 'probe: own onboarding', 'probe: own targets']);
  });

  it('shows a skipped run (no target hostname, no run targets) to whoever sees its job, and only to them', async () => {
    const visibleJob = await insertJob('probe: skipped visible', JSON.stringify([{ kind: 'device', hostname: aliceHost }]));
    const hiddenJob = await insertJob('probe: skipped hidden', JSON.stringify([{ kind: 'device', hostname: otherHost }]));
    const skipped = async (jobId: string) =>
      (await one<{ id: string }>(
        `INSERT INTO engine.scheduled_job_runs (job_id, scheduled_ts, status, skip_reason, target_hostname) VALUES ($1, 1, 'Skipped', 'no_devices_targeted', NULL) RETURNING id`,
        [jobId],
      )).id;
    const visibleRun = await skipped(visibleJob);
    const hiddenRun = await skipped(hiddenJob);
    // A shared run (run targets, no hostname) with one target outside alice's sites stays hidden.
    const sharedRun = await one<{ id: string }>(
      `INSERT INTO engine.scheduled_job_runs (job_id, scheduled_ts, status, target_hostname) VALUES ($1, 1, 'Success', '') RETURNING id`,
      [visibleJob],
    );
    await g.db.pool.query(
      `INSERT INTO engine.scheduled_job_run_targets (run_id, hostname, site_id, created_at) VALUES ($1, $2, $3, 1), ($1, $4, $5, 1)`,
      [sharedRun.id, aliceHost, aliceSite, otherHost, otherSite],
    );

    const runIds = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on ScheduledJobRun { databaseId job { name } } } }`;
    const ids = [visibleRun, hiddenRun, sharedRun.id].map((id) => gid('ScheduledJobRun', id));
    const alice = await g.as('alice', runIds, { ids });
    expect(alice.errors).toBeUndefined();
    expect(alice.data.nodes).toEqual([{ databaseId: visibleRun, job: { name: 'probe: skipped visible' } }, null, null]);
    const admin = await g.as('admin', runIds, { ids });
    expect(admin.data.nodes.every((node: unknown) => node !== null)).toBe(true);

    const listed = await g.as('alice', `{ scheduledJobRuns(first: 100, where: { status: [SKIPPED] }) { edges { node { databaseId } } } }`);
    const listedIds = listed.data.scheduledJobRuns.edges.map((e: { node: { databaseId: string } }) => e.node.databaseId);
    expect(listedIds).toContain(visibleRun);
    expect(listedIds).not.toContain(hiddenRun);
    const job = await g.as('alice', `query($id: ID!) { node(id: $id) { ... on ScheduledJob { runs(first: 50) { databaseId } } } }`, { id: gid('ScheduledJob', visibleJob) });
    expect(job.data.node.runs.map((r: { databaseId: string }) => r.databaseId)).toEqual([visibleRun]);
  });
});

describe('nodes(ids:)', () => {
  it('answers null in position for unknown and out-of-scope ids instead of failing the response', async () => {
    const incident = await one<{ id: string }>('SELECT id FROM engine.watchdog_incidents WHERE site_id = $1 LIMIT 1', [aliceSite]);
    const foreign = await one<{ id: string }>('SELECT id FROM engine.watchdog_incidents WHERE site_id <> $1 LIMIT 1', [aliceSite]);
    const ids = [gid('WatchdogIncident', 999999999), gid('WatchdogIncident', incident.id), gid('WatchdogIncident', foreign.id), gid('Watchdog', 'x')];
    const result = await g.as('alice', `query($ids: [ID!]!) { nodes(ids: $ids) { ... on WatchdogIncident { databaseId } } }`, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data.nodes).toEqual([null, { databaseId: incident.id }, null, null]);
  });
});
