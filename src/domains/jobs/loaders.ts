/**
 * Scheduled jobs, runs and activity rows by id, with the scopes of their lists (jobs.ts): jobs and
 * runs by their resolved targets, activity by its device. Run targets, work items, Ansible recaps
 * and workflows point at them with int4 ids.
 */
import { idScope } from '../../access/scope.js';
import { byId } from '../../access/batch.js';

export const jobById = byId(async (prisma, scope, ids) =>
  prisma.scheduledJob.findMany({ where: { id: { in: ids }, AND: [idScope(await scope.jobIds())] } }),
);

export const runById = byId(async (prisma, scope, ids) =>
  prisma.scheduledJobRun.findMany({ where: { id: { in: ids }, AND: [await scope.runs()] } }),
);

export const activityById = byId((prisma, scope, ids) => prisma.activityHistory.findMany({ where: { id: { in: ids }, ...scope.byDevice() } }));
