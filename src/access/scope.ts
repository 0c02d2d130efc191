/**
 * Site scope at the data level (borealis-agent-api.md section 6). Every list, count, relation and
 * node lookup adds these conditions to its SQL `where`, so pages and totals are right and an id
 * outside the operator's sites cannot be probed.
 *
 * - Admin: everything. A User: only the sites in user_site_assignments (none -> nothing).
 * - Devices belong to a site only through device_sites (hostname); unassigned devices are admin-only.
 * - Approvals, incidents, device states, overrides, run/onboarding targets, work items, workers:
 *   by their own site_id column.
 * - Activity and Ansible recaps: by their device's site.
 * - Runs and jobs: by their resolved targets (every resolved target inside the operator's sites).
 * - Watchdogs and device filters: by their site lists; a global one without site rows is admin-only.
 * - Admin-only tables (operators, credentials, patch management, workflows, ...): `adminOnly`.
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
   * in the operator's sites (an id list bounded by the number of shared runs).
   */
  runs(): Promise<Prisma.ScheduledJobRunWhereInput>;
  /** Ids (bigint) of visible rows for scopes that need a join Prisma cannot express; null = all. */
  jobIds(): Promise<bigint[] | null>;
  watchdogIds(): Promise<bigint[] | null>;
  filterIds(): Promise<bigint[] | null>;
}

export function createScope(prisma: Db, identity: OperatorIdentity | null): Scope {
  const isAdmin = identity?.isAdmin ?? false;
  // Anonymous requests see nothing; resolvers refuse them before this matters.
  const siteIds = identity ? identity.siteIds : [];
  const sites = siteIds === null ? null : [...siteIds];

  const idSet = (sql: Prisma.Sql) =>
    once(async () => {
      if (sites === null) return null;
      if (sites.length === 0) return [];
      const rows = await prisma.$queryRaw<Array<{ id: bigint }>>(sql);
      return rows.map((r) => BigInt(r.id));
    });

  const siteArray = Prisma.sql`${sites ?? []}::int[]`;
  const sharedRuns = idSet(Prisma.sql`
      SELECT r.id::bigint AS id FROM engine.scheduled_job_runs r
        JOIN engine.scheduled_job_run_targets t ON t.run_id = r.id
       WHERE coalesce(r.target_hostname, '') = ''
       GROUP BY r.id HAVING bool_and(coalesce(t.site_id = ANY(${siteArray}), false))`);
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
      const sharedRunIds = await sharedRuns();
      return {
        OR: [
          { device: { is: { deviceSite: { is: { siteId: { in: sites } } } } } },
          { id: { in: sharedRunIds ?? [] } },
        ],
      };
    }),
    jobIds: idSet(Prisma.sql`
      SELECT r.job_id::bigint AS id FROM engine.scheduled_job_runs r
        JOIN engine.scheduled_job_run_targets t ON t.run_id = r.id
       GROUP BY r.job_id HAVING bool_and(coalesce(t.site_id = ANY(${siteArray}), false))`),
    watchdogIds: idSet(Prisma.sql`
      SELECT DISTINCT watchdog_id::bigint AS id FROM engine.watchdog_sites WHERE site_id = ANY(${siteArray})`),
    filterIds: idSet(Prisma.sql`
      SELECT DISTINCT filter_id::bigint AS id FROM engine.device_filter_sites WHERE site_id = ANY(${siteArray})`),
  };
}

/**
 * For admin-only tables: nothing is added for an Admin, no row matches for anyone else. The
 * condition is an empty `in` on a key column (`id` unless told), which Prisma renders as FALSE at
 * any depth. Never `{ OR: [] }`: Prisma 7 renders an empty `OR` nested in an `AND` as TRUE.
 */
export function adminOnly(scope: Scope): { id?: { in: never[] } };
export function adminOnly<const K extends string>(scope: Scope, key: K): Partial<Record<K, { in: never[] }>>;
export function adminOnly(scope: Scope, key = 'id'): Partial<Record<string, { in: never[] }>> {
  return scope.isAdmin ? {} : { [key]: { in: [] } };
}

/** `{ id: { in: ids } }` for a scope id set, nothing added when unrestricted. */
export function idScope(ids: bigint[] | null): { id?: { in: bigint[] } } {
  return ids === null ? {} : { id: { in: ids } };
}
