/**
 * Scheduled jobs -> runs -> run targets and activity (through scheduled_job_run_activity), and
 * onboarding targets -> events. Every job/run foreign key is int4 -> int8, so relations are loaders.
 * Loaders are in loaders.ts (each with its model's access rule), filters in filters.ts, the list
 * queries in service.ts.
 */
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { deviceByHostname } from '../devices/loaders.js';
import { DeviceNode } from '../devices/graphql.js';
import { ActivityStatusEnum, boundedFirst, RunStatusEnum } from '../../graphql/enums.js';
import { parseBigId } from '../../graphql/ids.js';
import {
  activityById,
  activityLinksOfRun,
  eventsOfOnboardingTarget,
  jobById,
  onboardingTargetsOfRun,
  runById,
  runsOfJob,
  runsOfJobPage,
  targetsOfRun,
} from './loaders.js';
import { listActivityWhere, listJobsWhere, listRunsWhere } from './service.js';
import {
  defineOrder,
  IdFilter,
  StringFilter,
  TimeRange,
} from '../../graphql/inputs.js';
import { siteOf, siteOfRow, SiteNode } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochField, flagField, idText, sqlForm } from '../../graphql/compile/forms.js';
import { Prisma } from '../../generated/prisma/client.js';
import { jobFilterWhere } from './filters.js';

// ---------------------------------------------------------------- types

export const JobNode = builder.prismaNode('ScheduledJob', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('ScheduledJob', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    name: t.exposeString('name'),
    jobKind: t.exposeString('jobKind', { nullable: true }),
    enabled: t.boolean(flagField('enabled')),
    scheduleType: t.exposeString('scheduleType', { nullable: true }),
    startAt: t.field({ type: 'DateTime', nullable: true, ...epochField('startTs') }),
    durationStopEnabled: t.boolean(flagField('durationStopEnabled')),
    expiration: t.exposeString('expiration', { nullable: true }),
    executionContext: t.exposeString('executionContext', { nullable: true }),
    useServiceAccount: t.boolean(flagField('useServiceAccount')),
    components: t.field({ type: 'JSON', nullable: true, resolve: (job) => storedJson(job.componentsJson, 'scheduled_jobs.components_json') }),
    targets: t.field({ type: 'JSON', nullable: true, resolve: (job) => storedJson(job.targetsJson, 'scheduled_jobs.targets_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
  }),
});

export const RunNode = builder.prismaNode('ScheduledJobRun', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('ScheduledJobRun', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    status: t.exposeString('status', { nullable: true, description: 'Pending, Running, Success, Warning, Failed, Expired, Timed Out, Skipped.' }),
    error: t.exposeString('error', { nullable: true }),
    skipReason: t.exposeString('skipReason', { nullable: true }),
    targetHostname: t.exposeString('targetHostname', { nullable: true }),
    sharedExecution: t.boolean(flagField('sharedExecution')),
    componentIndex: t.exposeInt('componentIndex', { nullable: true }),
    componentKind: t.exposeString('componentKind', { nullable: true }),
    componentName: t.exposeString('componentName', { nullable: true }),
    scheduledAt: t.field({ type: 'DateTime', nullable: true, ...epochField('scheduledTs') }),
    startedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('startedTs') }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('finishedTs') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
  }),
});

export const RunTargetRef = builder.prismaObject('ScheduledJobRunTarget', {
  name: 'RunTarget',
  description: 'A device a run resolved to (scheduled_job_run_targets).',
  fields: (t) => ({
    deviceGuid: t.exposeString('deviceGuid', { nullable: true }),
    hostname: t.exposeString('hostname'),
    inventoryHostname: t.exposeString('inventoryHostname', { nullable: true }),
    wireguardPeerIp: t.exposeString('wireguardPeerIp', { nullable: true }),
    resolvedConnection: t.exposeString('resolvedConnection', { nullable: true }),
    resolutionStatus: t.exposeString('resolutionStatus', { nullable: true }),
    resolutionReason: t.exposeString('resolutionReason', { nullable: true }),
    resolvedFromFilterId: t.id({ nullable: true, resolve: (row) => row.resolvedFromFilterId?.toString() ?? null }),
    resolvedFromFilterIds: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (row) => storedJson(row.resolvedFromFilterIdsJson, 'scheduled_job_run_targets.resolved_from_filter_ids_json'),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    site: t.field({ type: SiteNode, nullable: true, extensions: siteOfRow, resolve: (row, _a, ctx) => siteOf(row.siteId, ctx) }),
    device: t.field({
      type: DeviceNode,
      nullable: true,
      extensions: sqlForm({ kind: 'row', model: 'Device', match: (target, device) => Prisma.sql`${device}.hostname = ${target}.hostname` }),
      resolve: (row, _a, ctx) => ctx.loaders.use(deviceByHostname).load(row.hostname),
    }),
  }),
});

export const ActivityNode = builder.prismaNode('ActivityHistory', {
  nullable: true,
  name: 'Activity',
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('ActivityHistory', ctx.scope, { id: parseBigId(id) }),
  description: 'A script or job execution on a device (activity_history).',
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    hostname: t.exposeString('hostname', { nullable: true }),
    scriptPath: t.exposeString('scriptPath', { nullable: true }),
    scriptName: t.exposeString('scriptName', { nullable: true }),
    scriptType: t.exposeString('scriptType', { nullable: true }),
    status: t.exposeString('status', { nullable: true, description: 'Queued, Running, Success, Failed, Timed Out, Skipped.' }),
    stdout: t.exposeString('stdout', { nullable: true }),
    stderr: t.exposeString('stderr', { nullable: true }),
    queueLane: t.exposeString('queueLane', { nullable: true }),
    activityKind: t.exposeString('activityKind', { nullable: true }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (a) => storedJson(a.metadataJson, 'activity_history.metadata_json') }),
    ranAt: t.field({ type: 'DateTime', nullable: true, ...epochField('ranAt') }),
    startedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('startedAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('finishedAt') }),
    device: t.field({
      type: DeviceNode,
      nullable: true,
      resolve: (a, _args, ctx) => (a.hostname ? ctx.loaders.use(deviceByHostname).load(a.hostname) : null),
    }),
  }),
});

const OnboardingEventRef = builder.prismaObject('ScheduledJobOnboardingTargetEvent', {
  name: 'OnboardingTargetEvent',
  fields: (t) => ({
    status: t.exposeString('status', { nullable: true }),
    task: t.exposeString('task', { nullable: true }),
    detail: t.exposeString('detail', { nullable: true }),
    stdoutSnippet: t.exposeString('stdoutSnippet', { nullable: true }),
    stderrSnippet: t.exposeString('stderrSnippet', { nullable: true }),
    startedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('startedAt') }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('finishedAt') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
  }),
});

export const OnboardingTargetRef = builder.prismaObject('ScheduledJobOnboardingTarget', {
  name: 'OnboardingTarget',
  description: 'A host an onboarding job tries to enroll (scheduled_job_onboarding_targets).',
  fields: (t) => ({
    targetInput: t.exposeString('targetInput', { nullable: true }),
    targetAddress: t.exposeString('targetAddress', { nullable: true }),
    targetHostname: t.exposeString('targetHostname', { nullable: true }),
    sshPort: t.exposeInt('sshPort', { nullable: true }),
    status: t.exposeString('status', { nullable: true }),
    detail: t.exposeString('detail', { nullable: true }),
    approvalReference: t.exposeString('approvalReference', { nullable: true }),
    scheduledAt: t.field({ type: 'DateTime', nullable: true, ...epochField('scheduledTs') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('finishedAt') }),
    site: t.field({ type: SiteNode, nullable: true, resolve: (o, _a, ctx) => siteOf(o.siteId, ctx) }),
    events: t.field({ type: [OnboardingEventRef], resolve: (o, _a, ctx) => ctx.loaders.use(eventsOfOnboardingTarget).load(o.id) }),
  }),
});

// Fields between jobs, runs, targets and activity, added once every type exists.
builder.prismaObjectFields(JobNode, (t) => ({
  runs: t.field({
    type: [RunNode],
    description: 'Runs of this job in the operator\'s scope, newest first.',
    args: { status: t.arg({ type: [RunStatusEnum] }), first: t.arg.int({ defaultValue: 20 }) },
    extensions: sqlForm({
      kind: 'firstPerParent',
      model: 'ScheduledJobRun',
      parentKey: (job) => Prisma.sql`${job}.id`,
      options: (args) => runsOfJobPage({ statuses: args.status as string[] | null | undefined, first: boundedFirst(args.first as number | null | undefined) }),
    }),
    resolve: (job, args, ctx) => ctx.loaders.use(runsOfJob({ statuses: args.status, first: boundedFirst(args.first) })).load(job.id),
  }),
}));

builder.prismaObjectFields(RunNode, (t) => ({
  job: t.field({
    type: JobNode,
    nullable: true,
    extensions: sqlForm({ kind: 'row', model: 'ScheduledJob', match: (run, job) => Prisma.sql`${job}.id = ${run}.job_id` }),
    resolve: (run, _a, ctx) => ctx.loaders.use(jobById).load(run.jobId) }),
  targets: t.field({ type: [RunTargetRef], resolve: (run, _a, ctx) => ctx.loaders.use(targetsOfRun).load(run.id) }),
  activity: t.field({
    type: [ActivityNode],
    description: 'Activity rows linked to this run (scheduled_job_run_activity).',
    resolve: async (run, _a, ctx) => {
      const links = await ctx.loaders.use(activityLinksOfRun).load(run.id);
      const rows = await Promise.all(links.map((link) => ctx.loaders.use(activityById).load(link.activityId)));
      return rows.filter((row) => row !== null);
    },
  }),
  onboardingTargets: t.field({ type: [OnboardingTargetRef], resolve: (run, _a, ctx) => ctx.loaders.use(onboardingTargetsOfRun).load(run.id) }),
}));

builder.prismaObjectFields(RunTargetRef, (t) => ({
  run: t.field({
    type: RunNode,
    nullable: true,
    extensions: sqlForm({ kind: 'row', model: 'ScheduledJobRun', match: (target, run) => Prisma.sql`${run}.id = ${target}.run_id` }),
    resolve: (row, _a, ctx) => ctx.loaders.use(runById).load(row.runId) }),
}));

// ---------------------------------------------------------------- queries

const JobWhere = builder.inputType('ScheduledJobWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    jobKind: t.field({ type: StringFilter }),
    enabled: t.boolean(),
  }),
});
const jobOrder = defineOrder('ScheduledJob', { NAME: 'name', UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

builder.queryField('scheduledJobs', (t) =>
  listConnection(t, {
    type: 'ScheduledJob',
    cursor: 'id',
    description: 'Scheduled jobs; a User sees jobs whose saved targets all resolve to their sites.',
    filter: JobWhere,
    where: (where, ctx) => listJobsWhere(ctx, where),
    order: jobOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.scheduledJob,
    filterWhere: (where) => jobFilterWhere(where),
  }),
);

const RunWhere = builder.inputType('ScheduledJobRunWhere', {
  fields: (t) => ({
    jobId: t.field({ type: IdFilter }),
    status: t.field({ type: [RunStatusEnum] }),
    targetHostname: t.field({ type: StringFilter }),
    scheduledAt: t.field({ type: TimeRange }),
    finishedAt: t.field({ type: TimeRange }),
  }),
});
const runOrder = defineOrder('ScheduledJobRun', { SCHEDULED_AT: 'scheduledTs', FINISHED_AT: 'finishedTs', STATUS: 'status', ID: 'id' }, 'id');

builder.queryField('scheduledJobRuns', (t) =>
  listConnection(t, {
    type: 'ScheduledJobRun',
    cursor: 'id',
    description: 'Job runs, newest first by default; a User sees the runs of devices in their sites, shared runs whose resolved targets are all in their sites, and target-less (skipped) runs of the jobs they see.',
    filter: RunWhere,
    where: (where, ctx) => listRunsWhere(ctx, where),
    order: runOrder,
    defaultOrder: [{ scheduledTs: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.scheduledJobRun,
  }),
);

const ActivityWhere = builder.inputType('ActivityWhere', {
  fields: (t) => ({
    hostname: t.field({ type: StringFilter }),
    status: t.field({ type: [ActivityStatusEnum] }),
    siteIds: t.idList({ description: 'Activity of devices in any of these sites.' }),
    activityKind: t.field({ type: StringFilter }),
    ranAt: t.field({ type: TimeRange }),
  }),
});
const activityOrder = defineOrder('Activity', { RAN_AT: 'ranAt', UPDATED_AT: 'updatedAt', HOSTNAME: 'hostname', ID: 'id' }, 'id');

builder.queryField('activity', (t) =>
  listConnection(t, {
    type: 'ActivityHistory',
    cursor: 'id',
    description: 'Activity history, newest first by default; a User sees the activity of devices in their sites.',
    filter: ActivityWhere,
    where: (where, ctx) => listActivityWhere(ctx, where),
    order: activityOrder,
    defaultOrder: [{ ranAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.activityHistory,
  }),
);
