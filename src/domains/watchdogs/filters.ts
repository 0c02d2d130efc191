/** Watchdog and incident list filters: GraphQL input -> Prisma where, plain TypeScript (no scope). */
import type { Prisma } from '../../generated/prisma/client.js';
import { bigIdWhere, epochRangeWhere, flagWhere, intIdWhere, siteIdsWhere, statusWhere, stringWhere } from '../../graphql/inputs.js';
import { INCIDENT_STATE_SPELLING } from '../../graphql/enums.js';

type StringFilterValue = Parameters<typeof stringWhere>[0];
type IdFilterValue = Parameters<typeof bigIdWhere>[0];

export interface WatchdogListFilter {
  name?: StringFilterValue;
  enabled?: boolean | null;
  archived?: boolean | null;
  severity?: readonly string[] | null;
  /** Watchdogs that apply to any of these sites (resolved by the service: a site-link lookup). */
  siteIds?: readonly string[] | null;
}

/** The column conditions of a watchdog filter (the site links are the service's part). */
export function watchdogFilterWhere(filter: WatchdogListFilter | null | undefined): Prisma.WatchdogWhereInput {
  if (!filter) return {};
  return { name: stringWhere(filter.name), severity: statusWhere(filter.severity), enabled: flagWhere(filter.enabled), archived: flagWhere(filter.archived) };
}

export interface IncidentListFilter {
  state?: readonly string[] | null;
  severity?: readonly string[] | null;
  siteIds?: readonly string[] | null;
  watchdogId?: IdFilterValue;
  hostname?: StringFilterValue;
  openedAt?: Parameters<typeof epochRangeWhere>[0];
  id?: IdFilterValue;
}

export function incidentFilterWhere(filter: IncidentListFilter | null | undefined): Prisma.WatchdogIncidentWhereInput {
  return {
    id: bigIdWhere(filter?.id),
    state: statusWhere(filter?.state, INCIDENT_STATE_SPELLING),
    severity: statusWhere(filter?.severity),
    siteId: siteIdsWhere(filter?.siteIds),
    watchdogId: intIdWhere(filter?.watchdogId, 'watchdogId'),
    hostname: stringWhere(filter?.hostname),
    openedAt: epochRangeWhere(filter?.openedAt),
  };
}
