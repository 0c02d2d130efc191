/**
 * Operators: users, their site assignments and passkeys, directory providers with their group and
 * site mappings, and `me`. Everything but `me` is admin-only (agent API sections 5 and 6): the
 * lists are `authScopes: { admin: true }`; node lookups and loaders apply the admin-only rule in SQL.
 *
 * Secrets never leave the gateway through this file: no field reads users.password_sha512,
 * users.mfa_secret, directory_providers.bind_password_encrypted / kerberos_keytab_encrypted (user
 * and provider rows are read whole, as every Pothos include-mode type is; `*Set` flags say only
 * whether a secret is stored). Passkeys are read with a `select` that never fetches their key
 * material (credential_id, public_key, sign_count, aaguid, credential_lookup_hmac, secret_encrypted).
 */
import type DataLoader from 'dataloader';
import type { GatewayContext } from '../../graphql/context.js';
import type { Prisma, User } from '../../generated/prisma/client.js';
import type { OperatorIdentity } from '../../auth/identity.js';
import { isAdminRole } from '../../auth/identity.js';
import { bigintKeys, byId, childrenBy, oneLoader } from '../../access/batch.js';
import type { LoaderFactory } from '../../access/loaders.js';
import { relationWhere, uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { requireOperator } from '../../graphql/errors.js';
import { parseBigId } from '../../graphql/ids.js';
import { bigIdWhere, defineOrder, flagWhere, IdFilter, intIdWhere, siteIdsWhere, statusWhere, StringFilter, stringWhere } from '../../graphql/inputs.js';
import { siteById, SiteNode, sitesOf } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate, flagToBoolean } from '../../graphql/values.js';

// ---------------------------------------------------------------- loaders

/** Users by id (int8; approvals and assignments hold it as int4 or text). Admin only, in SQL. */
export const userById = byId('User');

/**
 * Users by username, compared case-insensitively as Borealis does; when two rows differ only in
 * case the lowest id wins (like the sign-in lookup). Admin only, in SQL.
 */
export const userByUsername: LoaderFactory<DataLoader<string, User | null>> = (prisma, scope) =>
  oneLoader(
    (names) =>
      prisma.user.findMany({
        where: { AND: [{ username: { in: [...new Set(names)], mode: 'insensitive' } }, relationWhere('User', scope)] },
        // oneLoader keeps the last row of a key: newest first so the lowest id is kept.
        orderBy: { id: 'desc' },
      }),
    (user) => user.username,
    (name) => name.toLowerCase(),
  );

/** Site assignments of each user (user_site_assignments.user_id is int4), within the site scope. */
const assignmentsOfUser = childrenBy('UserSiteAssignment', 'userId', { orderBy: { siteId: 'asc' } });

/** The passkey columns that may leave the database; key material is never selected. */
const PASSKEY_SELECT = { id: true, userId: true, label: true, transportsJson: true, createdAt: true, lastUsedAt: true } as const;
type PasskeyRow = Prisma.UserPasskeyGetPayload<{ select: typeof PASSKEY_SELECT }>;

const passkeysOfUser = childrenBy('UserPasskey', 'userId', { select: PASSKEY_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

/** Directory providers by id (users.directory_provider_id is int4). Admin only, in SQL. */
export const directoryProviderById = byId('DirectoryProvider');

const groupMappingsOfProvider = childrenBy('DirectoryProviderGroupMapping', 'providerId', {
  orderBy: [{ role: 'asc' }, { groupDn: 'asc' }, { id: 'asc' }],
});

const siteMappingsOfProvider = childrenBy('DirectoryProviderSiteMapping', 'providerId', { orderBy: [{ position: 'asc' }, { id: 'asc' }] });

// ---------------------------------------------------------------- enums and small types

export const OperatorRoleEnum = builder.enumType('OperatorRole', {
  description: 'users.role. Borealis compares it case-insensitively; anything but admin is a User.',
  values: { ADMIN: { value: 'Admin' }, USER: { value: 'User' } } as const,
});

const Passkey = builder.objectRef<PasskeyRow>('Passkey').implement({
  description: 'A WebAuthn passkey of an operator: only what Borealis keeps in plaintext (label, transports, dates).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (p) => p.id.toString() }),
    label: t.exposeString('label', { nullable: true }),
    transports: t.field({ type: 'JSON', nullable: true, resolve: (p) => storedJson(p.transportsJson, 'user_passkeys.transports_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.createdAt) }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.lastUsedAt) }),
  }),
});

const SiteAssignment = builder.prismaObject('UserSiteAssignment', {
  description: 'A site a User may see (user_site_assignments). Admins need none.',
  fields: (t) => ({
    siteId: t.id({ resolve: (a) => String(a.siteId) }),
    assignedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => epochToDate(a.assignedAt) }),
    site: t.field({
      type: SiteNode,
      nullable: true,
      description: 'Null when the site no longer exists.',
      resolve: (a, _args, ctx) => ctx.loaders.use(siteById).load(a.siteId),
    }),
  }),
});

const GroupMapping = builder.prismaObject('DirectoryProviderGroupMapping', {
  name: 'DirectoryGroupMapping',
  description: 'A directory group that admits its members as Admin or User.',
  fields: (t) => ({
    databaseId: t.id({ resolve: (m) => m.id.toString() }),
    groupDn: t.exposeString('groupDn'),
    role: t.exposeString('role', { description: 'Admin or User (User also means "allowed group").' }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (m) => epochToDate(m.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (m) => epochToDate(m.updatedAt) }),
  }),
});

/** Site ids of a site mapping's JSON array (numbers or numeric strings); malformed -> field error. */
function mappedSiteIds(text: string): number[] {
  const value = storedJson(text, 'directory_provider_site_mappings.site_ids_json');
  if (!Array.isArray(value)) return [];
  return value.map((v) => Number(v)).filter((v) => Number.isInteger(v) && v > 0 && v <= 2147483647);
}

const SiteMapping = builder.prismaObject('DirectoryProviderSiteMapping', {
  name: 'DirectorySiteMapping',
  description: 'Directory groups whose User members get these sites (unioned across matching mappings).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (m) => m.id.toString() }),
    label: t.exposeString('label', { nullable: true }),
    position: t.exposeInt('position'),
    groupDns: t.field({ type: 'JSON', nullable: true, resolve: (m) => storedJson(m.groupDnsJson, 'directory_provider_site_mappings.group_dns_json') }),
    siteIds: t.idList({ nullable: true, description: 'site_ids_json as stored.', resolve: (m) => mappedSiteIds(m.siteIdsJson).map(String) }),
    sites: t.field({
      type: [SiteNode],
      nullable: true,
      description: 'The mapped sites that exist.',
      resolve: async (m, _args, ctx) => sitesOf(mappedSiteIds(m.siteIdsJson), ctx),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (m) => epochToDate(m.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (m) => epochToDate(m.updatedAt) }),
  }),
});

// ---------------------------------------------------------------- nodes

export const UserNode = builder.prismaNode('User', {
  id: { field: 'id' },
  nullable: true,
  description: 'A Borealis operator (engine.users). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('User', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (u) => u.id.toString() }),
    username: t.exposeString('username'),
    displayName: t.exposeString('displayName', { nullable: true }),
    role: t.exposeString('role', { description: 'As stored (Admin or User).' }),
    isAdmin: t.boolean({ resolve: (u) => isAdminRole(u.role) }),
    lastLogin: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.lastLogin) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.updatedAt) }),
    mfaEnabled: t.boolean({ resolve: (u) => flagToBoolean(u.mfaEnabled) ?? false }),
    mfaRequired: t.boolean({
      description: 'users.mfa_disabled = 0: the next sign-in asks for (or sets up) TOTP.',
      resolve: (u) => !(flagToBoolean(u.mfaDisabled) ?? false),
    }),
    authResetRequired: t.boolean({
      description: 'An Aegis force reset destroyed this operator\'s secrets; sign-in is blocked until an admin recovery.',
      resolve: (u) => flagToBoolean(u.authResetRequired) ?? false,
    }),
    authResetAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.authResetAt) }),
    authSource: t.exposeString('authSource', { description: 'local or directory.' }),
    directorySubject: t.exposeString('directorySubject', { nullable: true }),
    directoryDomain: t.exposeString('directoryDomain', { nullable: true }),
    directoryDn: t.exposeString('directoryDn', { nullable: true }),
    directoryGroups: t.field({ type: 'JSON', nullable: true, resolve: (u) => storedJson(u.directoryGroupsJson, 'users.directory_groups_json') }),
    directoryLastSyncAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.directoryLastSyncAt) }),
    directoryDisabled: t.boolean({ resolve: (u) => flagToBoolean(u.directoryDisabled) ?? false }),
    directoryDisabledAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => epochToDate(u.directoryDisabledAt) }),
    siteAssignments: t.field({
      type: [SiteAssignment],
      description: 'Rows of user_site_assignments; an Admin has none and sees every site.',
      resolve: (u, _args, ctx) => ctx.loaders.use(assignmentsOfUser).load(u.id),
    }),
    sites: t.field({
      type: [SiteNode],
      description: 'The assigned sites that exist.',
      resolve: async (u, _args, ctx) => sitesOf((await ctx.loaders.use(assignmentsOfUser).load(u.id)).map((a) => a.siteId), ctx),
    }),
    passkeys: t.field({
      type: [Passkey],
      description: 'Registered passkeys (label, transports, dates). Admin only.',
      authScopes: { admin: true },
      resolve: (u, _args, ctx) => ctx.loaders.use(passkeysOfUser).load(u.id),
    }),
  }),
});

export const DirectoryProviderNode = builder.prismaNode('DirectoryProvider', {
  id: { field: 'id' },
  nullable: true,
  description: 'An LDAP / Active Directory provider. Admin only; its bind password and keytab are never returned.',
  findUnique: (id, ctx) => uniqueInScope('DirectoryProvider', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (p) => p.id.toString() }),
    name: t.exposeString('name'),
    providerType: t.exposeString('providerType'),
    enabled: t.boolean({ resolve: (p) => flagToBoolean(p.enabled) ?? false }),
    priority: t.exposeInt('priority'),
    domainSuffix: t.exposeString('domainSuffix', { nullable: true }),
    serverUrls: t.field({ type: 'JSON', nullable: true, resolve: (p) => storedJson(p.serverUrlsJson, 'directory_providers.server_urls_json') }),
    hostOverrides: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (p) => storedJson(p.hostOverridesJson, 'directory_providers.host_overrides_json'),
    }),
    useLdaps: t.boolean({ resolve: (p) => flagToBoolean(p.useLdaps) ?? false }),
    tlsRequired: t.boolean({ resolve: (p) => flagToBoolean(p.tlsRequired) ?? false }),
    tlsCaPem: t.exposeString('tlsCaPem', { nullable: true, description: 'Extra PEM trust anchors (public certificates).' }),
    baseDn: t.exposeString('baseDn', { nullable: true }),
    bindDn: t.exposeString('bindDn', { nullable: true }),
    bindPasswordSet: t.boolean({
      description: 'Whether a bind password is stored (the value is never returned).',
      resolve: (p) => !!p.bindPasswordEncrypted,
    }),
    userSearchFilter: t.exposeString('userSearchFilter', { nullable: true }),
    usernameAttribute: t.exposeString('usernameAttribute', { nullable: true }),
    displayNameAttribute: t.exposeString('displayNameAttribute', { nullable: true }),
    emailAttribute: t.exposeString('emailAttribute', { nullable: true }),
    memberOfAttribute: t.exposeString('memberOfAttribute', { nullable: true }),
    groupSearchBaseDn: t.exposeString('groupSearchBaseDn', { nullable: true }),
    nestedGroups: t.boolean({ resolve: (p) => flagToBoolean(p.nestedGroups) ?? false }),
    kerberosRealm: t.exposeString('kerberosRealm', { nullable: true }),
    kerberosKdc: t.exposeString('kerberosKdc', { nullable: true }),
    kerberosKeytabSet: t.boolean({
      description: 'Whether a Kerberos keytab is stored (the value is never returned).',
      resolve: (p) => !!p.kerberosKeytabEncrypted,
    }),
    syncIntervalSeconds: t.exposeInt('syncIntervalSeconds'),
    lastSyncAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.lastSyncAt) }),
    lastSyncStatus: t.exposeString('lastSyncStatus', { nullable: true }),
    lastSyncMessage: t.exposeString('lastSyncMessage', { nullable: true }),
    lastTestAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.lastTestAt) }),
    lastTestStatus: t.exposeString('lastTestStatus', { nullable: true }),
    lastTestMessage: t.exposeString('lastTestMessage', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.updatedAt) }),
    groupMappings: t.field({
      type: [GroupMapping],
      resolve: (p, _args, ctx) => ctx.loaders.use(groupMappingsOfProvider).load(p.id),
    }),
    siteMappings: t.field({
      type: [SiteMapping],
      description: 'Ordered by position.',
      resolve: (p, _args, ctx) => ctx.loaders.use(siteMappingsOfProvider).load(p.id),
    }),
  }),
});

// Cross-type fields, added once both types exist.
builder.prismaObjectFields(UserNode, (t) => ({
  directoryProvider: t.field({
    type: DirectoryProviderNode,
    nullable: true,
    description: 'The provider of a directory user (users.directory_provider_id).',
    resolve: (u, _args, ctx) => (u.directoryProviderId === null ? null : ctx.loaders.use(directoryProviderById).load(u.directoryProviderId)),
  }),
}));

// ---------------------------------------------------------------- me

const CurrentOperator = builder.objectRef<OperatorIdentity>('CurrentOperator').implement({
  description: 'The signed-in operator, as re-read from engine.users for this request.',
  fields: (t) => ({
    databaseId: t.id({ resolve: (me) => me.userId.toString() }),
    username: t.exposeString('username'),
    displayName: t.string({
      nullable: true,
      resolve: async (me, _args, ctx) =>
        (await ctx.prisma.user.findUnique({ where: { id: me.userId }, select: { displayName: true } }))?.displayName ?? null,
    }),
    role: t.field({ type: OperatorRoleEnum, resolve: (me) => me.role }),
    isAdmin: t.exposeBoolean('isAdmin'),
    authMethod: t.exposeString('authMethod', { description: 'How this request proved the identity (borealis-session, jwt, ...).' }),
    allSites: t.boolean({ description: 'True for an Admin: every site, including devices without one.', resolve: (me) => me.siteIds === null }),
    sites: t.field({
      type: [SiteNode],
      description: 'The sites this operator may see, by name (every site for an Admin; none for a User without assignments).',
      resolve: (_me, _args, ctx) => ctx.prisma.site.findMany({ where: relationWhere('Site', ctx.scope), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    }),
    passkeys: t.field({
      type: [Passkey],
      description: 'This operator\'s own passkeys (label, transports, dates).',
      resolve: (me, _args, ctx) => ctx.loaders.use(passkeysOfUser).load(me.userId),
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: CurrentOperator,
    description: 'The signed-in operator: username, role and the sites in scope.',
    resolve: (_root, _args, ctx) => requireOperator(ctx),
  }),
);

// ---------------------------------------------------------------- users

const UserWhere = builder.inputType('UserWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    username: t.field({ type: StringFilter }),
    search: t.string({ description: 'Case-insensitive match on username or display name.' }),
    role: t.field({ type: [OperatorRoleEnum] }),
    authSource: t.field({ type: StringFilter, description: 'local or directory.' }),
    directoryProviderId: t.field({ type: IdFilter }),
    directoryDisabled: t.boolean(),
    authResetRequired: t.boolean(),
    siteIds: t.idList({ description: 'Users assigned to any of these sites.' }),
  }),
});

const userOrder = defineOrder(
  'User',
  { USERNAME: 'username', DISPLAY_NAME: 'displayName', LAST_LOGIN: 'lastLogin', CREATED_AT: 'createdAt', ID: 'id' },
  'id',
);

async function usersWhere(where: typeof UserWhere.$inferInput | null | undefined, ctx: GatewayContext): Promise<Prisma.UserWhereInput> {
  const conditions: Prisma.UserWhereInput[] = [];
  if (where) {
    conditions.push({
      id: bigIdWhere(where.id),
      username: stringWhere(where.username),
      role: statusWhere(where.role),
      authSource: stringWhere(where.authSource),
      directoryProviderId: intIdWhere(where.directoryProviderId, 'directoryProviderId'),
      directoryDisabled: flagWhere(where.directoryDisabled),
      authResetRequired: flagWhere(where.authResetRequired),
    });
    if (where.search) {
      const contains = { contains: where.search, mode: 'insensitive' as const };
      conditions.push({ OR: [{ username: contains }, { displayName: contains }] });
    }
    if (where.siteIds) {
      const links = await ctx.prisma.userSiteAssignment.findMany({ where: { siteId: siteIdsWhere(where.siteIds) }, select: { userId: true } });
      conditions.push({ id: { in: bigintKeys(links.map((l) => l.userId)) } });
    }
  }
  return { AND: conditions };
}

builder.queryField('users', (t) =>
  listConnection(t, {
    type: 'User',
    cursor: 'id',
    description: 'Operators (engine.users), by username by default. Admin only.',
    filter: UserWhere,
    where: ruled('User', usersWhere),
    order: userOrder,
    defaultOrder: 'USERNAME',
    delegate: (prisma) => prisma.user,
    authScopes: { admin: true },
  }),
);

// ---------------------------------------------------------------- directory providers

const DirectoryProviderWhere = builder.inputType('DirectoryProviderWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    providerType: t.field({ type: StringFilter }),
    enabled: t.boolean(),
  }),
});

const providerOrder = defineOrder('DirectoryProvider', { PRIORITY: 'priority', NAME: 'name', UPDATED_AT: 'updatedAt', ID: 'id' }, 'id');

function providersWhere(where: typeof DirectoryProviderWhere.$inferInput | null | undefined): Prisma.DirectoryProviderWhereInput {
  return {
    AND: [
      {
        id: bigIdWhere(where?.id),
        name: stringWhere(where?.name),
        providerType: stringWhere(where?.providerType),
        enabled: flagWhere(where?.enabled),
      },
    ],
  };
}

builder.queryField('directoryProviders', (t) =>
  listConnection(t, {
    type: 'DirectoryProvider',
    cursor: 'id',
    description: 'LDAP / Active Directory providers in the order sign-in tries them (priority). Admin only.',
    filter: DirectoryProviderWhere,
    where: ruled('DirectoryProvider', providersWhere),
    order: providerOrder,
    defaultOrder: 'PRIORITY',
    delegate: (prisma) => prisma.directoryProvider,
    authScopes: { admin: true },
  }),
);

