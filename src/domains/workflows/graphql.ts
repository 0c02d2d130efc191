/**
 * Workflow runs (engine.workflow_runs), their node runs (workflow_node_runs), the child jobs nodes
 * spawned (workflow_child_jobs) and the inbound webhooks that start workflows (workflow_webhooks).
 *
 * Scope: admin only. A workflow run carries no site: its nodes may target hosts of any site, its
 * graph and payloads are workflow-wide, and Borealis's site-scope rules (agent API section 6) name
 * no rule for workflows. A User gets FORBIDDEN from the lists; node lookups and relations match
 * no row (null) for them, in SQL. Nested job, run and activity links keep their own scopes.
 *
 * Secrets: workflow_webhooks.opaque_token is the credential a caller presents to fire the webhook.
 * It has no field and is never read: the webhook type and its loaders select the other columns.
 *
 * Every foreign key here is int4 -> int8 (workflow_run_id, workflow_node_run_id) or a logical
 * link without a constraint (parent run, webhook, child run), so relations are loaders.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { byId, childrenBy, firstChildrenBy } from '../../access/batch.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { deviceByHostname } from '../devices/loaders.js';
import { DeviceNode } from '../devices/graphql.js';
import { boundedFirst } from '../../graphql/enums.js';
import { parseBigId } from '../../graphql/ids.js';
import { activityById, jobById, runById } from '../jobs/loaders.js';
import { bigIdWhere, defineOrder, epochRangeWhere, IdFilter, intIdWhere, StringFilter, stringWhere, TimeRange } from '../../graphql/inputs.js';
import { ActivityNode, JobNode, RunNode } from '../jobs/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate } from '../../graphql/values.js';

/** Every workflow_webhooks column except opaque_token. */
const WEBHOOK_COLUMNS = {
  id: true,
  workflowGuid: true,
  createdAt: true,
  creatorUsername: true,
  creatorRole: true,
  lastUsedAt: true,
} as const satisfies Prisma.WorkflowWebhookSelect;

// ---------------------------------------------------------------- loaders

const workflowRunById = byId('WorkflowRun');

const nodeRunById = byId('WorkflowNodeRun');

const webhookById = byId('WorkflowWebhook', { select: WEBHOOK_COLUMNS });

const nodeRunsOfRun = childrenBy('WorkflowNodeRun', 'workflowRunId', { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
const childJobsOfRun = childrenBy('WorkflowChildJob', 'workflowRunId', { orderBy: { id: 'asc' } });
const childJobsOfNodeRun = childrenBy('WorkflowChildJob', 'workflowNodeRunId', { orderBy: { id: 'asc' } });
const childRunsOfRun = childrenBy('WorkflowRun', 'parentWorkflowRunId', { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
const runsOfWebhook = firstChildrenBy('WorkflowRun', {
  table: 'engine.workflow_runs',
  column: 'webhook_id',
  orderBy: [['created_at', 'DESC'], ['id', 'DESC']],
});

// ---------------------------------------------------------------- types

export const WorkflowRunNode = builder.prismaNode('WorkflowRun', {
  nullable: true,
  id: { field: 'id' },
  description: 'One execution of a workflow graph (workflow_runs). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('WorkflowRun', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (r) => r.id.toString() }),
    workflowGuid: t.exposeString('workflowGuid', { description: 'The workflow assembly GUID.' }),
    workflowName: t.exposeString('workflowName', { nullable: true }),
    sourceType: t.exposeString('sourceType', { description: 'What started the run, e.g. manual, scheduled, webhook.' }),
    sourceMetadata: t.field({ type: 'JSON', nullable: true, resolve: (r) => storedJson(r.sourceMetadataJson, 'workflow_runs.source_metadata_json') }),
    graphSnapshot: t.field({ type: 'JSON', nullable: true, resolve: (r) => storedJson(r.graphSnapshotJson, 'workflow_runs.graph_snapshot_json') }),
    status: t.exposeString('status'),
    error: t.exposeString('error', { nullable: true }),
    skipReason: t.exposeString('skipReason', { nullable: true }),
    finalPayload: t.field({ type: 'JSON', nullable: true, resolve: (r) => storedJson(r.finalPayloadJson, 'workflow_runs.final_payload_json') }),
    finalMetadata: t.field({ type: 'JSON', nullable: true, resolve: (r) => storedJson(r.finalMetadataJson, 'workflow_runs.final_metadata_json') }),
    parentNodeId: t.exposeString('parentNodeId', { nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.createdAt) }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.startedTs) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.finishedTs) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.updatedAt) }),
    scheduledJob: t.field({
      type: JobNode,
      nullable: true,
      resolve: (r, _a, ctx) => (r.scheduledJobId === null ? null : ctx.loaders.use(jobById).load(r.scheduledJobId)),
    }),
    scheduledJobRun: t.field({
      type: RunNode,
      nullable: true,
      resolve: (r, _a, ctx) => (r.scheduledJobRunId === null ? null : ctx.loaders.use(runById).load(r.scheduledJobRunId)),
    }),
  }),
});

export const WorkflowNodeRunNode = builder.prismaNode('WorkflowNodeRun', {
  nullable: true,
  id: { field: 'id' },
  description: 'The execution of one node of a workflow run (workflow_node_runs). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('WorkflowNodeRun', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (n) => n.id.toString() }),
    nodeId: t.exposeString('nodeId', { description: 'The node id inside the workflow graph.' }),
    nodeType: t.exposeString('nodeType', { nullable: true }),
    nodeLabel: t.exposeString('nodeLabel', { nullable: true }),
    nodeSnapshot: t.field({ type: 'JSON', nullable: true, resolve: (n) => storedJson(n.nodeSnapshotJson, 'workflow_node_runs.node_snapshot_json') }),
    status: t.exposeString('status'),
    skipReason: t.exposeString('skipReason', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    timeoutSeconds: t.exposeInt('timeoutSeconds', { nullable: true }),
    inputEnvelope: t.field({ type: 'JSON', nullable: true, resolve: (n) => storedJson(n.inputEnvelopeJson, 'workflow_node_runs.input_envelope_json') }),
    outputEnvelope: t.field({ type: 'JSON', nullable: true, resolve: (n) => storedJson(n.outputEnvelopeJson, 'workflow_node_runs.output_envelope_json') }),
    ignoredInputs: t.field({ type: 'JSON', nullable: true, resolve: (n) => storedJson(n.ignoredInputsJson, 'workflow_node_runs.ignored_inputs_json') }),
    linkedChildSummary: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (n) => storedJson(n.linkedChildSummaryJson, 'workflow_node_runs.linked_child_summary_json'),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (n) => epochToDate(n.createdAt) }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (n) => epochToDate(n.startedTs) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (n) => epochToDate(n.finishedTs) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (n) => epochToDate(n.updatedAt) }),
  }),
});

export const WorkflowChildJobRef = builder.prismaObject('WorkflowChildJob', {
  description: 'A job a workflow node started: a script run, an activity row or a child workflow (workflow_child_jobs).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (c) => c.id.toString() }),
    childKind: t.exposeString('childKind'),
    childIdentifier: t.exposeString('childIdentifier', { nullable: true }),
    targetHostname: t.exposeString('targetHostname', { nullable: true }),
    componentGuid: t.exposeString('componentGuid', { nullable: true }),
    componentName: t.exposeString('componentName', { nullable: true }),
    componentKind: t.exposeString('componentKind', { nullable: true }),
    status: t.exposeString('status', { nullable: true }),
    stdoutSummary: t.exposeString('stdoutSummary', { nullable: true }),
    stderrSummary: t.exposeString('stderrSummary', { nullable: true }),
    payload: t.field({ type: 'JSON', nullable: true, resolve: (c) => storedJson(c.payloadJson, 'workflow_child_jobs.payload_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => epochToDate(c.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => epochToDate(c.updatedAt) }),
    activity: t.field({
      type: ActivityNode,
      nullable: true,
      description: 'The activity row, when it exists and its device is in the operator\'s scope.',
      resolve: (c, _a, ctx) => (c.activityId === null ? null : ctx.loaders.use(activityById).load(c.activityId)),
    }),
    device: t.field({
      type: DeviceNode,
      nullable: true,
      resolve: (c, _a, ctx) => (c.targetHostname ? ctx.loaders.use(deviceByHostname).load(c.targetHostname) : null),
    }),
  }),
});

export const WorkflowWebhookNode = builder.prismaNode('WorkflowWebhook', {
  nullable: true,
  id: { field: 'id' },
  select: WEBHOOK_COLUMNS,
  description: 'An inbound webhook that starts a workflow (workflow_webhooks). Admin only; its token is never returned.',
  findUnique: (id, ctx) => uniqueInScope('WorkflowWebhook', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (w) => w.id.toString() }),
    workflowGuid: t.exposeString('workflowGuid'),
    creatorUsername: t.exposeString('creatorUsername', { nullable: true }),
    creatorRole: t.exposeString('creatorRole', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.createdAt) }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.lastUsedAt) }),
  }),
});

// Fields between runs, node runs, child jobs and webhooks, added once every type exists.
builder.prismaObjectFields(WorkflowRunNode, (t) => ({
  nodeRuns: t.field({ type: [WorkflowNodeRunNode], resolve: (r, _a, ctx) => ctx.loaders.use(nodeRunsOfRun).load(r.id) }),
  childJobs: t.field({ type: [WorkflowChildJobRef], resolve: (r, _a, ctx) => ctx.loaders.use(childJobsOfRun).load(r.id) }),
  parentRun: t.field({
    type: WorkflowRunNode,
    nullable: true,
    resolve: (r, _a, ctx) => (r.parentWorkflowRunId === null ? null : ctx.loaders.use(workflowRunById).load(r.parentWorkflowRunId)),
  }),
  childRuns: t.field({
    type: [WorkflowRunNode],
    description: 'Workflow runs started by nodes of this run.',
    resolve: (r, _a, ctx) => ctx.loaders.use(childRunsOfRun).load(r.id),
  }),
  webhook: t.field({
    type: WorkflowWebhookNode,
    nullable: true,
    resolve: (r, _a, ctx) => (r.webhookId === null ? null : ctx.loaders.use(webhookById).load(r.webhookId)),
  }),
}));

builder.prismaObjectFields(WorkflowNodeRunNode, (t) => ({
  run: t.field({ type: WorkflowRunNode, nullable: true, resolve: (n, _a, ctx) => ctx.loaders.use(workflowRunById).load(n.workflowRunId) }),
  childJobs: t.field({ type: [WorkflowChildJobRef], resolve: (n, _a, ctx) => ctx.loaders.use(childJobsOfNodeRun).load(n.id) }),
}));

builder.prismaObjectFields(WorkflowChildJobRef, (t) => ({
  run: t.field({ type: WorkflowRunNode, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.use(workflowRunById).load(c.workflowRunId) }),
  nodeRun: t.field({ type: WorkflowNodeRunNode, nullable: true, resolve: (c, _a, ctx) => ctx.loaders.use(nodeRunById).load(c.workflowNodeRunId) }),
  childWorkflowRun: t.field({
    type: WorkflowRunNode,
    nullable: true,
    resolve: (c, _a, ctx) => (c.childWorkflowRunId === null ? null : ctx.loaders.use(workflowRunById).load(c.childWorkflowRunId)),
  }),
}));

builder.prismaObjectFields(WorkflowWebhookNode, (t) => ({
  runs: t.field({
    type: [WorkflowRunNode],
    description: 'Runs this webhook started, newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (w, args, ctx) => ctx.loaders.use(runsOfWebhook(boundedFirst(args.first))).load(w.id),
  }),
}));

// ---------------------------------------------------------------- queries

const WorkflowRunWhere = builder.inputType('WorkflowRunWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    workflowGuid: t.field({ type: StringFilter }),
    workflowName: t.field({ type: StringFilter }),
    sourceType: t.field({ type: StringFilter }),
    status: t.field({ type: StringFilter, description: 'Workflow statuses are not a documented value set: text match.' }),
    createdBy: t.field({ type: StringFilter }),
    parentRunId: t.field({ type: IdFilter }),
    topLevel: t.boolean({ description: 'Only runs without a parent run (true) or only child runs (false).' }),
    webhookId: t.field({ type: IdFilter }),
    scheduledJobId: t.field({ type: IdFilter }),
    createdAt: t.field({ type: TimeRange }),
    startedAt: t.field({ type: TimeRange }),
    finishedAt: t.field({ type: TimeRange }),
  }),
});
const workflowRunOrder = defineOrder(
  'WorkflowRun',
  { CREATED_AT: 'createdAt', STARTED_AT: 'startedTs', FINISHED_AT: 'finishedTs', UPDATED_AT: 'updatedAt', STATUS: 'status', WORKFLOW_NAME: 'workflowName', ID: 'id' },
  'id',
);

function workflowRunsWhere(where: typeof WorkflowRunWhere.$inferInput | null | undefined): Prisma.WorkflowRunWhereInput {
  const conditions: Prisma.WorkflowRunWhereInput[] = [
    {
      id: bigIdWhere(where?.id),
      workflowGuid: stringWhere(where?.workflowGuid),
      workflowName: stringWhere(where?.workflowName),
      sourceType: stringWhere(where?.sourceType),
      status: stringWhere(where?.status),
      createdBy: stringWhere(where?.createdBy),
      parentWorkflowRunId: intIdWhere(where?.parentRunId, 'parentRunId'),
      webhookId: intIdWhere(where?.webhookId, 'webhookId'),
      scheduledJobId: intIdWhere(where?.scheduledJobId, 'scheduledJobId'),
      createdAt: epochRangeWhere(where?.createdAt),
      startedTs: epochRangeWhere(where?.startedAt),
      finishedTs: epochRangeWhere(where?.finishedAt),
    },
  ];
  if (where?.topLevel != null) conditions.push({ parentWorkflowRunId: where.topLevel ? null : { not: null } });
  return { AND: conditions };
}

builder.queryField('workflowRuns', (t) =>
  listConnection(t, {
    type: 'WorkflowRun',
    cursor: 'id',
    description: 'Workflow runs, newest first by default. Admin only.',
    filter: WorkflowRunWhere,
    where: ruled('WorkflowRun', workflowRunsWhere),
    order: workflowRunOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.workflowRun,
    authScopes: { admin: true },
  }),
);

const WorkflowWebhookWhere = builder.inputType('WorkflowWebhookWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    workflowGuid: t.field({ type: StringFilter }),
    creatorUsername: t.field({ type: StringFilter }),
    createdAt: t.field({ type: TimeRange }),
    lastUsedAt: t.field({ type: TimeRange }),
  }),
});
const workflowWebhookOrder = defineOrder('WorkflowWebhook', { CREATED_AT: 'createdAt', LAST_USED_AT: 'lastUsedAt', ID: 'id' }, 'id');

function workflowWebhooksWhere(where: typeof WorkflowWebhookWhere.$inferInput | null | undefined): Prisma.WorkflowWebhookWhereInput {
  return {
    id: bigIdWhere(where?.id),
    workflowGuid: stringWhere(where?.workflowGuid),
    creatorUsername: stringWhere(where?.creatorUsername),
    createdAt: epochRangeWhere(where?.createdAt),
    lastUsedAt: epochRangeWhere(where?.lastUsedAt),
  };
}

builder.queryField('workflowWebhooks', (t) =>
  listConnection(t, {
    type: 'WorkflowWebhook',
    cursor: 'id',
    description: 'Workflow webhooks, newest first by default. Admin only; tokens are never returned.',
    filter: WorkflowWebhookWhere,
    where: ruled('WorkflowWebhook', workflowWebhooksWhere),
    order: workflowWebhookOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.workflowWebhook,
    authScopes: { admin: true },
  }),
);
