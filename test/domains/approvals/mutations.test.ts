import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDeviceApproval, denyDeviceApproval } from '../../../src/domains/approvals/service.js';
import { DomainError } from '../../../src/domains/errors.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../../support/seeded.js';
import { auditLines, commandContextFor, RFC3339_UTC, rowsOf, snapshot, type Row } from '../../support/mutations.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>) => g.as(who, query, variables);
const rows = (sql: string, params: unknown[] = []) => rowsOf(g.db.pool, sql, params);
const siteOf = (who: 'alice' | 'bob', index = 0) => (g.identities[who].siteIds as number[])[index]!;
const TABLES = ['engine.device_approvals', 'engine.devices', 'engine.device_sites'];

beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
}, 120_000);
afterAll(() => g.close());

/** A fresh pending approval, as Borealis's enrollment request writes it. */
async function pendingApproval(options: { siteId: number | null; hostname?: string; fingerprint?: string; guid?: string | null }): Promise<string> {
  const id = randomUUID();
  await g.db.pool.query(
    `INSERT INTO engine.device_approvals (id, approval_reference, guid, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code,
       site_id, status, client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at, approved_by_user_id)
     VALUES ($1, $2, $3, $4, $5, 'ABCD-0123', $6, 'pending', 'bm9uY2Vub25jZW5vbmNl', 'c2VydmVyLW5vbmNl', '\\x302a300506032b6570'::bytea,
       '2026-11-30T10:00:00.123456+00:00', '2026-11-30T10:00:00.123456+00:00', NULL)`,
    [id, randomUUID(), options.guid ?? null, options.hostname ?? `NEW-${id.slice(0, 8).toUpperCase()}`, options.fingerprint ?? 'ab'.repeat(32), options.siteId],
  );
  return id;
}

const approval = async (id: string): Promise<Row> => (await rows('SELECT * FROM engine.device_approvals WHERE id = $1', [id]))[0]!;

/** A device with its site, for hostname conflicts. */
async function deviceIn(siteId: number): Promise<{ guid: string; hostname: string; fingerprint: string }> {
  const [device] = await rows(
    `SELECT d.guid, d.hostname, d.ssl_key_fingerprint FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
      WHERE ds.site_id = $1 AND coalesce(d.ssl_key_fingerprint, '') <> '' ORDER BY d.hostname LIMIT 1`,
    [siteId],
  );
  return { guid: device!.guid, hostname: device!.hostname, fingerprint: device!.ssl_key_fingerprint };
}

const APPROVE = `mutation($input: ApproveDeviceApprovalInput!) {
  approveDeviceApproval(input: $input) {
    __typename
    ... on DeviceApprovalDecision { status guid conflictResolution approval { databaseId status guid approvedByKind } }
    ... on Error { code message }
    ... on ValidationFailedError { problems { path message } }
    ... on ConflictResolutionRequiredError { hostname }
  } }`;
const DENY = `mutation($input: DenyDeviceApprovalInput!) {
  denyDeviceApproval(input: $input) { __typename ... on DeviceApprovalDecision { status guid } ... on Error { code message } } }`;

describe('approveDeviceApproval', () => {
  it('writes status, approved_by_user_id (users.id as text) and updated_at (RFC 3339 text), nothing else', async () => {
    const id = await pendingApproval({ siteId: siteOf('alice') });
    const before = await approval(id);
    const result = await q('admin', APPROVE, { input: { id } });
    expect(result.errors).toBeUndefined();
    expect(result.data.approveDeviceApproval).toEqual({
      __typename: 'DeviceApprovalDecision',
      status: 'approved',
      guid: null,
      conflictResolution: null,
      approval: { databaseId: id, status: 'approved', guid: null, approvedByKind: 'USER_ID' },
    });
    const after = await approval(id);
    expect(after.approved_by_user_id).toBe(g.identities.admin.userId.toString());
    expect(after.updated_at).toMatch(RFC3339_UTC);
    expect(Math.abs(Date.parse(after.updated_at) - Date.now())).toBeLessThan(60_000);
    const { status, approved_by_user_id, updated_at, ...unchanged } = after;
    const { status: s0, approved_by_user_id: a0, updated_at: u0, ...unchangedBefore } = before;
    expect(unchanged).toEqual(unchangedBefore);
    expect([status, s0, a0, u0 === updated_at]).toEqual(['approved', 'pending', null, false]);
  });

  it('stores a given GUID in canonical upper case; accepts the node id as well as the databaseId', async () => {
    const id = await pendingApproval({ siteId: siteOf('alice') });
    const guid = randomUUID();
    const nodeId = Buffer.from(`DeviceApproval:${id}`).toString('base64');
    const result = await q('alice', APPROVE, { input: { id: nodeId, guid: `{${guid.toLowerCase()}}` } });
    expect(result.data.approveDeviceApproval.guid).toBe(guid.toUpperCase());
    expect((await approval(id)).guid).toBe(guid.toUpperCase());
    expect((await approval(id)).approved_by_user_id).toBe(g.identities.alice.userId.toString());
  });

  it('invalid input is VALIDATION_FAILED with the field path, and changes nothing', async () => {
    const id = await pendingApproval({ siteId: siteOf('alice') });
    const before = await snapshot(g.db.pool, TABLES);
    const result = await q('admin', APPROVE, { input: { id, guid: 'not-a-guid' } });
    expect(result.data.approveDeviceApproval).toMatchObject({ __typename: 'ValidationFailedError', code: 'VALIDATION_FAILED' });
    expect(result.data.approveDeviceApproval.problems).toEqual([{ path: ['guid'], message: expect.stringContaining('GUID') }]);
    const blank = await q('admin', APPROVE, { input: { id: '  ' } });
    expect(blank.data.approveDeviceApproval.problems).toEqual([{ path: ['id'], message: 'An approval id is required.' }]);
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('only pending approvals change: anything else is NOT_PENDING and stays as it was', async () => {
    const id = await pendingApproval({ siteId: siteOf('alice') });
    await g.db.pool.query(`UPDATE engine.device_approvals SET status = 'completed' WHERE id = $1`, [id]);
    const before = await snapshot(g.db.pool, TABLES);
    for (const mutation of [APPROVE, DENY]) {
      const result = await q('admin', mutation, { input: { id } });
      const answer = Object.values(result.data)[0] as Row;
      expect(answer).toMatchObject({ __typename: 'NotPendingError', code: 'NOT_PENDING' });
      expect(answer.message).toContain('completed');
    }
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('an approval of another site answers exactly like a missing one, and is not touched', async () => {
    const bobs = await pendingApproval({ siteId: siteOf('bob') });
    const unassigned = await pendingApproval({ siteId: null });
    const before = await snapshot(g.db.pool, TABLES);
    const missing = await q('alice', APPROVE, { input: { id: randomUUID() } });
    expect(missing.data.approveDeviceApproval).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'Device approval was not found.' });
    for (const [who, id] of [['alice', bobs], ['alice', unassigned], ['carol', bobs]] as const) {
      for (const mutation of [APPROVE, DENY]) {
        const result = await q(who, mutation, { input: { id } });
        expect(Object.values(result.data)[0]).toEqual(missing.data.approveDeviceApproval);
      }
    }
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('anonymous callers are refused before anything runs', async () => {
    const id = await pendingApproval({ siteId: siteOf('alice') });
    const result = await q(null, APPROVE, { input: { id } });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await approval(id)).status).toBe('pending');
  });
});

describe('approveDeviceApproval: hostname conflicts', () => {
  it('another device with the hostname and another key: CONFLICT_RESOLUTION_REQUIRED, nothing written', async () => {
    const device = await deviceIn(siteOf('alice'));
    const id = await pendingApproval({ siteId: siteOf('alice'), hostname: device.hostname, fingerprint: 'cd'.repeat(32) });
    const before = await snapshot(g.db.pool, TABLES);
    const result = await q('admin', APPROVE, { input: { id } });
    expect(result.data.approveDeviceApproval).toMatchObject({
      __typename: 'ConflictResolutionRequiredError',
      code: 'CONFLICT_RESOLUTION_REQUIRED',
      hostname: device.hostname,
    });
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('OVERWRITE takes over the existing GUID; COEXIST keeps none', async () => {
    const device = await deviceIn(siteOf('alice'));
    const overwrite = await pendingApproval({ siteId: siteOf('alice'), hostname: device.hostname, fingerprint: 'cd'.repeat(32) });
    const result = await q('alice', APPROVE, { input: { id: overwrite, conflictResolution: 'OVERWRITE' } });
    expect(result.data.approveDeviceApproval).toMatchObject({ status: 'approved', guid: device.guid.toUpperCase(), conflictResolution: 'OVERWRITE' });
    expect((await approval(overwrite)).guid).toBe(device.guid.toUpperCase());

    const coexist = await pendingApproval({ siteId: siteOf('alice'), hostname: device.hostname, fingerprint: 'cd'.repeat(32) });
    const second = await q('admin', APPROVE, { input: { id: coexist, conflictResolution: 'COEXIST' } });
    expect(second.data.approveDeviceApproval).toMatchObject({ status: 'approved', guid: null, conflictResolution: 'COEXIST' });
    expect((await approval(coexist)).guid).toBeNull();
  });

  it('the same key fingerprint merges onto the existing GUID without being asked', async () => {
    const device = await deviceIn(siteOf('bob'));
    const id = await pendingApproval({ siteId: siteOf('bob'), hostname: device.hostname, fingerprint: device.fingerprint.toUpperCase() });
    const result = await q('bob', APPROVE, { input: { id } });
    expect(result.data.approveDeviceApproval).toMatchObject({ status: 'approved', guid: device.guid.toUpperCase(), conflictResolution: 'AUTO_MERGE_FINGERPRINT' });
  });

  it('a User cannot hand an agent the GUID of a device outside their sites (an Admin can)', async () => {
    const bobsDevice = await deviceIn(siteOf('bob'));
    const id = await pendingApproval({ siteId: siteOf('alice'), hostname: bobsDevice.hostname, fingerprint: 'ef'.repeat(32) });
    const before = await snapshot(g.db.pool, TABLES);
    const result = await q('alice', APPROVE, { input: { id, conflictResolution: 'OVERWRITE' } });
    expect(result.data.approveDeviceApproval).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    const byGuid = await q('alice', APPROVE, { input: { id, guid: bobsDevice.guid, conflictResolution: 'COEXIST' } });
    expect(byGuid.data.approveDeviceApproval.__typename).toBe('ForbiddenError');
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
    const admin = await q('admin', APPROVE, { input: { id, conflictResolution: 'OVERWRITE' } });
    expect(admin.data.approveDeviceApproval).toMatchObject({ status: 'approved', guid: bobsDevice.guid.toUpperCase() });
  });
});

describe('denyDeviceApproval', () => {
  it('writes status denied, the approver and updated_at; keeps the GUID', async () => {
    const guid = randomUUID().toUpperCase();
    const id = await pendingApproval({ siteId: siteOf('bob', 1), guid });
    const result = await q('bob', DENY, { input: { id } });
    expect(result.data.denyDeviceApproval).toEqual({ __typename: 'DeviceApprovalDecision', status: 'denied', guid });
    const after = await approval(id);
    expect([after.status, after.guid, after.approved_by_user_id]).toEqual(['denied', guid, g.identities.bob.userId.toString()]);
    expect(after.updated_at).toMatch(RFC3339_UTC);
  });
});

describe('approval services (shared with the REST router)', () => {
  it('concurrent approve and deny of one approval leave exactly one outcome', async () => {
    const admin = commandContextFor(g.db.pool, g.identities.admin);
    try {
      for (let round = 0; round < 5; round += 1) {
        const id = await pendingApproval({ siteId: siteOf('alice') });
        // Hold the row so that both decisions are waiting on it at the same time.
        const holder = await g.db.pool.connect();
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM engine.device_approvals WHERE id = $1 FOR UPDATE', [id]);
        const decisions = [approveDeviceApproval(admin, { id }), denyDeviceApproval(admin, { id })].map((p) =>
          p.then((decision) => ({ decision }), (error: unknown) => ({ error })),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        await holder.query('COMMIT');
        holder.release();
        const outcomes = await Promise.all(decisions);
        const winners = outcomes.filter((o) => 'decision' in o);
        const losers = outcomes.filter((o) => 'error' in o);
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect((losers[0] as { error: DomainError }).error.code).toBe('NOT_PENDING');
        expect((await approval(id)).status).toBe((winners[0] as { decision: { status: string } }).decision.status);
      }
    } finally {
      await admin.close();
    }
  });

  it('logs one audit line per decision (who, what, which row), none for a refusal', async () => {
    const alice = commandContextFor(g.db.pool, g.identities.alice);
    try {
      const id = await pendingApproval({ siteId: siteOf('alice') });
      await denyDeviceApproval(alice, { id });
      await expect(denyDeviceApproval(alice, { id })).rejects.toMatchObject({ code: 'NOT_PENDING' });
      expect(auditLines(alice.lines)).toEqual([
        expect.objectContaining({
          msg: 'audit deviceApproval.deny',
          audit: {
            action: 'deviceApproval.deny',
            actor: { userId: g.identities.alice.userId.toString(), username: 'alice', role: 'User' },
            rows: [{ table: 'engine.device_approvals', key: { id }, change: 'update' }],
          },
        }),
      ]);
    } finally {
      await alice.close();
    }
  });
});
