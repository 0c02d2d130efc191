/**
 * `approvalChanged`: live changes of the enrollment approval queue (requests arriving, approved,
 * denied, expired, completed), as `ApprovalEvent`s carrying the same `DeviceApproval` type as the
 * queries; scoped per event by the approvals rule (their site).
 */
import type { ModelRow } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { ChangeEventRef, columnChanged, inSites, kindIn, numericIds } from '../../graphql/change-events.js';
import { eventOrEnd, statusIn, subscribeToChanges, type Change } from '../../graphql/changes.js';
import { ApprovalStatusEnum } from '../../graphql/enums.js';
import { DeviceApprovalNode } from './graphql.js';

type ApprovalRow = ModelRow<'DeviceApproval'>;

export const APPROVAL_EVENT_KINDS = ['REQUESTED', 'STATUS_CHANGED', 'UPDATED', 'DELETED'] as const;
export type ApprovalEventKind = (typeof APPROVAL_EVENT_KINDS)[number];

export const ApprovalEventKindEnum = builder.enumType('ApprovalEventKind', {
  description: 'REQUESTED: a new enrollment request; STATUS_CHANGED: approved, denied, expired, completed...; UPDATED: other columns; DELETED (administrators only).',
  values: APPROVAL_EVENT_KINDS,
});

export function approvalEventKind(change: Change<ApprovalRow>): ApprovalEventKind {
  if (change.operation === 'INSERT') return 'REQUESTED';
  if (change.operation === 'DELETE') return 'DELETED';
  const statusChanged = columnChanged(change, 'status') ?? (change.previousStatus !== null && change.previousStatus !== change.status);
  return statusChanged ? 'STATUS_CHANGED' : 'UPDATED';
}

const ApprovalEvent = builder.objectRef<Change<ApprovalRow>>('ApprovalEvent').implement({
  description: 'A change of the device approval queue.',
  interfaces: [ChangeEventRef],
  isTypeOf: (change) => (change as Change).table === 'device_approvals',
  fields: (t) => ({
    kind: t.field({ type: ApprovalEventKindEnum, resolve: approvalEventKind }),
    approvalId: t.id({ description: 'The approval (its databaseId).', resolve: (change) => change.key }),
    status: t.exposeString('status', { nullable: true }),
    previousStatus: t.exposeString('previousStatus', { nullable: true, description: 'Null when unknown (polling) or for a new request.' }),
    approval: t.field({ type: DeviceApprovalNode, nullable: true, description: 'The approval now; null once deleted.', resolve: (change) => change.row }),
  }),
});

builder.subscriptionField('approvalChanged', (t) =>
  t.field({
    type: ApprovalEvent,
    description: 'Changes of the device approvals you may see, optionally filtered; `after` resumes after an event\'s cursor.',
    args: {
      after: t.arg.string(),
      kinds: t.arg({ type: [ApprovalEventKindEnum] }),
      status: t.arg({ type: [ApprovalStatusEnum], description: 'Approvals whose status is now one of these.' }),
      siteIds: t.arg.idList(),
    },
    subscribe: (_root, args, ctx) => {
      const sites = numericIds(args.siteIds, 'siteIds');
      return subscribeToChanges<ApprovalRow>(ctx, {
        table: 'device_approvals',
        after: args.after,
        accepts: (change) => statusIn(change.status, args.status) && inSites(change.siteIds, sites) && kindIn(approvalEventKind(change), args.kinds),
      });
    },
    resolve: (item) => eventOrEnd(item),
  }),
);
