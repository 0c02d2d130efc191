/** The seeded tables (checked column lists), the batched idempotent Writer and the seed transaction. */
import type pg from 'pg';
import { inTransaction as inDbTransaction } from '../../src/db/transaction.js';

export const INSERT_BATCH = 1000;

export const SEED_LOCK_KEY = 0x73656564; // "seed"

export type ColType = 'text' | 'int4' | 'int8' | 'float4' | 'bytea';
export type Row = Record<string, unknown>;

export interface TableSpec {
  name: string;
  columns: readonly (readonly [string, ColType])[];
  columnSet: ReadonlySet<string>;
}

export function table(name: string, columns: Record<string, ColType>): TableSpec {
  const list = Object.entries(columns) as [string, ColType][];
  return { name, columns: list, columnSet: new Set(list.map(([c]) => c)) };
}

export const ts = 'int4' as const;
export const tx = 'text' as const;
export const i4 = 'int4' as const;

export const T = {
  sites: table('engine.sites', { name: tx, description: tx, created_at: ts, enrollment_code: tx, auto_approve_until: ts }),
  metadataFieldDefinitions: table('engine.metadata_field_definitions', { field_number: i4, description: tx, updated_at: ts, updated_by: tx }),
  aegisCipherState: table('engine.aegis_cipher_state', {
    id: i4, kdf_name: tx, kdf_params_json: tx, verification_token: tx, created_at: ts, updated_at: ts,
  }),
  githubToken: table('engine.github_token', { token: tx, reset_required: i4, reset_at: ts }),
  directoryProviders: table('engine.directory_providers', {
    name: tx, provider_type: tx, enabled: i4, priority: i4, domain_suffix: tx, server_urls_json: tx, host_overrides_json: tx,
    use_ldaps: i4, tls_required: i4, tls_ca_pem: tx, base_dn: tx, bind_dn: tx, bind_password_encrypted: tx,
    user_search_filter: tx, username_attribute: tx, display_name_attribute: tx, email_attribute: tx,
    member_of_attribute: tx, group_search_base_dn: tx, nested_groups: i4, kerberos_realm: tx, kerberos_kdc: tx,
    kerberos_keytab_encrypted: tx, sync_interval_seconds: i4, last_sync_at: ts, last_sync_status: tx,
    last_sync_message: tx, last_test_at: ts, last_test_status: tx, last_test_message: tx, created_at: ts, updated_at: ts,
  }),
  directoryGroupMappings: table('engine.directory_provider_group_mappings', {
    provider_id: i4, group_dn: tx, role: tx, created_at: ts, updated_at: ts,
  }),
  directorySiteMappings: table('engine.directory_provider_site_mappings', {
    provider_id: i4, label: tx, group_dns_json: tx, site_ids_json: tx, position: i4, created_at: ts, updated_at: ts,
  }),
  users: table('engine.users', {
    username: tx, display_name: tx, password_sha512: tx, role: tx, last_login: ts, created_at: ts, updated_at: ts,
    mfa_enabled: i4, mfa_disabled: i4, mfa_secret: tx, auth_reset_required: i4, auth_reset_at: ts, auth_source: tx,
    directory_provider_id: i4, directory_subject: tx, directory_domain: tx, directory_dn: tx,
    directory_groups_json: tx, directory_last_sync_at: ts, directory_disabled: i4, directory_disabled_at: ts,
  }),
  userSiteAssignments: table('engine.user_site_assignments', { user_id: i4, site_id: i4, assigned_at: ts }),
  userPasskeys: table('engine.user_passkeys', {
    user_id: i4, credential_id: tx, public_key: tx, sign_count: i4, label: tx, transports_json: tx, aaguid: tx,
    created_at: ts, last_used_at: ts, credential_lookup_hmac: tx, secret_encrypted: tx,
  }),
  devices: table('engine.devices', {
    guid: tx, hostname: tx, description: tx, created_at: ts, last_enrollment_at: ts, agent_hash: tx,
    agent_role_health: tx, memory: tx, network: tx, software: tx, services: tx, storage: tx, cpu: tx, sessions: tx,
    processes: tx, device_type: tx, domain: tx, external_ip: tx, internal_ip: tx, last_reboot: tx, last_seen: ts,
    cpu_percent: 'float4', memory_percent: 'float4', last_user: tx, operating_system: tx, uptime: i4, agent_id: tx,
    connection_type: tx, connection_endpoint: tx, agent_release_channel_override: tx, agent_release_channel: tx,
    agent_branch: tx, agent_update_channel: tx, agent_update_target_build_id: tx, agent_update_state: tx,
    agent_update_error: tx, agent_update_source: tx, agent_vnc_password: tx, ssl_key_fingerprint: tx,
    token_version: i4, status: tx, key_added_at: tx,
  }),
  deviceSites: table('engine.device_sites', { device_hostname: tx, site_id: i4, assigned_at: ts }),
  deviceKeys: table('engine.device_keys', { id: tx, guid: tx, ssl_key_fingerprint: tx, added_at: tx, retired_at: tx }),
  refreshTokens: table('engine.refresh_tokens', {
    id: tx, guid: tx, token_hash: tx, dpop_jkt: tx, created_at: tx, expires_at: tx, revoked_at: tx, last_used_at: tx,
  }),
  softwareInventory: table('engine.device_software_inventory', {
    device_guid: tx, name: tx, name_normalized: tx, version: tx, source: tx, captured_at: ts, metadata_json: tx,
  }),
  deviceMetadataFields: table('engine.device_metadata_fields', {
    device_guid: tx, field_number: i4, field_key: tx, value: tx, modified_at: ts, source: tx, actor: tx,
    created_at: ts, updated_at: ts,
  }),
  activityHistory: table('engine.activity_history', {
    hostname: tx, script_path: tx, script_name: tx, script_type: tx, ran_at: ts, status: tx, stdout: tx, stderr: tx,
    queue_lane: tx, activity_kind: tx, metadata_json: tx, started_at: ts, updated_at: ts, finished_at: ts,
  }),
  credentials: table('engine.credentials', {
    name: tx, description: tx, site_id: i4, credential_type: tx, connection_type: tx, username: tx,
    password_encrypted: 'bytea', private_key_encrypted: 'bytea', private_key_passphrase_encrypted: 'bytea',
    become_method: tx, become_username: tx, become_password_encrypted: 'bytea', metadata_json: tx,
    created_at: ts, updated_at: ts,
  }),
  deviceFilters: table('engine.device_filters', {
    name: tx, description: tx, archived: i4, criteria_mode: tx, site_mode: tx, basic_criteria_json: tx,
    advanced_criteria_json: tx, last_edited_by: tx, created_at: ts, updated_at: ts,
  }),
  deviceFilterSites: table('engine.device_filter_sites', { filter_id: i4, site_id: i4 }),
  deviceListViews: table('engine.device_list_views', { name: tx, columns_json: tx, filters_json: tx, created_at: ts, updated_at: ts }),
  scheduledJobs: table('engine.scheduled_jobs', {
    name: tx, components_json: tx, targets_json: tx, schedule_type: tx, start_ts: ts, duration_stop_enabled: i4,
    expiration: tx, execution_context: tx, credential_id: i4, use_service_account: i4, job_kind: tx, enabled: i4,
    created_at: ts, updated_at: ts,
  }),
  scheduledJobRuns: table('engine.scheduled_job_runs', {
    job_id: i4, scheduled_ts: ts, started_ts: ts, finished_ts: ts, status: tx, error: tx, created_at: ts, updated_at: ts,
    target_hostname: tx, skip_reason: tx, shared_execution: i4, component_index: i4, component_kind: tx,
    component_name: tx, workflow_run_id: i4,
  }),
  scheduledJobRunActivity: table('engine.scheduled_job_run_activity', {
    run_id: i4, activity_id: i4, component_kind: tx, script_type: tx, component_path: tx, component_name: tx, created_at: ts,
  }),
  scheduledJobRunTargets: table('engine.scheduled_job_run_targets', {
    run_id: i4, device_guid: tx, hostname: tx, site_id: i4, resolved_from_filter_id: i4, inventory_hostname: tx,
    wireguard_peer_ip: tx, resolved_connection: tx, resolution_status: tx, resolution_reason: tx,
    resolved_from_filter_ids_json: tx, created_at: ts,
  }),
  onboardingTargets: table('engine.scheduled_job_onboarding_targets', {
    run_id: i4, job_id: i4, scheduled_ts: ts, site_id: i4, target_input: tx, target_address: tx, target_hostname: tx,
    ssh_port: i4, status: tx, detail: tx, stdout_snippet: tx, stderr_snippet: tx, approval_reference: tx,
    created_at: ts, updated_at: ts, finished_at: ts,
  }),
  onboardingTargetEvents: table('engine.scheduled_job_onboarding_target_events', {
    target_row_id: i4, run_id: i4, job_id: i4, status: tx, task: tx, detail: tx, stdout_snippet: tx,
    stderr_snippet: tx, started_at: ts, finished_at: ts, created_at: ts, updated_at: ts,
  }),
  ansiblePlayRecaps: table('engine.ansible_play_recaps', {
    run_id: tx, hostname: tx, agent_id: tx, playbook_path: tx, playbook_name: tx, scheduled_job_id: i4,
    scheduled_run_id: i4, activity_job_id: i4, status: tx, recap_text: tx, recap_json: tx, started_ts: ts,
    finished_ts: ts, created_at: ts, updated_at: ts,
  }),
  deviceApprovals: table('engine.device_approvals', {
    id: tx, approval_reference: tx, guid: tx, hostname_claimed: tx, ssl_key_fingerprint_claimed: tx,
    enrollment_code: tx, site_id: i4, status: tx, client_nonce: tx, server_nonce: tx, agent_pubkey_der: 'bytea',
    created_at: tx, updated_at: tx, approved_by_user_id: tx, onboarding_job_id: i4, onboarding_run_id: i4,
    onboarding_target: tx,
  }),
  enrollmentCodeFailures: table('engine.enrollment_code_failures', {
    id: tx, hostname_claimed: tx, ssl_key_fingerprint_claimed: tx, enrollment_code_mask: tx, remote_addr: tx,
    first_seen_at: tx, last_seen_at: tx, attempt_count: i4, last_error: tx,
  }),
  watchdogs: table('engine.watchdogs', {
    name: tx, description: tx, archived: i4, enabled: i4, severity: tx, match_mode: tx, site_mode: tx,
    criteria_json: tx, actions_json: tx, evaluation_interval_seconds: i4, cooldown_seconds: i4,
    auto_resolve_after_seconds: i4, min_consecutive_matches: i4, boot_grace_seconds: i4, last_edited_by: tx,
    created_at: ts, updated_at: ts, last_evaluated_at: ts, target_device_count: i4,
  }),
  watchdogSites: table('engine.watchdog_sites', { watchdog_id: i4, site_id: i4 }),
  watchdogTargets: table('engine.watchdog_targets', { watchdog_id: i4, kind: tx, target_json: tx, created_at: ts }),
  watchdogOverrides: table('engine.watchdog_device_overrides', {
    watchdog_id: i4, device_guid: tx, hostname: tx, site_id: i4, state: tx, reason: tx, created_by: tx,
    created_at: ts, expires_at: ts, updated_at: ts,
  }),
  watchdogIncidents: table('engine.watchdog_incidents', {
    watchdog_id: i4, device_guid: tx, hostname: tx, site_id: i4, severity: tx, state: tx, title: tx, message: tx,
    sample_json: tx, rule_summary_json: tx, action_summary_json: tx, opened_at: ts, updated_at: ts,
    resolved_at: ts, resolution_reason: tx, acknowledged_at: ts, acknowledged_by: tx, trigger_count: i4,
  }),
  watchdogDeviceState: table('engine.watchdog_device_state', {
    watchdog_id: i4, device_guid: tx, hostname: tx, site_id: i4, state: tx, consecutive_matches: i4,
    first_matched_at: ts, clear_started_at: ts, last_evaluated_at: ts, last_matched_at: ts, last_sample_json: tx,
    current_incident_id: i4, last_action_at: ts, updated_at: ts,
  }),
  workItems: table('engine.job_scheduler_work_items', {
    dedupe_key: tx, kind: tx, site_id: i4, lane: tx, job_id: i4, run_id: i4, target_id: i4, payload_json: tx,
    status: tx, attempt_count: i4, priority: i4, available_at: ts, lease_owner: tx, lease_expires_at: ts,
    heartbeat_at: ts, worker_guid: tx, container_name: tx, error: tx, created_at: ts, updated_at: ts,
    started_at: ts, finished_at: ts,
  }),
  workers: table('engine.job_scheduler_workers', {
    worker_guid: tx, container_name: tx, site_id: i4, status: tx, started_at: ts, last_seen_at: ts, idle_since: ts,
    stopped_at: ts, current_lanes_json: tx, claimed_count: i4, task_links_json: tx, docker_state: tx,
    exit_code: i4, created_at: ts, updated_at: ts,
  }),
  workerRoutes: table('engine.job_scheduler_worker_routes', {
    worker_guid: tx, site_id: i4, container_name: tx, route_name: tx, route_path_prefix: tx, route_file_path: tx,
    upstream_scheme: tx, upstream_host: tx, upstream_port: i4, status: tx, generation: i4, metadata_json: tx,
    created_at: ts, updated_at: ts, retired_at: ts,
  }),
  serviceSnapshots: table('engine.job_scheduler_service_snapshots', { service_key: tx, payload_json: tx, updated_at: ts }),
  patchPolicies: table('engine.patch_policies', {
    name: tx, description: tx, policy_type: tx, enabled: i4, locked: i4, role_scope: tx, approval_mode: tx,
    deferral_days: i4, managed_update_mode: i4, install_schedule_type: tx, install_start_ts: ts,
    reboot_after_install: i4, reboot_schedule_enabled: i4, reboot_schedule_type: tx, reboot_start_ts: ts,
    force_reboot_logged_in: i4, created_by: tx, updated_by: tx, created_at: ts, updated_at: ts,
    class_toggles_json: tx, reboot_policy_json: tx,
  }),
  patchPolicySites: table('engine.patch_policy_sites', { policy_id: i4, site_id: i4, created_at: ts }),
  patchPolicyRules: table('engine.patch_policy_rules', {
    policy_id: i4, rule_type: tx, match_type: tx, match_value: tx, override_parent_block: i4, notes: tx,
    created_by: tx, created_at: ts,
  }),
  patchPolicyRuns: table('engine.patch_policy_runs', {
    policy_id: i4, scheduled_ts: ts, started_at: ts, finished_at: ts, status: tx, summary_json: tx, created_at: ts,
  }),
  workflowRuns: table('engine.workflow_runs', {
    workflow_guid: tx, workflow_name: tx, source_type: tx, source_metadata_json: tx, graph_snapshot_json: tx,
    status: tx, error: tx, skip_reason: tx, final_payload_json: tx, final_metadata_json: tx,
    parent_workflow_run_id: i4, parent_node_id: tx, scheduled_job_id: i4, scheduled_job_run_id: i4, webhook_id: i4,
    created_by: tx, created_at: ts, started_ts: ts, finished_ts: ts, updated_at: ts,
  }),
  workflowNodeRuns: table('engine.workflow_node_runs', {
    workflow_run_id: i4, node_id: tx, node_type: tx, node_label: tx, node_snapshot_json: tx, status: tx,
    skip_reason: tx, error: tx, timeout_seconds: i4, input_envelope_json: tx, output_envelope_json: tx,
    ignored_inputs_json: tx, linked_child_summary_json: tx, created_at: ts, started_ts: ts, finished_ts: ts,
    updated_at: ts,
  }),
  officialAssemblies: assemblyTable('assemblies.official_assemblies'),
  communityAssemblies: assemblyTable('assemblies.community_assemblies'),
  userAssemblies: assemblyTable('assemblies.user_created_assemblies'),
  officialCatalogState: table('assemblies.official_catalog_state', {
    assembly_guid: tx, bundled_hash: tx, remote_hash: tx, catalog_hash: tx, applied_hash: tx,
    last_applied_source: tx, repo_url: tx, source_url: tx, source_repo: tx, source_path: tx, source_version: tx,
    last_catalog_sync_at: tx, updated_at: tx,
  }),
};

export function assemblyTable(name: string): TableSpec {
  return table(name, {
    assembly_guid: tx, display_name: tx, summary: tx, assembly_type: tx, assembly_subtype: tx, payload_json: tx,
    source_repo: tx, source_path: tx, source_version: tx, content_hash: tx, payload_size_bytes: 'int8',
    created_at: tx, updated_at: tx,
  });
}

export interface InsertOptions {
  returning?: string;
  batchSize?: number;
}

export class Writer {
  readonly counts: Record<string, number> = {};

  constructor() {
    for (const spec of Object.values(T)) this.counts[spec.name] = 0;
  }

  private check(spec: TableSpec, row: Row): void {
    for (const key of Object.keys(row)) {
      if (!spec.columnSet.has(key)) throw new Error(`seed: ${spec.name} has no column ${key}`);
    }
  }

  /** Batched INSERT ... SELECT * FROM unnest(...) ON CONFLICT DO NOTHING [RETURNING ...]. */
  async insert<R extends Row = Row>(client: pg.PoolClient, spec: TableSpec, rows: readonly Row[], options: InsertOptions = {}): Promise<R[]> {
    const returned: R[] = [];
    if (rows.length === 0) return returned;
    const cols = spec.columns;
    const sql =
      `INSERT INTO ${spec.name} (${cols.map(([c]) => `"${c}"`).join(', ')}) ` +
      `SELECT * FROM unnest(${cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) ` +
      `ON CONFLICT DO NOTHING${options.returning ? ` RETURNING ${options.returning}` : ''}`;
    const size = options.batchSize ?? INSERT_BATCH;
    for (let start = 0; start < rows.length; start += size) {
      const batch = rows.slice(start, start + size);
      const params = cols.map(([c]) => batch.map((row) => (row[c] === undefined ? null : row[c])));
      for (const row of batch) this.check(spec, row);
      const result = await client.query<R>(sql, params);
      this.counts[spec.name] = (this.counts[spec.name] ?? 0) + (result.rowCount ?? 0);
      if (options.returning) returned.push(...result.rows);
    }
    return returned;
  }

  /** Single-row insert returning the new id (a number), or null when nothing was inserted. */
  async insertOne(client: pg.PoolClient, spec: TableSpec, row: Row, returning = 'id'): Promise<number | null> {
    const rows = await this.insert<Record<string, unknown>>(client, spec, [row], { returning });
    const first = rows[0];
    return first ? Number(first[returning]) : null;
  }

  /**
   * Single-row insert for tables without a unique key: skipped when a row with the same value in
   * `guardColumn` already exists (guardColumn null: skipped when the table has any row). Returns the
   * new id (0 when `returning` is null), or null when nothing was inserted.
   */
  async insertGuarded(client: pg.PoolClient, spec: TableSpec, row: Row, guardColumn: string | null, returning: string | null = 'id'): Promise<number | null> {
    this.check(spec, row);
    const cols = spec.columns;
    let guard = 'TRUE';
    if (guardColumn !== null) {
      const guardIndex = cols.findIndex(([c]) => c === guardColumn);
      if (guardIndex < 0) throw new Error(`seed: ${spec.name} has no column ${guardColumn}`);
      guard = `"${guardColumn}" = $${guardIndex + 1}::${cols[guardIndex]?.[1] ?? 'text'}`;
    }
    const sql =
      `INSERT INTO ${spec.name} (${cols.map(([c]) => `"${c}"`).join(', ')}) ` +
      `SELECT ${cols.map(([, t], i) => `$${i + 1}::${t}`).join(', ')} ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${spec.name} WHERE ${guard})` +
      (returning ? ` RETURNING ${returning}` : '');
    const result = await client.query<Record<string, unknown>>(
      sql,
      cols.map(([c]) => (row[c] === undefined ? null : row[c])),
    );
    this.counts[spec.name] = (this.counts[spec.name] ?? 0) + (result.rowCount ?? 0);
    if (!result.rowCount) return null;
    return returning ? Number(result.rows[0]?.[returning]) : 0;
  }
}

/** Serialises concurrent seeders so the NOT EXISTS guards cannot race. */
export function inTransaction<X>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<X>): Promise<X> {
  return inDbTransaction(pool, work, { advisoryLock: SEED_LOCK_KEY });
}

export async function idsByName(client: pg.PoolClient, tableName: string, column: string, names: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ id: string; key: string }>(
    `SELECT id::text AS id, "${column}" AS key FROM ${tableName} WHERE "${column}" = ANY($1::text[])`,
    [names],
  );
  return new Map(rows.map((r) => [r.key, Number(r.id)]));
}
