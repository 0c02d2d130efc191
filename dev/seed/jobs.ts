/** Scheduled jobs, their runs, targets and activity; onboarding targets. */
import type pg from 'pg';
import { BUILD_LATEST } from './catalogue.js';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { type DeviceInfo } from './devices.js';
import { type Refs } from './filters.js';
import { Rng, rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { pyJson } from './values.js';
import { type Row, T, Writer, idsByName, inTransaction } from './writer.js';

export interface JobRefs {
  ids: Map<string, number>;
  onboarding: { jobId: number; runId: number; scheduledTs: number } | null;
  onboardingApprovalRef: string;
}

/** Run status -> activity_history status as Borealis records it. */
export function activityStatusFor(runStatus: string): string | null {
  switch (runStatus) {
    case 'Pending':
      return 'Queued';
    case 'Warning':
      return 'Success';
    case 'Expired':
      return null;
    default:
      return runStatus;
  }
}

export function lowerGuid(guid: string): string {
  return guid.toLowerCase();
}

export async function seedJobs(
  pool: pg.Pool,
  w: Writer,
  sites: SiteRef[],
  devices: DeviceInfo[],
  refs: Refs,
  progress: (phase: string, done: number, total: number) => void,
): Promise<JobRefs> {
  const rng = rngFor('jobs');
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const siteIdOf = (d: DeviceInfo): number | null => (d.site === null ? null : site(d.site).id);
  const pickDevices = (predicate: (d: DeviceInfo) => boolean, count: number): DeviceInfo[] => {
    const matching = devices.filter((d) => d.status === 'active' && predicate(d));
    const pool_ = matching.length ? matching : devices;
    return pool_.slice(0, Math.max(1, Math.min(count, pool_.length)));
  };
  const deviceTarget = (d: DeviceInfo): Record<string, unknown> => ({
    kind: 'device',
    device_guid: lowerGuid(d.guid),
    hostname: d.hostname,
    site_id: siteIdOf(d),
    site_name: d.site === null ? '' : site(d.site).def.name,
  });
  const onboardingApprovalRef = rngFor('approval-reference', 'onboarding').uuid();

  const acmeDevices = pickDevices((d) => d.site === 0 && !d.linux, 4);
  const serverDevices = pickDevices((d) => d.kind.deviceType !== 'Workstation' && !d.linux && d.site !== null, 3);
  const linuxDevices = pickDevices((d) => d.linux && d.site !== null, 4);
  const globexDevices = pickDevices((d) => d.site === 2 && !d.linux, 3);
  const maintenanceDevices = pickDevices((d) => !d.linux && d.site !== null && d.index > 3, 2);
  const fid = (name: string): number | null => refs.filters.get(name) ?? null;
  const cid = (name: string): number | null => refs.credentials.get(name) ?? null;

  interface RunSpec {
    scheduledTs: number;
    status: string;
    target: DeviceInfo | null;
    /** Shared (Ansible) rows: devices resolved into the run. */
    sharedTargets?: DeviceInfo[];
    error?: string | null;
    skipReason?: string | null;
    componentIndex?: number;
    componentKind: string;
    componentName: string;
    componentPath: string;
    scriptType: string;
    resolvedFilterId?: number | null;
  }
  interface JobSpec {
    row: Row;
    runs: RunSpec[];
    onboarding?: boolean;
    ansible?: boolean;
  }

  const weeklyStart = NOW - 29 * DAY + 2 * HOUR;
  const cleanup: RunSpec[] = [];
  const cleanupStatuses = [
    ['Success', 'Success', 'Failed', 'Success'],
    ['Success', 'Warning', 'Timed Out', 'Success'],
    ['Running', 'Pending', 'Success', 'Running'],
  ];
  cleanupStatuses.forEach((statuses, occ) => {
    const scheduledTs = weeklyStart + (occ + 2) * 7 * DAY;
    acmeDevices.forEach((d, k) => {
      cleanup.push({
        scheduledTs,
        status: statuses[k % statuses.length] as string,
        target: d,
        error: statuses[k % statuses.length] === 'Failed' ? 'Exit code 1: Access to the path C:\\Windows\\Temp\\MpCmdRun.log is denied.' : null,
        componentIndex: 0,
        componentKind: 'script',
        componentName: 'Clear Temp Files',
        componentPath: 'Scripts/Maintenance/Clear_Temp_Files.ps1',
        scriptType: 'powershell',
      });
    });
  });

  const dailyStart = NOW - 3 * DAY - 4 * HOUR;
  const inventory: RunSpec[] = [];
  const inventoryPlan: [number, string | null][] = [
    [0, 'Success'], [0, 'Failed'], [1, 'Expired'], [2, null], [3, 'Success'],
  ];
  inventoryPlan.forEach(([day, status], k) => {
    const scheduledTs = dailyStart + day * DAY;
    if (status === null) {
      inventory.push({
        scheduledTs, status: 'Skipped', target: null, skipReason: 'no_devices_targeted', componentIndex: 0,
        componentKind: 'script', componentName: 'Collect Hardware Inventory', componentPath: 'Scripts/Inventory/Collect_Hardware_Inventory.ps1', scriptType: 'powershell',
      });
      return;
    }
    const d = serverDevices[k % serverDevices.length] as DeviceInfo;
    inventory.push({
      scheduledTs, status, target: d, componentIndex: 0, resolvedFilterId: fid('All Windows Servers'),
      error: status === 'Failed' ? 'Agent did not acknowledge the job within 300 seconds.' : status === 'Expired' ? 'Occurrence expired before the device came online.' : null,
      componentKind: 'script', componentName: 'Collect Hardware Inventory', componentPath: 'Scripts/Inventory/Collect_Hardware_Inventory.ps1', scriptType: 'powershell',
    });
  });

  const ansibleRuns: RunSpec[] = [
    { scheduledTs: NOW - 8 * DAY + 3 * HOUR, status: 'Success', target: null, sharedTargets: linuxDevices, componentIndex: 0, componentKind: 'ansible', componentName: 'Linux Baseline Hardening', componentPath: 'Ansible_Playbooks/Linux/Baseline_Hardening.yml', scriptType: 'ansible', resolvedFilterId: fid('Linux Servers - Globex') },
    { scheduledTs: NOW - 1 * DAY + 3 * HOUR, status: 'Failed', target: null, sharedTargets: linuxDevices, error: 'PLAY RECAP reported failed=1', componentIndex: 0, componentKind: 'ansible', componentName: 'Linux Baseline Hardening', componentPath: 'Ansible_Playbooks/Linux/Baseline_Hardening.yml', scriptType: 'ansible', resolvedFilterId: fid('Linux Servers - Globex') },
  ];

  const patchRuns: RunSpec[] = globexDevices.map((d, k) => ({
    scheduledTs: NOW - 9 * DAY + 22 * HOUR,
    status: (['Success', 'Failed', 'Running'] as const)[k % 3] as string,
    target: d,
    error: k % 3 === 1 ? '0x80240022: Windows Update failed to install 2 updates' : null,
    componentIndex: 0,
    componentKind: 'patch_install',
    componentName: 'Install Approved Updates',
    componentPath: 'patch_install',
    scriptType: 'powershell',
  }));

  const maintenanceRuns: RunSpec[] = maintenanceDevices.map((d, k) => ({
    scheduledTs: NOW - 2 * DAY + 5 * HOUR,
    status: k === 0 ? 'Success' : 'Failed',
    target: d,
    error: k === 0 ? null : 'Agent reported update state failed: artifact hash mismatch',
    componentIndex: 0,
    componentKind: 'agent_maintenance',
    componentName: 'Agent Update',
    componentPath: 'agent_maintenance',
    scriptType: 'powershell',
  }));

  const onboardingTs = NOW - 2 * HOUR;
  const jobSpecs: JobSpec[] = [
    {
      row: {
        name: 'Weekly Temp Cleanup - Acme HQ',
        components_json: pyJson([{ assembly_guid: rngFor('assembly', 'clear-temp').uuid(), kind: 'script', name: 'Clear Temp Files', path: 'Maintenance/Clear_Temp_Files.ps1', type: 'script', variables: [{ name: 'MaxAgeDays', value: 7 }] }]),
        // One legacy plain-hostname entry next to normalised device entries, as old saves left them.
        targets_json: pyJson([...acmeDevices.slice(0, -1).map(deviceTarget), ...acmeDevices.slice(-1).map((d) => d.hostname)]),
        schedule_type: 'weekly', start_ts: weeklyStart, duration_stop_enabled: 0, expiration: null, execution_context: 'system',
        credential_id: null, use_service_account: 1, job_kind: 'automation', enabled: 1, created_at: weeklyStart - 2 * DAY, updated_at: weeklyStart - DAY,
      },
      runs: cleanup,
    },
    {
      row: {
        name: 'Daily Hardware Inventory - Servers',
        components_json: pyJson([{ kind: 'script', name: 'Collect Hardware Inventory', path: 'Inventory/Collect_Hardware_Inventory.ps1', type: 'script' }]),
        targets_json: pyJson([{ filter_id: fid('All Windows Servers'), kind: 'filter', name: 'All Windows Servers' }]),
        schedule_type: 'daily', start_ts: dailyStart, duration_stop_enabled: 1, expiration: '1h', execution_context: 'system',
        credential_id: null, use_service_account: 1, job_kind: 'automation', enabled: 1, created_at: dailyStart - 10 * DAY, updated_at: dailyStart - 10 * DAY,
      },
      runs: inventory,
    },
    {
      row: {
        name: 'Linux Baseline Hardening (Ansible)',
        components_json: pyJson([{ kind: 'ansible', name: 'Linux Baseline Hardening', path: 'Ansible_Playbooks/Linux/Baseline_Hardening.yml', type: 'ansible' }]),
        targets_json: pyJson([{ filter_id: fid('Linux Servers - Globex'), kind: 'filter', name: 'Linux Servers - Globex' }, ...linuxDevices.slice(0, 1).map(deviceTarget)]),
        schedule_type: 'weekly', start_ts: NOW - 22 * DAY + 3 * HOUR, duration_stop_enabled: 0, expiration: null, execution_context: 'ssh',
        credential_id: cid('Globex Linux Deploy (SSH key)'), use_service_account: 0, job_kind: 'automation', enabled: 1, created_at: NOW - 23 * DAY, updated_at: NOW - 9 * DAY,
      },
      runs: ansibleRuns,
      ansible: true,
    },
    {
      row: {
        name: 'Automatic Device Onboarding - Umbrella Lab',
        components_json: pyJson([{ install_branch: 'main', kind: 'device_onboarding', max_concurrency: 4, ssh_port: 22, target_platform: 'linux' }]),
        targets_json: pyJson([{ entries: ['10.66.0.50 # LAB-AIO-01', '10.66.0.51', 'lab-build-02.umbrella.lab'], exclusions: ['10.66.0.1 # gateway'], kind: 'onboarding_scope', site_id: site(4).id, site_name: site(4).def.name }]),
        schedule_type: 'immediately', start_ts: onboardingTs, duration_stop_enabled: 0, expiration: null, execution_context: 'onboarding_linux_ssh',
        credential_id: cid('Umbrella Lab root (SSH)'), use_service_account: 0, job_kind: 'onboarding', enabled: 1, created_at: onboardingTs - 5 * MINUTE, updated_at: onboardingTs - 5 * MINUTE,
      },
      runs: [{ scheduledTs: onboardingTs, status: 'Warning', target: null, componentIndex: 0, componentKind: 'device_onboarding', componentName: 'Device Onboarding', componentPath: 'device_onboarding', scriptType: 'bash' }],
      onboarding: true,
    },
    {
      row: {
        name: 'Patch Install - Globex Plant',
        components_json: pyJson([{ kind: 'patch_install', name: 'Install Approved Updates', reboot: 'if_required' }]),
        targets_json: pyJson(globexDevices.map(deviceTarget)),
        schedule_type: 'monthly', start_ts: NOW - 9 * DAY + 22 * HOUR, duration_stop_enabled: 1, expiration: '4h', execution_context: 'system',
        credential_id: null, use_service_account: 1, job_kind: 'patch_install', enabled: 1, created_at: NOW - 40 * DAY, updated_at: NOW - 40 * DAY,
      },
      runs: patchRuns,
    },
    {
      row: {
        name: 'Agent Update to 2026.11.14',
        components_json: pyJson([{ kind: 'agent_maintenance', operation: 'update', target_build_id: BUILD_LATEST, target_channel: 'stable' }]),
        targets_json: pyJson(maintenanceDevices.map(deviceTarget)),
        schedule_type: 'immediately', start_ts: NOW - 2 * DAY + 5 * HOUR, duration_stop_enabled: 0, expiration: null, execution_context: 'system',
        credential_id: null, use_service_account: 1, job_kind: 'agent_maintenance', enabled: 0, created_at: NOW - 2 * DAY + 5 * HOUR - 30, updated_at: NOW - 2 * DAY + 6 * HOUR,
      },
      runs: maintenanceRuns,
    },
  ];

  return inTransaction(pool, async (client) => {
    let onboarding: JobRefs['onboarding'] = null;
    let done = 0;
    for (const spec of jobSpecs) {
      const jobId = await w.insertGuarded(client, T.scheduledJobs, spec.row, 'name');
      done += 1;
      if (jobId === null) {
        progress('jobs', done, jobSpecs.length);
        continue;
      }
      for (const run of spec.runs) {
        const terminal = !['Pending', 'Running'].includes(run.status);
        const started = run.status === 'Pending' || run.status === 'Expired' || run.status === 'Skipped' ? null : run.scheduledTs + rng.int(1, 40);
        const finished = terminal && started !== null ? started + rng.int(20, run.componentKind === 'patch_install' ? 3600 : 600) : run.status === 'Expired' || run.status === 'Skipped' ? run.scheduledTs : null;
        const runId = await w.insertOne(client, T.scheduledJobRuns, {
          job_id: jobId,
          scheduled_ts: run.scheduledTs,
          started_ts: started,
          finished_ts: finished,
          status: run.status,
          error: run.error ?? null,
          created_at: run.scheduledTs,
          updated_at: finished ?? started ?? run.scheduledTs,
          target_hostname: run.sharedTargets ? '' : (run.target?.hostname ?? null),
          skip_reason: run.skipReason ?? null,
          shared_execution: run.sharedTargets ? 1 : 0,
          component_index: run.componentIndex ?? 0,
          component_kind: run.componentKind,
          component_name: run.componentName,
          workflow_run_id: null,
        });
        if (runId === null) continue;

        const targets = run.sharedTargets ?? (run.target ? [run.target] : []);
        await w.insert(client, T.scheduledJobRunTargets, targets.map((d, k) => ({
          run_id: runId,
          device_guid: d.guid,
          hostname: d.hostname,
          site_id: siteIdOf(d),
          resolved_from_filter_id: run.resolvedFilterId ?? null,
          inventory_hostname: run.sharedTargets ? d.hostname.toLowerCase().replace(/[^a-z0-9]+/g, '_') : null,
          wireguard_peer_ip: run.sharedTargets ? `100.64.${k}.${10 + k}` : null,
          resolved_connection: run.sharedTargets ? 'ssh' : 'agent',
          resolution_status: run.sharedTargets && k === targets.length - 1 && run.status === 'Failed' ? 'unresolved' : 'eligible',
          resolution_reason: run.sharedTargets && k === targets.length - 1 && run.status === 'Failed' ? 'wireguard_tunnel_unavailable' : null,
          resolved_from_filter_ids_json: run.resolvedFilterId ? pyJson([run.resolvedFilterId]) : null,
          created_at: run.scheduledTs,
        })));

        if (spec.onboarding) {
          onboarding = { jobId, runId, scheduledTs: run.scheduledTs };
          await seedOnboardingTargets(client, w, rng, jobId, runId, run.scheduledTs, site(4).id, onboardingApprovalRef);
          continue;
        }

        const activityStatus = activityStatusFor(run.status);
        const activityHosts = run.sharedTargets ? [] : targets;
        for (const d of activityHosts) {
          if (activityStatus === null) continue;
          const activityId = await w.insertOne(client, T.activityHistory, {
            hostname: d.hostname,
            script_path: run.componentPath,
            script_name: run.componentName,
            script_type: run.scriptType,
            ran_at: started ?? run.scheduledTs,
            status: activityStatus,
            stdout: activityStatus === 'Success' ? (run.status === 'Warning' ? 'Completed with warnings: 3 files were in use and skipped.\r\n' : `${run.componentName} completed.\r\n`) : '',
            stderr: activityStatus === 'Failed' || activityStatus === 'Timed Out' ? (run.error ?? 'Script exceeded timeout.') : '',
            queue_lane: 'scheduled_job',
            activity_kind: run.componentKind === 'patch_install' ? 'patch_install' : run.componentKind === 'agent_maintenance' ? 'agent_maintenance' : 'scheduled_job',
            metadata_json: pyJson({
              scheduled_job_id: jobId,
              scheduled_job_run_id: runId,
              scheduled_ts: run.scheduledTs,
              ...(run.componentKind === 'patch_install'
                ? { patch_progress: { percent: run.status === 'Running' ? 45 : 100, phase: run.status === 'Running' ? 'installing' : 'complete' } }
                : {}),
            }),
            started_at: started,
            updated_at: finished ?? started ?? run.scheduledTs,
            finished_at: finished,
          });
          if (activityId === null) continue;
          await w.insert(client, T.scheduledJobRunActivity, [
            { run_id: runId, activity_id: activityId, component_kind: run.componentKind, script_type: run.scriptType, component_path: run.componentPath, component_name: run.componentName, created_at: started ?? run.scheduledTs },
          ]);
        }

        if (spec.ansible && run.sharedTargets) {
          await w.insert(client, T.ansiblePlayRecaps, run.sharedTargets.map((d, k) => {
            const failed = run.status === 'Failed' && k === 0 ? 1 : 0;
            const unreachable = run.status === 'Failed' && k === run.sharedTargets!.length - 1 ? 1 : 0;
            const ok = unreachable ? 0 : 14 + k;
            const changed = unreachable ? 0 : rng.int(0, 5);
            const recap = { changed, failed, ignored: 0, ok, rescued: 0, skipped: unreachable ? 0 : 3, unreachable };
            const begin = (started ?? run.scheduledTs) + k;
            return {
              run_id: rngFor('ansible-recap', run.scheduledTs, d.hostname).uuid(),
              hostname: d.hostname,
              agent_id: d.agentId,
              playbook_path: run.componentPath,
              playbook_name: 'Baseline_Hardening.yml',
              scheduled_job_id: jobId,
              scheduled_run_id: runId,
              activity_job_id: null,
              status: unreachable ? 'Unreachable' : failed ? 'Failed' : 'Success',
              recap_text: `${d.hostname.toLowerCase()} : ok=${ok}   changed=${changed}    unreachable=${unreachable}    failed=${failed}    skipped=${recap.skipped}    rescued=0    ignored=0`,
              recap_json: pyJson(recap),
              started_ts: begin,
              finished_ts: begin + rng.int(30, 200),
              created_at: begin,
              updated_at: begin + rng.int(200, 260),
            };
          }));
        }
      }
      progress('jobs', done, jobSpecs.length);
    }
    if (!onboarding) {
      const { rows } = await client.query<{ job_id: string; run_id: string; scheduled_ts: number }>(
        `SELECT j.id::text AS job_id, r.id::text AS run_id, r.scheduled_ts
           FROM engine.scheduled_jobs j JOIN engine.scheduled_job_runs r ON r.job_id = j.id
          WHERE j.name = $1 ORDER BY r.id LIMIT 1`,
        ['Automatic Device Onboarding - Umbrella Lab'],
      );
      const row = rows[0];
      if (row) onboarding = { jobId: Number(row.job_id), runId: Number(row.run_id), scheduledTs: row.scheduled_ts };
    }
    const ids = await idsByName(client, 'engine.scheduled_jobs', 'name', jobSpecs.map((j) => String(j.row.name)));
    return { ids, onboarding, onboardingApprovalRef };
  });
}

export async function seedOnboardingTargets(
  client: pg.PoolClient,
  w: Writer,
  rng: Rng,
  jobId: number,
  runId: number,
  scheduledTs: number,
  siteId: number,
  approvalRef: string,
): Promise<void> {
  const targets = [
    { input: '10.66.0.50 # LAB-AIO-01', address: '10.66.0.50', hostname: 'lab-aio-01', status: 'awaiting_approval', detail: 'Agent installed; enrollment request pending operator approval', approval: approvalRef, err: '' },
    { input: '10.66.0.51', address: '10.66.0.51', hostname: null, status: 'failed', detail: 'SSH authentication failed for root@10.66.0.51:22', approval: null, err: 'Permission denied (publickey,password).' },
    { input: 'lab-build-02.umbrella.lab', address: '10.66.0.62', hostname: 'lab-build-02', status: 'skipped', detail: 'Host already enrolled as an active Borealis device', approval: null, err: '' },
  ];
  for (const [k, t] of targets.entries()) {
    const created = scheduledTs + 5 + k;
    const finished = created + rng.int(30, 240);
    const targetId = await w.insertOne(client, T.onboardingTargets, {
      run_id: runId, job_id: jobId, scheduled_ts: scheduledTs, site_id: siteId, target_input: t.input,
      target_address: t.address, target_hostname: t.hostname, ssh_port: 22, status: t.status, detail: t.detail,
      stdout_snippet: t.status === 'awaiting_approval' ? 'Borealis agent service started (borealis-agent.service)\n' : '',
      stderr_snippet: t.err, approval_reference: t.approval, created_at: created, updated_at: finished,
      finished_at: t.status === 'awaiting_approval' ? null : finished,
    });
    if (targetId === null) continue;
    const tasks =
      t.status === 'failed'
        ? [['connect', 'failed', 'SSH authentication failed', t.err]]
        : t.status === 'skipped'
          ? [['connect', 'completed', 'Connected over SSH', ''], ['check_existing_agent', 'skipped', 'Existing enrollment found', '']]
          : [['connect', 'completed', 'Connected over SSH', ''], ['detect_platform', 'completed', 'Ubuntu 24.04.1 LTS x86_64', ''], ['install_agent', 'completed', 'Installed agent from branch main', ''], ['submit_enrollment', 'running', 'Waiting for approval', '']];
    let at = created;
    await w.insert(client, T.onboardingTargetEvents, tasks.map(([task, status, detail, err]) => {
      const start = at;
      const end = status === 'running' ? null : start + rng.int(2, 60);
      at = (end ?? start) + 1;
      return {
        target_row_id: targetId, run_id: runId, job_id: jobId, status, task, detail,
        stdout_snippet: '', stderr_snippet: err, started_at: start, finished_at: end, created_at: start, updated_at: end ?? start,
      };
    }));
  }
}
