/**
 * Agent enrollment (agent API 3, 4.1, 4.2): request -> operator approval -> poll/finalize.
 * Validation and cryptography happen before any connection is taken; every write group runs in
 * one short transaction (src/db/transaction.ts), so a failure leaves nothing half-written.
 */
import { randomBytes, randomUUID, verify } from 'node:crypto';
import type pg from 'pg';
import { AgentError } from '../../auth/agent-error.js';
import { GUID_SPELLINGS_SQL } from '../../auth/device-auth.js';
import { ACCESS_TOKEN_TTL_SECONDS, mintAccessToken, normalizeGuid } from '../../auth/device-token.js';
import { inTransaction } from '../../db/transaction.js';
import { decodeBase64, ed25519PublicKey, epochNow, fingerprintOf, isoAt, isoNow, remoteOpsRoute, sha256Hex, type AgentServices } from './common.js';

export const MIN_CLIENT_NONCE_BYTES = 16;
export const REFRESH_TOKEN_TTL_MS = 90 * 24 * 3600 * 1000;
const WRONG_CODE_RETENTION = "interval '24 hours'";
export const AUTO_APPROVER = 'site_auto_approval';
export const POLL_REPLAY_TTL_SECONDS = 300;
const MAX_HOSTNAME_SUFFIX = 50;

export interface EnrollmentRequestInput {
  hostname: string;
  enrollmentCode: string;
  agentPubkey: string;
  clientNonce: string;
  onboarding?: { jobId?: number | undefined; runId?: number | undefined; target?: string | undefined } | undefined;
}

/** The request's key material, checked before any database work (and before the fingerprint rate limit). */
export interface ParsedEnrollmentRequest extends EnrollmentRequestInput {
  pubkeyDer: Buffer;
  fingerprint: string;
}

export function parseEnrollmentRequest(input: EnrollmentRequestInput): ParsedEnrollmentRequest {
  const pubkeyDer = decodeBase64(input.agentPubkey);
  if (!pubkeyDer || pubkeyDer.length < 10 || !ed25519PublicKey(pubkeyDer)) throw new AgentError('invalid', 'invalid_agent_pubkey');
  const nonce = decodeBase64(input.clientNonce);
  if (!nonce || nonce.length < MIN_CLIENT_NONCE_BYTES) throw new AgentError('invalid', 'invalid_client_nonce');
  return { ...input, hostname: input.hostname.trim(), pubkeyDer, fingerprint: fingerprintOf(pubkeyDer) };
}

/** Operator visibility only: the first and last two characters, never the whole wrong code. */
export function maskEnrollmentCode(code: string): string {
  const trimmed = code.trim();
  if (trimmed.length <= 4) return '*'.repeat(trimmed.length);
  return `${trimmed.slice(0, 2)}${'*'.repeat(trimmed.length - 4)}${trimmed.slice(-2)}`;
}

export interface EnrollmentRequestResult {
  status: 'pending' | 'approved';
  approval_reference: string;
  server_nonce: string;
  poll_after_ms: number;
  signing_key: string;
  auto_approved?: true;
}

interface Site {
  id: string;
  auto_approve_until: number | null;
}

export async function requestEnrollment(services: AgentServices, request: ParsedEnrollmentRequest, remoteAddr: string): Promise<EnrollmentRequestResult> {
  const { rows: sites } = await services.pool.query<Site>(
    'SELECT id, auto_approve_until FROM engine.sites WHERE lower(enrollment_code) = lower($1) ORDER BY id LIMIT 1',
    [request.enrollmentCode.trim()],
  );
  const site = sites[0];
  const now = isoNow();
  if (!site) {
    await inTransaction(services.pool, async (client) => {
      await client.query(
        `DELETE FROM engine.enrollment_code_failures
          WHERE CASE WHEN last_seen_at ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d' THEN last_seen_at::timestamptz < now() - ${WRONG_CODE_RETENTION} ELSE false END`,
      );
      await client.query(
        `INSERT INTO engine.enrollment_code_failures
           (id, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code_mask, remote_addr, first_seen_at, last_seen_at, attempt_count, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $6, 1, 'invalid_enrollment_code')
         ON CONFLICT (ssl_key_fingerprint_claimed) DO UPDATE SET
           hostname_claimed = EXCLUDED.hostname_claimed, enrollment_code_mask = EXCLUDED.enrollment_code_mask,
           remote_addr = EXCLUDED.remote_addr, last_seen_at = EXCLUDED.last_seen_at,
           attempt_count = engine.enrollment_code_failures.attempt_count + 1, last_error = EXCLUDED.last_error`,
        [randomUUID(), request.hostname, request.fingerprint, maskEnrollmentCode(request.enrollmentCode), remoteAddr, now],
      );
    });
    throw new AgentError('invalid', 'invalid_enrollment_code');
  }

  const serverNonce = randomBytes(32).toString('base64');
  const autoApproveWindow = site.auto_approve_until !== null && Number(site.auto_approve_until) > epochNow();
  const onboarding = request.onboarding ?? {};
  const approval = await inTransaction(services.pool, async (client) => {
    // One request per fingerprint at a time: the pending row is reused, never duplicated.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`borealis-enroll:${request.fingerprint}`]);
    await client.query('DELETE FROM engine.enrollment_code_failures WHERE ssl_key_fingerprint_claimed = $1', [request.fingerprint]);
    const decision = autoApproveWindow ? await autoApproval(client, request) : null;
    const status: 'pending' | 'approved' = decision ? 'approved' : 'pending';
    const values = [
      request.hostname, request.fingerprint, request.enrollmentCode, Number(site.id), status, request.clientNonce, serverNonce,
      request.pubkeyDer, now, decision?.guid ?? null, decision ? AUTO_APPROVER : null, onboarding.jobId ?? null, onboarding.runId ?? null, onboarding.target ?? null,
    ];
    const { rows: pending } = await client.query<{ id: string; approval_reference: string }>(
      `SELECT id, approval_reference FROM engine.device_approvals
        WHERE ssl_key_fingerprint_claimed = $1 AND status = 'pending' ORDER BY created_at DESC LIMIT 1`,
      [request.fingerprint],
    );
    if (pending[0]) {
      await client.query(
        `UPDATE engine.device_approvals SET hostname_claimed = $1, ssl_key_fingerprint_claimed = $2, enrollment_code = $3, site_id = $4,
                status = $5, client_nonce = $6, server_nonce = $7, agent_pubkey_der = $8, updated_at = $9, guid = $10,
                approved_by_user_id = $11, onboarding_job_id = $12, onboarding_run_id = $13, onboarding_target = $14
          WHERE id = $15`,
        [...values, pending[0].id],
      );
      return { reference: pending[0].approval_reference, status };
    }
    const reference = randomUUID();
    await client.query(
      `INSERT INTO engine.device_approvals
         (hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code, site_id, status, client_nonce, server_nonce, agent_pubkey_der,
          created_at, updated_at, guid, approved_by_user_id, onboarding_job_id, onboarding_run_id, onboarding_target, id, approval_reference)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [...values, randomUUID(), reference],
    );
    return { reference, status };
  });
  const approved = approval.status === 'approved';
  return {
    status: approval.status,
    approval_reference: approval.reference,
    server_nonce: serverNonce,
    poll_after_ms: approved ? 250 : 3000,
    signing_key: services.scriptSigningKey,
    ...(approved ? { auto_approved: true as const } : {}),
  };
}

/** In an open window: no device with the hostname -> approved; same hostname and key -> its GUID; else pending. */
async function autoApproval(client: pg.PoolClient, request: ParsedEnrollmentRequest): Promise<{ guid: string | null } | null> {
  const { rows } = await client.query<{ guid: string; ssl_key_fingerprint: string | null }>(
    'SELECT guid, ssl_key_fingerprint FROM engine.devices WHERE lower(hostname) = lower($1)',
    [request.hostname],
  );
  if (rows.length === 0) return { guid: null };
  if (rows.length === 1 && (rows[0]!.ssl_key_fingerprint ?? '').toLowerCase() === request.fingerprint) return { guid: normalizeGuid(rows[0]!.guid) };
  return null;
}

export interface PollInput {
  approvalReference: string;
  clientNonce: string;
  proofSig: string;
}

interface ApprovalRow {
  id: string;
  approval_reference: string;
  guid: string | null;
  hostname_claimed: string;
  ssl_key_fingerprint_claimed: string;
  site_id: number | null;
  status: string;
  client_nonce: string;
  server_nonce: string;
  agent_pubkey_der: Buffer;
}

export type PollResult = { httpStatus: 200 | 400 | 404; body: Record<string, unknown> };

export async function pollEnrollment(services: AgentServices, input: PollInput): Promise<PollResult> {
  const clientNonce = decodeBase64(input.clientNonce);
  if (!clientNonce) throw new AgentError('invalid', 'invalid_client_nonce');
  const signature = decodeBase64(input.proofSig);
  if (!signature) throw new AgentError('invalid', 'invalid_proof_sig');
  const reference = input.approvalReference.trim();
  const { rows } = await services.pool.query<ApprovalRow>(
    `SELECT id, approval_reference, guid, hostname_claimed, ssl_key_fingerprint_claimed, site_id, status, client_nonce, server_nonce, agent_pubkey_der
       FROM engine.device_approvals WHERE approval_reference = $1`,
    [reference],
  );
  const approval = rows[0];
  if (!approval) return { httpStatus: 404, body: { status: 'unknown' } };
  if (approval.client_nonce !== input.clientNonce) throw new AgentError('invalid', 'nonce_mismatch');
  const serverNonce = decodeBase64(approval.server_nonce);
  if (!serverNonce) throw new AgentError('invalid', 'server_nonce_invalid');
  const agentKey = ed25519PublicKey(approval.agent_pubkey_der);
  if (!agentKey) throw new AgentError('invalid', 'agent_pubkey_invalid');
  const signed = Buffer.concat([serverNonce, Buffer.from(approval.approval_reference, 'utf8'), clientNonce]);
  if (!verify(null, signed, agentKey, signature)) throw new AgentError('invalid', 'invalid_proof');

  const status = approval.status.trim().toLowerCase();
  switch (status) {
    case 'pending':
      return { httpStatus: 200, body: { status: 'pending', poll_after_ms: 5000 } };
    case 'denied':
      return { httpStatus: 200, body: { status: 'denied', reason: 'operator_denied' } };
    case 'expired':
      return { httpStatus: 200, body: { status: 'expired' } };
    case 'completed':
      return { httpStatus: 200, body: { status: 'approved', detail: 'finalized' } };
    case 'approved':
      break;
    default:
      return { httpStatus: 400, body: { status: approval.status } };
  }
  if (!(await services.firstUse('poll', `${approval.approval_reference}:${signature.toString('base64')}`, POLL_REPLAY_TTL_SECONDS))) {
    throw new AgentError('conflict', 'proof_replayed');
  }
  const finalized = await finalizeEnrollment(services, approval.id);
  if (!finalized) return { httpStatus: 200, body: { status: 'approved', detail: 'finalized' } };
  const [accessToken, route] = await Promise.all([
    mintAccessToken(services.engineKey, { guid: finalized.guid, sslKeyFingerprint: finalized.fingerprint, tokenVersion: finalized.tokenVersion }),
    remoteOpsRoute(services, finalized.siteId),
  ]);
  return {
    httpStatus: 200,
    body: {
      status: 'approved',
      guid: finalized.guid,
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: finalized.refreshToken,
      token_type: 'Bearer',
      signing_key: services.scriptSigningKey,
      remote_ops_route: route,
    },
  };
}

interface Finalized {
  guid: string;
  fingerprint: string;
  tokenVersion: number;
  siteId: number | null;
  refreshToken: string;
}

/**
 * One transaction: device row, keys, site map, approval completed, refresh token, purge barrier
 * cleared. Null when another poll finalized the approval first.
 */
async function finalizeEnrollment(services: AgentServices, approvalId: string): Promise<Finalized | null> {
  const refreshToken = randomBytes(48).toString('base64url');
  const nowMs = Date.now();
  const now = isoAt(nowMs);
  const nowEpoch = Math.floor(nowMs / 1000);
  return inTransaction(services.pool, async (client) => {
    const { rows } = await client.query<ApprovalRow>(
      `SELECT id, approval_reference, guid, hostname_claimed, ssl_key_fingerprint_claimed, site_id, status
         FROM engine.device_approvals WHERE id = $1 FOR UPDATE`,
      [approvalId],
    );
    const approval = rows[0];
    if (!approval || approval.status.trim().toLowerCase() !== 'approved') return null;
    const guid = approval.guid?.trim() ? normalizeGuid(approval.guid) : randomUUID().toUpperCase();
    const fingerprint = approval.ssl_key_fingerprint_claimed.toLowerCase();
    const { rows: barriers } = await client.query<{ required_token_version: number }>(
      `SELECT required_token_version FROM engine.device_purge_barriers WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')})`,
      [guid],
    );
    const required = Math.max(1, ...barriers.map((b) => Number(b.required_token_version)));
    const { rows: devices } = await client.query<{ guid: string; hostname: string | null; ssl_key_fingerprint: string | null; token_version: number | null }>(
      `SELECT guid, hostname, ssl_key_fingerprint, token_version FROM engine.devices WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')}) FOR UPDATE`,
      [guid],
    );
    const device = devices[0];
    let hostname: string;
    let tokenVersion: number;
    if (!device) {
      hostname = await freeHostname(client, approval.hostname_claimed, guid);
      tokenVersion = required;
      await client.query(
        `INSERT INTO engine.devices (guid, hostname, created_at, last_enrollment_at, last_seen, status, token_version, ssl_key_fingerprint, key_added_at)
         VALUES ($1, $2, $3, $3, $3, 'active', $4, $5, $6)`,
        [guid, hostname, nowEpoch, tokenVersion, fingerprint, now],
      );
    } else {
      hostname = device.hostname ?? approval.hostname_claimed;
      const stored = (device.ssl_key_fingerprint ?? '').trim().toLowerCase();
      const current = device.token_version ?? 1;
      if (stored && stored !== fingerprint) {
        // A new key: every outstanding access and refresh token of the device stops working.
        tokenVersion = Math.max(current + 1, required);
        await client.query('UPDATE engine.refresh_tokens SET revoked_at = $2 WHERE guid = ANY(' + GUID_SPELLINGS_SQL('$1') + ') AND revoked_at IS NULL', [guid, now]);
      } else {
        tokenVersion = Math.max(current, required);
      }
      await client.query(
        `UPDATE engine.devices SET last_enrollment_at = $2, token_version = $3,
                ssl_key_fingerprint = $4, key_added_at = CASE WHEN coalesce(lower(ssl_key_fingerprint), '') = $4 THEN key_added_at ELSE $5 END
          WHERE guid = $1`,
        [device.guid, nowEpoch, tokenVersion, fingerprint, now],
      );
    }
    await client.query(
      `INSERT INTO engine.device_keys (id, guid, ssl_key_fingerprint, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (guid, ssl_key_fingerprint) DO UPDATE SET retired_at = NULL`,
      [randomUUID(), guid, fingerprint, now],
    );
    await client.query('UPDATE engine.device_keys SET retired_at = $3 WHERE guid = $1 AND ssl_key_fingerprint <> $2 AND retired_at IS NULL', [guid, fingerprint, now]);
    let siteId: number | null = approval.site_id === null ? null : Number(approval.site_id);
    if (siteId !== null) {
      await client.query(
        `INSERT INTO engine.device_sites (device_hostname, site_id, assigned_at) VALUES ($1, $2, $3)
         ON CONFLICT (device_hostname) DO UPDATE SET site_id = EXCLUDED.site_id, assigned_at = EXCLUDED.assigned_at`,
        [hostname, siteId, nowEpoch],
      );
    } else {
      const { rows: mapped } = await client.query<{ site_id: number }>('SELECT site_id FROM engine.device_sites WHERE device_hostname = $1', [hostname]);
      siteId = mapped[0] ? Number(mapped[0].site_id) : null;
    }
    await client.query(`UPDATE engine.device_approvals SET status = 'completed', guid = $2, updated_at = $3 WHERE id = $1`, [approval.id, guid, now]);
    await client.query(
      'INSERT INTO engine.refresh_tokens (id, guid, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [randomUUID(), guid, sha256Hex(refreshToken), now, isoAt(nowMs + REFRESH_TOKEN_TTL_MS)],
    );
    await client.query(`DELETE FROM engine.device_purge_barriers WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')})`, [guid]);
    return { guid, fingerprint, tokenVersion, siteId, refreshToken };
  });
}

/** `host`, `host-1` ... `host-50`, else the GUID (Borealis's de-duplication of a new device's hostname). */
async function freeHostname(client: pg.PoolClient, claimed: string, guid: string): Promise<string> {
  const candidates = [claimed, ...Array.from({ length: MAX_HOSTNAME_SUFFIX }, (_, i) => `${claimed}-${i + 1}`)];
  const { rows } = await client.query<{ hostname: string }>('SELECT hostname FROM engine.devices WHERE hostname = ANY($1)', [candidates]);
  const taken = new Set(rows.map((r) => r.hostname));
  return candidates.find((candidate) => !taken.has(candidate)) ?? guid;
}
