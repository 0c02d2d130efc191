import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, testIdentity, type TestGateway } from '../support/gateway.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';
import { readOwnership, visibleJobIds } from '../support/access-oracle.js';

let g: SeededGateway;
const siteIds: Record<string, number> = {};
beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  for (const row of (await g.db.pool.query('SELECT id, name FROM engine.sites')).rows) siteIds[row.name] = Number(row.id);
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];
/** Work items in scope: by site_id (site 0 admin-only); a work item of a job also needs the job in scope. */
async function itemsInScope(sites: number[]): Promise<string[]> {
  const jobs = visibleJobIds(sites, await readOwnership(g.db.pool));
  const items = await rows('SELECT id, job_id FROM engine.job_scheduler_work_items WHERE site_id = ANY($1) AND site_id > 0', [sites]);
  return items.filter((r) => r.job_id === null || jobs.includes(Number(r.job_id))).map((r) => String(r.id));
}
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

const ITEMS = `query($first: Int, $after: String, $where: SchedulerWorkItemWhere, $orderBy: SchedulerWorkItemOrder) {
  schedulerWorkItems(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id databaseId kind lane status global priority payload createdAt
      site { databaseId } job { name } worker { containerName status } } } } }`;

describe('job-scheduler work items', () => {
  it('are scoped by their site_id and their job; global/service lanes (site 0) are admin-only', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const expected = await itemsInScope(userSites(who));
      expect(expected.length).toBeGreaterThan(0);
      const result = await g.as(who, ITEMS, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.schedulerWorkItems.totalCount).toBe(expected.length);
      expect(result.data.schedulerWorkItems.edges.map((e: any) => e.node.databaseId).sort()).toEqual(expected.sort());
      for (const { node } of result.data.schedulerWorkItems.edges) {
        expect(node.global).toBe(false);
        expect(userSites(who)).toContain(Number(node.site.databaseId));
      }
      expect((await g.as(who, ITEMS, { where: { global: true } })).data.schedulerWorkItems.totalCount).toBe(0);
    }
    const admin = await g.as('admin', ITEMS, { first: 100 });
    expect(admin.data.schedulerWorkItems.totalCount).toBe((await rows('SELECT id FROM engine.job_scheduler_work_items')).length);
    const global = await g.as('admin', ITEMS, { where: { global: true } });
    expect(global.data.schedulerWorkItems.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ kind: 'service_action', lane: 'service_action', global: true, site: null }),
    ]);
    expect((await g.as('carol', ITEMS, { first: 10 })).data.schedulerWorkItems).toMatchObject({ totalCount: 0, edges: [] });
    expect(codes(await g.as(null, ITEMS, { first: 10 }))).toContain('UNAUTHENTICATED');
  });

  it('site 0 stays admin-only even for a User somehow assigned to it', async () => {
    let gateway: TestGateway | undefined;
    try {
      gateway = await createTestGateway(g.db, { zero: testIdentity('zero', 'User', [0, siteIds['Acme HQ']!]) });
      const result = await gateway.graphql<any>(ITEMS, { first: 100 }, { authorization: 'Test zero' });
      expect(result.errors).toBeUndefined();
      const expected = await itemsInScope([siteIds['Acme HQ']!]);
      expect(result.data!.schedulerWorkItems.totalCount).toBe(expected.length);
      expect(result.data!.schedulerWorkItems.edges.every((e: any) => e.node.global === false)).toBe(true);
    } finally {
      await gateway?.close();
    }
  });

  it('filters by the documented status, kind and lane value sets, sites, jobs and time; orders and pages', async () => {
    const active = await g.as('admin', ITEMS, { first: 100, where: { status: ['QUEUED', 'RUNNING'] } });
    const expected = await rows(`SELECT id FROM engine.job_scheduler_work_items WHERE lower(status) IN ('queued', 'running')`);
    expect(expected.length).toBeGreaterThan(0);
    expect(active.data.schedulerWorkItems.totalCount).toBe(expected.length);
    const kinds = await g.as('admin', ITEMS, { where: { kind: ['PATCH_INSTALL_RUN', 'ONBOARDING_RUN'], lane: ['SCHEDULED_JOB'] } });
    expect(kinds.data.schedulerWorkItems.edges.map((e: any) => e.node.kind)).toEqual(['patch_install_run']);
    const globex = await g.as('admin', ITEMS, { where: { siteIds: [String(siteIds['Globex Plant'])] } });
    expect(globex.data.schedulerWorkItems.edges.map((e: any) => e.node.site.databaseId)).toEqual([String(siteIds['Globex Plant'])]);
    expect((await g.as('admin', ITEMS, { where: { status: ['DONE'] } })).errors![0]!.message).toMatch(/DONE/);

    const byPriority = (await rows('SELECT id FROM engine.job_scheduler_work_items ORDER BY priority DESC, id DESC')).map((r) => String(r.id));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: any = await g.as('admin', ITEMS, { first: 4, after, orderBy: { field: 'PRIORITY', direction: 'DESC' } });
      seen.push(...result.data.schedulerWorkItems.edges.map((e: any) => e.node.databaseId));
      if (!result.data.schedulerWorkItems.pageInfo.hasNextPage) break;
      after = result.data.schedulerWorkItems.pageInfo.endCursor;
    }
    expect(seen).toEqual(byPriority);

    const newest = await g.as('admin', ITEMS, { first: 100 });
    const created = newest.data.schedulerWorkItems.edges.map((e: any) => Date.parse(e.node.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const recent = await g.as('admin', ITEMS, { where: { createdAt: { from: new Date(created[1]).toISOString() } } });
    expect(recent.data.schedulerWorkItems.totalCount).toBeGreaterThanOrEqual(2);
    expect(codes(await g.as('admin', ITEMS, { where: { jobId: { equals: '99999999999' } } }))).toContain('BAD_USER_INPUT');
  });

  it('links jobs, workers and sites with a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', ITEMS, { first: 100 });
    counter.stop();
    expect(result.errors).toBeUndefined();
    const running = result.data.schedulerWorkItems.edges.find((e: any) => e.node.status === 'running').node;
    expect(running.worker).toMatchObject({ status: 'running' });
    expect(running.job.name).toBe('Weekly Temp Cleanup - Acme HQ');
    // list + count + sites + job scope + jobs + workers
    expect(counter.statements.length).toBeLessThanOrEqual(6);
  });

  it('node(id:) round-trips in scope and answers null out of scope', async () => {
    const all = (await g.as('admin', ITEMS, { first: 100 })).data.schedulerWorkItems.edges.map((e: any) => e.node);
    const lookup = `query($id: ID!) { node(id: $id) { ... on SchedulerWorkItem { databaseId kind } } }`;
    const alices = all.find((i: any) => Number(i.site?.databaseId) === siteIds['Acme HQ']);
    const service = all.find((i: any) => i.global);
    expect((await g.as('alice', lookup, { id: alices.id })).data.node).toEqual({ databaseId: alices.databaseId, kind: alices.kind });
    expect((await g.as('alice', lookup, { id: service.id })).data.node).toBeNull();
    expect((await g.as('admin', lookup, { id: service.id })).data.node.kind).toBe('service_action');
  });

  it('a malformed payload is a field error; the rest of the page is intact', async () => {
    const [item] = await rows(`SELECT id FROM engine.job_scheduler_work_items WHERE kind = 'service_action'`);
    await g.db.pool.query(`UPDATE engine.job_scheduler_work_items SET payload_json = '{"action": restart' WHERE id = $1`, [item.id]);
    const result = await g.as('admin', ITEMS, { first: 100 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'job_scheduler_work_items.payload_json' });
    const edges = result.data.schedulerWorkItems.edges;
    expect(edges.find((e: any) => e.node.databaseId === String(item.id)).node).toMatchObject({ payload: null, kind: 'service_action' });
    expect(edges.filter((e: any) => e.node.payload !== null).length).toBe(edges.length - 1);
  });
});

describe('site workers', () => {
  const WORKERS = `query($where: SchedulerWorkerWhere, $orderBy: SchedulerWorkerOrder) {
    schedulerWorkers(first: 50, where: $where, orderBy: $orderBy) {
      totalCount edges { node { id workerGuid containerName status currentLanes taskLinks lastSeenAt site { databaseId }
        workItems(first: 5) { kind status } route { routePathPrefix status } } } } }`;

  it('are scoped by site; the edge route is admin-only (null for a User)', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const expected = (await rows('SELECT worker_guid FROM engine.job_scheduler_workers WHERE site_id = ANY($1)', [userSites(who)])).map((r) => r.worker_guid);
      expect(expected.length).toBeGreaterThan(0);
      const result = await g.as(who, WORKERS);
      expect(result.errors).toBeUndefined();
      expect(result.data.schedulerWorkers.edges.map((e: any) => e.node.workerGuid).sort()).toEqual(expected.sort());
      for (const { node } of result.data.schedulerWorkers.edges) {
        expect(node.route).toBeNull();
        expect(userSites(who)).toContain(Number(node.site.databaseId));
      }
    }
    const admin = await g.as('admin', WORKERS);
    expect(admin.data.schedulerWorkers.totalCount).toBe(3);
    const running = admin.data.schedulerWorkers.edges.find((e: any) => e.node.status === 'running').node;
    expect(running.route).toMatchObject({ status: 'active' });
    expect(running.currentLanes).toEqual(['scheduled_job']);
    expect(running.workItems.map((i: any) => i.status)).toEqual(['running']);
    expect((await g.as('carol', WORKERS)).data.schedulerWorkers.totalCount).toBe(0);
    expect(codes(await g.as(null, WORKERS))).toContain('UNAUTHENTICATED');
  });

  it('filter by the documented status set and order by last seen', async () => {
    const idle = await g.as('admin', WORKERS, { where: { status: ['IDLE', 'STOPPED'] } });
    expect(idle.data.schedulerWorkers.edges.map((e: any) => e.node.status).sort()).toEqual(['idle', 'stopped']);
    const bySeen = await g.as('admin', WORKERS, { orderBy: { field: 'LAST_SEEN_AT', direction: 'ASC' } });
    const seen = bySeen.data.schedulerWorkers.edges.map((e: any) => Date.parse(e.node.lastSeenAt));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('worker routes and service snapshots', () => {
  const ROUTES = `{ schedulerWorkerRoutes(first: 10) { totalCount edges { node { id workerGuid routeName upstreamHost upstreamPort metadata worker { status } site { name } } } } }`;
  const SNAPSHOTS = `query($where: SchedulerServiceSnapshotWhere) { schedulerServiceSnapshots(first: 10, where: $where) {
    totalCount edges { node { id serviceKey payload updatedAt } } } }`;

  it('are admin-only: FORBIDDEN for Users, UNAUTHENTICATED for anonymous requests', async () => {
    for (const query of [ROUTES, SNAPSHOTS]) {
      for (const who of ['alice', 'bob', 'carol'] as const) expect(codes(await g.as(who, query))).toEqual(['FORBIDDEN']);
      expect(codes(await g.as(null, query))).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('an Admin reads them; node(id:) answers null for a User', async () => {
    const routes = await g.as('admin', ROUTES);
    expect(routes.errors).toBeUndefined();
    expect(routes.data.schedulerWorkerRoutes.totalCount).toBe(2);
    const active = routes.data.schedulerWorkerRoutes.edges.find((e: any) => e.node.worker?.status === 'running').node;
    expect(active).toMatchObject({ upstreamPort: 5050, site: { name: 'Acme HQ' }, metadata: { site_name: 'Acme HQ' } });
    const snapshots = await g.as('admin', SNAPSHOTS, { where: { serviceKey: { in: ['job-scheduler', 'edge-router'] } } });
    expect(snapshots.data.schedulerServiceSnapshots.edges.map((e: any) => e.node.serviceKey)).toEqual(['edge-router', 'job-scheduler']);
    expect(snapshots.data.schedulerServiceSnapshots.edges[1].node.payload).toMatchObject({ service: 'job-scheduler', restart_count: 2 });

    const lookup = `query($id: ID!) { node(id: $id) { __typename } }`;
    for (const id of [active.id, snapshots.data.schedulerServiceSnapshots.edges[0].node.id]) {
      expect((await g.as('admin', lookup, { id })).data.node).not.toBeNull();
      const probe = await g.as('alice', lookup, { id });
      expect(probe.errors).toBeUndefined();
      expect(probe.data.node).toBeNull();
    }
  });
});
