/**
 * The four operator screens of issue 9, each twice: the GraphQL operation an operator UI sends to
 * the gateway (test/screens/*.graphql, the same files the SQL snapshots use), and one hand-written
 * SQL statement that builds the same JSON in PostgreSQL (json_build_object/json_agg, LIMIT inside
 * every nested list, index-friendly equality): the ceiling the gateway is measured against.
 * The ceiling statements read as an Admin does (no site scope).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCREENS_DIR = fileURLToPath(new URL('../test/screens/', import.meta.url));

export interface BenchScreen {
  name: string;
  title: string;
  /** GraphQL operation and its variables, as the gateway receives them. */
  operation: string;
  variables: Record<string, unknown>;
  /** One statement returning one row with one column `data`: the response's `data` as JSON text. */
  ceilingSql: string;
  ceilingParams: unknown[];
}

/** An epoch-seconds column as the gateway's DateTime (ISO, milliseconds, Z); null for 0 or less, like epochToDate. */
const iso = (column: string) =>
  `CASE WHEN ${column} > 0 THEN to_char(to_timestamp(${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END`;

/** A device's site as `{ name }`, null when the device has no site row. */
const siteOf = (hostname: string) =>
  `(SELECT json_build_object('name', s.name) FROM engine.device_sites ds JOIN engine.sites s ON s.id = ds.site_id WHERE ds.device_hostname = ${hostname})`;

const operation = (name: string) => readFileSync(path.join(SCREENS_DIR, `${name}.graphql`), 'utf8');

/** `text` with `from` replaced; throws when `from` is gone, so an edited operation is noticed. */
function edited(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`bench/screens.ts: the operation no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

export const DETAIL_HOSTNAME = 'WS-ACME-0001';

export const BENCH_SCREENS: BenchScreen[] = [
  {
    name: 'devices-page',
    title: 'Devices page: 50 by hostname with site name',
    // test/screens/devices-page.graphql in descending order: at 10,000 devices the ascending first
    // page is the unassigned DESKTOP-/LAPTOP- devices, which have no site to show.
    operation: edited(operation('devices-page'), 'orderBy: { field: HOSTNAME }', 'orderBy: { field: HOSTNAME, direction: DESC }'),
    variables: { first: 50 },
    // endCursor is the last row's sort key; the gateway's opaque cursor is decoded to compare.
    ceilingSql: `
      WITH page AS (
        SELECT hostname, guid, description, device_type, operating_system, status, agent_id, last_seen, last_user, internal_ip, external_ip
          FROM engine.devices ORDER BY hostname DESC, guid DESC LIMIT $1 + 1
      ), shown AS (SELECT * FROM page ORDER BY hostname DESC, guid DESC LIMIT $1)
      SELECT json_build_object('devices', json_build_object(
        'totalCount', (SELECT count(*) FROM engine.devices),
        'pageInfo', json_build_object(
          'hasNextPage', (SELECT count(*) FROM page) > $1,
          'endCursor', (SELECT json_build_array(hostname, guid) FROM shown ORDER BY hostname, guid LIMIT 1)),
        'edges', COALESCE((SELECT json_agg(json_build_object('node', json_build_object(
            'hostname', d.hostname, 'description', d.description, 'deviceType', d.device_type, 'operatingSystem', d.operating_system,
            'status', d.status, 'agentId', d.agent_id, 'lastSeen', ${iso('d.last_seen')}, 'lastUser', d.last_user,
            'internalIp', d.internal_ip, 'externalIp', d.external_ip, 'site', ${siteOf('d.hostname')})) ORDER BY d.hostname DESC, d.guid DESC)
          FROM shown d), '[]'::json)
      ))::text AS data`,
    ceilingParams: [50],
  },
  {
    name: 'device-detail',
    title: 'Device detail: site, software, open incidents with watchdog, last 10 run targets with run and job',
    operation: operation('device-detail'),
    variables: { hostname: DETAIL_HOSTNAME, first: 10 },
    ceilingSql: `
      SELECT json_build_object('devices', json_build_object('edges', COALESCE((SELECT json_agg(json_build_object('node', json_build_object(
          'hostname', d.hostname, 'guid', d.guid, 'operatingSystem', d.operating_system, 'status', d.status, 'lastSeen', ${iso('d.last_seen')},
          'site', ${siteOf('d.hostname')},
          'installedSoftware', COALESCE((SELECT json_agg(json_build_object('name', sw.name, 'version', sw.version, 'source', sw.source)
              ORDER BY sw.name_normalized, sw.id)
            FROM engine.device_software_inventory sw WHERE sw.device_guid = d.guid), '[]'::json),
          'incidents', COALESCE((SELECT json_agg(json_build_object('title', i.title, 'severity', i.severity, 'openedAt', ${iso('i.opened_at')},
              'watchdog', (SELECT json_build_object('name', w.name, 'severity', w.severity) FROM engine.watchdogs w WHERE w.id = i.watchdog_id))
              ORDER BY i.opened_at DESC, i.id DESC)
            FROM (SELECT * FROM engine.watchdog_incidents WHERE hostname = d.hostname AND state = 'open' ORDER BY opened_at DESC, id DESC LIMIT $2) i), '[]'::json),
          'runTargets', COALESCE((SELECT json_agg(json_build_object('hostname', t.hostname, 'resolutionStatus', t.resolution_status,
              'run', (SELECT json_build_object('status', r.status, 'scheduledAt', ${iso('r.scheduled_ts')}, 'finishedAt', ${iso('r.finished_ts')},
                  'job', (SELECT json_build_object('name', j.name) FROM engine.scheduled_jobs j WHERE j.id = r.job_id))
                FROM engine.scheduled_job_runs r WHERE r.id = t.run_id))
              ORDER BY t.id DESC)
            FROM (SELECT * FROM engine.scheduled_job_run_targets WHERE hostname = d.hostname ORDER BY id DESC LIMIT $2) t), '[]'::json)
        )) ORDER BY d.hostname, d.guid)
        FROM (SELECT * FROM engine.devices WHERE hostname = $1 ORDER BY hostname, guid LIMIT 1) d), '[]'::json)
      ))::text AS data`,
    ceilingParams: [DETAIL_HOSTNAME, 10],
  },
  {
    name: 'incident-queue',
    title: 'Open-incident queue: 50 newest open with watchdog name and device hostname',
    operation: operation('incident-queue'),
    variables: { first: 50 },
    ceilingSql: `
      SELECT json_build_object('incidents', json_build_object(
        'totalCount', (SELECT count(*) FROM engine.watchdog_incidents WHERE state = 'open'),
        'edges', COALESCE((SELECT json_agg(json_build_object('node', json_build_object(
            'title', i.title, 'severity', i.severity, 'state', i.state, 'openedAt', ${iso('i.opened_at')}, 'triggerCount', i.trigger_count,
            'watchdog', (SELECT json_build_object('name', w.name) FROM engine.watchdogs w WHERE w.id = i.watchdog_id),
            'device', (SELECT json_build_object('hostname', d.hostname) FROM engine.devices d WHERE d.hostname = i.hostname)))
            ORDER BY i.opened_at DESC, i.id DESC)
          FROM (SELECT * FROM engine.watchdog_incidents WHERE state = 'open' ORDER BY opened_at DESC, id DESC LIMIT $1) i), '[]'::json)
      ))::text AS data`,
    ceilingParams: [50],
  },
  {
    name: 'scheduled-jobs',
    title: '20 scheduled jobs with their last 5 runs',
    operation: operation('scheduled-jobs'),
    variables: { first: 20 },
    ceilingSql: `
      SELECT json_build_object('scheduledJobs', json_build_object(
        'totalCount', (SELECT count(*) FROM engine.scheduled_jobs),
        'edges', COALESCE((SELECT json_agg(json_build_object('node', json_build_object(
            'name', j.name, 'jobKind', j.job_kind, 'enabled', COALESCE(j.enabled <> 0, false), 'scheduleType', j.schedule_type,
            'runs', COALESCE((SELECT json_agg(json_build_object('status', r.status, 'scheduledAt', ${iso('r.scheduled_ts')},
                'startedAt', ${iso('r.started_ts')}, 'finishedAt', ${iso('r.finished_ts')}, 'targetHostname', r.target_hostname)
                ORDER BY r.scheduled_ts DESC, r.id DESC)
              FROM (SELECT * FROM engine.scheduled_job_runs WHERE job_id = j.id ORDER BY scheduled_ts DESC, id DESC LIMIT 5) r), '[]'::json)))
            ORDER BY j.name, j.id)
          FROM (SELECT * FROM engine.scheduled_jobs ORDER BY name, id LIMIT $1) j), '[]'::json)
      ))::text AS data`,
    ceilingParams: [20],
  },
];

/**
 * The gateway's `data` in the ceiling's terms: an opaque connection cursor becomes the sort key it
 * encodes (the gateway's cursor is base64 JSON whose last element is the key values).
 */
export function normalizeGatewayData(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeGatewayData(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeGatewayData(v, k)]));
  }
  if (key === 'endCursor' && typeof value === 'string') {
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown[];
    return decoded[decoded.length - 1];
  }
  return value;
}

/** Paths where two JSON values differ (at most `limit`), for a loud mismatch report. */
export function differences(expected: unknown, actual: unknown, at = '$', limit = 5): string[] {
  if (Object.is(expected, actual)) return [];
  const bothObjects = expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object';
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(actual)) {
    return [`${at}: ceiling ${JSON.stringify(expected)?.slice(0, 120)} vs gateway ${JSON.stringify(actual)?.slice(0, 120)}`];
  }
  const found: string[] = [];
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length !== actual.length) {
    found.push(`${at}: ceiling has ${expected.length} items, gateway ${actual.length}`);
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    if (found.length >= limit) break;
    const child = Array.isArray(expected) ? `${at}[${key}]` : `${at}.${key}`;
    found.push(...differences((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], child, limit - found.length));
  }
  return found.slice(0, limit);
}
