/** Sites and the engine-wide singletons. */
import type pg from 'pg';
import { SITES, autoApproveUntil, type SiteDef } from './catalogue.js';
import { DAY, HOUR, NOW } from './clock.js';
import { rngFor } from './random.js';
import { aegisEnvelope, pyJson } from './values.js';
import { T, Writer, inTransaction } from './writer.js';

export interface SiteRef {
  def: SiteDef;
  id: number;
  code: string;
}

export async function seedSites(pool: pg.Pool, w: Writer): Promise<SiteRef[]> {
  const rows = SITES.map((s) => {
    const rng = rngFor('site', s.name);
    const code = Array.from({ length: 8 }, () => rng.hex(4).toUpperCase()).join('-');
    return {
      name: s.name,
      description: s.description,
      created_at: NOW - s.createdDaysAgo * DAY + rng.int(0, 8 * HOUR),
      enrollment_code: code,
      auto_approve_until: s.autoApprove ? autoApproveUntil() : null,
    };
  });
  const rng = rngFor('singletons');
  return inTransaction(pool, async (client) => {
    await w.insert(client, T.sites, rows);
    await w.insert(client, T.metadataFieldDefinitions, [
      { field_number: 1, description: 'Asset Tag', updated_at: NOW - 300 * DAY, updated_by: 'admin' },
      { field_number: 2, description: 'Owner', updated_at: NOW - 300 * DAY + 42, updated_by: 'admin' },
      { field_number: 3, description: 'Warranty Expiry', updated_at: NOW - 120 * DAY, updated_by: 'alice' },
    ]);
    const salt = rng.bytes(16).toString('base64');
    await w.insert(client, T.aegisCipherState, [
      {
        id: 1,
        kdf_name: 'scrypt',
        kdf_params_json: pyJson({ dklen: 32, n: 32768, p: 1, r: 8, salt }),
        verification_token: aegisEnvelope(rng, 32),
        created_at: NOW - 380 * DAY,
        updated_at: NOW - 30 * DAY,
      },
    ]);
    // github_token has no key at all: only ever one row (Borealis deletes all rows, then inserts one).
    await w.insertGuarded(client, T.githubToken, { token: aegisEnvelope(rng, 40), reset_required: 0, reset_at: null }, null, null);
    const { rows: found } = await client.query<{ id: string; name: string; enrollment_code: string | null }>(
      'SELECT id::text AS id, name, enrollment_code FROM engine.sites WHERE name = ANY($1::text[])',
      [SITES.map((s) => s.name)],
    );
    return SITES.map((def, i) => {
      const row = found.find((r) => r.name === def.name);
      if (!row) throw new Error(`seed: site ${def.name} missing after insert`);
      return { def, id: Number(row.id), code: row.enrollment_code ?? String(rows[i]?.enrollment_code) };
    });
  });
}
