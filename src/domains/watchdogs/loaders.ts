/**
 * Watchdog loaders. Watchdog foreign keys are int4 -> int8, so every watchdog relation is a loader
 * (one statement per relation per query level), and each applies the rule of the model it reads:
 * an incident of the user's site names its watchdog only when that watchdog is in scope too.
 */
import { byId, childrenBy, perFilter } from '../../access/batch.js';
import { statusWhere } from '../../graphql/inputs.js';

export const watchdogById = byId('Watchdog');
export const incidentById = byId('WatchdogIncident');

export const sitesOfWatchdog = childrenBy('WatchdogSite', 'watchdogId', { orderBy: { siteId: 'asc' } });
export const targetsOfWatchdog = childrenBy('WatchdogTarget', 'watchdogId', { orderBy: { id: 'asc' } });
export const overridesOfWatchdog = childrenBy('WatchdogDeviceOverride', 'watchdogId', { orderBy: { id: 'asc' } });
export const statesOfWatchdog = childrenBy('WatchdogDeviceState', 'watchdogId', { orderBy: { id: 'asc' } });
/** One loader per state filter, so `incidents(state: [OPEN])` batches across watchdogs too. */
export const incidentsOfWatchdog = perFilter((states: readonly string[] | null | undefined) =>
  childrenBy('WatchdogIncident', 'watchdogId', { where: { state: statusWhere(states) }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] }),
);
