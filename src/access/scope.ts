/**
 * Site scope at the data level (borealis-agent-api.md section 6): the site sets and id sets the
 * access rules (rules.ts) are built on. Every list, count, relation and node lookup adds its
 * model's rule to its SQL `where`, so pages and totals are right and an id outside the operator's
 * sites cannot be probed.
 *
 * - Admin: everything. A User: only the sites in user_site_assignments (none -> nothing).
 * - Devices belong to a site only through device_sites (hostname); unassigned devices are admin-only.
 * - Approvals, incidents, device states, overrides, run/onboarding targets, work items, workers:
 *   by their own site_id column.
 * - Activity and Ansible recaps: by their device's site.
 * - Jobs: by their saved `targets_json` (every target resolves to the operator's sites).
 * - Runs: per-device runs by their device; shared runs by all their run targets; skipped runs
 *   (neither) by their job.
 * - Watchdogs and device filters: by their site lists; a global one without site rows is admin-only.
 * - Watchdog targets: each row when its target resolves to the operator's sites (like job targets).
 * - Admin-only tables (operators, credentials, patch management, workflows, ...): rules.ts.
 */
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/prisma.js';
import { once } from './batch.js';
import type { OperatorIdentity } from '../auth/identity.js';

export interface Scope {
  readonly identity: OperatorIdentity | null;
  readonly isAdmin: boolean;
  /** null: every site. */
  readonly siteIds: readonly number[] | null;
  sites(): Prisma.SiteWhereInput;
  devices(): Prisma.DeviceWhereInput;
  /** For models with their own site_id column. */
  bySiteId(): { siteId?: { in: number[] } };
  /** For models that name their device by hostname through a Prisma relation `device`. */
  byDevice(): { device?: { is: Prisma.DeviceWhereInput } };
  /**
   * Runs: a per-device run through its target device's site (a join, so no id list however many
   * runs exist); a shared run (no target hostname, e.g. Ansible) when all its resolved targets are
   * in the operator's sites; a skipped run (no target hostname, no run targets) follows its job.
   * The last two are an id list bounded by the hostname-less runs.
   */
  runs(): Promise<Prisma.ScheduledJobRunWhereInput>;
  /** `runs()` as an SQL condition on the run aliased `run`, for statements Prisma cannot express. */
  runsSql(run: Prisma.Sql): Promise<Prisma.Sql>;
  /** The Device rule in SQL for the device with this hostname (an SQL expression): in device_sites of the sites. */
  deviceSql(hostname: Prisma.Sql): Prisma.Sql;
  /** byDevice() in SQL: a device with this hostname exists and is in device_sites of the sites. */
  byDeviceSql(hostname: Prisma.Sql): Prisma.Sql;
  /**
   * A row (watchdog, device filter) linked to one of the sites through its site table
   * (`links.column` = row.id): the SQL form of watchdogIds() / filterIds(), without their statement.
   */
  linkedToSitesSql(links: Prisma.Sql, column: Prisma.Sql, row: Prisma.Sql): Prisma.Sql;
  /** Ids (bigint) of visible rows for scopes that need a join Prisma cannot express; null = all. */
  jobIds(): Promise<bigint[] | null>;
  watchdogIds(): Promise<bigint[] | null>;
  /** Watchdog target rows whose target resolves to the operator's sites (like job targets). */
  watchdogTargetIds(): Promise<bigint[] | null>;
  filterIds(): Promise<bigint[] | null>;
}

export function createScope(prisma: Db, identity: OperatorIdentity | null): Scope {
  const isAdmin = identity?.isAdmin ?? false;
  // Anonymous requests see nothing; resolvers refuse them before this matters.
  const siteIds = identity ? identity.siteIds : [];
  const sites = siteIds === null ? null : [...siteIds];

  // `sql` may itself need a read first (the stored JSON the rule parses): a function then.
  const idSet = (sql: Prisma.Sql | (() => Promise<Prisma.Sql>)) =>
    once(async () => {
      if (sites === null) return null;
      if (sites.length === 0) return [];
      const rows = await prisma.$queryRaw<Array<{ id: bigint }>>(typeof sql === 'function' ? await sql() : sql);
      return rows.map((r) => BigInt(r.id));
    });

  const siteArray = Prisma.sql`${sites ?? []}::int[]`;
  const jobIds = idSet(async () => {
    const jobs = await prisma.$queryRaw<Array<{ id: bigint; targets_json: string | null }>>`
      SELECT id::bigint AS id, targets_json FROM engine.scheduled_jobs`;
    const targets = jobs.flatMap((job) => savedTargetList(job.targets_json).map((target) => ({ id: job.id, target })));
    return visibleJobsSql(targetRows(targets), siteArray);
  });
  // Runs without a target hostname: shared runs (with run targets) by all their targets; skipped
  // runs (no run targets) follow their job. One condition, used as an id set (Prisma) and inline (SQL).
  const hostnamelessRunSql = (run: Prisma.Sql, visibleJobs: bigint[]) => Prisma.sql`
    coalesce(${run}.target_hostname, '') = ''
    AND CASE WHEN EXISTS (SELECT 1 FROM engine.scheduled_job_run_targets t WHERE t.run_id = ${run}.id)
             THEN NOT EXISTS (SELECT 1 FROM engine.scheduled_job_run_targets t
                               WHERE t.run_id = ${run}.id AND NOT coalesce(t.site_id = ANY(${siteArray}), false))
             ELSE ${run}.job_id = ANY(${visibleJobs}::bigint[]) END`;
  // Bounded by the hostname-less runs, not the history.
  const hostnamelessRuns = once(async () => {
    if (sites === null || sites.length === 0) return [];
    const visibleJobs = (await jobIds()) ?? [];
    const rows = await prisma.$queryRaw<Array<{ id: bigint }>>(
      Prisma.sql`SELECT r.id::bigint AS id FROM engine.scheduled_job_runs r WHERE ${hostnamelessRunSql(Prisma.raw('r'), visibleJobs)}`,
    );
    return rows.map((r) => BigInt(r.id));
  });
  return {
    identity,
    isAdmin,
    siteIds: sites,
    sites: () => (sites === null ? {} : { id: { in: sites.map(BigInt) } }),
    devices: () => (sites === null ? {} : { deviceSite: { is: { siteId: { in: sites } } } }),
    bySiteId: () => (sites === null ? {} : { siteId: { in: sites } }),
    byDevice: () => (sites === null ? {} : { device: { is: { deviceSite: { is: { siteId: { in: sites } } } } } }),
    runs: once(async () => {
      if (sites === null) return {};
      return {
        OR: [
          { targetHostname: { not: '' }, device: { is: { deviceSite: { is: { siteId: { in: sites } } } } } },
          { id: { in: await hostnamelessRuns() } },
        ],
      };
    }),
    // The same two branches as `runs()`, in SQL, with the hostname-less branch inline (no id set).
    runsSql: async (run) => {
      if (sites === null) return Prisma.sql`TRUE`;
      return Prisma.sql`((${run}.target_hostname <> '' AND EXISTS (
          SELECT 1 FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
           WHERE d.hostname = ${run}.target_hostname AND ds.site_id = ANY(${siteArray})))
        OR (${hostnamelessRunSql(run, (await jobIds()) ?? [])}))`;
    },
    deviceSql: (hostname) =>
      sites === null
        ? Prisma.sql`TRUE`
        : Prisma.sql`EXISTS (SELECT 1 FROM engine.device_sites ds WHERE ds.device_hostname = ${hostname} AND ds.site_id = ANY(${siteArray}))`,
    byDeviceSql: (hostname) =>
      sites === null
        ? Prisma.sql`TRUE`
        : Prisma.sql`EXISTS (SELECT 1 FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                       WHERE d.hostname = ${hostname} AND ds.site_id = ANY(${siteArray}))`,
    linkedToSitesSql: (links, column, row) =>
      sites === null
        ? Prisma.sql`TRUE`
        : Prisma.sql`EXISTS (SELECT 1 FROM ${links} link WHERE link.${column} = ${row}.id AND link.site_id = ANY(${siteArray}))`,
    jobIds,
    watchdogTargetIds: idSet(async () => {
      const rows = await prisma.$queryRaw<Array<{ id: bigint; kind: string; target_json: string | null }>>`
        SELECT id::bigint AS id, kind, target_json FROM engine.watchdog_targets`;
      // The row's `kind` column stands in when the JSON object has none.
      const targets = rows.map((row) => {
        const target = parseStoredJson(row.target_json);
        const withKind = target !== null && typeof target === 'object' && !Array.isArray(target) ? { kind: row.kind, ...target } : target;
        return { id: row.id, target: withKind };
      });
      return Prisma.sql`SELECT id::bigint AS id FROM (${resolvedTargetsSql(targetRows(targets), siteArray)}) AS resolved WHERE in_scope`;
    }),
    watchdogIds: idSet(Prisma.sql`
      SELECT DISTINCT watchdog_id::bigint AS id FROM engine.watchdog_sites WHERE site_id = ANY(${siteArray})`),
    filterIds: idSet(Prisma.sql`
      SELECT DISTINCT filter_id::bigint AS id FROM engine.device_filter_sites WHERE site_id = ANY(${siteArray})`),
  };
}

/**
 * Whether each saved target resolves to the operator's sites (agent API section 6), for rows of
 * `source` (`SELECT id, target` with `target` jsonb, NULL when malformed): a hostname (plain string
 * or `kind: device`) through device_sites; a `kind: filter` target when its filter has
 * device_filter_sites rows and all of them are in scope (a global filter without site rows is out
 * of scope); an `onboarding_scope` by its `site_id`. Anything else is out of scope.
 */
function resolvedTargetsSql(source: Prisma.Sql, siteArray: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH target_rows AS (
      SELECT src.id, src.target,
             CASE WHEN jsonb_typeof(src.target) = 'string' THEN src.target #>> '{}'
                  WHEN src.target ->> 'kind' = 'device' THEN src.target ->> 'hostname' END AS hostname,
             CASE WHEN src.target ->> 'filter_id' ~ '^[0-9]{1,9}$' THEN (src.target ->> 'filter_id')::int END AS filter_id,
             CASE WHEN src.target ->> 'site_id' ~ '^[0-9]{1,9}$' THEN (src.target ->> 'site_id')::int END AS site_id
        FROM (${source}) AS src
    )
    SELECT id,
           CASE
             WHEN hostname IS NOT NULL THEN EXISTS (
               SELECT 1 FROM engine.device_sites ds WHERE ds.device_hostname = target_rows.hostname AND ds.site_id = ANY(${siteArray}))
             WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'filter' AND filter_id IS NOT NULL THEN
               EXISTS (SELECT 1 FROM engine.device_filter_sites fs WHERE fs.filter_id = target_rows.filter_id)
               AND NOT EXISTS (SELECT 1 FROM engine.device_filter_sites fs
                                WHERE fs.filter_id = target_rows.filter_id AND NOT fs.site_id = ANY(${siteArray}))
             WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'onboarding_scope' THEN
               coalesce(target_rows.site_id = ANY(${siteArray}), false)
             ELSE false
           END AS in_scope
      FROM target_rows`;
}

/**
 * Whether each of `targets` (a target list about to be saved, or a saved one being changed)
 * resolves to `siteIds`, by the same rule that scopes saved jobs and watchdog targets on read:
 * rows `(id, in_scope)`, `id` being the target's index in the list.
 */
export function targetsInScopeSql(targets: readonly unknown[], siteIds: readonly number[]): Prisma.Sql {
  return resolvedTargetsSql(targetRows(targets.map((target, index) => ({ id: BigInt(index), target }))), Prisma.sql`${[...siteIds]}::int[]`);
}

/**
 * Stored JSON text as a value, or null when it is not JSON. Parsed here, not in SQL: PostgreSQL 15
 * cannot test a text for JSON validity without failing the whole statement (`pg_input_is_valid`
 * is 16+), and one malformed Borealis row must only hide itself, not fail the list.
 */
function parseStoredJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The elements of a saved target list (`targets_json`); malformed or not a list: none (out of scope). */
function savedTargetList(text: string | null): unknown[] {
  const parsed = parseStoredJson(text);
  return Array.isArray(parsed) ? parsed : [];
}

/**
 * Parsed targets as an SQL row source (`id`, `target` jsonb) for resolvedTargetsSql. A target
 * PostgreSQL's jsonb cannot hold (a \u0000 escape) becomes JSON null: unresolvable, so out of scope.
 */
function targetRows(targets: Array<{ id: bigint; target: unknown }>): Prisma.Sql {
  const texts = targets.map(({ target }) => {
    const text = JSON.stringify(target ?? null);
    return text.includes('\\u0000') ? 'null' : text;
  });
  return Prisma.sql`SELECT * FROM unnest(${targets.map((t) => t.id)}::bigint[], ${texts}::jsonb[]) AS src(id, target)`;
}

/**
 * Jobs whose every saved target (`scheduled_jobs.targets_json`) resolves to the operator's sites.
 * Malformed JSON, an empty list or one unresolvable target: out of scope. Bounded by the jobs table.
 */
function visibleJobsSql(targets: Prisma.Sql, siteArray: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT id::bigint AS id FROM (${resolvedTargetsSql(targets, siteArray)}) AS resolved GROUP BY id HAVING bool_and(in_scope)`;
}

