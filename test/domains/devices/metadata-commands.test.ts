/** Metadata field commands: base64 values with the heartbeat-sync columns, definitions, scope. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDeviceMetadataValue, setMetadataFieldDefinition } from '../../../src/domains/devices/commands.js';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { commandContexts, deviceIn, one, refusal, siteIdsByName } from '../../support/config-commands.js';
import { snapshot } from '../../support/mutations.js';

let seeded: SeededGateway;
let ctx: ReturnType<typeof commandContexts>;
let sid: (name: string) => number;

beforeAll(async () => {
  seeded = await createSeededGateway({ devices: 30 });
  ctx = commandContexts(seeded);
  sid = await siteIdsByName(seeded);
});
afterAll(async () => {
  await ctx?.close();
  await seeded?.close();
});

describe('device metadata values', () => {
  it('stores the value base64-encoded with modified_at now, source engine and the operator as actor', async () => {
    const device = await deviceIn(seeded, sid('Acme HQ'));
    const before = Math.floor(Date.now() / 1000);
    const value = 'Rack 4 – Überraum';
    await setDeviceMetadataValue(ctx.as('alice'), { hostname: device.hostname, fieldNumber: 42, value });
    const row = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.device_metadata_fields WHERE device_guid = $1 AND field_number = 42', [device.guid]);
    expect(row).toMatchObject({ field_key: 'field_042', value: Buffer.from(value, 'utf8').toString('base64'), source: 'engine', actor: 'alice' });
    expect(row.modified_at).toBeGreaterThanOrEqual(before);
    expect(row.created_at).toBe(row.modified_at);
    // A blank clears the value ('' at rest), keeping the row for the agent's acknowledgement.
    await setDeviceMetadataValue(ctx.as('admin'), { hostname: device.hostname, fieldNumber: 42, value: '' });
    expect(await one(seeded, 'SELECT value, actor, created_at FROM engine.device_metadata_fields WHERE device_guid = $1 AND field_number = 42', [device.guid])).toEqual({
      value: '',
      actor: 'admin',
      created_at: row.created_at,
    });
  });

  it('updates the agent-written row whatever the case of its GUID', async () => {
    const device = await deviceIn(seeded, sid('Globex Plant'));
    await seeded.db.pool.query(
      "INSERT INTO engine.device_metadata_fields (device_guid, field_number, field_key, value, modified_at, source, actor, created_at, updated_at) VALUES (lower($1), 7, 'field_007', 'b2xk', 1, 'agent', 'agent', 1, 1)",
      [device.guid],
    );
    await setDeviceMetadataValue(ctx.as('bob'), { hostname: device.hostname, fieldNumber: 7, value: 'new' });
    const { rows } = await seeded.db.pool.query('SELECT device_guid, value, source FROM engine.device_metadata_fields WHERE upper(device_guid) = upper($1) AND field_number = 7', [device.guid]);
    expect(rows).toEqual([{ device_guid: device.guid.toLowerCase(), value: Buffer.from('new').toString('base64'), source: 'engine' }]);
  });

  it('refuses, writing nothing: another site\'s device like a missing one, field 0 and 501, 1025 characters', async () => {
    const foreign = await deviceIn(seeded, sid('Globex Plant'));
    const mine = await deviceIn(seeded, sid('Acme HQ'));
    const tables = await snapshot(seeded.db.pool, ['engine.device_metadata_fields']);
    const outOfScope = await refusal(setDeviceMetadataValue(ctx.as('alice'), { hostname: foreign.hostname, fieldNumber: 1, value: 'x' }), 'NOT_FOUND');
    const missing = await refusal(setDeviceMetadataValue(ctx.as('alice'), { hostname: 'NO-SUCH-HOST', fieldNumber: 1, value: 'x' }), 'NOT_FOUND');
    expect(outOfScope.message).toBe(missing.message);
    await refusal(setDeviceMetadataValue(ctx.as('admin'), { hostname: mine.hostname, fieldNumber: 0, value: 'x' }), 'VALIDATION_FAILED');
    await refusal(setDeviceMetadataValue(ctx.as('admin'), { hostname: mine.hostname, fieldNumber: 501, value: 'x' }), 'VALIDATION_FAILED');
    const long = await refusal(setDeviceMetadataValue(ctx.as('admin'), { hostname: mine.hostname, fieldNumber: 1, value: 'é'.repeat(1025) }), 'VALIDATION_FAILED');
    expect(long.problems[0]?.path).toEqual(['value']);
    expect(await snapshot(seeded.db.pool, ['engine.device_metadata_fields'])).toEqual(tables);
    // 1024 characters (2048 UTF-8 bytes) are accepted.
    await setDeviceMetadataValue(ctx.as('admin'), { hostname: mine.hostname, fieldNumber: 500, value: 'é'.repeat(1024) });
  });
});

describe('metadata field definitions', () => {
  it('upserts the description with updated_at and updated_by; admin only', async () => {
    await setMetadataFieldDefinition(ctx.as('admin'), { fieldNumber: 2, description: '  Owner / Department ' });
    await setMetadataFieldDefinition(ctx.as('admin'), { fieldNumber: 77, description: 'Cost centre' });
    const { rows } = await seeded.db.pool.query('SELECT field_number, description, updated_by FROM engine.metadata_field_definitions WHERE field_number IN (2, 77) ORDER BY 1');
    expect(rows).toEqual([
      { field_number: 2, description: 'Owner / Department', updated_by: 'admin' },
      { field_number: 77, description: 'Cost centre', updated_by: 'admin' },
    ]);
    const tables = await snapshot(seeded.db.pool, ['engine.metadata_field_definitions']);
    await refusal(setMetadataFieldDefinition(ctx.as('alice'), { fieldNumber: 2, description: 'x' }), 'FORBIDDEN');
    await refusal(setMetadataFieldDefinition(ctx.as('admin'), { fieldNumber: 501, description: 'x' }), 'VALIDATION_FAILED');
    expect(await snapshot(seeded.db.pool, ['engine.metadata_field_definitions'])).toEqual(tables);
  });
});
