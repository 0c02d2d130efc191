/** Scheduled job commands: saved rows, target scope, run now as a work item, delete, nothing written on refusal. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createScheduledJob,
  deleteScheduledJob,
  runScheduledJobNow,
  setScheduledJobEnabled,
  updateScheduledJob,
  type CreateScheduledJobInput,
} from '../../../src/domains/jobs/commands.js';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { commandContexts, deviceIn, one, refusal, siteIdsByName } from '../../support/config-commands.js';
import { snapshot } from '../../support/mutations.js';

let seeded: SeededGateway;
let ctx: ReturnType<typeof commandContexts>;
let sid: (name: string) => number;
const JOB_TABLES = ['engine.scheduled_jobs', 'engine.scheduled_job_runs', 'engine.job_scheduler_work_items'];
const component = { kind: 'script', name: 'Clear Temp Files', path: 'Maintenance/Clear_Temp_Files.ps1', type: 'script' };
const job = (targets: unknown[], extra: Partial<CreateScheduledJobInput> = {}): CreateScheduledJobInput =>
  ({ name: 'Nightly cleanup', components: [component], targets, scheduleType: 'daily', ...extra }) as CreateScheduledJobInput;

beforeAll(async () => {
  seeded = await createSeededGateway({ devices: 40 });
  ctx = commandContexts(seeded);
  sid = await siteIdsByName(seeded);
});
afterAll(async () => {
  await ctx?.close();
  await seeded?.close();
});

describe('scheduled job save', () => {
  it('writes the job row with normalized targets as Python JSON text and 0/1 flags', async () => {
    const device = await deviceIn(seeded, sid('Acme HQ'));
    const start = new Date('2026-12-01T02:00:00Z');
    const { jobId } = await createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: device.hostname }], { startAt: start, expiration: '1h', durationStopEnabled: true }));
    const row = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.scheduled_jobs WHERE id = $1', [jobId]);
    expect(row).toMatchObject({
      name: 'Nightly cleanup',
      components_json: '[{"kind": "script", "name": "Clear Temp Files", "path": "Maintenance/Clear_Temp_Files.ps1", "type": "script"}]',
      targets_json: `[{"device_guid": "${device.guid.toLowerCase()}", "hostname": "${device.hostname}", "kind": "device", "site_id": ${sid('Acme HQ')}, "site_name": "Acme HQ"}]`,
      schedule_type: 'daily',
      start_ts: start.getTime() / 1000,
      duration_stop_enabled: 1,
      expiration: '1h',
      execution_context: 'system',
      credential_id: null,
      use_service_account: 1,
      job_kind: 'automation',
      enabled: 1,
    });
    // alice sees her job on read.
    const read = await seeded.as('alice', '{ scheduledJobs(first: 50) { edges { node { name } } } }');
    expect(read.data.scheduledJobs.edges.map((e: { node: { name: string } }) => e.node.name)).toContain('Nightly cleanup');
  });

  it('refuses, writing nothing: another site\'s device like a missing one, a global filter for a User, no components, a foreign credential', async () => {
    const foreign = await deviceIn(seeded, sid('Globex Plant'));
    const mine = await deviceIn(seeded, sid('Acme HQ'));
    const global = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.device_filters WHERE name = 'All Windows Servers'");
    const credential = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.credentials WHERE name = 'Globex Linux Deploy (SSH key)'");
    const tables = await snapshot(seeded.db.pool, JOB_TABLES);
    const a = await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: foreign.hostname }])), 'VALIDATION_FAILED');
    const b = await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: 'NO-SUCH-HOST' }])), 'VALIDATION_FAILED');
    expect(a.problems).toEqual(b.problems);
    const filter = await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'filter', filterId: global.id }])), 'VALIDATION_FAILED');
    expect(filter.problems).toEqual([{ path: ['targets', 0, 'filterId'], message: 'No device filter with this id.' }]);
    await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: mine.hostname }], { components: [] })), 'VALIDATION_FAILED');
    await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: mine.hostname }], { scheduleType: 'fortnightly' as 'daily' })), 'VALIDATION_FAILED');
    const cred = await refusal(createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: mine.hostname }], { credentialId: credential.id })), 'VALIDATION_FAILED');
    expect(cred.problems).toEqual([{ path: ['credentialId'], message: 'No credential with this id.' }]);
    expect(await snapshot(seeded.db.pool, JOB_TABLES)).toEqual(tables);
  });

  it('admins target global filters; a User cannot touch that job by id', async () => {
    const global = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.device_filters WHERE name = 'All Windows Servers'");
    const { jobId } = await createScheduledJob(ctx.as('admin'), job([{ kind: 'filter', filterId: global.id }], { name: 'Inventory' }));
    expect((await one<{ targets_json: string }>(seeded, 'SELECT targets_json FROM engine.scheduled_jobs WHERE id = $1', [jobId])).targets_json).toBe(
      `[{"filter_id": ${global.id}, "kind": "filter", "name": "All Windows Servers"}]`,
    );
    const tables = await snapshot(seeded.db.pool, JOB_TABLES);
    for (const attempt of [
      () => updateScheduledJob(ctx.as('alice'), { id: jobId, name: 'mine' }),
      () => setScheduledJobEnabled(ctx.as('alice'), { id: jobId, enabled: false }),
      () => runScheduledJobNow(ctx.as('alice'), { id: jobId }),
      () => deleteScheduledJob(ctx.as('alice'), { id: jobId }),
    ]) {
      const error = await refusal(attempt(), 'NOT_FOUND');
      expect(error.message).toBe('Scheduled job was not found.');
    }
    expect(await snapshot(seeded.db.pool, JOB_TABLES)).toEqual(tables);
  });

  it('updates given fields only and disables', async () => {
    const mine = await deviceIn(seeded, sid('Acme HQ'));
    const { jobId } = await createScheduledJob(ctx.as('alice'), job([{ kind: 'device', hostname: mine.hostname }], { name: 'Weekly' }));
    const before = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.scheduled_jobs WHERE id = $1', [jobId]);
    await updateScheduledJob(ctx.as('alice'), { id: jobId, scheduleType: 'weekly', expiration: null });
    await setScheduledJobEnabled(ctx.as('alice'), { id: jobId, enabled: false });
    const after = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.scheduled_jobs WHERE id = $1', [jobId]);
    expect(after).toEqual({ ...before, schedule_type: 'weekly', expiration: null, enabled: 0, updated_at: after.updated_at });
  });
});

describe('run now and delete', () => {
  it('enqueues one work item for the scheduler (kind, dedupe key, lane, site, payload); a repeat in the same second enqueues nothing', async () => {
    const mine = await deviceIn(seeded, sid('Globex Plant'));
    const { jobId } = await createScheduledJob(ctx.as('bob'), job([{ kind: 'device', hostname: mine.hostname }], { name: 'Run me' }));
    const first = await runScheduledJobNow(ctx.as('bob'), { id: jobId });
    const item = await one<Record<string, unknown>>(seeded, 'SELECT * FROM engine.job_scheduler_work_items WHERE id = $1', [first.workItemId]);
    const ts = item.available_at as number;
    expect(item).toMatchObject({
      dedupe_key: `scheduled_run:${jobId}:${ts}`,
      kind: 'scheduled_run',
      site_id: sid('Globex Plant'),
      lane: 'scheduled_job',
      job_id: jobId,
      run_id: null,
      status: 'queued',
      attempt_count: 0,
      priority: 0,
      lease_owner: null,
      created_at: ts,
      updated_at: ts,
      payload_json: `{"requested_by": "bob", "scheduled_job_id": ${jobId}, "scheduled_ts": ${ts}, "task_link": {"kind": "scheduled_run", "label": "Run me"}, "trigger": "run_now"}`,
    });
    // bob sees the queued work item on read (its site is his, its job too).
    const read = await seeded.as('bob', '{ schedulerWorkItems(first: 100) { edges { node { kind status } } } }');
    expect(read.data.schedulerWorkItems.edges).toContainEqual({ node: { kind: 'scheduled_run', status: 'queued' } });
    // Within the same second the dedupe key holds the one occurrence.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(ts * 1000 + 500);
      const again = await runScheduledJobNow(ctx.as('bob'), { id: jobId });
      expect(again).toEqual({ jobId, workItemId: first.workItemId, created: false });
      vi.setSystemTime((ts + 1) * 1000);
      const later = await runScheduledJobNow(ctx.as('bob'), { id: jobId });
      expect(later.created).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    const { rows } = await seeded.db.pool.query('SELECT dedupe_key FROM engine.job_scheduler_work_items WHERE job_id = $1 ORDER BY id', [jobId]);
    expect(rows.map((r) => r.dedupe_key)).toEqual([`scheduled_run:${jobId}:${ts}`, `scheduled_run:${jobId}:${ts + 1}`]);
  });

  it('uses the global lane (site 0) when targets span sites, and deletes a job with its runs, cancelling queued work', async () => {
    const acme = await deviceIn(seeded, sid('Acme HQ'));
    const globex = await deviceIn(seeded, sid('Globex Plant'));
    const { jobId } = await createScheduledJob(ctx.as('admin'), job([{ kind: 'device', hostname: acme.hostname }, { kind: 'device', hostname: globex.hostname }], { name: 'Both' }));
    const { workItemId } = await runScheduledJobNow(ctx.as('admin'), { id: jobId });
    expect(await one(seeded, 'SELECT site_id, status FROM engine.job_scheduler_work_items WHERE id = $1', [workItemId])).toEqual({ site_id: 0, status: 'queued' });
    await seeded.db.pool.query("INSERT INTO engine.scheduled_job_runs (job_id, scheduled_ts, status, created_at, updated_at, target_hostname) VALUES ($1, 1, 'Pending', 1, 1, $2)", [jobId, acme.hostname]);
    await deleteScheduledJob(ctx.as('admin'), { id: jobId });
    const { rowCount } = await seeded.db.pool.query('SELECT 1 FROM engine.scheduled_job_runs WHERE job_id = $1', [jobId]);
    expect(rowCount).toBe(0);
    expect(await one(seeded, 'SELECT status, error FROM engine.job_scheduler_work_items WHERE id = $1', [workItemId])).toEqual({ status: 'cancelled', error: 'scheduled job deleted' });
    await refusal(deleteScheduledJob(ctx.as('admin'), { id: jobId }), 'NOT_FOUND');
  });

  it('onboarding jobs: not edited through the gateway, run now goes to the onboarding lane of their site', async () => {
    const onboarding = await one<{ id: string }>(seeded, "SELECT id::text FROM engine.scheduled_jobs WHERE job_kind = 'onboarding' ORDER BY id LIMIT 1");
    const tables = await snapshot(seeded.db.pool, JOB_TABLES);
    const refused = await refusal(updateScheduledJob(ctx.as('admin'), { id: onboarding.id, name: 'renamed' }), 'VALIDATION_FAILED');
    expect(refused.problems).toEqual([{ path: ['id'], message: 'onboarding jobs are edited in Borealis, not through the gateway.' }]);
    expect(await snapshot(seeded.db.pool, JOB_TABLES)).toEqual(tables);
    const { workItemId } = await runScheduledJobNow(ctx.as('admin'), { id: onboarding.id });
    expect(await one(seeded, 'SELECT kind, lane, site_id FROM engine.job_scheduler_work_items WHERE id = $1', [workItemId])).toEqual({
      kind: 'onboarding_run',
      lane: 'onboarding',
      site_id: sid('Umbrella Lab'),
    });
  });
});
