/** Watchdog and incident queries shared by GraphQL and the REST router to come. */
import type { Prisma } from '../../generated/prisma/client.js';
import type { Loaders } from '../../access/loaders.js';
import { scopedWhere, type AccessContext } from '../../access/rules.js';
import { siteIdsWhere } from '../../graphql/inputs.js';
import { incidentFilterWhere, watchdogFilterWhere, type IncidentListFilter, type WatchdogListFilter } from './filters.js';
import { incidentById, watchdogById } from './loaders.js';

/** The `where` of a watchdog list: the filter inside the Watchdog rule. */
export async function listWatchdogsWhere(ctx: AccessContext, filter: WatchdogListFilter | null | undefined): Promise<Prisma.WatchdogWhereInput> {
  const conditions: Prisma.WatchdogWhereInput[] = [watchdogFilterWhere(filter)];
  if (filter?.siteIds) {
    // watchdog_sites.watchdog_id is int4 (no Prisma relation): the links are bounded by the watchdogs.
    const links = await ctx.prisma.watchdogSite.findMany({ where: { siteId: siteIdsWhere(filter.siteIds) }, select: { watchdogId: true } });
    conditions.push({ id: { in: links.map((link) => BigInt(link.watchdogId)) } });
  }
  return scopedWhere('Watchdog', ctx.scope, { AND: conditions });
}

export function listIncidentsWhere(ctx: AccessContext, filter: IncidentListFilter | null | undefined) {
  return scopedWhere('WatchdogIncident', ctx.scope, incidentFilterWhere(filter));
}

export function findWatchdog(ctx: { loaders: Loaders }, id: number | bigint) {
  return ctx.loaders.use(watchdogById).load(id);
}

export function findIncident(ctx: { loaders: Loaders }, id: number | bigint) {
  return ctx.loaders.use(incidentById).load(id);
}
