/**
 * Agent metadata field commands: the global field descriptions (Field 001..500) and a device's
 * field values, written so that the agent heartbeat sync (agent API 4.4) takes them: values
 * base64 at rest, `modified_at` = now (newer than the agent's copy wins), `source = 'engine'`,
 * `actor` = the operator. A blank value is stored as '' (a clear the agent acknowledges), not
 * deleted.
 */
import { z } from 'zod';
import { ruleSql } from '../../access/rules.js';
import { Prisma } from '../../generated/prisma/client.js';
import { epochNow, parseInput, run, writeCommand, type CommandContext } from '../commands.js';
import { forbidden, hostnameSchema } from '../config-commands.js';
import { notFound } from '../errors.js';

export const METADATA_FIELD_COUNT = 500;
/** Borealis caps a value at 1024 decoded characters. */
export const METADATA_VALUE_MAX_CHARACTERS = 1024;

const fieldNumber = z.number().int().min(1, 'must be 1 to 500').max(METADATA_FIELD_COUNT, 'must be 1 to 500');
/** `field_001` ... `field_500`, the key the agent reports. */
export const metadataFieldKey = (field: number) => `field_${String(field).padStart(3, '0')}`;

const definitionInput = z.object({ fieldNumber, description: z.string().max(200).transform((text) => text.trim()) });

/**
 * Sets the description of a field for every device (admin only: the labels are shared by all
 * sites). Upserts `metadata_field_definitions` (`updated_at` epoch, `updated_by`); an empty
 * description falls back to the default label ("Field 001").
 */
export async function setMetadataFieldDefinition(ctx: CommandContext, input: z.input<typeof definitionInput>): Promise<{ fieldNumber: number }> {
  if (!ctx.identity.isAdmin) throw forbidden('Only administrators can describe metadata fields (the labels apply to every site).');
  const values = parseInput(definitionInput, input);
  return writeCommand(ctx, 'metadataFieldDefinition.set', async (tx) => {
    await run(
      tx,
      Prisma.sql`INSERT INTO engine.metadata_field_definitions (field_number, description, updated_at, updated_by)
                 VALUES (${values.fieldNumber}, ${values.description}, ${epochNow()}, ${ctx.identity.username})
                 ON CONFLICT (field_number) DO UPDATE SET description = EXCLUDED.description, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    );
    return { result: { fieldNumber: values.fieldNumber }, rows: [{ table: 'engine.metadata_field_definitions', key: { field_number: values.fieldNumber }, change: 'upsert' }] };
  });
}

const valueInput = z.object({
  hostname: hostnameSchema,
  fieldNumber,
  value: z
    .string()
    .refine((text) => [...text].length <= METADATA_VALUE_MAX_CHARACTERS, `must be at most ${METADATA_VALUE_MAX_CHARACTERS} characters`)
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters'),
});

/**
 * Sets one metadata value of a device in the operator's sites (the Device rule): upserts
 * `device_metadata_fields` keyed by the device's stored GUID and the field number.
 */
export async function setDeviceMetadataValue(ctx: CommandContext, input: z.input<typeof valueInput>): Promise<{ deviceGuid: string; fieldNumber: number }> {
  const values = parseInput(valueInput, input);
  const rule = await ruleSql('Device', ctx.scope, Prisma.raw('d'));
  return writeCommand(ctx, 'deviceMetadataField.set', async (tx) => {
    const { rows } = await run<{ guid: string }>(
      tx,
      Prisma.sql`SELECT d.guid FROM engine.devices d WHERE lower(d.hostname) = lower(${values.hostname}) AND ${rule}`,
    );
    const device = rows[0];
    if (!device) throw notFound('Device');
    const now = epochNow();
    const encoded = Buffer.from(values.value, 'utf8').toString('base64');
    const key = metadataFieldKey(values.fieldNumber);
    // The row of this device (GUIDs compare upper-case: an agent may have written another case).
    const { rowCount } = await run(
      tx,
      Prisma.sql`UPDATE engine.device_metadata_fields
                    SET field_key = ${key}, value = ${encoded}, modified_at = ${now}, source = 'engine', actor = ${ctx.identity.username}, updated_at = ${now}
                  WHERE upper(device_guid) = upper(${device.guid}) AND field_number = ${values.fieldNumber}`,
    );
    if (!rowCount) {
      await run(
        tx,
        Prisma.sql`INSERT INTO engine.device_metadata_fields (device_guid, field_number, field_key, value, modified_at, source, actor, created_at, updated_at)
                   VALUES (${device.guid}, ${values.fieldNumber}, ${key}, ${encoded}, ${now}, 'engine', ${ctx.identity.username}, ${now}, ${now})`,
      );
    }
    return {
      result: { deviceGuid: device.guid, fieldNumber: values.fieldNumber },
      rows: [{ table: 'engine.device_metadata_fields', key: { device_guid: device.guid, field_number: values.fieldNumber }, change: rowCount ? 'update' : 'insert' }],
    };
  });
}
