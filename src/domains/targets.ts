/**
 * Targets as scheduled jobs and watchdogs save them (Borealis's `normalize_targets_for_save`, the
 * same list format for both): a device `{device_guid, hostname, kind: "device", site_id,
 * site_name}` or a device filter `{filter_id, kind: "filter", name}`, stamped for a User with
 * `allowed_site_ids` (their sites at save time, agent API section 6). Each target must exist and,
 * for a User, resolve to their sites by the rule that scopes saved targets on read
 * (`targetsInScopeSql`); a missing target and another site's target get the same message.
 */
import type pg from 'pg';
import { z } from 'zod';
import { targetsInScopeSql } from '../access/scope.js';
import type { OperatorIdentity } from '../auth/identity.js';
import { Prisma } from '../generated/prisma/client.js';
import { run } from './commands.js';
import { databaseId, hostnameSchema } from './config-commands.js';
import type { FieldProblem } from './errors.js';

export const targetInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('device'), hostname: hostnameSchema }),
  z.object({ kind: z.literal('filter'), filterId: databaseId }),
]);
export type TargetInput = z.output<typeof targetInput>;
export const targetListSchema = z.array(targetInput).min(1, 'at least one target device or filter is required').max(500);

export type SavedTarget =
  | { kind: 'device'; device_guid: string; hostname: string; site_id: number | null; site_name: string }
  | { kind: 'filter'; filter_id: number; name: string; allowed_site_ids?: number[] };

const NO_DEVICE = 'No device with this hostname.';
const NO_FILTER = 'No device filter with this id.';

/**
 * The saved form of `targets` (duplicates dropped), or the problems at `path.<index>`. Reads the
 * devices and filters on the transaction's session, so the scope check sees what will be saved.
 */
export async function normalizeTargets(
  tx: pg.PoolClient,
  identity: OperatorIdentity,
  targets: readonly TargetInput[],
  path: string,
): Promise<{ saved: SavedTarget[]; problems: FieldProblem[] }> {
  const hostnames = targets.flatMap((t) => (t.kind === 'device' ? [t.hostname.toLowerCase()] : []));
  const filterIds = targets.flatMap((t) => (t.kind === 'filter' ? [t.filterId] : []));
  const { rows: devices } = await run<{ guid: string; hostname: string; site_id: number | null; site_name: string | null }>(
    tx,
    Prisma.sql`SELECT d.guid, d.hostname, ds.site_id, s.name AS site_name
                 FROM engine.devices d
                 LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                 LEFT JOIN engine.sites s ON s.id = ds.site_id
                WHERE lower(d.hostname) = ANY(${hostnames}::text[])`,
  );
  const { rows: filters } = await run<{ id: string; name: string; archived: number }>(
    tx,
    Prisma.sql`SELECT id::text AS id, name, archived FROM engine.device_filters WHERE id = ANY(${filterIds}::bigint[])`,
  );
  const problems: FieldProblem[] = [];
  const candidates: Array<{ index: number; target: SavedTarget; archived: boolean }> = [];
  const seen = new Set<string>();
  targets.forEach((target, index) => {
    if (target.kind === 'device') {
      const device = devices.find((d) => d.hostname.toLowerCase() === target.hostname.toLowerCase());
      if (!device) return problems.push({ path: [path, index, 'hostname'], message: NO_DEVICE });
      if (seen.has(`device:${device.hostname}`)) return;
      seen.add(`device:${device.hostname}`);
      candidates.push({
        index,
        archived: false,
        target: { kind: 'device', device_guid: device.guid.toLowerCase(), hostname: device.hostname, site_id: device.site_id, site_name: device.site_name ?? '' },
      });
    } else {
      const filter = filters.find((f) => Number(f.id) === target.filterId);
      if (!filter) return problems.push({ path: [path, index, 'filterId'], message: NO_FILTER });
      if (seen.has(`filter:${filter.id}`)) return;
      seen.add(`filter:${filter.id}`);
      const stamp = identity.siteIds === null ? {} : { allowed_site_ids: [...identity.siteIds] };
      candidates.push({ index, archived: filter.archived !== 0, target: { kind: 'filter', filter_id: Number(filter.id), name: filter.name, ...stamp } });
    }
  });
  const inScope = await targetsInScope(tx, identity, candidates.map((c) => c.target));
  candidates.forEach((candidate, position) => {
    const field = candidate.target.kind === 'device' ? 'hostname' : 'filterId';
    if (!inScope[position]) problems.push({ path: [path, candidate.index, field], message: candidate.target.kind === 'device' ? NO_DEVICE : NO_FILTER });
    else if (candidate.archived) problems.push({ path: [path, candidate.index, field], message: 'Archived device filters cannot be targeted.' });
  });
  problems.sort((a, b) => Number(a.path[1]) - Number(b.path[1]));
  return { saved: candidates.map((c) => c.target), problems };
}

/** Per target, whether it resolves to the identity's sites (always true for an admin). */
export async function targetsInScope(tx: pg.PoolClient, identity: OperatorIdentity, targets: readonly unknown[]): Promise<boolean[]> {
  if (identity.siteIds === null) return targets.map(() => true);
  if (targets.length === 0) return [];
  const { rows } = await run<{ id: string; in_scope: boolean }>(tx, targetsInScopeSql(targets, identity.siteIds));
  const byIndex = new Map(rows.map((row) => [Number(row.id), row.in_scope]));
  return targets.map((_, index) => byIndex.get(index) === true);
}

/** A saved target list is in scope when it is a non-empty list whose every target is (the jobs read rule). */
export async function savedListInScope(tx: pg.PoolClient, identity: OperatorIdentity, targets: unknown): Promise<boolean> {
  if (identity.siteIds === null) return true;
  if (!Array.isArray(targets) || targets.length === 0) return false;
  return (await targetsInScope(tx, identity, targets)).every(Boolean);
}
