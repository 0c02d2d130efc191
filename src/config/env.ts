/**
 * Gateway configuration, read once from environment variables and validated at startup.
 * Every problem is collected and reported together, so an operator fixes them in one pass.
 */
import os from 'node:os';
import path from 'node:path';
import { selectPoolProfile, type PoolProfile } from './pool-profile.js';
import { readAgentApiConfig, type AgentApiConfig } from './agent.js';

export type DriftMode = 'warn' | 'refuse';

export interface GatewayConfig {
  /** undefined: start an embedded PostgreSQL under dataDir (development default). */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  dataDir: string;
  /** GATEWAY_EMBEDDED_PG_PORT: port of the embedded PostgreSQL; 0 picks a free one. */
  embeddedPgPort: number;
  graphiql: boolean;
  driftMode: DriftMode;
  db: DatabaseConfig;
  security: SecurityConfig;
  log: LogConfig;
  /** Serve Prometheus metrics on /metrics. */
  metrics: boolean;
  /** Answer compilable queries with one SQL statement (src/graphql/compile, docs/performance.md). */
  compiledReads: boolean;
  tracing: TracingConfig;
  /** On SIGTERM/SIGINT: how long in-flight requests may take to finish before connections are cut. */
  shutdownTimeoutMs: number;
  /** The agent REST router (/api/agent/*, src/config/agent.ts). */
  agent: AgentApiConfig;
  realtime: RealtimeConfig;
}

/** Live subscriptions (src/realtime, docs/subscriptions.md). */
export interface RealtimeConfig {
  /** Change-log rows older than this are pruned (cursors before them cannot be resumed). */
  changeLogRetentionSeconds: number;
  /** At most this many change-log rows are kept (the oldest are pruned first). */
  changeLogMaxRows: number;
  /** How often this replica prunes the change log. */
  pruneIntervalMs: number;
  /** Without the capture triggers: how often the captured tables are polled by their update column. */
  pollIntervalMs: number;
  /** Events queued for one subscriber beyond this many end its subscription (SUBSCRIBER_TOO_SLOW). */
  subscriberBuffer: number;
  /**
   * graphql-ws: bytes a socket may hold unsent (the client does not read) before it is closed with
   * 4413 (src/server/websocket.ts).
   */
  socketBufferBytes: number;
  /** How often a subscriber's account is re-read (a disabled account's stream ends). */
  revalidateMs: number;
  /**
   * How often the LISTEN session is asked `SELECT 1`; no answer within this long either means it
   * is gone (a network partition, a frozen proxy: nothing closes the socket) and it is replaced.
   */
  listenHeartbeatMs: number;
  /**
   * How long the change feed may be cut off from the database (LISTEN lost, reads failing) before
   * its subscriptions end with the retryable SUBSCRIPTIONS_INTERRUPTED; shorter outages are
   * bridged without an error (the log is read from the last sequence once it is back).
   */
  outageLimitMs: number;
}

/** Optional OpenTelemetry tracing of GraphQL operations (off unless GATEWAY_OTEL_TRACING=true). */
export interface TracingConfig {
  enabled: boolean;
  /** OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces. */
  endpoint: string;
  serviceName: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LogConfig {
  level: (typeof LOG_LEVELS)[number];
  /** JSON lines whatever the terminal (production); otherwise JSON only when stdout is not a TTY. */
  json: boolean;
}

export interface SecurityConfig {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  /** Operations per batched HTTP request (an array body). */
  maxBatch: number;
  maxBodyBytes: number;
  introspection: boolean;
}

export interface DatabaseConfig {
  profile: PoolProfile;
  poolSize: number;
  maxOverflow: number;
  /** Seconds to establish a connection or wait for a pooled one. */
  connectTimeoutSeconds: number;
  idleInTransactionTimeoutMs: number;
  /** GraphQL operations queued for admission beyond this many are refused at once (SERVER_BUSY). */
  maxWaitingRequests: number;
  /** GraphQL operations running at once (src/server/plugins/admission.ts); defaults to the pool's size. */
  maxConcurrentRequests: number;
  /** How long a queued operation waits for admission before it is refused (SERVER_BUSY). */
  admissionWaitMs: number;
  statementTimeoutMs: number;
  /** Client-side bound on one statement (pg query_timeout): a frozen database cannot hold a request longer. */
  queryTimeoutMs: number;
  applicationName: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Reads variables and collects every problem, so all of them are reported at once. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** Comma-separated list; empty entries dropped. */
  list(name: string): string[] {
    return (this.string(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  /** An http(s) URL (OpenTelemetry collector endpoints). */
  httpUrl(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!URL.canParse(raw) || !['http:', 'https:'].includes(new URL(raw).protocol)) {
      this.problems.push(`${name} must be an http:// or https:// URL (got "${raw}")`);
      return undefined;
    }
    return raw;
  }

  url(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name} must be a postgresql:// URL`);
      return undefined;
    }
  }
}

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
}

export function currentHost(): HostFacts {
  return { cpus: os.availableParallelism?.() ?? os.cpus().length, memoryBytes: os.totalmem() };
}

/** The pool and admission settings; defaults derived from the pool size and statement timeout. */
function readDatabaseConfig(read: EnvReader, profile: PoolProfile): DatabaseConfig {
  const poolSize = read.integer('BOREALIS_DB_POOL_SIZE', profile.poolSize, 1, 1000);
  const maxOverflow = read.integer('BOREALIS_DB_MAX_OVERFLOW', profile.maxOverflow, 0, 1000);
  const connectTimeoutSeconds = read.integer('BOREALIS_DB_CONNECT_TIMEOUT', 15, 1, 600);
  const idleInTransactionTimeoutMs = read.integer('BOREALIS_DB_IDLE_IN_TXN_TIMEOUT_MS', 60000, 0, 86_400_000);
  const maxWaitingRequests = read.integer('GATEWAY_DB_MAX_WAITING', 100, 0, 100_000);
  const statementTimeoutMs = read.integer('GATEWAY_DB_STATEMENT_TIMEOUT_MS', 30000, 0, 86_400_000);
  return {
    profile,
    poolSize,
    maxOverflow,
    connectTimeoutSeconds,
    idleInTransactionTimeoutMs,
    maxWaitingRequests,
    maxConcurrentRequests: read.integer('GATEWAY_MAX_CONCURRENT_REQUESTS', poolSize + maxOverflow, 1, 100_000),
    admissionWaitMs: read.integer('GATEWAY_ADMISSION_WAIT_MS', 2000, 0, 600_000),
    statementTimeoutMs,
    // A few seconds beyond the server's own statement timeout, so the server's coded error wins
    // whenever the database is answering at all.
    queryTimeoutMs: read.integer('GATEWAY_DB_QUERY_TIMEOUT_MS', statementTimeoutMs > 0 ? statementTimeoutMs + 5000 : 0, 0, 86_400_000),
    applicationName: read.string('GATEWAY_APPLICATION_NAME') ?? 'borealis-graphql-gateway',
  };
}

/** NODE_ENV=production: stricter defaults (no GraphiQL, no introspection, secrets required). */
export function isProduction(env: Env = process.env): boolean {
  return env.NODE_ENV === 'production';
}

export function loadConfig(env: Env = process.env, host: HostFacts = currentHost()): GatewayConfig {
  const read = new EnvReader(env);
  const profile = selectPoolProfile(host);
  const production = isProduction(env);
  const databaseUrl = read.url('DATABASE_URL');
  const dataDir = path.resolve(read.string('GATEWAY_DATA_DIR') ?? '.data');
  const config: GatewayConfig = {
    databaseUrl,
    host: read.string('HOST') ?? '127.0.0.1',
    port: read.integer('PORT', 4000, 0, 65535),
    dataDir,
    embeddedPgPort: read.integer('GATEWAY_EMBEDDED_PG_PORT', 0, 0, 65535),
    graphiql: read.boolean('GATEWAY_GRAPHIQL', !production),
    driftMode: read.oneOf('GATEWAY_DRIFT_MODE', ['warn', 'refuse'] as const, 'warn'),
    db: readDatabaseConfig(read, profile),
    security: {
      maxDepth: read.integer('GATEWAY_MAX_DEPTH', 12, 1, 100),
      maxAliases: read.integer('GATEWAY_MAX_ALIASES', 15, 0, 1000),
      maxTokens: read.integer('GATEWAY_MAX_TOKENS', 5000, 10, 1_000_000),
      maxCost: read.integer('GATEWAY_MAX_COST', 25_000, 10, 10_000_000),
      maxBatch: read.integer('GATEWAY_MAX_BATCH', 5, 0, 100),
      maxBodyBytes: read.integer('GATEWAY_MAX_BODY_BYTES', 1_048_576, 1024, 100 * 1_048_576),
      introspection: read.boolean('GATEWAY_INTROSPECTION', !production),
    },
    log: { level: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'), json: production },
    metrics: read.boolean('GATEWAY_METRICS', true),
    compiledReads: read.boolean('GATEWAY_COMPILED_READS', true),
    tracing: {
      enabled: read.boolean('GATEWAY_OTEL_TRACING', false),
      // The OpenTelemetry SDK's own variable names, so a collector set-up works unchanged.
      endpoint: read.httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? `${(read.httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT') ?? 'http://127.0.0.1:4318').replace(/\/+$/, '')}/v1/traces`,
      serviceName: read.string('OTEL_SERVICE_NAME') ?? 'borealis-graphql-gateway',
    },
    shutdownTimeoutMs: read.integer('GATEWAY_SHUTDOWN_TIMEOUT_MS', 10000, 0, 600_000),
    agent: readAgentApiConfig(read, dataDir, !databaseUrl),
    realtime: {
      changeLogRetentionSeconds: read.integer('GATEWAY_CHANGE_LOG_RETENTION_SECONDS', 86_400, 60, 90 * 86_400),
      changeLogMaxRows: read.integer('GATEWAY_CHANGE_LOG_MAX_ROWS', 1_000_000, 1000, 1_000_000_000),
      pruneIntervalMs: read.integer('GATEWAY_CHANGE_LOG_PRUNE_INTERVAL_MS', 60_000, 1000, 86_400_000),
      pollIntervalMs: read.integer('GATEWAY_SUBSCRIPTION_POLL_INTERVAL_MS', 2000, 100, 600_000),
      subscriberBuffer: read.integer('GATEWAY_SUBSCRIBER_BUFFER', 1000, 1, 1_000_000),
      socketBufferBytes: read.integer('GATEWAY_SUBSCRIBER_SOCKET_BUFFER_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      revalidateMs: read.integer('GATEWAY_SUBSCRIPTION_REVALIDATE_MS', 60_000, 100, 86_400_000),
      listenHeartbeatMs: read.integer('GATEWAY_LISTEN_HEARTBEAT_MS', 10_000, 100, 600_000),
      outageLimitMs: read.integer('GATEWAY_SUBSCRIPTION_OUTAGE_LIMIT_MS', 30_000, 1000, 3_600_000),
    },
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
