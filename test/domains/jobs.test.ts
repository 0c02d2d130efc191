import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { readOwnership, visibleJobIds } from '../support/access-oracle.js';

let g: SeededGateway;
beforeAll(async () => {
  g = await createSeededGateway();
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];

/**
 * Runs in scope (agent API section 6, by resolved targets): a per-device run through its target
 * device's site; a shared run (no target hostname) when all its resolved targets are in the sites.
 */
const RUNS_IN_SCOPE = `
  SELECT r.id AS run_id FROM engine.scheduled_job_runs r
    JOIN engine.devices d ON d.hostname = r.target_hostname
    JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
   WHERE ds.site_id = ANY($1)
  UNION
  SELECT r.id FROM engine.scheduled_job_runs r JOIN engine.scheduled_job_run_targets t ON t.run_id = r.id
   WHERE coalesce(r.target_hostname, '') = ''
   GROUP BY r.id HAVING bool_and(coalesce(t.site_id = ANY($1), false))`;

describe('scheduled jobs and runs', () => {
  const RUNS = `query($first: Int, $where: ScheduledJobRunWhere) { scheduledJobRuns(first: $first, where: $where) {
    totalCount edges { node { databaseId status scheduledAt job { name } targets { hostname site { databaseId } } activity { status device { hostname } } } } } }`;

  it('a User sees the runs of their devices and the shared runs whose targets are all in their sites', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const expected = (await rows(RUNS_IN_SCOPE, [userSites(who)])).map((r) => String(r.run_id)).sort();
      expect(expected.length).toBeGreaterThan(0);
      const result = await g.as(who, RUNS, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.scheduledJobRuns.totalCount).toBe(expected.length);
      expect(result.data.scheduledJobRuns.edges.map((e: any) => e.node.databaseId).sort()).toEqual(expected);
      for (const edge of result.data.scheduledJobRuns.edges) {
        for (const target of edge.node.targets) expect(userSites(who)).toContain(Number(target.site.databaseId));
      }
    }
    expect((await g.as('carol', RUNS, { first: 10 })).data.scheduledJobRuns.totalCount).toBe(0);
  });

  it('an Admin sees every run, filtered by status with the documented spelling', async () => {
    const all = await g.as('admin', RUNS, { first: 100 });
    expect(all.data.scheduledJobRuns.totalCount).toBe((await rows('SELECT id FROM engine.scheduled_job_runs')).length);
    const timedOut = await g.as('admin', RUNS, { first: 100, where: { status: ['TIMED_OUT'] } });
    const expected = (await rows(`SELECT id FROM engine.scheduled_job_runs WHERE lower(status) = 'timed out'`)).length;
    expect(expected).toBeGreaterThan(0);
    expect(timedOut.data.scheduledJobRuns.totalCount).toBe(expected);
    for (const edge of timedOut.data.scheduledJobRuns.edges) expect(edge.node.status).toBe('Timed Out');
  });

  it('jobs follow Borealis\'s rule: every saved target (targets_json) resolves to the user\'s sites', async () => {
    const own = await readOwnership(g.db.pool);
    for (const who of ['alice', 'bob'] as const) {
      const expected = visibleJobIds(userSites(who), own).sort((a, b) => a - b);
      const result = await g.as(who, `{ scheduledJobs(first: 50) { totalCount edges { node { databaseId name targets runs(first: 3) { status } } } } }`);
      expect(result.errors).toBeUndefined();
      const seen = result.data.scheduledJobs.edges.map((e: { node: { databaseId: string } }) => Number(e.node.databaseId)).sort((a: number, b: number) => a - b);
      expect(seen).toEqual(expected);
      expect(result.data.scheduledJobs.totalCount).toBe(expected.length);
    }
    expect(visibleJobIds(userSites('bob'), own).length).toBeGreaterThan(0);
    const admin = await g.as('admin', `{ scheduledJobs(first: 50) { totalCount } }`);
    expect(admin.data.scheduledJobs.totalCount).toBe((await rows('SELECT id FROM engine.scheduled_jobs')).length);
  });
});

describe('activity history', () => {
  it('is scoped through the device site and filterable by status', async () => {
    const expected = await rows(
      `SELECT a.id FROM engine.activity_history a JOIN engine.device_sites ds ON ds.device_hostname = a.hostname WHERE ds.site_id = ANY($1)`,
      [userSites('alice')],
    );
    expect(expected.length).toBeGreaterThan(0);
    const result = await g.as('alice', `{ activity(first: 100) { totalCount edges { node { hostname status ranAt device { site { databaseId } } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.activity.totalCount).toBe(expected.length);
    const success = await g.as('admin', `{ activity(first: 100, where: { status: [SUCCESS] }) { totalCount edges { node { status } } } }`);
    expect(success.data.activity.totalCount).toBe((await rows(`SELECT id FROM engine.activity_history WHERE lower(status) = 'success'`)).length);
  });
});

describe('run scope at scale', () => {
  it('holds for a User who can see more runs than SQL accepts bind parameters (no id lists)', async () => {
    const shared = await rows(`SELECT count(*)::int AS n FROM engine.scheduled_job_runs WHERE coalesce(target_hostname, '') = ''`);
    const perDevice = await rows(`SELECT count(*)::int AS n FROM engine.scheduled_job_runs WHERE coalesce(target_hostname, '') <> ''`);
    expect(shared[0].n).toBeGreaterThan(0); // both kinds of run exist in the demo data
    expect(perDevice[0].n).toBeGreaterThan(0);
    const [device] = await rows(
      `SELECT d.hostname FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname WHERE ds.site_id = ANY($1) LIMIT 1`,
      [userSites('alice')],
    );
    const [job] = await rows('SELECT id FROM engine.scheduled_jobs ORDER BY id LIMIT 1');
    await g.db.pool.query(
      `INSERT INTO engine.scheduled_job_runs (job_id, scheduled_ts, status, created_at, updated_at, target_hostname)
       SELECT $1, 1795000000 + n, 'Success', 1795000000, 1795000000, $2 FROM generate_series(1, 70000) n`,
      [job.id, device.hostname],
    );
    const expected = (await rows(RUNS_IN_SCOPE, [userSites('alice')])).length;
    expect(expected).toBeGreaterThan(70000);
    const result = await g.as('alice', `{ scheduledJobRuns(first: 5) { totalCount edges { node { targetHostname } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.scheduledJobRuns.totalCount).toBe(expected);
  });
});
