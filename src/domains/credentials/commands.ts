/**
 * Credential commands (admin only, like every credential read): descriptive fields only. Secret
 * material (passwords, private keys, passphrases, become passwords) is encrypted at rest by the
 * Borealis engine with Aegis; the gateway never accepts it, never writes the `*_encrypted`
 * columns, and refuses any attempt with SECRET_NOT_ACCEPTED before anything else is checked.
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { epochNow, parseInput, run, writeCommand, type AuditRow, type CommandContext } from '../commands.js';
import { databaseId, descriptionSchema, forbidden, nameSchema, pythonJson, refuseProblems, storedJsonObject, uniqueName, unknownSites } from '../config-commands.js';
import { DomainError, notFound } from '../errors.js';

/** The secret inputs a client might send (GraphQL keeps them so that the refusal is explicit). */
export const SECRET_FIELDS = ['password', 'privateKey', 'privateKeyPassphrase', 'becomePassword'] as const;
/** Metadata keys that would smuggle secret material (or Aegis's own bookkeeping) into `metadata_json`. */
const SECRET_KEY = /(password|passphrase|secret|private_?key|token|aegis)/i;

export const SECRET_NOT_ACCEPTED_MESSAGE =
  'Secret material is encrypted by the Borealis engine (Aegis) and is never accepted by the gateway: ' +
  'enter passwords and keys in the Borealis web interface.';

/** SECRET_NOT_ACCEPTED when any secret input is present or a metadata key names one (values never echoed). */
function refuseSecrets(input: Record<string, unknown>): void {
  const fields = SECRET_FIELDS.filter((field) => input[field] !== undefined && input[field] !== null);
  const metadata = input.metadata;
  const keys = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? Object.keys(metadata).filter((key) => SECRET_KEY.test(key)) : [];
  if (fields.length === 0 && keys.length === 0) return;
  const named = [...fields, ...keys.map((key) => `metadata.${key}`)].join(', ');
  throw new DomainError('SECRET_NOT_ACCEPTED', `${SECRET_NOT_ACCEPTED_MESSAGE} (refused: ${named})`, [
    ...fields.map((field) => ({ path: [field], message: 'secret material is not accepted' })),
    ...keys.map((key) => ({ path: ['metadata', key], message: 'secret material is not accepted' })),
  ]);
}

const credentialFields = {
  name: nameSchema,
  description: descriptionSchema,
  siteId: databaseId.nullish(),
  credentialType: z.enum(['machine', 'domain', 'token', 'api']),
  connectionType: z.enum(['ssh', 'winrm']),
  username: z.string().trim().max(256).nullish(),
  becomeMethod: z.enum(['sudo', 'su', 'doas', 'runas']).nullish(),
  becomeUsername: z.string().trim().max(256).nullish(),
  /** Non-secret connection settings (`metadata_json`), e.g. `{"ssh_port": 22}`. */
  metadata: z.record(z.string().max(100), z.unknown()).nullish(),
};
const createCredentialInput = z.object({
  ...credentialFields,
  credentialType: credentialFields.credentialType.default('machine'),
  connectionType: credentialFields.connectionType.default('ssh'),
});
const updateCredentialInput = z.object({ id: databaseId }).extend(z.object(credentialFields).partial().shape);

type SecretCarrying<T> = T & Partial<Record<(typeof SECRET_FIELDS)[number], unknown>>;

const credentialAudit = (id: number, change: AuditRow['change']): AuditRow[] => [{ table: 'engine.credentials', key: { id }, change }];

function requireAdmin(ctx: CommandContext) {
  if (!ctx.identity.isAdmin) throw forbidden('Only administrators manage credentials.');
}

/** Creates a credential without secrets (the `*_encrypted` columns stay NULL until entered in Borealis). */
export async function createCredential(ctx: CommandContext, input: SecretCarrying<z.input<typeof createCredentialInput>>): Promise<{ credentialId: number }> {
  requireAdmin(ctx);
  refuseSecrets(input);
  const values = parseInput(createCredentialInput, input);
  return uniqueName('credential', values.name, () =>
    writeCommand(ctx, 'credential.create', async (tx) => {
      refuseProblems(values.siteId ? (await unknownSites(tx, [values.siteId])).map(() => ({ path: ['siteId'], message: 'No site with this id.' })) : []);
      const now = epochNow();
      const { rows } = await run<{ id: string }>(
        tx,
        Prisma.sql`INSERT INTO engine.credentials
                     (name, description, site_id, credential_type, connection_type, username, become_method, become_username, metadata_json, created_at, updated_at)
                   VALUES (${values.name}, ${values.description ?? null}, ${values.siteId ?? null}, ${values.credentialType}, ${values.connectionType},
                           ${values.username ?? null}, ${values.becomeMethod ?? null}, ${values.becomeUsername ?? null},
                           ${values.metadata ? pythonJson(values.metadata) : null}, ${now}, ${now})
                   RETURNING id::text AS id`,
      );
      const credentialId = Number(rows[0]!.id);
      return { result: { credentialId }, rows: credentialAudit(credentialId, 'insert') };
    }),
  );
}

/**
 * Changes the given descriptive fields. A new `metadata` replaces the stored one but keeps the
 * engine's `aegis_secret_state` marker (it records whether secrets must be re-entered).
 */
export async function updateCredential(ctx: CommandContext, input: SecretCarrying<z.input<typeof updateCredentialInput>>): Promise<{ credentialId: number }> {
  requireAdmin(ctx);
  refuseSecrets(input);
  const { id, ...patch } = parseInput(updateCredentialInput, input);
  return uniqueName('credential', patch.name ?? '', () =>
    writeCommand(ctx, 'credential.update', async (tx) => {
      const { rows } = await run<{ metadata_json: string | null }>(tx, Prisma.sql`SELECT metadata_json FROM engine.credentials WHERE id = ${id} FOR UPDATE`);
      if (!rows[0]) throw notFound('Credential');
      if (patch.siteId) refuseProblems((await unknownSites(tx, [patch.siteId])).map(() => ({ path: ['siteId'], message: 'No site with this id.' })));
      const set: Prisma.Sql[] = [];
      const column = (name: string, value: unknown) => set.push(Prisma.sql`${Prisma.raw(name)} = ${value}`);
      if (patch.name !== undefined) column('name', patch.name);
      if (patch.description !== undefined) column('description', patch.description);
      if (patch.siteId !== undefined) column('site_id', patch.siteId);
      if (patch.credentialType !== undefined) column('credential_type', patch.credentialType);
      if (patch.connectionType !== undefined) column('connection_type', patch.connectionType);
      if (patch.username !== undefined) column('username', patch.username);
      if (patch.becomeMethod !== undefined) column('become_method', patch.becomeMethod);
      if (patch.becomeUsername !== undefined) column('become_username', patch.becomeUsername);
      if (patch.metadata !== undefined) column('metadata_json', mergedMetadata(rows[0].metadata_json, patch.metadata));
      column('updated_at', epochNow());
      await run(tx, Prisma.sql`UPDATE engine.credentials SET ${Prisma.join(set, ', ')} WHERE id = ${id}`);
      return { result: { credentialId: id }, rows: credentialAudit(id, 'update') };
    }),
  );
}

function mergedMetadata(stored: string | null, next: Record<string, unknown> | null): string | null {
  const state = storedJsonObject(stored).aegis_secret_state;
  const merged = { ...(next ?? {}), ...(state === undefined ? {} : { aegis_secret_state: state }) };
  return next === null && state === undefined ? null : pythonJson(merged);
}
