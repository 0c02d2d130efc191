import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_REFERENCE_TIME } from '../../dev/seed/index.js';
import { isoTextToDate } from '../../src/graphql/values.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>): Promise<any> => g.as(who, query, variables);
const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const userSites = (who: 'alice' | 'bob') => g.identities[who].siteIds as number[];
const NOW = SEED_REFERENCE_TIME;

/** Extra rows the demo seed does not have: no site, malformed text, lower-case GUID, odd approver. */
const EXTRA = {
  unassigned: 'extra-unassigned-0001',
  malformed: 'extra-malformed-0002',
  lowerGuid: 'extra-lower-guid-0003',
  upperName: 'extra-upper-name-0004',
};

beforeAll(async () => {
  g = await createSeededGateway({ devices: 60 });
  const [device] = await rows(
    `SELECT d.guid, ds.site_id FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
      WHERE ds.site_id = $1 ORDER BY d.guid LIMIT 1`,
    [userSites('alice')[0]],
  );
  const insert = `INSERT INTO engine.device_approvals (id, approval_reference, guid, hostname_claimed, ssl_key_fingerprint_claimed,
      enrollment_code, site_id, status, client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at, approved_by_user_id)
    VALUES ($1, $1 || '-ref', $2, $3, md5($1), 'CODE', $4, $5, 'bm9uY2U=', 'c2VydmVy', '\\x302a'::bytea, $6, $6, $7)`;
  await g.db.pool.query(insert, [EXTRA.unassigned, null, 'NO-SITE-PC', null, 'pending', '2026-11-20T11:00:00Z', null]);
  await g.db.pool.query(insert, [EXTRA.malformed, null, 'BROKEN-TIME', userSites('alice')[0], 'Pending', 'yesterday-ish', null]);
  await g.db.pool.query(insert, [
    EXTRA.lowerGuid, String(device.guid).toLowerCase(), 'LOWER-GUID', device.site_id, 'completed', '2026-11-19T08:00:00.123456+00:00', 'ALICE',
  ]);
  await g.db.pool.query(insert, [EXTRA.upperName, null, 'UPPER-NAME', userSites('bob')[0], 'denied', '2026-11-18T08:00:00.123456789Z', '999999']);
}, 120_000);
afterAll(() => g.close());

const PAGE = `query($first: Int, $after: String, $where: DeviceApprovalWhere, $orderBy: DeviceApprovalOrder) {
  deviceApprovals(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id databaseId hostname status createdAt siteId site { databaseId name } } }
  } }`;

const ids = (result: any) => result.data.deviceApprovals.edges.map((e: any) => e.node.databaseId).sort();

describe('device approvals: site scope in SQL', () => {
  it('an Admin sees every approval, those without a site included', async () => {
    const all = (await rows('SELECT id FROM engine.device_approvals')).map((r) => r.id).sort();
    expect(all.length).toBeGreaterThanOrEqual(14);
    const result = await q('admin', PAGE, { first: 100 });
    expect(result.errors).toBeUndefined();
    expect(result.data.deviceApprovals.totalCount).toBe(all.length);
    expect(ids(result)).toEqual(all);
    expect(ids(result)).toContain(EXTRA.unassigned);
  });

  it('alice and bob see exactly the approvals of their sites, in pages and counts', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const expected = (await rows('SELECT id FROM engine.device_approvals WHERE site_id = ANY($1)', [userSites(who)])).map((r) => r.id).sort();
      expect(expected.length).toBeGreaterThan(1);
      const result = await q(who, PAGE, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceApprovals.totalCount).toBe(expected.length);
      expect(ids(result)).toEqual(expected);
      expect(ids(result)).not.toContain(EXTRA.unassigned);
      for (const edge of result.data.deviceApprovals.edges) expect(userSites(who)).toContain(Number(edge.node.site.databaseId));
    }
    // Their sets differ: the scope is per operator, not "any User".
    expect(ids(await q('alice', PAGE, { first: 100 }))).not.toEqual(ids(await q('bob', PAGE, { first: 100 })));
  });

  it('a User asking for another site\'s approvals by siteIds gets none (scope is ANDed with the filter)', async () => {
    const other = (await rows('SELECT site_id FROM engine.device_approvals WHERE NOT (site_id = ANY($1)) LIMIT 1', [userSites('alice')]))[0].site_id;
    const result = await q('alice', PAGE, { first: 10, where: { siteIds: [String(other)] } });
    expect(result.data.deviceApprovals.totalCount).toBe(0);
  });

  it('carol (no site) sees none; anonymous is refused', async () => {
    const carol = await q('carol', PAGE, { first: 10 });
    expect(carol.errors).toBeUndefined();
    expect(carol.data.deviceApprovals).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const anonymous = await q(null, PAGE, { first: 10 });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('node(id:) answers null for an approval outside the operator\'s sites, and the node for one inside', async () => {
    const all = await q('admin', PAGE, { first: 100 });
    const nodes = all.data.deviceApprovals.edges.map((e: any) => e.node);
    const outside = nodes.find((n: any) => n.siteId !== null && !userSites('alice').includes(Number(n.siteId)));
    const inside = nodes.find((n: any) => n.siteId !== null && userSites('alice').includes(Number(n.siteId)));
    const NODE = `query($id: ID!) { node(id: $id) { id ... on DeviceApproval { databaseId hostname } } }`;
    const hidden = await q('alice', NODE, { id: outside.id });
    expect(hidden).toEqual({ data: { node: null } });
    const unassigned = await q('alice', NODE, { id: nodes.find((n: any) => n.databaseId === EXTRA.unassigned).id });
    expect(unassigned).toEqual({ data: { node: null } });
    expect((await q('alice', NODE, { id: inside.id })).data.node.databaseId).toBe(inside.databaseId);
    expect((await q('admin', NODE, { id: outside.id })).data.node.databaseId).toBe(outside.databaseId);
    expect((await q('carol', NODE, { id: inside.id })).data.node).toBeNull();
  });
});

describe('device approvals: filters, ordering, paging', () => {
  it('filters by status (case-insensitive, as Borealis compares) and by site', async () => {
    const pending = (await rows(`SELECT id FROM engine.device_approvals WHERE lower(status) = 'pending'`)).map((r) => r.id).sort();
    expect(pending).toContain(EXTRA.malformed); // stored as 'Pending'
    expect(ids(await q('admin', PAGE, { first: 100, where: { status: ['PENDING'] } }))).toEqual(pending);
    const twoStatuses = (await rows(`SELECT id FROM engine.device_approvals WHERE lower(status) IN ('denied', 'completed')`)).map((r) => r.id).sort();
    expect(ids(await q('admin', PAGE, { first: 100, where: { status: ['DENIED', 'COMPLETED'] } }))).toEqual(twoStatuses);
    const site = userSites('bob')[1]!;
    const bySite = (await rows('SELECT id FROM engine.device_approvals WHERE site_id = $1', [site])).map((r) => r.id).sort();
    expect(bySite.length).toBeGreaterThan(0);
    expect(ids(await q('bob', PAGE, { first: 100, where: { siteIds: [String(site)] } }))).toEqual(bySite);
    expect(ids(await q('admin', PAGE, { first: 100, where: { unassigned: true } }))).toEqual([EXTRA.unassigned]);
  });

  it('filters by hostname (contains is case-insensitive)', async () => {
    const result = await q('admin', PAGE, { first: 100, where: { hostname: { contains: 'desktop-' } } });
    const expected = (await rows(`SELECT id FROM engine.device_approvals WHERE hostname_claimed ILIKE '%desktop-%'`)).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(ids(result)).toEqual(expected);
    expect(ids(await q('admin', PAGE, { first: 100, where: { hostname: { equals: 'KALI-PENTEST' } } }))).toHaveLength(1);
  });

  it('filters createdAt by instant, whatever spelling the text has; unreadable text never matches', async () => {
    const from = new Date((NOW - 4 * 3600) * 1000);
    const to = new Date((NOW - 20 * 60) * 1000);
    const all = await rows('SELECT id, created_at FROM engine.device_approvals');
    const expected = all
      .filter((r) => {
        const at = isoTextToDate(r.created_at);
        return at !== null && at >= from && at < to;
      })
      .map((r) => r.id)
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    const result = await q('admin', PAGE, { first: 100, where: { createdAt: { from: from.toISOString(), to: to.toISOString() } } });
    expect(result.errors).toBeUndefined();
    expect(ids(result)).toEqual(expected);
    expect(result.data.deviceApprovals.totalCount).toBe(expected.length);
    // Nanosecond Go spelling and Python +00:00 spelling of the extra rows.
    const nov18 = await q('admin', PAGE, { first: 100, where: { createdAt: { from: '2026-11-18T08:00:00.123Z', to: '2026-11-18T08:00:00.124Z' } } });
    expect(ids(nov18)).toEqual([EXTRA.upperName]);
    const nov19 = await q('admin', PAGE, { first: 100, where: { createdAt: { from: '2026-11-19T00:00:00Z', to: '2026-11-20T00:00:00Z' } } });
    expect(ids(nov19)).toContain(EXTRA.lowerGuid);
    const open = await q('admin', PAGE, { first: 100, where: { createdAt: { from: '2000-01-01T00:00:00Z' } } });
    expect(ids(open)).not.toContain(EXTRA.malformed);
    expect(ids(open)).toHaveLength(all.length - 1);
  });

  it('a malformed stored time is a null field, not a failed query', async () => {
    const result = await q('alice', PAGE, { first: 100, where: { hostname: { equals: 'BROKEN-TIME' } } });
    expect(result.errors).toBeUndefined();
    expect(result.data.deviceApprovals.edges[0].node.createdAt).toBeNull();
  });

  it('orders by the requested field with the id as tie-breaker, newest first by default', async () => {
    const byHost = await q('admin', PAGE, { first: 100, orderBy: { field: 'HOSTNAME', direction: 'DESC' } });
    const hosts = byHost.data.deviceApprovals.edges.map((e: any) => e.node.hostname);
    const expected = (await rows('SELECT hostname_claimed FROM engine.device_approvals ORDER BY hostname_claimed DESC, id DESC')).map((r) => r.hostname_claimed);
    expect(hosts).toEqual(expected);
    const newest = await q('bob', PAGE, { first: 100 });
    const times = newest.data.deviceApprovals.edges.map((e: any) => e.node.createdAt).filter(Boolean);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('pages with cursors: no row twice, none missing, the same totalCount on every page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: any = await q('admin', PAGE, { first: 4, after, orderBy: { field: 'STATUS' } });
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceApprovals.totalCount).toBe((await rows('SELECT id FROM engine.device_approvals')).length);
      seen.push(...result.data.deviceApprovals.edges.map((e: any) => e.node.databaseId));
      if (!result.data.deviceApprovals.pageInfo.hasNextPage) break;
      after = result.data.deviceApprovals.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual((await rows('SELECT id FROM engine.device_approvals')).map((r) => r.id).sort());
  });

  it('answers bad input with BAD_USER_INPUT', async () => {
    for (const variables of [
      { first: 101 },
      { first: 5, where: { siteIds: ['not-a-number'] } },
      { first: 5, where: { createdAt: { from: '2026-11-20T00:00:00Z', to: '2026-11-19T00:00:00Z' } } },
      { first: 5, where: { createdAt: { from: 'last tuesday' } } },
    ]) {
      const result = await q('admin', PAGE, variables);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
    // wrong_code is not an approval status here: it is the enrollmentCodeFailures list.
    const badEnum = await q('admin', PAGE, { first: 5, where: { status: ['WRONG_CODE'] } });
    expect(badEnum.data ?? null).toBeNull();
    expect(badEnum.errors.length).toBeGreaterThan(0);
  });
});

describe('device approvals: relations', () => {
  const DETAIL = `query($where: DeviceApprovalWhere) { deviceApprovals(first: 100, where: $where) { edges { node {
    databaseId guid approvedByKind approvedBy { username } device { guid hostname } site { name } } } } }`;
  const byId = (result: any) => Object.fromEntries(result.data.deviceApprovals.edges.map((e: any) => [e.node.databaseId, e.node]));

  it('resolves approved_by_user_id (users.id, username in any case, site_auto_approval) to a user for Admins', async () => {
    const result = await q('admin', DETAIL);
    expect(result.errors).toBeUndefined();
    const stored = await rows(`SELECT a.id, a.approved_by_user_id AS by, u.username FROM engine.device_approvals a
      LEFT JOIN engine.users u ON u.id::text = a.approved_by_user_id OR lower(u.username) = lower(a.approved_by_user_id)`);
    const nodes = byId(result);
    const kinds = new Set<string>();
    for (const row of stored) {
      const node = nodes[row.id];
      if (row.by === null) expect(node.approvedByKind).toBeNull();
      else kinds.add(node.approvedByKind);
      expect(node.approvedBy?.username ?? null).toBe(row.username ?? null);
    }
    expect([...kinds].sort()).toEqual(['SITE_AUTO_APPROVAL', 'USERNAME', 'USER_ID']);
    expect(nodes[EXTRA.lowerGuid].approvedBy).toEqual({ username: 'alice' });
    expect(nodes[EXTRA.upperName]).toMatchObject({ approvedByKind: 'USER_ID', approvedBy: null });
    const auto = Object.values(nodes).find((n: any) => n.approvedByKind === 'SITE_AUTO_APPROVAL') as any;
    expect(auto.approvedBy).toBeNull();
  });

  it('hides the approving user from Users but keeps the kind', async () => {
    const result = await q('bob', DETAIL);
    expect(result.errors).toBeUndefined();
    const nodes = Object.values(byId(result)) as any[];
    expect(nodes.some((n) => n.approvedByKind === 'USERNAME' || n.approvedByKind === 'USER_ID')).toBe(true);
    for (const node of nodes) expect(node.approvedBy).toBeNull();
  });

  it('resolves the device by GUID compared upper-case, within the device scope', async () => {
    const admin = byId(await q('admin', DETAIL));
    const lower = admin[EXTRA.lowerGuid];
    expect(lower.guid).toBe(lower.guid.toLowerCase());
    expect(lower.device.guid).toBe(lower.guid.toUpperCase());
    const completed = Object.values(admin).filter((n: any) => n.guid) as any[];
    expect(completed.length).toBeGreaterThan(2);
    for (const node of completed) expect(node.device?.guid.toUpperCase()).toBe(node.guid.toUpperCase());
    // alice sees her own site's completed approval and its device.
    const alice = byId(await q('alice', DETAIL));
    expect(alice[EXTRA.lowerGuid].device.guid).toBe(lower.device.guid);
  });

  it('the enrollment code snapshot is admin-only (FORBIDDEN on that field for a User, the rest intact)', async () => {
    const CODES = `{ deviceApprovals(first: 3) { edges { node { hostname enrollmentCode } } } }`;
    const admin = await q('admin', CODES);
    expect(admin.errors).toBeUndefined();
    expect(admin.data.deviceApprovals.edges[0].node.enrollmentCode).toEqual(expect.any(String));
    const bob = await q('bob', CODES);
    expect(bob.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(bob.data.deviceApprovals.edges[0].node).toMatchObject({ hostname: expect.any(String), enrollmentCode: null });
  });

  it('batches site, device and approver: the statement count does not grow with the page', async () => {
    const PAGE_REL = `query($first: Int) { deviceApprovals(first: $first) { edges { node { site { name } device { hostname site { name } } approvedBy { username sites { name } } } } } }`;
    const counter = countStatements(g.db.pool);
    try {
      await q('admin', PAGE_REL, { first: 2 });
      const small = counter.statements.length;
      counter.reset();
      const result = await q('admin', PAGE_REL, { first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceApprovals.edges.length).toBeGreaterThan(10);
      // One statement per relation per level (approvals, sites, devices, device sites, users by id and
      // by name, assignments, assigned sites), never one per row.
      expect(counter.statements.length, counter.statements.join('\n')).toBeLessThanOrEqual(Math.max(small, 9));
    } finally {
      counter.stop();
    }
  });
});

describe('enrollment-code failures (the admin-only wrong_code list)', () => {
  const FAILURES = `query($first: Int, $where: EnrollmentCodeFailureWhere, $orderBy: EnrollmentCodeFailureOrder) {
    enrollmentCodeFailures(first: $first, where: $where, orderBy: $orderBy) {
      totalCount edges { node { id databaseId hostname sslKeyFingerprint enrollmentCodeMask remoteAddr firstSeenAt lastSeenAt attemptCount lastError } } } }`;

  it('Admins see every failure, most recently seen first', async () => {
    const result = await q('admin', FAILURES, { first: 10 });
    expect(result.errors).toBeUndefined();
    const stored = await rows('SELECT id, last_seen_at FROM engine.enrollment_code_failures');
    expect(result.data.enrollmentCodeFailures.totalCount).toBe(stored.length);
    const nodes = result.data.enrollmentCodeFailures.edges.map((e: any) => e.node);
    expect(nodes[0]).toMatchObject({ hostname: 'UNKNOWN-PC01', enrollmentCodeMask: '7F3***C1E', attemptCount: 17, lastError: 'invalid_enrollment_code' });
    const seen = nodes.map((n: any) => n.lastSeenAt);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('Users get FORBIDDEN with no data; anonymous gets UNAUTHENTICATED', async () => {
    for (const who of ['alice', 'bob', 'carol'] as const) {
      const result = await q(who, FAILURES, { first: 10 });
      expect(result.data).toBeNull();
      expect(result.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await q(null, FAILURES, { first: 10 })).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const node = (await q('admin', FAILURES, { first: 1 })).data.enrollmentCodeFailures.edges[0].node.id;
    expect(await q('alice', `query($id: ID!) { node(id: $id) { id } }`, { id: node })).toEqual({ data: { node: null } });
  });

  it('filters by attempts, hostname and lastSeenAt; orders by attempts', async () => {
    expect((await q('admin', FAILURES, { first: 10, where: { minAttempts: 4 } })).data.enrollmentCodeFailures.totalCount).toBe(2);
    expect((await q('admin', FAILURES, { first: 10, where: { hostname: { contains: 'globex' } } })).data.enrollmentCodeFailures.totalCount).toBe(1);
    const recent = await q('admin', FAILURES, { first: 10, where: { lastSeenAt: { from: new Date((NOW - 10 * 3600) * 1000).toISOString() } } });
    expect(recent.data.enrollmentCodeFailures.edges.map((e: any) => e.node.hostname).sort()).toEqual(['UNKNOWN-PC01', 'WS-GLOBEX-TEMP']);
    const byAttempts = await q('admin', FAILURES, { first: 10, orderBy: { field: 'ATTEMPT_COUNT', direction: 'ASC' } });
    expect(byAttempts.data.enrollmentCodeFailures.edges.map((e: any) => e.node.attemptCount)).toEqual([2, 4, 17]);
    expect((await q('admin', FAILURES, { first: 10, where: { minAttempts: -1 } })).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('approval secrets never leave the database', () => {
  it('no nonce or agent public key (text, base64 or hex) appears in a response selecting every field', async () => {
    const secrets = new Set<string>();
    for (const row of await rows('SELECT client_nonce, server_nonce, agent_pubkey_der FROM engine.device_approvals')) {
      secrets.add(row.client_nonce);
      secrets.add(row.server_nonce);
      const der = row.agent_pubkey_der as Buffer;
      // The 12-byte SPKI prefix is shared by every Ed25519 key; the key bytes after it are the secret part.
      if (der.length > 12) {
        secrets.add(der.subarray(12).toString('hex'));
        secrets.add(der.subarray(12).toString('base64').slice(0, 24));
      }
    }
    const ALL = `{ deviceApprovals(first: 50) { edges { node {
      id databaseId approvalReference status hostname sslKeyFingerprint guid enrollmentCode siteId createdAt updatedAt approvedByKind
      onboardingJobId onboardingRunId onboardingTarget site { id name } device { guid sslKeyFingerprint } approvedBy { id username } } } } }`;
    const references = (await rows('SELECT approval_reference FROM engine.device_approvals')).map((r) => r.approval_reference);
    for (const who of ['admin', 'bob'] as const) {
      const result = await q(who, ALL);
      expect(result.data.deviceApprovals.edges.length).toBeGreaterThan(3);
      const text = JSON.stringify(result);
      // The response does carry the approvals (so a leak would be visible) ...
      expect(references.filter((ref) => text.includes(ref)).length).toBe(result.data.deviceApprovals.edges.length);
      // ... but none of their secrets.
      for (const secret of secrets) if (secret && secret.length >= 8) expect(text, who).not.toContain(secret);
    }
    // Every field of the type is in the selection above, so a new field cannot slip past this test.
    const introspection = await q('admin', `{ __type(name: "DeviceApproval") { fields { name } } }`);
    const selected = new Set(ALL.match(/\w+/g));
    for (const field of introspection.data.__type.fields) expect(selected.has(field.name), field.name).toBe(true);
  });
});
