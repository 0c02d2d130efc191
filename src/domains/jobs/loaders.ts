/**
 * Scheduled jobs, runs, run targets, activity and onboarding rows by id or by parent, each with
 * the rule of the model it reads (src/access/rules.ts): jobs by their saved targets, runs by their
 * device / targets / job, activity by its device, targets by their site. Run targets, work items,
 * Ansible recaps and workflows point at them with int4 ids.
 */
import { byId, childrenBy, perFilter } from '../../access/batch.js';
import { statusWhere } from '../../graphql/inputs.js';

export const jobById = byId('ScheduledJob');
export const runById = byId('ScheduledJobRun');
export const activityById = byId('ActivityHistory');

export const targetsOfRun = childrenBy('ScheduledJobRunTarget', 'runId', { orderBy: { id: 'asc' } });
export const activityLinksOfRun = childrenBy('ScheduledJobRunActivity', 'runId', { orderBy: { id: 'asc' } });
export const onboardingTargetsOfRun = childrenBy('ScheduledJobOnboardingTarget', 'runId', { orderBy: { id: 'asc' } });
export const eventsOfOnboardingTarget = childrenBy('ScheduledJobOnboardingTargetEvent', 'targetRowId', { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
/** Runs of each job, newest first, limited to runs in scope; one loader per status filter. */
export const runsOfJob = perFilter((statuses: readonly string[] | null | undefined) =>
  childrenBy('ScheduledJobRun', 'jobId', { where: { status: statusWhere(statuses) }, orderBy: [{ scheduledTs: 'desc' }, { id: 'desc' }] }),
);
