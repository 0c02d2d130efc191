/**
 * `runChanged`: live changes of scheduled job runs (the scheduler moving them through Pending,
 * Running, Success/Failed/...), as `RunEvent`s carrying the same `ScheduledJobRun` type as the
 * queries. Captured in the database (src/db/change-capture.ts), scoped per event by the runs rule.
 */
import type { ModelRow } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { ChangeEventRef, columnChanged, inSites, kindIn, numericIds } from '../../graphql/change-events.js';
import { eventOrEnd, statusIn, subscribeToChanges, type Change } from '../../graphql/changes.js';
import { RunStatusEnum } from '../../graphql/enums.js';
import { parseBigId } from '../../graphql/ids.js';
import { RunNode } from './graphql.js';

type RunRow = ModelRow<'ScheduledJobRun'>;

export const RUN_EVENT_KINDS = ['CREATED', 'STATUS_CHANGED', 'UPDATED', 'DELETED'] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

export const RunEventKindEnum = builder.enumType('RunEventKind', {
  description: 'CREATED: a new run; STATUS_CHANGED: its status moved; UPDATED: other columns; DELETED: gone (administrators only).',
  values: RUN_EVENT_KINDS,
});

/**
 * What happened to the run. Without the capture's changed columns (polling), a status change is
 * recognised by the previous status when known, else by the timestamp Borealis sets with it.
 */
export function runEventKind(change: Change<RunRow>): RunEventKind {
  if (change.operation === 'INSERT') return 'CREATED';
  if (change.operation === 'DELETE') return 'DELETED';
  const run = change.row;
  const statusChanged =
    columnChanged(change, 'status') ??
    (change.previousStatus !== null
      ? change.previousStatus !== change.status
      : run !== null && run.updatedAt !== null && (run.startedTs === run.updatedAt || run.finishedTs === run.updatedAt));
  return statusChanged ? 'STATUS_CHANGED' : 'UPDATED';
}

const RunEvent = builder.objectRef<Change<RunRow>>('RunEvent').implement({
  description: 'A change of a scheduled job run.',
  interfaces: [ChangeEventRef],
  isTypeOf: (change) => (change as Change).table === 'scheduled_job_runs',
  fields: (t) => ({
    kind: t.field({ type: RunEventKindEnum, resolve: runEventKind }),
    runId: t.id({ description: 'The run (its databaseId).', resolve: (change) => change.key }),
    status: t.exposeString('status', { nullable: true }),
    previousStatus: t.exposeString('previousStatus', { nullable: true, description: 'Null when unknown (polling) or for a new run.' }),
    run: t.field({ type: RunNode, nullable: true, description: 'The run now; null once deleted.', resolve: (change) => change.row }),
  }),
});

builder.subscriptionField('runChanged', (t) =>
  t.field({
    type: RunEvent,
    description: 'Changes of the scheduled job runs you may see, optionally filtered; `after` resumes after an event\'s cursor.',
    args: {
      after: t.arg.string(),
      jobIds: t.arg.idList({ description: 'Runs of these jobs (databaseId).' }),
      runIds: t.arg.idList({ description: 'These runs (databaseId).' }),
      status: t.arg({ type: [RunStatusEnum], description: 'Runs whose status is now one of these.' }),
      siteIds: t.arg.idList({ description: "Runs whose device (or one of whose targets) is in one of these sites." }),
      kinds: t.arg({ type: [RunEventKindEnum] }),
    },
    subscribe: (_root, args, ctx) => {
      const jobs = numericIds(args.jobIds, 'jobIds');
      const runs = args.runIds?.length ? args.runIds.map((id) => parseBigId(id, 'runIds').toString()) : null;
      const sites = numericIds(args.siteIds, 'siteIds');
      return subscribeToChanges<RunRow>(ctx, {
        table: 'scheduled_job_runs',
        after: args.after,
        accepts: (change) =>
          (runs === null || runs.includes(change.key)) &&
          (jobs === null || (change.row !== null && jobs.includes(change.row.jobId))) &&
          statusIn(change.status, args.status) &&
          inSites(change.siteIds, sites) &&
          kindIn(runEventKind(change), args.kinds),
      });
    },
    resolve: (item) => eventOrEnd(item),
  }),
);
