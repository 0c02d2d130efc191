/** Sites: the unit of operator scope in Borealis. */
import type { GatewayContext } from '../context.js';
import type { Prisma, Site as SiteRow } from '../generated/prisma/client.js';
import { oneLoader } from '../loaders/batch.js';
import type { LoaderFactory } from '../loaders/index.js';
import { builder } from './builder.js';
import { requireAdmin, requireOperator } from './errors.js';
import { parseBigId } from './ids.js';
import { defineOrder, IdFilter, pageSize, StringFilter, bigIdWhere, stringWhere } from './inputs.js';
import { epochToDate } from './values.js';

/** Sites by id (int4 foreign keys point at the int8 id), scoped like the sites list. */
export const siteById: LoaderFactory<ReturnType<typeof oneLoader<number | bigint, SiteRow>>> = (prisma, scope) =>
  oneLoader(
    (ids) => prisma.site.findMany({ where: { id: { in: ids.map((id) => BigInt(id)) }, ...scope.sites() } }),
    (site) => site.id,
  );

export const SiteNode = builder.prismaNode('Site', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: parseBigId(id), AND: [ctx.scope.sites()] }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (site) => site.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (site) => epochToDate(site.createdAt) }),
    autoApproveUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Enrollment auto-approves while this instant is in the future.',
      resolve: (site) => epochToDate(site.autoApproveUntil),
    }),
    enrollmentCode: t.string({
      nullable: true,
      description: 'The site install code agents enroll with. Admin only.',
      resolve: (site, _args, ctx) => {
        requireAdmin(ctx);
        return site.enrollmentCode;
      },
    }),
  }),
});

const SiteWhere = builder.inputType('SiteWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
  }),
});

function sitesWhere(where: typeof SiteWhere.$inferInput | null | undefined, ctx: GatewayContext): Prisma.SiteWhereInput {
  requireOperator(ctx);
  return { AND: [ctx.scope.sites(), { id: bigIdWhere(where?.id), name: stringWhere(where?.name) }] };
}

const siteOrder = defineOrder('Site', { NAME: 'name', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

builder.queryField('sites', (t) =>
  t.prismaConnection({
    type: 'Site',
    cursor: 'id',
    ...pageSize,
    description: 'Sites the operator may see (all for an Admin), ordered by name by default.',
    args: {
      where: t.arg({ type: SiteWhere }),
      orderBy: t.arg({ type: siteOrder.Order }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.site.findMany({ ...query, where: sitesWhere(args.where, ctx), orderBy: siteOrder.toPrisma(args.orderBy, 'NAME') }),
    totalCount: (_root, args, ctx) => ctx.prisma.site.count({ where: sitesWhere(args.where, ctx) }),
  }),
);
