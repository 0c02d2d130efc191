import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
let fastRing: number;
let globexFilter: number;
let device: { guid: string; hostname: string };
const siteIds: Record<string, number> = {};
const T = 1795000000;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  const q = (sql: string, params: unknown[] = []) => g.db.pool.query(sql, params);
  for (const row of (await q('SELECT id, name FROM engine.sites')).rows) siteIds[row.name] = Number(row.id);
  fastRing = Number((await q(`SELECT id FROM engine.patch_policies WHERE name = 'Globex Plant - Fast Ring'`)).rows[0].id);
  globexFilter = Number((await q(`SELECT id FROM engine.device_filters WHERE name = 'Linux Servers - Globex'`)).rows[0].id);
  device = (
    await q(`SELECT d.guid, d.hostname FROM engine.devices d JOIN engine.device_sites s ON s.device_hostname = d.hostname WHERE s.site_id = $1 LIMIT 1`, [
      siteIds['Globex Plant'],
    ])
  ).rows[0];
  const globalPolicy = Number((await q(`SELECT id FROM engine.patch_policies WHERE name = 'Global Workstation Policy'`)).rows[0].id);
  // The demo seed leaves these tables empty.
  await q(
    `INSERT INTO engine.patch_policy_targets (policy_id, target_type, device_guid, hostname, filter_id, target_json, created_at) VALUES
       ($1, 'device', lower($2), $3, NULL, '{"kind": "device"}', $5),
       ($1, 'filter', NULL, NULL, $4, '{"kind": "filter"}', $5)`,
    [fastRing, device.guid, device.hostname, globexFilter, T],
  );
  await q(
    `INSERT INTO engine.patch_policy_exclusions (policy_id, exclusion_type, target_type, device_guid, hostname, site_id, filter_id, reason, created_by, created_at) VALUES
       ($1, 'frozen', 'site', NULL, NULL, $2, NULL, 'change freeze', 'bob', $3)`,
    [fastRing, siteIds['Globex Plant'], T],
  );
  await q(
    `INSERT INTO engine.patch_policy_device_state (device_guid, hostname, effective_policy_id, exclusion_mode, enforcement_mode, enforcement_status, drift_detected, last_evaluated_at, last_enforced_at, metadata_json) VALUES
       ($1, $2, $3, NULL, 'managed', 'compliant', 0, $5, $5, '{"pending": 0}'),
       (NULL, 'SHOPFLOOR-UNKNOWN', $4, NULL, 'managed', 'drift', 1, $5, NULL, '{"pending": 4}')`,
    [device.guid, device.hostname, fastRing, globalPolicy, T],
  );
  await q(
    `INSERT INTO engine.patch_policy_audit (policy_id, action, actor, detail_json, created_at) VALUES
       ($1, 'create', 'bob', '{"name": "Globex Plant - Fast Ring"}', $3),
       ($1, 'update', 'bob', '{"deferral_days": [7, 3]}', $3 + 60),
       ($2, 'update', 'admin', '{"locked": true}', $3 + 120),
       (NULL, 'delete', 'admin', '{"name": "Old Policy"}', $3 + 180)`,
    [fastRing, globalPolicy, T],
  );
  await q(
    `INSERT INTO engine.patch_catalog_entries (patch_key, kb, update_id, revision_number, title, classification, category, severity, published_at, first_seen_at, last_seen_at, metadata_json) VALUES
       ('kb5040442', 'KB5040442', 'u-1', 200, '2026-07 Cumulative Update for Windows 11', 'Security Updates', 'Windows 11', 'Critical', $1, $1, $1 + 300, '{}'),
       ('kb890830', 'KB890830', 'u-2', 1, 'Windows Malicious Software Removal Tool', 'Update Rollups', 'Windows', NULL, $1 - 86400, $1, $1 + 200, NULL),
       ('kb5039302', 'KB5039302', 'u-3', 3, '2026-06 Cumulative Update Preview', 'Updates', 'Windows 11', 'Moderate', $1 - 172800, $1, $1 + 100, '{"preview": true}')`,
    [T],
  );
  await q(
    `INSERT INTO engine.device_patch_inventory (device_guid, patch_key, kb, title, state, source, classification, severity, installed_on, published_at, captured_at, metadata_json) VALUES
       (lower($1), 'kb5040442', 'KB5040442', '2026-07 Cumulative Update for Windows 11', 'pending', 'wua_pending', 'Security Updates', 'Critical', NULL, $2, $2 + 400, NULL),
       ($1, 'kb890830', 'KB890830', 'Windows Malicious Software Removal Tool', 'installed', 'wua_history', 'Update Rollups', NULL, $2 - 3600, $2 - 86400, $2 + 400, '{}'),
       ('FFFFFFFF-0000-0000-0000-000000000000', 'kb5039302', 'KB5039302', 'Preview', 'installed', 'quick_fix_engineering', NULL, NULL, $2 - 7200, NULL, $2 + 10, NULL)`,
    [device.guid, T],
  );
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

const POLICIES = `query($where: PatchPolicyWhere, $orderBy: PatchPolicyOrder, $first: Int, $after: String) {
  patchPolicies(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id databaseId name policyType enabled locked roleScope deferralDays rebootAfterInstall classToggles rebootPolicy installStartAt
      sites { name }
      targets { targetType deviceGuid target device { hostname } filter { name } }
      exclusions { exclusionType reason site { name } filter { name } }
      rules { ruleType matchType matchValue overrideParentBlock }
      runs(first: 5) { status summary scheduledAt policy { name } }
      audit(first: 5) { action actor detail }
      deviceStates(first: 5) { hostname enforcementStatus driftDetected device { hostname } effectivePolicy { name } } } } } }`;

const LISTS = {
  patchPolicies: `{ patchPolicies(first: 5) { totalCount } }`,
  patchPolicyRuns: `{ patchPolicyRuns(first: 5) { totalCount } }`,
  patchPolicyAudit: `{ patchPolicyAudit(first: 5) { totalCount } }`,
  patchPolicyDeviceStates: `{ patchPolicyDeviceStates(first: 5) { totalCount } }`,
  patchCatalogEntries: `{ patchCatalogEntries(first: 5) { totalCount } }`,
  devicePatches: `{ devicePatches(first: 5) { totalCount } }`,
};

describe('patch management scope', () => {
  it('every list is admin-only: FORBIDDEN for Users, UNAUTHENTICATED for anonymous requests', async () => {
    for (const [name, query] of Object.entries(LISTS)) {
      for (const who of ['alice', 'bob', 'carol'] as const) {
        const result = await g.as(who, query);
        expect(codes(result), `${name} as ${who}`).toEqual(['FORBIDDEN']);
      }
      expect(codes(await g.as(null, query)), name).toEqual(['UNAUTHENTICATED']);
      const admin = await g.as('admin', query);
      expect(admin.errors, name).toBeUndefined();
      expect((admin.data as any)[name].totalCount, name).toBeGreaterThan(0);
    }
  });

  it('node(id:) of a patch row is null for a User, even for bob whose site the policy targets', async () => {
    const admin = await g.as('admin', POLICIES, { first: 10 });
    const policy = admin.data.patchPolicies.edges.find((e: any) => e.node.name === 'Globex Plant - Fast Ring').node;
    const lookup = `query($id: ID!) { node(id: $id) { __typename ... on PatchPolicy { name } } }`;
    expect((await g.as('admin', lookup, { id: policy.id })).data.node).toEqual({ __typename: 'PatchPolicy', name: policy.name });
    const probe = await g.as('bob', lookup, { id: policy.id });
    expect(probe.errors).toBeUndefined();
    expect(probe.data.node).toBeNull();
  });
});

describe('patch policies', () => {
  it('read with sites, targets, exclusions, rules, runs, audit and device states', async () => {
    const result = await g.as('admin', POLICIES, { first: 10 });
    expect(result.errors).toBeUndefined();
    expect(result.data.patchPolicies.totalCount).toBe((await rows('SELECT id FROM engine.patch_policies')).length);
    const names = result.data.patchPolicies.edges.map((e: any) => e.node.name);
    expect(names).toEqual((await rows('SELECT name FROM engine.patch_policies ORDER BY name, id')).map((r) => r.name));
    const policy = result.data.patchPolicies.edges.find((e: any) => e.node.name === 'Globex Plant - Fast Ring').node;
    expect(policy).toMatchObject({
      databaseId: String(fastRing),
      policyType: 'site',
      enabled: true,
      locked: false,
      rebootAfterInstall: true,
      classToggles: { security: true, drivers: false },
      rebootPolicy: { grace_minutes: 60 },
      sites: [{ name: 'Globex Plant' }],
    });
    expect(policy.targets).toEqual([
      { targetType: 'device', deviceGuid: device.guid.toLowerCase(), target: { kind: 'device' }, device: { hostname: device.hostname }, filter: null },
      { targetType: 'filter', deviceGuid: null, target: { kind: 'filter' }, device: null, filter: { name: 'Linux Servers - Globex' } },
    ]);
    expect(policy.exclusions).toEqual([{ exclusionType: 'frozen', reason: 'change freeze', site: { name: 'Globex Plant' }, filter: null }]);
    expect(policy.rules.map((r: any) => r.ruleType)).toEqual(['approve', 'block']);
    expect(policy.runs).toEqual([expect.objectContaining({ status: 'completed', summary: expect.objectContaining({ devices_targeted: 3 }), policy: { name: policy.name } })]);
    expect(policy.audit.map((a: any) => a.action)).toEqual(['update', 'create']);
    expect(policy.deviceStates).toEqual([
      { hostname: device.hostname, enforcementStatus: 'compliant', driftDetected: false, device: { hostname: device.hostname }, effectivePolicy: { name: policy.name } },
    ]);
    const global = result.data.patchPolicies.edges.find((e: any) => e.node.name === 'Global Workstation Policy').node;
    expect(global).toMatchObject({ locked: true, sites: [], targets: [], rules: [], runs: [] });
    expect(global.deviceStates).toEqual([expect.objectContaining({ hostname: 'SHOPFLOOR-UNKNOWN', driftDetected: true, device: null })]);
  });

  it('relations cost a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', POLICIES, { first: 10 });
    counter.stop();
    expect(result.errors).toBeUndefined();
    // list + count + 7 relation kinds + sites + devices by GUID + devices by hostname + filters, and the
    // policy behind runs / device states (one batch per level it is reached at): never one per row.
    expect(counter.statements.length).toBeLessThanOrEqual(16);
    expect(counter.statements.filter((sql) => sql.includes('"engine"."patch_policy_rules"'))).toHaveLength(1);
  });

  it('filter by flags, type and sites; order and page', async () => {
    const locked = await g.as('admin', POLICIES, { where: { locked: true } });
    expect(locked.data.patchPolicies.edges.map((e: any) => e.node.name).sort()).toEqual(['Global Server Policy', 'Global Workstation Policy']);
    const bySite = await g.as('admin', POLICIES, { where: { siteIds: [String(siteIds['Globex Plant'])] } });
    expect(bySite.data.patchPolicies.edges.map((e: any) => e.node.name)).toEqual(['Globex Plant - Fast Ring']);
    const byType = await g.as('admin', POLICIES, { where: { policyType: { equals: 'global' }, roleScope: { in: ['Server'] } } });
    expect(byType.data.patchPolicies.edges.map((e: any) => e.node.name)).toEqual(['Global Server Policy']);
    const first = await g.as('admin', POLICIES, { first: 2, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } });
    expect(first.data.patchPolicies).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const rest = await g.as('admin', POLICIES, { first: 2, after: first.data.patchPolicies.pageInfo.endCursor, orderBy: { field: 'UPDATED_AT', direction: 'DESC' } });
    const order = [...first.data.patchPolicies.edges, ...rest.data.patchPolicies.edges].map((e: any) => e.node.databaseId);
    expect(order).toEqual((await rows('SELECT id FROM engine.patch_policies ORDER BY updated_at DESC, id DESC')).map((r) => String(r.id)));
    expect(codes(await g.as('admin', POLICIES, { where: { id: { in: ['1', 'two'] } } }))).toContain('BAD_USER_INPUT');
  });

  it('a malformed stored JSON value is a field error; the rest is intact', async () => {
    await g.db.pool.query(`UPDATE engine.patch_policies SET reboot_policy_json = '{grace: 60' WHERE id = $1`, [fastRing]);
    try {
      const result = await g.as('admin', `{ patchPolicies(first: 10) { edges { node { name rebootPolicy classToggles } } } }`);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'patch_policies.reboot_policy_json' });
      const edges = result.data.patchPolicies.edges;
      expect(edges).toHaveLength(3);
      expect(edges.find((e: any) => e.node.name === 'Globex Plant - Fast Ring').node).toMatchObject({ rebootPolicy: null, classToggles: { security: true } });
    } finally {
      await g.db.pool.query(`UPDATE engine.patch_policies SET reboot_policy_json = '{}' WHERE id = $1`, [fastRing]);
    }
  });
});

describe('patch runs, audit, device states, catalogue and device inventory', () => {
  it('audit keeps entries of deleted policies and filters by policy', async () => {
    const all = await g.as('admin', `{ patchPolicyAudit(first: 10) { totalCount edges { node { action actor createdAt policy { name } } } } }`);
    expect(all.data.patchPolicyAudit.totalCount).toBe(4);
    expect(all.data.patchPolicyAudit.edges[0].node).toMatchObject({ action: 'delete', policy: null });
    const mine = await g.as('admin', `query($id: ID!) { patchPolicyAudit(first: 10, where: { policyId: { equals: $id } }) { totalCount } }`, { id: String(fastRing) });
    expect(mine.data.patchPolicyAudit.totalCount).toBe(2);
  });

  it('device states filter by drift and GUID (case-insensitive)', async () => {
    const query = `query($where: PatchPolicyDeviceStateWhere) { patchPolicyDeviceStates(first: 10, where: $where) { totalCount edges { node { hostname metadata } } } }`;
    expect((await g.as('admin', query, { where: { driftDetected: true } })).data.patchPolicyDeviceStates.edges).toEqual([
      { node: { hostname: 'SHOPFLOOR-UNKNOWN', metadata: { pending: 4 } } },
    ]);
    const byGuid = await g.as('admin', query, { where: { deviceGuids: [device.guid.toLowerCase()] } });
    expect(byGuid.data.patchPolicyDeviceStates.edges.map((e: any) => e.node.hostname)).toEqual([device.hostname]);
  });

  it('the catalogue filters, orders by instants and pages', async () => {
    const query = `query($where: PatchCatalogEntryWhere, $orderBy: PatchCatalogEntryOrder, $first: Int, $after: String) {
      patchCatalogEntries(first: $first, after: $after, where: $where, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kb title severity publishedAt } } } }`;
    const latest = await g.as('admin', query, { first: 10 });
    expect(latest.data.patchCatalogEntries.edges.map((e: any) => e.node.kb)).toEqual(['KB5040442', 'KB890830', 'KB5039302']);
    const published = await g.as('admin', query, { first: 10, orderBy: { field: 'PUBLISHED_AT', direction: 'ASC' } });
    expect(published.data.patchCatalogEntries.edges.map((e: any) => e.node.kb)).toEqual(['KB5039302', 'KB890830', 'KB5040442']);
    const recent = await g.as('admin', query, { first: 10, where: { publishedAt: { from: new Date((T - 86400) * 1000).toISOString() } } });
    expect(recent.data.patchCatalogEntries.totalCount).toBe(2);
    const cumulative = await g.as('admin', query, { first: 10, where: { title: { contains: 'cumulative' }, severity: { equals: 'Critical' } } });
    expect(cumulative.data.patchCatalogEntries.edges.map((e: any) => e.node.kb)).toEqual(['KB5040442']);
    const page = await g.as('admin', query, { first: 1 });
    const next = await g.as('admin', query, { first: 1, after: page.data.patchCatalogEntries.pageInfo.endCursor });
    expect(next.data.patchCatalogEntries.edges.map((e: any) => e.node.kb)).toEqual(['KB890830']);
    const node = await g.as('admin', `query($id: ID!) { node(id: $id) { ... on PatchCatalogEntry { kb } } }`, { id: page.data.patchCatalogEntries.edges[0].node.id });
    expect(node.data.node).toEqual({ kb: 'KB5040442' });
  });

  it('device inventory filters by the documented source set and GUID, and links the device', async () => {
    const query = `query($where: DevicePatchWhere) { devicePatches(first: 10, where: $where) { totalCount edges { node { kb state source device { hostname } } } } }`;
    const byGuid = await g.as('admin', query, { where: { deviceGuids: [device.guid.toLowerCase()] } });
    expect(byGuid.data.devicePatches.totalCount).toBe(2);
    for (const { node } of byGuid.data.devicePatches.edges) expect(node.device).toEqual({ hostname: device.hostname });
    const pending = await g.as('admin', query, { where: { source: ['WUA_PENDING'] } });
    expect(pending.data.devicePatches.edges).toEqual([{ node: { kb: 'KB5040442', state: 'pending', source: 'wua_pending', device: { hostname: device.hostname } } }]);
    const qfe = await g.as('admin', query, { where: { source: ['QUICK_FIX_ENGINEERING'] } });
    expect(qfe.data.devicePatches.edges[0].node.device).toBeNull();
    expect((await g.as('admin', query, { where: { source: ['WSUS'] } })).errors![0]!.message).toMatch(/WSUS/);
  });
});
