/**
 * Ansible PLAY RECAP rows of Engine-side playbook runs (engine.ansible_play_recaps).
 *
 * Scope (agent API section 6): a recap is visible through its device. The table names the host by
 * hostname and AnsiblePlayRecap has a Prisma relation `device` on it, so `ctx.scope.byDevice()`
 * puts the device's site (device_sites) into the SQL `where`. A recap whose host is unknown,
 * unassigned or NULL is admin-only. The linked job, run and activity follow their own scopes.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { deviceByHostname } from '../devices/loaders.js';
import { DeviceNode } from '../devices/graphql.js';
import { parseBigId } from '../../graphql/ids.js';
import { activityById, jobById, runById } from '../jobs/loaders.js';
import { bigIdWhere, defineOrder, epochRangeWhere, IdFilter, intIdWhere, siteIdsWhere, StringFilter, stringWhere, TimeRange } from '../../graphql/inputs.js';
import { ActivityNode, JobNode, RunNode } from '../jobs/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate } from '../../graphql/values.js';

export const AnsiblePlayRecapNode = builder.prismaNode('AnsiblePlayRecap', {
  nullable: true,
  id: { field: 'id' },
  description: 'The PLAY RECAP of one host in an Engine-side Ansible run (ansible_play_recaps).',
  findUnique: (id, ctx) => uniqueInScope('AnsiblePlayRecap', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (r) => r.id.toString() }),
    runId: t.exposeString('runId', { description: 'The Ansible run id (unique).' }),
    hostname: t.exposeString('hostname', { nullable: true }),
    agentId: t.exposeString('agentId', { nullable: true }),
    playbookPath: t.exposeString('playbookPath', { nullable: true }),
    playbookName: t.exposeString('playbookName', { nullable: true }),
    status: t.exposeString('status', { nullable: true, description: 'As stored, e.g. Success, Failed, Unreachable.' }),
    recapText: t.exposeString('recapText', { nullable: true }),
    recap: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The recap counters (ok, changed, failed, unreachable, ...).',
      resolve: (r) => storedJson(r.recapJson, 'ansible_play_recaps.recap_json'),
    }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.startedTs) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.finishedTs) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => epochToDate(r.updatedAt) }),
    device: t.field({
      type: DeviceNode,
      nullable: true,
      resolve: (r, _a, ctx) => (r.hostname ? ctx.loaders.use(deviceByHostname).load(r.hostname) : null),
    }),
    scheduledJob: t.field({
      type: JobNode,
      nullable: true,
      description: 'The scheduled job, when it exists and is in the operator\'s scope.',
      resolve: (r, _a, ctx) => (r.scheduledJobId === null ? null : ctx.loaders.use(jobById).load(r.scheduledJobId)),
    }),
    scheduledRun: t.field({
      type: RunNode,
      nullable: true,
      description: 'The scheduled-job run, when it exists and is in the operator\'s scope.',
      resolve: (r, _a, ctx) => (r.scheduledRunId === null ? null : ctx.loaders.use(runById).load(r.scheduledRunId)),
    }),
    activity: t.field({
      type: ActivityNode,
      nullable: true,
      resolve: (r, _a, ctx) => (r.activityJobId === null ? null : ctx.loaders.use(activityById).load(r.activityJobId)),
    }),
  }),
});

const AnsiblePlayRecapWhere = builder.inputType('AnsiblePlayRecapWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    runId: t.field({ type: StringFilter }),
    hostname: t.field({ type: StringFilter }),
    status: t.field({ type: StringFilter, description: 'Recap statuses are not a documented value set: text match.' }),
    playbookName: t.field({ type: StringFilter }),
    playbookPath: t.field({ type: StringFilter }),
    siteIds: t.idList({ description: 'Recaps of devices in any of these sites.' }),
    scheduledJobId: t.field({ type: IdFilter }),
    scheduledRunId: t.field({ type: IdFilter }),
    createdAt: t.field({ type: TimeRange }),
    startedAt: t.field({ type: TimeRange }),
    finishedAt: t.field({ type: TimeRange }),
  }),
});
const recapOrder = defineOrder(
  'AnsiblePlayRecap',
  { CREATED_AT: 'createdAt', STARTED_AT: 'startedTs', FINISHED_AT: 'finishedTs', HOSTNAME: 'hostname', STATUS: 'status', ID: 'id' },
  'id',
);

function recapsWhere(where: typeof AnsiblePlayRecapWhere.$inferInput | null | undefined): Prisma.AnsiblePlayRecapWhereInput {
  const conditions: Prisma.AnsiblePlayRecapWhereInput[] = [];
  if (where) {
    conditions.push({
      id: bigIdWhere(where.id),
      runId: stringWhere(where.runId),
      hostname: stringWhere(where.hostname),
      status: stringWhere(where.status),
      playbookName: stringWhere(where.playbookName),
      playbookPath: stringWhere(where.playbookPath),
      scheduledJobId: intIdWhere(where.scheduledJobId, 'scheduledJobId'),
      scheduledRunId: intIdWhere(where.scheduledRunId, 'scheduledRunId'),
      createdAt: epochRangeWhere(where.createdAt),
      startedTs: epochRangeWhere(where.startedAt),
      finishedTs: epochRangeWhere(where.finishedAt),
    });
    if (where.siteIds) conditions.push({ device: { is: { deviceSite: { is: { siteId: siteIdsWhere(where.siteIds) } } } } });
  }
  return { AND: conditions };
}

builder.queryField('ansiblePlayRecaps', (t) =>
  listConnection(t, {
    type: 'AnsiblePlayRecap',
    cursor: 'id',
    description: 'Ansible play recaps, newest first by default; a User sees the recaps of devices in their sites.',
    filter: AnsiblePlayRecapWhere,
    where: ruled('AnsiblePlayRecap', recapsWhere),
    order: recapOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.ansiblePlayRecap,
  }),
);
