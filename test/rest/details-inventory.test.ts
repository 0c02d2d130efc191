/**
 * POST /api/agent/details: the patch inventory and software icons it writes (agent API 4.6), by a
 * real enrolled agent, in the same transaction as the device row.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHarness, enrollAgent, insertSite, SimulatedAgent, type AgentHarness } from './agent-support.js';

let harness: AgentHarness;
const agent = new SimulatedAgent('WS-PATCH-01');

beforeAll(async () => {
  harness = await createAgentHarness();
  await insertSite(harness.db, 'Tampere', 'TMP-4');
  await enrollAgent(harness, agent, 'TMP-4');
});
afterAll(async () => harness?.close());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')]);
const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const report = (details: Record<string, unknown>) => harness.call('POST', '/api/agent/details', { hostname: 'WS-PATCH-01', details: { summary: { hostname: 'WS-PATCH-01' }, ...details } }, agent.bearer);
const patchRows = async () =>
  (await harness.db.pool.query('SELECT device_guid, patch_key, kb, title, state, source, classification, severity, installed_on, published_at, captured_at, metadata_json FROM engine.device_patch_inventory WHERE device_guid = $1 ORDER BY patch_key', [agent.guid])).rows;

describe('details: patch inventory', () => {
  it('writes one normalized row per patch, field by field', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await report({
      patches: [
        { title: '2024-10 Cumulative Update for Windows 11 (KB5044284)', state: 'available', source: 'wua', classification: 'Security Updates', severity: 'Critical', published_at: '2024-10-08T17:00:00Z', metadata: { update_id: 'ABC-1', is_mandatory: true } },
        { kb: '5031356', title: 'Servicing Stack Update', state: 'installed', source: 'hotfix', installed_on: 1730000000 },
        { title: 'Defender definitions 1.419', state: 'pending', metadata: { update_id: 'DEF-9', revision_number: 200 } },
        { title: 'Duplicate of the cumulative update', kb: 'KB5044284', state: 'ready' },
        { state: 'pending' },
        'not an object',
      ],
    });
    expect(response).toMatchObject({ status: 200, json: { status: 'ok' } });
    const rows = await patchRows();
    expect(rows.map((r) => r.patch_key)).toEqual(['kb:KB5031356:state:installed', 'kb:KB5044284:state:pending', 'update:def-9:200:state:pending']);
    const [stack, cumulative, defender] = rows;
    expect(cumulative).toMatchObject({
      device_guid: agent.guid, kb: 'KB5044284', title: '2024-10 Cumulative Update for Windows 11 (KB5044284)', state: 'pending', source: 'wua_pending',
      classification: 'Security Updates', severity: 'Critical', installed_on: null, published_at: Date.parse('2024-10-08T17:00:00Z') / 1000,
    });
    expect(JSON.parse(cumulative.metadata_json)).toEqual({ update_id: 'ABC-1', is_mandatory: true });
    expect(stack).toMatchObject({ kb: 'KB5031356', title: 'Servicing Stack Update', state: 'installed', source: 'quick_fix_engineering', installed_on: 1730000000, published_at: null, metadata_json: null });
    expect(defender).toMatchObject({ kb: null, title: 'Defender definitions 1.419', source: 'wua_pending', classification: null, severity: null });
    for (const row of rows) expect(row.captured_at).toBeGreaterThanOrEqual(before);
  });

  it('a report without patches leaves the stored rows; an empty list clears them', async () => {
    const stored = await patchRows();
    expect(stored).toHaveLength(3);
    expect((await report({ software: [{ name: 'Firefox', version: '131.0' }] })).status).toBe(200);
    expect(await patchRows()).toEqual(stored);
    expect((await report({ patches: [] })).status).toBe(200);
    expect(await patchRows()).toEqual([]);
  });
});

describe('details: software icons', () => {
  it('upserts valid icons by SHA-256 and skips non-images, bad base64 and oversized ones without failing', async () => {
    const oversized = Buffer.concat([PNG, Buffer.alloc(512 * 1024)]);
    const response = await report({
      software_icon_payloads: [
        { data_base64: PNG.toString('base64'), mime_type: 'image/png' },
        { icon_data_base64: SVG.toString('base64') },
        { data_base64: Buffer.from('MZ\x90\x00 an executable').toString('base64'), mime_type: 'image/png' },
        { data_base64: oversized.toString('base64') },
        { data_base64: '%%% not base64 %%%' },
        { data_base64: PNG.toString('base64') },
      ],
    });
    expect(response).toMatchObject({ status: 200, json: { status: 'ok' } });
    const { rows } = await harness.db.pool.query('SELECT icon_hash, mime_type, icon_bytes, byte_size, created_at, updated_at FROM engine.software_icon_assets ORDER BY mime_type');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ icon_hash: sha256(PNG), mime_type: 'image/png', byte_size: PNG.length });
    expect(Buffer.compare(rows[0].icon_bytes, PNG)).toBe(0);
    expect(rows[1]).toMatchObject({ icon_hash: sha256(SVG), mime_type: 'image/svg+xml', byte_size: SVG.length });
    expect(rows[0].created_at).toBe(rows[0].updated_at);
  });

  it('a failure in the last write leaves nothing of the report', async () => {
    await report({ patches: [{ kb: 'KB5000001', title: 'Kept update' }], software: [{ name: 'Kept app' }] });
    await harness.db.pool.query(`CREATE FUNCTION engine.refuse_icons() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'icon store down'; END $$`);
    await harness.db.pool.query('CREATE TRIGGER refuse_icons BEFORE INSERT ON engine.software_icon_assets FOR EACH ROW EXECUTE FUNCTION engine.refuse_icons()');
    try {
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
      const response = await report({ patches: [{ kb: 'KB5999999', title: 'Lost update' }], software: [{ name: 'Lost app' }], software_icon_payloads: [{ data_base64: jpeg.toString('base64') }] });
      expect(response.status).toBeGreaterThanOrEqual(500);
    } finally {
      await harness.db.pool.query('DROP TRIGGER refuse_icons ON engine.software_icon_assets; DROP FUNCTION engine.refuse_icons()');
    }
    expect((await patchRows()).map((r) => r.kb)).toEqual(['KB5000001']);
    const software = await harness.db.pool.query('SELECT name FROM engine.device_software_inventory WHERE device_guid = $1', [agent.guid]);
    expect(software.rows).toEqual([{ name: 'Kept app' }]);
    expect(JSON.parse((await harness.db.pool.query('SELECT software FROM engine.devices WHERE guid = $1', [agent.guid])).rows[0].software)).toEqual([{ name: 'Kept app' }]);
  });
});
