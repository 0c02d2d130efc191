/** What every resolver receives. Built once per operation by src/server/context.ts, whatever the transport. */
import type pg from 'pg';
import type { ExecutionResult, GraphQLError, OperationTypeNode } from 'graphql';
import type { GatewayConfig } from '../config/env.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/prisma.js';
import type { ReadinessState } from '../db/readiness.js';
import type { StatementTally } from '../db/request-work.js';
import type { OperatorIdentity } from '../auth/identity.js';
import type { Loaders } from '../access/loaders.js';
import type { Scope } from '../access/scope.js';
import type { ChangeFeed } from './changes.js';

export interface GatewayServices {
  config: GatewayConfig;
  pool: pg.Pool;
  prisma: Db;
  readiness: ReadinessState;
  /** Proves who is calling (src/auth); null for an anonymous request, throws when refused. */
  authenticate: (request: Request) => Promise<OperatorIdentity | null>;
  /** Embedded demo only: the printed admin token, pre-filled in GraphiQL's headers. */
  demoToken?: string | undefined;
  /** Live subscriptions' change feed (src/realtime); absent where subscriptions are not served. */
  changes?: ChangeFeed | undefined;
}

export type Transport = 'http' | 'websocket';

/**
 * One HTTP request (possibly a batch of operations) or one WebSocket operation, as the access
 * log and the metrics see it.
 */
export interface RequestTrace {
  readonly requestId: string;
  readonly transport: Transport;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  readonly statements: StatementTally;
  user: string | null;
  /** Its operations as parsed; `valid` once they passed validation (only those name a metric series). */
  operations: Array<{ name: string | null; type: OperationTypeNode | null; valid: boolean }>;
  /** The code of every error returned to the client. */
  errorCodes: string[];
  /** The original of every masked (INTERNAL_SERVER_ERROR) error, logged once with its stack. */
  internalErrors: Error[];
}

export interface GatewayContext extends GatewayServices {
  requestId: string;
  trace: RequestTrace;
  /** The request's logger (carries requestId). */
  log: Logger;
  /** The verified, re-validated operator; null for an anonymous request. */
  identity: OperatorIdentity | null;
  /** Site scope of the identity, applied in SQL by every list, count, relation and node lookup. */
  scope: Scope;
  /** Per-request batching loaders (src/access/loaders.ts). */
  loaders: Loaders;
  /**
   * Fires when the caller is gone (HTTP client disconnected, WebSocket operation completed by the
   * client or socket closed): the operation's running statements are cancelled (src/db/pool.ts).
   */
  signal?: AbortSignal;
  /**
   * graphql-ws: told at once when a subscription of this operation falls too far behind
   * (SUBSCRIBER_TOO_SLOW), since a client that does not read would never receive the error through
   * the stream; the transport sends it and closes the socket.
   */
  onTooSlow?: (error: GraphQLError) => void;
  /**
   * graphql-ws: writes a subscription's error-free live results straight to the socket, framed
   * for this operation, instead of each one passing through the transport's own iteration
   * (src/realtime/shared-execution.ts, "Direct delivery").
   */
  liveResults?: LiveResults;
}

/** Where a transport takes a subscription's live results directly. */
export interface LiveResults {
  /**
   * Sends one result without errors. Returns a promise when the connection is backed up (the
   * caller waits for it before taking the next event, so events wait in the subscriber's bounded
   * queue as they would for the transport's own iteration), else nothing.
   */
  send(result: ExecutionResult): Promise<void> | undefined;
}
