/** Job-scheduler queue, workers and snapshots; patch policy; workflow run. */
import type pg from 'pg';
import { BUILD_LATEST } from './catalogue.js';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { type DeviceInfo } from './devices.js';
import { type JobRefs } from './jobs.js';
import { rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { goJson, pyJson } from './values.js';
import { type Row, T, Writer, inTransaction } from './writer.js';

export async function seedSchedulerPatchingWorkflows(pool: pg.Pool, w: Writer, sites: SiteRef[], devices: DeviceInfo[], jobs: JobRefs): Promise<void> {
  const rng = rngFor('scheduler');
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const jobId = (name: string): number | null => jobs.ids.get(name) ?? null;
  const workerGuids = [rng.uuid(), rng.uuid(), rng.uuid()];
  const [wRunning, wIdle, wStopped] = workerGuids as [string, string, string];
  const container = (g: string): string => `site-worker-${g}`;
  const dev = (k: number): DeviceInfo => devices[k % devices.length] as DeviceInfo;

  const workers: Row[] = [
    { worker_guid: wRunning, container_name: container(wRunning), site_id: site(0).id, status: 'running', started_at: NOW - 3 * HOUR, last_seen_at: NOW - 4, idle_since: null, stopped_at: null, current_lanes_json: pyJson(['scheduled_job']), claimed_count: 42, task_links_json: pyJson([{ kind: 'scheduled_run', label: 'Weekly Temp Cleanup - Acme HQ', scheduled_job_id: jobId('Weekly Temp Cleanup - Acme HQ') }]), docker_state: 'running', exit_code: null, created_at: NOW - 3 * HOUR, updated_at: NOW - 4 },
    { worker_guid: wIdle, container_name: container(wIdle), site_id: site(2).id, status: 'idle', started_at: NOW - 50 * MINUTE, last_seen_at: NOW - 9, idle_since: NOW - 12 * MINUTE, stopped_at: null, current_lanes_json: pyJson([]), claimed_count: 3, task_links_json: pyJson([]), docker_state: 'running', exit_code: null, created_at: NOW - 50 * MINUTE, updated_at: NOW - 9 },
    { worker_guid: wStopped, container_name: container(wStopped), site_id: site(4).id, status: 'stopped', started_at: NOW - 2 * HOUR - 60, last_seen_at: NOW - 55 * MINUTE, idle_since: NOW - 60 * MINUTE, stopped_at: NOW - 55 * MINUTE, current_lanes_json: pyJson([]), claimed_count: 1, task_links_json: pyJson([{ kind: 'onboarding_run', label: 'Automatic Device Onboarding - Umbrella Lab', scheduled_job_id: jobId('Automatic Device Onboarding - Umbrella Lab') }]), docker_state: 'exited', exit_code: 0, created_at: NOW - 2 * HOUR - 60, updated_at: NOW - 55 * MINUTE },
  ];
  const routes: Row[] = [
    { worker_guid: wRunning, site_id: site(0).id, container_name: container(wRunning), route_name: `site-worker-${wRunning.slice(0, 8)}`, route_path_prefix: `/_borealis/site-workers/${wRunning}`, route_file_path: `/etc/borealis/edge/routes/site-worker-${wRunning}.yml`, upstream_scheme: 'http', upstream_host: container(wRunning), upstream_port: 5050, status: 'active', generation: 3, metadata_json: pyJson({ site_name: site(0).def.name }), created_at: NOW - 3 * HOUR, updated_at: NOW - 3 * HOUR + 20, retired_at: null },
    { worker_guid: wStopped, site_id: site(4).id, container_name: container(wStopped), route_name: `site-worker-${wStopped.slice(0, 8)}`, route_path_prefix: `/_borealis/site-workers/${wStopped}`, route_file_path: `/etc/borealis/edge/routes/site-worker-${wStopped}.yml`, upstream_scheme: 'http', upstream_host: container(wStopped), upstream_port: 5050, status: 'retired', generation: 1, metadata_json: pyJson({ site_name: site(4).def.name }), created_at: NOW - 2 * HOUR, updated_at: NOW - 55 * MINUTE, retired_at: NOW - 55 * MINUTE },
  ];
  const item = (r: Row): Row => ({ target_id: null, lease_owner: null, lease_expires_at: null, heartbeat_at: null, worker_guid: null, container_name: null, error: null, started_at: null, finished_at: null, attempt_count: 0, priority: 0, ...r });
  const workItems: Row[] = [
    item({ dedupe_key: `scheduled_run:${jobId('Weekly Temp Cleanup - Acme HQ')}:${NOW + 4 * DAY}`, kind: 'scheduled_run', site_id: site(0).id, lane: 'scheduled_job', job_id: jobId('Weekly Temp Cleanup - Acme HQ'), run_id: null, payload_json: pyJson({ scheduled_job_id: jobId('Weekly Temp Cleanup - Acme HQ'), scheduled_ts: NOW + 4 * DAY, task_link: { kind: 'scheduled_run', label: 'Weekly Temp Cleanup - Acme HQ' } }), status: 'queued', available_at: NOW + 4 * DAY, created_at: NOW - 2 * DAY, updated_at: NOW - 2 * DAY }),
    item({ dedupe_key: `scheduled_run:${jobId('Weekly Temp Cleanup - Acme HQ')}:${NOW - DAY + 2 * HOUR}`, kind: 'scheduled_run', site_id: site(0).id, lane: 'scheduled_job', job_id: jobId('Weekly Temp Cleanup - Acme HQ'), run_id: null, payload_json: pyJson({ scheduled_job_id: jobId('Weekly Temp Cleanup - Acme HQ'), scheduled_ts: NOW - DAY + 2 * HOUR }), status: 'running', attempt_count: 1, available_at: NOW - DAY + 2 * HOUR, lease_owner: container(wRunning), lease_expires_at: NOW + 80, heartbeat_at: NOW - 4, worker_guid: wRunning, container_name: container(wRunning), created_at: NOW - DAY + 2 * HOUR - 60, updated_at: NOW - 4, started_at: NOW - DAY + 2 * HOUR + 3 }),
    item({ dedupe_key: `onboarding_run:${jobId('Automatic Device Onboarding - Umbrella Lab')}:${jobs.onboarding?.runId ?? 0}`, kind: 'onboarding_run', site_id: site(4).id, lane: 'onboarding', job_id: jobId('Automatic Device Onboarding - Umbrella Lab'), run_id: jobs.onboarding?.runId ?? null, payload_json: pyJson({ run_id: jobs.onboarding?.runId ?? null, scheduled_job_id: jobId('Automatic Device Onboarding - Umbrella Lab') }), status: 'succeeded', attempt_count: 1, priority: 10, available_at: NOW - 2 * HOUR, worker_guid: wStopped, container_name: container(wStopped), created_at: NOW - 2 * HOUR, updated_at: NOW - 2 * HOUR + 400, started_at: NOW - 2 * HOUR + 2, finished_at: NOW - 2 * HOUR + 400 }),
    item({ dedupe_key: `agent_maintenance_run:${jobId('Agent Update to 2026.11.14')}:${dev(5).hostname}`, kind: 'agent_maintenance_run', site_id: site(0).id, lane: 'scheduled_job', job_id: jobId('Agent Update to 2026.11.14'), run_id: null, payload_json: pyJson({ hostname: dev(5).hostname, operation: 'update', target_build_id: BUILD_LATEST }), status: 'failed', attempt_count: 3, available_at: NOW - 2 * DAY + 5 * HOUR, error: 'agent reported update failure: artifact hash mismatch', created_at: NOW - 2 * DAY + 5 * HOUR, updated_at: NOW - 2 * DAY + 6 * HOUR, started_at: NOW - 2 * DAY + 5 * HOUR + 5, finished_at: NOW - 2 * DAY + 6 * HOUR }),
    item({ dedupe_key: 'service_action:restart:web-interface:' + (NOW - 6 * HOUR), kind: 'service_action', site_id: 0, lane: 'service_action', job_id: null, run_id: null, payload_json: pyJson({ action: 'restart', requested_by: 'admin', service: 'web-interface' }), status: 'cancelled', available_at: NOW - 6 * HOUR, error: 'cancelled by admin', created_at: NOW - 6 * HOUR, updated_at: NOW - 6 * HOUR + 30, finished_at: NOW - 6 * HOUR + 30 }),
    item({ dedupe_key: `patch_install_run:${jobId('Patch Install - Globex Plant')}:${NOW - 9 * DAY + 22 * HOUR}`, kind: 'patch_install_run', site_id: site(2).id, lane: 'scheduled_job', job_id: jobId('Patch Install - Globex Plant'), run_id: null, payload_json: pyJson({ scheduled_job_id: jobId('Patch Install - Globex Plant') }), status: 'succeeded', attempt_count: 1, available_at: NOW - 9 * DAY + 22 * HOUR, created_at: NOW - 9 * DAY + 22 * HOUR, updated_at: NOW - 9 * DAY + 23 * HOUR, started_at: NOW - 9 * DAY + 22 * HOUR + 4, finished_at: NOW - 9 * DAY + 23 * HOUR }),
  ];
  const services = ['api-backend', 'job-scheduler', 'postgres-db', 'web-interface', 'edge-router'];
  const snapshots: Row[] = services.map((name, k) => ({
    service_key: name,
    payload_json: pyJson({ container_name: `borealis-${name}`, health: k === 4 ? 'starting' : 'healthy', image: `ghcr.io/bunny-lab-io/borealis-${name}:2026.11.14`, restart_count: k === 1 ? 2 : 0, service: name, started_at: NOW - (k + 1) * DAY, state: 'running' }),
    updated_at: NOW - 20 - k,
  }));

  // Patch policies (no unique key: guarded by name) with site, rules and a run.
  const policyBase = {
    description: null, enabled: 1, locked: 0, role_scope: 'Both', approval_mode: 'conservative_msp', deferral_days: 14,
    managed_update_mode: 1, install_schedule_type: 'weekly', install_start_ts: null, reboot_after_install: 0,
    reboot_schedule_enabled: 0, reboot_schedule_type: 'weekly', reboot_start_ts: null, force_reboot_logged_in: 0,
    created_by: 'system', updated_by: 'system', created_at: NOW - 380 * DAY, updated_at: NOW - 380 * DAY,
    class_toggles_json: '{}', reboot_policy_json: '{}',
  };
  const policies: Row[] = [
    { ...policyBase, name: 'Global Workstation Policy', description: 'Default policy for every workstation', policy_type: 'global', locked: 1, role_scope: 'Workstation' },
    { ...policyBase, name: 'Global Server Policy', description: 'Default policy for every server', policy_type: 'global', locked: 1, role_scope: 'Server', deferral_days: 21, install_schedule_type: 'monthly' },
    {
      ...policyBase, name: 'Globex Plant - Fast Ring', description: 'Plant office PCs get security updates after 3 days', policy_type: 'site',
      role_scope: 'Workstation', approval_mode: 'security_fast', deferral_days: 3, install_start_ts: NOW - 9 * DAY + 22 * HOUR,
      reboot_after_install: 1, reboot_schedule_enabled: 1, reboot_start_ts: NOW - 9 * DAY + 23 * HOUR, created_by: 'bob', updated_by: 'bob',
      created_at: NOW - 40 * DAY, updated_at: NOW - 12 * DAY,
      class_toggles_json: goJson({ critical: true, definition: true, drivers: false, feature_packs: false, security: true, updates: true }),
      reboot_policy_json: goJson({ grace_minutes: 60, notify_user: true }),
    },
  ];

  const workflowGuid = rngFor('workflow', 'new-hire').uuid();
  const graph = { edges: [{ from: 'start', to: 'create-user' }, { from: 'create-user', to: 'install-apps' }, { from: 'install-apps', to: 'notify' }], nodes: [{ id: 'start', type: 'trigger' }, { id: 'create-user', type: 'assembly' }, { id: 'install-apps', type: 'assembly' }, { id: 'notify', type: 'notification' }] };

  await inTransaction(pool, async (client) => {
    await w.insert(client, T.workers, workers);
    await w.insert(client, T.workerRoutes, routes);
    await w.insert(client, T.workItems, workItems);
    await w.insert(client, T.serviceSnapshots, snapshots);

    for (const policy of policies) {
      const policyId = await w.insertGuarded(client, T.patchPolicies, policy, 'name');
      if (policyId === null || policy.policy_type !== 'site') continue;
      await w.insert(client, T.patchPolicySites, [{ policy_id: policyId, site_id: site(2).id, created_at: Number(policy.created_at) }]);
      await w.insert(client, T.patchPolicyRules, [
        { policy_id: policyId, rule_type: 'approve', match_type: 'classification', match_value: 'Security Updates', override_parent_block: 0, notes: 'Fast-track security fixes', created_by: 'bob', created_at: Number(policy.created_at) },
        { policy_id: policyId, rule_type: 'block', match_type: 'title_contains', match_value: 'Preview', override_parent_block: 0, notes: 'No preview cumulative updates on the shop floor', created_by: 'bob', created_at: Number(policy.created_at) },
      ]);
      const runTs = NOW - 9 * DAY + 22 * HOUR;
      await w.insert(client, T.patchPolicyRuns, [
        { policy_id: policyId, scheduled_ts: runTs, started_at: runTs + 3, finished_at: runTs + 3400, status: 'completed', summary_json: pyJson({ devices_failed: 1, devices_succeeded: 2, devices_targeted: 3, updates_installed: 11 }), created_at: runTs },
      ]);
    }

    const started = NOW - 5 * DAY + 9 * HOUR;
    const workflowRunId = await w.insertGuarded(client, T.workflowRuns, {
      workflow_guid: workflowGuid, workflow_name: 'New Hire Workstation Setup', source_type: 'manual',
      source_metadata_json: pyJson({ requested_by: 'alice', target_hostname: dev(2).hostname }), graph_snapshot_json: pyJson(graph),
      status: 'Success', error: null, skip_reason: null, final_payload_json: pyJson({ installed: ['Google Chrome', 'Microsoft 365 Apps for enterprise - en-us'], user: 'ACME\\nhire' }),
      final_metadata_json: pyJson({ duration_seconds: 412 }), parent_workflow_run_id: null, parent_node_id: null,
      scheduled_job_id: null, scheduled_job_run_id: null, webhook_id: null, created_by: 'alice', created_at: started - 2,
      started_ts: started, finished_ts: started + 412, updated_at: started + 412,
    }, 'workflow_guid');
    if (workflowRunId !== null) {
      const nodes: [string, string, string, string, string | null][] = [
        ['start', 'trigger', 'Manual Trigger', 'Success', null],
        ['create-user', 'assembly', 'Create Local User', 'Success', null],
        ['install-apps', 'assembly', 'Install Standard Apps', 'Success', null],
        ['notify', 'notification', 'Notify Helpdesk', 'Skipped', 'notification_channel_disabled'],
      ];
      let at = started;
      await w.insert(client, T.workflowNodeRuns, nodes.map(([id, type, label, status, skip]) => {
        const begin = at;
        const end = begin + (type === 'assembly' ? rng.int(60, 300) : 1);
        at = end + 1;
        return {
          workflow_run_id: workflowRunId, node_id: id, node_type: type, node_label: label,
          node_snapshot_json: pyJson({ id, label, type }), status, skip_reason: skip, error: null,
          timeout_seconds: type === 'assembly' ? 900 : null, input_envelope_json: pyJson({ payload: {} }),
          output_envelope_json: status === 'Success' ? pyJson({ payload: { ok: true } }) : null, ignored_inputs_json: null,
          linked_child_summary_json: null, created_at: started - 1, started_ts: status === 'Skipped' ? null : begin,
          finished_ts: status === 'Skipped' ? null : end, updated_at: end,
        };
      }));
    }
  });
}
