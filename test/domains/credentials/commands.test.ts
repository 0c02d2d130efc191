/** Credential commands: descriptive fields only, every attempt at secret material refused, admin only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredential, SECRET_NOT_ACCEPTED_MESSAGE, updateCredential } from '../../../src/domains/credentials/commands.js';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { commandContexts, one, refusal, siteIdsByName } from '../../support/config-commands.js';
import { snapshot } from '../../support/mutations.js';

let seeded: SeededGateway;
let ctx: ReturnType<typeof commandContexts>;
let sid: (name: string) => number;
const TABLES = ['engine.credentials'];

beforeAll(async () => {
  seeded = await createSeededGateway({ devices: 10 });
  ctx = commandContexts(seeded);
  sid = await siteIdsByName(seeded);
});
afterAll(async () => {
  await ctx?.close();
  await seeded?.close();
});

describe('credentials', () => {
  it('creates a credential with descriptive fields and NULL secret columns', async () => {
    const { credentialId } = await createCredential(ctx.as('admin'), {
      name: 'Lab WinRM',
      description: 'for lab jobs',
      siteId: sid('Umbrella Lab'),
      credentialType: 'domain',
      connectionType: 'winrm',
      username: 'UMBRELLA\\svc',
      metadata: { winrm_port: 5986, winrm_transport: 'ntlm' },
    });
    const row = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.credentials WHERE id = $1', [credentialId]);
    expect(row).toMatchObject({
      name: 'Lab WinRM',
      description: 'for lab jobs',
      site_id: sid('Umbrella Lab'),
      credential_type: 'domain',
      connection_type: 'winrm',
      username: 'UMBRELLA\\svc',
      password_encrypted: null,
      private_key_encrypted: null,
      private_key_passphrase_encrypted: null,
      become_password_encrypted: null,
      metadata_json: '{"winrm_port": 5986, "winrm_transport": "ntlm"}',
    });
  });

  it('refuses every form of secret material with SECRET_NOT_ACCEPTED and writes nothing', async () => {
    const tables = await snapshot(seeded.db.pool, TABLES);
    const existing = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.credentials WHERE name = 'ACME Domain Admin (WinRM)'");
    for (const attempt of [
      () => createCredential(ctx.as('admin'), { name: 'With password', password: 'hunter2' }),
      () => createCredential(ctx.as('admin'), { name: 'With key', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }),
      () => createCredential(ctx.as('admin'), { name: 'Hidden', metadata: { ssh_password: 'hunter2' } }),
      () => updateCredential(ctx.as('admin'), { id: existing.id, becomePassword: 'hunter2' }),
      () => updateCredential(ctx.as('admin'), { id: existing.id, privateKeyPassphrase: 'x', description: 'also valid' }),
      () => updateCredential(ctx.as('admin'), { id: existing.id, metadata: { aegis_secret_state: 'ok' } }),
    ]) {
      const error = await refusal(attempt(), 'SECRET_NOT_ACCEPTED');
      expect(error.message).toContain(SECRET_NOT_ACCEPTED_MESSAGE);
      expect(error.message).not.toContain('hunter2');
    }
    expect(await snapshot(seeded.db.pool, TABLES)).toEqual(tables);
  });

  it('updates descriptive fields, keeps the secrets and the engine\'s aegis_secret_state; Users are refused', async () => {
    const lab = await one<{ id: string; password_encrypted: Buffer }>(seeded, "SELECT id::text, password_encrypted FROM engine.credentials WHERE name = 'Umbrella Lab root (SSH)'");
    await updateCredential(ctx.as('admin'), { id: lab.id, description: 'Root on the lab hosts', metadata: { ssh_port: 2222 } });
    const row = await one<Record<string, unknown>>(seeded, 'SELECT description, metadata_json, password_encrypted FROM engine.credentials WHERE id = $1', [lab.id]);
    expect(row).toEqual({ description: 'Root on the lab hosts', metadata_json: '{"aegis_secret_state": "ok", "ssh_port": 2222}', password_encrypted: lab.password_encrypted });
    const tables = await snapshot(seeded.db.pool, TABLES);
    await refusal(updateCredential(ctx.as('alice'), { id: lab.id, description: 'x' }), 'FORBIDDEN');
    await refusal(createCredential(ctx.as('bob'), { name: 'x' }), 'FORBIDDEN');
    await refusal(updateCredential(ctx.as('admin'), { id: 999999, description: 'x' }), 'NOT_FOUND');
    await refusal(updateCredential(ctx.as('admin'), { id: lab.id, name: 'ACME Domain Admin (WinRM)' }), 'CONFLICT');
    await refusal(updateCredential(ctx.as('admin'), { id: lab.id, connectionType: 'telnet' as 'ssh' }), 'VALIDATION_FAILED');
    expect(await snapshot(seeded.db.pool, TABLES)).toEqual(tables);
  });
});
