/**
 * What the agent services share: their dependencies, the value spellings Borealis writes (epoch
 * seconds, ISO-8601 text with `Z`, upper-case GUIDs, lower-case hex fingerprints) and the
 * base64 rules of the contract (standard base64; whitespace and URL-safe characters tolerated,
 * as the Go engine does).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { EngineSigningKey } from '../../auth/device-token.js';

export interface AgentServices {
  pool: pg.Pool;
  engineKey: EngineSigningKey;
  /** Base64 SPKI DER of the script-signing key ('' when not configured). */
  scriptSigningKey: string;
  /** Public base URL for the remote-ops route ('' when unknown: the route's prefix alone). */
  publicBaseUrl: string;
  /** Single-use keys shared by every replica: false when `key` was already used within `ttlSeconds`. */
  firstUse: (namespace: string, key: string, ttlSeconds: number) => Promise<boolean>;
}

export const epochNow = () => Math.floor(Date.now() / 1000);
export const isoAt = (epochMs: number) => new Date(epochMs).toISOString();
export const isoNow = () => new Date().toISOString();

/** Standard base64 with whitespace and URL-safe characters tolerated; null when not base64. */
export function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || (compact.includes('=') && compact.length % 4 !== 0)) return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.length ? bytes : null;
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The agent's Ed25519 public key from SPKI DER, or null when it is not one. */
export function ed25519PublicKey(der: Buffer): KeyObject | null {
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** Lower-case hex SHA-256 of the key's SPKI DER (Go `fingerprintFromSPKIDER`). */
export const fingerprintOf = (spkiDer: Buffer) => sha256Hex(spkiDer);

export type RemoteOpsRoute =
  | { available: false; site_id: number | null; reason: 'site_worker_unavailable' | 'device_site_unassigned' }
  | {
      available: true;
      site_id: number;
      worker_guid: string;
      route_generation: number;
      route_path_prefix: string;
      base_url: string;
      socket_url: string;
      urls: { base: string; socket_io: string };
    };

/** The active site-worker route of a site, newest first (Go `buildAgentRemoteOpsRoutePayload`). */
export async function remoteOpsRoute(services: AgentServices, siteId: number | null): Promise<RemoteOpsRoute> {
  if (siteId === null) return { available: false, site_id: null, reason: 'device_site_unassigned' };
  const { rows } = await services.pool.query<{ worker_guid: string; generation: number; route_path_prefix: string }>(
    `SELECT worker_guid, generation, route_path_prefix FROM engine.job_scheduler_worker_routes
      WHERE site_id = $1 AND lower(status) = 'active' ORDER BY updated_at DESC, created_at DESC LIMIT 1`,
    [siteId],
  );
  const route = rows[0];
  if (!route) return { available: false, site_id: siteId, reason: 'site_worker_unavailable' };
  const base = `${services.publicBaseUrl}/${route.route_path_prefix.replace(/^\/+|\/+$/g, '')}`;
  const socketUrl = `${base}/socket.io/`;
  return {
    available: true,
    site_id: siteId,
    worker_guid: route.worker_guid,
    route_generation: Number(route.generation),
    route_path_prefix: route.route_path_prefix,
    base_url: base,
    socket_url: socketUrl,
    urls: { base, socket_io: socketUrl },
  };
}
