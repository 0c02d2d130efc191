/** Job, run and activity queries shared by GraphQL and the REST router to come. */
import type { Loaders } from '../../access/loaders.js';
import { scopedWhere, type AccessContext } from '../../access/rules.js';
import { activityFilterWhere, jobFilterWhere, runFilterWhere, type ActivityListFilter, type JobListFilter, type RunListFilter } from './filters.js';
import { jobById, runById } from './loaders.js';

export const listJobsWhere = (ctx: AccessContext, filter: JobListFilter | null | undefined) => scopedWhere('ScheduledJob', ctx.scope, jobFilterWhere(filter));
export const listRunsWhere = (ctx: AccessContext, filter: RunListFilter | null | undefined) => scopedWhere('ScheduledJobRun', ctx.scope, runFilterWhere(filter));
export const listActivityWhere = (ctx: AccessContext, filter: ActivityListFilter | null | undefined) =>
  scopedWhere('ActivityHistory', ctx.scope, activityFilterWhere(filter));

export const findJob = (ctx: { loaders: Loaders }, id: number | bigint) => ctx.loaders.use(jobById).load(id);
export const findRun = (ctx: { loaders: Loaders }, id: number | bigint) => ctx.loaders.use(runById).load(id);
