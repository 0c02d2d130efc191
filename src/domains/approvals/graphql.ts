/**
 * Device enrollment approvals and wrong enrollment-code attempts (agent API sections 3, 6, 8).
 *
 * - Approvals are visible to every operator, scoped by their own site_id in SQL (a User with no
 *   site sees none; approvals without a site are admin-only).
 * - Enrollment-code failures are Borealis's admin-only `wrong_code` list.
 * - Never returned: client_nonce, server_nonce, agent_pubkey_der (the fingerprint of the key is).
 *   The enrollment code snapshot is admin-only, like Site.enrollmentCode.
 * - created_at / updated_at / *_seen_at are ISO text in several spellings: time ranges compare the
 *   parsed instant in SQL; ordering by them follows the stored text (UTC, right to the second).
 */
import type { GatewayContext } from '../../graphql/context.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../db/prisma.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { deviceByGuid } from '../devices/loaders.js';
import { DeviceNode } from '../devices/graphql.js';
import { ApprovalStatusEnum } from '../../graphql/enums.js';
import { badInput } from '../../graphql/errors.js';
import { defineOrder, IdFilter, intIdWhere, siteIdsWhere, statusWhere, StringFilter, stringWhere, TimeRange } from '../../graphql/inputs.js';
import { userById, userByUsername, UserNode } from '../operators/graphql.js';
import { siteOf, SiteNode } from '../sites/graphql.js';
import { isoTextToDate } from '../../graphql/values.js';

/** approved_by_user_id value Borealis writes for a site auto-approval window. */
export const SITE_AUTO_APPROVAL = 'site_auto_approval';

const MAX_BIGINT = 9223372036854775807n;

// ---------------------------------------------------------------- ISO-text time ranges

type TimeRangeValue = { from?: Date | null; to?: Date | null } | null | undefined;

/** ISO-8601 shapes PostgreSQL casts to timestamptz (naive text is UTC: sessions run in UTC). */
const ISO_SQL_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(z|[+-]\\d{2}(:?\\d{2})?)?$';

const ISO_COLUMNS = {
  'device_approvals.created_at': { table: Prisma.sql`engine.device_approvals`, column: Prisma.sql`created_at` },
  'device_approvals.updated_at': { table: Prisma.sql`engine.device_approvals`, column: Prisma.sql`updated_at` },
  'enrollment_code_failures.last_seen_at': { table: Prisma.sql`engine.enrollment_code_failures`, column: Prisma.sql`last_seen_at` },
} as const;

/**
 * Ids of rows whose ISO-text column lies in the range, comparing instants (the stored text mixes
 * `+00:00`, `Z` and nanosecond spellings, so a text comparison would be wrong). Text that is not
 * ISO-8601 never matches a range. Returns undefined when the range is empty (no condition).
 */
async function isoRangeIds(prisma: Db, key: keyof typeof ISO_COLUMNS, range: TimeRangeValue): Promise<{ in: string[] } | undefined> {
  if (!range || (!range.from && !range.to)) return undefined;
  if (range.from && range.to && range.from.getTime() >= range.to.getTime()) throw badInput('TimeRange `from` must be before `to`.');
  const { table, column } = ISO_COLUMNS[key];
  const instant = Prisma.sql`(CASE WHEN ${column} ~* ${ISO_SQL_PATTERN} THEN ${column}::timestamptz END)`;
  const bounds: Prisma.Sql[] = [];
  if (range.from) bounds.push(Prisma.sql`${instant} >= ${range.from.toISOString()}::timestamptz`);
  if (range.to) bounds.push(Prisma.sql`${instant} < ${range.to.toISOString()}::timestamptz`);
  const rows = await prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`SELECT id FROM ${table} WHERE ${Prisma.join(bounds, ' AND ')}`);
  return { in: rows.map((row) => row.id) };
}

// ---------------------------------------------------------------- approvals

export const ApprovedByKindEnum = builder.enumType('ApprovedByKind', {
  description: 'What device_approvals.approved_by_user_id holds.',
  values: {
    SITE_AUTO_APPROVAL: { description: 'Approved by the site\'s temporary auto-approval window.' },
    USER_ID: { description: 'A users.id (as text).' },
    USERNAME: { description: 'A username.' },
  } as const,
});

function approvedByKind(value: string | null): 'SITE_AUTO_APPROVAL' | 'USER_ID' | 'USERNAME' | null {
  const text = value?.trim();
  if (!text) return null;
  if (text.toLowerCase() === SITE_AUTO_APPROVAL) return 'SITE_AUTO_APPROVAL';
  if (/^\d{1,19}$/.test(text)) return 'USER_ID';
  return 'USERNAME';
}

export const DeviceApprovalNode = builder.prismaNode('DeviceApproval', {
  id: { field: 'id' },
  nullable: true,
  description: 'An agent enrollment request awaiting (or past) operator approval (engine.device_approvals).',
  findUnique: (id, ctx) => uniqueInScope('DeviceApproval', ctx.scope, { id }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (a) => a.id }),
    approvalReference: t.exposeString('approvalReference'),
    status: t.exposeString('status', { description: 'pending, approved, denied, expired or completed.' }),
    hostname: t.exposeString('hostnameClaimed', { description: 'The hostname the agent claimed.' }),
    sslKeyFingerprint: t.exposeString('sslKeyFingerprintClaimed', { description: 'SHA-256 of the agent public key (hex).' }),
    guid: t.exposeString('guid', { nullable: true, description: 'Device GUID to reuse, or assigned at finalize.' }),
    enrollmentCode: t.string({
      nullable: true,
      description: 'The site code the agent enrolled with. Admin only.',
      authScopes: { admin: true },
      resolve: (a) => a.enrollmentCode,
    }),
    siteId: t.id({ nullable: true, resolve: (a) => (a.siteId === null ? null : String(a.siteId)) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => isoTextToDate(a.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => isoTextToDate(a.updatedAt) }),
    approvedByKind: t.field({ type: ApprovedByKindEnum, nullable: true, resolve: (a) => approvedByKind(a.approvedByUserId) }),
    onboardingJobId: t.id({ nullable: true, resolve: (a) => (a.onboardingJobId === null ? null : String(a.onboardingJobId)) }),
    onboardingRunId: t.id({ nullable: true, resolve: (a) => (a.onboardingRunId === null ? null : String(a.onboardingRunId)) }),
    onboardingTarget: t.exposeString('onboardingTarget', { nullable: true }),
    site: t.field({
      type: SiteNode,
      nullable: true,
      resolve: (a, _args, ctx) => siteOf(a.siteId, ctx),
    }),
    device: t.field({
      type: DeviceNode,
      nullable: true,
      description: 'The device of `guid` (compared upper-case), when it exists and is in scope.',
      resolve: (a, _args, ctx) => (a.guid ? ctx.loaders.use(deviceByGuid).load(a.guid) : null),
    }),
    approvedBy: t.field({
      type: UserNode,
      nullable: true,
      description:
        'The operator who approved or denied (approved_by_user_id as a users.id or a username). Null for a site auto-approval, ' +
        'an unknown operator, or when the caller is not an Admin.',
      resolve: async (a, _args, ctx) => {
        if (!ctx.identity?.isAdmin) return null;
        const kind = approvedByKind(a.approvedByUserId);
        const value = a.approvedByUserId?.trim() ?? '';
        if (kind === 'USERNAME') return ctx.loaders.use(userByUsername).load(value);
        if (kind !== 'USER_ID') return null;
        // A users.id first; an all-digit text that is no id may still be a username.
        const id = BigInt(value);
        const user = id <= MAX_BIGINT ? await ctx.loaders.use(userById).load(id) : null;
        return user ?? ctx.loaders.use(userByUsername).load(value);
      },
    }),
  }),
});

const DeviceApprovalWhere = builder.inputType('DeviceApprovalWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    status: t.field({ type: [ApprovalStatusEnum] }),
    siteIds: t.idList({ description: 'Approvals for any of these sites.' }),
    unassigned: t.boolean({ description: 'Only approvals without a site (admin only by scope), or only with one.' }),
    hostname: t.field({ type: StringFilter, description: 'The claimed hostname.' }),
    approvalReference: t.field({ type: StringFilter }),
    onboardingJobId: t.field({ type: IdFilter }),
    createdAt: t.field({ type: TimeRange }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});

const approvalOrder = defineOrder(
  'DeviceApproval',
  { CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt', HOSTNAME: 'hostnameClaimed', STATUS: 'status', ID: 'id' },
  'id',
);

async function approvalsWhere(
  where: typeof DeviceApprovalWhere.$inferInput | null | undefined,
  ctx: GatewayContext,
): Promise<Prisma.DeviceApprovalWhereInput> {
  const conditions: Prisma.DeviceApprovalWhereInput[] = [];
  if (where) {
    conditions.push({
      id: where.id ? { equals: where.id.equals ?? undefined, in: where.id.in ?? undefined } : undefined,
      status: statusWhere(where.status),
      hostnameClaimed: stringWhere(where.hostname),
      approvalReference: stringWhere(where.approvalReference),
      onboardingJobId: intIdWhere(where.onboardingJobId, 'onboardingJobId'),
    });
    if (where.siteIds) conditions.push({ siteId: siteIdsWhere(where.siteIds) });
    if (where.unassigned != null) conditions.push({ siteId: where.unassigned ? null : { not: null } });
    const created = await isoRangeIds(ctx.prisma, 'device_approvals.created_at', where.createdAt);
    if (created) conditions.push({ id: created });
    const updated = await isoRangeIds(ctx.prisma, 'device_approvals.updated_at', where.updatedAt);
    if (updated) conditions.push({ id: updated });
  }
  return { AND: conditions };
}

builder.queryField('deviceApprovals', (t) =>
  listConnection(t, {
    type: 'DeviceApproval',
    cursor: 'id',
    description:
      'Enrollment approvals in the operator\'s sites (all, including those without a site, for an Admin), newest first by default. ' +
      'Wrong enrollment codes are `enrollmentCodeFailures`.',
    filter: DeviceApprovalWhere,
    where: ruled('DeviceApproval', approvalsWhere),
    order: approvalOrder,
    defaultOrder: [{ createdAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.deviceApproval,
  }),
);

// ---------------------------------------------------------------- enrollment-code failures

export const EnrollmentCodeFailureNode = builder.prismaNode('EnrollmentCodeFailure', {
  id: { field: 'id' },
  nullable: true,
  description:
    'An agent that keeps submitting an unknown enrollment code (Borealis\'s admin-only `wrong_code` approvals list). ' +
    'Only a masked code is stored. Admin only.',
  findUnique: (id, ctx) => uniqueInScope('EnrollmentCodeFailure', ctx.scope, { id }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (f) => f.id }),
    hostname: t.exposeString('hostnameClaimed', { description: 'The hostname the agent claimed.' }),
    sslKeyFingerprint: t.exposeString('sslKeyFingerprintClaimed'),
    enrollmentCodeMask: t.exposeString('enrollmentCodeMask', { description: 'first3***last3 or ***.' }),
    remoteAddr: t.exposeString('remoteAddr', { nullable: true }),
    firstSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (f) => isoTextToDate(f.firstSeenAt) }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (f) => isoTextToDate(f.lastSeenAt) }),
    attemptCount: t.exposeInt('attemptCount'),
    lastError: t.exposeString('lastError'),
  }),
});

const EnrollmentCodeFailureWhere = builder.inputType('EnrollmentCodeFailureWhere', {
  fields: (t) => ({
    hostname: t.field({ type: StringFilter }),
    remoteAddr: t.field({ type: StringFilter }),
    sslKeyFingerprint: t.field({ type: StringFilter }),
    minAttempts: t.int({ description: 'At least this many attempts.' }),
    lastSeenAt: t.field({ type: TimeRange }),
  }),
});

const failureOrder = defineOrder(
  'EnrollmentCodeFailure',
  { LAST_SEEN_AT: 'lastSeenAt', FIRST_SEEN_AT: 'firstSeenAt', ATTEMPT_COUNT: 'attemptCount', HOSTNAME: 'hostnameClaimed', ID: 'id' },
  'id',
);

async function failuresWhere(
  where: typeof EnrollmentCodeFailureWhere.$inferInput | null | undefined,
  ctx: GatewayContext,
): Promise<Prisma.EnrollmentCodeFailureWhereInput> {
  const conditions: Prisma.EnrollmentCodeFailureWhereInput[] = [];
  if (where) {
    if (where.minAttempts != null && where.minAttempts < 0) throw badInput('`minAttempts` must not be negative.');
    conditions.push({
      hostnameClaimed: stringWhere(where.hostname),
      remoteAddr: stringWhere(where.remoteAddr),
      sslKeyFingerprintClaimed: stringWhere(where.sslKeyFingerprint),
      attemptCount: where.minAttempts == null ? undefined : { gte: where.minAttempts },
    });
    const seen = await isoRangeIds(ctx.prisma, 'enrollment_code_failures.last_seen_at', where.lastSeenAt);
    if (seen) conditions.push({ id: seen });
  }
  return { AND: conditions };
}

builder.queryField('enrollmentCodeFailures', (t) =>
  listConnection(t, {
    type: 'EnrollmentCodeFailure',
    cursor: 'id',
    description:
      'Agents submitting wrong enrollment codes (the `wrong_code` list), most recently seen first by default. Admin only. ' +
      'Borealis prunes rows older than 24 hours on the next wrong-code attempt; filter `lastSeenAt` for a window.',
    filter: EnrollmentCodeFailureWhere,
    where: ruled('EnrollmentCodeFailure', failuresWhere),
    order: failureOrder,
    defaultOrder: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
    delegate: (prisma) => prisma.enrollmentCodeFailure,
    authScopes: { admin: true },
  }),
);
