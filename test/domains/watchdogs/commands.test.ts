/** Watchdog commands against a seeded database: rows as Borealis writes them, scope, all-or-nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgeIncident,
  clearWatchdogOverride,
  createWatchdog,
  setWatchdogArchived,
  setWatchdogEnabled,
  setWatchdogOverride,
  updateWatchdog,
  type CreateWatchdogInput,
} from '../../../src/domains/watchdogs/commands.js';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { commandContexts, deviceIn, one, refusal, siteIdsByName } from '../../support/config-commands.js';
import { snapshot } from '../../support/mutations.js';

let seeded: SeededGateway;
let ctx: ReturnType<typeof commandContexts>;
let sid: (name: string) => number;

const WATCHDOG_TABLES = ['engine.watchdogs', 'engine.watchdog_sites', 'engine.watchdog_targets', 'engine.watchdog_device_overrides', 'engine.watchdog_incidents'];
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  seeded = await createSeededGateway({ devices: 60 });
  ctx = commandContexts(seeded);
  sid = await siteIdsByName(seeded);
});
afterAll(async () => {
  await ctx?.close();
  await seeded?.close();
});

/** An open, unacknowledged incident of the site (or, with `other`, an open one of another site). */
async function openIncident(site: string, other = false) {
  return one<{ id: string }>(
    seeded,
    `SELECT id::text FROM engine.watchdog_incidents
      WHERE state = 'open' AND (acknowledged_at IS NULL OR $2 = false) AND (site_id = $1) = $2 AND site_id IS NOT NULL ORDER BY id LIMIT 1`,
    [sid(site), !other],
  );
}

const hostIn = (site: string) => deviceIn(seeded, sid(site));

const baseWatchdog = (targets: unknown[], extra: Record<string, unknown> = {}): CreateWatchdogInput =>
  ({
    name: `Test watchdog ${Math.random().toString(36).slice(2, 8)}`,
    criteria: { rules: [{ type: 'device_offline', offline_seconds: 600 }] },
    actions: { actions: [{ type: 'notification', variant: 'warning' }] },
    targets,
    ...extra,
  }) as CreateWatchdogInput;

describe('acknowledgeIncident', () => {
  it('stamps acknowledged_at, acknowledged_by and updated_at (epoch seconds); a second call keeps the first', async () => {
    const incident = await openIncident('Acme HQ');
    const before = now();
    await acknowledgeIncident(ctx.as('alice'), { incidentId: incident.id });
    const row = await one<{ acknowledged_at: number; acknowledged_by: string; updated_at: number }>(
      seeded,
      'SELECT acknowledged_at, acknowledged_by, updated_at FROM engine.watchdog_incidents WHERE id = $1',
      [incident.id],
    );
    expect(row.acknowledged_by).toBe('alice');
    expect(row.acknowledged_at).toBeGreaterThanOrEqual(before);
    expect(row.updated_at).toBe(row.acknowledged_at);
    await acknowledgeIncident(ctx.as('admin'), { incidentId: incident.id });
    expect(await one(seeded, 'SELECT acknowledged_at, acknowledged_by, updated_at FROM engine.watchdog_incidents WHERE id = $1', [incident.id])).toEqual(row);
  });

  it('refuses another site\'s incident exactly like a missing one', async () => {
    const foreign = await openIncident('Acme HQ', true);
    const tables = await snapshot(seeded.db.pool, ['engine.watchdog_incidents']);
    const outOfScope = await refusal(acknowledgeIncident(ctx.as('alice'), { incidentId: foreign.id }), 'NOT_FOUND');
    const missing = await refusal(acknowledgeIncident(ctx.as('alice'), { incidentId: 999999 }), 'NOT_FOUND');
    expect(outOfScope.message).toBe(missing.message);
    await refusal(acknowledgeIncident(ctx.as('carol'), { incidentId: foreign.id }), 'NOT_FOUND');
    expect(await snapshot(seeded.db.pool, ['engine.watchdog_incidents'])).toEqual(tables);
  });

  it('refuses a resolved incident (CONFLICT) and a malformed id (VALIDATION_FAILED)', async () => {
    const resolved = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.watchdog_incidents WHERE state = 'resolved' ORDER BY id LIMIT 1");
    await refusal(acknowledgeIncident(ctx.as('admin'), { incidentId: resolved.id }), 'CONFLICT');
    const invalid = await refusal(acknowledgeIncident(ctx.as('admin'), { incidentId: 'abc' }), 'VALIDATION_FAILED');
    expect(invalid.problems[0]?.path).toEqual(['incidentId']);
  });
});

describe('watchdog overrides', () => {
  it('creates one override per watchdog and device, updates it on a second set, and clears it', async () => {
    const watchdog = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.watchdogs WHERE name = 'System Drive Above 90%'");
    const device = await one<{ hostname: string; guid: string }>(
      seeded,
      `SELECT d.hostname, d.guid FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
        WHERE ds.site_id = $1 AND NOT EXISTS (SELECT 1 FROM engine.watchdog_device_overrides o WHERE o.watchdog_id = $2 AND o.hostname = d.hostname)
        ORDER BY d.hostname LIMIT 1`,
      [sid('Acme HQ'), watchdog.id],
    );
    const expires = new Date(Date.now() + 3600_000);
    await setWatchdogOverride(ctx.as('alice'), { watchdogId: watchdog.id, hostname: device.hostname.toLowerCase(), state: 'suppressed', reason: 'Patch\nweekend', expiresAt: expires });
    const first = await one<Record<string, unknown>>(
      seeded,
      'SELECT id, device_guid, hostname, site_id, state, reason, created_by, created_at, expires_at, updated_at FROM engine.watchdog_device_overrides WHERE watchdog_id = $1 AND hostname = $2',
      [watchdog.id, device.hostname],
    );
    expect(first).toMatchObject({
      device_guid: device.guid.toUpperCase(),
      hostname: device.hostname,
      site_id: sid('Acme HQ'),
      state: 'suppressed',
      reason: 'Patch weekend',
      created_by: 'alice',
      expires_at: Math.floor(expires.getTime() / 1000),
    });
    await setWatchdogOverride(ctx.as('admin'), { watchdogId: watchdog.id, hostname: device.hostname, state: 'disabled', expiresAt: null });
    const second = await one<Record<string, unknown>>(
      seeded,
      'SELECT id, state, reason, created_by, expires_at FROM engine.watchdog_device_overrides WHERE watchdog_id = $1 AND hostname = $2',
      [watchdog.id, device.hostname],
    );
    expect(second).toEqual({ id: first.id, state: 'disabled', reason: null, created_by: 'alice', expires_at: null });
    await clearWatchdogOverride(ctx.as('alice'), { watchdogId: watchdog.id, hostname: device.hostname });
    const { rowCount } = await seeded.db.pool.query('SELECT 1 FROM engine.watchdog_device_overrides WHERE watchdog_id = $1 AND hostname = $2', [watchdog.id, device.hostname]);
    expect(rowCount).toBe(0);
    await refusal(clearWatchdogOverride(ctx.as('alice'), { watchdogId: watchdog.id, hostname: device.hostname }), 'NOT_FOUND');
  });

  it('refuses another site\'s device or a watchdog the User cannot see, and an expiry in the past', async () => {
    const acme = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.watchdogs WHERE name = 'System Drive Above 90%'");
    const global = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.watchdogs WHERE name = 'Server Offline > 15 min'");
    const globex = await hostIn('Globex Plant');
    const mine = await hostIn('Acme HQ');
    const tables = await snapshot(seeded.db.pool, WATCHDOG_TABLES);
    const foreignDevice = await refusal(setWatchdogOverride(ctx.as('alice'), { watchdogId: acme.id, hostname: globex.hostname, state: 'suppressed' }), 'NOT_FOUND');
    const missingDevice = await refusal(setWatchdogOverride(ctx.as('alice'), { watchdogId: acme.id, hostname: 'NO-SUCH-HOST', state: 'suppressed' }), 'NOT_FOUND');
    expect(foreignDevice.message).toBe(missingDevice.message);
    await refusal(setWatchdogOverride(ctx.as('alice'), { watchdogId: global.id, hostname: mine.hostname, state: 'suppressed' }), 'NOT_FOUND');
    await refusal(setWatchdogOverride(ctx.as('alice'), { watchdogId: acme.id, hostname: mine.hostname, state: 'muted' as never }), 'VALIDATION_FAILED');
    await refusal(setWatchdogOverride(ctx.as('alice'), { watchdogId: acme.id, hostname: mine.hostname, state: 'suppressed', expiresAt: new Date(Date.now() - 1000) }), 'VALIDATION_FAILED');
    // An override of another site's device is not the User's to clear.
    const seededOverride = await one<{ watchdog_id: number; hostname: string; site_id: number }>(
      seeded,
      'SELECT watchdog_id, hostname, site_id FROM engine.watchdog_device_overrides WHERE site_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1',
      [sid('Acme HQ')],
    );
    await refusal(clearWatchdogOverride(ctx.as('alice'), { watchdogId: seededOverride.watchdog_id, hostname: seededOverride.hostname }), 'NOT_FOUND');
    expect(await snapshot(seeded.db.pool, WATCHDOG_TABLES)).toEqual(tables);
  });
});

describe('watchdog definitions', () => {
  it('creates the watchdog row, its site rows and targets in Borealis\'s representation', async () => {
    const device = await hostIn('Globex Plant');
    const filter = await one<{ id: string; name: string }>(seeded, "SELECT id::text, name FROM engine.device_filters WHERE name = 'Linux Servers - Globex'");
    const before = now();
    const { watchdogId } = await createWatchdog(
      ctx.as('bob'),
      baseWatchdog([{ kind: 'device', hostname: device.hostname }, { kind: 'filter', filterId: filter.id }], {
        name: 'Globex  disk\nwatch',
        siteMode: 'specific_sites',
        siteIds: [sid('Globex Plant')],
        severity: 'error',
        matchMode: 'any',
      }),
    );
    const row = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.watchdogs WHERE id = $1', [watchdogId]);
    expect(row).toMatchObject({
      name: 'Globex  disk watch',
      description: '',
      archived: 0,
      enabled: 1,
      severity: 'error',
      match_mode: 'any',
      site_mode: 'specific_sites',
      criteria_json: '{"match_mode": "any", "rules": [{"id": "rule-1", "offline_seconds": 600, "type": "device_offline"}]}',
      actions_json: '{"actions": [{"id": "action-1", "type": "notification", "variant": "warning"}]}',
      evaluation_interval_seconds: 60,
      cooldown_seconds: 900,
      auto_resolve_after_seconds: 300,
      min_consecutive_matches: 1,
      boot_grace_seconds: 0,
      last_edited_by: 'bob',
      last_evaluated_at: null,
      target_device_count: 0,
    });
    expect(row.created_at).toBeGreaterThanOrEqual(before);
    expect(row.updated_at).toBe(row.created_at);
    const { rows: sites } = await seeded.db.pool.query('SELECT site_id FROM engine.watchdog_sites WHERE watchdog_id = $1', [watchdogId]);
    expect(sites).toEqual([{ site_id: sid('Globex Plant') }]);
    const { rows: targets } = await seeded.db.pool.query('SELECT kind, target_json FROM engine.watchdog_targets WHERE watchdog_id = $1 ORDER BY id', [watchdogId]);
    expect(targets).toEqual([
      {
        kind: 'device',
        target_json: `{"device_guid": "${device.guid.toLowerCase()}", "hostname": "${device.hostname}", "kind": "device", "site_id": ${sid('Globex Plant')}, "site_name": "Globex Plant"}`,
      },
      {
        kind: 'filter',
        target_json: `{"allowed_site_ids": [${[sid('Acme Branch Office'), sid('Globex Plant')].sort((a, b) => a - b).join(', ')}], "filter_id": ${filter.id}, "kind": "filter", "name": "Linux Servers - Globex"}`,
      },
    ]);
    // The new watchdog is one of bob's on read, and not alice's.
    const names = async (who: 'alice' | 'bob') =>
      (await seeded.as(who, '{ watchdogs(first: 100) { edges { node { name } } } }')).data.watchdogs.edges.map((e: { node: { name: string } }) => e.node.name);
    expect(await names('bob')).toContain('Globex  disk watch');
    expect(await names('alice')).not.toContain('Globex  disk watch');
  });

  it('refuses, writing nothing: a global watchdog from a User, another site, another site\'s target, no rules, a taken name', async () => {
    const globex = await hostIn('Globex Plant');
    const mine = await hostIn('Acme HQ');
    const tables = await snapshot(seeded.db.pool, WATCHDOG_TABLES);
    await refusal(createWatchdog(ctx.as('alice'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }])), 'FORBIDDEN');
    const outside = await refusal(
      createWatchdog(ctx.as('alice'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }], { siteMode: 'specific_sites', siteIds: [sid('Globex Plant')] })),
      'VALIDATION_FAILED',
    );
    expect(outside.problems[0]?.path).toEqual(['siteIds']);
    const foreignTarget = await refusal(
      createWatchdog(
        ctx.as('alice'),
        baseWatchdog([{ kind: 'device', hostname: mine.hostname }, { kind: 'device', hostname: globex.hostname }], { siteMode: 'specific_sites', siteIds: [sid('Acme HQ')] }),
      ),
      'VALIDATION_FAILED',
    );
    const missingTarget = await refusal(
      createWatchdog(
        ctx.as('alice'),
        baseWatchdog([{ kind: 'device', hostname: mine.hostname }, { kind: 'device', hostname: 'NO-SUCH-HOST' }], { siteMode: 'specific_sites', siteIds: [sid('Acme HQ')] }),
      ),
      'VALIDATION_FAILED',
    );
    expect(foreignTarget.problems).toEqual(missingTarget.problems);
    expect(foreignTarget.problems[0]?.path).toEqual(['targets', 1, 'hostname']);
    const noRules = await refusal(createWatchdog(ctx.as('admin'), { ...baseWatchdog([{ kind: 'device', hostname: mine.hostname }]), criteria: { rules: [] } }), 'VALIDATION_FAILED');
    expect(noRules.problems[0]?.path).toEqual(['criteria', 'rules']);
    await refusal(createWatchdog(ctx.as('admin'), { ...baseWatchdog([{ kind: 'device', hostname: mine.hostname }]), criteria: { rules: [{ type: 'nonsense' as 'device_offline' }] } }), 'VALIDATION_FAILED');
    await refusal(createWatchdog(ctx.as('admin'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }], { name: 'Server Offline > 15 min' })), 'CONFLICT');
    expect(await snapshot(seeded.db.pool, WATCHDOG_TABLES)).toEqual(tables);
  });

  it('updates fields, replaces sites and targets, and keeps what was not given', async () => {
    const mine = await hostIn('Acme HQ');
    const { watchdogId } = await createWatchdog(ctx.as('admin'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }], { description: 'first' }));
    const before = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.watchdogs WHERE id = $1', [watchdogId]);
    await updateWatchdog(ctx.as('admin'), { id: watchdogId, severity: 'info', siteMode: 'specific_sites', siteIds: [sid('Acme HQ'), sid('Globex Plant')] });
    const after = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.watchdogs WHERE id = $1', [watchdogId]);
    expect(after).toMatchObject({ severity: 'info', site_mode: 'specific_sites', description: 'first', criteria_json: before.criteria_json, last_edited_by: 'admin' });
    const { rows: sites } = await seeded.db.pool.query('SELECT site_id FROM engine.watchdog_sites WHERE watchdog_id = $1 ORDER BY site_id', [watchdogId]);
    expect(sites.map((s) => s.site_id)).toEqual([sid('Acme HQ'), sid('Globex Plant')].sort((a, b) => a - b));
    const { rows: targets } = await seeded.db.pool.query('SELECT count(*)::int AS n FROM engine.watchdog_targets WHERE watchdog_id = $1', [watchdogId]);
    expect(targets[0].n).toBe(1);
    // alice sees it (Acme HQ is one of its sites) but may not change it: it also covers Globex Plant.
    const tables = await snapshot(seeded.db.pool, WATCHDOG_TABLES);
    await refusal(updateWatchdog(ctx.as('alice'), { id: watchdogId, severity: 'error' }), 'FORBIDDEN');
    await refusal(setWatchdogEnabled(ctx.as('alice'), { id: watchdogId, value: false }), 'FORBIDDEN');
    await refusal(updateWatchdog(ctx.as('carol'), { id: watchdogId, severity: 'error' }), 'NOT_FOUND');
    await refusal(updateWatchdog(ctx.as('admin'), { id: watchdogId, evaluationIntervalSeconds: 5 }), 'VALIDATION_FAILED');
    expect(await snapshot(seeded.db.pool, WATCHDOG_TABLES)).toEqual(tables);
  });

  it('archives and disables with 0/1 flags, updated_at and last_edited_by', async () => {
    const mine = await hostIn('Acme HQ');
    const { watchdogId } = await createWatchdog(ctx.as('alice'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }], { siteMode: 'specific_sites', siteIds: [sid('Acme HQ')] }));
    await setWatchdogArchived(ctx.as('alice'), { id: watchdogId, value: true });
    await setWatchdogEnabled(ctx.as('alice'), { id: watchdogId, value: false });
    expect(await one(seeded, 'SELECT archived, enabled, last_edited_by FROM engine.watchdogs WHERE id = $1', [watchdogId])).toEqual({ archived: 1, enabled: 0, last_edited_by: 'alice' });
    await setWatchdogArchived(ctx.as('admin'), { id: watchdogId, value: false });
    expect(await one(seeded, 'SELECT archived, enabled, last_edited_by FROM engine.watchdogs WHERE id = $1', [watchdogId])).toEqual({ archived: 0, enabled: 0, last_edited_by: 'admin' });
    await refusal(setWatchdogArchived(ctx.as('bob'), { id: watchdogId, value: true }), 'NOT_FOUND');
  });

  it('is all-or-nothing: a failure after the watchdog row was inserted leaves no row behind', async () => {
    const mine = await hostIn('Acme HQ');
    const tables = await snapshot(seeded.db.pool, WATCHDOG_TABLES);
    // Borealis's database refusing the target rows (the last statement of the command).
    await seeded.db.pool.query(`CREATE FUNCTION engine.refuse_targets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER refuse_targets BEFORE INSERT ON engine.watchdog_targets FOR EACH ROW EXECUTE FUNCTION engine.refuse_targets();`);
    try {
      await expect(
        createWatchdog(ctx.as('admin'), baseWatchdog([{ kind: 'device', hostname: mine.hostname }], { siteMode: 'specific_sites', siteIds: [sid('Acme HQ')] })),
      ).rejects.toThrow(/refused/);
    } finally {
      await seeded.db.pool.query('DROP TRIGGER refuse_targets ON engine.watchdog_targets; DROP FUNCTION engine.refuse_targets();');
    }
    expect(await snapshot(seeded.db.pool, WATCHDOG_TABLES)).toEqual(tables);
  });
});
