/**
 * Bearer authentication of an agent request, in the engine's order (agent API 2.2, Go
 * `authenticateDeviceBearer`): bearer present, signature and time, claims, purge barrier, device
 * row, GUID, fingerprint, token_version, status, then the optional DPoP proof. The database part
 * is one statement on a pooled session (no transaction): tokens are bound to
 * (GUID, key fingerprint, token_version), so a version bump or a revocation takes effect at once.
 */
import type pg from 'pg';
import { AgentError } from './agent-error.js';
import { verifyAccessToken, type EngineSigningKey } from './device-token.js';
import { verifyDpopProof, type DpopCheck } from './dpop.js';

export interface AuthenticatedDevice {
  guid: string;
  hostname: string | null;
  sslKeyFingerprint: string;
  tokenVersion: number;
  status: string;
  accessToken: string;
}

const BLOCKED_STATUSES = new Set(['revoked', 'decommissioned']);

/** `revoked` and `decommissioned` block a device (any case); an empty status counts as `active`. */
export function isBlockedDeviceStatus(status: string | null | undefined): boolean {
  return BLOCKED_STATUSES.has((status ?? '').trim().toLowerCase());
}

/** GUIDs are canonical upper-case; the two spellings Borealis writes are matched with the primary key. */
export const GUID_SPELLINGS_SQL = (param: string) => `ARRAY[${param}::text, lower(${param}::text)]`;

/**
 * The database checks of authenticateDevice (purge barrier, token_version with NULL as 1, key
 * fingerprint, status) as one SQL condition on the devices row `alias`, so a write can carry its
 * own authorization (the heartbeat fast path). A row that fails it is re-checked step by step to
 * name the error, so both paths accept and refuse exactly the same tokens.
 */
export function deviceBindingSql(alias: string, guid: string, fingerprint: string, tokenVersion: string): string {
  return `lower(btrim(coalesce(${alias}.ssl_key_fingerprint, ''))) = ${fingerprint}::text
     AND coalesce(${alias}.token_version, 1) = ${tokenVersion}::int
     AND lower(coalesce(nullif(btrim(${alias}.status), ''), 'active')) NOT IN (${[...BLOCKED_STATUSES].map((status) => `'${status}'`).join(', ')})
     AND NOT EXISTS (SELECT 1 FROM engine.device_purge_barriers b WHERE b.guid = ANY(${GUID_SPELLINGS_SQL(guid)}) AND ${tokenVersion}::int < b.required_token_version)`;
}

export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

export async function authenticateDevice(
  pool: pg.Pool,
  key: EngineSigningKey,
  authorization: string | null | undefined,
  dpop?: Omit<DpopCheck, 'accessToken'>,
): Promise<AuthenticatedDevice> {
  const token = bearerToken(authorization);
  if (!token) throw new AgentError('unauthorized', 'missing_authorization');
  const claims = await verifyAccessToken(key, token);
  const { rows } = await pool.query<{ guid: string | null; hostname: string | null; ssl_key_fingerprint: string | null; token_version: number | null; status: string | null; required_token_version: number | null; barrier: boolean }>(
    `SELECT d.guid, d.hostname, d.ssl_key_fingerprint, d.token_version, d.status,
            b.required_token_version, b.guid IS NOT NULL AS barrier
       FROM (SELECT 1) one
       LEFT JOIN engine.devices d ON d.guid = ANY(${GUID_SPELLINGS_SQL('$1')})
       LEFT JOIN engine.device_purge_barriers b ON b.guid = ANY(${GUID_SPELLINGS_SQL('$1')})`,
    [claims.guid],
  );
  const row = rows[0]!;
  if (row.barrier && claims.tokenVersion < (row.required_token_version ?? 0)) throw new AgentError('unauthorized', 'device_purged');
  if (row.guid === null) throw row.barrier ? new AgentError('unauthorized', 'device_purged') : new AgentError('not_found', 'device_not_found');
  if (row.guid.toUpperCase() !== claims.guid) throw new AgentError('unauthorized', 'device_mismatch');
  const storedFingerprint = (row.ssl_key_fingerprint ?? '').trim().toLowerCase();
  if (storedFingerprint !== claims.sslKeyFingerprint) throw new AgentError('forbidden', 'fingerprint_mismatch');
  if ((row.token_version ?? 1) !== claims.tokenVersion) throw new AgentError('forbidden', 'token_version_mismatch');
  if (isBlockedDeviceStatus(row.status)) throw new AgentError('forbidden', 'device_revoked');
  const status = (row.status ?? '').trim().toLowerCase() || 'active';
  if (dpop) await verifyDpopProof({ ...dpop, accessToken: token });
  return { guid: claims.guid, hostname: row.hostname, sslKeyFingerprint: claims.sslKeyFingerprint, tokenVersion: claims.tokenVersion, status, accessToken: token };
}
