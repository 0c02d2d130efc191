/**
 * Watchdog loaders. Watchdog foreign keys are int4 -> int8, so every watchdog relation is a loader
 * (one statement per relation per query level), and each applies the rule of the model it reads:
 * an incident of the user's site names its watchdog only when that watchdog is in scope too.
 */
import { byId, childrenBy, firstPerParent, omittedColumnsBy, perFilter, type FirstPerParentOptions } from '../../access/batch.js';
import { Prisma } from '../../generated/prisma/client.js';
import { statusSql } from '../../graphql/inputs.js';
import { INCIDENT_STATE_SPELLING } from '../../graphql/enums.js';

export const watchdogById = byId('Watchdog');
export const incidentById = byId('WatchdogIncident');
/** An incident's JSON documents (omitted from every other read): its sample, rule and action summaries. */
export const incidentDocuments = omittedColumnsBy('WatchdogIncident', 'id', { sampleJson: true, ruleSummaryJson: true, actionSummaryJson: true });

export const sitesOfWatchdog = childrenBy('WatchdogSite', 'watchdogId', { orderBy: { siteId: 'asc' } });
export const targetsOfWatchdog = childrenBy('WatchdogTarget', 'watchdogId', { orderBy: { id: 'asc' } });
export const overridesOfWatchdog = childrenBy('WatchdogDeviceOverride', 'watchdogId', { orderBy: { id: 'asc' } });
export const statesOfWatchdog = childrenBy('WatchdogDeviceState', 'watchdogId', { orderBy: { id: 'asc' } });
/**
 * The newest `first` incidents of each watchdog in scope (limited per watchdog in SQL); one loader
 * per state filter and page size, so `incidents(state: [OPEN], first: 5)` batches across watchdogs.
 */
export const incidentsOfWatchdogPage = ({ states, first }: { states: readonly string[] | null | undefined; first: number }): FirstPerParentOptions => ({
  table: Prisma.sql`engine.watchdog_incidents`,
  keyType: 'int',
  match: (row, watchdog) => Prisma.sql`${row}.watchdog_id = ${watchdog}`,
  where: (row) => statusSql(row, 'state', states, INCIDENT_STATE_SPELLING),
  orderBy: (row) => Prisma.sql`${row}.opened_at DESC, ${row}.id DESC`,
  first,
});
export const incidentsOfWatchdog = perFilter((page: Parameters<typeof incidentsOfWatchdogPage>[0]) =>
  firstPerParent<'WatchdogIncident', bigint>('WatchdogIncident', incidentsOfWatchdogPage(page)),
);
