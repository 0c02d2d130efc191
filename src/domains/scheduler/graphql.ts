/**
 * The job-scheduler queue (engine.job_scheduler_work_items), its site workers
 * (job_scheduler_workers), the edge routes of those workers (job_scheduler_worker_routes) and the
 * Compose service snapshots (job_scheduler_service_snapshots).
 *
 * Scope (agent API section 6, src/access/scope.ts), always in the SQL `where`:
 * - Work items and workers: by their own site_id (`ctx.scope.bySiteId()`). site_id 0 marks the
 *   global/service lanes (service actions) and NULL means "no site": both are admin-only. No User is
 *   assigned site 0, and `siteId > 0` is added for Users explicitly so that stays true even if a
 *   stray assignment row pointed at 0.
 * - Worker routes and service snapshots: admin only. A route is edge-router configuration of the
 *   Engine host (route file path, upstream container host and port) and a snapshot describes the
 *   Engine's own Compose services; neither is data of a site, Borealis reads them only for Server
 *   Info. Lists answer FORBIDDEN to a User; node lookups and relations match no row (null).
 */
import type DataLoader from 'dataloader';
import type { GatewayContext } from '../../graphql/context.js';
import type { JobSchedulerWorker, JobSchedulerWorkerRoute, Prisma } from '../../generated/prisma/client.js';
import { firstPerParent, oneLoader, perFilter } from '../../access/batch.js';
import { Prisma as PrismaSql } from '../../generated/prisma/client.js';
import type { LoaderFactory } from '../../access/loaders.js';
import { relationWhere, uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { boundedFirst, valueSet, WorkerStatusEnum, WorkItemStatusEnum } from '../../graphql/enums.js';
import { parseBigId } from '../../graphql/ids.js';
import { jobById, runById } from '../jobs/loaders.js';
import {
  bigIdWhere,
  defineOrder,
  epochRangeWhere,
  IdFilter,
  intIdWhere,
  siteIdsWhere,
  statusSql,
  statusWhere,
  StringFilter,
  stringWhere,
  TimeRange,
} from '../../graphql/inputs.js';
import { JobNode, RunNode } from '../jobs/graphql.js';
import { siteOf, SiteNode } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate } from '../../graphql/values.js';

// ---------------------------------------------------------------- scope and value sets

export const WorkItemKindEnum = valueSet('WorkItemKind', 'job_scheduler_work_items.kind', [
  'onboarding_run', 'scheduled_run', 'scheduled_workflow_run', 'agent_maintenance_run', 'patch_install_run', 'service_action',
]);
export const WorkItemLaneEnum = valueSet('WorkItemLane', 'job_scheduler_work_items.lane', ['onboarding', 'scheduled_job', 'service_action']);
export const WorkerRouteStatusEnum = valueSet('WorkerRouteStatus', 'job_scheduler_worker_routes.status', ['active', 'retired', 'lost']);

// ---------------------------------------------------------------- loaders

const workerByGuid: LoaderFactory<DataLoader<string, JobSchedulerWorker | null>> = (prisma, scope) =>
  oneLoader((guids) => prisma.jobSchedulerWorker.findMany({ where: { workerGuid: { in: [...new Set(guids)] }, AND: [relationWhere('JobSchedulerWorker', scope)] } }), (w) => w.workerGuid);

const routeByWorker: LoaderFactory<DataLoader<string, JobSchedulerWorkerRoute | null>> = (prisma, scope) =>
  oneLoader((guids) => prisma.jobSchedulerWorkerRoute.findMany({ where: { workerGuid: { in: [...new Set(guids)] }, AND: [relationWhere('JobSchedulerWorkerRoute', scope)] } }), (r) => r.workerGuid);

/**
 * The newest `first` work items each worker claimed (limited per worker in SQL); one loader per
 * status filter and page size.
 */
const itemsOfWorker = perFilter(({ statuses, first }: { statuses: readonly string[] | null | undefined; first: number }) =>
  firstPerParent<'JobSchedulerWorkItem', string>('JobSchedulerWorkItem', {
    table: PrismaSql.sql`engine.job_scheduler_work_items`,
    keyType: 'text',
    match: (row, worker) => PrismaSql.sql`${row}.worker_guid = ${worker}`,
    where: (row) => statusSql(row, 'status', statuses),
    orderBy: (row) => PrismaSql.sql`${row}.created_at DESC, ${row}.id DESC`,
    first,
  }),
);

/** Site 0 marks the global/service lanes: no site. */
const laneSiteOf = (siteId: number | null, ctx: GatewayContext) => (siteId !== null && siteId <= 0 ? null : siteOf(siteId, ctx));

// ---------------------------------------------------------------- types

export const WorkItemNode = builder.prismaNode('JobSchedulerWorkItem', {
  nullable: true,
  name: 'SchedulerWorkItem',
  id: { field: 'id' },
  description: 'A unit of durable work in the job-scheduler queue (job_scheduler_work_items).',
  findUnique: (id, ctx) => uniqueInScope('JobSchedulerWorkItem', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (item) => item.id.toString() }),
    dedupeKey: t.exposeString('dedupeKey', { nullable: true }),
    kind: t.exposeString('kind', { description: 'onboarding_run, scheduled_run, scheduled_workflow_run, agent_maintenance_run, patch_install_run, service_action.' }),
    lane: t.exposeString('lane', { description: 'onboarding, scheduled_job or service_action.' }),
    status: t.exposeString('status', { description: 'queued, running, succeeded, failed or cancelled.' }),
    global: t.boolean({
      description: 'A global/service-lane item (site_id 0 or none): visible to Admins only.',
      resolve: (item) => item.siteId === null || item.siteId <= 0,
    }),
    site: t.field({ type: SiteNode, nullable: true, resolve: (item, _a, ctx) => laneSiteOf(item.siteId, ctx) }),
    attemptCount: t.exposeInt('attemptCount'),
    priority: t.exposeInt('priority'),
    payload: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (item) => storedJson(item.payloadJson, 'job_scheduler_work_items.payload_json'),
    }),
    availableAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.availableAt) }),
    leaseOwner: t.exposeString('leaseOwner', { nullable: true }),
    leaseExpiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.leaseExpiresAt) }),
    heartbeatAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.heartbeatAt) }),
    workerGuid: t.exposeString('workerGuid', { nullable: true }),
    containerName: t.exposeString('containerName', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.updatedAt) }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.startedAt) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (item) => epochToDate(item.finishedAt) }),
    job: t.field({
      type: JobNode,
      nullable: true,
      description: 'The scheduled job, when it exists and is in the operator\'s scope.',
      resolve: (item, _a, ctx) => (item.jobId === null ? null : ctx.loaders.use(jobById).load(item.jobId)),
    }),
    run: t.field({
      type: RunNode,
      nullable: true,
      description: 'The scheduled-job run, when it exists and is in the operator\'s scope.',
      resolve: (item, _a, ctx) => (item.runId === null ? null : ctx.loaders.use(runById).load(item.runId)),
    }),
    targetId: t.id({ nullable: true, resolve: (item) => (item.targetId === null ? null : String(item.targetId)) }),
  }),
});

export const WorkerNode = builder.prismaNode('JobSchedulerWorker', {
  nullable: true,
  name: 'SchedulerWorker',
  id: { field: 'workerGuid' },
  description: 'An ephemeral site worker container (job_scheduler_workers).',
  findUnique: (guid, ctx) => uniqueInScope('JobSchedulerWorker', ctx.scope, { workerGuid: guid }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (w) => w.workerGuid }),
    workerGuid: t.exposeString('workerGuid'),
    containerName: t.exposeString('containerName'),
    site: t.field({ type: SiteNode, nullable: true, resolve: (w, _a, ctx) => laneSiteOf(w.siteId, ctx) }),
    status: t.exposeString('status', { description: 'starting, running, idle, stopped or lost.' }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.startedAt) }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.lastSeenAt) }),
    idleSince: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.idleSince) }),
    stoppedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.stoppedAt) }),
    currentLanes: t.field({ type: 'JSON', nullable: true, resolve: (w) => storedJson(w.currentLanesJson, 'job_scheduler_workers.current_lanes_json') }),
    claimedCount: t.exposeInt('claimedCount'),
    taskLinks: t.field({ type: 'JSON', nullable: true, resolve: (w) => storedJson(w.taskLinksJson, 'job_scheduler_workers.task_links_json') }),
    dockerState: t.exposeString('dockerState', { nullable: true }),
    exitCode: t.exposeInt('exitCode', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.updatedAt) }),
  }),
});

export const WorkerRouteNode = builder.prismaNode('JobSchedulerWorkerRoute', {
  nullable: true,
  name: 'SchedulerWorkerRoute',
  id: { field: 'workerGuid' },
  description: 'The edge-router route of a site worker (job_scheduler_worker_routes). Admin only.',
  findUnique: (guid, ctx) => uniqueInScope('JobSchedulerWorkerRoute', ctx.scope, { workerGuid: guid }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (r) => r.workerGuid }),
    workerGuid: t.exposeString('workerGuid'),
    site: t.field({ type: SiteNode, nullable: true, resolve: (r, _a, ctx) => laneSiteOf(r.siteId, ctx) }),
    containerName: t.exposeString('containerName'),
    routeName: t.exposeString('routeName'),
    routePathPrefix: t.exposeString('routePathPrefix'),
    routeFilePath: t.exposeString('routeFilePath'),
    upstreamScheme: t.exposeString('upstreamScheme'),
    upstreamHost: t.exposeString('upstreamHost'),
    upstreamPort: t.exposeInt('upstreamPort'),
    status: t.exposeString('status', { description: 'active, retired or lost.' }),
    generation: t.exposeInt('generation'),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (r) => storedJson(r.metadataJson, 'job_scheduler_worker_routes.metadata_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.updatedAt) }),
    retiredAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.retiredAt) }),
  }),
});

export const ServiceSnapshotNode = builder.prismaNode('JobSchedulerServiceSnapshot', {
  nullable: true,
  name: 'SchedulerServiceSnapshot',
  id: { field: 'serviceKey' },
  description: 'The last Compose service state the job-scheduler saw (job_scheduler_service_snapshots). Admin only.',
  findUnique: (key, ctx) => uniqueInScope('JobSchedulerServiceSnapshot', ctx.scope, { serviceKey: key }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (s) => s.serviceKey }),
    serviceKey: t.exposeString('serviceKey'),
    payload: t.field({ type: 'JSON', nullable: true, resolve: (s) => storedJson(s.payloadJson, 'job_scheduler_service_snapshots.payload_json') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => epochToDate(s.updatedAt) }),
  }),
});

// Fields between work items, workers and routes, added once every type exists.
builder.prismaObjectFields(WorkItemNode, (t) => ({
  worker: t.field({
    type: WorkerNode,
    nullable: true,
    description: 'The worker that claimed the item, when it is still recorded and in scope.',
    resolve: (item, _a, ctx) => (item.workerGuid ? ctx.loaders.use(workerByGuid).load(item.workerGuid) : null),
  }),
}));

builder.prismaObjectFields(WorkerNode, (t) => ({
  workItems: t.field({
    type: [WorkItemNode],
    description: 'Work items this worker claimed, newest first.',
    args: { status: t.arg({ type: [WorkItemStatusEnum] }), first: t.arg.int({ defaultValue: 20 }) },
    resolve: (w, args, ctx) => ctx.loaders.use(itemsOfWorker({ statuses: args.status, first: boundedFirst(args.first) })).load(w.workerGuid),
  }),
  route: t.field({
    type: WorkerRouteNode,
    nullable: true,
    description: 'The edge route of this worker. Admin only: null for a User.',
    resolve: (w, _a, ctx) => ctx.loaders.use(routeByWorker).load(w.workerGuid),
  }),
}));

builder.prismaObjectFields(WorkerRouteNode, (t) => ({
  worker: t.field({ type: WorkerNode, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.use(workerByGuid).load(r.workerGuid) }),
}));

// ---------------------------------------------------------------- queries

const WorkItemWhere = builder.inputType('SchedulerWorkItemWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    status: t.field({ type: [WorkItemStatusEnum] }),
    kind: t.field({ type: [WorkItemKindEnum] }),
    lane: t.field({ type: [WorkItemLaneEnum] }),
    siteIds: t.idList({ description: 'Items of any of these sites.' }),
    global: t.boolean({ description: 'Only global/service-lane items (true) or only site items (false).' }),
    jobId: t.field({ type: IdFilter }),
    runId: t.field({ type: IdFilter }),
    workerGuid: t.field({ type: StringFilter }),
    dedupeKey: t.field({ type: StringFilter }),
    availableAt: t.field({ type: TimeRange }),
    createdAt: t.field({ type: TimeRange }),
    finishedAt: t.field({ type: TimeRange }),
  }),
});
const workItemOrder = defineOrder(
  'SchedulerWorkItem',
  { CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', AVAILABLE_AT: 'availableAt', FINISHED_AT: 'finishedAt', PRIORITY: 'priority', STATUS: 'status', ID: 'id' },
  'id',
);

function workItemsWhere(where: typeof WorkItemWhere.$inferInput | null | undefined): Prisma.JobSchedulerWorkItemWhereInput {
  const conditions: Prisma.JobSchedulerWorkItemWhereInput[] = [];
  if (where) {
    conditions.push({
      id: bigIdWhere(where.id),
      status: statusWhere(where.status),
      kind: statusWhere(where.kind),
      lane: statusWhere(where.lane),
      siteId: siteIdsWhere(where.siteIds),
      jobId: intIdWhere(where.jobId, 'jobId'),
      runId: intIdWhere(where.runId, 'runId'),
      workerGuid: stringWhere(where.workerGuid),
      dedupeKey: stringWhere(where.dedupeKey),
      availableAt: epochRangeWhere(where.availableAt),
      createdAt: epochRangeWhere(where.createdAt),
      finishedAt: epochRangeWhere(where.finishedAt),
    });
    if (where.global != null) {
      conditions.push(where.global ? { OR: [{ siteId: null }, { siteId: { lte: 0 } }] } : { siteId: { gt: 0 } });
    }
  }
  return { AND: conditions };
}

builder.queryField('schedulerWorkItems', (t) =>
  listConnection(t, {
    type: 'JobSchedulerWorkItem',
    cursor: 'id',
    description: 'The job-scheduler queue, newest first by default. A User sees the items of their sites; global/service lanes are admin-only.',
    filter: WorkItemWhere,
    where: ruled('JobSchedulerWorkItem', workItemsWhere),
    order: workItemOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.jobSchedulerWorkItem,
  }),
);

const WorkerWhere = builder.inputType('SchedulerWorkerWhere', {
  fields: (t) => ({
    workerGuid: t.field({ type: StringFilter }),
    containerName: t.field({ type: StringFilter }),
    status: t.field({ type: [WorkerStatusEnum] }),
    siteIds: t.idList({ description: 'Workers of any of these sites.' }),
    lastSeenAt: t.field({ type: TimeRange }),
  }),
});
const workerOrder = defineOrder(
  'SchedulerWorker',
  { LAST_SEEN_AT: 'lastSeenAt', STARTED_AT: 'startedAt', STATUS: 'status', CONTAINER_NAME: 'containerName', WORKER_GUID: 'workerGuid' },
  'workerGuid',
);

function workersWhere(where: typeof WorkerWhere.$inferInput | null | undefined): Prisma.JobSchedulerWorkerWhereInput {
  return {
    AND: [
      {
        workerGuid: stringWhere(where?.workerGuid),
        containerName: stringWhere(where?.containerName),
        status: statusWhere(where?.status),
        siteId: siteIdsWhere(where?.siteIds),
        lastSeenAt: epochRangeWhere(where?.lastSeenAt),
      },
    ],
  };
}

builder.queryField('schedulerWorkers', (t) =>
  listConnection(t, {
    type: 'JobSchedulerWorker',
    cursor: 'workerGuid',
    description: 'Site workers, most recently seen first by default. A User sees the workers of their sites.',
    filter: WorkerWhere,
    where: ruled('JobSchedulerWorker', workersWhere),
    order: workerOrder,
    defaultOrder: [{ lastSeenAt: 'desc' }, { workerGuid: 'desc' }],
    delegate: (prisma) => prisma.jobSchedulerWorker,
  }),
);

const WorkerRouteWhere = builder.inputType('SchedulerWorkerRouteWhere', {
  fields: (t) => ({
    workerGuid: t.field({ type: StringFilter }),
    status: t.field({ type: [WorkerRouteStatusEnum] }),
    siteIds: t.idList(),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const workerRouteOrder = defineOrder(
  'SchedulerWorkerRoute',
  { UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt', STATUS: 'status', ROUTE_NAME: 'routeName', WORKER_GUID: 'workerGuid' },
  'workerGuid',
);

function workerRoutesWhere(where: typeof WorkerRouteWhere.$inferInput | null | undefined): Prisma.JobSchedulerWorkerRouteWhereInput {
  return {
    workerGuid: stringWhere(where?.workerGuid),
    status: statusWhere(where?.status),
    siteId: siteIdsWhere(where?.siteIds),
    updatedAt: epochRangeWhere(where?.updatedAt),
  };
}

builder.queryField('schedulerWorkerRoutes', (t) =>
  listConnection(t, {
    type: 'JobSchedulerWorkerRoute',
    cursor: 'workerGuid',
    description: 'Edge routes of site workers, most recently updated first by default. Admin only.',
    filter: WorkerRouteWhere,
    where: ruled('JobSchedulerWorkerRoute', workerRoutesWhere),
    order: workerRouteOrder,
    defaultOrder: [{ updatedAt: 'desc' }, { workerGuid: 'desc' }],
    delegate: (prisma) => prisma.jobSchedulerWorkerRoute,
    authScopes: { admin: true },
  }),
);

const ServiceSnapshotWhere = builder.inputType('SchedulerServiceSnapshotWhere', {
  fields: (t) => ({
    serviceKey: t.field({ type: StringFilter }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const serviceSnapshotOrder = defineOrder('SchedulerServiceSnapshot', { SERVICE_KEY: 'serviceKey', UPDATED_AT: 'updatedAt' }, 'serviceKey');

function serviceSnapshotsWhere(where: typeof ServiceSnapshotWhere.$inferInput | null | undefined): Prisma.JobSchedulerServiceSnapshotWhereInput {
  return { serviceKey: stringWhere(where?.serviceKey), updatedAt: epochRangeWhere(where?.updatedAt) };
}

builder.queryField('schedulerServiceSnapshots', (t) =>
  listConnection(t, {
    type: 'JobSchedulerServiceSnapshot',
    cursor: 'serviceKey',
    description: 'Compose service snapshots written by the job-scheduler, by service name. Admin only.',
    filter: ServiceSnapshotWhere,
    where: ruled('JobSchedulerServiceSnapshot', serviceSnapshotsWhere),
    order: serviceSnapshotOrder,
    defaultOrder: 'SERVICE_KEY',
    delegate: (prisma) => prisma.jobSchedulerServiceSnapshot,
    authScopes: { admin: true },
  }),
);
