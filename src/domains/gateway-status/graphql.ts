/** Gateway status: what an operator checks first when something looks wrong. */
import { builder } from '../../graphql/builder.js';
import { readinessReport, type ReadinessReport } from '../../db/readiness.js';

const SchemaCheck = builder.objectRef<NonNullable<ReadinessReport['schema']>>('SchemaCheck').implement({
  description: 'Result of comparing the Prisma mirror with the live Borealis catalog.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    mode: t.exposeString('mode', { description: 'warn: serve despite drift; refuse: report not ready.' }),
    issues: t.exposeInt('issues'),
    report: t.exposeString('report'),
  }),
});

const PoolStatus = builder
  .objectRef<{ profile: string; max: number; total: number; idle: number; waiting: number }>('DatabasePoolStatus')
  .implement({
    fields: (t) => ({
      profile: t.exposeString('profile', { description: 'Borealis tuning profile selected from CPU and RAM.' }),
      max: t.exposeInt('max', { description: 'BOREALIS_DB_POOL_SIZE + BOREALIS_DB_MAX_OVERFLOW.' }),
      total: t.exposeInt('total'),
      idle: t.exposeInt('idle'),
      waiting: t.exposeInt('waiting'),
    }),
  });

const GatewayStatus = builder.objectRef<ReadinessReport & { pool: PoolStatus }>('GatewayStatus').implement({
  fields: (t) => ({
    ready: t.exposeBoolean('ready'),
    database: t.exposeString('database'),
    schema: t.field({ type: SchemaCheck, nullable: true, resolve: (s) => s.schema }),
    pool: t.field({ type: PoolStatus, resolve: (s) => s.pool }),
    checkedAt: t.exposeString('checkedAt', { nullable: true }),
  }),
});

type PoolStatus = { profile: string; max: number; total: number; idle: number; waiting: number };

builder.queryField('gatewayStatus', (t) =>
  t.field({
    type: GatewayStatus,
    description: 'Readiness of this gateway replica: database, schema drift and pool usage.',
    resolve: async (_root, _args, ctx) => ({
      ...(await readinessReport(ctx.pool, ctx.readiness)),
      pool: {
        profile: ctx.config.db.profile.name,
        max: ctx.config.db.poolSize + ctx.config.db.maxOverflow,
        total: ctx.pool.totalCount,
        idle: ctx.pool.idleCount,
        waiting: ctx.pool.waitingCount,
      },
    }),
  }),
);
