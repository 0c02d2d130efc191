/**
 * The access rules, in one table: for every Prisma model the GraphQL schema exposes, the read
 * `where(scope)` of the rows an operator may see (a Prisma where, composable inside AND and in
 * relation filters), and `allows(scope, row)` for one row (the same rule, asked in SQL, for
 * mutations, subscription events and REST to come).
 *
 * Every list, count, relation loader (`byId`, `childrenBy`, the domain loaders) and node lookup
 * reads through `scopedWhere(model, ...)`, so a relation always follows the rule of the row it
 * reaches. The primitives (site sets, the id sets Prisma cannot express as a join) are in scope.ts.
 */
import type PrismaTypes from '../generated/pothos-types.js';
import { Prisma } from '../generated/prisma/client.js';
import { delegateName, type Db } from '../db/prisma.js';
import type { Scope } from './scope.js';

export type ModelName = keyof PrismaTypes;
export type ModelWhere<M extends ModelName> = PrismaTypes[M]['Where'];
export type ModelRow<M extends ModelName> = PrismaTypes[M]['Shape'];

interface Rule<M extends ModelName> {
  /** The rows this scope may read. `{}` adds nothing. */
  where(scope: Scope): ModelWhere<M> | Promise<ModelWhere<M>>;
  /** Why, in one line (docs/read-api.md states the same). */
  describe: string;
  /**
   * The same rule as an SQL condition on the row aliased `row`, for the few statements Prisma's
   * client cannot express (per-parent limits, ruleSql). Only the models such statements read have one.
   */
  sql?(scope: Scope, row: Prisma.Sql): Prisma.Sql | Promise<Prisma.Sql>;
}

const TRUE_SQL = Prisma.sql`TRUE`;

/**
 * Admin-only rows: an empty `in` on a key column, which Prisma renders as FALSE at any depth.
 * Never `{ OR: [] }`: Prisma 7 renders an empty `OR` nested in an `AND` as TRUE.
 */
const adminOnly = <M extends ModelName>(key = 'id'): Rule<M> => ({
  where: (scope) => (scope.isAdmin ? {} : ({ [key]: { in: [] } } as ModelWhere<M>)),
  sql: (scope) => (scope.isAdmin ? TRUE_SQL : Prisma.sql`FALSE`),
  describe: 'admin-only',
});
const bySiteId = <M extends ModelName>(): Rule<M> => ({
  where: (scope) => scope.bySiteId() as ModelWhere<M>,
  sql: (scope, row) => (scope.siteIds === null ? TRUE_SQL : Prisma.sql`${row}.site_id = ANY(${[...scope.siteIds]}::int[])`),
  describe: 'by its own site_id',
});
const byDevice = <M extends ModelName>(): Rule<M> => ({
  where: (scope) => scope.byDevice() as ModelWhere<M>,
  sql: (scope, row) => scope.byDeviceSql(Prisma.sql`${row}.hostname`),
  describe: "by its device's site (device_sites)",
});
const everyOperator = <M extends ModelName>(describe: string): Rule<M> => ({ where: () => ({}), sql: () => TRUE_SQL, describe });
/** Work items and workers: by site_id; site 0 (global/service lanes) is admin-only. */
const siteLane = <M extends ModelName>(): Rule<M> => ({
  where: (scope) => (scope.isAdmin ? {} : ({ AND: [scope.bySiteId(), { siteId: { gt: 0 } }] } as ModelWhere<M>)),
  sql: (scope, row) => (scope.isAdmin ? TRUE_SQL : Prisma.sql`(${row}.site_id = ANY(${[...(scope.siteIds ?? [])]}::int[]) AND ${row}.site_id > 0)`),
  describe: 'by its own site_id; site 0 is admin-only',
});
const byIdSet = <M extends ModelName>(
  ids: (scope: Scope) => Promise<bigint[] | null>,
  describe: string,
  sql?: (scope: Scope, row: Prisma.Sql) => Prisma.Sql,
): Rule<M> => ({
  where: async (scope) => {
    const visible = await ids(scope);
    return (visible === null ? {} : { id: { in: visible } }) as ModelWhere<M>;
  },
  // The set itself when the rule has no join of its own (`sql`), which spares its statement.
  sql:
    sql ??
    (async (scope, row) => {
      const visible = await ids(scope);
      return visible === null ? TRUE_SQL : Prisma.sql`${row}.id = ANY(${visible.map(String)}::bigint[])`;
    }),
  describe,
});

/**
 * Rows reached only through their parent (a device's key history, metadata and software, a job's
 * onboarding events): the parent's loader applies the parent's rule first; no list or node
 * reaches them any other way.
 */
const throughParent = <M extends ModelName>(parent: ModelName): Rule<M> => everyOperator(`through its ${parent}`);

export const RULES: { [M in ModelName]?: Rule<M> } = {
  Site: {
    where: (scope) => scope.sites(),
    sql: (scope, row) => (scope.siteIds === null ? TRUE_SQL : Prisma.sql`${row}.id = ANY(${scope.siteIds.map(String)}::bigint[])`),
    describe: 'sites in user_site_assignments',
  },
  Device: {
    where: (scope) => scope.devices(),
    sql: (scope, row) => scope.deviceSql(Prisma.sql`${row}.hostname`),
    describe: 'by device_sites; unassigned devices are admin-only',
  },
  DeviceKey: throughParent('Device'),
  DeviceMetadataField: throughParent('Device'),
  DeviceSoftwareInventory: throughParent('Device'),
  DeviceApproval: bySiteId(),
  EnrollmentCodeFailure: adminOnly(),
  Watchdog: byIdSet(
    (scope) => scope.watchdogIds(),
    'linked to one of the sites; global ones without site rows are admin-only',
    (scope, row) => scope.linkedToSitesSql(Prisma.sql`engine.watchdog_sites`, Prisma.sql`watchdog_id`, row),
  ),
  WatchdogSite: bySiteId(),
  WatchdogTarget: byIdSet((scope) => scope.watchdogTargetIds(), 'the target resolves to the sites (as job targets)'),
  WatchdogDeviceOverride: bySiteId(),
  WatchdogDeviceState: bySiteId(),
  WatchdogIncident: bySiteId(),
  DeviceFilter: byIdSet(
    (scope) => scope.filterIds(),
    'linked to one of the sites; global ones without site rows are admin-only',
    (scope, row) => scope.linkedToSitesSql(Prisma.sql`engine.device_filter_sites`, Prisma.sql`filter_id`, row),
  ),
  DeviceFilterSite: bySiteId(),
  DeviceListView: everyOperator('global content'),
  MetadataFieldDefinition: everyOperator('global content'),
  ScheduledJob: byIdSet((scope) => scope.jobIds(), 'every saved target resolves to the sites'),
  ScheduledJobRun: {
    where: (scope) => scope.runs(),
    sql: (scope, row) => scope.runsSql(row),
    describe: 'per-device by device; shared by all targets; skipped by job',
  },
  ScheduledJobRunTarget: bySiteId(),
  ScheduledJobRunActivity: throughParent('ScheduledJobRun'),
  ScheduledJobOnboardingTarget: bySiteId(),
  ScheduledJobOnboardingTargetEvent: throughParent('ScheduledJobOnboardingTarget'),
  ActivityHistory: byDevice(),
  AnsiblePlayRecap: byDevice(),
  JobSchedulerWorkItem: {
    // A work item of a job names the job's targets in its payload: it also needs the job in scope.
    where: async (scope) => {
      if (scope.isAdmin) return {};
      const jobs = ((await scope.jobIds()) ?? []).map(Number);
      return { AND: [await siteLane<'JobSchedulerWorkItem'>().where(scope), { OR: [{ jobId: null }, { jobId: { in: jobs } }] }] };
    },
    // The same conditions as `where`, in SQL.
    sql: async (scope, row) => {
      if (scope.isAdmin) return TRUE_SQL;
      const jobs = ((await scope.jobIds()) ?? []).map(Number);
      return Prisma.sql`(${row}.site_id = ANY(${[...(scope.siteIds ?? [])]}::int[]) AND ${row}.site_id > 0
        AND (${row}.job_id IS NULL OR ${row}.job_id = ANY(${jobs}::int[])))`;
    },
    describe: 'by its own site_id (site 0 is admin-only); a work item of a job also needs the job in scope',
  },
  JobSchedulerWorker: siteLane(),
  JobSchedulerWorkerRoute: adminOnly('workerGuid'),
  JobSchedulerServiceSnapshot: adminOnly('serviceKey'),
  User: adminOnly(),
  UserSiteAssignment: bySiteId(),
  UserPasskey: adminOnly(),
  DirectoryProvider: adminOnly(),
  DirectoryProviderGroupMapping: adminOnly(),
  DirectoryProviderSiteMapping: adminOnly(),
  Credential: adminOnly(),
  PatchPolicy: adminOnly(),
  PatchPolicySite: adminOnly(),
  PatchPolicyTarget: adminOnly(),
  PatchPolicyExclusion: adminOnly(),
  PatchPolicyRule: adminOnly(),
  PatchPolicyRun: adminOnly(),
  PatchPolicyAudit: adminOnly(),
  PatchPolicyDeviceState: adminOnly(),
  PatchCatalogEntry: adminOnly(),
  DevicePatchInventory: adminOnly(),
  WorkflowRun: adminOnly(),
  WorkflowNodeRun: adminOnly(),
  WorkflowChildJob: adminOnly(),
  WorkflowWebhook: adminOnly(),
  OfficialCatalogState: everyOperator('global content'),
  OfficialAssembly: everyOperator('global content'),
  CommunityAssembly: everyOperator('global content'),
  UserCreatedAssembly: everyOperator('global content'),
};

export function ruleOf<M extends ModelName>(model: M): Rule<M> {
  const rule = RULES[model] as Rule<M> | undefined;
  // A model without a rule is a programming error, never "visible to all".
  if (!rule) throw new Error(`No access rule for model ${model} (src/access/rules.ts).`);
  return rule;
}

/** `where` and the model's rule, for the request's scope: `{ AND: [where, rule] }`. */
export async function scopedWhere<M extends ModelName>(model: M, scope: Scope, where: ModelWhere<M> = {} as ModelWhere<M>): Promise<ModelWhere<M>> {
  const rule = await ruleOf(model).where(scope);
  return { AND: [where, rule] } as ModelWhere<M>;
}

/** The rule of `model` as an SQL condition on the row aliased `row` (see Rule.sql). */
export async function ruleSql(model: ModelName, scope: Scope, row: Prisma.Sql): Promise<Prisma.Sql> {
  const rule = ruleOf(model);
  if (!rule.sql) throw new Error(`The rule of ${model} has no SQL form (src/access/rules.ts).`);
  return rule.sql(scope, row);
}

/** The minimal delegate shape the generic readers need (`prisma.watchdog`, ...). */
export interface ReadDelegate {
  findMany(args: { where: unknown; orderBy?: unknown; select?: unknown; include?: unknown }): Promise<unknown[]>;
  count(args: { where: unknown }): Promise<number>;
}

export function delegateOf(prisma: Db, model: ModelName): ReadDelegate {
  const key = delegateName(model);
  return (prisma as unknown as Record<string, ReadDelegate>)[key]!;
}

/**
 * Whether the scope may read `row`: the model's rule asked in SQL for the row's unique key
 * (`key`, e.g. `{ id: row.id }`), so a single row is judged exactly as lists judge it.
 */
export async function allows<M extends ModelName>(prisma: Db, scope: Scope, model: M, key: ModelWhere<M>): Promise<boolean> {
  if (scope.isAdmin) return true;
  return (await delegateOf(prisma, model).count({ where: await scopedWhere(model, scope, key) })) > 0;
}

/** A node lookup's unique key with the model's rule: out of scope finds nothing, like a missing row. */
export async function uniqueInScope<M extends ModelName>(model: M, scope: Scope, key: PrismaTypes[M]['WhereUnique']): Promise<PrismaTypes[M]['WhereUnique']> {
  return { ...key, AND: [await ruleOf(model).where(scope)] } as PrismaTypes[M]['WhereUnique'];
}

/** What services need to read under the rules: the request's client and scope (GatewayContext has both). */
export interface AccessContext {
  prisma: Db;
  scope: Scope;
}

/**
 * The rule of `model` for a nested Prisma relation selection (`t.relation(..., { query })`), which
 * must be synchronous: only rules that are plain joins qualify; a rule that needs an id set is
 * read through a loader instead.
 */
export function relationWhere<M extends ModelName>(model: M, scope: Scope): ModelWhere<M> {
  const where = ruleOf(model).where(scope);
  if (where instanceof Promise) throw new Error(`The rule of ${model} needs SQL first: read it through a loader.`);
  return where;
}
