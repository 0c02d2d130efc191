/**
 * Status value sets Borealis writes (borealis-agent-api.md section 8), as GraphQL enums for
 * filters. Output fields stay strings: Borealis's normalisers let unknown values through, and a
 * stored value outside the set must not break a page.
 */
import { builder } from './builder.js';
import { badInput } from './errors.js';
import { MAX_PAGE_SIZE, type StoredSpelling } from './inputs.js';

/**
 * A filter enum over a documented value set: `Timed Out` -> TIMED_OUT, `stale_data` -> STALE_DATA.
 * The enum's internal value is the stored string, matched with `statusWhere` in the spellings
 * Borealis stores (case-insensitively unless the set says its writers use one spelling).
 */
export function valueSet(name: string, description: string, stored: readonly string[]) {
  const values = Object.fromEntries(stored.map((value) => [value.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), { value }]));
  return builder.enumType(name, { description, values: values as Record<string, { value: string }> });
}

export const RunStatusEnum = valueSet('RunStatus', 'scheduled_job_runs.status', [
  'Pending', 'Running', 'Success', 'Warning', 'Failed', 'Expired', 'Timed Out', 'Skipped',
]);
export const ActivityStatusEnum = valueSet('ActivityStatus', 'activity_history.status', [
  'Queued', 'Running', 'Success', 'Failed', 'Timed Out', 'Skipped',
]);
/**
 * How watchdog_incidents.state is stored: only the constants `open`, `suppressed`, `resolved`,
 * written by PY-WD and GO-WDRT (borealis-agent-api.md section 8, the `watchdog_incidents.state`
 * row), so a filter matches that one spelling and the (state, opened_at) index keeps its order.
 */
export const INCIDENT_STATE_SPELLING: StoredSpelling = 'exact';
export const IncidentStateEnum = valueSet('IncidentState', 'watchdog_incidents.state', ['open', 'suppressed', 'resolved']);
export const SeverityEnum = valueSet('Severity', 'watchdogs.severity / watchdog_incidents.severity', ['info', 'warning', 'error']);
export const ApprovalStatusEnum = valueSet('ApprovalStatus', 'device_approvals.status', [
  'pending', 'approved', 'denied', 'expired', 'completed',
]);
export const WorkItemStatusEnum = valueSet('WorkItemStatus', 'job_scheduler_work_items.status', [
  'queued', 'running', 'succeeded', 'failed', 'cancelled',
]);
export const WorkerStatusEnum = valueSet('WorkerStatus', 'job_scheduler_workers.status', ['starting', 'running', 'idle', 'stopped', 'lost']);

/** `first` of a nested list: bounded like connection pages, with a clear error past the bound. */
export function boundedFirst(first: number | null | undefined, fallback = 20): number {
  const value = first ?? fallback;
  if (value < 0 || value > MAX_PAGE_SIZE) throw badInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE} (got ${value}).`);
  return value;
}
