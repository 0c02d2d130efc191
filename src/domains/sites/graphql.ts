/** Sites: the unit of operator scope in Borealis. */
import type { GatewayContext } from '../../graphql/context.js';
import { byId } from '../../access/batch.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { parseBigId } from '../../graphql/ids.js';
import { defineOrder, IdFilter, StringFilter, bigIdWhere, stringWhere } from '../../graphql/inputs.js';
import { epochToDate } from '../../graphql/values.js';
import { epochField, idText, sqlForm } from '../../graphql/compile/forms.js';
import { Prisma } from '../../generated/prisma/client.js';

/** Sites by id (int4 foreign keys point at the int8 id), scoped like the sites list. */
export const siteById = byId('Site');

/** The site of a nullable site_id, when it exists and is in the operator's scope. */
export function siteOf(siteId: number | bigint | null, ctx: GatewayContext) {
  return siteId === null ? null : ctx.loaders.use(siteById).load(siteId);
}

/** The SQL form of `site` on a row with its own int4 `site_id` (siteOf). */
export const siteOfRow = sqlForm({ kind: 'row', model: 'Site', match: (row, site) => Prisma.sql`${site}.id = ${row}.site_id` });

/** The sites of a list of site ids that exist and are in the operator's scope, in list order. */
export async function sitesOf(siteIds: readonly (number | bigint)[], ctx: GatewayContext) {
  const sites = await Promise.all(siteIds.map((id) => ctx.loaders.use(siteById).load(id)));
  return sites.filter((site) => site !== null);
}

export const SiteNode = builder.prismaNode('Site', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, ctx) => uniqueInScope('Site', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id(idText('id')),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    autoApproveUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Enrollment auto-approves while this instant is in the future.',
      resolve: (site) => epochToDate(site.autoApproveUntil),
    }),
    enrollmentCode: t.string({
      nullable: true,
      description: 'The site install code agents enroll with. Admin only.',
      authScopes: { admin: true },
      resolve: (site) => site.enrollmentCode,
    }),
  }),
});

const SiteWhere = builder.inputType('SiteWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
  }),
});

function sitesWhere(where: typeof SiteWhere.$inferInput | null | undefined): Prisma.SiteWhereInput {
  return { id: bigIdWhere(where?.id), name: stringWhere(where?.name) };
}

const siteOrder = defineOrder('Site', { NAME: 'name', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

builder.queryField('sites', (t) =>
  listConnection(t, {
    type: 'Site',
    cursor: 'id',
    description: 'Sites the operator may see (all for an Admin), ordered by name by default.',
    filter: SiteWhere,
    where: ruled('Site', sitesWhere),
    order: siteOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.site,
    filterWhere: sitesWhere,
  }),
);
