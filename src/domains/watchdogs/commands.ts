/**
 * Watchdog commands: acknowledge an incident, set or clear a per-device override, and save
 * watchdog definitions with their site rows and targets, writing the rows the way Borealis's
 * watchdog runtime does (runtime.py `_persist_watchdog`, watchdogs.go acknowledge). The runtime's
 * next evaluation pass (every 30 s) applies a saved definition or override to device states and
 * incidents; these commands never evaluate.
 */
import type pg from 'pg';
import { z } from 'zod';
import { ruleSql } from '../../access/rules.js';
import { Prisma } from '../../generated/prisma/client.js';
import { epochNow, parseInput, run, writeCommand, type AuditRow, type CommandContext } from '../commands.js';
import { conflict, databaseId, descriptionSchema, forbidden, hostnameSchema, nameSchema, pythonJson, refuseProblems, requireOwnSites, singleLine, siteIdList, siteRowAccess, storedJsonObject, uniqueName, unknownSites } from '../config-commands.js';
import { notFound, validationFailed } from '../errors.js';
import { normalizeTargets, targetListSchema } from '../targets.js';

// ---------------------------------------------------------------------------------------------
// Incidents
// ---------------------------------------------------------------------------------------------

const acknowledgeInput = z.object({ incidentId: databaseId });

/**
 * Acknowledges an open incident: `acknowledged_at` (epoch seconds), `acknowledged_by` (username)
 * and `updated_at`, as Borealis's acknowledge route writes them. Acknowledging again changes
 * nothing (the first acknowledgement stays). Only open incidents can be acknowledged (Borealis
 * finds the incident among the open ones); the incident's site must be the operator's.
 */
export async function acknowledgeIncident(ctx: CommandContext, input: z.input<typeof acknowledgeInput>): Promise<{ incidentId: number }> {
  const { incidentId } = parseInput(acknowledgeInput, input);
  const rule = await ruleSql('WatchdogIncident', ctx.scope, Prisma.raw('i'));
  return writeCommand(ctx, 'watchdogIncident.acknowledge', async (tx) => {
    const { rows } = await run<{ state: string; acknowledged_at: number | null }>(
      tx,
      Prisma.sql`SELECT i.state, i.acknowledged_at FROM engine.watchdog_incidents i WHERE i.id = ${incidentId} AND ${rule} FOR UPDATE`,
    );
    const incident = rows[0];
    if (!incident) throw notFound('Incident');
    if (incident.state.toLowerCase() !== 'open') throw conflict(`Only open incidents can be acknowledged; this incident is ${incident.state}.`);
    if (incident.acknowledged_at !== null && incident.acknowledged_at > 0) return { result: { incidentId }, rows: [] };
    const now = epochNow();
    await run(
      tx,
      Prisma.sql`UPDATE engine.watchdog_incidents SET acknowledged_at = ${now}, acknowledged_by = ${ctx.identity.username}, updated_at = ${now} WHERE id = ${incidentId}`,
    );
    return { result: { incidentId }, rows: [{ table: 'engine.watchdog_incidents', key: { id: incidentId }, change: 'update' }] };
  });
}

// ---------------------------------------------------------------------------------------------
// Per-device overrides
// ---------------------------------------------------------------------------------------------

const overrideKey = z.object({ watchdogId: databaseId, hostname: hostnameSchema });

const setOverrideInput = overrideKey.extend({
  state: z.enum(['suppressed', 'disabled']),
  reason: z.string().max(500).transform(singleLine).nullish(),
  expiresAt: z
    .date()
    .nullish()
    .refine((date) => !date || date.getTime() > Date.now(), 'must be in the future')
    .refine((date) => !date || date.getTime() / 1000 < 2_147_483_647, 'is out of range'),
});

/**
 * The watchdog row, locked, when the operator may see it (a User: one of its sites is theirs). The
 * lock also serialises override writes of the watchdog: two concurrent sets for one device cannot
 * both insert.
 */
async function lockVisibleWatchdog(tx: pg.PoolClient, ctx: CommandContext, watchdogId: number) {
  const { rows } = await run<{ id: string; site_mode: string; site_ids: number[]; archived: number }>(
    tx,
    Prisma.sql`SELECT w.id::text AS id, w.site_mode, w.archived,
                      coalesce((SELECT array_agg(s.site_id ORDER BY s.site_id) FROM engine.watchdog_sites s WHERE s.watchdog_id = w.id), '{}') AS site_ids
                 FROM engine.watchdogs w WHERE w.id = ${watchdogId} FOR UPDATE`,
  );
  const watchdog = rows[0];
  if (!watchdog) throw notFound('Watchdog');
  const access = siteRowAccess(ctx.identity, watchdog.site_mode, watchdog.site_ids);
  if (access === 'invisible') throw notFound('Watchdog');
  return { ...watchdog, access };
}

/** The device with this hostname (case-insensitive) when it is in the operator's sites (`rule`: the Device rule on `d`). */
async function deviceInScope(tx: pg.PoolClient, rule: Prisma.Sql, hostname: string) {
  const { rows } = await run<{ guid: string; hostname: string; site_id: number | null }>(
    tx,
    Prisma.sql`SELECT d.guid, d.hostname, ds.site_id
                 FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                WHERE lower(d.hostname) = lower(${hostname}) AND ${rule}`,
  );
  if (!rows[0]) throw notFound('Device');
  return rows[0];
}

/**
 * Suppresses or disables one watchdog for one device (one override per watchdog and hostname:
 * an existing one is updated). Rows: `watchdog_device_overrides` with the device's GUID (canonical
 * upper-case, as the runtime writes device GUIDs), hostname, site, state, reason, `created_by`,
 * epoch `created_at`/`updated_at`, `expires_at` (NULL: no expiry).
 */
export async function setWatchdogOverride(ctx: CommandContext, input: z.input<typeof setOverrideInput>): Promise<{ watchdogId: number; hostname: string }> {
  const { watchdogId, hostname, state, reason, expiresAt } = parseInput(setOverrideInput, input);
  const deviceRule = await ruleSql('Device', ctx.scope, Prisma.raw('d'));
  return writeCommand(ctx, 'watchdogOverride.set', async (tx) => {
    await lockVisibleWatchdog(tx, ctx, watchdogId);
    const device = await deviceInScope(tx, deviceRule, hostname);
    const now = epochNow();
    const expires = expiresAt ? Math.floor(expiresAt.getTime() / 1000) : null;
    const guid = device.guid.toUpperCase();
    const { rows: updated } = await run<{ id: string }>(
      tx,
      Prisma.sql`UPDATE engine.watchdog_device_overrides
                    SET device_guid = ${guid}, hostname = ${device.hostname}, site_id = ${device.site_id}, state = ${state},
                        reason = ${reason ?? null}, expires_at = ${expires}, updated_at = ${now}
                  WHERE id = (SELECT max(id) FROM engine.watchdog_device_overrides
                               WHERE watchdog_id = ${watchdogId} AND lower(hostname) = lower(${device.hostname}))
              RETURNING id::text AS id`,
    );
    let change: AuditRow['change'] = 'update';
    let id = updated[0]?.id;
    if (id === undefined) {
      change = 'insert';
      const { rows } = await run<{ id: string }>(
        tx,
        Prisma.sql`INSERT INTO engine.watchdog_device_overrides
                     (watchdog_id, device_guid, hostname, site_id, state, reason, created_by, created_at, expires_at, updated_at)
                   VALUES (${watchdogId}, ${guid}, ${device.hostname}, ${device.site_id}, ${state}, ${reason ?? null},
                           ${ctx.identity.username}, ${now}, ${expires}, ${now})
                   RETURNING id::text AS id`,
      );
      id = rows[0]!.id;
    }
    return {
      result: { watchdogId, hostname: device.hostname },
      rows: [{ table: 'engine.watchdog_device_overrides', key: { id: Number(id), watchdog_id: watchdogId, hostname: device.hostname }, change }],
    };
  });
}

/**
 * Clears the override of one watchdog for one device (Borealis deletes the pair's rows). The
 * override's site must be the operator's; none in scope is NOT_FOUND.
 */
export async function clearWatchdogOverride(ctx: CommandContext, input: z.input<typeof overrideKey>): Promise<{ watchdogId: number; hostname: string }> {
  const { watchdogId, hostname } = parseInput(overrideKey, input);
  const rule = await ruleSql('WatchdogDeviceOverride', ctx.scope, Prisma.raw('o'));
  return writeCommand(ctx, 'watchdogOverride.clear', async (tx) => {
    await lockVisibleWatchdog(tx, ctx, watchdogId);
    const { rows } = await run<{ id: string; hostname: string }>(
      tx,
      Prisma.sql`DELETE FROM engine.watchdog_device_overrides o
                  WHERE o.watchdog_id = ${watchdogId} AND lower(o.hostname) = lower(${hostname}) AND ${rule}
              RETURNING o.id::text AS id, o.hostname`,
    );
    if (rows.length === 0) throw notFound('Watchdog override');
    return {
      result: { watchdogId, hostname: rows[0]!.hostname },
      rows: rows.map((row) => ({ table: 'engine.watchdog_device_overrides', key: { id: Number(row.id) }, change: 'delete' as const })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/** Rule and action types Borealis's runtime evaluates (runtime.py VALID_WATCHDOG_RULE_TYPES / ACTION_TYPES). */
export const WATCHDOG_RULE_TYPES = [
  'device_offline', 'storage_usage_percent', 'service_state', 'agent_role_health', 'software_presence_or_version',
  'agent_version_status', 'cpu_usage_percent', 'memory_usage_percent', 'uptime_above_seconds', 'reboot_detected',
  'service_pending_timeout', 'user_session_match', 'process_presence', 'session_state', 'network_interface_change',
  'drive_presence_change',
] as const;
export const WATCHDOG_ACTION_TYPES = ['notification', 'service_control', 'assembly', 'do_nothing'] as const;


const watchdogFields = {
  name: nameSchema,
  description: descriptionSchema,
  enabled: z.boolean(),
  severity: z.enum(['info', 'warning', 'error']),
  matchMode: z.enum(['all', 'any']),
  siteMode: z.enum(['global', 'specific_sites', 'global_exclusions']),
  siteIds: siteIdList,
  /** The rules document (`criteria_json`): `{rules: [{type, ...}]}`, 1 to 24 rules (Borealis's limit). */
  criteria: z.looseObject({
    rules: z.array(z.looseObject({ type: z.enum(WATCHDOG_RULE_TYPES), id: z.string().max(120).optional() })).min(1, 'at least one watchdog rule is required').max(24),
  }),
  /** `actions_json`: `{actions: [{type, ...}]}`. */
  actions: z.looseObject({ actions: z.array(z.looseObject({ type: z.enum(WATCHDOG_ACTION_TYPES), id: z.string().max(120).optional() })).max(24) }),
  targets: targetListSchema,
  evaluationIntervalSeconds: z.number().int().min(30).max(86_400),
  cooldownSeconds: z.number().int().min(0).max(2_592_000),
  autoResolveAfterSeconds: z.number().int().min(0).max(2_592_000),
  minConsecutiveMatches: z.number().int().min(1).max(1000),
  bootGraceSeconds: z.number().int().min(0).max(86_400),
};

const createWatchdogInput = z.object({
  ...watchdogFields,
  description: watchdogFields.description,
  enabled: watchdogFields.enabled.default(true),
  severity: watchdogFields.severity.default('warning'),
  matchMode: watchdogFields.matchMode.default('all'),
  siteMode: watchdogFields.siteMode.default('global'),
  siteIds: watchdogFields.siteIds.default([]),
  actions: watchdogFields.actions.default({ actions: [] }),
  evaluationIntervalSeconds: watchdogFields.evaluationIntervalSeconds.default(60),
  cooldownSeconds: watchdogFields.cooldownSeconds.default(900),
  autoResolveAfterSeconds: watchdogFields.autoResolveAfterSeconds.default(300),
  minConsecutiveMatches: watchdogFields.minConsecutiveMatches.default(1),
  bootGraceSeconds: watchdogFields.bootGraceSeconds.default(0),
});
const updateWatchdogInput = z.object({ id: databaseId }).extend(z.object(watchdogFields).partial().shape);

type WatchdogValues = Omit<z.output<typeof createWatchdogInput>, 'targets'>;

/** Rule and action ids as Borealis fills them in (`rule-1`, `action-1`, ... by position). */
function withIds(values: WatchdogValues) {
  const criteria = { ...values.criteria, match_mode: values.matchMode, rules: values.criteria.rules.map((rule, i) => ({ ...rule, id: rule.id || `rule-${i + 1}` })) };
  const actions = { ...values.actions, actions: values.actions.actions.map((action, i) => ({ ...action, id: action.id || `action-${i + 1}` })) };
  return { criteria, actions };
}

/** A watchdog for specific sites names at least one. */
function checkSites(values: WatchdogValues) {
  if (values.siteMode === 'specific_sites' && values.siteIds.length === 0) {
    throw validationFailed([{ path: ['siteIds'], message: `siteMode ${values.siteMode.toUpperCase()} needs at least one site.` }]);
  }
}


async function writeSitesAndTargets(tx: pg.PoolClient, watchdogId: number, siteIds: readonly number[] | null, targets: readonly object[] | null, now: number) {
  if (siteIds !== null) {
    await run(tx, Prisma.sql`DELETE FROM engine.watchdog_sites WHERE watchdog_id = ${watchdogId}`);
    await run(tx, Prisma.sql`INSERT INTO engine.watchdog_sites (watchdog_id, site_id) SELECT ${watchdogId}, unnest(${[...siteIds]}::int[])`);
  }
  if (targets !== null) {
    await run(tx, Prisma.sql`DELETE FROM engine.watchdog_targets WHERE watchdog_id = ${watchdogId}`);
    const kinds = targets.map((t) => (t as { kind: string }).kind);
    await run(
      tx,
      Prisma.sql`INSERT INTO engine.watchdog_targets (watchdog_id, kind, target_json, created_at)
                 SELECT ${watchdogId}, kind, target_json, ${now} FROM unnest(${kinds}::text[], ${targets.map(pythonJson)}::text[]) AS t(kind, target_json)`,
    );
  }
}

const watchdogAudit = (id: number, change: AuditRow['change']): AuditRow[] => [{ table: 'engine.watchdogs', key: { id }, change }];

/**
 * Creates a watchdog: the `watchdogs` row (0/1 flags, Python JSON text, epoch times,
 * `last_edited_by`), its `watchdog_sites` rows and `watchdog_targets` rows. A User saves only
 * watchdogs for specific sites of theirs with targets in their sites.
 */
export async function createWatchdog(ctx: CommandContext, input: z.input<typeof createWatchdogInput>): Promise<{ watchdogId: number }> {
  const values = parseInput(createWatchdogInput, input);
  checkSites(values);
  requireOwnSites(ctx.identity, values.siteMode, values.siteIds, 'watchdog');
  const { criteria, actions } = withIds(values);
  return uniqueName('watchdog', values.name, () =>
    writeCommand(ctx, 'watchdog.create', async (tx) => {
      const { saved, problems } = await normalizeTargets(tx, ctx.identity, values.targets, 'targets');
      refuseProblems([...(await unknownSites(tx, values.siteIds)), ...problems]);
      const now = epochNow();
      const { rows } = await run<{ id: string }>(
        tx,
        Prisma.sql`INSERT INTO engine.watchdogs
                     (name, description, archived, enabled, severity, match_mode, site_mode, criteria_json, actions_json,
                      evaluation_interval_seconds, cooldown_seconds, auto_resolve_after_seconds, min_consecutive_matches,
                      boot_grace_seconds, last_edited_by, created_at, updated_at, last_evaluated_at, target_device_count)
                   VALUES (${values.name}, ${values.description ?? ''}, 0, ${values.enabled ? 1 : 0}, ${values.severity}, ${values.matchMode},
                           ${values.siteMode}, ${pythonJson(criteria)}, ${pythonJson(actions)}, ${values.evaluationIntervalSeconds},
                           ${values.cooldownSeconds}, ${values.autoResolveAfterSeconds}, ${values.minConsecutiveMatches},
                           ${values.bootGraceSeconds}, ${ctx.identity.username}, ${now}, ${now}, NULL, 0)
                   RETURNING id::text AS id`,
      );
      const watchdogId = Number(rows[0]!.id);
      await writeSitesAndTargets(tx, watchdogId, values.siteIds, saved, now);
      return { result: { watchdogId }, rows: watchdogAudit(watchdogId, 'insert') };
    }),
  );
}

/** The stored row as command values (for an update that changes some fields). */
interface StoredWatchdog {
  id: string;
  name: string;
  description: string | null;
  enabled: number;
  severity: string;
  match_mode: string;
  site_mode: string;
  criteria_json: string;
  actions_json: string;
  evaluation_interval_seconds: number;
  cooldown_seconds: number;
  auto_resolve_after_seconds: number;
  min_consecutive_matches: number;
  boot_grace_seconds: number;
  site_ids: number[];
}

/** The locked row with the operator's right to change it: invisible is NOT_FOUND, read-only FORBIDDEN. */
async function lockWritableWatchdog(tx: pg.PoolClient, ctx: CommandContext, watchdogId: number): Promise<StoredWatchdog> {
  const { rows } = await run<StoredWatchdog>(
    tx,
    Prisma.sql`SELECT w.id::text AS id, w.name, w.description, w.enabled, w.severity, w.match_mode, w.site_mode, w.criteria_json, w.actions_json,
                      w.evaluation_interval_seconds, w.cooldown_seconds, w.auto_resolve_after_seconds, w.min_consecutive_matches, w.boot_grace_seconds,
                      coalesce((SELECT array_agg(s.site_id ORDER BY s.site_id) FROM engine.watchdog_sites s WHERE s.watchdog_id = w.id), '{}') AS site_ids
                 FROM engine.watchdogs w WHERE w.id = ${watchdogId} FOR UPDATE`,
  );
  const row = rows[0];
  const access = row ? siteRowAccess(ctx.identity, row.site_mode, row.site_ids) : 'invisible';
  if (!row || access === 'invisible') throw notFound('Watchdog');
  if (access === 'read-only') throw forbidden('This watchdog also applies to sites outside yours; only an administrator can change it.');
  return row;
}

/**
 * Updates the given fields of a watchdog; `siteIds` and `targets`, when given, replace the
 * watchdog's site rows and target rows. The merged definition is validated as a new one would be.
 */
export async function updateWatchdog(ctx: CommandContext, input: z.input<typeof updateWatchdogInput>): Promise<{ watchdogId: number }> {
  const { id, targets, ...patch } = parseInput(updateWatchdogInput, input);
  return uniqueName('watchdog', patch.name ?? '', () =>
    writeCommand(ctx, 'watchdog.update', async (tx) => {
      const stored = await lockWritableWatchdog(tx, ctx, id);
      const storedCriteria = storedJsonObject(stored.criteria_json, { rules: [] });
      const merged = parseInput(createWatchdogInput.omit({ targets: true }), {
        name: stored.name,
        description: stored.description,
        enabled: stored.enabled !== 0,
        severity: stored.severity,
        matchMode: stored.match_mode,
        siteMode: stored.site_mode,
        siteIds: stored.site_ids,
        criteria: storedCriteria,
        actions: storedJsonObject(stored.actions_json, { actions: [] }),
        evaluationIntervalSeconds: stored.evaluation_interval_seconds,
        cooldownSeconds: stored.cooldown_seconds,
        autoResolveAfterSeconds: stored.auto_resolve_after_seconds,
        minConsecutiveMatches: stored.min_consecutive_matches,
        bootGraceSeconds: stored.boot_grace_seconds,
        ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
      });
      checkSites(merged);
      requireOwnSites(ctx.identity, merged.siteMode, merged.siteIds, 'watchdog');
      const { criteria, actions } = withIds(merged);
      const normalized = targets ? await normalizeTargets(tx, ctx.identity, targets, 'targets') : null;
      refuseProblems([...(patch.siteIds ? await unknownSites(tx, merged.siteIds) : []), ...(normalized?.problems ?? [])]);
      const now = epochNow();
      await run(
        tx,
        Prisma.sql`UPDATE engine.watchdogs
                      SET name = ${merged.name}, description = ${merged.description ?? ''}, enabled = ${merged.enabled ? 1 : 0},
                          severity = ${merged.severity}, match_mode = ${merged.matchMode}, site_mode = ${merged.siteMode},
                          criteria_json = ${pythonJson(criteria)}, actions_json = ${pythonJson(actions)},
                          evaluation_interval_seconds = ${merged.evaluationIntervalSeconds}, cooldown_seconds = ${merged.cooldownSeconds},
                          auto_resolve_after_seconds = ${merged.autoResolveAfterSeconds}, min_consecutive_matches = ${merged.minConsecutiveMatches},
                          boot_grace_seconds = ${merged.bootGraceSeconds}, last_edited_by = ${ctx.identity.username}, updated_at = ${now}
                    WHERE id = ${id}`,
      );
      const sitesChanged = patch.siteIds !== undefined || patch.siteMode !== undefined;
      await writeSitesAndTargets(tx, id, sitesChanged ? merged.siteIds : null, normalized?.saved ?? null, now);
      return { result: { watchdogId: id }, rows: watchdogAudit(id, 'update') };
    }),
  );
}

const flagInput = z.object({ id: databaseId, value: z.boolean() });

/** Archives/unarchives or enables/disables a watchdog: the 0/1 column, `updated_at`, `last_edited_by`. */
async function setWatchdogFlag(ctx: CommandContext, column: 'archived' | 'enabled', input: z.input<typeof flagInput>): Promise<{ watchdogId: number }> {
  const { id, value } = parseInput(flagInput, input);
  return writeCommand(ctx, `watchdog.${column === 'archived' ? (value ? 'archive' : 'unarchive') : value ? 'enable' : 'disable'}`, async (tx) => {
    await lockWritableWatchdog(tx, ctx, id);
    await run(
      tx,
      Prisma.sql`UPDATE engine.watchdogs SET ${Prisma.raw(column)} = ${value ? 1 : 0}, updated_at = ${epochNow()}, last_edited_by = ${ctx.identity.username}
                  WHERE id = ${id}`,
    );
    return { result: { watchdogId: id }, rows: watchdogAudit(id, 'update') };
  });
}

export const setWatchdogArchived = (ctx: CommandContext, input: z.input<typeof flagInput>) => setWatchdogFlag(ctx, 'archived', input);
export const setWatchdogEnabled = (ctx: CommandContext, input: z.input<typeof flagInput>) => setWatchdogFlag(ctx, 'enabled', input);

export type CreateWatchdogInput = z.input<typeof createWatchdogInput>;
export type UpdateWatchdogInput = z.input<typeof updateWatchdogInput>;
