/**
 * Stored credentials (engine.credentials), admin only: the descriptive fields. The secret columns
 * (password, private key, passphrase, become password: `*_encrypted`, Aegis envelopes) are never
 * returned; a `...Set` flag only says whether one is stored. Also the credential of a scheduled job.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { byId } from '../../access/batch.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { parseBigId } from '../../graphql/ids.js';
import { bigIdWhere, defineOrder, IdFilter, siteIdsWhere, StringFilter, stringWhere } from '../../graphql/inputs.js';
import { siteOf, SiteNode } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate, parseStoredJson } from '../../graphql/values.js';

/** Credentials by id (scheduled_jobs.credential_id is an int4 without FK). Admin only, in SQL. */
export const credentialById = byId('Credential');

const isSet = (value: Uint8Array | null) => value !== null && value.length > 0;

export const CredentialNode = builder.prismaNode('Credential', {
  id: { field: 'id' },
  nullable: true,
  description: 'A stored credential for remote execution (SSH / WinRM). Admin only; secret values are never returned.',
  findUnique: (id, ctx) => uniqueInScope('Credential', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (c) => c.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    credentialType: t.exposeString('credentialType', { description: 'machine, domain, ...' }),
    connectionType: t.exposeString('connectionType', { description: 'ssh or winrm.' }),
    username: t.exposeString('username', { nullable: true }),
    becomeMethod: t.exposeString('becomeMethod', { nullable: true }),
    becomeUsername: t.exposeString('becomeUsername', { nullable: true }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (c) => storedJson(c.metadataJson, 'credentials.metadata_json') }),
    passwordSet: t.boolean({ resolve: (c) => isSet(c.passwordEncrypted) }),
    privateKeySet: t.boolean({ resolve: (c) => isSet(c.privateKeyEncrypted) }),
    privateKeyPassphraseSet: t.boolean({ resolve: (c) => isSet(c.privateKeyPassphraseEncrypted) }),
    becomePasswordSet: t.boolean({ resolve: (c) => isSet(c.becomePasswordEncrypted) }),
    secretsResetRequired: t.boolean({
      description: 'metadata aegis_secret_state = reset_required: an Aegis force reset destroyed a secret that must be re-entered.',
      resolve: (c) => {
        const parsed = parseStoredJson(c.metadataJson);
        const value = parsed.ok ? parsed.value : null;
        return typeof value === 'object' && value !== null && (value as Record<string, unknown>).aegis_secret_state === 'reset_required';
      },
    }),
    site: t.field({
      type: SiteNode,
      nullable: true,
      resolve: (c, _args, ctx) => siteOf(c.siteId, ctx),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => epochToDate(c.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => epochToDate(c.updatedAt) }),
  }),
});

const CredentialWhere = builder.inputType('CredentialWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    credentialType: t.field({ type: StringFilter }),
    connectionType: t.field({ type: StringFilter }),
    username: t.field({ type: StringFilter }),
    siteIds: t.idList({ description: 'Credentials of any of these sites.' }),
    unassigned: t.boolean({ description: 'Only credentials without a site (true) or with one (false).' }),
  }),
});

const credentialOrder = defineOrder(
  'Credential',
  { NAME: 'name', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', CONNECTION_TYPE: 'connectionType', ID: 'id' },
  'id',
);

function credentialsWhere(where: typeof CredentialWhere.$inferInput | null | undefined): Prisma.CredentialWhereInput {
  const conditions: Prisma.CredentialWhereInput[] = [
    {
      id: bigIdWhere(where?.id),
      name: stringWhere(where?.name),
      credentialType: stringWhere(where?.credentialType),
      connectionType: stringWhere(where?.connectionType),
      username: stringWhere(where?.username),
    },
  ];
  if (where?.siteIds) conditions.push({ siteId: siteIdsWhere(where.siteIds) });
  if (where?.unassigned != null) conditions.push({ siteId: where.unassigned ? null : { not: null } });
  return { AND: conditions };
}

builder.queryField('credentials', (t) =>
  listConnection(t, {
    type: 'Credential',
    cursor: 'id',
    description: 'Stored credentials (descriptive fields only), by name by default. Admin only.',
    filter: CredentialWhere,
    where: ruled('Credential', credentialsWhere),
    order: credentialOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.credential,
    authScopes: { admin: true },
  }),
);

// The credential a scheduled job runs with (jobs.ts defines ScheduledJob).
builder.prismaObjectField('ScheduledJob', 'credential', (t) =>
  t.field({
    type: CredentialNode,
    nullable: true,
    description: 'The stored credential this job runs with (scheduled_jobs.credential_id). Admin only.',
    authScopes: { admin: true },
    resolve: (job, _args, ctx) => (job.credentialId === null ? null : ctx.loaders.use(credentialById).load(job.credentialId)),
  }),
);
