import { getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>): Promise<any> => g.as(who, query, variables);
const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
let siteIdByName: Record<string, string>;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 20 });
  siteIdByName = Object.fromEntries((await rows('SELECT id::text, name FROM engine.sites')).map((r) => [r.name, r.id]));
  // The seed blanks the legacy passkey columns (migrated into secret_encrypted); give them values
  // so the secret test below has something to look for, and a keytab for the provider.
  await g.db.pool.query(`UPDATE engine.user_passkeys SET credential_id = 'legacy-credential-id-' || md5(random()::text),
    public_key = 'legacy-public-key-' || md5(random()::text), aaguid = 'aaguid-' || md5(random()::text), sign_count = 4242`);
  await g.db.pool.query(`UPDATE engine.directory_providers SET kerberos_keytab_encrypted = 'aegis:v1:' || md5(random()::text)`);
}, 120_000);
afterAll(() => g.close());

/** Every field of a type (leaves, and object fields `depth` levels down), skipping required args. */
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

const USERS = `query($first: Int, $after: String, $where: UserWhere, $orderBy: UserOrder) {
  users(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id databaseId username } } } }`;
const usernames = (result: any) => result.data.users.edges.map((e: any) => e.node.username);

describe('users (admin only)', () => {
  it('an Admin sees every user; Users get FORBIDDEN with no data; anonymous UNAUTHENTICATED', async () => {
    const admin = await q('admin', USERS, { first: 50 });
    expect(admin.errors).toBeUndefined();
    const all = (await rows('SELECT username FROM engine.users ORDER BY username, id')).map((r) => r.username);
    expect(all).toEqual(['admin', 'alice', 'bob', 'carol', 'dave', 'erin']);
    expect(admin.data.users.totalCount).toBe(all.length);
    expect(usernames(admin)).toEqual(all);
    for (const who of ['alice', 'bob', 'carol'] as const) {
      const result = await q(who, USERS, { first: 50 });
      expect(result.data).toBeNull();
      expect(result.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    const anonymous = await q(null, USERS, { first: 50 });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('node(id:) of a user answers null for a User, the user for an Admin', async () => {
    const bob = (await q('admin', USERS, { first: 50, where: { username: { equals: 'bob' } } })).data.users.edges[0].node;
    const NODE = `query($id: ID!) { node(id: $id) { id ... on User { username } } }`;
    expect(await q('alice', NODE, { id: bob.id })).toEqual({ data: { node: null } });
    expect(await q('bob', NODE, { id: bob.id })).toEqual({ data: { node: null } });
    expect((await q('admin', NODE, { id: bob.id })).data.node.username).toBe('bob');
    const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    expect((await q('carol', NODES, { ids: [bob.id] })).data.nodes).toEqual([null]);
  });

  it('filters by role, site, directory state, reset state, provider and search', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ role: ['ADMIN'] }, ['admin']],
      [{ role: ['USER'] }, ['alice', 'bob', 'carol', 'dave', 'erin']],
      [{ siteIds: [siteIdByName['Acme HQ']] }, ['alice']],
      [{ siteIds: [siteIdByName['Acme Branch Office'], siteIdByName['Umbrella Lab']] }, ['bob', 'erin']],
      [{ directoryDisabled: true }, ['dave']],
      [{ authResetRequired: true }, ['erin']],
      [{ authSource: { equals: 'directory' } }, ['dave']],
      [{ search: 'MILLER' }, ['dave']],
      [{ username: { in: ['carol', 'erin', 'nobody'] } }, ['carol', 'erin']],
    ];
    for (const [where, expected] of cases) {
      const result = await q('admin', USERS, { first: 50, where });
      expect(result.errors, JSON.stringify(where)).toBeUndefined();
      expect(usernames(result), JSON.stringify(where)).toEqual(expected);
      expect(result.data.users.totalCount).toBe(expected.length);
    }
    const providerId = (await rows('SELECT id::text FROM engine.directory_providers'))[0].id;
    expect(usernames(await q('admin', USERS, { first: 50, where: { directoryProviderId: { equals: providerId } } }))).toEqual(['dave']);
  });

  it('orders (id tie-breaker, NULLs as PostgreSQL sorts them) and pages with stable cursors', async () => {
    const byLogin = await q('admin', USERS, { first: 50, orderBy: { field: 'LAST_LOGIN', direction: 'DESC' } });
    const expected = (await rows('SELECT username FROM engine.users ORDER BY last_login DESC, id DESC')).map((r) => r.username);
    expect(usernames(byLogin)).toEqual(expected);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await q('admin', USERS, { first: 4, after, orderBy: { field: 'DISPLAY_NAME' } });
      expect(page.data.users.totalCount).toBe(6);
      seen.push(...usernames(page));
      after = page.data.users.pageInfo.hasNextPage ? page.data.users.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual((await rows('SELECT username FROM engine.users ORDER BY display_name, id')).map((r) => r.username));
  });

  it('answers bad input with BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 500 }, { first: 5, where: { siteIds: ['x'] } }, { first: 5, where: { id: { equals: '-1' } } }]) {
      const result = await q('admin', USERS, variables);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('user relations', () => {
  const DETAIL = `{ users(first: 50) { edges { node { username isAdmin mfaEnabled mfaRequired authResetRequired directoryDisabled
    lastLogin directoryGroups siteAssignments { siteId assignedAt site { name } } sites { name }
    directoryProvider { name } passkeys { label transports lastUsedAt } } } } }`;

  it('resolves site assignments, sites, directory provider and passkeys from the database', async () => {
    const result = await q('admin', DETAIL);
    expect(result.errors).toBeUndefined();
    const user = Object.fromEntries(result.data.users.edges.map((e: any) => [e.node.username, e.node]));
    expect(user.alice.sites).toEqual([{ name: 'Acme HQ' }]);
    expect(user.bob.sites.map((s: any) => s.name).sort()).toEqual(['Acme Branch Office', 'Globex Plant']);
    expect(user.bob.siteAssignments).toHaveLength(2);
    expect(user.bob.siteAssignments[0].assignedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(user.admin).toMatchObject({ isAdmin: true, sites: [], siteAssignments: [], directoryProvider: null });
    expect(user.admin.passkeys).toEqual([{ label: 'YubiKey 5C NFC', transports: ['nfc', 'usb'], lastUsedAt: expect.any(String) }]);
    expect(user.dave).toMatchObject({ directoryDisabled: true, directoryProvider: { name: 'ACME Active Directory' } });
    expect(user.dave.directoryGroups).toEqual(['CN=Initech Support,OU=Groups,DC=acme,DC=local']);
    expect(user.bob).toMatchObject({ mfaEnabled: true, mfaRequired: true });
    expect(user.alice).toMatchObject({ mfaEnabled: false, mfaRequired: false, passkeys: [] });
    expect(user.erin.authResetRequired).toBe(true);
    expect(user.carol.lastLogin).toBeNull();
  });

  it('batches relations: the statement count does not depend on the number of users', async () => {
    const counter = countStatements(g.db.pool);
    try {
      await q('admin', DETAIL.replace('first: 50', 'first: 1'));
      const one = counter.statements.length;
      counter.reset();
      await q('admin', DETAIL);
      expect(counter.statements.length, counter.statements.join('\n')).toBeLessThanOrEqual(Math.max(one, 7));
    } finally {
      counter.stop();
    }
  });

  it('a malformed stored JSON value is an error on that field only', async () => {
    await g.db.pool.query(`UPDATE engine.users SET directory_groups_json = '["CN=broken' WHERE username = 'dave'`);
    try {
      const result = await q('admin', `{ users(first: 10, where: { username: { equals: "dave" } }) { edges { node { username directoryGroups } } } }`);
      expect(result.data.users.edges[0].node).toEqual({ username: 'dave', directoryGroups: null });
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'users.directory_groups_json' });
      expect(result.errors[0].message).not.toContain('CN=broken');
    } finally {
      await g.db.pool.query(`UPDATE engine.users SET directory_groups_json = '["CN=Initech Support,OU=Groups,DC=acme,DC=local"]' WHERE username = 'dave'`);
    }
  });
});

describe('directory providers (admin only)', () => {
  const PROVIDERS = `query($where: DirectoryProviderWhere) { directoryProviders(first: 10, where: $where) { totalCount edges { node {
    id name enabled priority useLdaps serverUrls hostOverrides bindDn bindPasswordSet kerberosKeytabSet lastSyncAt
    groupMappings { groupDn role } siteMappings { label position groupDns siteIds sites { name } } } } } }`;

  it('returns providers with their group and site mappings', async () => {
    const result = await q('admin', PROVIDERS);
    expect(result.errors).toBeUndefined();
    expect(result.data.directoryProviders.totalCount).toBe(1);
    const provider = result.data.directoryProviders.edges[0].node;
    expect(provider).toMatchObject({
      name: 'ACME Active Directory',
      enabled: true,
      useLdaps: true,
      bindPasswordSet: true,
      kerberosKeytabSet: true,
      serverUrls: ['ldaps://dc01.acme.local:636', 'ldaps://dc02.acme.local:636'],
      hostOverrides: { 'dc01.acme.local': '10.10.0.10', 'dc02.acme.local': '10.10.0.11' },
    });
    expect(provider.groupMappings.map((m: any) => m.role)).toEqual(['Admin', 'User', 'User']);
    expect(provider.siteMappings.map((m: any) => m.position)).toEqual([0, 1]);
    expect(provider.siteMappings[0].sites.map((s: any) => s.name)).toEqual(['Acme HQ', 'Acme Branch Office']);
    expect(provider.siteMappings[0].siteIds).toEqual([siteIdByName['Acme HQ'], siteIdByName['Acme Branch Office']]);
    expect(provider.siteMappings[1]).toMatchObject({ label: 'Initech support desk', groupDns: ['CN=Initech Support,OU=Groups,DC=acme,DC=local'] });
    expect((await q('admin', PROVIDERS, { where: { enabled: false } })).data.directoryProviders.totalCount).toBe(0);
    expect((await q('admin', PROVIDERS, { where: { name: { contains: 'acme' } } })).data.directoryProviders.totalCount).toBe(1);
  });

  it('Users get FORBIDDEN; node(id:) of a provider is null for them', async () => {
    const id = (await q('admin', PROVIDERS)).data.directoryProviders.edges[0].node.id;
    for (const who of ['alice', 'bob', 'carol'] as const) {
      const result = await q(who, PROVIDERS);
      expect(result.data).toBeNull();
      expect(result.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(await q(who, `query($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ data: { node: null } });
    }
    expect((await q('admin', `query($id: ID!) { node(id: $id) { ... on DirectoryProvider { name } } }`, { id })).data.node.name).toBe('ACME Active Directory');
  });
});

describe('me', () => {
  const ME = `{ me { databaseId username displayName role isAdmin allSites authMethod sites { name } passkeys { label } } }`;

  it('describes the signed-in operator and the sites in scope', async () => {
    const alice = await q('alice', ME);
    expect(alice.errors).toBeUndefined();
    expect(alice.data.me).toMatchObject({ username: 'alice', displayName: 'Alice Anders', role: 'USER', isAdmin: false, allSites: false, sites: [{ name: 'Acme HQ' }], passkeys: [] });
    expect((await q('bob', ME)).data.me.sites).toEqual([{ name: 'Acme Branch Office' }, { name: 'Globex Plant' }]);
    expect((await q('carol', ME)).data.me).toMatchObject({ username: 'carol', sites: [], allSites: false });
    const admin = (await q('admin', ME)).data.me;
    expect(admin).toMatchObject({ role: 'ADMIN', isAdmin: true, allSites: true, passkeys: [{ label: 'YubiKey 5C NFC' }] });
    expect(admin.sites.map((s: any) => s.name)).toEqual((await rows('SELECT name FROM engine.sites ORDER BY name')).map((r) => r.name));
    expect(admin.databaseId).toBe((await rows(`SELECT id::text FROM engine.users WHERE username = 'admin'`))[0].id);
  });

  it('is UNAUTHENTICATED without a caller', async () => {
    const result = await q(null, ME);
    expect(result.data).toBeNull();
    expect(result.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('operator secrets never leave the database', () => {
  it('no password hash, MFA seed, passkey material or directory secret appears when every field is selected', async () => {
    const secrets: string[] = [];
    for (const r of await rows('SELECT password_sha512, mfa_secret FROM engine.users')) secrets.push(r.password_sha512, r.mfa_secret);
    for (const r of await rows('SELECT credential_id, public_key, aaguid, credential_lookup_hmac, secret_encrypted FROM engine.user_passkeys')) {
      secrets.push(r.credential_id, r.public_key, r.aaguid, r.credential_lookup_hmac, r.secret_encrypted);
    }
    for (const r of await rows('SELECT bind_password_encrypted, kerberos_keytab_encrypted FROM engine.directory_providers')) {
      secrets.push(r.bind_password_encrypted, r.kerberos_keytab_encrypted);
    }
    const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
    expect(values.length).toBeGreaterThanOrEqual(14);

    const queries = [
      `{ users(first: 50) { edges { node { ${selection('User', 2)} } } } }`,
      `{ directoryProviders(first: 10) { edges { node { ${selection('DirectoryProvider', 2)} } } } }`,
      `{ me { ${selection('CurrentOperator', 1)} } }`,
    ];
    // The selections do reach every type of this domain.
    const all = queries.join(' ');
    for (const [type, field] of [['Passkey', 'transports'], ['DirectoryGroupMapping', 'groupDn'], ['DirectorySiteMapping', 'groupDns'], ['UserSiteAssignment', 'assignedAt']]) {
      expect(all, type).toContain(field);
    }
    for (const query of queries) {
      const result = await q('admin', query);
      expect(result.errors, query).toBeUndefined();
      const text = JSON.stringify(result);
      expect(text.length).toBeGreaterThan(200);
      for (const value of values) expect(text).not.toContain(value);
      // sign_count lives in the secret envelope too.
      expect(text).not.toContain('4242');
    }
  });
});
