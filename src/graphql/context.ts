/** What every resolver receives. Built once per request (see app.ts). */
import type pg from 'pg';
import type { GatewayConfig } from '../config/env.js';
import type { Db } from '../db/prisma.js';
import type { ReadinessState } from '../db/readiness.js';
import type { OperatorIdentity } from '../auth/identity.js';
import type { Loaders } from '../access/loaders.js';
import type { Scope } from '../access/scope.js';

export interface GatewayServices {
  config: GatewayConfig;
  pool: pg.Pool;
  prisma: Db;
  readiness: ReadinessState;
  /** Proves who is calling (src/auth); null for an anonymous request, throws when refused. */
  authenticate: (request: Request) => Promise<OperatorIdentity | null>;
  /** Embedded demo only: the printed admin token, pre-filled in GraphiQL's headers. */
  demoToken?: string | undefined;
}

export interface GatewayContext extends GatewayServices {
  requestId: string;
  /** The verified, re-validated operator; null for an anonymous request. */
  identity: OperatorIdentity | null;
  /** Site scope of the identity, applied in SQL by every list, count, relation and node lookup. */
  scope: Scope;
  /** Per-request batching loaders (src/access/loaders.ts). */
  loaders: Loaders;
}
