/**
 * Scheduled jobs, runs, run targets, activity and onboarding rows by id or by parent, each with
 * the rule of the model it reads (src/access/rules.ts): jobs by their saved targets, runs by their
 * device / targets / job, activity by its device, targets by their site. Run targets, work items,
 * Ansible recaps and workflows point at them with int4 ids.
 */
import { byId, childrenBy, firstPerParent, perFilter, type FirstPerParentOptions } from '../../access/batch.js';
import { Prisma } from '../../generated/prisma/client.js';
import { statusSql } from '../../graphql/inputs.js';

export const jobById = byId('ScheduledJob');
export const runById = byId('ScheduledJobRun');
export const activityById = byId('ActivityHistory');

export const targetsOfRun = childrenBy('ScheduledJobRunTarget', 'runId', { orderBy: { id: 'asc' } });
export const activityLinksOfRun = childrenBy('ScheduledJobRunActivity', 'runId', { orderBy: { id: 'asc' } });
export const onboardingTargetsOfRun = childrenBy('ScheduledJobOnboardingTarget', 'runId', { orderBy: { id: 'asc' } });
export const eventsOfOnboardingTarget = childrenBy('ScheduledJobOnboardingTargetEvent', 'targetRowId', { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
/**
 * The newest `first` runs of each job in scope (limited per job in SQL); one loader per status
 * filter and page size, so a nested page batches across every job that asks the same.
 */
export const runsOfJobPage = ({ statuses, first }: { statuses: readonly string[] | null | undefined; first: number }): FirstPerParentOptions => ({
  table: Prisma.sql`engine.scheduled_job_runs`,
  keyType: 'int',
  match: (row, job) => Prisma.sql`${row}.job_id = ${job}`,
  where: (row) => statusSql(row, 'status', statuses),
  orderBy: (row) => Prisma.sql`${row}.scheduled_ts DESC, ${row}.id DESC`,
  first,
});
export const runsOfJob = perFilter((page: Parameters<typeof runsOfJobPage>[0]) => firstPerParent<'ScheduledJobRun', bigint>('ScheduledJobRun', runsOfJobPage(page)));
