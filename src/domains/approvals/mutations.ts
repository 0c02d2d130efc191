/** approveDeviceApproval / denyDeviceApproval: the GraphQL layer over ./service.ts (docs/mutations.md). */
import { scopedWhere } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import type { GatewayContext } from '../../graphql/context.js';
import { databaseKey } from '../../graphql/ids.js';
import { ConflictResolutionRequiredError, ForbiddenError, NotFoundError, NotPendingError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { DeviceApprovalNode } from './graphql.js';
import { approveDeviceApproval, denyDeviceApproval, type ApprovalDecision } from './service.js';

const ConflictResolutionEnum = builder.enumType('ConflictResolution', {
  description: 'How to approve an enrollment whose hostname another device (with another key) already has.',
  values: {
    OVERWRITE: { value: 'overwrite', description: 'The agent takes over the existing device\'s GUID.' },
    COEXIST: { value: 'coexist', description: 'The agent enrolls as a new device next to the existing one.' },
  } as const,
});

const AppliedConflictResolutionEnum = builder.enumType('AppliedConflictResolution', {
  description: 'How an approval\'s hostname conflict was settled.',
  values: {
    OVERWRITE: { value: 'overwrite' },
    COEXIST: { value: 'coexist' },
    AUTO_MERGE_FINGERPRINT: { value: 'auto_merge_fingerprint', description: 'Same key as the existing device: merged onto its GUID.' },
  } as const,
});

const ApproveInput = builder.inputType('ApproveDeviceApprovalInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The approval (its `id` or `databaseId`).' }),
    guid: t.string({ description: 'The device GUID to enroll as (a UUID); default: the approval\'s own, if any.' }),
    conflictResolution: t.field({ type: ConflictResolutionEnum, description: 'Required when another device has the hostname with another key.' }),
  }),
});

const DenyInput = builder.inputType('DenyDeviceApprovalInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The approval (its `id` or `databaseId`).' }) }),
});

const DecisionPayload = builder.objectRef<ApprovalDecision>('DeviceApprovalDecision').implement({
  description: 'The decision written on a device approval.',
  fields: (t) => ({
    status: t.exposeString('status', { description: 'approved or denied.' }),
    guid: t.exposeString('guid', { nullable: true, description: 'The GUID the agent will enroll as (null: a new one at finalize).' }),
    conflictResolution: t.field({ type: AppliedConflictResolutionEnum, nullable: true, resolve: (d) => d.conflictResolution }),
    approval: t.field({
      type: DeviceApprovalNode,
      nullable: true,
      description: 'The approval as it is now.',
      resolve: async (d, _args, ctx) => ctx.prisma.deviceApproval.findFirst({ where: await scopedWhere('DeviceApproval', ctx.scope, { id: d.id }) }),
    }),
  }),
});

const approvalKey = (id: string | number) => databaseKey(String(id), 'DeviceApproval');

builder.mutationField('approveDeviceApproval', (t) =>
  t.field({
    type: DecisionPayload,
    description:
      'Approves a pending enrollment (the agent finalizes on its next poll). Only `pending` approvals change; ' +
      'an approval outside the operator\'s sites is NOT_FOUND.',
    args: { input: t.arg({ type: ApproveInput, required: true }) },
    errors: errorTypes(NotFoundError, NotPendingError, ConflictResolutionRequiredError, ForbiddenError, ValidationFailedError),
    resolve: (_root, { input }, ctx: GatewayContext) =>
      approveDeviceApproval(commandContext(ctx), { ...input, id: approvalKey(input.id) }),
  }),
);

builder.mutationField('denyDeviceApproval', (t) =>
  t.field({
    type: DecisionPayload,
    description: 'Denies a pending enrollment (the agent\'s next poll answers `denied`). Only `pending` approvals change.',
    args: { input: t.arg({ type: DenyInput, required: true }) },
    errors: errorTypes(NotFoundError, NotPendingError, ValidationFailedError),
    resolve: (_root, { input }, ctx: GatewayContext) => denyDeviceApproval(commandContext(ctx), { id: approvalKey(input.id) }),
  }),
);
