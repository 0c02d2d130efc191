import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
let siteIdByName: Record<string, string>;
beforeAll(async () => {
  // The scope tests select wide nested pages on purpose: cost limits are tested in test/http.
  g = await createSeededGateway({ devices: 150, env: { GATEWAY_MAX_COST: '1000000' } });
  const { rows } = await g.db.pool.query<{ id: string; name: string }>('SELECT id::text, name FROM engine.sites');
  siteIdByName = Object.fromEntries(rows.map((r) => [r.name, r.id]));
});
afterAll(() => g.close());

const DEVICE_PAGE = /* GraphQL */ `
  query Devices($first: Int, $after: String, $where: DeviceWhere, $orderBy: DeviceOrder) {
    devices(first: $first, after: $after, where: $where, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id guid hostname site { name } } }
    }
  }`;

async function expectedCount(sql: string, params: unknown[] = []): Promise<number> {
  return (await g.db.pool.query(sql, params)).rows[0].n;
}

describe('devices: site scope at the data level', () => {
  it('an Admin sees every device, unassigned ones included', async () => {
    const result = await g.as('admin', DEVICE_PAGE, { first: 5 });
    expect(result.errors).toBeUndefined();
    expect(result.data.devices.totalCount).toBe(150);
  });

  it('a User sees exactly the devices of their sites, in the count and in the pages', async () => {
    const expected = await expectedCount(
      `SELECT count(*)::int AS n FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
        JOIN engine.sites s ON s.id = ds.site_id WHERE s.name IN ('Acme Branch Office', 'Globex Plant')`,
    );
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const result: any = await g.as('bob', DEVICE_PAGE, { first: 40, after });
      expect(result.errors).toBeUndefined();
      total = result.data.devices.totalCount;
      for (const edge of result.data.devices.edges) {
        expect(['Acme Branch Office', 'Globex Plant']).toContain(edge.node.site.name);
        seen.push(edge.node.guid);
      }
      after = result.data.devices.pageInfo.hasNextPage ? result.data.devices.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(expected);
    expect(new Set(seen).size).toBe(expected);
  });

  it('a User without sites sees nothing; anonymous is refused', async () => {
    const carol = await g.as('carol', DEVICE_PAGE, { first: 5 });
    expect(carol.data.devices).toMatchObject({ totalCount: 0, edges: [] });
    const anonymous = await g.as(null, DEVICE_PAGE, { first: 5 });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('node(id:) cannot probe a device outside the operator\'s sites', async () => {
    const globex = (await g.as('admin', DEVICE_PAGE, { first: 1, where: { siteIds: [siteIdByName['Globex Plant']] } })).data.devices.edges[0].node;
    const unassigned = (await g.as('admin', DEVICE_PAGE, { first: 1, where: { unassigned: true } })).data.devices.edges[0].node;
    const node = `query($id: ID!) { node(id: $id) { id ... on Device { hostname } } }`;
    expect((await g.as('bob', node, { id: globex.id })).data.node).toMatchObject({ hostname: globex.hostname });
    expect((await g.as('alice', node, { id: globex.id })).data.node).toBeNull();
    expect((await g.as('bob', node, { id: unassigned.id })).data.node).toBeNull();
    expect((await g.as('admin', node, { id: unassigned.id })).data.node).toMatchObject({ hostname: unassigned.hostname });
  });

  it('nested incidents, states and run targets follow the scope of their own site', async () => {
    const query = `{ devices(first: 100) { edges { node { site { databaseId } incidents(first: 50) { site { databaseId } } watchdogStates { site { databaseId } } runTargets(first: 50) { site { databaseId } } } } } }`;
    const result = await g.as('alice', query);
    expect(result.errors).toBeUndefined();
    const acme = siteIdByName['Acme HQ'];
    let checked = 0;
    for (const { node } of result.data.devices.edges) {
      expect(node.site.databaseId).toBe(acme);
      for (const row of [...node.incidents, ...node.watchdogStates, ...node.runTargets]) {
        // a row without a site is admin-only, so a scoped User must never receive one
        expect(row.site?.databaseId).toBe(acme);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('devices: filters, ordering, paging', () => {
  it('filters by site, search, status and online state with matching totals', async () => {
    const bySite = await g.as('admin', DEVICE_PAGE, { first: 1, where: { siteIds: [siteIdByName['Umbrella Lab']] } });
    expect(bySite.data.devices.totalCount).toBe(
      await expectedCount(`SELECT count(*)::int AS n FROM engine.device_sites ds JOIN engine.devices d ON d.hostname = ds.device_hostname WHERE ds.site_id = $1`, [siteIdByName['Umbrella Lab']]),
    );
    const search = await g.as('admin', DEVICE_PAGE, { first: 100, where: { search: 'globex' } });
    expect(search.data.devices.totalCount).toBeGreaterThan(0);
    expect(search.data.devices.totalCount).toBe(await expectedCount(`SELECT count(*)::int AS n FROM engine.devices WHERE hostname ILIKE '%globex%' OR description ILIKE '%globex%' OR last_user ILIKE '%globex%' OR internal_ip ILIKE '%globex%' OR external_ip ILIKE '%globex%'`));
    const revoked = await g.as('admin', DEVICE_PAGE, { first: 10, where: { status: { equals: 'revoked' } } });
    expect(revoked.data.devices.totalCount).toBe(await expectedCount(`SELECT count(*)::int AS n FROM engine.devices WHERE status = 'revoked'`));
    const unassigned = await g.as('admin', DEVICE_PAGE, { first: 10, where: { unassigned: true } });
    expect(unassigned.data.devices.totalCount).toBe(
      await expectedCount(`SELECT count(*)::int AS n FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname WHERE ds.site_id IS NULL`),
    );
  });

  it('orders by hostname descending with stable cursors', async () => {
    const first = await g.as('admin', DEVICE_PAGE, { first: 10, orderBy: { field: 'HOSTNAME', direction: 'DESC' } });
    const names = first.data.devices.edges.map((e: any) => e.node.hostname);
    expect(names).toEqual([...names].sort().reverse());
    const next = await g.as('admin', DEVICE_PAGE, { first: 10, after: first.data.devices.pageInfo.endCursor, orderBy: { field: 'HOSTNAME', direction: 'DESC' } });
    expect(next.data.devices.edges[0].node.hostname < names[9]).toBe(true);
  });

  it('refuses a page larger than the maximum with BAD_USER_INPUT', async () => {
    const result = await g.as('admin', DEVICE_PAGE, { first: 500 });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxPageSize: 100 });
  });
});

describe('devices: storage quirks', () => {
  it('decodes base64 metadata with labels, parses inventory JSON, and survives a malformed value', async () => {
    const result = await g.as('admin', `{ devices(first: 100, where: { hostname: { in: ["WS-GLOBEX-0001", "WS-ACME-0001"] } }) {
      edges { node { hostname lastSeen keyAddedAt online inventory { software memory } metadataFields { fieldNumber label value } keyHistory { active addedAt } } } } }`);
    const byHost = Object.fromEntries(result.data.devices.edges.map((e: any) => [e.node.hostname, e.node]));
    const broken = byHost['WS-GLOBEX-0001'];
    expect(broken.inventory.software).toBeNull();
    expect(broken.inventory.memory).not.toBeNull(); // the rest of the device is intact
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'STORED_VALUE_MALFORMED', column: 'devices.software' }) })]);
    const healthy = byHost['WS-ACME-0001'];
    expect(Array.isArray(healthy.inventory.software)).toBe(true);
    expect(healthy.lastSeen).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(healthy.keyAddedAt).toMatch(/Z$/);
    const stored = (await g.db.pool.query(`SELECT f.value, d.description FROM engine.device_metadata_fields f JOIN engine.metadata_field_definitions d USING (field_number) JOIN engine.devices v ON upper(v.guid) = upper(f.device_guid) WHERE v.hostname = 'WS-ACME-0001' ORDER BY f.field_number LIMIT 1`)).rows[0];
    const field = healthy.metadataFields[0];
    expect(field.label).toBe(stored.description);
    expect(field.value).toBe(Buffer.from(stored.value, 'base64').toString('utf8'));
  });
});

describe('batching: statement count does not grow with the page size', () => {
  const NESTED = `query($first: Int) { devices(first: $first) { totalCount edges { node {
    hostname site { name }
    incidents(state: [OPEN], first: 5) { title watchdog { name } site { name } }
    metadataFields { label value }
    runTargets(first: 3) { resolutionStatus run { status job { name } } }
    watchdogStates { state watchdog { name } }
    keyHistory { active }
  } } } }`;

  async function statementsFor(first: number): Promise<string[]> {
    const counter = countStatements(g.db.pool);
    try {
      const result = await g.as('admin', NESTED, { first });
      expect(result.errors).toBeUndefined();
      expect(result.data.devices.edges).toHaveLength(first);
      // every relation kind is present in both pages, so the comparison is fair
      const nodes = result.data.devices.edges.map((e: any) => e.node);
      expect(nodes.some((n: any) => n.incidents.length > 0 && n.runTargets.length > 0)).toBe(true);
      return [...counter.statements];
    } finally {
      counter.stop();
    }
  }

  it('for 100 devices with site, open incidents, metadata fields and last run targets', async () => {
    const small = await statementsFor(30);
    const large = await statementsFor(100);
    expect(large.length).toBe(small.length);
    expect(large.length).toBeLessThanOrEqual(16);
  });
});
