import { getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>): Promise<any> => g.as(who, query, variables);
const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  // A credential without a site (Borealis sets site_id NULL when its site is deleted).
  await g.db.pool.query(`INSERT INTO engine.credentials (name, description, site_id, credential_type, connection_type, username,
      password_encrypted, metadata_json, created_at, updated_at)
    VALUES ('Orphaned WinRM', NULL, NULL, 'machine', 'winrm', 'Administrator', convert_to('aegis:v1:' || md5(random()::text), 'UTF8'),
      '{"aegis_secret_state": "reset_required"}', 1790000000, 1790000000)`);
}, 120_000);
afterAll(() => g.close());

function selection(typeName: string, depth: number): string {
  const type = gatewaySchema().getType(typeName) as GraphQLObjectType;
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth > 0 && isObjectType(named)) parts.push(`${field.name} { ${selection(named.name, depth - 1)} }`);
  }
  return parts.join(' ');
}

const CREDENTIALS = `query($first: Int, $after: String, $where: CredentialWhere, $orderBy: CredentialOrder) {
  credentials(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id databaseId name connectionType username passwordSet privateKeySet privateKeyPassphraseSet becomePasswordSet
      secretsResetRequired metadata site { name } createdAt } } } }`;
const names = (result: any) => result.data.credentials.edges.map((e: any) => e.node.name);

describe('credentials (admin only)', () => {
  it('an Admin sees every credential by name, with which secrets are set (never their values)', async () => {
    const result = await q('admin', CREDENTIALS, { first: 50 });
    expect(result.errors).toBeUndefined();
    const stored = await rows(`SELECT name, password_encrypted IS NOT NULL AS p, private_key_encrypted IS NOT NULL AS k,
      private_key_passphrase_encrypted IS NOT NULL AS kp, become_password_encrypted IS NOT NULL AS b FROM engine.credentials ORDER BY name, id`);
    expect(stored).toHaveLength(4);
    expect(names(result)).toEqual(stored.map((r) => r.name));
    expect(result.data.credentials.totalCount).toBe(4);
    for (const [i, row] of stored.entries()) {
      expect(result.data.credentials.edges[i].node).toMatchObject({
        passwordSet: row.p, privateKeySet: row.k, privateKeyPassphraseSet: row.kp, becomePasswordSet: row.b,
      });
    }
    const byName = Object.fromEntries(result.data.credentials.edges.map((e: any) => [e.node.name, e.node]));
    expect(byName['Globex Linux Deploy (SSH key)']).toMatchObject({
      connectionType: 'ssh', username: 'deploy', site: { name: 'Globex Plant' }, metadata: { ssh_port: 22 }, privateKeySet: true, passwordSet: false,
    });
    expect(byName['Orphaned WinRM']).toMatchObject({ site: null, secretsResetRequired: true });
    expect(byName['Umbrella Lab root (SSH)'].secretsResetRequired).toBe(false);
  });

  it('Users get FORBIDDEN with no data, anonymous UNAUTHENTICATED, and node(id:) is null for Users', async () => {
    for (const who of ['alice', 'bob', 'carol'] as const) {
      const result = await q(who, CREDENTIALS, { first: 50 });
      expect(result.data).toBeNull();
      expect(result.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await q(null, CREDENTIALS, { first: 5 })).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const id = (await q('admin', CREDENTIALS, { first: 1 })).data.credentials.edges[0].node.id;
    expect(await q('bob', `query($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ data: { node: null } });
    expect((await q('admin', `query($id: ID!) { node(id: $id) { ... on Credential { name } } }`, { id })).data.node.name).toEqual(expect.any(String));
  });

  it('filters by connection type, site, name and unassigned', async () => {
    const globex = (await rows(`SELECT id::text FROM engine.sites WHERE name = 'Globex Plant'`))[0].id;
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ connectionType: { equals: 'ssh' } }, ['Globex Linux Deploy (SSH key)', 'Umbrella Lab root (SSH)']],
      [{ siteIds: [globex] }, ['Globex Linux Deploy (SSH key)']],
      [{ name: { contains: 'ACME' } }, ['ACME Domain Admin (WinRM)']],
      [{ unassigned: true }, ['Orphaned WinRM']],
      [{ unassigned: false, connectionType: { in: ['winrm'] } }, ['ACME Domain Admin (WinRM)']],
    ];
    for (const [where, expected] of cases) {
      const result = await q('admin', CREDENTIALS, { first: 50, where });
      expect(names(result), JSON.stringify(where)).toEqual(expected);
      expect(result.data.credentials.totalCount).toBe(expected.length);
    }
    expect((await q('admin', CREDENTIALS, { first: 5, where: { siteIds: ['Globex'] } })).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('orders and pages with stable cursors', async () => {
    const expected = (await rows('SELECT name FROM engine.credentials ORDER BY created_at DESC, id DESC')).map((r) => r.name);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await q('admin', CREDENTIALS, { first: 3, after, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
      expect(page.data.credentials.totalCount).toBe(4);
      seen.push(...names(page));
      after = page.data.credentials.pageInfo.hasNextPage ? page.data.credentials.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected);
  });

  it('a malformed metadata document is an error on that field only', async () => {
    await g.db.pool.query(`UPDATE engine.credentials SET metadata_json = '{"ssh_port": 22' WHERE name = 'Umbrella Lab root (SSH)'`);
    const result = await q('admin', CREDENTIALS, { first: 50, where: { name: { equals: 'Umbrella Lab root (SSH)' } } });
    expect(result.data.credentials.edges[0].node).toMatchObject({ name: 'Umbrella Lab root (SSH)', metadata: null, secretsResetRequired: false });
    expect(result.errors.map((e: any) => e.extensions.code)).toEqual(['STORED_VALUE_MALFORMED']);
  });
});

describe('the credential of a scheduled job', () => {
  const JOBS = `{ scheduledJobs(first: 100) { edges { node { name credential { name connectionType } } } } }`;

  it('resolves for an Admin through one batched statement', async () => {
    const expected = Object.fromEntries(
      (await rows(`SELECT j.name, c.name AS credential FROM engine.scheduled_jobs j LEFT JOIN engine.credentials c ON c.id = j.credential_id`)).map((r) => [
        r.name,
        r.credential,
      ]),
    );
    expect(Object.values(expected).filter(Boolean).length).toBeGreaterThanOrEqual(2);
    const counter = countStatements(g.db.pool);
    let result: any;
    try {
      result = await q('admin', JOBS);
    } finally {
      counter.stop();
    }
    expect(result.errors).toBeUndefined();
    for (const edge of result.data.scheduledJobs.edges) expect(edge.node.credential?.name ?? null).toBe(expected[edge.node.name]);
    expect(counter.statements.filter((s) => /FROM "engine"\."credentials"/.test(s))).toHaveLength(1);
  });

  it('is FORBIDDEN for a User who can see the job (the job itself stays visible)', async () => {
    let checked = 0;
    for (const who of ['alice', 'bob'] as const) {
      const result = await q(who, JOBS);
      if (result.data.scheduledJobs.edges.length === 0) continue;
      checked++;
      for (const edge of result.data.scheduledJobs.edges) expect(edge.node).toEqual({ name: expect.any(String), credential: null });
      expect(new Set(result.errors.map((e: any) => e.extensions.code))).toEqual(new Set(['FORBIDDEN']));
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('credential secrets never leave the database', () => {
  it('no secret column value (as text, base64 or hex) appears when every field is selected', async () => {
    const secrets: string[] = [];
    const stored = await rows(`SELECT password_encrypted, private_key_encrypted, private_key_passphrase_encrypted, become_password_encrypted
      FROM engine.credentials`);
    for (const row of stored) {
      for (const value of Object.values(row) as Array<Buffer | null>) {
        if (!value || value.length < 12) continue;
        secrets.push(value.toString('utf8'), value.toString('utf8').slice(9, 40), value.toString('base64').slice(0, 24), value.toString('hex').slice(0, 48));
      }
    }
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    const queries = [
      `{ credentials(first: 50) { edges { node { ${selection('Credential', 1)} } } } }`,
      `{ scheduledJobs(first: 50) { edges { node { name credential { ${selection('Credential', 1)} } } } } }`,
    ];
    for (const query of queries) {
      const result = await q('admin', query);
      const text = JSON.stringify(result);
      expect(text).toContain('Globex Linux Deploy (SSH key)');
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
