/** Site mutations: the GraphQL layer over ./service.ts (docs/mutations.md). */
import { scopedWhere } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import type { GatewayContext } from '../../graphql/context.js';
import { databaseKey } from '../../graphql/ids.js';
import { inputLimits } from '../../graphql/input-limits.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { SiteNode } from './graphql.js';
import {
  assignDevicesToSite,
  closeSiteAutoApproval,
  createSite,
  deleteSite,
  openSiteAutoApproval,
  rotateSiteEnrollmentCode,
  unassignDevicesFromSite,
  updateSite,
  MAX_SITE_DESCRIPTION,
  type SiteAssignmentChange,
  type SiteChange,
  type SiteDeletion,
} from './service.js';

/** A site's key from a mutation input: its node `id` or its `databaseId`. */
export const siteKey = (id: string | number) => databaseKey(String(id), 'Site');

/** The site as it is after the command committed, read under the operator's scope. */
async function siteAfter(change: { siteId: string }, ctx: GatewayContext) {
  const site = await ctx.prisma.site.findFirst({ where: await scopedWhere('Site', ctx.scope, { id: BigInt(change.siteId) }) });
  if (!site) throw new NotFoundError('Site was not found.');
  return site;
}

const SitePayload = builder.objectRef<SiteChange>('SitePayload').implement({
  description: 'The site a mutation changed.',
  fields: (t) => ({
    site: t.field({ type: SiteNode, description: 'The site as it is now.', resolve: (change, _args, ctx) => siteAfter(change, ctx) }),
  }),
});

const CreateSiteInput = builder.inputType('CreateSiteInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique site name.' }),
    description: t.string({ extensions: inputLimits({ maxLength: MAX_SITE_DESCRIPTION }) }),
  }),
});
const UpdateSiteInput = builder.inputType('UpdateSiteInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The site (its `id` or `databaseId`).' }),
    name: t.string({ description: 'A new unique name.' }),
    description: t.string({ description: 'A new description.', extensions: inputLimits({ maxLength: MAX_SITE_DESCRIPTION }) }),
  }),
});
const SiteKeyInput = builder.inputType('SiteKeyInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The site (its `id` or `databaseId`).' }) }),
});
const OpenAutoApprovalInput = builder.inputType('OpenSiteAutoApprovalInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The site (its `id` or `databaseId`).' }),
    until: t.field({ type: 'DateTime', required: true, description: 'When the window closes (in the future, before 2038-01-19).' }),
  }),
});
const SiteHostnamesInput = builder.inputType('SiteHostnamesInput', {
  fields: (t) => ({
    siteId: t.id({ required: true, description: 'The site (its `id` or `databaseId`).' }),
    hostnames: t.stringList({ required: true, description: 'Device hostnames (exact spelling, as device_sites keys them).' }),
  }),
});

builder.mutationField('createSite', (t) =>
  t.field({
    type: SitePayload,
    description:
      'Creates a site with a new enrollment code (8 groups of 4 upper-case hex digits). Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateSiteInput, required: true }) },
    errors: errorTypes(ConflictError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => createSite(commandContext(ctx), input),
  }),
);

builder.mutationField('updateSite', (t) =>
  t.field({
    type: SitePayload,
    description:
      'Renames a site or changes its description. Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateSiteInput, required: true }) },
    errors: errorTypes(NotFoundError, ConflictError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => updateSite(commandContext(ctx), { ...input, id: siteKey(input.id) }),
  }),
);

builder.mutationField('rotateSiteEnrollmentCode', (t) =>
  t.field({
    type: SitePayload,
    description:
      'Gives a site a new enrollment code; agents enrolling with the old one are refused from now on. Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: SiteKeyInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => rotateSiteEnrollmentCode(commandContext(ctx), { id: siteKey(input.id) }),
  }),
);

builder.mutationField('openSiteAutoApproval', (t) =>
  t.field({
    type: SitePayload,
    description:
      'Opens (or moves the end of) the site\'s auto-approval window: enrollments with its code are approved without an operator ' +
      'until `until` (a hostname conflict still waits for one). Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: OpenAutoApprovalInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => openSiteAutoApproval(commandContext(ctx), { id: siteKey(input.id), until: input.until }),
  }),
);

builder.mutationField('closeSiteAutoApproval', (t) =>
  t.field({
    type: SitePayload,
    description:
      'Closes the site\'s auto-approval window now. Closing a closed window changes nothing. Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: SiteKeyInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => closeSiteAutoApproval(commandContext(ctx), { id: siteKey(input.id) }),
  }),
);

const DeleteSitePayload = builder.objectRef<SiteDeletion>('DeleteSitePayload').implement({
  description: 'A deleted site and the rows its deletion cleaned up (docs/mutations.md).',
  fields: (t) => ({
    deletedSiteId: t.id({ description: 'The databaseId the site had.', resolve: (d) => d.siteId }),
    name: t.exposeString('name'),
    unassignedHostnames: t.exposeStringList('unassignedHostnames', { description: 'Devices that were in the site (now unassigned).' }),
    unassignedUserIds: t.idList({ description: 'Operators (users.id) that had the site assigned.', resolve: (d) => d.unassignedUserIds }),
    detachedApprovalIds: t.idList({ description: 'Pending or approved approvals of the site, now without a site.', resolve: (d) => d.detachedApprovalIds }),
    updatedDirectoryMappingIds: t.idList({ description: 'Directory site mappings the site was taken out of.', resolve: (d) => d.updatedDirectoryMappingIds }),
  }),
});

builder.mutationField('deleteSite', (t) =>
  t.field({
    type: DeleteSitePayload,
    description: 'Deletes a site and cleans up what refers to it (device and operator assignments, approvals, directory mappings). Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: SiteKeyInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) => deleteSite(commandContext(ctx), { id: siteKey(input.id) }),
  }),
);

const SiteAssignmentPayload = builder.objectRef<SiteAssignmentChange>('SiteDeviceAssignmentPayload').implement({
  description: 'Devices assigned to or taken out of a site.',
  fields: (t) => ({
    site: t.field({ type: SiteNode, resolve: (change, _args, ctx) => siteAfter(change, ctx) }),
    changedHostnames: t.exposeStringList('changedHostnames', {
      description: 'The hostnames whose assignment changed (those already as asked are left out).',
    }),
  }),
});

builder.mutationField('assignDevicesToSite', (t) =>
  t.field({
    type: SiteAssignmentPayload,
    description:
      'Assigns devices (by hostname) to a site (device_sites). A User may move devices of their sites between their sites; ' +
      'an Admin may assign any hostname, even before the device enrolls.',
    args: { input: t.arg({ type: SiteHostnamesInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => assignDevicesToSite(commandContext(ctx), { ...input, siteId: siteKey(input.siteId) }),
  }),
);

builder.mutationField('unassignDevicesFromSite', (t) =>
  t.field({
    type: SiteAssignmentPayload,
    description: 'Takes devices (by hostname) out of a site of the operator; they become unassigned (visible to Admins only).',
    args: { input: t.arg({ type: SiteHostnamesInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => unassignDevicesFromSite(commandContext(ctx), { ...input, siteId: siteKey(input.siteId) }),
  }),
);
