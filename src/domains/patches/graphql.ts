/**
 * Patch management: policies (engine.patch_policies) with their sites, targets, exclusions,
 * approve/block rules, runs, per-device enforcement state and audit trail; the patch catalogue
 * (patch_catalog_entries) and the per-device patch inventory (device_patch_inventory).
 *
 * Scope: admin only. Patch policies are global (the two locked "Global ... Policy" rows) or span
 * site lists, and their runs, rules and audit entries are policy-wide; Borealis's site-scope rules
 * (agent API section 6) name no rule for patch management, so there is no User view to mirror.
 * A User gets FORBIDDEN from every list; node lookups and relations match no row (null) for
 * them, in SQL. Devices, sites and filters reached from patch rows keep their own scopes.
 *
 * Every patch_policy_* foreign key is int4 -> int8, so relations are per-request loaders: one
 * statement per relation per query level.
 */
import type { GatewayContext } from '../../graphql/context.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { byId, childrenBy, firstChildrenBy } from '../../access/batch.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { deviceByGuid, deviceByHostname } from '../devices/loaders.js';
import { DeviceNode } from '../devices/graphql.js';
import { boundedFirst, valueSet } from '../../graphql/enums.js';
import { DeviceFilterNode, filterById } from '../filters/graphql.js';
import { parseBigId } from '../../graphql/ids.js';
import {
  bigIdWhere,
  defineOrder,
  epochRangeWhere,
  flagWhere,
  IdFilter,
  intIdWhere,
  siteIdsWhere,
  statusWhere,
  StringFilter,
  stringWhere,
  TimeRange,
} from '../../graphql/inputs.js';
import { siteOf, SiteNode, sitesOf } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate, flagToBoolean, guidSpellings } from '../../graphql/values.js';

export const PatchInventorySourceEnum = valueSet('PatchInventorySource', 'device_patch_inventory.source', [
  'wua_pending', 'wua_history', 'quick_fix_engineering',
]);

// ---------------------------------------------------------------- loaders

const policyById = byId('PatchPolicy');

// Rows of the patch_policy_* tables by their int4 policy column, each with its model's rule.
const sitesOfPolicy = childrenBy('PatchPolicySite', 'policyId', { orderBy: [{ siteId: 'asc' }, { id: 'asc' }] });
const targetsOfPolicy = childrenBy('PatchPolicyTarget', 'policyId', { orderBy: { id: 'asc' } });
const exclusionsOfPolicy = childrenBy('PatchPolicyExclusion', 'policyId', { orderBy: { id: 'asc' } });
const rulesOfPolicy = childrenBy('PatchPolicyRule', 'policyId', { orderBy: { id: 'asc' } });
const runsOfPolicy = firstChildrenBy('PatchPolicyRun', {
  table: 'engine.patch_policy_runs',
  column: 'policy_id',
  orderBy: [['scheduled_ts', 'DESC'], ['id', 'DESC']],
});
const auditOfPolicy = firstChildrenBy('PatchPolicyAudit', {
  table: 'engine.patch_policy_audit',
  column: 'policy_id',
  orderBy: [['created_at', 'DESC'], ['id', 'DESC']],
});
const deviceStatesOfPolicy = firstChildrenBy('PatchPolicyDeviceState', {
  table: 'engine.patch_policy_device_state',
  column: 'effective_policy_id',
  orderBy: [['hostname', 'ASC'], ['id', 'ASC']],
});

const filterOf = (filterId: number | null, ctx: GatewayContext) => (filterId === null ? null : ctx.loaders.use(filterById).load(filterId));
const deviceOf = (row: { deviceGuid: string | null; hostname: string | null }, ctx: GatewayContext) => {
  if (row.deviceGuid) return ctx.loaders.use(deviceByGuid).load(row.deviceGuid);
  return row.hostname ? ctx.loaders.use(deviceByHostname).load(row.hostname) : null;
};

// ---------------------------------------------------------------- types

export const PatchPolicyNode = builder.prismaNode('PatchPolicy', {
  nullable: true,
  id: { field: 'id' },
  description: 'A patch approval and install policy (patch_policies). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('PatchPolicy', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (p) => p.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    policyType: t.exposeString('policyType', { description: 'global, site or filter-scoped.' }),
    enabled: t.boolean({ resolve: (p) => flagToBoolean(p.enabled) ?? false }),
    locked: t.boolean({ description: 'Locked policies (the seeded globals) cannot be deleted.', resolve: (p) => flagToBoolean(p.locked) ?? false }),
    roleScope: t.exposeString('roleScope', { description: 'Workstation or Server (Both: legacy).' }),
    approvalMode: t.exposeString('approvalMode'),
    deferralDays: t.exposeInt('deferralDays'),
    managedUpdateMode: t.exposeInt('managedUpdateMode'),
    installScheduleType: t.exposeString('installScheduleType'),
    installStartAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.installStartTs) }),
    rebootAfterInstall: t.boolean({ resolve: (p) => flagToBoolean(p.rebootAfterInstall) ?? false }),
    rebootScheduleEnabled: t.boolean({ resolve: (p) => flagToBoolean(p.rebootScheduleEnabled) ?? false }),
    rebootScheduleType: t.exposeString('rebootScheduleType'),
    rebootStartAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.rebootStartTs) }),
    forceRebootLoggedIn: t.boolean({ resolve: (p) => flagToBoolean(p.forceRebootLoggedIn) ?? false }),
    classToggles: t.field({ type: 'JSON', nullable: true, resolve: (p) => storedJson(p.classTogglesJson, 'patch_policies.class_toggles_json') }),
    rebootPolicy: t.field({ type: 'JSON', nullable: true, resolve: (p) => storedJson(p.rebootPolicyJson, 'patch_policies.reboot_policy_json') }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    updatedBy: t.exposeString('updatedBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => epochToDate(p.updatedAt) }),
    sites: t.field({
      type: [SiteNode],
      description: 'The sites the policy applies to (patch_policy_sites).',
      resolve: async (p, _a, ctx) => sitesOf((await ctx.loaders.use(sitesOfPolicy).load(p.id)).map((row) => row.siteId), ctx),
    }),
  }),
});

const PatchPolicyTargetRef = builder.prismaObject('PatchPolicyTarget', {
  description: 'A device or filter a policy targets (patch_policy_targets).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    targetType: t.exposeString('targetType'),
    deviceGuid: t.exposeString('deviceGuid', { nullable: true }),
    hostname: t.exposeString('hostname', { nullable: true }),
    target: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.targetJson, 'patch_policy_targets.target_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
    device: t.field({ type: DeviceNode, nullable: true, resolve: (row, _a, ctx) => deviceOf(row, ctx) }),
    filter: t.field({ type: DeviceFilterNode, nullable: true, resolve: (row, _a, ctx) => filterOf(row.filterId, ctx) }),
  }),
});

const PatchPolicyExclusionRef = builder.prismaObject('PatchPolicyExclusion', {
  description: 'A device, site or filter a policy leaves alone (patch_policy_exclusions).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    exclusionType: t.exposeString('exclusionType', { description: 'unmanaged, frozen or managed_override.' }),
    targetType: t.exposeString('targetType'),
    deviceGuid: t.exposeString('deviceGuid', { nullable: true }),
    hostname: t.exposeString('hostname', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
    device: t.field({ type: DeviceNode, nullable: true, resolve: (row, _a, ctx) => deviceOf(row, ctx) }),
    site: t.field({ type: SiteNode, nullable: true, resolve: (row, _a, ctx) => siteOf(row.siteId, ctx) }),
    filter: t.field({ type: DeviceFilterNode, nullable: true, resolve: (row, _a, ctx) => filterOf(row.filterId, ctx) }),
  }),
});

const PatchPolicyRuleRef = builder.prismaObject('PatchPolicyRule', {
  description: 'An approve or block rule of a policy (patch_policy_rules).',
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    ruleType: t.exposeString('ruleType', { description: 'approve or block.' }),
    matchType: t.exposeString('matchType', { description: 'severity, classification, title_contains, ...' }),
    matchValue: t.exposeString('matchValue'),
    overrideParentBlock: t.boolean({ resolve: (row) => flagToBoolean(row.overrideParentBlock) ?? false }),
    notes: t.exposeString('notes', { nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
  }),
});

export const PatchPolicyRunNode = builder.prismaNode('PatchPolicyRun', {
  nullable: true,
  id: { field: 'id' },
  description: 'One scheduled install occurrence of a policy (patch_policy_runs). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('PatchPolicyRun', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (run) => run.id.toString() }),
    status: t.exposeString('status'),
    summary: t.field({ type: 'JSON', nullable: true, resolve: (run) => storedJson(run.summaryJson, 'patch_policy_runs.summary_json') }),
    scheduledAt: t.field({ type: 'DateTime', nullable: true, resolve: (run) => epochToDate(run.scheduledTs) }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (run) => epochToDate(run.startedAt) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (run) => epochToDate(run.finishedAt) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (run) => epochToDate(run.createdAt) }),
    policy: t.field({ type: PatchPolicyNode, nullable: true, resolve: (run, _a, ctx) => ctx.loaders.use(policyById).load(run.policyId) }),
  }),
});

export const PatchPolicyAuditNode = builder.prismaNode('PatchPolicyAudit', {
  nullable: true,
  name: 'PatchPolicyAuditEntry',
  id: { field: 'id' },
  description: 'A change to a policy (patch_policy_audit). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('PatchPolicyAudit', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    action: t.exposeString('action'),
    actor: t.exposeString('actor', { nullable: true }),
    detail: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.detailJson, 'patch_policy_audit.detail_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.createdAt) }),
    policy: t.field({
      type: PatchPolicyNode,
      nullable: true,
      description: 'Null once the policy is deleted (ON DELETE SET NULL).',
      resolve: (row, _a, ctx) => (row.policyId === null ? null : ctx.loaders.use(policyById).load(row.policyId)),
    }),
  }),
});

export const PatchDeviceStateNode = builder.prismaNode('PatchPolicyDeviceState', {
  nullable: true,
  id: { field: 'id' },
  description: 'The effective policy and enforcement state of one device (patch_policy_device_state). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('PatchPolicyDeviceState', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    deviceGuid: t.exposeString('deviceGuid', { nullable: true }),
    hostname: t.exposeString('hostname'),
    exclusionMode: t.exposeString('exclusionMode', { nullable: true }),
    enforcementMode: t.exposeString('enforcementMode', { nullable: true }),
    enforcementStatus: t.exposeString('enforcementStatus', { nullable: true }),
    driftDetected: t.boolean({ resolve: (row) => flagToBoolean(row.driftDetected) ?? false }),
    lastEvaluatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastEvaluatedAt) }),
    lastEnforcedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastEnforcedAt) }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.metadataJson, 'patch_policy_device_state.metadata_json') }),
    effectivePolicy: t.field({
      type: PatchPolicyNode,
      nullable: true,
      resolve: (row, _a, ctx) => (row.effectivePolicyId === null ? null : ctx.loaders.use(policyById).load(row.effectivePolicyId)),
    }),
    device: t.field({ type: DeviceNode, nullable: true, resolve: (row, _a, ctx) => ctx.loaders.use(deviceByHostname).load(row.hostname) }),
  }),
});

export const PatchCatalogEntryNode = builder.prismaNode('PatchCatalogEntry', {
  nullable: true,
  id: { field: 'id' },
  description: 'An update Borealis has seen (patch_catalog_entries). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('PatchCatalogEntry', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    patchKey: t.exposeString('patchKey', { nullable: true }),
    kb: t.exposeString('kb', { nullable: true }),
    updateId: t.exposeString('updateId', { nullable: true }),
    revisionNumber: t.exposeInt('revisionNumber', { nullable: true }),
    title: t.exposeString('title'),
    classification: t.exposeString('classification', { nullable: true }),
    category: t.exposeString('category', { nullable: true }),
    severity: t.exposeString('severity', { nullable: true }),
    publishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.publishedAt) }),
    firstSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.firstSeenAt) }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.lastSeenAt) }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.metadataJson, 'patch_catalog_entries.metadata_json') }),
  }),
});

export const DevicePatchNode = builder.prismaNode('DevicePatchInventory', {
  nullable: true,
  name: 'DevicePatch',
  id: { field: 'id' },
  description: 'A pending or installed update reported by a device (device_patch_inventory). Admin only.',
  findUnique: (id, ctx) => uniqueInScope('DevicePatchInventory', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (row) => row.id.toString() }),
    deviceGuid: t.exposeString('deviceGuid'),
    patchKey: t.exposeString('patchKey'),
    kb: t.exposeString('kb', { nullable: true }),
    title: t.exposeString('title'),
    state: t.exposeString('state'),
    source: t.exposeString('source', { description: 'wua_pending, wua_history or quick_fix_engineering.' }),
    classification: t.exposeString('classification', { nullable: true }),
    severity: t.exposeString('severity', { nullable: true }),
    installedOn: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.installedOn) }),
    publishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.publishedAt) }),
    capturedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => epochToDate(row.capturedAt) }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (row) => storedJson(row.metadataJson, 'device_patch_inventory.metadata_json') }),
    device: t.field({ type: DeviceNode, nullable: true, resolve: (row, _a, ctx) => ctx.loaders.use(deviceByGuid).load(row.deviceGuid) }),
  }),
});

// Policy relations, added once every type exists.
builder.prismaObjectFields(PatchPolicyNode, (t) => ({
  targets: t.field({ type: [PatchPolicyTargetRef], resolve: (p, _a, ctx) => ctx.loaders.use(targetsOfPolicy).load(p.id) }),
  exclusions: t.field({ type: [PatchPolicyExclusionRef], resolve: (p, _a, ctx) => ctx.loaders.use(exclusionsOfPolicy).load(p.id) }),
  rules: t.field({ type: [PatchPolicyRuleRef], resolve: (p, _a, ctx) => ctx.loaders.use(rulesOfPolicy).load(p.id) }),
  runs: t.field({
    type: [PatchPolicyRunNode],
    description: 'Install occurrences of the policy, newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (p, args, ctx) => ctx.loaders.use(runsOfPolicy(boundedFirst(args.first))).load(p.id),
  }),
  audit: t.field({
    type: [PatchPolicyAuditNode],
    description: 'Audit trail of the policy, newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (p, args, ctx) => ctx.loaders.use(auditOfPolicy(boundedFirst(args.first))).load(p.id),
  }),
  deviceStates: t.field({
    type: [PatchDeviceStateNode],
    description: 'Devices whose effective policy this is, by hostname.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (p, args, ctx) => ctx.loaders.use(deviceStatesOfPolicy(boundedFirst(args.first))).load(p.id),
  }),
}));

// ---------------------------------------------------------------- queries

const PatchPolicyWhere = builder.inputType('PatchPolicyWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    policyType: t.field({ type: StringFilter }),
    roleScope: t.field({ type: StringFilter }),
    enabled: t.boolean(),
    locked: t.boolean(),
    siteIds: t.idList({ description: 'Policies with a site row for any of these sites.' }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const patchPolicyOrder = defineOrder('PatchPolicy', { NAME: 'name', UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

async function patchPoliciesWhere(where: typeof PatchPolicyWhere.$inferInput | null | undefined, ctx: GatewayContext): Promise<Prisma.PatchPolicyWhereInput> {
  const conditions: Prisma.PatchPolicyWhereInput[] = [
    {
      id: bigIdWhere(where?.id),
      name: stringWhere(where?.name),
      policyType: stringWhere(where?.policyType),
      roleScope: stringWhere(where?.roleScope),
      enabled: flagWhere(where?.enabled),
      locked: flagWhere(where?.locked),
      updatedAt: epochRangeWhere(where?.updatedAt),
    },
  ];
  if (where?.siteIds) {
    // patch_policy_sites.policy_id is int4 -> int8: no Prisma relation to filter through.
    const rows = await ctx.prisma.patchPolicySite.findMany({ where: { siteId: siteIdsWhere(where.siteIds) }, select: { policyId: true } });
    conditions.push({ id: { in: rows.map((row) => BigInt(row.policyId)) } });
  }
  return { AND: conditions };
}

builder.queryField('patchPolicies', (t) =>
  listConnection(t, {
    type: 'PatchPolicy',
    cursor: 'id',
    description: 'Patch policies, by name by default. Admin only.',
    filter: PatchPolicyWhere,
    where: ruled('PatchPolicy', patchPoliciesWhere),
    order: patchPolicyOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.patchPolicy,
    authScopes: { admin: true },
  }),
);

const PatchPolicyRunWhere = builder.inputType('PatchPolicyRunWhere', {
  fields: (t) => ({
    policyId: t.field({ type: IdFilter }),
    status: t.field({ type: StringFilter, description: 'Run statuses are not a documented value set: text match.' }),
    scheduledAt: t.field({ type: TimeRange }),
    finishedAt: t.field({ type: TimeRange }),
  }),
});
const patchRunOrder = defineOrder(
  'PatchPolicyRun',
  { SCHEDULED_AT: 'scheduledTs', STARTED_AT: 'startedAt', FINISHED_AT: 'finishedAt', STATUS: 'status', ID: 'id' },
  'id',
);

function patchRunsWhere(where: typeof PatchPolicyRunWhere.$inferInput | null | undefined): Prisma.PatchPolicyRunWhereInput {
  return {
    policyId: intIdWhere(where?.policyId, 'policyId'),
    status: stringWhere(where?.status),
    scheduledTs: epochRangeWhere(where?.scheduledAt),
    finishedAt: epochRangeWhere(where?.finishedAt),
  };
}

builder.queryField('patchPolicyRuns', (t) =>
  listConnection(t, {
    type: 'PatchPolicyRun',
    cursor: 'id',
    description: 'Patch policy runs, newest first by default. Admin only.',
    filter: PatchPolicyRunWhere,
    where: ruled('PatchPolicyRun', patchRunsWhere),
    order: patchRunOrder,
    defaultOrder: [{ scheduledTs: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.patchPolicyRun,
    authScopes: { admin: true },
  }),
);

const PatchPolicyAuditWhere = builder.inputType('PatchPolicyAuditWhere', {
  fields: (t) => ({
    policyId: t.field({ type: IdFilter }),
    action: t.field({ type: StringFilter }),
    actor: t.field({ type: StringFilter }),
    createdAt: t.field({ type: TimeRange }),
  }),
});
const patchAuditOrder = defineOrder('PatchPolicyAudit', { CREATED_AT: 'createdAt', ACTION: 'action', ID: 'id' }, 'id');

function patchAuditWhere(where: typeof PatchPolicyAuditWhere.$inferInput | null | undefined): Prisma.PatchPolicyAuditWhereInput {
  return {
    policyId: intIdWhere(where?.policyId, 'policyId'),
    action: stringWhere(where?.action),
    actor: stringWhere(where?.actor),
    createdAt: epochRangeWhere(where?.createdAt),
  };
}

builder.queryField('patchPolicyAudit', (t) =>
  listConnection(t, {
    type: 'PatchPolicyAudit',
    cursor: 'id',
    description: 'The patch policy audit trail (including entries of deleted policies), newest first by default. Admin only.',
    filter: PatchPolicyAuditWhere,
    where: ruled('PatchPolicyAudit', patchAuditWhere),
    order: patchAuditOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.patchPolicyAudit,
    authScopes: { admin: true },
  }),
);

const PatchDeviceStateWhere = builder.inputType('PatchPolicyDeviceStateWhere', {
  fields: (t) => ({
    hostname: t.field({ type: StringFilter }),
    deviceGuids: t.stringList({ description: 'Device GUIDs, compared case-insensitively.' }),
    effectivePolicyId: t.field({ type: IdFilter }),
    enforcementStatus: t.field({ type: StringFilter }),
    enforcementMode: t.field({ type: StringFilter }),
    exclusionMode: t.field({ type: StringFilter }),
    driftDetected: t.boolean(),
    lastEvaluatedAt: t.field({ type: TimeRange }),
  }),
});
const patchDeviceStateOrder = defineOrder(
  'PatchPolicyDeviceState',
  { HOSTNAME: 'hostname', LAST_EVALUATED_AT: 'lastEvaluatedAt', LAST_ENFORCED_AT: 'lastEnforcedAt', ENFORCEMENT_STATUS: 'enforcementStatus', ID: 'id' },
  'id',
);

function patchDeviceStatesWhere(where: typeof PatchDeviceStateWhere.$inferInput | null | undefined): Prisma.PatchPolicyDeviceStateWhereInput {
  return {
    hostname: stringWhere(where?.hostname),
    deviceGuid: where?.deviceGuids ? { in: guidSpellings(where.deviceGuids) } : undefined,
    effectivePolicyId: intIdWhere(where?.effectivePolicyId, 'effectivePolicyId'),
    enforcementStatus: stringWhere(where?.enforcementStatus),
    enforcementMode: stringWhere(where?.enforcementMode),
    exclusionMode: stringWhere(where?.exclusionMode),
    driftDetected: flagWhere(where?.driftDetected),
    lastEvaluatedAt: epochRangeWhere(where?.lastEvaluatedAt),
  };
}

builder.queryField('patchPolicyDeviceStates', (t) =>
  listConnection(t, {
    type: 'PatchPolicyDeviceState',
    cursor: 'id',
    description: 'Per-device patch policy state, by hostname by default. Admin only.',
    filter: PatchDeviceStateWhere,
    where: ruled('PatchPolicyDeviceState', patchDeviceStatesWhere),
    order: patchDeviceStateOrder,
    defaultOrder: 'HOSTNAME',
    delegate: (prisma) => prisma.patchPolicyDeviceState,
    authScopes: { admin: true },
  }),
);

const PatchCatalogEntryWhere = builder.inputType('PatchCatalogEntryWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    patchKey: t.field({ type: StringFilter }),
    kb: t.field({ type: StringFilter }),
    updateId: t.field({ type: StringFilter }),
    title: t.field({ type: StringFilter }),
    classification: t.field({ type: StringFilter }),
    category: t.field({ type: StringFilter }),
    severity: t.field({ type: StringFilter }),
    publishedAt: t.field({ type: TimeRange }),
    lastSeenAt: t.field({ type: TimeRange }),
  }),
});
const patchCatalogOrder = defineOrder(
  'PatchCatalogEntry',
  { PUBLISHED_AT: 'publishedAt', LAST_SEEN_AT: 'lastSeenAt', FIRST_SEEN_AT: 'firstSeenAt', TITLE: 'title', KB: 'kb', SEVERITY: 'severity', ID: 'id' },
  'id',
);

function patchCatalogWhere(where: typeof PatchCatalogEntryWhere.$inferInput | null | undefined): Prisma.PatchCatalogEntryWhereInput {
  return {
    id: bigIdWhere(where?.id),
    patchKey: stringWhere(where?.patchKey),
    kb: stringWhere(where?.kb),
    updateId: stringWhere(where?.updateId),
    title: stringWhere(where?.title),
    classification: stringWhere(where?.classification),
    category: stringWhere(where?.category),
    severity: stringWhere(where?.severity),
    publishedAt: epochRangeWhere(where?.publishedAt),
    lastSeenAt: epochRangeWhere(where?.lastSeenAt),
  };
}

builder.queryField('patchCatalogEntries', (t) =>
  listConnection(t, {
    type: 'PatchCatalogEntry',
    cursor: 'id',
    description: 'The patch catalogue, most recently seen first by default. Admin only.',
    filter: PatchCatalogEntryWhere,
    where: ruled('PatchCatalogEntry', patchCatalogWhere),
    order: patchCatalogOrder,
    defaultOrder: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.patchCatalogEntry,
    authScopes: { admin: true },
  }),
);

const DevicePatchWhere = builder.inputType('DevicePatchWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    deviceGuids: t.stringList({ description: 'Device GUIDs, compared case-insensitively.' }),
    patchKey: t.field({ type: StringFilter }),
    kb: t.field({ type: StringFilter }),
    title: t.field({ type: StringFilter }),
    state: t.field({ type: StringFilter }),
    source: t.field({ type: [PatchInventorySourceEnum] }),
    classification: t.field({ type: StringFilter }),
    severity: t.field({ type: StringFilter }),
    installedOn: t.field({ type: TimeRange }),
    capturedAt: t.field({ type: TimeRange }),
  }),
});
const devicePatchOrder = defineOrder(
  'DevicePatch',
  { CAPTURED_AT: 'capturedAt', INSTALLED_ON: 'installedOn', PUBLISHED_AT: 'publishedAt', KB: 'kb', TITLE: 'title', STATE: 'state', ID: 'id' },
  'id',
);

function devicePatchesWhere(where: typeof DevicePatchWhere.$inferInput | null | undefined): Prisma.DevicePatchInventoryWhereInput {
  return {
    id: bigIdWhere(where?.id),
    deviceGuid: where?.deviceGuids ? { in: guidSpellings(where.deviceGuids) } : undefined,
    patchKey: stringWhere(where?.patchKey),
    kb: stringWhere(where?.kb),
    title: stringWhere(where?.title),
    state: stringWhere(where?.state),
    source: statusWhere(where?.source),
    classification: stringWhere(where?.classification),
    severity: stringWhere(where?.severity),
    installedOn: epochRangeWhere(where?.installedOn),
    capturedAt: epochRangeWhere(where?.capturedAt),
  };
}

builder.queryField('devicePatches', (t) =>
  listConnection(t, {
    type: 'DevicePatchInventory',
    cursor: 'id',
    description: 'Per-device patch inventory (pending and installed updates), newest capture first by default. Admin only.',
    filter: DevicePatchWhere,
    where: ruled('DevicePatchInventory', devicePatchesWhere),
    order: devicePatchOrder,
    defaultOrder: [{ capturedAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.devicePatchInventory,
    authScopes: { admin: true },
  }),
);
