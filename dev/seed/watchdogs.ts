/** Watchdogs, their device states and incidents. */
import type pg from 'pg';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { type DeviceInfo } from './devices.js';
import { type Refs } from './filters.js';
import { lowerGuid } from './jobs.js';
import { rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { pyJson } from './values.js';
import { type Row, T, Writer, inTransaction } from './writer.js';

export async function seedWatchdogs(
  pool: pg.Pool,
  w: Writer,
  sites: SiteRef[],
  devices: DeviceInfo[],
  refs: Refs,
  progress: (phase: string, done: number, total: number) => void,
): Promise<void> {
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const siteIdOf = (d: DeviceInfo): number | null => (d.site === null ? null : site(d.site).id);
  const fid = (name: string): number | null => refs.filters.get(name) ?? null;

  interface WatchdogSpec {
    row: Row;
    siteIndexes: number[];
    targets: { kind: string; json: Record<string, unknown> }[];
    members: DeviceInfo[];
    title: (d: DeviceInfo) => string;
    sample: (d: DeviceInfo) => Record<string, unknown>;
    rule: Record<string, unknown>;
  }

  const offlineRule = { id: 'rule-1', offline_seconds: 900, type: 'device_offline' };
  const diskRule = { drive: 'C:', drive_mode: 'specific', duration_seconds: 300, id: 'rule-1', threshold_percent: 90, type: 'storage_usage_percent' };
  const spoolerRule = { expected_status: 'running', id: 'rule-1', service_name: 'Spooler', type: 'service_state' };

  const servers = devices.filter((d) => d.kind.deviceType === 'Server' && !d.linux);
  const acme = devices.filter((d) => (d.site === 0 || d.site === 1) && !d.linux);
  const workstations = devices.filter((d) => d.kind.deviceType === 'Workstation' && d.site !== 4);
  const take = (list: DeviceInfo[], n: number): DeviceInfo[] => (list.length ? list : devices).slice(0, n);

  const specs: WatchdogSpec[] = [
    {
      row: {
        name: 'Server Offline > 15 min', description: 'Raise a warning when a Windows server stops checking in', archived: 0, enabled: 1,
        severity: 'warning', match_mode: 'all', site_mode: 'global',
        criteria_json: pyJson({ match_mode: 'all', rules: [offlineRule] }),
        actions_json: pyJson({ actions: [{ id: 'action-1', type: 'notification', variant: 'warning' }] }),
        evaluation_interval_seconds: 60, cooldown_seconds: 900, auto_resolve_after_seconds: 300, min_consecutive_matches: 2, boot_grace_seconds: 600,
        last_edited_by: 'admin', created_at: NOW - 150 * DAY, updated_at: NOW - 20 * DAY, last_evaluated_at: NOW - 31, target_device_count: 0,
      },
      siteIndexes: [],
      targets: [{ kind: 'filter', json: { filter_id: fid('All Windows Servers'), kind: 'filter', name: 'All Windows Servers' } }],
      members: take(servers, 8),
      title: (d) => `${d.hostname} is offline`,
      sample: (d) => ({ last_seen: d.lastSeen, offline_seconds: NOW - d.lastSeen }),
      rule: offlineRule,
    },
    {
      row: {
        name: 'System Drive Above 90%', description: 'C: drive nearly full at the Acme sites', archived: 0, enabled: 1,
        severity: 'error', match_mode: 'any', site_mode: 'specific_sites',
        criteria_json: pyJson({ match_mode: 'any', rules: [diskRule] }),
        actions_json: pyJson({ actions: [{ id: 'action-1', type: 'notification', variant: 'error' }, { assembly_path: 'Scripts/Maintenance/Clear_Temp_Files.ps1', id: 'action-2', run_mode: 'system', type: 'assembly' }] }),
        evaluation_interval_seconds: 300, cooldown_seconds: 3600, auto_resolve_after_seconds: 900, min_consecutive_matches: 1, boot_grace_seconds: 0,
        last_edited_by: 'alice', created_at: NOW - 110 * DAY, updated_at: NOW - 3 * DAY, last_evaluated_at: NOW - 140, target_device_count: 0,
      },
      siteIndexes: [0, 1],
      targets: take(acme, 3).map((d) => ({ kind: 'device', json: { device_guid: lowerGuid(d.guid), hostname: d.hostname, kind: 'device', site_id: siteIdOf(d) } })),
      members: take(acme, 10),
      title: (d) => `C: drive on ${d.hostname} is above 90%`,
      sample: (d) => ({ drive: 'C:\\', usage_percent: Math.round((100 - d.freeDiskPercent) * 10) / 10 }),
      rule: diskRule,
    },
    {
      row: {
        name: 'Print Spooler Stopped', description: 'Restart the spooler on workstations, except the lab', archived: 0, enabled: 1,
        severity: 'info', match_mode: 'all', site_mode: 'global_exclusions',
        criteria_json: pyJson({ match_mode: 'all', rules: [spoolerRule] }),
        actions_json: pyJson({ actions: [{ action: 'start', id: 'action-1', service_name: 'Spooler', type: 'service_control' }] }),
        evaluation_interval_seconds: 120, cooldown_seconds: 900, auto_resolve_after_seconds: 300, min_consecutive_matches: 1, boot_grace_seconds: 300,
        last_edited_by: 'bob', created_at: NOW - 45 * DAY, updated_at: NOW - 45 * DAY, last_evaluated_at: NOW - 77, target_device_count: 0,
      },
      siteIndexes: [4],
      targets: [{ kind: 'filter', json: { filter_id: fid('Acme Workstations'), kind: 'filter', name: 'Acme Workstations' } }],
      members: take(workstations, 10),
      title: (d) => `Print Spooler stopped on ${d.hostname}`,
      sample: (d) => ({ service_name: 'Spooler', status: d.spoolerStopped ? 'stopped' : 'running' }),
      rule: spoolerRule,
    },
  ];

  const states = ['triggered', 'normal', 'pending', 'suppressed', 'stale_data', 'normal', 'disabled', 'triggered', 'normal', 'normal'];
  await inTransaction(pool, async (client) => {
    let done = 0;
    for (const spec of specs) {
      spec.row.target_device_count = spec.members.length;
      const watchdogId = await w.insertOne(client, T.watchdogs, spec.row);
      done += 1;
      if (watchdogId === null) {
        progress('watchdogs', done, specs.length);
        continue;
      }
      const rng = rngFor('watchdog', String(spec.row.name));
      const severity = String(spec.row.severity);
      await w.insert(client, T.watchdogSites, spec.siteIndexes.map((i) => ({ watchdog_id: watchdogId, site_id: site(i).id })));
      await w.insert(client, T.watchdogTargets, spec.targets.map((t) => ({ watchdog_id: watchdogId, kind: t.kind, target_json: pyJson(t.json), created_at: Number(spec.row.updated_at) })));

      const ruleSummary = pyJson({ match_mode: spec.row.match_mode, rules: [spec.rule] });
      // Resolved history first (older ids), then the current incidents.
      const history = spec.members.slice(0, 2);
      for (const [k, d] of history.entries()) {
        const opened = NOW - rng.int(3 * DAY, 25 * DAY);
        const resolved = opened + rng.int(10 * MINUTE, 8 * HOUR);
        await w.insert(client, T.watchdogIncidents, [{
          watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), severity, state: 'resolved',
          title: spec.title(d), message: `${spec.title(d)} (auto-resolved)`, sample_json: pyJson(spec.sample(d)), rule_summary_json: ruleSummary,
          action_summary_json: pyJson({ actions: [{ id: 'action-1', status: 'sent' }] }), opened_at: opened, updated_at: resolved,
          resolved_at: resolved, resolution_reason: k === 0 ? 'cleared' : 'telemetry_stale', acknowledged_at: k === 0 ? opened + 300 : null,
          acknowledged_by: k === 0 ? 'admin' : null, trigger_count: rng.int(1, 6),
        }]);
      }

      const overrides: Row[] = [];
      const stateRows: Row[] = [];
      for (const [k, d] of spec.members.entries()) {
        const state = states[k % states.length] as string;
        const evaluated = NOW - rng.int(10, 300);
        let incidentId: number | null = null;
        if (state === 'triggered' || state === 'suppressed') {
          const opened = NOW - rng.int(20 * MINUTE, 30 * HOUR);
          incidentId = await w.insertOne(client, T.watchdogIncidents, {
            watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), severity,
            state: state === 'triggered' ? 'open' : 'suppressed', title: spec.title(d), message: spec.title(d),
            sample_json: pyJson(spec.sample(d)), rule_summary_json: ruleSummary,
            action_summary_json: pyJson({ actions: [{ id: 'action-1', last_run_at: opened + 5, status: state === 'triggered' ? 'sent' : 'suppressed' }] }),
            opened_at: opened, updated_at: evaluated, resolved_at: null, resolution_reason: null,
            acknowledged_at: k === 0 ? opened + 600 : null, acknowledged_by: k === 0 ? 'alice' : null, trigger_count: rng.int(1, 40),
          });
        }
        if (state === 'suppressed' || state === 'disabled') {
          const overrideCreated = NOW - rng.int(HOUR, 5 * DAY);
          overrides.push({
            watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), state,
            reason: state === 'suppressed' ? 'Maintenance window - vendor on site' : 'Device excluded: kiosk without a printer',
            created_by: state === 'suppressed' ? 'bob' : 'admin', created_at: overrideCreated,
            expires_at: state === 'suppressed' ? NOW + 2 * DAY : null, updated_at: overrideCreated,
          });
        }
        const matched = state === 'triggered' || state === 'pending' || state === 'suppressed';
        const firstMatched = matched ? evaluated - rng.int(5 * MINUTE, 20 * HOUR) : null;
        stateRows.push({
          watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), state,
          consecutive_matches: matched ? rng.int(1, 30) : 0, first_matched_at: firstMatched,
          clear_started_at: state === 'normal' && rng.chance(0.3) ? evaluated - rng.int(60, 600) : null,
          last_evaluated_at: state === 'stale_data' ? NOW - rng.int(2 * HOUR, 20 * HOUR) : evaluated,
          last_matched_at: matched ? evaluated : null, last_sample_json: pyJson(spec.sample(d)),
          current_incident_id: incidentId, last_action_at: state === 'triggered' ? (firstMatched ?? evaluated) + 5 : null,
          updated_at: evaluated,
        });
      }
      await w.insert(client, T.watchdogOverrides, overrides);
      await w.insert(client, T.watchdogDeviceState, stateRows);
      progress('watchdogs', done, specs.length);
    }
  });
}
