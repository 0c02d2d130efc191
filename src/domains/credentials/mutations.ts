/** Credential mutations (admin only): descriptive fields; secret inputs exist only to be refused (docs/mutations.md). */
import { builder, type GatewaySchemaTypes } from '../../graphql/builder.js';
import { valueSet } from '../../graphql/enums.js';
import { inputLimits } from '../../graphql/input-limits.js';
import { inputKey, readAfter, withoutNulls } from '../config-mutations.js';
import { ConflictError, ForbiddenError, NotFoundError, SecretNotAcceptedError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { createCredential, SECRET_NOT_ACCEPTED_MESSAGE, updateCredential } from './commands.js';
import { CredentialNode } from './graphql.js';

const credentialKey = inputKey('Credential');
const siteKey = inputKey('Site');

const CredentialTypeEnum = valueSet('CredentialType', 'credentials.credential_type', ['machine', 'domain', 'token', 'api']);
const ConnectionTypeEnum = valueSet('CredentialConnectionType', 'credentials.connection_type', ['ssh', 'winrm']);
const BecomeMethodEnum = valueSet('CredentialBecomeMethod', 'credentials.become_method', ['sudo', 'su', 'doas', 'runas']);

const CredentialPayload = builder.objectRef<{ credentialId: number }>('CredentialPayload').implement({
  description: 'The credential a mutation saved (secret values are never returned).',
  fields: (t) => ({
    credential: t.field({ type: CredentialNode, nullable: true, resolve: (r, _a, ctx) => readAfter(ctx, 'Credential', { id: BigInt(r.credentialId) }) }),
  }),
});

const SECRET_INPUT_LIMITS = inputLimits({ maxLength: 16_384 });
const refused = `Refused with SECRET_NOT_ACCEPTED: ${SECRET_NOT_ACCEPTED_MESSAGE}`;

const credentialFields = (required: boolean) => (f: PothosSchemaTypes.InputFieldBuilder<GatewaySchemaTypes, 'InputObject'>) => ({
  name: f.string({ required, description: 'Unique name.' }),
  description: f.string(),
  siteId: f.id({ description: 'The site the credential belongs to (its `id` or `databaseId`); null: none.' }),
  credentialType: f.field({ type: CredentialTypeEnum, description: 'Default MACHINE.' }),
  connectionType: f.field({ type: ConnectionTypeEnum, description: 'Default SSH.' }),
  username: f.string(),
  becomeMethod: f.field({ type: BecomeMethodEnum }),
  becomeUsername: f.string(),
  metadata: f.field({ type: 'JSON', description: 'Non-secret connection settings, e.g. {"ssh_port": 22}. Keys naming secrets are refused.' }),
  // Long enough for a private key, so that the refusal says why rather than "too long".
  password: f.string({ description: refused, extensions: SECRET_INPUT_LIMITS }),
  privateKey: f.string({ description: refused, extensions: SECRET_INPUT_LIMITS }),
  privateKeyPassphrase: f.string({ description: refused, extensions: SECRET_INPUT_LIMITS }),
  becomePassword: f.string({ description: refused, extensions: SECRET_INPUT_LIMITS }),
});

const CLEARABLE = ['description', 'siteId', 'username', 'becomeMethod', 'becomeUsername', 'metadata'];
const ERRORS = errorTypes(SecretNotAcceptedError, NotFoundError, ConflictError, ForbiddenError, ValidationFailedError);
const siteOf = (siteId: string | number | null | undefined) => (siteId === undefined ? {} : { siteId: siteId === null ? null : siteKey(siteId) });

builder.mutationField('createCredential', (t) =>
  t.field({
    type: CredentialPayload,
    description: 'Creates a credential from descriptive fields; its secrets are entered in Borealis (encrypted by Aegis). Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: builder.inputType('CreateCredentialInput', { fields: credentialFields(true) }), required: true }) },
    errors: ERRORS,
    resolve: (_root, { input }, ctx) =>
      createCredential(commandContext(ctx), withoutNulls({ ...input, ...siteOf(input.siteId) }, CLEARABLE) as Parameters<typeof createCredential>[1]),
  }),
);

builder.mutationField('updateCredential', (t) =>
  t.field({
    type: CredentialPayload,
    description: 'Changes descriptive fields of a credential; stored secrets are kept as they are. Admin only.',
    authScopes: { admin: true },
    args: {
      input: t.arg({
        type: builder.inputType('UpdateCredentialInput', {
          fields: (f) => ({ id: f.id({ required: true, description: 'The credential (its `id` or `databaseId`).' }), ...credentialFields(false)(f) }),
        }),
        required: true,
      }),
    },
    errors: ERRORS,
    resolve: (_root, { input }, ctx) =>
      updateCredential(commandContext(ctx), withoutNulls({ ...input, ...siteOf(input.siteId), id: credentialKey(input.id) }, CLEARABLE) as Parameters<typeof updateCredential>[1]),
  }),
);
