/**
 * What agents report (agent API 4.4-4.6): heartbeat, startup status and full details, written in
 * the representations Borealis uses (epoch seconds for last_seen/captured_at, JSON text for
 * inventory columns, base64 metadata values). A heartbeat without metadata or role health is one
 * UPDATE statement (autocommit); anything with several writes runs in one short transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AgentError } from '../../auth/agent-error.js';
import { deviceBindingSql, GUID_SPELLINGS_SQL, type AuthenticatedDevice } from '../../auth/device-auth.js';
import type { DeviceTokenClaims } from '../../auth/device-token.js';
import { inTransaction } from '../../db/transaction.js';
import { epochNow, isoNow, type AgentServices } from './common.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);
const nonEmpty = (value: unknown): string | undefined => text(value)?.trim() || undefined;
const integer = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : undefined;
};
const real = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const jsonText = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : JSON.stringify(value));

export interface SiteOfDevice {
  site_id: number | null;
  site_name: string | null;
}

/** devices columns a report sets; absent values keep what is stored. */
type DeviceColumns = Record<string, string | number | undefined>;

function buildColumnsOf(body: Json): DeviceColumns {
  return { agent_hash: nonEmpty(body.agent_build_id) ?? nonEmpty(body.installed_build_id) ?? nonEmpty(body.agent_hash) };
}

function updateStatusColumns(status: unknown): DeviceColumns {
  if (!isObject(status)) return {};
  return {
    agent_update_channel: nonEmpty(status.target_channel) ?? nonEmpty(status.effective_channel),
    agent_update_target_build_id: nonEmpty(status.target_build_id),
    agent_update_state: nonEmpty(status.state),
    agent_update_error: text(status.last_error),
    agent_update_source: nonEmpty(status.last_source),
  };
}

/**
 * UPDATE devices for one GUID: always last_seen; the given columns; the hostname only when no
 * other device uses it (silently kept otherwise). Returns the device's site, or null when no row
 * was updated: the device is gone or, with `binding`, the token no longer matches it.
 */
async function updateDevice(db: pg.Pool | pg.PoolClient, guid: string, hostname: string | undefined, columns: DeviceColumns, binding?: DeviceTokenClaims): Promise<SiteOfDevice | null> {
  const values: unknown[] = [guid, epochNow(), hostname ?? null];
  const sets = ['last_seen = $2', `hostname = CASE WHEN $3::text IS NULL OR EXISTS (SELECT 1 FROM engine.devices o WHERE o.hostname = $3 AND o.guid <> d.guid) THEN d.hostname ELSE $3 END`];
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  }
  let condition = `d.guid = ANY(${GUID_SPELLINGS_SQL('$1')})`;
  if (binding) {
    values.push(binding.sslKeyFingerprint, binding.tokenVersion);
    condition += ` AND ${deviceBindingSql('d', '$1', `$${values.length - 1}`, `$${values.length}`)}`;
  }
  const { rows } = await db.query<{ site_id: string | null; site_name: string | null }>(
    `WITH updated AS (UPDATE engine.devices d SET ${sets.join(', ')} WHERE ${condition} RETURNING d.hostname)
     SELECT s.id AS site_id, s.name AS site_name FROM updated
       LEFT JOIN engine.device_sites ds ON ds.device_hostname = updated.hostname
       LEFT JOIN engine.sites s ON s.id = ds.site_id`,
    values,
  );
  const row = rows[0];
  return row ? { site_id: row.site_id === null ? null : Number(row.site_id), site_name: row.site_name } : null;
}

/** A stored JSON object column; a malformed or non-object value counts as empty (the report replaces it). */
function storedObject(stored: string | null): Json {
  try {
    const parsed: unknown = JSON.parse(stored ?? '{}');
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Role health: a map role id -> entry; a report replaces the roles of its own context. */
export function mergeRoleHealth(stored: string | null, reported: unknown, context: string): string | undefined {
  const roles: Json = {};
  if (Array.isArray(reported)) {
    for (const entry of reported) if (isObject(entry) && nonEmpty(entry.role_id ?? entry.role)) roles[nonEmpty(entry.role_id ?? entry.role)!] = entry;
  } else if (isObject(reported)) {
    Object.assign(roles, reported);
  } else {
    return undefined;
  }
  const current = storedObject(stored);
  const merged: Json = {};
  for (const [id, entry] of Object.entries(current)) if (!(isObject(entry) && String(entry.context ?? '').toLowerCase() === context.toLowerCase())) merged[id] = entry;
  for (const [id, entry] of Object.entries(roles)) merged[id] = isObject(entry) ? { ...entry, context: entry.context ?? context } : entry;
  return JSON.stringify(merged);
}

const METADATA_FIELD_MAX = 500;
const METADATA_VALUE_MAX_CHARS = 1024;
const METADATA_FUTURE_TOLERANCE_SECONDS = 300;

/** A metadata key as agents send it: `7`, `007`, `field_007` or `Field 007`. */
export function metadataFieldNumber(key: string): number | null {
  const match = /^(?:field[\s_-]*)?0*(\d{1,3})$/i.exec(key.trim());
  const n = match ? Number(match[1]) : NaN;
  return n >= 1 && n <= METADATA_FIELD_MAX ? n : null;
}

export const metadataFieldKey = (n: number) => `field_${String(n).padStart(3, '0')}`;

interface MetadataReport {
  key: string;
  number: number;
  value: string;
  modifiedAt: number;
  source: string;
  actor: string | null;
}

function metadataReports(fields: unknown, now: number): MetadataReport[] {
  if (!isObject(fields)) return [];
  const reports: MetadataReport[] = [];
  for (const [key, raw] of Object.entries(fields)) {
    const number = metadataFieldNumber(key);
    if (number === null) continue;
    const entry = isObject(raw) ? raw : { value: raw };
    const modified = integer(entry.modified_at) ?? now;
    reports.push({
      key,
      number,
      value: Buffer.from((text(entry.value) ?? '').slice(0, METADATA_VALUE_MAX_CHARS), 'utf8').toString('base64'),
      modifiedAt: modified > now + METADATA_FUTURE_TOLERANCE_SECONDS ? now : modified,
      source: nonEmpty(entry.source) ?? 'agent',
      actor: nonEmpty(entry.actor) ?? null,
    });
  }
  return reports;
}

/** Upserts the newer values; acks the keys whose stored modified_at is >= the reported one. */
async function syncMetadata(client: pg.PoolClient, guid: string, reports: MetadataReport[], now: number): Promise<string[]> {
  for (const report of reports) {
    await client.query(
      `INSERT INTO engine.device_metadata_fields (device_guid, field_number, field_key, value, modified_at, source, actor, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (device_guid, field_number) DO UPDATE SET field_key = EXCLUDED.field_key, value = EXCLUDED.value,
         modified_at = EXCLUDED.modified_at, source = EXCLUDED.source, actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at
       WHERE engine.device_metadata_fields.modified_at < EXCLUDED.modified_at`,
      [guid, report.number, metadataFieldKey(report.number), report.value, report.modifiedAt, report.source, report.actor, now],
    );
  }
  const { rows } = await client.query<{ field_number: number; modified_at: number }>(
    'SELECT field_number, modified_at FROM engine.device_metadata_fields WHERE device_guid = $1 AND field_number = ANY($2)',
    [guid, reports.map((r) => r.number)],
  );
  const stored = new Map(rows.map((r) => [Number(r.field_number), Number(r.modified_at)]));
  return reports.filter((r) => (stored.get(r.number) ?? -1) >= r.modifiedAt).map((r) => r.key).sort();
}

async function storedRoleHealth(client: pg.PoolClient, guid: string): Promise<string | null> {
  const { rows } = await client.query<{ agent_role_health: string | null }>(`SELECT agent_role_health FROM engine.devices WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')}) FOR UPDATE`, [guid]);
  return rows[0]?.agent_role_health ?? null;
}

function heartbeatColumns(body: Json): DeviceColumns {
  const inventory = isObject(body.inventory) ? body.inventory : {};
  const metrics = isObject(body.metrics) ? body.metrics : {};
  return {
    memory: jsonText(inventory.memory),
    network: jsonText(inventory.network),
    software: jsonText(inventory.software),
    storage: jsonText(inventory.storage),
    cpu: jsonText(inventory.cpu),
    last_user: text(metrics.last_user),
    operating_system: text(metrics.operating_system),
    last_reboot: text(metrics.last_reboot),
    uptime: integer(metrics.uptime),
    cpu_percent: real(metrics.cpu_percent),
    memory_percent: real(metrics.memory_percent),
    domain: text(metrics.domain),
    external_ip: text(body.external_ip),
    internal_ip: text(body.internal_ip),
    device_type: text(body.device_type),
    agent_release_channel: nonEmpty(body.agent_release_channel),
    agent_branch: nonEmpty(body.agent_branch),
    ...buildColumnsOf(body),
    ...updateStatusColumns(body.agent_update_status),
  };
}

const heartbeatResponse = (site: SiteOfDevice, acks: string[]) => ({ status: 'ok', poll_after_ms: 15000, site_id: site.site_id, site_name: site.site_name, metadata_fields: {}, metadata_field_acks: acks });

/**
 * The common heartbeat (no metadata, no role health) in ONE statement: the UPDATE carries the
 * database checks of device authentication as its condition. Null when it wrote nothing; the
 * caller then authenticates step by step (which names the exact error) and calls `heartbeat`.
 */
export async function heartbeatIfAuthorized(services: AgentServices, claims: DeviceTokenClaims, body: Json) {
  if (body.metadata_fields !== undefined || body.agent_role_health !== undefined) return null;
  const site = await updateDevice(services.pool, claims.guid, nonEmpty(body.hostname), heartbeatColumns(body), claims);
  return site ? heartbeatResponse(site, []) : null;
}

export async function heartbeat(services: AgentServices, device: AuthenticatedDevice, body: Json) {
  const metrics = isObject(body.metrics) ? body.metrics : {};
  const columns = heartbeatColumns(body);
  const hostname = nonEmpty(body.hostname);
  const now = epochNow();
  const metadata = metadataReports(body.metadata_fields, now);
  const context = nonEmpty(metrics.service_mode) ?? nonEmpty(body.service_mode) ?? 'system';
  let site: SiteOfDevice | null;
  let acks: string[] = [];
  if (metadata.length === 0 && body.agent_role_health === undefined) {
    site = await updateDevice(services.pool, device.guid, hostname, columns);
  } else {
    ({ site, acks } = await inTransaction(services.pool, async (client) => {
      const roleHealth = body.agent_role_health === undefined ? undefined : mergeRoleHealth(await storedRoleHealth(client, device.guid), body.agent_role_health, context);
      const updated = await updateDevice(client, device.guid, hostname, { ...columns, agent_role_health: roleHealth });
      return { site: updated, acks: updated && metadata.length ? await syncMetadata(client, device.guid, metadata, now) : [] };
    }));
  }
  if (!site) throw new AgentError('not_found', 'device_not_registered');
  return heartbeatResponse(site, acks);
}

const STATUS_ALIASES: Record<string, string> = {
  healthy: 'healthy', ok: 'healthy', online: 'healthy', complete: 'healthy', completed: 'healthy', ready: 'healthy',
  recovering: 'recovering', starting: 'recovering', active: 'recovering', pending: 'pending',
  unhealthy: 'unhealthy', failed: 'unhealthy', error: 'unhealthy', unknown: 'unknown',
};

/** healthy | recovering | unhealthy | pending | unknown (agent API 4.5; unknown spellings -> recovering). */
export function normalizeStartupStatus(value: unknown): string {
  return STATUS_ALIASES[(text(value) ?? '').trim().toLowerCase()] ?? 'recovering';
}

const STARTUP_ROLE_ID = 'system:system_heartbeat';
const COALESCE_WINDOW_MS = 30_000;

/** Identical reports within 30 s are answered without database work (per replica, like Borealis). */
class RecentReports {
  private readonly seen = new Map<string, { digest: string; at: number; response: Json }>();
  recall(key: string, digest: string): Json | null {
    const entry = this.seen.get(key);
    return entry && entry.digest === digest && Date.now() - entry.at < COALESCE_WINDOW_MS ? entry.response : null;
  }
  remember(key: string, digest: string, response: Json): void {
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.set(key, { digest, at: Date.now(), response });
  }
}

export class AgentIngest {
  private readonly statusReports = new RecentReports();
  private readonly detailReports = new RecentReports();

  constructor(private readonly services: AgentServices) {}

  async status(device: AuthenticatedDevice, body: Json) {
    const mode = (nonEmpty(body.service_mode) ?? 'system').toLowerCase();
    const status = normalizeStartupStatus(body.status);
    const key = `${device.guid}:${mode}`;
    const digest = createHash('sha256').update(JSON.stringify([body.boot_id, body.phase, body.message, status, body.milestones, body.last_error])).digest('hex');
    const recalled = this.statusReports.recall(key, digest);
    if (recalled) return { status: 'ok', poll_after_ms: 30000, site_id: recalled.site_id, site_name: recalled.site_name, coalesced: true };
    const role = {
      role_id: STARTUP_ROLE_ID, context: 'system', status, phase: text(body.phase) ?? null, message: text(body.message) ?? null,
      milestones: Array.isArray(body.milestones) ? body.milestones : [], last_error: body.last_error ?? null, boot_id: text(body.boot_id) ?? null,
      service_mode: mode, updated_at: isoNow(),
    };
    const site = await inTransaction(this.services.pool, async (client) => {
      const current = storedObject(await storedRoleHealth(client, device.guid));
      return updateDevice(client, device.guid, nonEmpty(body.hostname), { agent_role_health: JSON.stringify({ ...current, [STARTUP_ROLE_ID]: role }) });
    });
    if (!site) throw new AgentError('not_found', 'device_not_registered');
    this.statusReports.remember(key, digest, { ...site });
    return { status: 'ok', poll_after_ms: 15000, site_id: site.site_id, site_name: site.site_name };
  }

  async details(device: AuthenticatedDevice, body: Json, rawBody: string) {
    const details = body.details;
    if (!isObject(details)) throw new AgentError('invalid', 'invalid payload');
    const summary = isObject(details.summary) ? details.summary : {};
    const hostname = nonEmpty(body.hostname) ?? nonEmpty(summary.hostname);
    if (!hostname) throw new AgentError('invalid', 'invalid payload');
    const mode = (nonEmpty(body.service_mode) ?? 'system').toLowerCase();
    const key = `${device.guid}:${hostname}:${mode}`;
    const digest = createHash('sha256').update(rawBody).digest('hex');
    if (this.detailReports.recall(key, digest)) return { status: 'ok', coalesced: true };

    const now = epochNow();
    const software = Array.isArray(details.software) ? details.software : undefined;
    // Absent patches keep the stored patch rows; a present (even empty) list replaces them.
    const patches = Array.isArray(details.patches) ? details.patches : isObject(details.patches) && Array.isArray(details.patches.patches) ? details.patches.patches : undefined;
    const icons = softwareIcons(details.software_icon_payloads);
    const roleHealth = body.agent_role_health ?? body.role_health ?? details.agent_role_health;
    // Shaped before the transaction: it holds the row lock only for its statements.
    const columns: DeviceColumns = {
      memory: jsonText(details.memory ?? summary.memory),
      network: jsonText(details.network ?? summary.network),
      software: jsonText(software),
      services: jsonText(details.services),
      storage: jsonText(details.storage ?? summary.storage),
      cpu: jsonText(details.cpu ?? summary.cpu),
      sessions: jsonText(details.sessions),
      processes: jsonText(details.processes),
      description: text(summary.description),
      operating_system: text(summary.operating_system),
      last_user: text(summary.last_user),
      device_type: text(summary.device_type),
      domain: text(summary.domain),
      external_ip: text(summary.external_ip),
      internal_ip: text(summary.internal_ip),
      last_reboot: text(summary.last_reboot),
      uptime: integer(summary.uptime),
      agent_id: nonEmpty(body.agent_id),
      ssl_key_fingerprint: device.sslKeyFingerprint,
      ...buildColumnsOf(body),
      ...updateStatusColumns(body.agent_update_status),
    };
    const softwareRows = software && softwareInventoryRows(software);
    const patchRows = patches && patchInventoryRows(patches);
    await inTransaction(this.services.pool, async (client) => {
      // Located by hostname first, then GUID.
      // Sections absent from the report keep their stored columns; only role health is merged here.
      const { rows } = await client.query<{ guid: string; ssl_key_fingerprint: string | null; agent_role_health: string | null }>(
        `SELECT guid, ssl_key_fingerprint, agent_role_health
           FROM engine.devices WHERE hostname = $1 OR guid = ANY(${GUID_SPELLINGS_SQL('$2')}) ORDER BY (hostname = $1) DESC LIMIT 1 FOR UPDATE`,
        [hostname, device.guid],
      );
      const row = rows[0];
      if (!row) throw new AgentError('not_found', 'device_not_registered');
      if (row.guid.toUpperCase() !== device.guid) throw new AgentError('forbidden', 'guid_mismatch');
      if ((row.ssl_key_fingerprint ?? '').trim() && row.ssl_key_fingerprint!.trim().toLowerCase() !== device.sslKeyFingerprint) throw new AgentError('forbidden', 'fingerprint_mismatch');
      // Role health is merged into what is stored, so only it waits for the locked row.
      const agentRoleHealth = roleHealth === undefined ? undefined : mergeRoleHealth(row.agent_role_health, roleHealth, mode);
      await updateDevice(client, row.guid, hostname, { ...columns, agent_role_health: agentRoleHealth });
      if (softwareRows) await rewriteSoftwareInventory(client, device.guid, softwareRows, now);
      if (patchRows) await rewritePatchInventory(client, device.guid, patchRows, now);
      if (icons.length) await upsertSoftwareIcons(client, icons, now);
      await client.query(
        'INSERT INTO engine.device_keys (id, guid, ssl_key_fingerprint, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (guid, ssl_key_fingerprint) DO NOTHING',
        [randomBytes(16).toString('hex'), device.guid, device.sslKeyFingerprint, isoNow()],
      );
    });
    this.detailReports.remember(key, digest, {});
    return { status: 'ok' };
  }
}

interface SoftwareRow {
  name: string;
  normalized: string;
  version: string | null;
  source: string;
  metadata: string | null;
}

/** The normalized inventory Borealis matches software on: one row per item, name lower-cased. */
function softwareInventoryRows(software: unknown[]): SoftwareRow[] {
  return software.flatMap((item) => {
    const entry = isObject(item) ? item : { name: item };
    const name = nonEmpty(entry.name ?? entry.DisplayName ?? entry.display_name);
    if (!name) return [];
    const { name: _n, version, source, ...rest } = entry;
    return [{ name, normalized: name.toLowerCase().replace(/\s+/g, ' '), version: nonEmpty(version ?? entry.DisplayVersion) ?? null, source: nonEmpty(source) ?? 'agent', metadata: Object.keys(rest).length ? JSON.stringify(rest) : null }];
  });
}

async function rewriteSoftwareInventory(client: pg.PoolClient, guid: string, rows: readonly SoftwareRow[], capturedAt: number): Promise<void> {
  await client.query('DELETE FROM engine.device_software_inventory WHERE device_guid = $1', [guid]);
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO engine.device_software_inventory (device_guid, name, name_normalized, version, source, captured_at, metadata_json)
     SELECT $1, u.name, u.normalized, u.version, u.source, $2, u.metadata
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(name, normalized, version, source, metadata)`,
    [guid, capturedAt, rows.map((r) => r.name), rows.map((r) => r.normalized), rows.map((r) => r.version), rows.map((r) => r.source), rows.map((r) => r.metadata)],
  );
}

const PATCH_STATES: Record<string, string> = { available: 'pending', ready: 'pending', ready_to_install: 'pending', not_installed: 'pending', succeeded: 'installed', success: 'installed' };
const PATCH_SOURCES: Record<string, string> = {
  wua: 'wua_pending', windows_update: 'wua_pending', windows_update_agent: 'wua_pending', pending: 'wua_pending',
  history: 'wua_history', windows_update_history: 'wua_history',
  qfe: 'quick_fix_engineering', hotfix: 'quick_fix_engineering', get_hotfix: 'quick_fix_engineering', quickfixengineering: 'quick_fix_engineering',
};
const normalizedWord = (value: unknown, aliases: Record<string, string>): string | undefined => {
  const word = nonEmpty(value)?.toLowerCase();
  return word && (aliases[word] ?? word);
};

/** `KB5031356` from `kb`, `hotfix_id`, `kb_article_id` (string or list) or the title. */
function patchKb(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates.flatMap((c) => (Array.isArray(c) ? c : [c]))) {
    const value = nonEmpty(candidate)?.toUpperCase();
    const match = value && (/KB\d{4,9}/.exec(value)?.[0] ?? (/^\d{4,9}$/.test(value) ? `KB${value}` : undefined));
    if (match) return match;
  }
  return undefined;
}

const INT4_MAX = 2 ** 31 - 1;

/** Epoch seconds from a number or a date text; null when absent or beyond the integer columns. */
function epochSeconds(value: unknown): number | null {
  const n = integer(value);
  const seconds = n ?? Math.floor(Date.parse(text(value) ?? '') / 1000);
  return seconds > 0 && seconds <= INT4_MAX ? seconds : null;
}

/**
 * One row per patch identity as Borealis keys it: the KB, else the WUA update id (+ revision),
 * else a hash of the title; each with its state. Duplicates of a key keep the first report.
 */
/** One row (in the INSERT's column order) per patch key; the first entry of a key wins. */
function patchInventoryRows(patches: unknown[]): unknown[][] {
  const rows = new Map<string, unknown[]>();
  for (const item of patches) {
    if (!isObject(item)) continue;
    const title = nonEmpty(item.title);
    const kb = patchKb(item.kb, item.hotfix_id, item.kb_article_id, title);
    if (!title && !kb) continue;
    const state = normalizedWord(item.state, PATCH_STATES) ?? 'pending';
    const metadata = isObject(item.metadata) ? item.metadata : {};
    const updateId = nonEmpty(metadata.update_id ?? metadata.updateID)?.toLowerCase();
    const revision = nonEmpty(metadata.revision_number ?? metadata.revision);
    const identity = kb ? `kb:${kb}` : updateId ? `update:${updateId}${revision ? `:${revision}` : ''}` : `title:${createHash('sha256').update(title!.toLowerCase()).digest('hex')}`;
    const key = `${identity}:state:${state}`;
    if (rows.has(key)) continue;
    rows.set(key, [
      key, kb ?? null, title ?? kb!, state, normalizedWord(item.source, PATCH_SOURCES) ?? 'wua_pending', nonEmpty(item.classification) ?? null, nonEmpty(item.severity) ?? null,
      epochSeconds(item.installed_on ?? item.installed_at), epochSeconds(item.published_at ?? item.last_deployment_change_at), Object.keys(metadata).length ? JSON.stringify(metadata) : null,
    ]);
  }
  return [...rows.values()];
}

async function rewritePatchInventory(client: pg.PoolClient, guid: string, rows: readonly unknown[][], capturedAt: number): Promise<void> {
  await client.query('DELETE FROM engine.device_patch_inventory WHERE device_guid = $1', [guid]);
  if (rows.length === 0) return;
  const column = (i: number) => rows.map((row) => row[i]);
  await client.query(
    `INSERT INTO engine.device_patch_inventory (device_guid, patch_key, kb, title, state, source, classification, severity, installed_on, published_at, captured_at, metadata_json)
     SELECT $1, u.patch_key, u.kb, u.title, u.state, u.source, u.classification, u.severity, u.installed_on, u.published_at, $2, u.metadata
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::text[])
            AS u(patch_key, kb, title, state, source, classification, severity, installed_on, published_at, metadata)`,
    [guid, capturedAt, ...Array.from({ length: 10 }, (_, i) => column(i))],
  );
}

export const SOFTWARE_ICON_MAX_BYTES = 512 * 1024;

/** The image type from the bytes themselves; a declared mime_type is not trusted. */
function iconMimeType(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.length > 6 && bytes.readUInt32BE(0) === 0x00000100) return 'image/x-icon';
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8'))) return 'image/svg+xml';
  return undefined;
}

interface SoftwareIcon {
  hash: string;
  mimeType: string;
  bytes: Buffer;
}

/** Valid icons of `software_icon_payloads` by SHA-256; anything else is skipped, never an error. */
function softwareIcons(payloads: unknown): SoftwareIcon[] {
  if (!Array.isArray(payloads)) return [];
  const icons = new Map<string, SoftwareIcon>();
  for (const entry of payloads) {
    if (!isObject(entry)) continue;
    const data = nonEmpty(entry.data_base64 ?? entry.icon_data_base64 ?? entry.data);
    if (!data || data.length > Math.ceil(SOFTWARE_ICON_MAX_BYTES / 3) * 4 + 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) continue;
    const bytes = Buffer.from(data, 'base64');
    const mimeType = bytes.length > 0 && bytes.length <= SOFTWARE_ICON_MAX_BYTES ? iconMimeType(bytes) : undefined;
    if (!mimeType) continue;
    const hash = createHash('sha256').update(bytes).digest('hex');
    icons.set(hash, { hash, mimeType, bytes });
  }
  return [...icons.values()].sort((a, b) => a.hash.localeCompare(b.hash));
}

async function upsertSoftwareIcons(client: pg.PoolClient, icons: SoftwareIcon[], now: number): Promise<void> {
  await client.query(
    `INSERT INTO engine.software_icon_assets (icon_hash, mime_type, icon_bytes, byte_size, created_at, updated_at)
     SELECT u.hash, u.mime_type, u.bytes, length(u.bytes), $1, $1 FROM unnest($2::text[], $3::text[], $4::bytea[]) AS u(hash, mime_type, bytes)
     ON CONFLICT (icon_hash) DO UPDATE SET mime_type = EXCLUDED.mime_type, icon_bytes = EXCLUDED.icon_bytes, byte_size = EXCLUDED.byte_size, updated_at = EXCLUDED.updated_at`,
    [now, icons.map((i) => i.hash), icons.map((i) => i.mimeType), icons.map((i) => i.bytes)],
  );
}
