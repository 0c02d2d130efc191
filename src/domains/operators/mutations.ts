/** setUserSiteAssignments: the GraphQL layer over ./service.ts (docs/mutations.md). Admin only. */
import { builder } from '../../graphql/builder.js';
import { databaseKey } from '../../graphql/ids.js';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { siteKey } from '../sites/mutations.js';
import { userById, UserNode } from './graphql.js';
import { setUserSiteAssignments, type UserSiteAssignmentChange } from './service.js';

const SetUserSiteAssignmentsInput = builder.inputType('SetUserSiteAssignmentsInput', {
  fields: (t) => ({
    userId: t.id({ required: true, description: 'The operator (its `id` or `databaseId`).' }),
    siteIds: t.idList({ required: true, description: 'Exactly the sites the operator gets (`id` or `databaseId` each); [] removes all.' }),
  }),
});

const UserSiteAssignmentsPayload = builder.objectRef<UserSiteAssignmentChange>('UserSiteAssignmentsPayload').implement({
  description: 'An operator\'s new site assignments.',
  fields: (t) => ({
    user: t.field({ type: UserNode, nullable: true, resolve: (change, _args, ctx) => ctx.loaders.use(userById).load(BigInt(change.userId)) }),
    addedSiteIds: t.idList({ resolve: (change) => change.addedSiteIds }),
    removedSiteIds: t.idList({ resolve: (change) => change.removedSiteIds }),
  }),
});

builder.mutationField('setUserSiteAssignments', (t) =>
  t.field({
    type: UserSiteAssignmentsPayload,
    description:
      'Replaces an operator\'s site assignments (user_site_assignments); it takes effect on their next request. ' +
      'Admins see every site whatever their rows. Admin only.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: SetUserSiteAssignmentsInput, required: true }) },
    errors: errorTypes(NotFoundError, ValidationFailedError, ForbiddenError),
    resolve: (_root, { input }, ctx) =>
      setUserSiteAssignments(commandContext(ctx), {
        userId: databaseKey(String(input.userId), 'User'),
        siteIds: input.siteIds.map(siteKey),
      }),
  }),
);
