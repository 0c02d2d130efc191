/**
 * Watchdogs (definitions, their sites, targets, device overrides and device states) and the
 * incidents they raise, with the global incident queue. Loaders are in loaders.ts, list filters in
 * filters.ts and the list/lookup queries in service.ts.
 */
import { incidentById, incidentDocuments, incidentsOfWatchdog, incidentsOfWatchdogPage, overridesOfWatchdog, sitesOfWatchdog, statesOfWatchdog, targetsOfWatchdog, watchdogById } from './loaders.js';
import { listIncidentsWhere, listWatchdogsWhere } from './service.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import type { GatewayContext } from '../../graphql/context.js';
import { listConnection } from '../../graphql/connections.js';
import { deviceByHostname } from '../devices/loaders.js';
import { boundedFirst, IncidentStateEnum, SeverityEnum } from '../../graphql/enums.js';
import { parseBigId } from '../../graphql/ids.js';
import {
  defineOrder,
  IdFilter,
  StringFilter,
  TimeRange,
} from '../../graphql/inputs.js';
import { DeviceNode } from '../devices/graphql.js';
import { siteOf, siteOfRow, SiteNode, sitesOf } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochField, flagField, idText, sqlForm } from '../../graphql/compile/forms.js';
import { Prisma } from '../../generated/prisma/client.js';
import { incidentFilterWhere } from './filters.js';

export const WatchdogNode = builder.prismaNode('Watchdog', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('Watchdog', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    enabled: t.boolean(flagField('enabled')),
    archived: t.boolean(flagField('archived')),
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
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
    lastEvaluatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('lastEvaluatedAt') }),
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
        extensions: sqlForm({ kind: 'row', model: 'Watchdog', match: (link, watchdog) => Prisma.sql`${watchdog}.id = ${link}.watchdog_id` }),
        resolve: (row, _a, ctx) => ctx.loaders.use(watchdogById).load(row.watchdogId),
      }),
      device: t.field({
        type: DeviceNode,
        nullable: true,
        description: 'The device with this hostname, when it exists and is in scope.',
        extensions: sqlForm({ kind: 'row', model: 'Device', match: (link, device) => Prisma.sql`${device}.hostname = ${link}.hostname` }),
        resolve: (row, _a, ctx) => ctx.loaders.use(deviceByHostname).load(row.hostname),
      }),
      site: t.field({
        type: SiteNode,
        nullable: true,
        extensions: siteOfRow,
        resolve: (row, _a, ctx) => siteOf(row.siteId, ctx),
      }),
    }),
  });

const WatchdogTargetRef = builder.prismaObject('WatchdogTarget', {
  fields: (t) => ({
    kind: t.exposeString('kind'),
    target: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.targetJson, 'watchdog_targets.target_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
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
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, ...epochField('expiresAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
  }),
});

const WatchdogDeviceStateRef = builder.prismaObject('WatchdogDeviceState', {
  description: 'Evaluation state of one device for one watchdog.',
  interfaces: [WatchdogDeviceLink],
  fields: (t) => ({
    state: t.exposeString('state'),
    consecutiveMatches: t.exposeInt('consecutiveMatches'),
    firstMatchedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('firstMatchedAt') }),
    clearStartedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('clearStartedAt') }),
    lastEvaluatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('lastEvaluatedAt') }),
    lastMatchedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('lastMatchedAt') }),
    lastActionAt: t.field({ type: 'DateTime', nullable: true, ...epochField('lastActionAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
    lastSample: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.lastSampleJson, 'watchdog_device_state.last_sample_json') }),
  }),
});

/**
 * A JSON document of an incident. The client omits these large columns (db/prisma.ts): they are
 * read, for all the incidents of a level at once, only when one of these fields is selected.
 */
const incidentDocument =
  (column: 'sampleJson' | 'ruleSummaryJson' | 'actionSummaryJson', stored: string) =>
  async (incident: { id: bigint }, _args: unknown, ctx: GatewayContext) =>
    storedJson((await ctx.loaders.use(incidentDocuments).load(incident.id))?.[column] ?? null, stored);

export const IncidentNode = builder.prismaNode('WatchdogIncident', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('WatchdogIncident', ctx.scope, { id: parseBigId(id) }),
  interfaces: [WatchdogDeviceLink],
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    severity: t.exposeString('severity'),
    state: t.exposeString('state', { description: 'open, suppressed or resolved.' }),
    title: t.exposeString('title', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    sample: t.field({ type: 'JSON', nullable: true, resolve: incidentDocument('sampleJson', 'watchdog_incidents.sample_json') }),
    ruleSummary: t.field({ type: 'JSON', nullable: true, resolve: incidentDocument('ruleSummaryJson', 'watchdog_incidents.rule_summary_json') }),
    actionSummary: t.field({ type: 'JSON', nullable: true, resolve: incidentDocument('actionSummaryJson', 'watchdog_incidents.action_summary_json') }),
    openedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('openedAt') }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('updatedAt') }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('resolvedAt') }),
    resolutionReason: t.exposeString('resolutionReason', { nullable: true }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('acknowledgedAt') }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
    triggerCount: t.exposeInt('triggerCount'),
  }),
});


// Fields that reference each other's types are added once every type exists.
builder.prismaObjectFields(WatchdogNode, (t) => ({
    sites: t.field({
      type: [SiteNode],
      description: 'Sites the watchdog applies to (empty: every site).',
      resolve: async (w, _a, ctx) => sitesOf((await ctx.loaders.use(sitesOfWatchdog).load(w.id)).map((link) => link.siteId), ctx),
    }),
    targets: t.field({ type: [WatchdogTargetRef], resolve: (w, _a, ctx) => ctx.loaders.use(targetsOfWatchdog).load(w.id) }),
    overrides: t.field({ type: [WatchdogOverrideRef], resolve: (w, _a, ctx) => ctx.loaders.use(overridesOfWatchdog).load(w.id) }),
    deviceStates: t.field({ type: [WatchdogDeviceStateRef], resolve: (w, _a, ctx) => ctx.loaders.use(statesOfWatchdog).load(w.id) }),
    incidents: t.field({
      type: [IncidentNode],
      description: 'Incidents of this watchdog in the operator\'s sites, newest first.',
      args: { state: t.arg({ type: [IncidentStateEnum] }), first: t.arg.int({ defaultValue: 20 }) },
      extensions: sqlForm({
        kind: 'firstPerParent',
        model: 'WatchdogIncident',
        parentKey: (watchdog) => Prisma.sql`${watchdog}.id`,
        options: (args) => incidentsOfWatchdogPage({ states: args.state as string[] | null | undefined, first: boundedFirst(args.first as number | null | undefined) }),
      }),
      resolve: (w, args, ctx) => ctx.loaders.use(incidentsOfWatchdog({ states: args.state, first: boundedFirst(args.first) })).load(w.id),
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

builder.queryField('watchdogs', (t) =>
  listConnection(t, {
    type: 'Watchdog',
    cursor: 'id',
    description: 'Watchdog definitions; a User sees the watchdogs of their sites.',
    filter: WatchdogWhere,
    where: (where, ctx) => listWatchdogsWhere(ctx, where),
    order: watchdogOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.watchdog,
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

builder.queryField('incidents', (t) =>
  listConnection(t, {
    type: 'WatchdogIncident',
    cursor: 'id',
    description: 'The global incident queue, newest first by default, limited to the operator\'s sites.',
    filter: IncidentWhere,
    where: (where, ctx) => listIncidentsWhere(ctx, where),
    order: incidentOrder,
    defaultOrder: [{ openedAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.watchdogIncident,
    filterWhere: (where) => incidentFilterWhere(where),
  }),
);

