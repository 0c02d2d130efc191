/**
 * Site ownership computed independently of the gateway (plain SQL reads, rules written out in
 * TypeScript), so the access tests compare the gateway's SQL rules with a second implementation.
 */
import type pg from 'pg';

export interface Ownership {
  /** device_sites: hostname -> site id. */
  siteOfHostname: Map<string, number>;
  /** devices.guid (upper-case) -> hostname. */
  hostnameOfGuid: Map<string, string>;
  /** device_filter_sites: filter id -> site ids. */
  sitesOfFilter: Map<number, number[]>;
  /** watchdog_sites: watchdog id -> site ids. */
  sitesOfWatchdog: Map<number, number[]>;
  jobs: Array<{ id: number; targetsJson: string | null }>;
}

export async function readOwnership(pool: pg.Pool): Promise<Ownership> {
  const q = async <R extends pg.QueryResultRow>(sql: string) => (await pool.query<R>(sql)).rows;
  const groups = (rows: Array<{ key: number; site_id: number }>) => {
    const map = new Map<number, number[]>();
    for (const row of rows) map.set(Number(row.key), [...(map.get(Number(row.key)) ?? []), Number(row.site_id)]);
    return map;
  };
  return {
    siteOfHostname: new Map((await q<{ device_hostname: string; site_id: number }>('SELECT device_hostname, site_id FROM engine.device_sites')).map((r) => [r.device_hostname, Number(r.site_id)])),
    hostnameOfGuid: new Map((await q<{ guid: string; hostname: string }>('SELECT guid, hostname FROM engine.devices')).map((r) => [r.guid.toUpperCase(), r.hostname])),
    sitesOfFilter: groups(await q('SELECT filter_id AS key, site_id FROM engine.device_filter_sites')),
    sitesOfWatchdog: groups(await q('SELECT watchdog_id AS key, site_id FROM engine.watchdog_sites')),
    jobs: (await q<{ id: string; targets_json: string | null }>('SELECT id, targets_json FROM engine.scheduled_jobs')).map((r) => ({ id: Number(r.id), targetsJson: r.targets_json })),
  };
}

/** Borealis's job rule (agent API section 6): every saved target resolves to one of `sites`. */
export function jobInScope(targetsJson: string | null, sites: readonly number[], own: Ownership): boolean {
  let targets: unknown;
  try {
    targets = JSON.parse(targetsJson ?? '');
  } catch {
    return false;
  }
  if (!Array.isArray(targets) || targets.length === 0) return false;
  const hostInScope = (hostname: unknown) => typeof hostname === 'string' && sites.includes(own.siteOfHostname.get(hostname) ?? -1);
  return targets.every((target) => {
    if (typeof target === 'string') return hostInScope(target);
    if (typeof target !== 'object' || target === null) return false;
    const t = target as Record<string, unknown>;
    if (t.kind === 'device') return hostInScope(t.hostname);
    if (t.kind === 'filter') {
      const filterSites = own.sitesOfFilter.get(Number(t.filter_id)) ?? [];
      return filterSites.length > 0 && filterSites.every((site) => sites.includes(site));
    }
    if (t.kind === 'onboarding_scope') return sites.includes(Number(t.site_id));
    return false;
  });
}

export function visibleJobIds(sites: readonly number[], own: Ownership): number[] {
  return own.jobs.filter((job) => jobInScope(job.targetsJson, sites, own)).map((job) => job.id);
}
