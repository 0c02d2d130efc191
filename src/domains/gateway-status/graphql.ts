/** Gateway status: what an operator checks first when something looks wrong. */
import { builder } from '../../graphql/builder.js';
import { readinessReport, type ReadinessReport } from '../../db/readiness.js';
import type { ChangeFeedStatus } from '../../graphql/changes.js';

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

const SubscriptionStatus = builder.objectRef<ChangeFeedStatus>('SubscriptionStatus').implement({
  description: 'How this replica captures changes for subscriptions.',
  fields: (t) => ({
    mode: t.exposeString('mode', { description: 'triggers: change capture + LISTEN; polling: the fallback without triggers; starting.' }),
    detail: t.exposeString('detail', { nullable: true, description: 'Why the replica polls, and how to install the capture.' }),
    listening: t.exposeBoolean('listening', { description: 'The LISTEN connection is up (triggers mode).' }),
    subscribers: t.exposeInt('subscribers', { description: 'Subscriptions open on this replica.' }),
    lastSequence: t.exposeString('lastSequence', { nullable: true, description: 'The last change-log sequence delivered by this replica.' }),
    interruptedSince: t.exposeString('interruptedSince', {
      nullable: true,
      description: 'Since when (ISO 8601) the feed is cut off from the database (LISTEN connection lost or reads failing); null while it is up.',
    }),
  }),
});

const GatewayStatus = builder.objectRef<ReadinessReport & { pool: PoolStatus; subscriptions: ChangeFeedStatus | null }>('GatewayStatus').implement({
  fields: (t) => ({
    ready: t.exposeBoolean('ready'),
    database: t.exposeString('database'),
    schema: t.field({ type: SchemaCheck, nullable: true, resolve: (s) => s.schema }),
    pool: t.field({ type: PoolStatus, resolve: (s) => s.pool }),
    checkedAt: t.exposeString('checkedAt', { nullable: true }),
    subscriptions: t.field({ type: SubscriptionStatus, nullable: true, description: 'Null where subscriptions are not served.', resolve: (s) => s.subscriptions }),
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
      subscriptions: ctx.changes?.status() ?? null,
    }),
  }),
);
