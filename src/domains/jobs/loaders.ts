/**
 * Scheduled jobs, runs and activity rows by id, with the scopes of their lists (jobs.ts): jobs and
 * runs by their resolved targets, activity by its device. Run targets, work items, Ansible recaps
 * and workflows point at them with int4 ids.
 */
import { byId } from '../../access/batch.js';

export const jobById = byId('ScheduledJob');

export const runById = byId('ScheduledJobRun');

export const activityById = byId('ActivityHistory');
