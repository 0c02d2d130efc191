import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
beforeAll(async () => {
  g = await createSeededGateway({ devices: 20 });
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);
const countAll = async () =>
  Number(
    (
      await rows(`SELECT (SELECT count(*) FROM assemblies.official_assemblies) + (SELECT count(*) FROM assemblies.community_assemblies)
                       + (SELECT count(*) FROM assemblies.user_created_assemblies) AS n`)
    )[0].n,
  );

const ASSEMBLIES = `query($domain: [AssemblyDomain!], $where: AssemblyWhere, $orderBy: AssemblyOrder, $first: Int, $after: String, $last: Int, $before: String) {
  assemblies(domain: $domain, where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id databaseId domain guid displayName assemblyType assemblySubtype payloadSizeBytes contentHash sourceRepo createdAt updatedAt } } } }`;

/** Inserts a user-created assembly with the given timestamps (text, as Borealis stores them). */
async function insertUserAssembly(guid: string, name: string, createdAt: string, updatedAt: string, payload = '{"type": "powershell"}') {
  await g.db.pool.query(
    `INSERT INTO assemblies.user_created_assemblies (assembly_guid, display_name, summary, assembly_type, assembly_subtype, payload_json,
       source_repo, source_path, source_version, content_hash, payload_size_bytes, created_at, updated_at)
     VALUES ($1, $2, 'test row', 'script', 'powershell', $3, NULL, NULL, NULL, NULL, length($3), $4, $5)`,
    [guid, name, payload, createdAt, updatedAt],
  );
}

describe('assemblies across the three domains', () => {
  it('are global content: every signed-in operator sees all; anonymous requests are refused', async () => {
    const total = await countAll();
    expect(total).toBeGreaterThan(0);
    for (const who of ['admin', 'alice', 'bob', 'carol'] as const) {
      const result = await g.as(who, ASSEMBLIES, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.assemblies.totalCount).toBe(total);
      expect(result.data.assemblies.edges).toHaveLength(total);
    }
    for (const query of [ASSEMBLIES, `{ officialCatalogStates(first: 5) { totalCount } }`, `{ assembly(domain: OFFICIAL, guid: "x") { guid } }`]) {
      expect(codes(await g.as(null, query, { first: 5 }))).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('one type with a domain, selectable per domain, ordered by display name across tables', async () => {
    const official = await g.as('carol', ASSEMBLIES, { domain: ['OFFICIAL'], first: 100 });
    const expectedOfficial = await rows('SELECT assembly_guid FROM assemblies.official_assemblies');
    expect(official.data.assemblies.totalCount).toBe(expectedOfficial.length);
    for (const { node } of official.data.assemblies.edges) expect(node.domain).toBe('OFFICIAL');
    const others = await g.as('carol', ASSEMBLIES, { domain: ['COMMUNITY', 'USER_CREATED'], first: 100 });
    expect(new Set(others.data.assemblies.edges.map((e: any) => e.node.domain))).toEqual(new Set(['COMMUNITY', 'USER_CREATED']));
    expect(official.data.assemblies.totalCount + others.data.assemblies.totalCount).toBe(await countAll());

    const all = await g.as('carol', ASSEMBLIES, { first: 100 });
    const expectedOrder = await rows(`
      SELECT assembly_guid FROM (
        SELECT 0 AS rank, assembly_guid, display_name FROM assemblies.official_assemblies UNION ALL
        SELECT 1, assembly_guid, display_name FROM assemblies.community_assemblies UNION ALL
        SELECT 2, assembly_guid, display_name FROM assemblies.user_created_assemblies) a
      ORDER BY lower(display_name), rank, assembly_guid`);
    expect(all.data.assemblies.edges.map((e: any) => e.node.guid)).toEqual(expectedOrder.map((r) => r.assembly_guid));
    const byType = await g.as('carol', ASSEMBLIES, { first: 100, orderBy: { field: 'ASSEMBLY_TYPE', direction: 'DESC' } });
    const types = byType.data.assemblies.edges.map((e: any) => e.node.assemblyType);
    expect(types).toEqual([...types].sort().reverse());
    expect((await g.as('carol', ASSEMBLIES, { domain: [], first: 5 })).data.assemblies).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('filters by GUID (case-insensitive), type, search and provenance', async () => {
    const [one] = await rows('SELECT assembly_guid, display_name FROM assemblies.community_assemblies ORDER BY display_name LIMIT 1');
    const byGuid = await g.as('bob', ASSEMBLIES, { where: { guid: { equals: one.assembly_guid.toUpperCase() } } });
    expect(byGuid.data.assemblies.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ guid: one.assembly_guid, domain: 'COMMUNITY', displayName: one.display_name }),
    ]);
    const ansible = await g.as('bob', ASSEMBLIES, { where: { assemblyType: { in: ['ansible', 'workflow'] } } });
    expect(ansible.data.assemblies.edges.map((e: any) => e.node.assemblyType).sort()).toEqual(['ansible', 'workflow']);
    const search = await g.as('bob', ASSEMBLIES, { where: { search: 'bitlocker' } });
    expect(search.data.assemblies.edges.map((e: any) => e.node.displayName)).toEqual(['Get BitLocker Status']);
    const summary = await g.as('bob', ASSEMBLIES, { where: { search: 'SoftwareDistribution' } });
    expect(summary.data.assemblies.edges.map((e: any) => e.node.displayName)).toEqual(['Reset Windows Update Components']);
    const literal = await g.as('bob', ASSEMBLIES, { where: { displayName: { contains: '%' } } });
    expect(literal.data.assemblies.totalCount).toBe(0);
    const aurora = await g.as('bob', ASSEMBLIES, { where: { sourceRepo: { equals: 'https://github.com/bunny-lab-io/Aurora' } } });
    expect(aurora.data.assemblies.totalCount).toBe((await rows('SELECT 1 FROM assemblies.official_assemblies')).length);
  });

  it('orders and filters created/updated times as instants, whatever the ISO spelling; unreadable text sorts as NULL (last ascending, first descending)', async () => {
    // Text order would be: A (space separator) < B (Z) < C (+05:00) < ... — chronological order is B, C, A.
    await insertUserAssembly('aaaaaaaa-0000-4000-8000-00000000000a', 'Order A', '2020-01-01 23:00:00', '2020-01-01 23:00:00');
    await insertUserAssembly('aaaaaaaa-0000-4000-8000-00000000000b', 'Order B', '2020-01-01T12:00:00.5Z', '2020-01-01T12:00:00.500000001Z');
    await insertUserAssembly('aaaaaaaa-0000-4000-8000-00000000000c', 'Order C', '2020-01-01T20:00:00+05:00', '2020-01-01T20:00:00.000000+05:00');
    await insertUserAssembly('aaaaaaaa-0000-4000-8000-00000000000d', 'Order D', 'yesterday', 'not a date');
    await insertUserAssembly('aaaaaaaa-0000-4000-8000-00000000000e', 'Order E', '2020-02-30T00:00:00Z', '2020-02-30T00:00:00Z');
    try {
      const ascending = await g.as('carol', ASSEMBLIES, { domain: ['USER_CREATED'], first: 100, orderBy: { field: 'UPDATED_AT', direction: 'ASC' } });
      expect(ascending.errors).toBeUndefined();
      const names = ascending.data.assemblies.edges.map((e: any) => e.node.displayName);
      expect(names.slice(0, 3)).toEqual(['Order B', 'Order C', 'Order A']);
      expect(names.slice(-2).sort()).toEqual(['Order D', 'Order E']);
      // (Order E's impossible date is left out: values.ts's isoTextToDate rolls 02-30 over to 03-01.)
      const updated = ascending.data.assemblies.edges
        .filter((e: any) => !['Order D', 'Order E'].includes(e.node.displayName))
        .map((e: any) => Date.parse(e.node.updatedAt));
      expect(updated.every(Number.isFinite)).toBe(true);
      expect(updated).toEqual([...updated].sort((a, b) => a - b));
      // Unreadable instants are NULL, the greatest value: first when descending (one rule for every list).
      const descending = await g.as('carol', ASSEMBLIES, { domain: ['USER_CREATED'], first: 5, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
      const descendingEdges = descending.data.assemblies.edges;
      expect(descendingEdges.slice(0, 2).map((e: any) => e.node.displayName).sort()).toEqual(['Order D', 'Order E']);
      const newest = descendingEdges.slice(2).map((e: any) => e.node.createdAt);
      expect(newest.every(Boolean)).toBe(true);
      expect(newest.map(Date.parse)).toEqual([...newest.map(Date.parse)].sort((a, b) => b - a));

      const window = await g.as('carol', ASSEMBLIES, {
        first: 100,
        where: { createdAt: { from: '2020-01-01T14:00:00Z', to: '2020-01-02T00:00:00Z' } },
      });
      expect(window.data.assemblies.edges.map((e: any) => e.node.displayName).sort()).toEqual(['Order A', 'Order C']);
      expect(codes(await g.as('carol', ASSEMBLIES, { where: { updatedAt: { from: '2020-01-02T00:00:00Z', to: '2020-01-01T00:00:00Z' } } }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    } finally {
      await g.db.pool.query(`DELETE FROM assemblies.user_created_assemblies WHERE assembly_guid LIKE 'aaaaaaaa-0000-4000-8000-%'`);
    }
  });

  it('pages forwards and backwards with stable totals and no overlap', async () => {
    const total = await countAll();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: any = await g.as('alice', ASSEMBLIES, { first: 3, after, orderBy: { field: 'DOMAIN' } });
      expect(result.errors).toBeUndefined();
      expect(result.data.assemblies.totalCount).toBe(total);
      expect(result.data.assemblies.pageInfo.hasPreviousPage).toBe(page > 0);
      seen.push(...result.data.assemblies.edges.map((e: any) => e.node.id));
      if (!result.data.assemblies.pageInfo.hasNextPage) break;
      after = result.data.assemblies.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const everything = await g.as('alice', ASSEMBLIES, { first: 100, orderBy: { field: 'DOMAIN' } });
    expect(everything.data.assemblies.edges.map((e: any) => e.node.id)).toEqual(seen);
    const domains = everything.data.assemblies.edges.map((e: any) => e.node.domain);
    expect(domains).toEqual([...domains].sort((a: string, b: string) => ['OFFICIAL', 'COMMUNITY', 'USER_CREATED'].indexOf(a) - ['OFFICIAL', 'COMMUNITY', 'USER_CREATED'].indexOf(b)));

    const lastEdge = everything.data.assemblies.edges[total - 1];
    const back = await g.as('alice', ASSEMBLIES, { last: 2, before: lastEdge.cursor, orderBy: { field: 'DOMAIN' } });
    expect(back.data.assemblies.edges.map((e: any) => e.node.id)).toEqual(seen.slice(total - 3, total - 1));
  });

  it('bad paging input gets BAD_USER_INPUT', async () => {
    expect(codes(await g.as('alice', ASSEMBLIES, { first: 101 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await g.as('alice', ASSEMBLIES, { first: 5, after: 'bm90LWEtY3Vyc29y' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await g.as('alice', ASSEMBLIES, { first: 5, after: Buffer.from('OffsetConnection:abc').toString('base64') }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await g.as('alice', ASSEMBLIES, { first: 5, last: 5 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('node(id:) and nodes(ids:) round-trip every domain; a malformed id is BAD_USER_INPUT (null in nodes), an unknown one null', async () => {
    const all = (await g.as('bob', ASSEMBLIES, { first: 100 })).data.assemblies.edges.map((e: any) => e.node);
    const lookup = `query($id: ID!) { node(id: $id) { __typename id ... on Assembly { domain guid displayName } } }`;
    for (const domain of ['OFFICIAL', 'COMMUNITY', 'USER_CREATED']) {
      const one = all.find((a: any) => a.domain === domain);
      expect(Buffer.from(one.id, 'base64').toString()).toBe(`Assembly:${domain.toLowerCase()}:${one.guid}`);
      const result = await g.as('bob', lookup, { id: one.id });
      expect(result.errors).toBeUndefined();
      expect(result.data.node).toEqual({ __typename: 'Assembly', id: one.id, domain, guid: one.guid, displayName: one.displayName });
    }
    const counter = countStatements(g.db.pool);
    const many = await g.as('bob', `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Assembly { guid } } }`, { ids: all.map((a: any) => a.id) });
    counter.stop();
    expect(many.errors).toBeUndefined();
    expect(many.data.nodes.map((n: any) => n.guid)).toEqual(all.map((a: any) => a.guid));
    expect(counter.statements.length).toBeLessThanOrEqual(3);

    const unknown = Buffer.from('Assembly:community:00000000-0000-4000-8000-000000000000').toString('base64');
    expect((await g.as('bob', lookup, { id: unknown })).data.node).toBeNull();
    // The same GUID under another domain is another (absent) node.
    const official = all.find((a: any) => a.domain === 'OFFICIAL');
    expect((await g.as('bob', lookup, { id: Buffer.from(`Assembly:community:${official.guid}`).toString('base64') })).data.node).toBeNull();
    for (const bad of ['Assembly:marketplace:abc', 'Assembly:official:', 'Assembly:nodomain']) {
      expect(codes(await g.as('bob', lookup, { id: Buffer.from(bad).toString('base64') }))).toEqual(['BAD_USER_INPUT']);
    }
    const mixed = await g.as('bob', `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Assembly { guid } } }`, {
      ids: [official.id, Buffer.from('Assembly:marketplace:abc').toString('base64')],
    });
    // In nodes(ids:) a malformed id is a missing node: null in its position (node(id:) refuses it).
    expect(mixed.errors).toBeUndefined();
    expect(mixed.data.nodes).toEqual([{ guid: official.guid }, null]);
    const single = await g.as('bob', `query($guid: String!) { assembly(domain: OFFICIAL, guid: $guid) { displayName } }`, { guid: official.guid.toUpperCase() });
    expect(single.data.assembly).toEqual({ displayName: official.displayName });
  });

  it('payload_json is read only when `payload` is selected, in one statement per domain', async () => {
    const without = countStatements(g.db.pool);
    await g.as('carol', ASSEMBLIES, { first: 100 });
    without.stop();
    expect(without.statements.some((sql) => sql.includes('payload_json'))).toBe(false);
    // page + count
    expect(without.statements).toHaveLength(2);

    const counter = countStatements(g.db.pool);
    const result = await g.as('carol', `{ assemblies(first: 100) { edges { node { domain assemblyType payload } } } }`);
    counter.stop();
    expect(result.errors).toBeUndefined();
    expect(counter.statements.filter((sql) => sql.includes('payload_json'))).toHaveLength(3);
    const ansible = result.data.assemblies.edges.find((e: any) => e.node.assemblyType === 'ansible').node;
    expect(ansible.payload).toMatchObject({ type: 'ansible', name: 'Linux Baseline Hardening' });
  });

  it('a malformed payload is a field error; the rest of the page is intact', async () => {
    await insertUserAssembly('bbbbbbbb-0000-4000-8000-000000000001', 'Broken Payload', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{"type": "powershell", ');
    try {
      const result = await g.as('alice', `{ assemblies(first: 100) { totalCount edges { node { displayName payload } } } }`);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'user_created_assemblies.payload_json' });
      expect(result.errors![0]!.message).not.toContain('"type"');
      const edges = result.data.assemblies.edges;
      expect(edges).toHaveLength(result.data.assemblies.totalCount);
      expect(edges.find((e: any) => e.node.displayName === 'Broken Payload').node.payload).toBeNull();
      expect(edges.filter((e: any) => e.node.payload !== null)).toHaveLength(edges.length - 1);
    } finally {
      await g.db.pool.query(`DELETE FROM assemblies.user_created_assemblies WHERE assembly_guid = 'bbbbbbbb-0000-4000-8000-000000000001'`);
    }
  });
});

describe('official catalog state', () => {
  const STATES = `query($where: OfficialCatalogStateWhere, $orderBy: OfficialCatalogStateOrder) {
    officialCatalogStates(first: 50, where: $where, orderBy: $orderBy) {
      totalCount edges { node { id assemblyGuid appliedHash catalogHash updateAvailable lastAppliedSource lastCatalogSyncAt updatedAt
        assembly { domain displayName contentHash catalogState { assemblyGuid } } } } } }`;

  it('is readable by any operator and links each state to its official assembly', async () => {
    const result = await g.as('carol', STATES);
    expect(result.errors).toBeUndefined();
    const states = result.data.officialCatalogStates.edges.map((e: any) => e.node);
    expect(states).toHaveLength((await rows('SELECT 1 FROM assemblies.official_catalog_state')).length);
    for (const state of states) {
      expect(state.assembly.domain).toBe('OFFICIAL');
      expect(state.assembly.catalogState.assemblyGuid).toBe(state.assemblyGuid);
      expect(state.appliedHash).toBe(state.assembly.contentHash);
      expect(state.updatedAt).toMatch(/Z$/);
    }
    const pending = states.filter((s: any) => s.updateAvailable);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ lastAppliedSource: 'bundled' });
    expect(pending[0].catalogHash).not.toBe(pending[0].appliedHash);

    const bundled = await g.as('carol', STATES, { where: { lastAppliedSource: { equals: 'bundled' } } });
    expect(bundled.data.officialCatalogStates.totalCount).toBe(1);
    const byGuid = await g.as('carol', STATES, { where: { assemblyGuid: { equals: states[0].assemblyGuid.toUpperCase() } } });
    expect(byGuid.data.officialCatalogStates.totalCount).toBe(1);
    const newest = await g.as('carol', STATES, { orderBy: { field: 'UPDATED_AT', direction: 'DESC' } });
    const times = newest.data.officialCatalogStates.edges.map((e: any) => Date.parse(e.node.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const node = await g.as('carol', `query($id: ID!) { node(id: $id) { ... on OfficialCatalogState { assemblyGuid } } }`, { id: states[0].id });
    expect(node.data.node).toEqual({ assemblyGuid: states[0].assemblyGuid });
  });

  it('community and user-created assemblies have no catalog state', async () => {
    const result = await g.as('alice', `{ assemblies(first: 100, domain: [COMMUNITY, USER_CREATED]) { edges { node { catalogState { assemblyGuid } } } } }`);
    expect(result.errors).toBeUndefined();
    for (const { node } of result.data.assemblies.edges) expect(node.catalogState).toBeNull();
  });
});
