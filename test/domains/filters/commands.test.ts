/** Device filter and list view commands: rows as Borealis writes them, site rows, scope, nothing written on refusal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDeviceFilter,
  createDeviceListView,
  deleteDeviceListView,
  setDeviceFilterArchived,
  updateDeviceFilter,
  updateDeviceListView,
} from '../../../src/domains/filters/commands.js';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { commandContexts, one, refusal, siteIdsByName } from '../../support/config-commands.js';
import { auditLines, snapshot } from '../../support/mutations.js';

let seeded: SeededGateway;
let ctx: ReturnType<typeof commandContexts>;
let sid: (name: string) => number;
const FILTER_TABLES = ['engine.device_filters', 'engine.device_filter_sites'];
const basic = { groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Server' }] }] };

beforeAll(async () => {
  seeded = await createSeededGateway({ devices: 30 });
  ctx = commandContexts(seeded);
  sid = await siteIdsByName(seeded);
});
afterAll(async () => {
  await ctx?.close();
  await seeded?.close();
});

describe('device filters', () => {
  it('creates the filter and its site rows as Borealis stores them, with one audit line', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { filterId } = await createDeviceFilter(ctx.as('bob'), {
      name: 'Globex servers',
      description: 'Servers\n at the plant',
      siteMode: 'specific_sites',
      siteIds: [sid('Globex Plant')],
      basicCriteria: basic,
    });
    const row = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.device_filters WHERE id = $1', [filterId]);
    expect(row).toMatchObject({
      name: 'Globex servers',
      description: 'Servers at the plant',
      archived: 0,
      criteria_mode: 'basic',
      site_mode: 'specific_sites',
      basic_criteria_json: '{"groups": [{"conditions": [{"field": "device_type", "operator": "equals", "value": "Server"}], "join": "AND"}], "join": "AND"}',
      advanced_criteria_json: null,
      last_edited_by: 'bob',
    });
    expect(row.created_at).toBeGreaterThanOrEqual(before);
    expect(row.updated_at).toBe(row.created_at);
    const { rows } = await seeded.db.pool.query('SELECT filter_id, site_id FROM engine.device_filter_sites WHERE filter_id = $1', [filterId]);
    expect(rows).toEqual([{ filter_id: Number(filterId), site_id: sid('Globex Plant') }]);
    expect(auditLines(ctx.as('bob').lines).at(-1)?.audit).toMatchObject({ action: 'deviceFilter.create', actor: { username: 'bob' }, rows: [{ table: 'engine.device_filters', key: { id: filterId }, change: 'insert' }] });
  });

  it('refuses, writing nothing: a global filter from a User, another site, missing criteria, a taken name, an unknown site', async () => {
    const tables = await snapshot(seeded.db.pool, FILTER_TABLES);
    await refusal(createDeviceFilter(ctx.as('alice'), { name: 'x', basicCriteria: basic }), 'FORBIDDEN');
    await refusal(createDeviceFilter(ctx.as('alice'), { name: 'x', siteMode: 'specific_sites', siteIds: [sid('Globex Plant')], basicCriteria: basic }), 'VALIDATION_FAILED');
    const missing = await refusal(createDeviceFilter(ctx.as('admin'), { name: 'x', criteriaMode: 'advanced', basicCriteria: basic }), 'VALIDATION_FAILED');
    expect(missing.problems.map((p) => p.path)).toEqual([['advancedCriteria']]);
    await refusal(createDeviceFilter(ctx.as('admin'), { name: 'x', basicCriteria: { groups: [] } }), 'VALIDATION_FAILED');
    await refusal(createDeviceFilter(ctx.as('admin'), { name: 'All Windows Servers', basicCriteria: basic }), 'CONFLICT');
    const site = await refusal(createDeviceFilter(ctx.as('admin'), { name: 'x', siteMode: 'specific_sites', siteIds: [999999], basicCriteria: basic }), 'VALIDATION_FAILED');
    expect(site.problems).toEqual([{ path: ['siteIds', 0], message: 'No site with this id.' }]);
    expect(await snapshot(seeded.db.pool, FILTER_TABLES)).toEqual(tables);
  });

  it('updates and archives; a User cannot change a filter shared with another site (FORBIDDEN) or see a global one (NOT_FOUND)', async () => {
    const acme = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.device_filters WHERE name = 'Acme Workstations'");
    const global = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.device_filters WHERE name = 'All Windows Servers'");
    const tables = await snapshot(seeded.db.pool, FILTER_TABLES);
    await refusal(updateDeviceFilter(ctx.as('alice'), { id: acme.id, description: 'mine' }), 'FORBIDDEN');
    const hidden = await refusal(updateDeviceFilter(ctx.as('alice'), { id: global.id, description: 'mine' }), 'NOT_FOUND');
    const missing = await refusal(updateDeviceFilter(ctx.as('alice'), { id: 999999, description: 'mine' }), 'NOT_FOUND');
    expect(hidden.message).toBe(missing.message);
    await refusal(setDeviceFilterArchived(ctx.as('carol'), { id: acme.id, archived: true }), 'NOT_FOUND');
    expect(await snapshot(seeded.db.pool, FILTER_TABLES)).toEqual(tables);

    await updateDeviceFilter(ctx.as('admin'), { id: acme.id, siteIds: [sid('Acme HQ')], criteriaMode: 'advanced', advancedCriteria: { rules: [{ field: 'status', operator: 'equals', value: 'active' }] } });
    const row = await one<Record<string, unknown>>(seeded, 'SELECT criteria_mode, advanced_criteria_json, basic_criteria_json, last_edited_by FROM engine.device_filters WHERE id = $1', [acme.id]);
    expect(row).toMatchObject({ criteria_mode: 'advanced', advanced_criteria_json: '{"match": "all", "rules": [{"field": "status", "operator": "equals", "value": "active"}]}', last_edited_by: 'admin' });
    expect(row.basic_criteria_json).toContain('Workstation');
    // Now Acme HQ only: alice may change and archive it.
    await setDeviceFilterArchived(ctx.as('alice'), { id: acme.id, archived: true });
    expect(await one(seeded, 'SELECT archived, last_edited_by FROM engine.device_filters WHERE id = $1', [acme.id])).toEqual({ archived: 1, last_edited_by: 'alice' });
    const { rows } = await seeded.db.pool.query('SELECT site_id FROM engine.device_filter_sites WHERE filter_id = $1', [acme.id]);
    expect(rows).toEqual([{ site_id: sid('Acme HQ') }]);
  });
});

describe('device list views', () => {
  it('creates, updates and deletes a view with JSON text columns', async () => {
    const { viewId } = await createDeviceListView(ctx.as('carol'), { name: 'Mine', columns: ['hostname', 'site'], filters: { status: { filterType: 'set', values: ['Online'] } } });
    expect(await one(seeded, 'SELECT name, columns_json, filters_json FROM engine.device_list_views WHERE id = $1', [viewId])).toEqual({
      name: 'Mine',
      columns_json: '["hostname", "site"]',
      filters_json: '{"status": {"filterType": "set", "values": ["Online"]}}',
    });
    await updateDeviceListView(ctx.as('alice'), { id: viewId, filters: null, columns: ['hostname'] });
    expect(await one(seeded, 'SELECT name, columns_json, filters_json FROM engine.device_list_views WHERE id = $1', [viewId])).toEqual({ name: 'Mine', columns_json: '["hostname"]', filters_json: null });
    await refusal(createDeviceListView(ctx.as('alice'), { name: 'Default', columns: ['hostname'] }), 'CONFLICT');
    await refusal(createDeviceListView(ctx.as('alice'), { name: 'Empty', columns: [] }), 'VALIDATION_FAILED');
    await deleteDeviceListView(ctx.as('alice'), { id: viewId });
    await refusal(deleteDeviceListView(ctx.as('alice'), { id: viewId }), 'NOT_FOUND');
    await refusal(updateDeviceListView(ctx.as('alice'), { id: viewId, name: 'x' }), 'NOT_FOUND');
  });
});
