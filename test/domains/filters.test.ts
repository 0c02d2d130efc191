import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const siteIds: Record<string, number> = {};
beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  for (const row of (await g.db.pool.query('SELECT id, name FROM engine.sites')).rows) siteIds[row.name] = Number(row.id);
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('device filters', () => {
  const FILTERS = `query($first: Int, $after: String, $where: DeviceFilterWhere, $orderBy: DeviceFilterOrder) {
    deviceFilters(first: $first, after: $after, where: $where, orderBy: $orderBy) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id databaseId name archived criteriaMode siteMode basicCriteria advancedCriteria updatedAt sites { databaseId name } } } } }`;

  it('a User sees the filters linked to their sites; global filters are admin-only', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const expected = (
        await rows('SELECT DISTINCT filter_id FROM engine.device_filter_sites WHERE site_id = ANY($1) ORDER BY 1', [userSites(who)])
      ).map((r) => String(r.filter_id));
      expect(expected.length).toBeGreaterThan(0);
      const result = await g.as(who, FILTERS, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceFilters.totalCount).toBe(expected.length);
      expect(result.data.deviceFilters.edges.map((e: any) => e.node.databaseId).sort()).toEqual(expected.sort());
      for (const { node } of result.data.deviceFilters.edges) {
        expect(node.siteMode).not.toBe('global');
        // Only the operator's own sites are listed.
        for (const site of node.sites) expect(userSites(who)).toContain(Number(site.databaseId));
      }
    }
    const all = await g.as('admin', FILTERS, { first: 100 });
    expect(all.data.deviceFilters.totalCount).toBe((await rows('SELECT id FROM engine.device_filters')).length);
    expect(all.data.deviceFilters.edges.some((e: any) => e.node.siteMode === 'global')).toBe(true);
    expect((await g.as('carol', FILTERS, { first: 10 })).data.deviceFilters).toMatchObject({ totalCount: 0, edges: [] });
    const anonymous = await g.as(null, FILTERS, { first: 10 });
    expect(codes(anonymous)).toContain('UNAUTHENTICATED');
  });

  it('a filter lists its sites (all for an Admin, the User\'s own for a User) and parses its criteria', async () => {
    const where = { name: { equals: 'Acme Workstations' } };
    const admin = (await g.as('admin', FILTERS, { where })).data.deviceFilters.edges[0].node;
    expect(admin.sites.map((s: any) => s.name).sort()).toEqual(['Acme Branch Office', 'Acme HQ']);
    expect(admin.basicCriteria.groups[0].conditions[0]).toMatchObject({ field: 'device_type', value: 'Workstation' });
    expect(admin.archived).toBe(false);
    const alice = (await g.as('alice', FILTERS, { where })).data.deviceFilters.edges[0].node;
    expect(alice.sites.map((s: any) => s.name)).toEqual(['Acme HQ']);
  });

  it('node(id:) finds an in-scope filter and answers null for a global or foreign one', async () => {
    const all = (await g.as('admin', FILTERS, { first: 100 })).data.deviceFilters.edges.map((e: any) => e.node);
    const lookup = `query($id: ID!) { node(id: $id) { __typename ... on DeviceFilter { name } } }`;
    const acme = all.find((f: any) => f.name === 'Acme Workstations');
    const global = all.find((f: any) => f.name === 'All Windows Servers');
    const globex = all.find((f: any) => f.name === 'Linux Servers - Globex');
    expect((await g.as('alice', lookup, { id: acme.id })).data.node).toEqual({ __typename: 'DeviceFilter', name: 'Acme Workstations' });
    for (const id of [global.id, globex.id]) {
      const probe = await g.as('alice', lookup, { id });
      expect(probe.errors).toBeUndefined();
      expect(probe.data.node).toBeNull();
    }
    expect((await g.as('admin', lookup, { id: global.id })).data.node.name).toBe('All Windows Servers');
  });

  it('filters by flags, text, modes and sites; orders and pages with stable totals', async () => {
    const archived = await g.as('admin', FILTERS, { first: 100, where: { archived: true } });
    expect(archived.data.deviceFilters.edges.map((e: any) => e.node.name)).toEqual(['Windows 10 Leftovers (archived)']);
    const linux = await g.as('admin', FILTERS, { where: { name: { contains: 'LINUX' } } });
    expect(linux.data.deviceFilters.edges.map((e: any) => e.node.name)).toEqual(['Linux Servers - Globex']);
    const advanced = await g.as('admin', FILTERS, { where: { criteriaMode: { in: ['advanced'] } } });
    expect(advanced.data.deviceFilters.totalCount).toBe(1);
    const globex = await g.as('admin', FILTERS, { where: { siteIds: [String(siteIds['Globex Plant'])] } });
    expect(globex.data.deviceFilters.edges.map((e: any) => e.node.name)).toEqual(['Linux Servers - Globex']);

    const expected = (await rows('SELECT name FROM engine.device_filters ORDER BY updated_at DESC, id DESC')).map((r) => r.name);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result: any = await g.as('admin', FILTERS, { first: 2, after, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } });
      expect(result.data.deviceFilters.totalCount).toBe(expected.length);
      seen.push(...result.data.deviceFilters.edges.map((e: any) => e.node.name));
      if (!result.data.deviceFilters.pageInfo.hasNextPage) break;
      after = result.data.deviceFilters.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('bad input gets a clear error with a code', async () => {
    expect(codes(await g.as('admin', FILTERS, { where: { id: { equals: 'abc' } } }))).toContain('BAD_USER_INPUT');
    expect(codes(await g.as('admin', FILTERS, { first: 500 }))).toContain('BAD_USER_INPUT');
    const range = await g.as('admin', FILTERS, { where: { updatedAt: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } } });
    expect(codes(range)).toContain('BAD_USER_INPUT');
  });

  it('relations cost a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', FILTERS, { first: 100 });
    counter.stop();
    expect(result.errors).toBeUndefined();
    // list + count + site rows + sites
    expect(counter.statements.length).toBeLessThanOrEqual(4);
  });

  it('a malformed stored criteria document is a field error; the rest of the page is intact', async () => {
    await g.db.pool.query(`UPDATE engine.device_filters SET advanced_criteria_json = '{"match": "all", rules: [' WHERE name = 'Low Disk Space (< 10% free)'`);
    try {
      const result = await g.as('admin', FILTERS, { first: 100 });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'device_filters.advanced_criteria_json' });
      expect(result.errors![0]!.message).not.toContain('rules: [');
      const edges = result.data.deviceFilters.edges;
      expect(edges).toHaveLength(5);
      const broken = edges.find((e: any) => e.node.name.startsWith('Low Disk'));
      expect(broken.node).toMatchObject({ advancedCriteria: null, criteriaMode: 'advanced', archived: false });
    } finally {
      await g.db.pool.query(`UPDATE engine.device_filters SET advanced_criteria_json = '{}' WHERE name = 'Low Disk Space (< 10% free)'`);
    }
  });
});

describe('device list views', () => {
  const VIEWS = `query($where: DeviceListViewWhere, $orderBy: DeviceListViewOrder) {
    deviceListViews(first: 50, where: $where, orderBy: $orderBy) { totalCount edges { node { id databaseId name columns filters createdAt } } } }`;

  it('are global: every signed-in operator sees all of them; anonymous requests are refused', async () => {
    const total = (await rows('SELECT id FROM engine.device_list_views')).length;
    for (const who of ['admin', 'alice', 'bob', 'carol'] as const) {
      const result = await g.as(who, VIEWS);
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceListViews.totalCount).toBe(total);
    }
    expect(codes(await g.as(null, VIEWS))).toContain('UNAUTHENTICATED');
  });

  it('parse their JSON, filter, order and round-trip through node(id:)', async () => {
    const result = await g.as('carol', VIEWS, { where: { name: { contains: 'servers' } } });
    const view = result.data.deviceListViews.edges[0].node;
    expect(view.name).toBe('Servers Overview');
    expect(view.columns).toContain('cpu_percent');
    expect(view.filters).toEqual({ device_type: { filterType: 'text', type: 'equals', filter: 'Server' } });
    const byName = await g.as('carol', VIEWS, { orderBy: { field: 'NAME', direction: 'DESC' } });
    expect(byName.data.deviceListViews.edges.map((e: any) => e.node.name)).toEqual(['Servers Overview', 'Offline > 1h', 'Default']);
    const node = await g.as('carol', `query($id: ID!) { node(id: $id) { ... on DeviceListView { name databaseId } } }`, { id: view.id });
    expect(node.data.node).toEqual({ name: 'Servers Overview', databaseId: view.databaseId });
  });
});

describe('metadata field definitions', () => {
  const DEFINITIONS = `query($where: MetadataFieldDefinitionWhere, $orderBy: MetadataFieldDefinitionOrder) {
    metadataFieldDefinitions(first: 100, where: $where, orderBy: $orderBy) {
      totalCount edges { node { id databaseId fieldNumber description label updatedAt updatedBy } } } }`;

  it('are global for any operator, with Borealis\'s default label for an empty description', async () => {
    await g.db.pool.query(`INSERT INTO engine.metadata_field_definitions (field_number, description, updated_at, updated_by) VALUES (7, '', 0, NULL)`);
    const total = (await rows('SELECT field_number FROM engine.metadata_field_definitions')).length;
    const result = await g.as('carol', DEFINITIONS);
    expect(result.errors).toBeUndefined();
    expect(result.data.metadataFieldDefinitions.totalCount).toBe(total);
    const nodes = result.data.metadataFieldDefinitions.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.fieldNumber)).toEqual([1, 2, 3, 7]);
    expect(nodes[0]).toMatchObject({ label: 'Asset Tag', description: 'Asset Tag', updatedBy: 'admin' });
    expect(nodes[3]).toMatchObject({ label: 'Field 007', description: '', updatedAt: null });
    expect(codes(await g.as(null, DEFINITIONS))).toContain('UNAUTHENTICATED');

    const described = await g.as('bob', DEFINITIONS, { where: { described: false } });
    expect(described.data.metadataFieldDefinitions.edges.map((e: any) => e.node.fieldNumber)).toEqual([7]);
    const picked = await g.as('bob', DEFINITIONS, { where: { fieldNumbers: [2, 3, 400] }, orderBy: { field: 'FIELD_NUMBER', direction: 'DESC' } });
    expect(picked.data.metadataFieldDefinitions.edges.map((e: any) => e.node.fieldNumber)).toEqual([3, 2]);

    const node = await g.as('bob', `query($id: ID!) { node(id: $id) { ... on MetadataFieldDefinition { fieldNumber label } } }`, { id: nodes[1].id });
    expect(node.data.node).toEqual({ fieldNumber: 2, label: 'Owner' });
  });
});
