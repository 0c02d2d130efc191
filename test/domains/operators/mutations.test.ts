import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperator } from '../../../src/auth/operator.js';
import { setUserSiteAssignments } from '../../../src/domains/operators/service.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../../support/seeded.js';
import { auditLines, commandContextFor, rowsOf, snapshot, type Row } from '../../support/mutations.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>) => g.as(who, query, variables);
const rows = (sql: string, params: unknown[] = []) => rowsOf(g.db.pool, sql, params);
const answer = (result: { data?: Row | null }) => Object.values(result.data ?? {})[0] as Row;
const TABLES = ['engine.user_site_assignments', 'engine.users'];

const SET = `mutation($input: SetUserSiteAssignmentsInput!) { setUserSiteAssignments(input: $input) { __typename
  ... on UserSiteAssignmentsPayload { addedSiteIds removedSiteIds user { username sites { databaseId } } }
  ... on Error { code message }
  ... on ValidationFailedError { problems { path message } } } }`;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 30 });
}, 120_000);
afterAll(async () => {
  await g.close();
});

const carolId = () => g.identities.carol.userId.toString();
const assignments = async (userId: string) => rows('SELECT * FROM engine.user_site_assignments WHERE user_id = $1 ORDER BY site_id', [userId]);
const siteIds = async () => (await rows('SELECT id::text AS id FROM engine.sites ORDER BY id')).map((r) => r.id as string);

describe('setUserSiteAssignments', () => {
  it('replaces the rows: new ones with epoch assigned_at, kept ones untouched; the next request sees the new scope', async () => {
    const [first, second, third] = await siteIds();
    const before = Math.floor(Date.now() / 1000);
    const result = answer(await q('admin', SET, { input: { userId: carolId(), siteIds: [first, second] } }));
    expect(result).toEqual({
      __typename: 'UserSiteAssignmentsPayload',
      addedSiteIds: [first, second],
      removedSiteIds: [],
      user: { username: 'carol', sites: [{ databaseId: first }, { databaseId: second }] },
    });
    const written = await assignments(carolId());
    expect(written).toEqual([
      { user_id: Number(carolId()), site_id: Number(first), assigned_at: expect.any(Number) },
      { user_id: Number(carolId()), site_id: Number(second), assigned_at: expect.any(Number) },
    ]);
    expect(written[0]!.assigned_at).toBeGreaterThanOrEqual(before);

    // Keep `second` (its row is not rewritten), drop `first`, add `third`; node ids work too.
    await g.db.pool.query('UPDATE engine.user_site_assignments SET assigned_at = 12345 WHERE user_id = $1 AND site_id = $2', [carolId(), second]);
    const userNodeId = Buffer.from(`User:${carolId()}`).toString('base64');
    const next = answer(await q('admin', SET, { input: { userId: userNodeId, siteIds: [Buffer.from(`Site:${third}`).toString('base64'), second, second] } }));
    expect([next.addedSiteIds, next.removedSiteIds]).toEqual([[third], [first]]);
    expect((await assignments(carolId())).map((r) => [r.site_id, r.assigned_at === 12345])).toEqual([
      [Number(second), true],
      [Number(third), false],
    ]);
    const carol = await loadOperator(g.db.pool, 'carol', { authMethod: 'test', expiresAt: null });
    expect(carol.siteIds).toEqual([Number(second), Number(third)]);

    // The same set again: nothing to change.
    const same = answer(await q('admin', SET, { input: { userId: carolId(), siteIds: [second, third] } }));
    expect([same.addedSiteIds, same.removedSiteIds]).toEqual([[], []]);
    expect(answer(await q('admin', SET, { input: { userId: carolId(), siteIds: [] } })).removedSiteIds).toEqual([second, third]);
    expect(await assignments(carolId())).toEqual([]);
  });

  it('unknown sites are VALIDATION_FAILED by position, an unknown user NOT_FOUND; nothing changes', async () => {
    const [first] = await siteIds();
    const before = await snapshot(g.db.pool, TABLES);
    expect(answer(await q('admin', SET, { input: { userId: carolId(), siteIds: [first, '424242', 'x'] } }))).toMatchObject({
      __typename: 'ValidationFailedError',
      problems: [{ path: ['siteIds', '2'], message: 'A site id must be a positive numeric id.' }],
    });
    expect(answer(await q('admin', SET, { input: { userId: carolId(), siteIds: [first, '424242'] } }))).toMatchObject({
      __typename: 'ValidationFailedError',
      problems: [{ path: ['siteIds', '1'], message: 'Site 424242 does not exist.' }],
    });
    expect(answer(await q('admin', SET, { input: { userId: '987654', siteIds: [first] } }))).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'User was not found.',
    });
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('is admin only, in GraphQL and in the service', async () => {
    const [first] = await siteIds();
    const before = await snapshot(g.db.pool, TABLES);
    for (const who of ['alice', 'bob'] as const) {
      const refused = await q(who, SET, { input: { userId: g.identities[who].userId.toString(), siteIds: [first] } });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const alice = commandContextFor(g.db.pool, g.identities.alice);
    try {
      await expect(setUserSiteAssignments(alice, { userId: carolId(), siteIds: [first!] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      await alice.close();
    }
    expect(await snapshot(g.db.pool, TABLES)).toEqual(before);
  });

  it('logs one audit line naming every row added and removed', async () => {
    const [first, second] = await siteIds();
    const admin = commandContextFor(g.db.pool, g.identities.admin);
    try {
      await setUserSiteAssignments(admin, { userId: carolId(), siteIds: [first!] });
      await setUserSiteAssignments(admin, { userId: carolId(), siteIds: [second!] });
      expect(auditLines(admin.lines).map((line) => line.audit.rows)).toEqual([
        [{ table: 'engine.user_site_assignments', key: { user_id: carolId(), site_id: first }, change: 'insert' }],
        [
          { table: 'engine.user_site_assignments', key: { user_id: carolId(), site_id: second }, change: 'insert' },
          { table: 'engine.user_site_assignments', key: { user_id: carolId(), site_id: first }, change: 'delete' },
        ],
      ]);
    } finally {
      await admin.close();
    }
  });
});
