/**
 * Scheduled job commands: save, enable/disable, delete, and "run now". The gateway never executes
 * a job: "run now" enqueues a `job_scheduler_work_items` row that Borealis's job scheduler claims
 * like its own ticks (kind, dedupe key, lane, payload without secrets).
 *
 * Scope (agent API section 6): a User's job must have every target in their sites, checked on the
 * new target list (and filter targets stamped with `allowed_site_ids`) and on the locked row's
 * saved list, by the rule that scopes jobs on read; a job outside it is NOT_FOUND.
 */
import type pg from 'pg';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { epochNow, parseInput, run, writeCommand, type AuditRow, type CommandContext } from '../commands.js';
import { databaseId, nameSchema, pythonJson, refuseProblems, storedJsonValue } from '../config-commands.js';
import { notFound, validationFailed, type FieldProblem } from '../errors.js';
import { normalizeTargets, savedListInScope, targetListSchema, type SavedTarget } from '../targets.js';

/** Schedule types of the scheduled-job editor. */
export const SCHEDULE_TYPES = ['immediately', 'once', 'every_5_minutes', 'every_10_minutes', 'every_15_minutes', 'every_30_minutes', 'every_hour', 'daily', 'weekly', 'monthly', 'yearly'] as const;
/** Execution contexts of script and Ansible jobs (onboarding jobs are not saved through the gateway). */
export const EXECUTION_CONTEXTS = ['system', 'currentuser', 'ssh', 'winrm', 'ssh_individual', 'winrm_individual'] as const;
/** Job kinds the gateway saves; `onboarding` jobs carry discovery scopes and are saved in Borealis. */
export const JOB_KINDS = ['automation', 'patch_install', 'agent_maintenance'] as const;

const epochDate = z.date().refine((date) => date.getTime() / 1000 < 2_147_483_647 && date.getTime() >= 0, 'is out of range');

const jobFields = {
  name: nameSchema,
  /** `components_json`: the list of what the job runs (scripts, playbooks, workflows, ...), each with its `kind`. */
  components: z.array(z.looseObject({ kind: z.string().trim().min(1).max(64) })).min(1, 'at least one component is required').max(50),
  targets: targetListSchema,
  scheduleType: z.enum(SCHEDULE_TYPES),
  startAt: epochDate.nullish(),
  durationStopEnabled: z.boolean(),
  /** How long an occurrence may wait for its devices (`30m`, `1h`, `2d`), or null. */
  expiration: z.string().trim().regex(/^[0-9]{1,4}[mhd]$/, 'must be a duration like 30m, 1h or 2d').nullish(),
  executionContext: z.enum(EXECUTION_CONTEXTS),
  credentialId: databaseId.nullish(),
  useServiceAccount: z.boolean().nullish(),
  jobKind: z.enum(JOB_KINDS),
  enabled: z.boolean(),
};
const createJobInput = z.object({
  ...jobFields,
  durationStopEnabled: jobFields.durationStopEnabled.default(false),
  executionContext: jobFields.executionContext.default('system'),
  jobKind: jobFields.jobKind.default('automation'),
  enabled: jobFields.enabled.default(true),
});
const updateJobInput = z.object({ id: databaseId }).extend(z.object(jobFields).partial().shape);
const jobIdInput = z.object({ id: databaseId });
const enableInput = jobIdInput.extend({ enabled: z.boolean() });

const jobAudit = (id: number, change: AuditRow['change']): AuditRow[] => [{ table: 'engine.scheduled_jobs', key: { id }, change }];

/** The credential a job names must exist and, for a User, belong to one of their sites (same message either way). */
async function credentialProblems(tx: pg.PoolClient, ctx: CommandContext, credentialId: number | null | undefined): Promise<FieldProblem[]> {
  if (credentialId === null || credentialId === undefined) return [];
  const sites = ctx.identity.siteIds;
  const { rowCount } = await run(
    tx,
    Prisma.sql`SELECT 1 FROM engine.credentials c WHERE c.id = ${credentialId}
                  AND ${sites === null ? Prisma.sql`TRUE` : Prisma.sql`c.site_id = ANY(${[...sites]}::int[])`}`,
  );
  return rowCount ? [] : [{ path: ['credentialId'], message: 'No credential with this id.' }];
}

/** The stored 0/1 of `use_service_account`: given, or on unless the job runs with a credential. */
const serviceAccountFlag = (useServiceAccount: boolean | null | undefined, credentialId: number | null | undefined) =>
  (useServiceAccount ?? (credentialId === null || credentialId === undefined)) ? 1 : 0;

/**
 * Saves a new scheduled job: `scheduled_jobs` with the components and normalized targets as
 * Python JSON text, 0/1 flags, epoch `start_ts`/`created_at`/`updated_at`.
 */
export async function createScheduledJob(ctx: CommandContext, input: z.input<typeof createJobInput>): Promise<{ jobId: number }> {
  const values = parseInput(createJobInput, input);
  return writeCommand(ctx, 'scheduledJob.create', async (tx) => {
    const { saved, problems } = await normalizeTargets(tx, ctx.identity, values.targets, 'targets');
    refuseProblems([...problems, ...(await credentialProblems(tx, ctx, values.credentialId))]);
    const now = epochNow();
    const { rows } = await run<{ id: string }>(
      tx,
      Prisma.sql`INSERT INTO engine.scheduled_jobs
                   (name, components_json, targets_json, schedule_type, start_ts, duration_stop_enabled, expiration, execution_context,
                    credential_id, use_service_account, job_kind, enabled, created_at, updated_at)
                 VALUES (${values.name}, ${pythonJson(values.components)}, ${pythonJson(saved)}, ${values.scheduleType},
                         ${values.startAt ? Math.floor(values.startAt.getTime() / 1000) : now}, ${values.durationStopEnabled ? 1 : 0},
                         ${values.expiration ?? null}, ${values.executionContext}, ${values.credentialId ?? null},
                         ${serviceAccountFlag(values.useServiceAccount, values.credentialId)}, ${values.jobKind}, ${values.enabled ? 1 : 0}, ${now}, ${now})
                 RETURNING id::text AS id`,
    );
    const jobId = Number(rows[0]!.id);
    return { result: { jobId }, rows: jobAudit(jobId, 'insert') };
  });
}

interface StoredJob {
  name: string;
  components_json: string;
  targets_json: string;
  job_kind: string;
  credential_id: number | null;
}

/** The job row, locked, when every saved target is in the operator's sites; else NOT_FOUND. */
async function lockJobInScope(tx: pg.PoolClient, ctx: CommandContext, jobId: number): Promise<StoredJob> {
  const { rows } = await run<StoredJob>(
    tx,
    Prisma.sql`SELECT name, components_json, targets_json, job_kind, credential_id FROM engine.scheduled_jobs WHERE id = ${jobId} FOR UPDATE`,
  );
  const job = rows[0];
  if (!job || !(await savedListInScope(tx, ctx.identity, storedJsonValue(job.targets_json)))) throw notFound('Scheduled job');
  return job;
}

/**
 * Changes the given fields of a job (the rest stays as stored); `targets` replaces the target
 * list. Onboarding jobs (discovery scopes) are changed in Borealis only.
 */
export async function updateScheduledJob(ctx: CommandContext, input: z.input<typeof updateJobInput>): Promise<{ jobId: number }> {
  const { id, targets, ...patch } = parseInput(updateJobInput, input);
  return writeCommand(ctx, 'scheduledJob.update', async (tx) => {
    const stored = await lockJobInScope(tx, ctx, id);
    if (!(JOB_KINDS as readonly string[]).includes(stored.job_kind)) {
      throw validationFailed([{ path: ['id'], message: `${stored.job_kind} jobs are edited in Borealis, not through the gateway.` }]);
    }
    const normalized = targets ? await normalizeTargets(tx, ctx.identity, targets, 'targets') : null;
    refuseProblems([...(normalized?.problems ?? []), ...(patch.credentialId !== undefined ? await credentialProblems(tx, ctx, patch.credentialId) : [])]);
    const set: Prisma.Sql[] = [];
    const column = (name: string, value: unknown) => set.push(Prisma.sql`${Prisma.raw(name)} = ${value}`);
    if (patch.name !== undefined) column('name', patch.name);
    if (patch.components !== undefined) column('components_json', pythonJson(patch.components));
    if (normalized) column('targets_json', pythonJson(normalized.saved satisfies SavedTarget[]));
    if (patch.scheduleType !== undefined) column('schedule_type', patch.scheduleType);
    if (patch.startAt !== undefined) column('start_ts', patch.startAt ? Math.floor(patch.startAt.getTime() / 1000) : null);
    if (patch.durationStopEnabled !== undefined) column('duration_stop_enabled', patch.durationStopEnabled ? 1 : 0);
    if (patch.expiration !== undefined) column('expiration', patch.expiration);
    if (patch.executionContext !== undefined) column('execution_context', patch.executionContext);
    if (patch.credentialId !== undefined) column('credential_id', patch.credentialId);
    if (patch.useServiceAccount !== undefined || patch.credentialId !== undefined) {
      column('use_service_account', serviceAccountFlag(patch.useServiceAccount, patch.credentialId === undefined ? stored.credential_id : patch.credentialId));
    }
    if (patch.jobKind !== undefined) column('job_kind', patch.jobKind);
    if (patch.enabled !== undefined) column('enabled', patch.enabled ? 1 : 0);
    column('updated_at', epochNow());
    await run(tx, Prisma.sql`UPDATE engine.scheduled_jobs SET ${Prisma.join(set, ', ')} WHERE id = ${id}`);
    return { result: { jobId: id }, rows: jobAudit(id, 'update') };
  });
}

/** Enables or disables a job (`enabled` 0/1; the scheduler selects `enabled = 1`). */
export async function setScheduledJobEnabled(ctx: CommandContext, input: z.input<typeof enableInput>): Promise<{ jobId: number }> {
  const { id, enabled } = parseInput(enableInput, input);
  return writeCommand(ctx, enabled ? 'scheduledJob.enable' : 'scheduledJob.disable', async (tx) => {
    await lockJobInScope(tx, ctx, id);
    await run(tx, Prisma.sql`UPDATE engine.scheduled_jobs SET enabled = ${enabled ? 1 : 0}, updated_at = ${epochNow()} WHERE id = ${id}`);
    return { result: { jobId: id }, rows: jobAudit(id, 'update') };
  });
}

/**
 * Deletes a job; its runs, run targets, run activity links and onboarding rows go with it
 * (ON DELETE CASCADE). Work items still queued for it are cancelled so no worker claims them;
 * running ones finish as the worker reports.
 */
export async function deleteScheduledJob(ctx: CommandContext, input: z.input<typeof jobIdInput>): Promise<{ jobId: number }> {
  const { id } = parseInput(jobIdInput, input);
  return writeCommand(ctx, 'scheduledJob.delete', async (tx) => {
    await lockJobInScope(tx, ctx, id);
    const now = epochNow();
    const { rows: cancelled } = await run<{ id: string }>(
      tx,
      Prisma.sql`UPDATE engine.job_scheduler_work_items
                    SET status = 'cancelled', error = 'scheduled job deleted', finished_at = ${now}, updated_at = ${now}
                  WHERE job_id = ${id} AND status = 'queued'
              RETURNING id::text AS id`,
    );
    await run(tx, Prisma.sql`DELETE FROM engine.scheduled_jobs WHERE id = ${id}`);
    return {
      result: { jobId: id },
      rows: [...jobAudit(id, 'delete'), ...cancelled.map((row) => ({ table: 'engine.job_scheduler_work_items', key: { id: Number(row.id) }, change: 'update' as const }))],
    };
  });
}

/** The work item kind and lane Borealis's scheduler uses for a job kind (workflow components run as workflows). */
function workKind(job: StoredJob): { kind: string; lane: string } {
  switch (job.job_kind) {
    case 'onboarding':
      return { kind: 'onboarding_run', lane: 'onboarding' };
    case 'agent_maintenance':
      return { kind: 'agent_maintenance_run', lane: 'scheduled_job' };
    case 'patch_install':
      return { kind: 'patch_install_run', lane: 'scheduled_job' };
    default: {
      const components = storedJsonValue(job.components_json);
      const workflow = Array.isArray(components) && components.some((c) => (c as { kind?: unknown } | null)?.kind === 'workflow');
      return { kind: workflow ? 'scheduled_workflow_run' : 'scheduled_run', lane: 'scheduled_job' };
    }
  }
}

/**
 * The site lane of a job's work: the one site all its targets resolve to (devices through
 * device_sites, filters through device_filter_sites), else 0, the scheduler's global lane.
 */
async function siteLane(tx: pg.PoolClient, targets: unknown): Promise<number> {
  const list = Array.isArray(targets) ? (targets as Array<Record<string, unknown> | string>) : [];
  const hostnames = list.flatMap((t) => (typeof t === 'string' ? [t] : typeof t?.hostname === 'string' ? [t.hostname] : []));
  const filterIds = list.flatMap((t) => (typeof t === 'object' && t !== null && /^[0-9]{1,9}$/.test(String(t.filter_id ?? '')) ? [Number(t.filter_id)] : []));
  const onboardingSites = list.flatMap((t) => (typeof t === 'object' && t !== null && t.kind === 'onboarding_scope' && Number.isInteger(t.site_id) ? [Number(t.site_id)] : []));
  const { rows } = await run<{ sites: number[]; unassigned: boolean }>(
    tx,
    Prisma.sql`SELECT array(SELECT DISTINCT site_id FROM (
                        SELECT ds.site_id FROM engine.device_sites ds WHERE ds.device_hostname = ANY(${hostnames}::text[])
                        UNION ALL SELECT fs.site_id FROM engine.device_filter_sites fs WHERE fs.filter_id = ANY(${filterIds}::int[])
                        UNION ALL SELECT unnest(${onboardingSites}::int[])) s) AS sites,
                      EXISTS (SELECT 1 FROM unnest(${filterIds}::int[]) f(id) WHERE NOT EXISTS (SELECT 1 FROM engine.device_filter_sites fs WHERE fs.filter_id = f.id))
                      OR (SELECT count(*) FROM engine.device_sites ds WHERE ds.device_hostname = ANY(${hostnames}::text[])) < cardinality(${hostnames}::text[]) AS unassigned`,
  );
  const { sites, unassigned } = rows[0]!;
  return sites.length === 1 && !unassigned ? sites[0]! : 0;
}

export interface EnqueuedRun {
  jobId: number;
  workItemId: number;
  /** False when the same occurrence was already queued (same dedupe key): nothing new was written. */
  created: boolean;
}

/**
 * "Run now": enqueues one `job_scheduler_work_items` row for Borealis's job scheduler — `kind`
 * by the job kind, `dedupe_key` `<kind>:<job id>:<scheduled ts>`, `lane`, the site lane, status
 * `queued`, `available_at` now, and a payload naming the job and occurrence (no credentials or
 * other secrets: workers fetch those from the engine while executing). Asking twice within the
 * same second enqueues once.
 */
export async function runScheduledJobNow(ctx: CommandContext, input: z.input<typeof jobIdInput>): Promise<EnqueuedRun> {
  const { id } = parseInput(jobIdInput, input);
  return writeCommand<EnqueuedRun>(ctx, 'scheduledJob.runNow', async (tx) => {
    const job = await lockJobInScope(tx, ctx, id);
    const { kind, lane } = workKind(job);
    const now = epochNow();
    const payload = { requested_by: ctx.identity.username, scheduled_job_id: id, scheduled_ts: now, task_link: { kind, label: job.name }, trigger: 'run_now' };
    const dedupeKey = `${kind}:${id}:${now}`;
    const { rows } = await run<{ id: string }>(
      tx,
      Prisma.sql`INSERT INTO engine.job_scheduler_work_items
                   (dedupe_key, kind, site_id, lane, job_id, run_id, target_id, payload_json, status, attempt_count, priority, available_at, created_at, updated_at)
                 VALUES (${dedupeKey}, ${kind}, ${await siteLane(tx, storedJsonValue(job.targets_json))}, ${lane}, ${id}, NULL, NULL, ${pythonJson(payload)},
                         'queued', 0, 0, ${now}, ${now}, ${now})
                 ON CONFLICT (dedupe_key) DO NOTHING
                 RETURNING id::text AS id`,
    );
    if (rows[0]) {
      const workItemId = Number(rows[0].id);
      return { result: { jobId: id, workItemId, created: true }, rows: [{ table: 'engine.job_scheduler_work_items', key: { id: workItemId, dedupe_key: dedupeKey }, change: 'insert' }] };
    }
    const { rows: existing } = await run<{ id: string }>(tx, Prisma.sql`SELECT id::text AS id FROM engine.job_scheduler_work_items WHERE dedupe_key = ${dedupeKey}`);
    return { result: { jobId: id, workItemId: Number(existing[0]!.id), created: false }, rows: [] };
  });
}

export type CreateScheduledJobInput = z.input<typeof createJobInput>;
