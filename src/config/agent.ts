/**
 * Settings of the agent REST router (/api/agent/*), read with the rest of the configuration
 * (src/config/env.ts) so every problem is reported together.
 */
import path from 'node:path';
import type { EnvReader } from './env.js';

/** The engine's access-token signing key file, as Borealis names it. */
export const ENGINE_JWT_KEY_FILE = 'borealis-jwt-ed25519.key';
/** Borealis's default token root below its engine root (Go `agentJWTKeyPath`). */
const ENGINE_TOKEN_ROOT_BELOW_ENGINE = path.join('Services', 'api-backend', 'secrets', 'Auth_Tokens');
const DEFAULT_ENGINE_ROOT = '/opt/Borealis/Engine';

export interface AgentApiConfig {
  /** Path of borealis-jwt-ed25519.key (PKCS#8 PEM), created with mode 600 when missing. */
  engineKeyFile: string;
  /** Base64 SPKI DER of the engine's script-signing public key, returned as `signing_key` ('' when unknown). */
  scriptSigningKeyFile: string | undefined;
  /** Routes the gateway does not serve are forwarded here; undefined: answered 502 `upstream_not_configured`. */
  upstreamUrl: string | undefined;
  upstreamTimeoutMs: number;
  /**
   * null: the client IP is the first X-Forwarded-For entry, else the peer (Borealis's rule).
   * A list: X-Forwarded-For is honoured only when the peer is one of these addresses.
   */
  trustedProxies: string[] | null;
  /** Shared rate-limit and replay state in Redis instead of PostgreSQL. */
  redisUrl: string | undefined;
  /** Public base URL for DPoP `htu` and the remote-ops route (Borealis's BOREALIS_PUBLIC_BASE_URL). */
  publicBaseUrl: string | undefined;
}

export function readAgentApiConfig(read: EnvReader, dataDir: string, embedded: boolean): AgentApiConfig {
  const explicitRoot = read.string('BOREALIS_ENGINE_AUTH_TOKEN_ROOT');
  const engineRoot = read.string('BOREALIS_ENGINE_ROOT') ?? read.string('BOREALIS_ENGINE_RUNTIME');
  // Embedded/dev default: beside the other development secrets (src/config/auth.ts).
  const tokenRoot =
    explicitRoot ??
    (engineRoot ? path.join(engineRoot, ENGINE_TOKEN_ROOT_BELOW_ENGINE) : embedded ? path.join(dataDir, 'secrets') : path.join(DEFAULT_ENGINE_ROOT, ENGINE_TOKEN_ROOT_BELOW_ENGINE));
  const proxies = read.list('GATEWAY_AGENT_TRUSTED_PROXIES');
  const redisUrl = read.string('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) read.problems.push(`REDIS_URL must be a redis:// or rediss:// URL`);
  return {
    engineKeyFile: path.resolve(tokenRoot, ENGINE_JWT_KEY_FILE),
    scriptSigningKeyFile: read.string('BOREALIS_SCRIPT_SIGNING_PUBKEY_PATH'),
    upstreamUrl: read.httpUrl('BOREALIS_UPSTREAM_URL')?.replace(/\/+$/, ''),
    upstreamTimeoutMs: read.integer('BOREALIS_UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    trustedProxies: proxies.length ? proxies : null,
    redisUrl,
    publicBaseUrl: (read.httpUrl('BOREALIS_PUBLIC_BASE_URL') ?? read.httpUrl('PUBLIC_BASE_URL'))?.replace(/\/+$/, ''),
  };
}
