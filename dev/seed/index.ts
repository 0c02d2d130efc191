/**
 * Deterministic, idempotent demo + test data for a Borealis database (`npm run db:seed`).
 *
 * The rows imitate what the Borealis Engine (Python api-backend + Go api-backend + agents) writes:
 * epoch-second int4 timestamps where Borealis uses integers, ISO-8601 TEXT (mixed Python `+00:00` /
 * Go `Z` / Go RFC3339Nano spellings) where it uses text, 0/1 integer flags, JSON stored as TEXT
 * (Python-normalised documents with sorted keys and `", "` separators next to Go compact JSON),
 * base64 metadata values, `aegis:v1:` envelopes for secrets, and soft (FK-less) relations by
 * hostname / GUID / text user id.
 *
 * Determinism: every value comes from a mulberry32 PRNG seeded from a fixed seed plus a label (e.g. the
 * device index), and every timestamp is relative to SEED_REFERENCE_TIME, never the wall clock. Device
 * N is the same whatever `devices` is, so growing the seed (200 -> 10,000) only adds devices.
 *
 * Idempotency: rows are keyed by the unique keys of the DDL and inserted with ON CONFLICT DO NOTHING.
 * Tables whose only key is a BIGSERIAL id are written only in the transaction that newly inserted
 * their parent (device batch, scheduled job, watchdog, directory provider, patch policy, workflow
 * run); top-level tables without a unique key (scheduled_jobs, patch_policies, workflow_runs,
 * github_token) are guarded with WHERE NOT EXISTS on their natural name. A second run inserts 0 rows.
 *
 * Speed: rows are generated before each transaction opens, then written with
 * INSERT ... SELECT * FROM unnest($1::text[], $2::int4[], ...) in batches.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface SeedOptions {
  devices: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SeedSummary {
  seeded: boolean;
  /** Rows inserted per table (schema-qualified name), 0 for tables that got nothing. */
  counts: Record<string, number>;
}

/** Fixed "now" of the demo data: 2026-11-20T12:00:00Z (epoch seconds). */
export const SEED_REFERENCE_TIME = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;

/**
 * Demo operators. Passwords of local users whose password_sha512 is plain SHA-512 hex can be used to
 * log in; `erin` is stored as an Aegis envelope and `dave` is a (disabled) directory user.
 */
export const DEMO_USERS = [
  { username: 'admin', role: 'Admin', password: 'Admin#Demo2026', sites: [] as string[], note: 'plain sha512, mfa_disabled=1, has a passkey' },
  { username: 'alice', role: 'User', password: 'Alice#Demo2026', sites: ['Acme HQ'], note: 'plain sha512, mfa_disabled=1' },
  { username: 'bob', role: 'User', password: 'Bob#Demo2026', sites: ['Acme Branch Office', 'Globex Plant'], note: 'plain sha512, MFA enabled (mfa_secret set)' },
  { username: 'carol', role: 'User', password: 'Carol#Demo2026', sites: [], note: 'plain sha512, no site assignment, MFA required but not set up' },
  { username: 'dave', role: 'User', password: null, sites: ['Initech Remote'], note: "auth_source='directory', directory_disabled=1" },
  { username: 'erin', role: 'User', password: 'Erin#Demo2026', sites: ['Umbrella Lab'], note: 'aegis:v1 envelope password, auth_reset_required=1' },
] as const;

const NOW = SEED_REFERENCE_TIME;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const SEED = 0x5eed2026;
const SEED_LOCK_KEY = 0x73656564; // "seed"
const DEVICE_BATCH = 500;
const INSERT_BATCH = 1000;
const MAX_DEVICES = 10000;

// ---------------------------------------------------------------------------------------------
// PRNG (mulberry32) and small value helpers
// ---------------------------------------------------------------------------------------------

class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number, decimals = 1): number {
    const f = 10 ** decimals;
    return Math.round((min + this.next() * (max - min)) * f) / f;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of items) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted() from an empty list');
    return last[0];
  }

  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const a = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = a;
    }
    return copy.slice(0, n);
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  hex(chars: number): string {
    return this.bytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
  }

  /** Random (v4-shaped) UUID, lowercase. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  chars(n: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An independent, reproducible stream per label, so one entity's values never shift another's. */
function rngFor(...parts: (string | number)[]): Rng {
  return new Rng(fnv1a(parts.join('|')) ^ SEED);
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const sha512 = (data: string): string => createHash('sha512').update(data, 'utf8').digest('hex');
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** An Aegis Cipher envelope as Borealis stores it (ASCII `aegis:v1:` + base64 nonce/ciphertext/tag). */
function aegisEnvelope(rng: Rng, plaintextLength: number): string {
  return `aegis:v1:${rng.bytes(12 + plaintextLength + 16).toString('base64')}`;
}

/** Ed25519 SubjectPublicKeyInfo DER (the 12-byte prefix + 32 key bytes), as enrollment stores it. */
function ed25519Spki(rng: Rng): Buffer {
  return Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), rng.bytes(32)]);
}

// ---------------------------------------------------------------------------------------------
// Timestamps: int4 epoch seconds and ISO-8601 text in the three spellings Borealis writes
// ---------------------------------------------------------------------------------------------

function isoBase(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19);
}

/** Python datetime.isoformat() of an aware UTC datetime. */
function isoPython(epoch: number, micros: number): string {
  return `${isoBase(epoch)}${micros ? `.${String(micros).padStart(6, '0')}` : ''}+00:00`;
}

/** Go time.RFC3339 in UTC. */
function isoGo(epoch: number): string {
  return `${isoBase(epoch)}Z`;
}

/** Go time.RFC3339Nano in UTC (trailing zeros of the fraction trimmed). */
function isoGoNano(epoch: number, nanos: number): string {
  const frac = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${isoBase(epoch)}${frac ? `.${frac}` : ''}Z`;
}

function isoMixed(rng: Rng, epoch: number): string {
  const roll = rng.next();
  if (roll < 0.45) return isoPython(epoch, rng.int(1, 999999));
  if (roll < 0.7) return isoGo(epoch);
  return isoGoNano(epoch, rng.int(1, 999999999));
}

/** Naive UTC, second precision (assemblies.official_catalog_state.updated_at). */
function isoNaive(epoch: number): string {
  return isoBase(epoch);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function dateOnly(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM:SS` as the agent reports last_reboot. */
function rebootText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------
// JSON spellings: Python json.dumps(sort_keys=True, ensure_ascii=True) vs Go encoding/json
// ---------------------------------------------------------------------------------------------

function pyString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${pyString(k)}: ${pyJson(obj[k])}`)
    .join(', ')}}`;
}

const goJson = (value: unknown): string => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Table specs and the batched unnest() writer
// ---------------------------------------------------------------------------------------------

type ColType = 'text' | 'int4' | 'int8' | 'float4' | 'bytea';
type Row = Record<string, unknown>;

interface TableSpec {
  name: string;
  columns: readonly (readonly [string, ColType])[];
  columnSet: ReadonlySet<string>;
}

function table(name: string, columns: Record<string, ColType>): TableSpec {
  const list = Object.entries(columns) as [string, ColType][];
  return { name, columns: list, columnSet: new Set(list.map(([c]) => c)) };
}

const ts = 'int4' as const;
const tx = 'text' as const;
const i4 = 'int4' as const;

const T = {
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

function assemblyTable(name: string): TableSpec {
  return table(name, {
    assembly_guid: tx, display_name: tx, summary: tx, assembly_type: tx, assembly_subtype: tx, payload_json: tx,
    source_repo: tx, source_path: tx, source_version: tx, content_hash: tx, payload_size_bytes: 'int8',
    created_at: tx, updated_at: tx,
  });
}

interface InsertOptions {
  returning?: string;
  batchSize?: number;
}

class Writer {
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

async function inTransaction<X>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<X>): Promise<X> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Serialises concurrent seeders so the NOT EXISTS guards cannot race.
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function idsByName(client: pg.PoolClient, tableName: string, column: string, names: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ id: string; key: string }>(
    `SELECT id::text AS id, "${column}" AS key FROM ${tableName} WHERE "${column}" = ANY($1::text[])`,
    [names],
  );
  return new Map(rows.map((r) => [r.key, Number(r.id)]));
}

// ---------------------------------------------------------------------------------------------
// Static demo catalogue
// ---------------------------------------------------------------------------------------------

interface SiteDef {
  name: string;
  tag: string;
  description: string;
  domain: string;
  netbios: string;
  net: string;
  publicIps: readonly string[];
  weight: number;
  createdDaysAgo: number;
  autoApprove: boolean;
}

const SITES: readonly SiteDef[] = [
  { name: 'Acme HQ', tag: 'ACME', description: 'Acme Corporation headquarters, Springfield', domain: 'ACME.LOCAL', netbios: 'ACME', net: '10.10', publicIps: ['203.0.113.10', '203.0.113.11'], weight: 35, createdDaysAgo: 712, autoApprove: false },
  { name: 'Acme Branch Office', tag: 'ACMEBR', description: 'Acme sales branch, Shelbyville', domain: 'ACME.LOCAL', netbios: 'ACME', net: '10.20', publicIps: ['203.0.113.77'], weight: 15, createdDaysAgo: 530, autoApprove: false },
  { name: 'Globex Plant', tag: 'GLOBEX', description: 'Globex manufacturing plant - shop floor and office', domain: 'GLOBEX.CORP', netbios: 'GLOBEX', net: '172.16', publicIps: ['198.51.100.24', '198.51.100.25'], weight: 25, createdDaysAgo: 401, autoApprove: true },
  { name: 'Initech Remote', tag: 'INITECH', description: 'Initech remote workers (home offices)', domain: 'WORKGROUP', netbios: 'INITECH', net: '192.168', publicIps: [], weight: 15, createdDaysAgo: 288, autoApprove: false },
  { name: 'Umbrella Lab', tag: 'UMBRELLA', description: 'Umbrella research lab (isolated VLAN)', domain: 'UMBRELLA.LAB', netbios: 'UMBRELLA', net: '10.66', publicIps: ['192.0.2.45'], weight: 10, createdDaysAgo: 97, autoApprove: false },
];

/** Globex Plant's temporary auto-approval window ends a year after the reference time. */
const AUTO_APPROVE_UNTIL = NOW + 365 * DAY;

interface KindDef {
  prefix: string;
  deviceType: 'Workstation' | 'Server' | 'Virtual Machine';
  laptop: boolean;
  linuxShare: number;
  weight: number;
}

const KINDS: readonly KindDef[] = [
  { prefix: 'WS', deviceType: 'Workstation', laptop: false, linuxShare: 0, weight: 55 },
  { prefix: 'LT', deviceType: 'Workstation', laptop: true, linuxShare: 0, weight: 15 },
  { prefix: 'SRV', deviceType: 'Server', laptop: false, linuxShare: 0.4, weight: 18 },
  { prefix: 'VM', deviceType: 'Virtual Machine', laptop: false, linuxShare: 0.5, weight: 12 },
];

const WINDOWS_DESKTOP_OS: readonly (readonly [string, number])[] = [
  ['Windows 11 Pro 24H2 Build 26100.2314', 40],
  ['Windows 11 Enterprise 23H2 Build 22631.4460', 20],
  ['Windows 10 Pro 22H2 Build 19045.5131', 30],
  ['Windows 10 Enterprise LTSC 2021 Build 19044.5131', 10],
];
const WINDOWS_SERVER_OS: readonly (readonly [string, number])[] = [
  ['Windows Server 2022 Standard 21H2 Build 20348.2849', 50],
  ['Windows Server 2019 Standard 1809 Build 17763.6532', 30],
  ['Windows Server 2025 Datacenter 24H2 Build 26100.2314', 20],
];
const LINUX_OS: readonly (readonly [string, number])[] = [
  ['Ubuntu 24.04.1 LTS', 45],
  ['Ubuntu 22.04.5 LTS', 25],
  ['Debian GNU/Linux 12 (bookworm)', 20],
  ['Rocky Linux 9.4 (Blue Onyx)', 10],
];

const DESKTOP_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['12th Gen Intel(R) Core(TM) i5-12500', 6, 12, 3.0],
  ['12th Gen Intel(R) Core(TM) i7-12700', 12, 20, 2.1],
  ['Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz', 6, 6, 3.0],
  ['AMD Ryzen 7 PRO 5750G with Radeon Graphics', 8, 16, 3.8],
];
const LAPTOP_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['12th Gen Intel(R) Core(TM) i7-1265U', 10, 12, 1.8],
  ['13th Gen Intel(R) Core(TM) i5-1345U', 10, 12, 1.6],
  ['AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics', 8, 16, 3.3],
];
const SERVER_CPUS: readonly (readonly [string, number, number, number])[] = [
  ['Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz', 16, 32, 2.4],
  ['AMD EPYC 7313P 16-Core Processor', 16, 32, 3.0],
  ['Intel(R) Xeon(R) E-2336 CPU @ 2.90GHz', 6, 12, 2.9],
];
const VM_CPUS: readonly string[] = ['Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'AMD EPYC 7543 32-Core Processor', 'QEMU Virtual CPU version 2.5+'];

interface SoftwareDef {
  name: string;
  version: string;
  publisher: string;
  source: 'local_installed' | 'windows_store';
}

const WINDOWS_SOFTWARE: readonly SoftwareDef[] = [
  { name: '7-Zip 24.08 (x64)', version: '24.08', publisher: 'Igor Pavlov', source: 'local_installed' },
  { name: 'Google Chrome', version: '131.0.6778.86', publisher: 'Google LLC', source: 'local_installed' },
  { name: 'Microsoft Edge', version: '131.0.2903.70', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Mozilla Firefox (x64 en-US)', version: '133.0', publisher: 'Mozilla', source: 'local_installed' },
  { name: 'Microsoft 365 Apps for enterprise - en-us', version: '16.0.18129.20116', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Adobe Acrobat (64-bit)', version: '24.005.20320', publisher: 'Adobe', source: 'local_installed' },
  { name: 'Notepad++ (64-bit x64)', version: '8.7.1', publisher: 'Notepad++ Team', source: 'local_installed' },
  { name: 'VLC media player', version: '3.0.21', publisher: 'VideoLAN', source: 'local_installed' },
  { name: 'Zoom Workplace (64-bit)', version: '6.2.11 (53000)', publisher: 'Zoom Video Communications, Inc.', source: 'local_installed' },
  { name: 'Microsoft Teams', version: '24295.605.3225.8804', publisher: 'Microsoft Corporation', source: 'windows_store' },
  { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.42.34433', version: '14.42.34433.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Git', version: '2.47.1', publisher: 'The Git Development Community', source: 'local_installed' },
  { name: 'PuTTY release 0.82 (64-bit)', version: '0.82.0.0', publisher: 'Simon Tatham', source: 'local_installed' },
  { name: 'WinSCP 6.3.5', version: '6.3.5', publisher: 'Martin Prikryl', source: 'local_installed' },
];
const WINDOWS_SERVER_SOFTWARE: readonly SoftwareDef[] = [
  { name: 'Microsoft SQL Server 2022 (64-bit)', version: '16.0.1000.6', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Veeam Agent for Microsoft Windows', version: '6.2.0.121', publisher: 'Veeam Software Group GmbH', source: 'local_installed' },
  { name: 'PowerShell 7-x64', version: '7.4.6.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: '7-Zip 24.08 (x64)', version: '24.08', publisher: 'Igor Pavlov', source: 'local_installed' },
  { name: 'Microsoft Edge', version: '131.0.2903.70', publisher: 'Microsoft Corporation', source: 'local_installed' },
  { name: 'Notepad++ (64-bit x64)', version: '8.7.1', publisher: 'Notepad++ Team', source: 'local_installed' },
  { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.42.34433', version: '14.42.34433.0', publisher: 'Microsoft Corporation', source: 'local_installed' },
];
const LINUX_SOFTWARE: readonly SoftwareDef[] = [
  { name: 'openssh-server', version: '1:9.6p1-3ubuntu13.5', publisher: '', source: 'local_installed' },
  { name: 'nginx', version: '1.24.0-2ubuntu7.1', publisher: '', source: 'local_installed' },
  { name: 'docker-ce', version: '5:27.3.1-1~ubuntu.24.04~noble', publisher: '', source: 'local_installed' },
  { name: 'curl', version: '8.5.0-2ubuntu10.5', publisher: '', source: 'local_installed' },
  { name: 'python3', version: '3.12.3-0ubuntu2', publisher: '', source: 'local_installed' },
  { name: 'htop', version: '3.3.0-4build1', publisher: '', source: 'local_installed' },
  { name: 'postgresql-16', version: '16.6-0ubuntu0.24.04.1', publisher: '', source: 'local_installed' },
  { name: 'rsync', version: '3.2.7-1ubuntu1', publisher: '', source: 'local_installed' },
];

const PEOPLE: readonly (readonly [string, string])[] = [
  ['jsmith', 'John Smith'], ['mgarcia', 'Maria Garcia'], ['akhan', 'Aisha Khan'], ['lchen', 'Li Chen'],
  ['rpatel', 'Raj Patel'], ['sjohnson', 'Sarah Johnson'], ['dnguyen', 'Duc Nguyen'], ['ewilson', 'Emma Wilson'],
  ['tbrown', 'Tom Brown'], ['kmiller', 'Kate Miller'], ['omartin', 'Olivier Martin'], ['plee', 'Paul Lee'],
  ['hwhite', 'Hannah White'], ['bthomas', 'Ben Thomas'], ['cjackson', 'Chloe Jackson'], ['fmueller', 'Felix Müller'],
];

const DESCRIPTIONS: readonly string[] = [
  'Front desk', 'Conference Room B', 'Finance - AP clerk', 'Shop floor HMI', 'Domain controller', 'File server',
  'Build agent', 'Spare - do not assign', 'CEO laptop', 'Label printer host',
];

/** Agent build ids (devices.agent_hash). */
const BUILD_LATEST = sha256('borealis-agent 2026.11.14 windows-amd64');
const BUILD_PREVIOUS = sha256('borealis-agent 2026.10.28 windows-amd64');
const BUILD_OLD = sha256('borealis-agent 2026.09.30 windows-amd64');

// ---------------------------------------------------------------------------------------------
// Device generation
// ---------------------------------------------------------------------------------------------

interface DeviceInfo {
  index: number;
  guid: string;
  hostname: string;
  /** Index into SITES of the device_sites mapping, or null for an unassigned device. */
  site: number | null;
  /** Where the device physically is (network, domain), even when unassigned. */
  home: number;
  kind: KindDef;
  linux: boolean;
  status: string;
  fingerprint: string;
  pubkey: Buffer;
  createdAt: number;
  lastSeen: number;
  agentId: string;
  operatingSystem: string;
  lastUser: string;
  freeDiskPercent: number;
  spoolerStopped: boolean;
}

interface DeviceBundle {
  info: DeviceInfo;
  device: Row;
  deviceSite: Row | null;
  keys: Row[];
  tokens: Row[];
  software: Row[];
  metadata: Row[];
  activity: Row[];
}

interface DeviceContext {
  counters: Map<string, number>;
  hostnames: Set<string>;
  total: number;
  malformedIndex: number;
  uninventoriedIndex: number;
}

function nextHostname(ctx: DeviceContext, rng: Rng, site: SiteDef, kind: KindDef, linux: boolean, unassigned: boolean): string {
  for (;;) {
    let name: string;
    if (unassigned) {
      // Devices enrolled outside a site workflow keep their factory names.
      if (linux) name = `${rng.pick(['ubuntu', 'debian', 'rocky'])}-${rng.hex(6)}`;
      else if (kind.deviceType === 'Workstation') name = `${kind.laptop ? 'LAPTOP' : 'DESKTOP'}-${rng.chars(7, UPPER_ALNUM)}`;
      else name = `WIN-${rng.chars(11, UPPER_ALNUM)}`;
    } else {
      const key = `${kind.prefix}-${site.tag}`;
      const n = (ctx.counters.get(key) ?? 0) + 1;
      ctx.counters.set(key, n);
      name = `${key}-${pad(n, 4)}`;
      if (linux) name = name.toLowerCase();
    }
    if (!ctx.hostnames.has(name.toLowerCase())) {
      ctx.hostnames.add(name.toLowerCase());
      return name;
    }
  }
}

function statusFor(index: number): string {
  if (index % 47 === 13) return 'revoked';
  if (index % 53 === 29) return 'decommissioned';
  return 'active';
}

function buildDevice(index: number, ctx: DeviceContext): DeviceBundle {
  const rng = rngFor('device', index);
  const guid = rng.uuid().toUpperCase();
  const home = SITES.indexOf(rng.weighted(SITES.map((s) => [s, s.weight] as const)));
  const site = SITES[home] as SiteDef;
  const unassigned = rng.chance(0.05);
  const kind = rng.weighted(KINDS.map((k) => [k, k.weight] as const));
  const linux = rng.chance(kind.linuxShare);
  const hostname = nextHostname(ctx, rng, site, kind, linux, unassigned);
  const status = statusFor(index);
  const isServer = kind.deviceType !== 'Workstation';
  const operatingSystem = linux
    ? rng.weighted(LINUX_OS)
    : isServer
      ? rng.weighted(WINDOWS_SERVER_OS)
      : rng.weighted(WINDOWS_DESKTOP_OS);

  const pubkey = ed25519Spki(rng);
  const fingerprint = sha256(pubkey);
  const createdAt = NOW - rng.int(20 * DAY, Math.min(site.createdDaysAgo, 700) * DAY);
  const rekeyed = index % 11 === 5;
  const lastEnrollmentAt = rekeyed || rng.chance(0.15) ? createdAt + rng.int(DAY, Math.max(DAY + 1, NOW - createdAt - DAY)) : createdAt;
  const seenRoll = rng.next();
  const lastSeen =
    status !== 'active'
      ? NOW - rng.int(18 * HOUR, 23 * HOUR)
      : seenRoll < 0.72
        ? NOW - rng.int(5, 280)
        : seenRoll < 0.9
          ? NOW - rng.int(5 * MINUTE, 6 * HOUR)
          : NOW - rng.int(6 * HOUR, 23 * HOUR + 50 * MINUTE);
  const lastReboot = lastSeen - rng.int(2 * HOUR, (isServer ? 45 : 12) * DAY);
  const person = rng.pick(PEOPLE);
  const lastUser = linux
    ? rng.pick(['root', 'ubuntu', 'svc-deploy', ''])
    : isServer
      ? rng.pick([`${site.netbios}\\administrator`, `${site.netbios}\\svc-backup`, 'No Users Logged In'])
      : rng.chance(0.12)
        ? 'No Users Logged In'
        : site.domain === 'WORKGROUP'
          ? `${hostname}\\${person[0]}`
          : `${site.netbios}\\${person[0]}`;
  const internalIp = `${site.net}.${rng.int(site.net === '192.168' ? 0 : 1, site.net === '192.168' ? 1 : 40)}.${rng.int(10, 250)}`;
  const externalIp = site.publicIps.length ? rng.pick(site.publicIps) : `${rng.pick(['198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
  const domain = linux ? (site.domain === 'WORKGROUP' ? '' : site.domain.toLowerCase()) : site.domain;
  const agentId = `${hostname}_${guid}_SYSTEM`;
  const keyAddedAt = lastEnrollmentAt + rng.int(1, 3);
  const malformed = index === ctx.malformedIndex;
  const uninventoried = index === ctx.uninventoriedIndex;

  // ----- inventory documents -----
  const cpuPercent = Math.round(Math.pow(rng.next(), 2.2) * 970) / 10 + 0.3;
  const memoryPercent = rng.float(24, 93, 1);

  let cpuDoc: Record<string, unknown>;
  let memoryDoc: Record<string, unknown>[];
  if (kind.deviceType === 'Virtual Machine') {
    const vcpu = rng.pick([2, 4, 8]);
    cpuDoc = { name: rng.pick(VM_CPUS), physical_cores: vcpu, logical_cores: vcpu, base_clock_ghz: rng.pick([2.0, 2.8]) };
    memoryDoc = [{ slot: linux ? 'physical' : 'RAM slot #0', speed: 'unknown', serial: 'unknown', capacity: rng.pick([4, 8, 16]) * 1073741824 }];
  } else {
    const [cpuName, cores, threads, ghz] = rng.pick(kind.deviceType === 'Server' ? SERVER_CPUS : kind.laptop ? LAPTOP_CPUS : DESKTOP_CPUS);
    cpuDoc = { name: cpuName, physical_cores: cores, logical_cores: threads, base_clock_ghz: ghz };
    const sticks = kind.deviceType === 'Server' ? 4 : kind.laptop ? 1 : 2;
    const stickGb = kind.deviceType === 'Server' ? rng.pick([16, 32]) : rng.pick([8, 16]);
    memoryDoc = Array.from({ length: sticks }, (_, s) => ({
      slot: linux ? `DIMM ${s}` : kind.laptop ? 'Controller0-ChannelA' : `BANK ${s}`,
      speed: String(rng.pick(kind.deviceType === 'Server' ? [2933, 3200] : [2666, 3200, 4800])),
      serial: rng.hex(8).toUpperCase(),
      capacity: stickGb * 1073741824,
    }));
  }

  const disks: [string, number][] = linux
    ? [['/dev/sda2', rng.pick([64, 128, 256]) * 1073741824]]
    : [['C:\\', rng.pick([256, 512, 1024]) * 1000000000 - rng.int(0, 999) * 1048576]];
  if (kind.deviceType === 'Server') disks.push([linux ? '/dev/sdb1' : 'D:\\', rng.pick([2, 4, 8]) * 1000000000000]);
  let freeDiskPercent = 100;
  const storageDoc = disks.map(([drive, total], d) => {
    const usage = d === 0 && rng.chance(0.08) ? rng.float(90.5, 98.9, 1) : rng.float(18, 86, 1);
    if (d === 0) freeDiskPercent = Math.round((100 - usage) * 10) / 10;
    const used = Math.round((total * usage) / 100);
    return { drive, disk_type: 'Fixed Disk', usage, total, free: total - used, used };
  });

  const macBytes = rng.bytes(3).toString('hex').toUpperCase().match(/../g) ?? [];
  const networkDoc = linux
    ? [{ adapter: rng.pick(['eth0', 'ens18', 'enp1s0']), ips: [internalIp], mac: `bc:24:11:${macBytes.join(':').toLowerCase()}`, link_speed: '1000 Mb/s' }]
    : [
        {
          adapter: kind.laptop ? 'Wi-Fi' : 'Ethernet',
          ips: [internalIp],
          mac: `${kind.deviceType === 'Virtual Machine' ? '00-15-5D' : '3C-52-82'}-${macBytes.join('-')}`,
          link_speed: kind.laptop ? '866.7 Mbps' : '1 Gbps',
        },
      ];

  const catalogue = linux ? LINUX_SOFTWARE : isServer ? WINDOWS_SERVER_SOFTWARE : WINDOWS_SOFTWARE;
  let installed = rng.sample(catalogue, rng.int(3, 8));
  if (malformed && !installed.some((s) => s.name.startsWith('7-Zip'))) {
    installed = [WINDOWS_SOFTWARE[0] as SoftwareDef, ...installed.slice(0, 7)];
  }
  const installDates = installed.map(() => dateOnly(createdAt + rng.int(0, Math.max(1, NOW - createdAt - DAY))).replace(/-/g, ''));
  const softwareEntries = installed.map((s, k) => ({
    name: s.name,
    version: s.version,
    source: s.source,
    metadata: linux ? { architecture: 'amd64' } : { install_date: installDates[k], publisher: s.publisher },
  }));
  const softwareText = malformed
    ? '[{"name": "7-Zip 24.08 (x64)", "version": "24.08", "source": "local_instal'
    : goJson(softwareEntries);

  const reportedAt = lastSeen - rng.int(0, 120);
  const serviceDefs: [string, string][] = linux
    ? [
        ['ssh', 'OpenBSD Secure Shell server'],
        ['cron', 'Regular background program processing daemon'],
        ['borealis-agent', 'Borealis Agent'],
        ['systemd-journald', 'Journal Service'],
        ...(rng.chance(0.5) ? ([['docker', 'Docker Application Container Engine']] as [string, string][]) : []),
        ...(rng.chance(0.4) ? ([['nginx', 'A high performance web server and a reverse proxy server']] as [string, string][]) : []),
      ]
    : [
        ['BorealisAgent', 'Borealis Agent'],
        ['BITS', 'Background Intelligent Transfer Service'],
        ['Dnscache', 'DNS Client'],
        ['WinDefend', 'Microsoft Defender Antivirus Service'],
        ['Spooler', 'Print Spooler'],
        ['W32Time', 'Windows Time'],
        ['wuauserv', 'Windows Update'],
        ...(isServer
          ? ([['LanmanServer', 'Server'], ['MSSQLSERVER', 'SQL Server (MSSQLSERVER)']] as [string, string][])
          : ([['WSearch', 'Windows Search']] as [string, string][])),
      ];
  const spoolerStopped = !linux && rng.chance(0.1);
  const servicesDoc = {
    reported_at: reportedAt,
    services: serviceDefs
      .map(([name, display]) => {
        const stopped = (name === 'Spooler' && spoolerStopped) || (name === 'wuauserv' && rng.chance(0.3)) || (name === 'BITS' && rng.chance(0.5));
        return {
          captured_at: reportedAt,
          description: '',
          desired_status: '',
          display_name: display,
          name,
          pending_action: '',
          pending_requested_at: 0,
          pending_requested_by: '',
          service_id: name.toLowerCase(),
          status: stopped ? 'Stopped' : 'Running',
          status_code: stopped ? 'stopped' : 'running',
        };
      })
      .sort((a, b) => a.display_name.toLowerCase().localeCompare(b.display_name.toLowerCase())),
  };

  const sessions: Record<string, unknown>[] = [];
  if (!linux && lastUser && lastUser !== 'No Users Logged In') {
    const rdp = isServer;
    const locked = !rdp && rng.chance(0.2);
    sessions.push({
      eligible_for_interactive: !rdp || rng.chance(0.5),
      helper_last_seen_at: reportedAt,
      helper_pid: rng.int(2000, 14000),
      helper_ready: !rdp,
      is_rdp: rdp,
      protocol: rdp ? 'rdp' : 'console',
      session_id: rdp ? rng.int(2, 5) : 1,
      session_name: rdp ? `RDP-Tcp#${rng.int(0, 40)}` : 'Console',
      state: rdp ? 'Disconnected' : locked ? 'Locked' : 'Active',
      state_code: rdp ? 'disconnected' : locked ? 'locked' : 'active',
      username: lastUser,
    });
  }
  const sessionsDoc = { reported_at: reportedAt, sessions };

  const processDefs: [string, string][] = linux
    ? [['systemd', 'root'], ['sshd', 'root'], ['cron', 'root'], ['borealis-agent', 'root'], ['rsyslogd', 'syslog'], ['nginx', 'www-data'], ['dockerd', 'root']]
    : [
        ['System', 'SYSTEM'], ['lsass.exe', 'SYSTEM'], ['services.exe', 'SYSTEM'], ['svchost.exe', 'SYSTEM'],
        ['svchost.exe', 'NETWORK SERVICE'], ['MsMpEng.exe', 'SYSTEM'], ['borealis-agent.exe', 'SYSTEM'],
        ...(isServer ? ([['sqlservr.exe', 'NT Service\\MSSQLSERVER']] as [string, string][]) : ([['explorer.exe', lastUser], ['chrome.exe', lastUser], ['Teams.exe', lastUser]] as [string, string][])),
      ];
  const processesDoc = {
    processes: processDefs.map(([name, user], p) => ({
      cpu_percent: rng.float(0, p === 0 ? 2 : 12, 1),
      memory_bytes: rng.int(4, 900) * 1048576,
      name,
      pid: p === 0 ? (linux ? 1 : 4) : rng.int(300, 30000),
      username: user,
    })),
    reported_at: reportedAt,
  };

  const roleDefs: [string, string, string][] = [
    ['system', 'device_auditor', 'Device Auditor'],
    ['system', 'service_management', 'Service Management'],
    ['system', 'system_heartbeat', 'System Heartbeat'],
    ['system', 'wireguard', 'Wireguard'],
    ...(!linux && !isServer ? ([['currentuser', 'context_currentuser', 'Context Currentuser']] as [string, string, string][]) : []),
  ];
  const roleHealthDoc = {
    reported_at: reportedAt,
    roles: roleDefs
      .map(([context, roleName, label]) => {
        const roll = rng.next();
        const code = roll < 0.9 ? 'healthy' : roll < 0.96 ? 'recovering' : 'unhealthy';
        const role: Record<string, unknown> = {
          context,
          detail: code === 'healthy' ? '' : code === 'recovering' ? 'Restarting role after watchdog timeout' : 'Role failed to start',
          details: {},
          last_checked_at: reportedAt - rng.int(0, 60),
          role_id: `${context}:${roleName}`,
          role_label: label,
          role_name: roleName,
          status: code === 'healthy' ? 'Healthy' : code === 'recovering' ? 'Recovering' : 'Unhealthy',
          status_code: code,
        };
        if (code === 'unhealthy') role.last_error = roleName === 'wireguard' ? 'wireguard-go exited with status 1' : 'timed out waiting for role heartbeat';
        if (code !== 'healthy') role.recovery_attempts = rng.int(1, 4);
        return role;
      })
      .sort((a, b) => String(a.role_label).toLowerCase().localeCompare(String(b.role_label).toLowerCase())),
    supervisor_revision: rng.int(3, 40),
  };

  const buildRoll = rng.next();
  const agentHash = buildRoll < 0.75 ? BUILD_LATEST : buildRoll < 0.93 ? BUILD_PREVIOUS : BUILD_OLD;
  const channelOverride = rng.chance(0.04) ? 'beta' : null;
  const updateFailed = agentHash !== BUILD_LATEST && rng.chance(0.3);

  const device: Row = {
    guid,
    hostname,
    description: rng.chance(0.15) ? rng.pick(DESCRIPTIONS) : null,
    created_at: createdAt,
    last_enrollment_at: lastEnrollmentAt,
    agent_hash: agentHash,
    agent_role_health: uninventoried ? null : pyJson(roleHealthDoc),
    memory: uninventoried ? null : goJson(memoryDoc),
    network: uninventoried ? null : goJson(networkDoc),
    software: uninventoried ? null : softwareText,
    services: uninventoried ? null : pyJson(servicesDoc),
    storage: uninventoried ? null : goJson(storageDoc),
    cpu: uninventoried ? null : goJson(cpuDoc),
    sessions: uninventoried ? null : pyJson(sessionsDoc),
    processes: uninventoried ? null : pyJson(processesDoc),
    device_type: uninventoried ? null : kind.deviceType,
    domain: uninventoried ? null : domain,
    external_ip: externalIp,
    internal_ip: uninventoried ? null : internalIp,
    last_reboot: uninventoried ? null : rebootText(lastReboot),
    last_seen: lastSeen,
    cpu_percent: uninventoried ? null : cpuPercent,
    memory_percent: uninventoried ? null : memoryPercent,
    last_user: uninventoried ? null : lastUser,
    operating_system: uninventoried ? null : operatingSystem,
    uptime: uninventoried ? null : lastSeen - lastReboot,
    agent_id: agentId,
    connection_type: null,
    connection_endpoint: null,
    agent_release_channel_override: channelOverride,
    agent_release_channel: channelOverride ?? 'stable',
    agent_branch: 'main',
    agent_update_channel: channelOverride ?? 'stable',
    agent_update_target_build_id: agentHash === BUILD_LATEST ? null : BUILD_LATEST,
    agent_update_state: agentHash === BUILD_LATEST ? 'up_to_date' : updateFailed ? 'failed' : 'pending',
    agent_update_error: updateFailed ? 'artifact hash mismatch after download (expected ' + BUILD_LATEST.slice(0, 12) + ')' : null,
    agent_update_source: agentHash === BUILD_LATEST ? null : 'engine',
    agent_vnc_password: linux ? null : rng.chars(16, ALNUM),
    ssl_key_fingerprint: fingerprint,
    token_version: 1,
    status,
    key_added_at: isoMixed(rng, keyAddedAt),
  };

  // ----- device_keys (current key, sometimes a retired older one) -----
  const keyId = (): string => {
    const roll = rng.next();
    return roll < 0.5 ? rng.uuid() : roll < 0.8 ? rng.uuid().toUpperCase() : rng.hex(32);
  };
  const keys: Row[] = [];
  const tokens: Row[] = [];
  if (rekeyed) {
    // Re-enrolled with a new key: the old key is retired and its refresh token revoked.
    const oldFp = sha256(ed25519Spki(rng));
    keys.push({ id: keyId(), guid, ssl_key_fingerprint: oldFp, added_at: isoMixed(rng, createdAt + 2), retired_at: isoMixed(rng, lastEnrollmentAt) });
    const oldCreated = createdAt + rng.int(3, 8);
    const oldLastUsed = lastEnrollmentAt - rng.int(HOUR, 5 * DAY);
    tokens.push({
      id: rng.uuid(),
      guid,
      token_hash: sha256(`demo-refresh-token|${guid}|retired`),
      dpop_jkt: null,
      created_at: isoMixed(rng, oldCreated),
      expires_at: isoMixed(rng, oldLastUsed + 90 * DAY),
      revoked_at: isoMixed(rng, lastEnrollmentAt),
      last_used_at: isoMixed(rng, oldLastUsed),
    });
  }
  keys.push({ id: keyId(), guid, ssl_key_fingerprint: fingerprint, added_at: device.key_added_at, retired_at: null });

  // ----- refresh token: sliding 90 days from the last refresh -----
  const lastRefresh = lastSeen - rng.int(0, 14 * MINUTE);
  tokens.push({
    id: rng.uuid(),
    guid,
    token_hash: sha256(`demo-refresh-token|${guid}|current`),
    dpop_jkt: rng.chance(0.6) ? rng.bytes(32).toString('base64url') : null,
    created_at: isoMixed(rng, keyAddedAt + rng.int(1, 5)),
    expires_at: isoMixed(rng, lastRefresh + 90 * DAY),
    revoked_at: status === 'active' ? null : isoMixed(rng, lastSeen + rng.int(10 * MINUTE, 50 * MINUTE)),
    last_used_at: isoMixed(rng, lastRefresh),
  });

  // ----- normalized software inventory (what Go writes from agent details) -----
  const software: Row[] = uninventoried
    ? []
    : softwareEntries.map((s) => ({
        device_guid: guid,
        name: s.name,
        name_normalized: s.name.toLowerCase(),
        version: s.version,
        source: s.source,
        captured_at: reportedAt,
        metadata_json: goJson(s.metadata),
      }));

  // ----- agent metadata fields (values base64 at rest) -----
  const metadata: Row[] = [];
  const metaValues: [number, string | null][] = [
    [1, rng.chance(0.9) ? `${site.tag}-A${pad(rng.int(100, 99999), 5)}` : null],
    [2, rng.chance(0.6) ? (isServer ? rng.pick(['IT Operations', 'Infrastructure Team', 'Facilities']) : person[1]) : null],
    [3, rng.chance(0.4) ? dateOnly(createdAt + rng.int(365, 1460) * DAY) : null],
  ];
  for (const [fieldNumber, value] of metaValues) {
    if (value === null) continue;
    const modified = createdAt + rng.int(HOUR, Math.max(HOUR + 1, NOW - createdAt - HOUR));
    const fromAgent = fieldNumber === 1 && rng.chance(0.3);
    metadata.push({
      device_guid: guid,
      field_number: fieldNumber,
      field_key: `field_${pad(fieldNumber, 3)}`,
      value: b64(value),
      modified_at: modified,
      source: fromAgent ? 'agent' : 'engine',
      actor: fromAgent ? hostname : rng.pick(['admin', 'alice', 'bob']),
      created_at: modified - rng.int(0, 30 * DAY),
      updated_at: modified,
    });
  }

  // ----- a few quick-job activity rows -----
  const activity: Row[] = [];
  if (index % 10 === 3) {
    const jobs = linux
      ? [['Scripts/Linux/Check_Disk_Usage.sh', 'Check Disk Usage', 'bash']]
      : [
          ['Scripts/Troubleshooting/Flush_DNS_Cache.ps1', 'Flush DNS Cache', 'powershell'],
          ['Scripts/Maintenance/Clear_Temp_Files.ps1', 'Clear Temp Files', 'powershell'],
          ['Scripts/Inventory/Get_BitLocker_Status.ps1', 'Get BitLocker Status', 'powershell'],
        ];
    const count = rng.int(1, 2);
    for (let a = 0; a < count; a++) {
      const [path, name, type] = rng.pick(jobs) as [string, string, string];
      const status = rng.weighted([['Success', 60], ['Failed', 12], ['Running', 8], ['Queued', 6], ['Timed Out', 8], ['Skipped', 6]] as const);
      const ran = NOW - rng.int(10 * MINUTE, 20 * DAY);
      const finished = ['Success', 'Failed', 'Timed Out', 'Skipped'].includes(status) ? ran + rng.int(2, 240) : null;
      activity.push({
        hostname,
        script_path: path,
        script_name: name,
        script_type: type,
        ran_at: ran,
        status,
        stdout: status === 'Success' ? quickJobStdout(name, rng) : status === 'Running' ? 'Starting...\n' : '',
        stderr: status === 'Failed' ? 'Access is denied.\r\n    + CategoryInfo          : PermissionDenied\r\n' : status === 'Timed Out' ? 'Script exceeded timeout of 300 seconds.' : '',
        queue_lane: 'quick_job',
        activity_kind: 'quick_job',
        metadata_json: status === 'Skipped' ? pyJson({ skip_reason: 'device_offline' }) : pyJson({ requested_by: rng.pick(['admin', 'alice', 'bob']), run_mode: 'system' }),
        started_at: status === 'Queued' ? null : ran,
        updated_at: finished ?? ran + rng.int(1, 30),
        finished_at: finished,
      });
    }
  }

  const info: DeviceInfo = {
    index,
    guid,
    hostname,
    site: unassigned ? null : home,
    home,
    kind,
    linux,
    status,
    fingerprint,
    pubkey,
    createdAt,
    lastSeen,
    agentId,
    operatingSystem,
    lastUser,
    freeDiskPercent,
    spoolerStopped,
  };
  return {
    info,
    device,
    deviceSite: unassigned ? null : { device_hostname: hostname, site_id: home, assigned_at: createdAt },
    keys,
    tokens,
    software,
    metadata,
    activity,
  };
}

function quickJobStdout(name: string, rng: Rng): string {
  switch (name) {
    case 'Flush DNS Cache':
      return '\r\nWindows IP Configuration\r\n\r\nSuccessfully flushed the DNS Resolver Cache.\r\n';
    case 'Clear Temp Files':
      return `Removed ${rng.int(40, 2400)} files (${rng.float(0.1, 6.5, 2)} GB) from C:\\Windows\\Temp and user temp folders.\r\n`;
    case 'Get BitLocker Status':
      return 'MountPoint VolumeStatus    ProtectionStatus EncryptionPercentage\r\n---------- ------------    ---------------- --------------------\r\nC:         FullyEncrypted  On               100\r\n';
    default:
      return `Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda2       ${rng.int(60, 250)}G  ${rng.int(10, 59)}G  ${rng.int(5, 190)}G  ${rng.int(10, 90)}% /\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export async function isDatabaseEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM engine.sites)
        AND NOT EXISTS (SELECT 1 FROM engine.devices)
        AND NOT EXISTS (SELECT 1 FROM engine.users) AS empty`,
  );
  return rows[0]?.empty === true;
}

export async function seedDemoData(pool: pg.Pool, options: SeedOptions): Promise<SeedSummary> {
  const deviceCount = options.devices;
  if (!Number.isInteger(deviceCount) || deviceCount < 1 || deviceCount > MAX_DEVICES) {
    throw new RangeError(`devices must be an integer between 1 and ${MAX_DEVICES} (got ${String(deviceCount)})`);
  }
  const progress = options.onProgress ?? (() => {});
  const w = new Writer();

  // Phase 1: sites and engine-wide singletons.
  progress('sites', 0, SITES.length);
  const sites = await seedSites(pool, w);
  progress('sites', SITES.length, SITES.length);

  // Phase 2: operators, directory provider, site assignments, passkey.
  progress('users', 0, DEMO_USERS.length);
  const users = await seedAccess(pool, w, sites);
  progress('users', DEMO_USERS.length, DEMO_USERS.length);

  // Phase 3: devices and their per-device rows, one transaction per batch.
  const devices = await seedDevices(pool, w, sites, deviceCount, progress);

  // Phase 4: credentials, filters, list views.
  progress('filters', 0, 1);
  const refs = await seedCredentialsAndFilters(pool, w, sites);
  progress('filters', 1, 1);

  // Phase 5: scheduled jobs and everything hanging off their runs.
  progress('jobs', 0, 6);
  const jobs = await seedJobs(pool, w, sites, devices, refs, progress);

  // Phase 6: enrollment queue.
  progress('approvals', 0, 1);
  await seedApprovals(pool, w, sites, users, devices, jobs);
  progress('approvals', 1, 1);

  // Phase 7: watchdogs.
  progress('watchdogs', 0, 3);
  await seedWatchdogs(pool, w, sites, devices, refs, progress);

  // Phase 8: job-scheduler queue, workers, snapshots; patch policy; workflow run.
  progress('scheduler', 0, 1);
  await seedSchedulerPatchingWorkflows(pool, w, sites, devices, jobs);
  progress('scheduler', 1, 1);

  // Phase 9: assembly catalog.
  progress('assemblies', 0, 1);
  await seedAssemblies(pool, w);
  progress('assemblies', 1, 1);

  const total = Object.values(w.counts).reduce((a, b) => a + b, 0);
  return { seeded: total > 0, counts: { ...w.counts } };
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

interface SiteRef {
  def: SiteDef;
  id: number;
  code: string;
}

async function seedSites(pool: pg.Pool, w: Writer): Promise<SiteRef[]> {
  const rows = SITES.map((s) => {
    const rng = rngFor('site', s.name);
    const code = Array.from({ length: 8 }, () => rng.hex(4).toUpperCase()).join('-');
    return {
      name: s.name,
      description: s.description,
      created_at: NOW - s.createdDaysAgo * DAY + rng.int(0, 8 * HOUR),
      enrollment_code: code,
      auto_approve_until: s.autoApprove ? AUTO_APPROVE_UNTIL : null,
    };
  });
  const rng = rngFor('singletons');
  return inTransaction(pool, async (client) => {
    await w.insert(client, T.sites, rows);
    await w.insert(client, T.metadataFieldDefinitions, [
      { field_number: 1, description: 'Asset Tag', updated_at: NOW - 300 * DAY, updated_by: 'admin' },
      { field_number: 2, description: 'Owner', updated_at: NOW - 300 * DAY + 42, updated_by: 'admin' },
      { field_number: 3, description: 'Warranty Expiry', updated_at: NOW - 120 * DAY, updated_by: 'alice' },
    ]);
    const salt = rng.bytes(16).toString('base64');
    await w.insert(client, T.aegisCipherState, [
      {
        id: 1,
        kdf_name: 'scrypt',
        kdf_params_json: pyJson({ dklen: 32, n: 32768, p: 1, r: 8, salt }),
        verification_token: aegisEnvelope(rng, 32),
        created_at: NOW - 380 * DAY,
        updated_at: NOW - 30 * DAY,
      },
    ]);
    // github_token has no key at all: only ever one row (Borealis deletes all rows, then inserts one).
    await w.insertGuarded(client, T.githubToken, { token: aegisEnvelope(rng, 40), reset_required: 0, reset_at: null }, null, null);
    const { rows: found } = await client.query<{ id: string; name: string; enrollment_code: string | null }>(
      'SELECT id::text AS id, name, enrollment_code FROM engine.sites WHERE name = ANY($1::text[])',
      [SITES.map((s) => s.name)],
    );
    return SITES.map((def, i) => {
      const row = found.find((r) => r.name === def.name);
      if (!row) throw new Error(`seed: site ${def.name} missing after insert`);
      return { def, id: Number(row.id), code: row.enrollment_code ?? String(rows[i]?.enrollment_code) };
    });
  });
}

interface UserRefs {
  ids: Map<string, number>;
}

async function seedAccess(pool: pg.Pool, w: Writer, sites: SiteRef[]): Promise<UserRefs> {
  const rng = rngFor('access');
  const siteId = (name: string): number => {
    const s = sites.find((x) => x.def.name === name);
    if (!s) throw new Error(`seed: unknown site ${name}`);
    return s.id;
  };
  return inTransaction(pool, async (client) => {
    const providerName = 'ACME Active Directory';
    const newProviderId = await w.insertOne(client, T.directoryProviders, {
      name: providerName,
      provider_type: 'ldap',
      enabled: 1,
      priority: 100,
      domain_suffix: 'acme.local',
      server_urls_json: pyJson(['ldaps://dc01.acme.local:636', 'ldaps://dc02.acme.local:636']),
      host_overrides_json: pyJson({ 'dc01.acme.local': '10.10.0.10', 'dc02.acme.local': '10.10.0.11' }),
      use_ldaps: 1,
      tls_required: 1,
      tls_ca_pem: null,
      base_dn: 'DC=acme,DC=local',
      bind_dn: 'CN=svc-borealis,OU=Service Accounts,DC=acme,DC=local',
      bind_password_encrypted: aegisEnvelope(rng, 24),
      user_search_filter: '(&(objectClass=user)(sAMAccountName={username}))',
      username_attribute: 'sAMAccountName',
      display_name_attribute: 'displayName',
      email_attribute: 'mail',
      member_of_attribute: 'memberOf',
      group_search_base_dn: 'OU=Groups,DC=acme,DC=local',
      nested_groups: 1,
      kerberos_realm: null,
      kerberos_kdc: null,
      kerberos_keytab_encrypted: null,
      sync_interval_seconds: 60,
      last_sync_at: NOW - 47,
      last_sync_status: 'success',
      last_sync_message: 'Synchronised 1 cached directory user',
      last_test_at: NOW - 41 * DAY,
      last_test_status: 'success',
      last_test_message: 'Bind succeeded against ldaps://dc01.acme.local:636',
      created_at: NOW - 41 * DAY - 600,
      updated_at: NOW - 41 * DAY,
    });
    const providerId = newProviderId ?? (await idsByName(client, 'engine.directory_providers', 'name', [providerName])).get(providerName) ?? null;
    const adminsGroup = 'CN=Borealis Admins,OU=Groups,DC=acme,DC=local';
    const usersGroup = 'CN=Borealis Users,OU=Groups,DC=acme,DC=local';
    const remoteGroup = 'CN=Initech Support,OU=Groups,DC=acme,DC=local';
    if (providerId !== null) {
      await w.insert(client, T.directoryGroupMappings, [
        { provider_id: providerId, group_dn: adminsGroup, role: 'Admin', created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: providerId, group_dn: usersGroup, role: 'User', created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: providerId, group_dn: remoteGroup, role: 'User', created_at: NOW - 20 * DAY, updated_at: NOW - 20 * DAY },
      ]);
    }
    if (newProviderId !== null) {
      // BIGSERIAL-only children: only with a newly inserted provider.
      await w.insert(client, T.directorySiteMappings, [
        { provider_id: newProviderId, label: 'Acme staff', group_dns_json: pyJson([usersGroup]), site_ids_json: pyJson([siteId('Acme HQ'), siteId('Acme Branch Office')]), position: 0, created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: newProviderId, label: 'Initech support desk', group_dns_json: pyJson([remoteGroup]), site_ids_json: pyJson([siteId('Initech Remote')]), position: 1, created_at: NOW - 20 * DAY, updated_at: NOW - 20 * DAY },
      ]);
    }

    const created = (days: number): number => NOW - days * DAY + rng.int(0, 6 * HOUR);
    const base = {
      last_login: null, mfa_enabled: 0, mfa_disabled: 1, mfa_secret: null, auth_reset_required: 0, auth_reset_at: null,
      auth_source: 'local', directory_provider_id: null, directory_subject: null, directory_domain: null,
      directory_dn: null, directory_groups_json: null, directory_last_sync_at: null, directory_disabled: 0,
      directory_disabled_at: null,
    };
    const userRows: Row[] = [
      { ...base, username: 'admin', display_name: 'Borealis Administrator', password_sha512: sha512('Admin#Demo2026'), role: 'Admin', last_login: NOW - 35 * MINUTE, created_at: created(380), updated_at: NOW - 2 * DAY },
      { ...base, username: 'alice', display_name: 'Alice Anders', password_sha512: sha512('Alice#Demo2026'), role: 'User', last_login: NOW - 3 * HOUR, created_at: created(300), updated_at: NOW - 9 * DAY },
      { ...base, username: 'bob', display_name: 'Bob Baker', password_sha512: sha512('Bob#Demo2026'), role: 'User', last_login: NOW - 26 * HOUR, created_at: created(260), updated_at: NOW - 30 * DAY, mfa_enabled: 1, mfa_disabled: 0, mfa_secret: rng.chars(32, BASE32) },
      { ...base, username: 'carol', display_name: 'Carol Chen', password_sha512: sha512('Carol#Demo2026'), role: 'User', created_at: created(12), updated_at: created(12), mfa_disabled: 0 },
      {
        ...base,
        username: 'dave',
        display_name: 'Dave Miller',
        // Directory users never use the local hash; Borealis keeps an unusable envelope.
        password_sha512: aegisEnvelope(rng, 128),
        role: 'User',
        last_login: NOW - 16 * DAY,
        created_at: created(40),
        updated_at: NOW - 2 * DAY,
        auth_source: 'directory',
        directory_provider_id: providerId,
        directory_subject: rng.uuid(),
        directory_domain: 'ACME.LOCAL',
        directory_dn: 'CN=Dave Miller,OU=Staff,DC=acme,DC=local',
        directory_groups_json: pyJson([remoteGroup]),
        directory_last_sync_at: NOW - 47,
        directory_disabled: 1,
        directory_disabled_at: NOW - 2 * DAY,
      },
      { ...base, username: 'erin', display_name: 'Erin Evans', password_sha512: aegisEnvelope(rng, 128), role: 'User', last_login: NOW - 31 * DAY, created_at: created(150), updated_at: NOW - 6 * DAY, auth_reset_required: 1, auth_reset_at: NOW - 6 * DAY },
    ];
    await w.insert(client, T.users, userRows);
    const ids = await idsByName(client, 'engine.users', 'username', DEMO_USERS.map((u) => u.username));
    const uid = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new Error(`seed: user ${name} missing after insert`);
      return id;
    };
    await w.insert(client, T.userSiteAssignments, [
      { user_id: uid('alice'), site_id: siteId('Acme HQ'), assigned_at: NOW - 290 * DAY },
      { user_id: uid('bob'), site_id: siteId('Acme Branch Office'), assigned_at: NOW - 250 * DAY },
      { user_id: uid('bob'), site_id: siteId('Globex Plant'), assigned_at: NOW - 200 * DAY },
      { user_id: uid('dave'), site_id: siteId('Initech Remote'), assigned_at: NOW - 16 * DAY },
      { user_id: uid('erin'), site_id: siteId('Umbrella Lab'), assigned_at: NOW - 90 * DAY },
    ]);
    const credentialId = rng.bytes(32).toString('base64url');
    await w.insert(client, T.userPasskeys, [
      {
        user_id: uid('admin'),
        // Legacy plaintext columns are blanked once migrated into secret_encrypted.
        credential_id: '',
        public_key: '',
        sign_count: 0,
        label: 'YubiKey 5C NFC',
        transports_json: pyJson(['nfc', 'usb']),
        aaguid: null,
        created_at: NOW - 200 * DAY,
        last_used_at: NOW - 35 * MINUTE,
        credential_lookup_hmac: sha256(`demo-app-secret|${credentialId.toLowerCase()}`),
        secret_encrypted: aegisEnvelope(rng, 180),
      },
    ]);
    return { ids };
  });
}

async function seedDevices(
  pool: pg.Pool,
  w: Writer,
  sites: SiteRef[],
  count: number,
  progress: (phase: string, done: number, total: number) => void,
): Promise<DeviceInfo[]> {
  const ctx: DeviceContext = {
    counters: new Map(),
    hostnames: new Set(),
    total: count,
    malformedIndex: Math.min(3, count - 1),
    uninventoriedIndex: count > 41 ? 41 : -1,
  };
  const infos: DeviceInfo[] = [];
  const siteIdOf = (index: number): number => (sites[index] as SiteRef).id;
  progress('devices', 0, count);
  for (let start = 0; start < count; start += DEVICE_BATCH) {
    // CPU work first, outside any transaction.
    const bundles: DeviceBundle[] = [];
    for (let i = start; i < Math.min(count, start + DEVICE_BATCH); i++) bundles.push(buildDevice(i, ctx));
    const deviceSites: Row[] = bundles
      .map((b) => b.deviceSite)
      .filter((r): r is Row => r !== null)
      .map((r) => ({ ...r, site_id: siteIdOf(Number(r.site_id)) }));
    if (start === 0) {
      // A mapping whose device no longer exists (Borealis allows it: no FK on hostname).
      deviceSites.push({ device_hostname: 'WS-ACME-OLD01', site_id: siteIdOf(0), assigned_at: NOW - 500 * DAY });
    }
    await inTransaction(pool, async (client) => {
      const inserted = await w.insert<{ guid: string }>(client, T.devices, bundles.map((b) => b.device), { returning: 'guid', batchSize: DEVICE_BATCH });
      await w.insert(client, T.deviceSites, deviceSites);
      const fresh = new Set(inserted.map((r) => r.guid));
      const mine = bundles.filter((b) => fresh.has(b.info.guid));
      await w.insert(client, T.deviceKeys, mine.flatMap((b) => b.keys));
      await w.insert(client, T.refreshTokens, mine.flatMap((b) => b.tokens));
      await w.insert(client, T.softwareInventory, mine.flatMap((b) => b.software));
      await w.insert(client, T.deviceMetadataFields, mine.flatMap((b) => b.metadata));
      await w.insert(client, T.activityHistory, mine.flatMap((b) => b.activity));
    });
    infos.push(...bundles.map((b) => b.info));
    progress('devices', Math.min(count, start + DEVICE_BATCH), count);
  }
  return infos;
}

interface Refs {
  credentials: Map<string, number>;
  filters: Map<string, number>;
}

async function seedCredentialsAndFilters(pool: pg.Pool, w: Writer, sites: SiteRef[]): Promise<Refs> {
  const rng = rngFor('credentials-filters');
  const env = (len: number): Buffer => Buffer.from(aegisEnvelope(rng, len), 'ascii');
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const credentialRows: Row[] = [
    {
      name: 'ACME Domain Admin (WinRM)', description: 'Tier-1 domain admin used by scheduled Windows jobs', site_id: site(0).id,
      credential_type: 'domain', connection_type: 'winrm', username: 'ACME\\svc-borealis', password_encrypted: env(24),
      private_key_encrypted: null, private_key_passphrase_encrypted: null, become_method: null, become_username: null,
      become_password_encrypted: null, metadata_json: pyJson({ winrm_port: 5986, winrm_transport: 'ntlm' }),
      created_at: NOW - 200 * DAY, updated_at: NOW - 45 * DAY,
    },
    {
      name: 'Globex Linux Deploy (SSH key)', description: 'Ansible deploy key for Globex plant servers', site_id: site(2).id,
      credential_type: 'machine', connection_type: 'ssh', username: 'deploy', password_encrypted: null,
      private_key_encrypted: env(411), private_key_passphrase_encrypted: env(20), become_method: 'sudo',
      become_username: 'root', become_password_encrypted: env(18), metadata_json: pyJson({ ssh_port: 22 }),
      created_at: NOW - 150 * DAY, updated_at: NOW - 150 * DAY,
    },
    {
      name: 'Umbrella Lab root (SSH)', description: 'Onboarding credential for lab hosts', site_id: site(4).id,
      credential_type: 'machine', connection_type: 'ssh', username: 'root', password_encrypted: env(22),
      private_key_encrypted: null, private_key_passphrase_encrypted: null, become_method: null, become_username: null,
      become_password_encrypted: null, metadata_json: pyJson({ aegis_secret_state: 'ok', ssh_port: 22 }),
      created_at: NOW - 60 * DAY, updated_at: NOW - 12 * DAY,
    },
  ];
  const filterRows: Row[] = [
    {
      name: 'All Windows Servers', description: 'Every Windows Server in every site', archived: 0, criteria_mode: 'basic', site_mode: 'global',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Server' }, { field: 'operating_system', operator: 'contains', value: 'Windows Server' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'admin', created_at: NOW - 180 * DAY, updated_at: NOW - 60 * DAY,
    },
    {
      name: 'Acme Workstations', description: 'Desktops and laptops at both Acme sites', archived: 0, criteria_mode: 'basic', site_mode: 'specific_sites',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Workstation' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'alice', created_at: NOW - 120 * DAY, updated_at: NOW - 14 * DAY,
    },
    {
      name: 'Low Disk Space (< 10% free)', description: 'Devices whose system drive is almost full', archived: 0, criteria_mode: 'advanced', site_mode: 'global',
      basic_criteria_json: null,
      advanced_criteria_json: pyJson({ match: 'all', rules: [{ field: 'storage.usage_percent', operator: 'greater_than', value: 90 }, { field: 'status', operator: 'equals', value: 'active' }] }),
      last_edited_by: 'admin', created_at: NOW - 90 * DAY, updated_at: NOW - 90 * DAY,
    },
    {
      name: 'Linux Servers - Globex', description: 'Ansible targets at the plant', archived: 0, criteria_mode: 'basic', site_mode: 'specific_sites',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'operating_system', operator: 'not_contains', value: 'Windows' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'bob', created_at: NOW - 70 * DAY, updated_at: NOW - 70 * DAY,
    },
    {
      name: 'Windows 10 Leftovers (archived)', description: 'Used for the Windows 11 migration project', archived: 1, criteria_mode: 'basic', site_mode: 'global',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'operating_system', operator: 'contains', value: 'Windows 10' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'admin', created_at: NOW - 400 * DAY, updated_at: NOW - 100 * DAY,
    },
  ];
  const viewRows: Row[] = [
    {
      name: 'Default', created_at: NOW - 380 * DAY, updated_at: NOW - 380 * DAY, filters_json: null,
      columns_json: pyJson(['status', 'hostname', 'site', 'device_type', 'operating_system', 'last_user', 'internal_ip', 'last_seen', 'agent_version']),
    },
    {
      name: 'Servers Overview', created_at: NOW - 100 * DAY, updated_at: NOW - 5 * DAY,
      columns_json: pyJson(['hostname', 'site', 'operating_system', 'cpu_percent', 'memory_percent', 'uptime', 'last_reboot', 'external_ip']),
      filters_json: pyJson({ device_type: { filterType: 'text', type: 'equals', filter: 'Server' } }),
    },
    {
      name: 'Offline > 1h', created_at: NOW - 30 * DAY, updated_at: NOW - 30 * DAY,
      columns_json: pyJson(['hostname', 'site', 'last_seen', 'last_user', 'agent_version']),
      filters_json: pyJson({ status: { filterType: 'set', values: ['Offline'] } }),
    },
  ];
  return inTransaction(pool, async (client) => {
    await w.insert(client, T.credentials, credentialRows);
    await w.insert(client, T.deviceFilters, filterRows);
    await w.insert(client, T.deviceListViews, viewRows);
    const filters = await idsByName(client, 'engine.device_filters', 'name', filterRows.map((r) => String(r.name)));
    const credentials = await idsByName(client, 'engine.credentials', 'name', credentialRows.map((r) => String(r.name)));
    const fid = (name: string): number => filters.get(name) ?? 0;
    await w.insert(client, T.deviceFilterSites, [
      { filter_id: fid('Acme Workstations'), site_id: site(0).id },
      { filter_id: fid('Acme Workstations'), site_id: site(1).id },
      { filter_id: fid('Linux Servers - Globex'), site_id: site(2).id },
    ]);
    return { credentials, filters };
  });
}

interface JobRefs {
  ids: Map<string, number>;
  onboarding: { jobId: number; runId: number; scheduledTs: number } | null;
  onboardingApprovalRef: string;
}

/** Run status -> activity_history status as Borealis records it. */
function activityStatusFor(runStatus: string): string | null {
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

function lowerGuid(guid: string): string {
  return guid.toLowerCase();
}

async function seedJobs(
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

async function seedOnboardingTargets(
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

async function seedApprovals(pool: pg.Pool, w: Writer, sites: SiteRef[], users: UserRefs, devices: DeviceInfo[], jobs: JobRefs): Promise<void> {
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const dev = (k: number): DeviceInfo => devices[k % devices.length] as DeviceInfo;
  const adminId = String(users.ids.get('admin') ?? 1);
  const firstAt = (siteIndex: number, fallback: number): DeviceInfo => devices.find((d) => d.site === siteIndex && d.status === 'active') ?? dev(fallback);
  const approvals: Row[] = [];

  const add = (label: string, spec: {
    hostname: string; site: SiteRef | null; status: string; createdAt: number; updatedAt?: number; device?: DeviceInfo;
    approvedBy?: string | null; onboarding?: boolean; reference?: string;
  }): void => {
    const rng = rngFor('approval', label);
    const goWriter = rng.chance(0.6);
    const id = goWriter ? rng.uuid().toUpperCase() : rng.uuid();
    const reference = spec.reference ?? (goWriter ? rng.uuid().toUpperCase() : rng.uuid());
    const pubkey = spec.device ? spec.device.pubkey : ed25519Spki(rng);
    const fp = spec.device ? spec.device.fingerprint : sha256(pubkey);
    const iso = (epoch: number): string => (goWriter ? (rng.chance(0.5) ? isoGoNano(epoch, rng.int(1, 999999999)) : isoGo(epoch)) : isoPython(epoch, rng.int(1, 999999)));
    approvals.push({
      id,
      approval_reference: reference,
      guid: spec.status === 'completed' && spec.device ? spec.device.guid : null,
      hostname_claimed: spec.hostname,
      ssl_key_fingerprint_claimed: fp,
      enrollment_code: spec.site?.code ?? site(0).code,
      site_id: spec.site?.id ?? null,
      status: spec.status,
      client_nonce: rng.bytes(32).toString('base64'),
      server_nonce: rng.bytes(32).toString('base64'),
      agent_pubkey_der: pubkey,
      created_at: iso(spec.createdAt),
      updated_at: iso(spec.updatedAt ?? spec.createdAt),
      approved_by_user_id: spec.approvedBy ?? null,
      onboarding_job_id: spec.onboarding ? (jobs.onboarding?.jobId ?? null) : null,
      onboarding_run_id: spec.onboarding ? (jobs.onboarding?.runId ?? null) : null,
      onboarding_target: spec.onboarding ? '10.66.0.50 # LAB-AIO-01' : null,
    });
  };

  const conflict = firstAt(3, 5);
  const globexDevice = firstAt(2, 1);
  const acmeDevice = firstAt(0, 2);
  const branchDevice = firstAt(1, 3);
  add('pending-new', { hostname: 'DESKTOP-4KQ7M2X', site: site(0), status: 'pending', createdAt: NOW - 25 * MINUTE });
  add('pending-conflict', { hostname: conflict.hostname, site: conflict.site === null ? site(0) : site(conflict.site), status: 'pending', createdAt: NOW - 3 * HOUR, updatedAt: NOW - 3 * HOUR + 6 });
  add('onboarding', { hostname: 'lab-aio-01', site: site(4), status: 'pending', createdAt: (jobs.onboarding?.scheduledTs ?? NOW - 2 * HOUR) + 130, onboarding: true, reference: jobs.onboardingApprovalRef });
  add('pending-initech', { hostname: 'LAPTOP-8HD2KQ1', site: site(3), status: 'pending', createdAt: NOW - 50 * MINUTE });
  add('approved-waiting', { hostname: 'DESKTOP-N3W8R5T', site: site(1), status: 'approved', createdAt: NOW - 7 * HOUR, updatedAt: NOW - 6 * HOUR, approvedBy: adminId });
  add('denied', { hostname: 'KALI-PENTEST', site: site(2), status: 'denied', createdAt: NOW - 4 * DAY, updatedAt: NOW - 4 * DAY + 900, approvedBy: 'bob' });
  add('expired', { hostname: 'DESKTOP-0LD2024', site: site(3), status: 'expired', createdAt: NOW - 16 * DAY, updatedAt: NOW - 9 * DAY });
  add('completed-auto', { hostname: globexDevice.hostname, site: site(2), status: 'completed', createdAt: globexDevice.createdAt - 40, updatedAt: globexDevice.createdAt, device: globexDevice, approvedBy: 'site_auto_approval' });
  add('completed-admin', { hostname: acmeDevice.hostname, site: site(0), status: 'completed', createdAt: acmeDevice.createdAt - 3600, updatedAt: acmeDevice.createdAt, device: acmeDevice, approvedBy: adminId });
  add('completed-username', { hostname: branchDevice.hostname, site: site(1), status: 'completed', createdAt: branchDevice.createdAt - 900, updatedAt: branchDevice.createdAt, device: branchDevice, approvedBy: 'bob' });

  const rng = rngFor('enrollment-failures');
  const failures: Row[] = [
    { hostname: 'UNKNOWN-PC01', mask: '7F3***C1E', addr: '198.51.100.23', first: NOW - 5 * HOUR, last: NOW - 12 * MINUTE, attempts: 17 },
    { hostname: 'WS-GLOBEX-TEMP', mask: '***', addr: '198.51.100.24', first: NOW - 9 * HOUR, last: NOW - 8 * HOUR, attempts: 2 },
    { hostname: 'lab-scratch-07', mask: 'A0B***99F', addr: '192.0.2.45', first: NOW - 20 * HOUR, last: NOW - 19 * HOUR, attempts: 4 },
  ].map((f) => ({
    id: rng.uuid(),
    hostname_claimed: f.hostname,
    ssl_key_fingerprint_claimed: sha256(ed25519Spki(rng)),
    enrollment_code_mask: f.mask,
    remote_addr: f.addr,
    first_seen_at: isoMixed(rng, f.first),
    last_seen_at: isoMixed(rng, f.last),
    attempt_count: f.attempts,
    last_error: 'invalid_enrollment_code',
  }));

  await inTransaction(pool, async (client) => {
    await w.insert(client, T.deviceApprovals, approvals);
    await w.insert(client, T.enrollmentCodeFailures, failures);
  });
}

async function seedWatchdogs(
  pool: pg.Pool,
  w: Writer,
  sites: SiteRef[],
  devices: DeviceInfo[],
  refs: Refs,
  progress: (phase: string, done: number, total: number) => void,
): Promise<void> {
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const siteIdOf = (d: DeviceInfo): number | null => (d.site === null ? null : site(d.site).id);
  const fid = (name: string): number | null => refs.filters.get(name) ?? null;

  interface WatchdogSpec {
    row: Row;
    siteIndexes: number[];
    targets: { kind: string; json: Record<string, unknown> }[];
    members: DeviceInfo[];
    title: (d: DeviceInfo) => string;
    sample: (d: DeviceInfo) => Record<string, unknown>;
    rule: Record<string, unknown>;
  }

  const offlineRule = { id: 'rule-1', offline_seconds: 900, type: 'device_offline' };
  const diskRule = { drive: 'C:', drive_mode: 'specific', duration_seconds: 300, id: 'rule-1', threshold_percent: 90, type: 'storage_usage_percent' };
  const spoolerRule = { expected_status: 'running', id: 'rule-1', service_name: 'Spooler', type: 'service_state' };

  const servers = devices.filter((d) => d.kind.deviceType === 'Server' && !d.linux);
  const acme = devices.filter((d) => (d.site === 0 || d.site === 1) && !d.linux);
  const workstations = devices.filter((d) => d.kind.deviceType === 'Workstation' && d.site !== 4);
  const take = (list: DeviceInfo[], n: number): DeviceInfo[] => (list.length ? list : devices).slice(0, n);

  const specs: WatchdogSpec[] = [
    {
      row: {
        name: 'Server Offline > 15 min', description: 'Raise a warning when a Windows server stops checking in', archived: 0, enabled: 1,
        severity: 'warning', match_mode: 'all', site_mode: 'global',
        criteria_json: pyJson({ match_mode: 'all', rules: [offlineRule] }),
        actions_json: pyJson({ actions: [{ id: 'action-1', type: 'notification', variant: 'warning' }] }),
        evaluation_interval_seconds: 60, cooldown_seconds: 900, auto_resolve_after_seconds: 300, min_consecutive_matches: 2, boot_grace_seconds: 600,
        last_edited_by: 'admin', created_at: NOW - 150 * DAY, updated_at: NOW - 20 * DAY, last_evaluated_at: NOW - 31, target_device_count: 0,
      },
      siteIndexes: [],
      targets: [{ kind: 'filter', json: { filter_id: fid('All Windows Servers'), kind: 'filter', name: 'All Windows Servers' } }],
      members: take(servers, 8),
      title: (d) => `${d.hostname} is offline`,
      sample: (d) => ({ last_seen: d.lastSeen, offline_seconds: NOW - d.lastSeen }),
      rule: offlineRule,
    },
    {
      row: {
        name: 'System Drive Above 90%', description: 'C: drive nearly full at the Acme sites', archived: 0, enabled: 1,
        severity: 'error', match_mode: 'any', site_mode: 'specific_sites',
        criteria_json: pyJson({ match_mode: 'any', rules: [diskRule] }),
        actions_json: pyJson({ actions: [{ id: 'action-1', type: 'notification', variant: 'error' }, { assembly_path: 'Scripts/Maintenance/Clear_Temp_Files.ps1', id: 'action-2', run_mode: 'system', type: 'assembly' }] }),
        evaluation_interval_seconds: 300, cooldown_seconds: 3600, auto_resolve_after_seconds: 900, min_consecutive_matches: 1, boot_grace_seconds: 0,
        last_edited_by: 'alice', created_at: NOW - 110 * DAY, updated_at: NOW - 3 * DAY, last_evaluated_at: NOW - 140, target_device_count: 0,
      },
      siteIndexes: [0, 1],
      targets: take(acme, 3).map((d) => ({ kind: 'device', json: { device_guid: lowerGuid(d.guid), hostname: d.hostname, kind: 'device', site_id: siteIdOf(d) } })),
      members: take(acme, 10),
      title: (d) => `C: drive on ${d.hostname} is above 90%`,
      sample: (d) => ({ drive: 'C:\\', usage_percent: Math.round((100 - d.freeDiskPercent) * 10) / 10 }),
      rule: diskRule,
    },
    {
      row: {
        name: 'Print Spooler Stopped', description: 'Restart the spooler on workstations, except the lab', archived: 0, enabled: 1,
        severity: 'info', match_mode: 'all', site_mode: 'global_exclusions',
        criteria_json: pyJson({ match_mode: 'all', rules: [spoolerRule] }),
        actions_json: pyJson({ actions: [{ action: 'start', id: 'action-1', service_name: 'Spooler', type: 'service_control' }] }),
        evaluation_interval_seconds: 120, cooldown_seconds: 900, auto_resolve_after_seconds: 300, min_consecutive_matches: 1, boot_grace_seconds: 300,
        last_edited_by: 'bob', created_at: NOW - 45 * DAY, updated_at: NOW - 45 * DAY, last_evaluated_at: NOW - 77, target_device_count: 0,
      },
      siteIndexes: [4],
      targets: [{ kind: 'filter', json: { filter_id: fid('Acme Workstations'), kind: 'filter', name: 'Acme Workstations' } }],
      members: take(workstations, 10),
      title: (d) => `Print Spooler stopped on ${d.hostname}`,
      sample: (d) => ({ service_name: 'Spooler', status: d.spoolerStopped ? 'stopped' : 'running' }),
      rule: spoolerRule,
    },
  ];

  const states = ['triggered', 'normal', 'pending', 'suppressed', 'stale_data', 'normal', 'disabled', 'triggered', 'normal', 'normal'];
  await inTransaction(pool, async (client) => {
    let done = 0;
    for (const spec of specs) {
      spec.row.target_device_count = spec.members.length;
      const watchdogId = await w.insertOne(client, T.watchdogs, spec.row);
      done += 1;
      if (watchdogId === null) {
        progress('watchdogs', done, specs.length);
        continue;
      }
      const rng = rngFor('watchdog', String(spec.row.name));
      const severity = String(spec.row.severity);
      await w.insert(client, T.watchdogSites, spec.siteIndexes.map((i) => ({ watchdog_id: watchdogId, site_id: site(i).id })));
      await w.insert(client, T.watchdogTargets, spec.targets.map((t) => ({ watchdog_id: watchdogId, kind: t.kind, target_json: pyJson(t.json), created_at: Number(spec.row.updated_at) })));

      const ruleSummary = pyJson({ match_mode: spec.row.match_mode, rules: [spec.rule] });
      // Resolved history first (older ids), then the current incidents.
      const history = spec.members.slice(0, 2);
      for (const [k, d] of history.entries()) {
        const opened = NOW - rng.int(3 * DAY, 25 * DAY);
        const resolved = opened + rng.int(10 * MINUTE, 8 * HOUR);
        await w.insert(client, T.watchdogIncidents, [{
          watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), severity, state: 'resolved',
          title: spec.title(d), message: `${spec.title(d)} (auto-resolved)`, sample_json: pyJson(spec.sample(d)), rule_summary_json: ruleSummary,
          action_summary_json: pyJson({ actions: [{ id: 'action-1', status: 'sent' }] }), opened_at: opened, updated_at: resolved,
          resolved_at: resolved, resolution_reason: k === 0 ? 'cleared' : 'telemetry_stale', acknowledged_at: k === 0 ? opened + 300 : null,
          acknowledged_by: k === 0 ? 'admin' : null, trigger_count: rng.int(1, 6),
        }]);
      }

      const overrides: Row[] = [];
      const stateRows: Row[] = [];
      for (const [k, d] of spec.members.entries()) {
        const state = states[k % states.length] as string;
        const evaluated = NOW - rng.int(10, 300);
        let incidentId: number | null = null;
        if (state === 'triggered' || state === 'suppressed') {
          const opened = NOW - rng.int(20 * MINUTE, 30 * HOUR);
          incidentId = await w.insertOne(client, T.watchdogIncidents, {
            watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), severity,
            state: state === 'triggered' ? 'open' : 'suppressed', title: spec.title(d), message: spec.title(d),
            sample_json: pyJson(spec.sample(d)), rule_summary_json: ruleSummary,
            action_summary_json: pyJson({ actions: [{ id: 'action-1', last_run_at: opened + 5, status: state === 'triggered' ? 'sent' : 'suppressed' }] }),
            opened_at: opened, updated_at: evaluated, resolved_at: null, resolution_reason: null,
            acknowledged_at: k === 0 ? opened + 600 : null, acknowledged_by: k === 0 ? 'alice' : null, trigger_count: rng.int(1, 40),
          });
        }
        if (state === 'suppressed' || state === 'disabled') {
          const overrideCreated = NOW - rng.int(HOUR, 5 * DAY);
          overrides.push({
            watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), state,
            reason: state === 'suppressed' ? 'Maintenance window - vendor on site' : 'Device excluded: kiosk without a printer',
            created_by: state === 'suppressed' ? 'bob' : 'admin', created_at: overrideCreated,
            expires_at: state === 'suppressed' ? NOW + 2 * DAY : null, updated_at: overrideCreated,
          });
        }
        const matched = state === 'triggered' || state === 'pending' || state === 'suppressed';
        const firstMatched = matched ? evaluated - rng.int(5 * MINUTE, 20 * HOUR) : null;
        stateRows.push({
          watchdog_id: watchdogId, device_guid: d.guid, hostname: d.hostname, site_id: siteIdOf(d), state,
          consecutive_matches: matched ? rng.int(1, 30) : 0, first_matched_at: firstMatched,
          clear_started_at: state === 'normal' && rng.chance(0.3) ? evaluated - rng.int(60, 600) : null,
          last_evaluated_at: state === 'stale_data' ? NOW - rng.int(2 * HOUR, 20 * HOUR) : evaluated,
          last_matched_at: matched ? evaluated : null, last_sample_json: pyJson(spec.sample(d)),
          current_incident_id: incidentId, last_action_at: state === 'triggered' ? (firstMatched ?? evaluated) + 5 : null,
          updated_at: evaluated,
        });
      }
      await w.insert(client, T.watchdogOverrides, overrides);
      await w.insert(client, T.watchdogDeviceState, stateRows);
      progress('watchdogs', done, specs.length);
    }
  });
}

async function seedSchedulerPatchingWorkflows(pool: pg.Pool, w: Writer, sites: SiteRef[], devices: DeviceInfo[], jobs: JobRefs): Promise<void> {
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

async function seedAssemblies(pool: pg.Pool, w: Writer): Promise<void> {
  const rng = rngFor('assemblies');
  interface AssemblyDef { name: string; summary: string; type: string; subtype: string; path: string; days: number; doc: Record<string, unknown> }
  const script = (name: string, body: string): Record<string, unknown> => ({
    category: 'script', description: '', files: [], name, script: b64(body), script_encoding: 'base64', timeout_seconds: 300, type: 'powershell', variables: [], version: 1,
  });
  const make = (table_: TableSpec, defs: AssemblyDef[], repo: string | null): { rows: Row[]; guids: string[] } => {
    const rows: Row[] = [];
    const guids: string[] = [];
    for (const def of defs) {
      const guid = rngFor('assembly', table_.name, def.name).uuid();
      const payload = pyJson(def.doc);
      const created = NOW - def.days * DAY + rng.int(0, DAY);
      guids.push(guid);
      rows.push({
        assembly_guid: guid,
        display_name: def.name,
        summary: def.summary,
        assembly_type: def.type,
        assembly_subtype: def.subtype,
        payload_json: payload,
        source_repo: repo,
        source_path: repo ? def.path : null,
        source_version: repo ? '2026.11.14' : null,
        content_hash: sha256(payload),
        payload_size_bytes: Buffer.byteLength(payload, 'utf8'),
        created_at: isoPython(created, rng.int(1, 999999)),
        updated_at: rng.chance(0.5) ? isoPython(created + rng.int(HOUR, 30 * DAY), rng.int(1, 999999)) : isoGoNano(created + rng.int(HOUR, 30 * DAY), rng.int(1, 999999999)),
      });
    }
    return { rows, guids };
  };
  const official = make(T.officialAssemblies, [
    { name: 'Clear Temp Files', summary: 'Deletes files older than N days from temp folders', type: 'script', subtype: 'powershell', path: 'Scripts/Maintenance/Clear_Temp_Files.json', days: 300, doc: script('Clear Temp Files', 'Get-ChildItem $env:TEMP -Recurse | Where-Object LastWriteTime -lt (Get-Date).AddDays(-$env:MaxAgeDays) | Remove-Item -Force -Recurse') },
    { name: 'Flush DNS Cache', summary: 'Runs ipconfig /flushdns', type: 'script', subtype: 'powershell', path: 'Scripts/Troubleshooting/Flush_DNS_Cache.json', days: 300, doc: script('Flush DNS Cache', 'ipconfig /flushdns') },
    { name: 'Linux Baseline Hardening', summary: 'CIS-style SSH and sysctl baseline', type: 'ansible', subtype: 'ansible', path: 'Ansible_Playbooks/Linux/Baseline_Hardening.json', days: 200, doc: { name: 'Linux Baseline Hardening', playbook: b64('- hosts: all\n  become: true\n  tasks:\n    - name: Disable root SSH login\n      ansible.builtin.lineinfile:\n        path: /etc/ssh/sshd_config\n        regexp: "^PermitRootLogin"\n        line: "PermitRootLogin no"\n'), type: 'ansible', variables: [] } },
  ], 'https://github.com/bunny-lab-io/Aurora');
  const community = make(T.communityAssemblies, [
    { name: 'Get BitLocker Status', summary: 'Reports BitLocker protection per volume', type: 'script', subtype: 'powershell', path: 'Community/Get_BitLocker_Status.json', days: 90, doc: script('Get BitLocker Status', 'Get-BitLockerVolume | Select-Object MountPoint,VolumeStatus,ProtectionStatus,EncryptionPercentage | Format-Table') },
    { name: 'Reset Windows Update Components', summary: 'Stops services, renames SoftwareDistribution, restarts', type: 'script', subtype: 'powershell', path: 'Community/Reset_Windows_Update.json', days: 60, doc: script('Reset Windows Update Components', 'Stop-Service wuauserv,bits -Force; Rename-Item C:\\Windows\\SoftwareDistribution SoftwareDistribution.old; Start-Service wuauserv,bits') },
  ], 'https://github.com/bunny-lab-io/Aurora-Community');
  const user = make(T.userAssemblies, [
    { name: 'Collect Hardware Inventory', summary: 'Exports WMI hardware inventory to the agent log', type: 'script', subtype: 'powershell', path: 'Inventory/Collect_Hardware_Inventory.json', days: 20, doc: script('Collect Hardware Inventory', 'Get-CimInstance Win32_ComputerSystem, Win32_BIOS | ConvertTo-Json') },
    { name: 'New Hire Workstation Setup', summary: 'Creates the local user, installs the standard app set, notifies the helpdesk', type: 'workflow', subtype: 'workflow', path: 'Workflows/New_Hire_Workstation_Setup.json', days: 15, doc: { edges: [], name: 'New Hire Workstation Setup', nodes: [{ id: 'start', type: 'trigger' }], type: 'workflow' } },
  ], null);
  const catalog: Row[] = official.rows.map((r, k) => {
    const hash = String(r.content_hash);
    const synced = NOW - rng.int(HOUR, 3 * DAY);
    return {
      assembly_guid: String(official.guids[k]).toLowerCase(),
      bundled_hash: hash,
      remote_hash: k === 2 ? sha256(`${hash}|remote`) : hash,
      catalog_hash: k === 2 ? sha256(`${hash}|remote`) : hash,
      applied_hash: hash,
      last_applied_source: k === 2 ? 'bundled' : 'remote',
      repo_url: 'https://github.com/bunny-lab-io/Aurora',
      source_url: `https://raw.githubusercontent.com/bunny-lab-io/Aurora/main/${String(r.source_path)}`,
      source_repo: 'bunny-lab-io/Aurora',
      source_path: r.source_path,
      source_version: '2026.11.14',
      last_catalog_sync_at: isoPython(synced, rng.int(1, 999999)),
      updated_at: isoNaive(synced),
    };
  });
  await inTransaction(pool, async (client) => {
    await w.insert(client, T.officialAssemblies, official.rows);
    await w.insert(client, T.communityAssemblies, community.rows);
    await w.insert(client, T.userAssemblies, user.rows);
    await w.insert(client, T.officialCatalogState, catalog);
  });
}
