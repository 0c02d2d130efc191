/** Scheduled job mutations: the GraphQL layer over ./commands.ts (docs/mutations.md). */
import { builder, type GatewaySchemaTypes } from '../../graphql/builder.js';
import { valueSet } from '../../graphql/enums.js';
import { inputKey, readAfter, TargetInput, targetsOf, withoutNulls } from '../config-mutations.js';
import { NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { WorkItemNode } from '../scheduler/graphql.js';
import {
  createScheduledJob,
  deleteScheduledJob,
  EXECUTION_CONTEXTS,
  JOB_KINDS,
  runScheduledJobNow,
  SCHEDULE_TYPES,
  setScheduledJobEnabled,
  updateScheduledJob,
  type EnqueuedRun,
} from './commands.js';
import { JobNode } from './graphql.js';

const jobKey = inputKey('ScheduledJob');
const credentialKey = inputKey('Credential');

const ScheduleTypeEnum = valueSet('ScheduleType', 'scheduled_jobs.schedule_type', SCHEDULE_TYPES);
const ExecutionContextEnum = valueSet('ExecutionContext', 'scheduled_jobs.execution_context', EXECUTION_CONTEXTS);
const JobKindEnum = valueSet('JobKind', 'scheduled_jobs.job_kind (onboarding jobs are saved in Borealis)', JOB_KINDS);

const ScheduledJobPayload = builder.objectRef<{ jobId: number }>('ScheduledJobPayload').implement({
  description: 'The scheduled job a mutation saved or deleted.',
  fields: (t) => ({
    jobDatabaseId: t.id({ resolve: (r) => String(r.jobId) }),
    job: t.field({ type: JobNode, nullable: true, description: 'The job as it is now (null after a delete).', resolve: (r, _a, ctx) => readAfter(ctx, 'ScheduledJob', { id: BigInt(r.jobId) }) }),
  }),
});

const jobFields = (required: boolean) => (f: PothosSchemaTypes.InputFieldBuilder<GatewaySchemaTypes, 'InputObject'>) => ({
  name: f.string({ required, description: 'The job name (one line).' }),
  components: f.field({ type: 'JSON', required, description: 'What the job runs: a list of components, each with its `kind` (script, ansible, workflow, ...).' }),
  targets: f.field({ type: [TargetInput], required, description: 'Devices and device filters (for a User: all in their sites).' }),
  scheduleType: f.field({ type: ScheduleTypeEnum, required }),
  startAt: f.field({ type: 'DateTime', description: 'First occurrence (default: now).' }),
  durationStopEnabled: f.boolean(),
  expiration: f.string({ description: 'How long an occurrence waits for its devices (30m, 1h, 2d); null: no limit.' }),
  executionContext: f.field({ type: ExecutionContextEnum, description: 'Default SYSTEM.' }),
  credentialId: f.id({ description: 'A stored credential (its `id` or `databaseId`); for a User, one of their sites.' }),
  useServiceAccount: f.boolean({ description: 'Default: true unless a credential is given.' }),
  jobKind: f.field({ type: JobKindEnum, description: 'Default AUTOMATION.' }),
  enabled: f.boolean({ description: 'Default true.' }),
});

/** Input as the command takes it: node ids resolved, unset fields dropped (null clears the clearable ones). */
function commandInput<T extends { targets?: unknown; credentialId?: string | number | null }>(input: T) {
  const { targets, credentialId, ...rest } = input;
  return withoutNulls(
    {
      ...rest,
      ...(targets ? { targets: targetsOf(targets as Parameters<typeof targetsOf>[0]) } : {}),
      ...(credentialId === undefined ? {} : { credentialId: credentialId === null ? null : credentialKey(credentialId) }),
    },
    ['startAt', 'expiration', 'credentialId', 'useServiceAccount'],
  );
}

const JOB_ERRORS = errorTypes(NotFoundError, ValidationFailedError);

builder.mutationField('createScheduledJob', (t) =>
  t.field({
    type: ScheduledJobPayload,
    description: 'Saves a scheduled job with normalized targets. Borealis\'s scheduler runs it; the gateway never executes jobs.',
    args: { input: t.arg({ type: builder.inputType('CreateScheduledJobInput', { fields: jobFields(true) }), required: true }) },
    errors: JOB_ERRORS,
    resolve: (_root, { input }, ctx) => createScheduledJob(commandContext(ctx), commandInput(input) as Parameters<typeof createScheduledJob>[1]),
  }),
);

builder.mutationField('updateScheduledJob', (t) =>
  t.field({
    type: ScheduledJobPayload,
    description: 'Changes the given fields of a scheduled job in the operator\'s scope; `targets` replaces the target list.',
    args: {
      input: t.arg({
        type: builder.inputType('UpdateScheduledJobInput', {
          fields: (f) => ({ id: f.id({ required: true, description: 'The job (its `id` or `databaseId`).' }), ...jobFields(false)(f) }),
        }),
        required: true,
      }),
    },
    errors: JOB_ERRORS,
    resolve: (_root, { input }, ctx) => updateScheduledJob(commandContext(ctx), { ...commandInput(input), id: jobKey(input.id) } as Parameters<typeof updateScheduledJob>[1]),
  }),
);

const JobKeyInput = builder.inputType('ScheduledJobKeyInput', { fields: (f) => ({ id: f.id({ required: true, description: 'The job (its `id` or `databaseId`).' }) }) });

for (const [name, enabled] of [['enableScheduledJob', true], ['disableScheduledJob', false]] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ScheduledJobPayload,
      description: enabled ? 'Enables a scheduled job (enabled = 1): the scheduler runs its occurrences.' : 'Disables a scheduled job (enabled = 0).',
      args: { input: t.arg({ type: JobKeyInput, required: true }) },
      errors: JOB_ERRORS,
      resolve: (_root, { input }, ctx) => setScheduledJobEnabled(commandContext(ctx), { id: jobKey(input.id), enabled }),
    }),
  );
}

builder.mutationField('deleteScheduledJob', (t) =>
  t.field({
    type: ScheduledJobPayload,
    description: 'Deletes a scheduled job with its run history; its queued work items are cancelled.',
    args: { input: t.arg({ type: JobKeyInput, required: true }) },
    errors: JOB_ERRORS,
    resolve: (_root, { input }, ctx) => deleteScheduledJob(commandContext(ctx), { id: jobKey(input.id) }),
  }),
);

builder.mutationField('runScheduledJobNow', (t) =>
  t.field({
    type: builder.objectRef<EnqueuedRun>('RunScheduledJobNowPayload').implement({
      description: 'The work item queued for Borealis\'s job scheduler.',
      fields: (p) => ({
        created: p.exposeBoolean('created', { description: 'False when the same occurrence was already queued (same second).' }),
        job: p.field({ type: JobNode, nullable: true, resolve: (r, _a, ctx) => readAfter(ctx, 'ScheduledJob', { id: BigInt(r.jobId) }) }),
        workItem: p.field({
          type: WorkItemNode,
          nullable: true,
          description: 'The queued work item (null when the operator may not read it, e.g. the global lane for a User).',
          resolve: (r, _a, ctx) => readAfter(ctx, 'JobSchedulerWorkItem', { id: BigInt(r.workItemId) }),
        }),
      }),
    }),
    description:
      'Queues an occurrence of the job now: a job_scheduler_work_items row (kind, dedupe key, lane, payload without secrets) that ' +
      'Borealis\'s job scheduler claims and runs. The gateway never executes jobs.',
    args: { input: t.arg({ type: JobKeyInput, required: true }) },
    errors: JOB_ERRORS,
    resolve: (_root, { input }, ctx) => runScheduledJobNow(commandContext(ctx), { id: jobKey(input.id) }),
  }),
);
