/**
 * `incidentChanged`: live changes of watchdog incidents as Borealis's watchdog runtime writes them
 * (opened, updated, acknowledged, suppressed, resolved), as `IncidentEvent`s carrying the same
 * `WatchdogIncident` type as the queries; scoped per event by the incidents rule (their site).
 */
import type { ModelRow } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { ChangeEventRef, columnChanged, inSites, kindIn, numericIds } from '../../graphql/change-events.js';
import { eventOrEnd, statusIn, subscribeToChanges, type Change } from '../../graphql/changes.js';
import { IncidentStateEnum, SeverityEnum } from '../../graphql/enums.js';
import { IncidentNode } from './graphql.js';

type IncidentRow = ModelRow<'WatchdogIncident'>;

export const INCIDENT_EVENT_KINDS = ['OPENED', 'UPDATED', 'ACKNOWLEDGED', 'SUPPRESSED', 'RESOLVED', 'DELETED'] as const;
export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];

export const IncidentEventKindEnum = builder.enumType('IncidentEventKind', {
  description: 'OPENED (new or reopened), ACKNOWLEDGED, SUPPRESSED, RESOLVED, UPDATED (anything else, e.g. a new trigger), DELETED (administrators only).',
  values: INCIDENT_EVENT_KINDS,
});

const STATE_KINDS: Record<string, IncidentEventKind> = { open: 'OPENED', suppressed: 'SUPPRESSED', resolved: 'RESOLVED' };

/**
 * What happened to the incident: a state change first, then an acknowledgement. Without the
 * capture's changed columns (polling), by the previous state when known, else by the timestamp
 * Borealis sets with the change (resolved_at, acknowledged_at equal to updated_at).
 */
export function incidentEventKind(change: Change<IncidentRow>): IncidentEventKind {
  if (change.operation === 'INSERT') return 'OPENED';
  if (change.operation === 'DELETE') return 'DELETED';
  const incident = change.row;
  const state = (change.status ?? '').toLowerCase();
  const stateChanged =
    columnChanged(change, 'state') ??
    (change.previousStatus !== null ? change.previousStatus.toLowerCase() !== state : state === 'resolved' && incident?.resolvedAt === incident?.updatedAt);
  if (stateChanged && STATE_KINDS[state]) return STATE_KINDS[state];
  const acknowledged = columnChanged(change, 'acknowledged_at') ?? incident?.acknowledgedAt === incident?.updatedAt;
  if (acknowledged && incident?.acknowledgedAt != null) return 'ACKNOWLEDGED';
  return 'UPDATED';
}

const IncidentEvent = builder.objectRef<Change<IncidentRow>>('IncidentEvent').implement({
  description: 'A change of a watchdog incident.',
  interfaces: [ChangeEventRef],
  isTypeOf: (change) => (change as Change).table === 'watchdog_incidents',
  fields: (t) => ({
    kind: t.field({ type: IncidentEventKindEnum, resolve: incidentEventKind }),
    incidentId: t.id({ description: 'The incident (its databaseId).', resolve: (change) => change.key }),
    state: t.exposeString('status', { nullable: true }),
    previousState: t.exposeString('previousStatus', { nullable: true, description: 'Null when unknown (polling) or for a new incident.' }),
    incident: t.field({ type: IncidentNode, nullable: true, description: 'The incident now; null once deleted.', resolve: (change) => change.row }),
  }),
});

builder.subscriptionField('incidentChanged', (t) =>
  t.field({
    type: IncidentEvent,
    description: 'Changes of the watchdog incidents you may see, optionally filtered; `after` resumes after an event\'s cursor.',
    args: {
      after: t.arg.string(),
      kinds: t.arg({ type: [IncidentEventKindEnum] }),
      severity: t.arg({ type: [SeverityEnum] }),
      state: t.arg({ type: [IncidentStateEnum], description: 'Incidents whose state is now one of these.' }),
      siteIds: t.arg.idList(),
      watchdogIds: t.arg.idList({ description: 'Incidents of these watchdogs (databaseId).' }),
    },
    subscribe: (_root, args, ctx) => {
      const sites = numericIds(args.siteIds, 'siteIds');
      const watchdogs = numericIds(args.watchdogIds, 'watchdogIds');
      return subscribeToChanges<IncidentRow>(ctx, {
        table: 'watchdog_incidents',
        after: args.after,
        accepts: (change) =>
          statusIn(change.status, args.state) &&
          inSites(change.siteIds, sites) &&
          (watchdogs === null || (change.row !== null && watchdogs.includes(change.row.watchdogId))) &&
          (!args.severity?.length || (change.row !== null && statusIn(change.row.severity, args.severity))) &&
          kindIn(incidentEventKind(change), args.kinds),
      });
    },
    resolve: (item) => eventOrEnd(item),
  }),
);
