/**
 * Token refresh (agent API 2.3, 4.3): the refresh token is looked up by its SHA-256, never
 * rotated; each success slides `expires_at` to now + 90 days and stamps `last_used_at`, and
 * records (or clears) the DPoP key thumbprint. One read statement, one UPDATE, no transaction.
 */
import { AgentError } from '../../auth/agent-error.js';
import { GUID_SPELLINGS_SQL, isBlockedDeviceStatus } from '../../auth/device-auth.js';
import { ACCESS_TOKEN_TTL_SECONDS, mintAccessToken, normalizeGuid } from '../../auth/device-token.js';
import { isoAt, remoteOpsRoute, sha256Hex, type AgentServices } from './common.js';
import { REFRESH_TOKEN_TTL_MS } from './enrollment.js';

export async function refreshAccessToken(services: AgentServices, input: { guid: string; refreshToken: string; dpopJkt: string | null }) {
  const guid = normalizeGuid(input.guid);
  const { rows } = await services.pool.query<{
    barrier: boolean;
    token_id: string | null;
    revoked_at: string | null;
    expires_at: string | null;
    device_guid: string | null;
    ssl_key_fingerprint: string | null;
    token_version: number | null;
    status: string | null;
    site_id: string | null;
  }>(
    `SELECT EXISTS (SELECT 1 FROM engine.device_purge_barriers WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')})) AS barrier,
            t.id AS token_id, t.revoked_at, t.expires_at,
            d.guid AS device_guid, d.ssl_key_fingerprint, d.token_version, d.status, ds.site_id
       FROM (SELECT 1) one
       LEFT JOIN engine.refresh_tokens t ON t.guid = ANY(${GUID_SPELLINGS_SQL('$1')}) AND t.token_hash = $2
       LEFT JOIN engine.devices d ON d.guid = ANY(${GUID_SPELLINGS_SQL('$1')})
       LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
      ORDER BY t.created_at DESC NULLS LAST LIMIT 1`,
    [guid, sha256Hex(input.refreshToken)],
  );
  const row = rows[0]!;
  if (row.barrier) throw new AgentError('unauthorized', 'device_purged');
  if (row.token_id === null) throw new AgentError('unauthorized', 'invalid_refresh_token');
  if (row.revoked_at?.trim()) throw new AgentError('unauthorized', 'refresh_token_revoked');
  const expiresAt = Date.parse(row.expires_at ?? '');
  if (!Number.isFinite(expiresAt) || expiresAt <= Date.now()) throw new AgentError('unauthorized', 'refresh_token_expired');
  if (row.device_guid === null) throw new AgentError('not_found', 'device_not_found');
  if (isBlockedDeviceStatus(row.status)) throw new AgentError('forbidden', 'device_revoked');

  const nowMs = Date.now();
  await services.pool.query('UPDATE engine.refresh_tokens SET last_used_at = $2, expires_at = $3, dpop_jkt = $4 WHERE id = $1', [
    row.token_id,
    isoAt(nowMs),
    isoAt(nowMs + REFRESH_TOKEN_TTL_MS),
    input.dpopJkt,
  ]);
  const [accessToken, route] = await Promise.all([
    mintAccessToken(services.engineKey, { guid, sslKeyFingerprint: row.ssl_key_fingerprint ?? '', tokenVersion: row.token_version ?? 1 }),
    remoteOpsRoute(services, row.site_id === null ? null : Number(row.site_id)),
  ]);
  return { access_token: accessToken, expires_in: ACCESS_TOKEN_TTL_SECONDS, token_type: 'Bearer', remote_ops_route: route };
}
