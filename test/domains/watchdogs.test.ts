import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const siteIds: Record<string, number> = {};
beforeAll(async () => {
  g = await createSeededGateway();
  for (const row of (await g.db.pool.query('SELECT id, name FROM engine.sites')).rows) siteIds[row.name] = Number(row.id);
});
afterAll(() => g.close());

const count = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows[0].n as number;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];

describe('incident queue', () => {
  const QUEUE = `query($where: IncidentWhere, $first: Int) { incidents(where: $where, first: $first) {
    totalCount edges { node { id databaseId state severity title site { databaseId } hostname watchdog { name } } } } }`;

  it('is scoped by the incident site_id, with matching totals', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const result = await g.as(who, QUEUE, { first: 100 });
      expect(result.errors).toBeUndefined();
      const expected = await count(`SELECT count(*)::int AS n FROM engine.watchdog_incidents WHERE site_id = ANY($1)`, [userSites(who)]);
      expect(expected).toBeGreaterThan(0);
      expect(result.data.incidents.totalCount).toBe(expected);
      for (const edge of result.data.incidents.edges) expect(userSites(who)).toContain(Number(edge.node.site.databaseId));
    }
    expect((await g.as('admin', QUEUE, { first: 1 })).data.incidents.totalCount).toBe(await count('SELECT count(*)::int AS n FROM engine.watchdog_incidents'));
    expect((await g.as('carol', QUEUE, { first: 10 })).data.incidents).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('filters by state and severity from the documented value sets, newest first', async () => {
    const result = await g.as('admin', QUEUE, { first: 100, where: { state: ['OPEN', 'SUPPRESSED'], severity: ['ERROR', 'WARNING'] } });
    expect(result.data.incidents.totalCount).toBe(
      await count(`SELECT count(*)::int AS n FROM engine.watchdog_incidents WHERE lower(state) IN ('open','suppressed') AND lower(severity) IN ('error','warning')`),
    );
    for (const edge of result.data.incidents.edges) expect(['open', 'suppressed']).toContain(edge.node.state);
    const bad = await g.as('admin', `{ incidents(where: { state: [CLOSED] }) { totalCount } }`);
    expect(bad.errors![0]!.message).toMatch(/CLOSED/);
  });

  it('node(id:) returns an in-scope incident and null for an out-of-scope one', async () => {
    const all = (await g.as('admin', QUEUE, { first: 100 })).data.incidents.edges.map((e: any) => e.node);
    const alicesSite = userSites('alice')[0];
    const inside = all.find((i: any) => Number(i.site?.databaseId) === alicesSite);
    const outside = all.find((i: any) => Number(i.site?.databaseId) !== alicesSite);
    const lookup = `query($id: ID!) { node(id: $id) { ... on WatchdogIncident { databaseId } } }`;
    expect((await g.as('alice', lookup, { id: inside.id })).data.node).toEqual({ databaseId: inside.databaseId });
    const probe = await g.as('alice', lookup, { id: outside.id });
    expect(probe.data.node).toBeNull();
    expect(probe.errors).toBeUndefined();
  });
});

describe('watchdogs', () => {
  const WATCHDOGS = `{ watchdogs(first: 50) { totalCount edges { node { name enabled archived severity criteria
    sites { name } targets { kind } overrides { state site { databaseId } }
    deviceStates { state site { databaseId } currentIncident { state } }
    incidents(state: [OPEN], first: 5) { state site { databaseId } } } } } }`;

  it('a User sees the watchdogs of their sites, and only the per-device rows of their sites', async () => {
    const result = await g.as('bob', WATCHDOGS);
    expect(result.errors).toBeUndefined();
    const expected = await count(`SELECT count(DISTINCT watchdog_id)::int AS n FROM engine.watchdog_sites WHERE site_id = ANY($1)`, [userSites('bob')]);
    expect(expected).toBeGreaterThan(0);
    expect(result.data.watchdogs.totalCount).toBe(expected);
    for (const { node } of result.data.watchdogs.edges) {
      for (const row of [...node.overrides, ...node.deviceStates, ...node.incidents]) {
        if (row.site) expect(userSites('bob')).toContain(Number(row.site.databaseId));
      }
      expect(typeof node.enabled).toBe('boolean');
    }
    expect((await g.as('carol', WATCHDOGS)).data.watchdogs.totalCount).toBe(0);
  });

  it('an Admin sees all watchdogs, and relations cost a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', WATCHDOGS);
    counter.stop();
    expect(result.errors).toBeUndefined();
    expect(result.data.watchdogs.totalCount).toBe(await count('SELECT count(*)::int AS n FROM engine.watchdogs'));
    // list + count + one statement per relation kind (sites, site rows, targets, overrides, states, incidents x2)
    expect(counter.statements.length).toBeLessThanOrEqual(12);
  });

  it('builds a list\'s where once for the page and its totalCount (the site filter reads watchdog_sites once)', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('bob', `query($sites: [ID!]) { watchdogs(first: 10, where: { siteIds: $sites }) { totalCount edges { node { name } } } }`, {
      sites: userSites('bob').map(String),
    });
    counter.stop();
    expect(result.errors).toBeUndefined();
    expect(result.data.watchdogs.totalCount).toBeGreaterThan(0);
    // one scope set + one site filter + page + count
    expect(counter.statements.filter((sql) => /watchdog_sites/.test(sql))).toHaveLength(2);
    expect(counter.statements).toHaveLength(4);
  });
});
