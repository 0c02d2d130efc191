/**
 * Watchdogs (definitions, their sites, targets, device overrides and device states) and the
 * incidents they raise, with the global incident queue. Watchdog foreign keys are int4 -> int8, so
 * every watchdog relation is a loader: one statement per relation per query level.
 */
import type DataLoader from 'dataloader';
import type { GatewayContext } from '../context.js';
import type { Db } from '../db/prisma.js';
import type { Prisma, Watchdog, WatchdogIncident } from '../generated/prisma/client.js';
import { idScope, type Scope } from '../auth/scope.js';
import { manyLoader, oneLoader } from '../loaders/batch.js';
import type { LoaderFactory } from '../loaders/index.js';
import { builder } from './builder.js';
import { deviceByHostname } from './device-loaders.js';
import { boundedFirst, DeviceWatchdogStateEnum, IncidentStateEnum, OverrideStateEnum, SeverityEnum } from './enums.js';
import { requireOperator } from './errors.js';
import { parseBigId } from './ids.js';
import {
  defineOrder,
  epochRangeWhere,
  IdFilter,
  intIdWhere,
  bigIdWhere,
  pageSize,
  siteIdsWhere,
  statusWhere,
  StringFilter,
  stringWhere,
  TimeRange,
} from './inputs.js';
import { DeviceNode } from './devices.js';
import { siteById, SiteNode } from './sites.js';
import { storedJson } from './stored-json.js';
import { epochToDate, flagToBoolean } from './values.js';

/** Watchdog definitions by id. Not site-scoped: a visible incident or state names its watchdog. */
export const watchdogById: LoaderFactory<DataLoader<number | bigint, Watchdog | null>> = (prisma) =>
  oneLoader((ids) => prisma.watchdog.findMany({ where: { id: { in: ids.map((id) => BigInt(id)) } } }), (w) => w.id);

export const incidentById: LoaderFactory<DataLoader<number | bigint, WatchdogIncident | null>> = (prisma, scope) =>
  oneLoader(
    (ids) => prisma.watchdogIncident.findMany({ where: { id: { in: ids.map((id) => BigInt(id)) }, ...scope.bySiteId() } }),
    (i) => i.id,
  );

/** Rows of a child table by its int4 watchdog_id, with the scope of that table. */
function byWatchdog<R extends { watchdogId: number }>(
  fetch: (prisma: Db, scope: Scope, ids: number[]) => Promise<R[]>,
): LoaderFactory<DataLoader<bigint, R[]>> {
  return (prisma, scope) => manyLoader((ids) => fetch(prisma, scope, ids.map(Number)), (row) => row.watchdogId);
}

const sitesOfWatchdog = byWatchdog((prisma, _scope, ids) =>
  prisma.watchdogSite.findMany({ where: { watchdogId: { in: ids } }, orderBy: { siteId: 'asc' } }),
);
const targetsOfWatchdog = byWatchdog((prisma, _scope, ids) =>
  prisma.watchdogTarget.findMany({ where: { watchdogId: { in: ids } }, orderBy: { id: 'asc' } }),
);
const overridesOfWatchdog = byWatchdog((prisma, scope, ids) =>
  prisma.watchdogDeviceOverride.findMany({ where: { watchdogId: { in: ids }, ...scope.bySiteId() }, orderBy: { id: 'asc' } }),
);
const statesOfWatchdog = byWatchdog((prisma, scope, ids) =>
  prisma.watchdogDeviceState.findMany({ where: { watchdogId: { in: ids }, ...scope.bySiteId() }, orderBy: { id: 'asc' } }),
);
/** One loader per state filter, so `incidents(state: [OPEN])` batches across watchdogs too. */
const incidentsOfWatchdog = new Map<string, LoaderFactory<DataLoader<bigint, WatchdogIncident[]>>>();
function incidentsLoader(states: readonly string[] | null | undefined) {
  const key = JSON.stringify(states ?? null);
  if (!incidentsOfWatchdog.has(key)) {
    incidentsOfWatchdog.set(
      key,
      byWatchdog((prisma, scope, ids) =>
        prisma.watchdogIncident.findMany({
          where: { watchdogId: { in: ids }, state: statusWhere(states), ...scope.bySiteId() },
          orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
        }),
      ),
    );
  }
  return incidentsOfWatchdog.get(key)!;
}

export const WatchdogNode = builder.prismaNode('Watchdog', {
  id: { field: 'id' },
  findUnique: async (id, ctx) => ({ id: parseBigId(id), AND: [idScope(await ctx.scope.watchdogIds())] }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (w) => w.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    enabled: t.boolean({ resolve: (w) => flagToBoolean(w.enabled) ?? false }),
    archived: t.boolean({ resolve: (w) => flagToBoolean(w.archived) ?? false }),
    severity: t.exposeString('severity'),
    matchMode: t.exposeString('matchMode'),
    siteMode: t.exposeString('siteMode'),
    criteria: t.field({ type: 'JSON', nullable: true, resolve: (w) => storedJson(w.criteriaJson, 'watchdogs.criteria_json') }),
    actions: t.field({ type: 'JSON', nullable: true, resolve: (w) => storedJson(w.actionsJson, 'watchdogs.actions_json') }),
    evaluationIntervalSeconds: t.exposeInt('evaluationIntervalSeconds'),
    cooldownSeconds: t.exposeInt('cooldownSeconds'),
    autoResolveAfterSeconds: t.exposeInt('autoResolveAfterSeconds'),
    minConsecutiveMatches: t.exposeInt('minConsecutiveMatches'),
    bootGraceSeconds: t.exposeInt('bootGraceSeconds'),
    targetDeviceCount: t.exposeInt('targetDeviceCount'),
    lastEditedBy: t.exposeString('lastEditedBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.updatedAt) }),
    lastEvaluatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => epochToDate(w.lastEvaluatedAt) }),
  }),
});

/** What every per-device watchdog row (override, device state, incident) shares. */
const WatchdogDeviceLink = builder
  .interfaceRef<{ watchdogId: number; hostname: string; siteId: number | null; deviceGuid: string | null }>('WatchdogDeviceLink')
  .implement({
    description: 'A per-device watchdog row: its watchdog, device and site.',
    fields: (t) => ({
      hostname: t.exposeString('hostname'),
      deviceGuid: t.exposeString('deviceGuid', { nullable: true }),
      watchdog: t.field({
        type: WatchdogNode,
        nullable: true,
        resolve: (row, _a, ctx) => ctx.loaders.use(watchdogById).load(row.watchdogId),
      }),
      device: t.field({
        type: DeviceNode,
        nullable: true,
        description: 'The device with this hostname, when it exists and is in scope.',
        resolve: (row, _a, ctx) => ctx.loaders.use(deviceByHostname).load(row.hostname),
      }),
      site: t.field({
        type: SiteNode,
        nullable: true,
        resolve: (row, _a, ctx) => (row.siteId === null ? null : ctx.loaders.use(siteById).load(row.siteId)),
      }),
    }),
  });

const WatchdogTargetRef = builder.prismaObject('WatchdogTarget', {
  fields: (t) => ({
    kind: t.exposeString('kind'),
    target: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.targetJson, 'watchdog_targets.target_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
  }),
});

const WatchdogOverrideRef = builder.prismaObject('WatchdogDeviceOverride', {
  name: 'WatchdogOverride',
  description: 'A per-device override of a watchdog (suppressed or disabled).',
  interfaces: [WatchdogDeviceLink],
  fields: (t) => ({
    state: t.exposeString('state'),
    reason: t.exposeString('reason', { nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.expiresAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.updatedAt) }),
  }),
});

const WatchdogDeviceStateRef = builder.prismaObject('WatchdogDeviceState', {
  description: 'Evaluation state of one device for one watchdog.',
  interfaces: [WatchdogDeviceLink],
  fields: (t) => ({
    state: t.exposeString('state'),
    consecutiveMatches: t.exposeInt('consecutiveMatches'),
    firstMatchedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.firstMatchedAt) }),
    clearStartedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.clearStartedAt) }),
    lastEvaluatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastEvaluatedAt) }),
    lastMatchedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastMatchedAt) }),
    lastActionAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastActionAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.updatedAt) }),
    lastSample: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.lastSampleJson, 'watchdog_device_state.last_sample_json') }),
  }),
});

export const IncidentNode = builder.prismaNode('WatchdogIncident', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: parseBigId(id), AND: [ctx.scope.bySiteId()] }),
  interfaces: [WatchdogDeviceLink],
  fields: (t) => ({
    databaseId: t.id({ resolve: (i) => i.id.toString() }),
    severity: t.exposeString('severity'),
    state: t.exposeString('state', { description: 'open, suppressed or resolved.' }),
    title: t.exposeString('title', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    sample: t.field({ type: 'JSON', nullable: true, resolve: (i) => storedJson(i.sampleJson, 'watchdog_incidents.sample_json') }),
    ruleSummary: t.field({ type: 'JSON', nullable: true, resolve: (i) => storedJson(i.ruleSummaryJson, 'watchdog_incidents.rule_summary_json') }),
    actionSummary: t.field({ type: 'JSON', nullable: true, resolve: (i) => storedJson(i.actionSummaryJson, 'watchdog_incidents.action_summary_json') }),
    openedAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => epochToDate(i.openedAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => epochToDate(i.updatedAt) }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => epochToDate(i.resolvedAt) }),
    resolutionReason: t.exposeString('resolutionReason', { nullable: true }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => epochToDate(i.acknowledgedAt) }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
    triggerCount: t.exposeInt('triggerCount'),
  }),
});


// Fields that reference each other's types are added once every type exists.
builder.prismaObjectFields(WatchdogNode, (t) => ({
    sites: t.field({
      type: [SiteNode],
      description: 'Sites the watchdog applies to (empty: every site).',
      resolve: async (w, _a, ctx) => {
        const links = await ctx.loaders.use(sitesOfWatchdog).load(w.id);
        const sites = await Promise.all(links.map((link) => ctx.loaders.use(siteById).load(link.siteId)));
        return sites.filter((site) => site !== null);
      },
    }),
    targets: t.field({ type: [WatchdogTargetRef], resolve: (w, _a, ctx) => ctx.loaders.use(targetsOfWatchdog).load(w.id) }),
    overrides: t.field({ type: [WatchdogOverrideRef], resolve: (w, _a, ctx) => ctx.loaders.use(overridesOfWatchdog).load(w.id) }),
    deviceStates: t.field({ type: [WatchdogDeviceStateRef], resolve: (w, _a, ctx) => ctx.loaders.use(statesOfWatchdog).load(w.id) }),
    incidents: t.field({
      type: [IncidentNode],
      description: 'Incidents of this watchdog in the operator\'s sites, newest first.',
      args: { state: t.arg({ type: [IncidentStateEnum] }), first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (w, args, ctx) => {
        const first = boundedFirst(args.first);
        return (await ctx.loaders.use(incidentsLoader(args.state)).load(w.id)).slice(0, first);
      },
    }),
}));

builder.prismaObjectFields(WatchdogDeviceStateRef, (t) => ({
    currentIncident: t.field({
      type: IncidentNode,
      nullable: true,
      resolve: (row, _a, ctx) => (row.currentIncidentId === null ? null : ctx.loaders.use(incidentById).load(row.currentIncidentId)),
    }),
}));

const WatchdogWhere = builder.inputType('WatchdogWhere', {
  fields: (t) => ({
    name: t.field({ type: StringFilter }),
    enabled: t.boolean(),
    archived: t.boolean(),
    severity: t.field({ type: [SeverityEnum] }),
    siteIds: t.idList({ description: 'Watchdogs that apply to any of these sites.' }),
  }),
});
const watchdogOrder = defineOrder('Watchdog', { NAME: 'name', UPDATED_AT: 'updatedAt', SEVERITY: 'severity', ID: 'id' }, 'id');

async function watchdogsWhere(where: typeof WatchdogWhere.$inferInput | null | undefined, ctx: GatewayContext): Promise<Prisma.WatchdogWhereInput> {
  requireOperator(ctx);
  const conditions: Prisma.WatchdogWhereInput[] = [idScope(await ctx.scope.watchdogIds())];
  if (where) {
    conditions.push({
      name: stringWhere(where.name),
      severity: statusWhere(where.severity),
      enabled: where.enabled == null ? undefined : where.enabled ? 1 : 0,
      archived: where.archived == null ? undefined : where.archived ? 1 : 0,
    });
    if (where.siteIds) {
      const links = await ctx.prisma.watchdogSite.findMany({ where: { siteId: siteIdsWhere(where.siteIds) }, select: { watchdogId: true } });
      conditions.push({ id: { in: links.map((l) => BigInt(l.watchdogId)) } });
    }
  }
  return { AND: conditions };
}

builder.queryField('watchdogs', (t) =>
  t.prismaConnection({
    type: 'Watchdog',
    cursor: 'id',
    ...pageSize,
    description: 'Watchdog definitions; a User sees the watchdogs of their sites.',
    args: { where: t.arg({ type: WatchdogWhere }), orderBy: t.arg({ type: watchdogOrder.Order }) },
    resolve: async (query, _root, args, ctx) =>
      ctx.prisma.watchdog.findMany({ ...query, where: await watchdogsWhere(args.where, ctx), orderBy: watchdogOrder.toPrisma(args.orderBy, 'NAME') }),
    totalCount: async (_root, args, ctx) => ctx.prisma.watchdog.count({ where: await watchdogsWhere(args.where, ctx) }),
  }),
);

const IncidentWhere = builder.inputType('IncidentWhere', {
  fields: (t) => ({
    state: t.field({ type: [IncidentStateEnum] }),
    severity: t.field({ type: [SeverityEnum] }),
    siteIds: t.idList(),
    watchdogId: t.field({ type: IdFilter }),
    hostname: t.field({ type: StringFilter }),
    openedAt: t.field({ type: TimeRange }),
    id: t.field({ type: IdFilter }),
  }),
});
const incidentOrder = defineOrder(
  'Incident',
  { OPENED_AT: 'openedAt', UPDATED_AT: 'updatedAt', SEVERITY: 'severity', HOSTNAME: 'hostname', ID: 'id' },
  'id',
);

function incidentsWhere(where: typeof IncidentWhere.$inferInput | null | undefined, ctx: GatewayContext): Prisma.WatchdogIncidentWhereInput {
  requireOperator(ctx);
  return {
    AND: [
      ctx.scope.bySiteId(),
      {
        id: bigIdWhere(where?.id),
        state: statusWhere(where?.state),
        severity: statusWhere(where?.severity),
        siteId: siteIdsWhere(where?.siteIds),
        watchdogId: intIdWhere(where?.watchdogId, 'watchdogId'),
        hostname: stringWhere(where?.hostname),
        openedAt: epochRangeWhere(where?.openedAt),
      },
    ],
  };
}

builder.queryField('incidents', (t) =>
  t.prismaConnection({
    type: 'WatchdogIncident',
    cursor: 'id',
    ...pageSize,
    description: 'The global incident queue, newest first by default, limited to the operator\'s sites.',
    args: { where: t.arg({ type: IncidentWhere }), orderBy: t.arg({ type: incidentOrder.Order }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.watchdogIncident.findMany({
        ...query,
        where: incidentsWhere(args.where, ctx),
        orderBy: args.orderBy ? incidentOrder.toPrisma(args.orderBy, 'OPENED_AT') : [{ openedAt: 'desc' }, { id: 'desc' }],
      }),
    totalCount: (_root, args, ctx) => ctx.prisma.watchdogIncident.count({ where: incidentsWhere(args.where, ctx) }),
  }),
);

export { DeviceWatchdogStateEnum, OverrideStateEnum };
