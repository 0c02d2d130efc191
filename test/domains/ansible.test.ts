import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const siteIds: Record<string, number> = {};
beforeAll(async () => {
  g = await createSeededGateway({ devices: 60 });
  for (const row of (await g.db.pool.query('SELECT id, name FROM engine.sites')).rows) siteIds[row.name] = Number(row.id);
  // A recap of a host that is not (or no longer) a device: visible to Admins only.
  await g.db.pool.query(`
    INSERT INTO engine.ansible_play_recaps (run_id, hostname, playbook_name, status, recap_text, recap_json, started_ts, finished_ts, created_at, updated_at)
    VALUES ('orphan-run-1', 'GONE-HOST-01', 'Baseline_Hardening.yml', 'Success', 'gone-host-01 : ok=3', '{"ok": 3}', 1795000000, 1795000060, 1795000000, 1795000060)`);
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

/** Recaps whose host is a device assigned to one of the sites (device_sites by hostname). */
const RECAPS_IN_SITES = `SELECT r.id FROM engine.ansible_play_recaps r
  JOIN engine.devices d ON d.hostname = r.hostname
  JOIN engine.device_sites s ON s.device_hostname = d.hostname
 WHERE s.site_id = ANY($1)`;

const RECAPS = `query($first: Int, $after: String, $where: AnsiblePlayRecapWhere, $orderBy: AnsiblePlayRecapOrder) {
  ansiblePlayRecaps(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id databaseId runId hostname status recap recapText playbookName createdAt startedAt
      device { hostname site { databaseId } } scheduledJob { name } scheduledRun { status } } } } }`;

describe('ansible play recaps', () => {
  it('a User sees the recaps of devices in their sites, with matching totals', async () => {
    let nonEmpty = 0;
    for (const who of ['alice', 'bob'] as const) {
      const expected = (await rows(RECAPS_IN_SITES, [userSites(who)])).map((r) => String(r.id)).sort();
      nonEmpty += expected.length;
      const result = await g.as(who, RECAPS, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.ansiblePlayRecaps.totalCount).toBe(expected.length);
      expect(result.data.ansiblePlayRecaps.edges.map((e: any) => e.node.databaseId).sort()).toEqual(expected);
      for (const { node } of result.data.ansiblePlayRecaps.edges) expect(userSites(who)).toContain(Number(node.device.site.databaseId));
    }
    expect(nonEmpty).toBeGreaterThan(0);
    const admin = await g.as('admin', RECAPS, { first: 100 });
    expect(admin.data.ansiblePlayRecaps.totalCount).toBe((await rows('SELECT id FROM engine.ansible_play_recaps')).length);
    const orphan = admin.data.ansiblePlayRecaps.edges.find((e: any) => e.node.runId === 'orphan-run-1').node;
    expect(orphan).toMatchObject({ hostname: 'GONE-HOST-01', device: null, recap: { ok: 3 } });
    expect((await g.as('carol', RECAPS, { first: 10 })).data.ansiblePlayRecaps).toMatchObject({ totalCount: 0, edges: [] });
    expect(codes(await g.as(null, RECAPS, { first: 10 }))).toContain('UNAUTHENTICATED');
  });

  it('links device, job and run', async () => {
    const result = await g.as('admin', RECAPS, { first: 100, where: { status: { equals: 'Failed' } } });
    expect(result.errors).toBeUndefined();
    const failed = result.data.ansiblePlayRecaps.edges.map((e: any) => e.node);
    expect(failed.length).toBeGreaterThan(0);
    for (const node of failed) {
      expect(node.status).toBe('Failed');
      expect(node.recap.failed).toBe(1);
      expect(node.device.hostname).toBe(node.hostname);
      expect(node.scheduledRun.status).toBe('Failed');
      expect(node.scheduledJob.name).toBeTruthy();
    }
  });

  it('filters by text, sites and time; orders and pages', async () => {
    const globex = String(siteIds['Globex Plant']);
    const expectedGlobex = await rows(RECAPS_IN_SITES, [[siteIds['Globex Plant']]]);
    const bySite = await g.as('admin', RECAPS, { first: 100, where: { siteIds: [globex] } });
    expect(bySite.data.ansiblePlayRecaps.totalCount).toBe(expectedGlobex.length);
    const gone = await g.as('admin', RECAPS, { where: { hostname: { contains: 'gone-host' } } });
    expect(gone.data.ansiblePlayRecaps.edges.map((e: any) => e.node.runId)).toEqual(['orphan-run-1']);

    const all = await rows('SELECT id, created_at FROM engine.ansible_play_recaps ORDER BY created_at DESC, id DESC');
    const newest = await g.as('admin', RECAPS, { first: 100 });
    expect(newest.data.ansiblePlayRecaps.edges.map((e: any) => e.node.databaseId)).toEqual(all.map((r) => String(r.id)));
    const cut = Number(all[2].created_at);
    const since = await g.as('admin', RECAPS, { first: 100, where: { createdAt: { from: new Date(cut * 1000).toISOString() } } });
    expect(since.data.ansiblePlayRecaps.totalCount).toBe(all.filter((r) => Number(r.created_at) >= cut).length);

    const byHost = (await rows('SELECT id FROM engine.ansible_play_recaps ORDER BY hostname ASC, id ASC')).map((r) => String(r.id));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const result: any = await g.as('admin', RECAPS, { first: 3, after, orderBy: { field: 'HOSTNAME' } });
      expect(result.data.ansiblePlayRecaps.totalCount).toBe(byHost.length);
      seen.push(...result.data.ansiblePlayRecaps.edges.map((e: any) => e.node.databaseId));
      if (!result.data.ansiblePlayRecaps.pageInfo.hasNextPage) break;
      after = result.data.ansiblePlayRecaps.pageInfo.endCursor;
    }
    expect(seen).toEqual(byHost);
    expect(codes(await g.as('admin', RECAPS, { where: { scheduledJobId: { in: ['x'] } } }))).toContain('BAD_USER_INPUT');
  });

  it('relations cost a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', RECAPS, { first: 100 });
    counter.stop();
    expect(result.errors).toBeUndefined();
    // list + count + devices + sites + job scope + jobs + run scope + runs
    expect(counter.statements.length).toBeLessThanOrEqual(8);
  });

  it('node(id:) returns an in-scope recap and null for an out-of-scope or orphan one', async () => {
    const all = (await g.as('admin', RECAPS, { first: 100 })).data.ansiblePlayRecaps.edges.map((e: any) => e.node);
    const lookup = `query($id: ID!) { node(id: $id) { ... on AnsiblePlayRecap { runId } } }`;
    const who = (await rows(RECAPS_IN_SITES, [userSites('bob')])).length > 0 ? 'bob' : 'alice';
    const mine = all.find((r: any) => r.device?.site && userSites(who).includes(Number(r.device.site.databaseId)));
    const foreign = all.find((r: any) => r.device?.site && !userSites(who).includes(Number(r.device.site.databaseId)));
    const orphan = all.find((r: any) => r.runId === 'orphan-run-1');
    expect((await g.as(who, lookup, { id: mine.id })).data.node).toEqual({ runId: mine.runId });
    for (const probe of [foreign, orphan].filter(Boolean)) {
      const result = await g.as(who, lookup, { id: probe.id });
      expect(result.errors).toBeUndefined();
      expect(result.data.node).toBeNull();
    }
    expect((await g.as('admin', lookup, { id: orphan.id })).data.node).toEqual({ runId: 'orphan-run-1' });
  });

  it('a malformed recap_json is a field error; the rest of the page is intact', async () => {
    await g.db.pool.query(`UPDATE engine.ansible_play_recaps SET recap_json = 'ok=3 changed=1' WHERE run_id = 'orphan-run-1'`);
    const result = await g.as('admin', RECAPS, { first: 100 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'ansible_play_recaps.recap_json' });
    const orphan = result.data.ansiblePlayRecaps.edges.find((e: any) => e.node.runId === 'orphan-run-1').node;
    expect(orphan).toMatchObject({ recap: null, recapText: 'gone-host-01 : ok=3', status: 'Success' });
    expect(result.data.ansiblePlayRecaps.edges.filter((e: any) => e.node.recap !== null).length).toBe(result.data.ansiblePlayRecaps.edges.length - 1);
  });
});
