/**
 * Rate-limit and single-use state of the agent router, shared by every replica
 * (rate-limiter-flexible): PostgreSQL (table borealis_gateway.agent_rate_limits, a gateway schema
 * part) by default, Redis when REDIS_URL is set. Should the store fail (e.g. the role could not
 * install the gateway schema), each limiter falls back to process memory (rate-limiter-flexible's
 * insurance limiter), so agents keep working with per-replica limits instead of failing.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../config/logger.js';
import { GATEWAY_SCHEMA } from '../db/gateway-schema.js';

export const RATE_LIMIT_TABLE = 'agent_rate_limits';

export type LimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface SharedLimiter {
  consume(key: string): Promise<LimitResult>;
}

export interface SharedState {
  readonly backend: 'postgres' | 'redis';
  limiter(name: string, points: number, durationSeconds: number): SharedLimiter;
  /** False when `key` was already used in `namespace` within `ttlSeconds` (any replica). */
  firstUse(namespace: string, key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Store keys are bounded (varchar 255): long caller-chosen keys (DPoP jti, proofs) are hashed. */
const storeKey = (key: string) => (key.length > 180 ? createHash('sha256').update(key).digest('hex') : key);

export function createSharedState(options: { pool: pg.Pool; redisUrl: string | undefined; log: Logger }): SharedState {
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }) : null;
  redis?.on('error', (error: Error) => options.log.warn({ err: error.message }, 'agent API: Redis error'));
  let warned = false;
  const warnOnce = (error: unknown) => {
    if (warned) return;
    warned = true;
    options.log.warn({ err: String(error) }, 'agent API: shared rate-limit store failed; limiting per replica in memory meanwhile');
  };
  const limiters = new Map<string, RateLimiterAbstract>();
  const build = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const key = `${name}:${points}:${duration}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      const keyPrefix = `agent-${name}`;
      const insuranceLimiter = new RateLimiterMemory({ keyPrefix, points, duration });
      limiter = redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, insuranceLimiter })
        : new RateLimiterPostgres({
            storeClient: options.pool,
            storeType: 'pool',
            schemaName: GATEWAY_SCHEMA,
            tableName: RATE_LIMIT_TABLE,
            tableCreated: true,
            clearExpiredByTimeout: true,
            keyPrefix,
            points,
            duration,
            insuranceLimiter,
          });
      limiters.set(key, limiter);
    }
    return limiter;
  };
  const consume = async (limiter: RateLimiterAbstract, key: string): Promise<LimitResult> => {
    try {
      await limiter.consume(storeKey(key));
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: rejection.msBeforeNext };
      warnOnce(rejection);
      throw rejection;
    }
  };
  return {
    backend: redis ? 'redis' : 'postgres',
    limiter: (name, points, durationSeconds) => ({ consume: (key) => consume(build(name, points, durationSeconds), key) }),
    async firstUse(namespace, key, ttlSeconds) {
      return (await consume(build(`once-${namespace}`, 1, ttlSeconds), key)).allowed;
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
