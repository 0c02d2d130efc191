/**
 * Optional DPoP proofs (agent API 2.4, the Go verifier): a compact JWS with `alg` EdDSA and an
 * embedded Ed25519 `jwk`; payload `htm` (method, case-insensitive), `htu` (exact absolute URL),
 * non-empty `jti`, `iat` within ±5 minutes, and `ath` = base64url(SHA-256(access token)) when
 * present. Each `jti` is single use for 5 minutes (`firstUse`, shared by every replica).
 * The result is the key's RFC 7638 thumbprint ("jkt").
 */
import { createHash } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, compactVerify, decodeProtectedHeader } from 'jose';
import { AgentError } from './agent-error.js';

export const DPOP_WINDOW_SECONDS = 300;

export interface DpopCheck {
  proof: string;
  method: string;
  url: string;
  accessToken?: string | undefined;
  /** Records the jti; false when it was already used within the window. */
  firstUse: (jti: string) => Promise<boolean>;
  now?: number;
}

const invalid = () => new AgentError('invalid', 'dpop_invalid');

export async function verifyDpopProof({ proof, method, url, accessToken, firstUse, now = Math.floor(Date.now() / 1000) }: DpopCheck): Promise<string> {
  let payload: Record<string, unknown>;
  let jwk: Record<string, unknown>;
  try {
    const header = decodeProtectedHeader(proof);
    jwk = (header.jwk ?? {}) as Record<string, unknown>;
    if (header.alg !== 'EdDSA' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw invalid();
    const verified = await compactVerify(proof, EmbeddedJWK, { algorithms: ['EdDSA'] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  const { htm, htu, jti, iat, ath } = payload;
  if (typeof htm !== 'string' || htm.toUpperCase() !== method.toUpperCase()) throw invalid();
  if (typeof htu !== 'string' || htu !== url) throw invalid();
  if (typeof jti !== 'string' || !jti) throw invalid();
  if (typeof iat !== 'number' || Math.abs(now - iat) > DPOP_WINDOW_SECONDS) throw invalid();
  if (ath !== undefined) {
    if (!accessToken || ath !== createHash('sha256').update(accessToken).digest('base64url')) throw invalid();
  }
  if (!(await firstUse(jti))) throw new AgentError('invalid', 'dpop_replayed');
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x as string });
}
