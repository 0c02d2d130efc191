/** Sites: the unit of operator scope in Borealis. */
import { builder } from './builder.js';

builder.prismaObject('Site', {
  fields: (t) => ({
    id: t.id({ resolve: (site) => site.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
  }),
});

builder.queryField('sites', (t) =>
  t.prismaField({
    type: ['Site'],
    description: 'All sites, ordered by name.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.site.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
);
