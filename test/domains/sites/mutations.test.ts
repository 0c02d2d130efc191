import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/client.js';
import { createScope } from '../../../src/access/scope.js';
import { ruleSql, scopedWhere } from '../../../src/access/rules.js';
import { createPrismaClient, type Db } from '../../../src/db/prisma.js';
import { createSite, generateEnrollmentCode } from '../../../src/domains/sites/service.js';
import { createSeededGateway, OPERATORS, type OperatorName, type SeededGateway } from '../../support/seeded.js';
import { auditLines, commandContextFor, RFC3339_UTC, rowsOf, snapshot, type Row } from '../../support/mutations.js';

let g: SeededGateway;
let prisma: Db;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>) => g.as(who, query, variables);
const rows = (sql: string, params: unknown[] = []) => rowsOf(g.db.pool, sql, params);
const siteOf = (who: 'alice' | 'bob', index = 0) => (g.identities[who].siteIds as number[])[index]!;
const nowEpoch = () => Math.floor(Date.now() / 1000);
const carolIdText = () => g.identities.carol.userId.toString();
const CODE = /^[0-9A-F]{4}(-[0-9A-F]{4}){7}$/;
const SITE_TABLES = ['engine.sites', 'engine.device_sites', 'engine.user_site_assignments', 'engine.device_approvals', 'engine.directory_provider_site_mappings'];

beforeAll(async () => {
  g = await createSeededGateway({ devices: 60 });
  prisma = createPrismaClient(g.db.pool);
}, 120_000);
afterAll(async () => {
  await prisma.$disconnect();
  await g.close();
});

const site = async (id: string | number): Promise<Row | undefined> => (await rows('SELECT * FROM engine.sites WHERE id = $1', [id]))[0];
/** The one answer of a mutation field (the result union). */
const answer = (result: { data?: Row | null }) => Object.values(result.data ?? {})[0] as Row;

const SITE_FIELDS = `__typename
  ... on SitePayload { site { databaseId name description autoApproveUntil enrollmentCode } }
  ... on Error { code message }
  ... on ValidationFailedError { problems { path message } }`;
const CREATE = `mutation($input: CreateSiteInput!) { createSite(input: $input) { ${SITE_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateSiteInput!) { updateSite(input: $input) { ${SITE_FIELDS} } }`;
const ROTATE = `mutation($input: SiteKeyInput!) { rotateSiteEnrollmentCode(input: $input) { ${SITE_FIELDS} } }`;
const OPEN = `mutation($input: OpenSiteAutoApprovalInput!) { openSiteAutoApproval(input: $input) { ${SITE_FIELDS} } }`;
const CLOSE = `mutation($input: SiteKeyInput!) { closeSiteAutoApproval(input: $input) { ${SITE_FIELDS} } }`;
const DELETE = `mutation($input: SiteKeyInput!) { deleteSite(input: $input) { __typename
  ... on DeleteSitePayload { deletedSiteId name unassignedHostnames unassignedUserIds detachedApprovalIds updatedDirectoryMappingIds }
  ... on Error { code message } } }`;
const ASSIGN_FIELDS = `__typename
  ... on SiteDeviceAssignmentPayload { changedHostnames site { databaseId } }
  ... on Error { code message }
  ... on ValidationFailedError { problems { path message } }`;
const ASSIGN = `mutation($input: SiteHostnamesInput!) { assignDevicesToSite(input: $input) { ${ASSIGN_FIELDS} } }`;
const UNASSIGN = `mutation($input: SiteHostnamesInput!) { unassignDevicesFromSite(input: $input) { ${ASSIGN_FIELDS} } }`;

async function newSite(name: string): Promise<string> {
  const result = await q('admin', CREATE, { input: { name } });
  return answer(result).site.databaseId as string;
}

describe('createSite', () => {
  it('inserts the row as Borealis does: epoch created_at, a new code in its format, \'\' for no description', async () => {
    const before = nowEpoch();
    const result = await q('admin', CREATE, { input: { name: '  Contoso Field Office ' } });
    expect(result.errors).toBeUndefined();
    const created = answer(result);
    expect(created.__typename).toBe('SitePayload');
    const row = (await site(created.site.databaseId))!;
    expect(row).toEqual({
      id: created.site.databaseId,
      name: 'Contoso Field Office',
      description: '',
      created_at: expect.any(Number),
      enrollment_code: created.site.enrollmentCode,
      auto_approve_until: null,
    });
    expect(row.created_at).toBeGreaterThanOrEqual(before);
    expect(row.created_at).toBeLessThanOrEqual(nowEpoch());
    expect(row.enrollment_code).toMatch(CODE);
  });

  it('generates distinct codes in the format (8 groups of 4 upper-case hex digits)', () => {
    const codes = new Set(Array.from({ length: 200 }, generateEnrollmentCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(CODE);
  });

  it('a taken name is CONFLICT; an empty name VALIDATION_FAILED; a User is FORBIDDEN; nothing is written', async () => {
    const before = await snapshot(g.db.pool, SITE_TABLES);
    expect(answer(await q('admin', CREATE, { input: { name: 'Acme HQ' } }))).toEqual({
      __typename: 'ConflictError',
      code: 'CONFLICT',
      message: 'A site named "Acme HQ" already exists.',
    });
    expect(answer(await q('admin', CREATE, { input: { name: '   ' } }))).toMatchObject({
      __typename: 'ValidationFailedError',
      problems: [{ path: ['name'], message: 'A site name is required.' }],
    });
    for (const who of ['alice', 'carol'] as const) {
      const refused = await q(who, CREATE, { input: { name: 'Alice Site' } });
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await q(null, CREATE, { input: { name: 'Anon Site' } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });

  it('of two concurrent creations with one name, one wins and the other is CONFLICT', async () => {
    const admin = commandContextFor(g.db.pool, g.identities.admin);
    try {
      for (let round = 0; round < 3; round += 1) {
        const name = `Race ${round}`;
        const outcomes = await Promise.allSettled([createSite(admin, { name }), createSite(admin, { name })]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(['CONFLICT']);
        expect(await rows('SELECT count(*)::int AS n FROM engine.sites WHERE name = $1', [name])).toEqual([{ n: 1 }]);
      }
    } finally {
      await admin.close();
    }
  });

  it('the service refuses a User too (for callers other than GraphQL), and audits what an Admin creates', async () => {
    const alice = commandContextFor(g.db.pool, g.identities.alice);
    const admin = commandContextFor(g.db.pool, g.identities.admin);
    try {
      await expect(createSite(alice, { name: 'Via REST' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const { siteId } = await createSite(admin, { name: 'Audited Site', description: 'Made by a test' });
      expect((await site(siteId))!.description).toBe('Made by a test');
      expect(auditLines(admin.lines)).toEqual([
        expect.objectContaining({ audit: expect.objectContaining({ action: 'site.create', rows: [{ table: 'engine.sites', key: { id: siteId }, change: 'insert' }] }) }),
      ]);
      expect(auditLines(alice.lines)).toEqual([]);
    } finally {
      await alice.close();
      await admin.close();
    }
  });
});

describe('updateSite, rotateSiteEnrollmentCode', () => {
  it('renames and describes; an unchanged update is fine; a taken name is CONFLICT', async () => {
    const id = await newSite('Rename Me');
    const renamed = answer(await q('admin', UPDATE, { input: { id, name: 'Renamed', description: 'Now described' } }));
    expect(renamed.site).toMatchObject({ name: 'Renamed', description: 'Now described' });
    expect(await site(id)).toMatchObject({ name: 'Renamed', description: 'Now described' });
    // Descriptions are free text, longer than the gateway's default 256-character input strings.
    const long = 'd'.repeat(1500);
    expect(answer(await q('admin', UPDATE, { input: { id, description: long } })).site.description).toBe(long);
    const nodeId = Buffer.from(`Site:${id}`).toString('base64');
    expect(answer(await q('admin', UPDATE, { input: { id: nodeId, name: 'Renamed' } })).site.name).toBe('Renamed');
    const before = await snapshot(g.db.pool, SITE_TABLES);
    expect(answer(await q('admin', UPDATE, { input: { id, name: 'Globex Plant' } })).code).toBe('CONFLICT');
    expect(answer(await q('admin', UPDATE, { input: { id } }))).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ path: ['name'] }] });
    expect(answer(await q('admin', UPDATE, { input: { id: '999999', name: 'X' } }))).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'Site was not found.',
    });
    expect(answer(await q('admin', UPDATE, { input: { id: 'abc', name: 'X' } }))).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ path: ['id'] }] });
    expect((await q('bob', UPDATE, { input: { id: String(siteOf('bob')), name: 'Mine now' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });

  it('rotating gives a new code in the format and changes nothing else', async () => {
    const id = await newSite('Rotate Me');
    const before = (await site(id))!;
    const rotated = answer(await q('admin', ROTATE, { input: { id } }));
    const after = (await site(id))!;
    expect(after.enrollment_code).toMatch(CODE);
    expect(after.enrollment_code).not.toBe(before.enrollment_code);
    expect(rotated.site.enrollmentCode).toBe(after.enrollment_code);
    expect({ ...after, enrollment_code: null }).toEqual({ ...before, enrollment_code: null });
  });
});

describe('the auto-approval window', () => {
  it('opens until an instant (epoch seconds), moves, and closes to NULL; closing twice changes nothing', async () => {
    const id = await newSite('Window Site');
    const until = new Date(Date.now() + 2 * 3600_000);
    const opened = answer(await q('admin', OPEN, { input: { id, until: until.toISOString() } }));
    expect((await site(id))!.auto_approve_until).toBe(Math.floor(until.getTime() / 1000));
    expect(opened.site.autoApproveUntil).toBe(new Date(Math.floor(until.getTime() / 1000) * 1000).toISOString());
    const admin = commandContextFor(g.db.pool, g.identities.admin);
    try {
      const { closeSiteAutoApproval } = await import('../../../src/domains/sites/service.js');
      await closeSiteAutoApproval(admin, { id });
      expect((await site(id))!.auto_approve_until).toBeNull();
      await closeSiteAutoApproval(admin, { id });
      expect(auditLines(admin.lines).map((l) => l.audit.action)).toEqual(['site.closeAutoApproval']);
    } finally {
      await admin.close();
    }
    expect(answer(await q('admin', CLOSE, { input: { id } })).site.autoApproveUntil).toBeNull();
  });

  it('refuses a window in the past or past 2038 (int4 epoch), changing nothing', async () => {
    const id = await newSite('Window Refused');
    const before = await snapshot(g.db.pool, SITE_TABLES);
    for (const until of ['2020-01-01T00:00:00Z', '2040-01-01T00:00:00Z']) {
      const result = answer(await q('admin', OPEN, { input: { id, until } }));
      expect(result).toMatchObject({ __typename: 'ValidationFailedError', problems: [{ path: ['until'] }] });
    }
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });
});

describe('assignDevicesToSite / unassignDevicesFromSite', () => {
  const devicesOf = async (siteId: number) =>
    (await rows('SELECT d.hostname FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname WHERE ds.site_id = $1 ORDER BY 1', [siteId])).map(
      (r) => r.hostname as string,
    );
  const assignment = async (hostname: string) => (await rows('SELECT * FROM engine.device_sites WHERE device_hostname = $1', [hostname]))[0];

  it('a User moves a device between their own sites (device_sites upserted, assigned_at epoch); a retry changes nothing', async () => {
    const [from, to] = [siteOf('bob', 0), siteOf('bob', 1)];
    const [hostname] = await devicesOf(from);
    const before = nowEpoch();
    const moved = answer(await q('bob', ASSIGN, { input: { siteId: String(to), hostnames: [hostname] } }));
    expect(moved).toEqual({ __typename: 'SiteDeviceAssignmentPayload', changedHostnames: [hostname], site: { databaseId: String(to) } });
    const row = (await assignment(hostname!))!;
    expect(row).toEqual({ device_hostname: hostname, site_id: to, assigned_at: expect.any(Number) });
    expect(row.assigned_at).toBeGreaterThanOrEqual(before);
    const again = answer(await q('bob', ASSIGN, { input: { siteId: String(to), hostnames: [hostname, hostname] } }));
    expect(again.changedHostnames).toEqual([]);
    expect(await assignment(hostname!)).toEqual(row);
  });

  it('another site\'s device and an unknown hostname answer alike for a User; nothing moves', async () => {
    const [bobsDevice] = await devicesOf(siteOf('bob'));
    const [mine] = await devicesOf(siteOf('alice'));
    const before = await snapshot(g.db.pool, SITE_TABLES);
    const message = (hostname: string) => ({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: `Device ${hostname} was not found.` });
    for (const hostname of [bobsDevice!, 'NO-SUCH-HOST']) {
      expect(answer(await q('alice', ASSIGN, { input: { siteId: String(siteOf('alice')), hostnames: [mine, hostname] } }))).toEqual(message(hostname));
    }
    // A site of someone else, or none at all: the same NOT_FOUND.
    const notFound = answer(await q('alice', ASSIGN, { input: { siteId: '999999', hostnames: [mine] } }));
    expect(notFound).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'Site was not found.' });
    expect(answer(await q('alice', ASSIGN, { input: { siteId: String(siteOf('bob')), hostnames: [mine] } }))).toEqual(notFound);
    expect(answer(await q('carol', UNASSIGN, { input: { siteId: String(siteOf('alice')), hostnames: [mine] } }))).toEqual(notFound);
    expect(answer(await q('alice', UNASSIGN, { input: { siteId: String(siteOf('bob')), hostnames: [bobsDevice] } }))).toEqual(notFound);
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });

  it('validates the hostnames before anything runs', async () => {
    const before = await snapshot(g.db.pool, SITE_TABLES);
    expect(answer(await q('admin', ASSIGN, { input: { siteId: String(siteOf('alice')), hostnames: [] } }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ path: ['hostnames'], message: 'Name at least one hostname.' }],
    });
    expect(answer(await q('admin', ASSIGN, { input: { siteId: String(siteOf('alice')), hostnames: ['OK-HOST', ' '] } }))).toMatchObject({
      problems: [{ path: ['hostnames', '1'], message: 'A hostname must not be empty.' }],
    });
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });

  it('an Admin may map a hostname before its device enrolls; unassigning deletes the row and a retry changes nothing', async () => {
    const siteId = String(siteOf('alice'));
    expect(answer(await q('admin', ASSIGN, { input: { siteId, hostnames: ['FUTURE-PC-01'] } })).changedHostnames).toEqual(['FUTURE-PC-01']);
    expect((await assignment('FUTURE-PC-01'))!.site_id).toBe(siteOf('alice'));
    const [mine] = await devicesOf(siteOf('alice'));
    const removed = answer(await q('alice', UNASSIGN, { input: { siteId, hostnames: [mine, 'FUTURE-PC-01'] } }));
    expect(removed.changedHostnames).toEqual([mine, 'FUTURE-PC-01'].sort());
    expect(await assignment(mine!)).toBeUndefined();
    expect(answer(await q('alice', UNASSIGN, { input: { siteId, hostnames: [mine] } })).changedHostnames).toEqual([]);
    // Unassigned devices are admin-only: alice cannot take it back, an Admin can.
    expect(answer(await q('alice', ASSIGN, { input: { siteId, hostnames: [mine] } })).code).toBe('NOT_FOUND');
    expect(answer(await q('admin', ASSIGN, { input: { siteId, hostnames: [mine] } })).changedHostnames).toEqual([mine]);
  });
});

describe('deleteSite', () => {
  it('is admin only', async () => {
    const before = await snapshot(g.db.pool, SITE_TABLES);
    expect((await q('bob', DELETE, { input: { id: String(siteOf('bob')) } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
  });
  it('is all-or-nothing: when its last statement fails, the cleanup before it is rolled back too', async () => {
    const id = await newSite('Undeletable');
    await q('admin', ASSIGN, { input: { siteId: id, hostnames: ['ROLLBACK-PC'] } });
    await g.db.pool.query('INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1)', [g.identities.carol.userId, id]);
    // A failure Borealis's database could raise at the last step (a trigger stands in for it).
    await g.db.pool.query(`CREATE FUNCTION refuse_site_delete_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await g.db.pool.query(`CREATE TRIGGER refuse_site_delete BEFORE DELETE ON engine.sites FOR EACH ROW WHEN (OLD.id = ${Number(id)}) EXECUTE FUNCTION refuse_site_delete_for_test()`);
    try {
      const before = await snapshot(g.db.pool, SITE_TABLES);
      const result = await q('admin', DELETE, { input: { id } });
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await snapshot(g.db.pool, SITE_TABLES)).toEqual(before);
      expect(await rows('SELECT site_id FROM engine.device_sites WHERE device_hostname = $1', ['ROLLBACK-PC'])).toEqual([{ site_id: Number(id) }]);
    } finally {
      await g.db.pool.query('DROP TRIGGER refuse_site_delete ON engine.sites');
      await g.db.pool.query('DROP FUNCTION refuse_site_delete_for_test()');
    }
    expect(answer(await q('admin', DELETE, { input: { id } }))).toMatchObject({ unassignedHostnames: ['ROLLBACK-PC'], unassignedUserIds: [carolIdText()] });
  });

  it('deletes the site with the cleanup its soft relations need, and only that', async () => {
    // Acme HQ: devices, an operator, approvals, a watchdog, a filter, a credential and a directory mapping refer to it.
    // (Last in this file: the other tests use alice's site.)
    const target = siteOf('alice');
    const seededMappings = (await rows('SELECT id::text AS id, site_ids_json FROM engine.directory_provider_site_mappings ORDER BY id')) as Row[];
    const [mapping] = await rows(
      `INSERT INTO engine.directory_provider_site_mappings (provider_id, label, group_dns_json, site_ids_json, position, created_at, updated_at)
       SELECT id, 'Globex and HQ', '["CN=x"]', $1, 9, 1, 1 FROM engine.directory_providers ORDER BY id LIMIT 1 RETURNING id::text AS id`,
      [`["${target}", "4"]`],
    );
    await rows(
      `INSERT INTO engine.device_approvals (id, approval_reference, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code, site_id, status,
         client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at)
       VALUES ('del-pending', 'del-pending-ref', 'DEL-PC', 'ff', 'C', $1, 'pending', 'n', 's', '\\x00'::bytea, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
              ('del-completed', 'del-completed-ref', 'DEL-PC2', 'fe', 'C', $1, 'completed', 'n', 's', '\\x00'::bytea, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      [target],
    );
    const hostnames = (await rows('SELECT device_hostname FROM engine.device_sites WHERE site_id = $1 ORDER BY 1', [target])).map((r) => r.device_hostname);
    const users = (await rows('SELECT user_id::text FROM engine.user_site_assignments WHERE site_id = $1 ORDER BY 1', [target])).map((r) => r.user_id);
    const pending = (await rows(`SELECT id FROM engine.device_approvals WHERE site_id = $1 AND lower(status) IN ('pending','approved') ORDER BY id`, [target])).map((r) => r.id);
    expect(hostnames.length).toBeGreaterThan(0);
    expect(users).toContain(g.identities.alice.userId.toString());
    expect(pending).toContain('del-pending');
    const cascaded = async () => ({
      watchdogSites: (await rows('SELECT count(*)::int AS n FROM engine.watchdog_sites WHERE site_id = $1', [target]))[0]!.n,
      filterSites: (await rows('SELECT count(*)::int AS n FROM engine.device_filter_sites WHERE site_id = $1', [target]))[0]!.n,
      credentials: (await rows('SELECT count(*)::int AS n FROM engine.credentials WHERE site_id = $1', [target]))[0]!.n,
    });
    expect(await cascaded()).toEqual({ watchdogSites: 1, filterSites: 1, credentials: 1 });
    const credentialCount = (await rows('SELECT count(*)::int AS n FROM engine.credentials'))[0]!.n;
    const elsewhere = async () => ({
      sites: await rows('SELECT * FROM engine.sites WHERE id <> $1 ORDER BY id', [target]),
      deviceSites: await rows('SELECT * FROM engine.device_sites WHERE site_id <> $1 ORDER BY 1', [target]),
      users: await rows('SELECT * FROM engine.user_site_assignments WHERE site_id <> $1 ORDER BY 1, 2', [target]),
      approvals: await rows('SELECT * FROM engine.device_approvals WHERE site_id IS DISTINCT FROM $1 AND id <> ALL($2) ORDER BY id', [target, pending]),
      watchdogSites: await rows('SELECT * FROM engine.watchdog_sites WHERE site_id <> $1 ORDER BY 1, 2', [target]),
    });
    const untouched = await elsewhere();

    const result = answer(await q('admin', DELETE, { input: { id: String(target) } }));
    expect(result).toEqual({
      __typename: 'DeleteSitePayload',
      deletedSiteId: String(target),
      name: 'Acme HQ',
      unassignedHostnames: hostnames,
      unassignedUserIds: users,
      detachedApprovalIds: pending,
      updatedDirectoryMappingIds: [...seededMappings.filter((m) => m.site_ids_json.includes(String(target))).map((m) => m.id), mapping!.id],
    });
    expect(await site(target)).toBeUndefined();
    expect(await rows('SELECT * FROM engine.device_sites WHERE site_id = $1', [target])).toEqual([]);
    expect(await rows('SELECT * FROM engine.user_site_assignments WHERE site_id = $1', [target])).toEqual([]);
    for (const approval of await rows('SELECT * FROM engine.device_approvals WHERE id = ANY($1)', [pending])) {
      expect(approval.site_id).toBeNull();
      expect(approval.updated_at).toMatch(RFC3339_UTC);
    }
    expect((await rows(`SELECT site_id FROM engine.device_approvals WHERE id = 'del-completed'`))[0]!.site_id).toBe(target);
    const mappings = await rows('SELECT id::text AS id, site_ids_json FROM engine.directory_provider_site_mappings ORDER BY id');
    expect(mappings).toEqual([
      ...seededMappings.map((m) => ({ id: m.id, site_ids_json: m.site_ids_json === `[${target}, 2]` ? '[2]' : m.site_ids_json })),
      { id: mapping!.id, site_ids_json: '["4"]' },
    ]);
    expect(seededMappings.some((m) => m.site_ids_json === `[${target}, 2]`)).toBe(true);
    // The declared foreign keys: site rows of watchdogs and filters cascade, credentials keep a NULL site.
    expect(await cascaded()).toEqual({ watchdogSites: 0, filterSites: 0, credentials: 0 });
    expect((await rows('SELECT count(*)::int AS n FROM engine.credentials'))[0]!.n).toBe(credentialCount);
    expect(await elsewhere()).toEqual(untouched);

    // Gone: a second delete is NOT_FOUND.
    expect(answer(await q('admin', DELETE, { input: { id: String(target) } }))).toMatchObject({ code: 'NOT_FOUND', message: 'Site was not found.' });
  });

});

describe("the rules' SQL forms used inside writes", () => {
  it('Site and Device admit exactly the rows their Prisma forms admit, for every operator', async () => {
    for (const who of OPERATORS) {
      const scope = createScope(prisma, g.identities[who]);
      const siteSql = await rows(...sqlOf(Prisma.sql`SELECT s.id::text AS key FROM engine.sites s WHERE ${await ruleSql('Site', scope, Prisma.raw('s'))} ORDER BY 1`));
      const sitePrisma = await prisma.site.findMany({ where: await scopedWhere('Site', scope), select: { id: true } });
      expect(siteSql.map((r) => r.key), who).toEqual(sitePrisma.map((s) => s.id.toString()).sort());
      const deviceSql = await rows(...sqlOf(Prisma.sql`SELECT d.guid AS key FROM engine.devices d WHERE ${await ruleSql('Device', scope, Prisma.raw('d'))} ORDER BY 1`));
      const devicePrisma = await prisma.device.findMany({ where: await scopedWhere('Device', scope), select: { guid: true } });
      expect(deviceSql.map((r) => r.key), who).toEqual(devicePrisma.map((d) => d.guid).sort());
      if (who === 'bob') expect(deviceSql.length).toBeGreaterThan(0);
    }
  });
});

function sqlOf(statement: Prisma.Sql): [string, unknown[]] {
  return [statement.text, statement.values as unknown[]];
}
