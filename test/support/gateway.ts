/** An in-process gateway over a test database: call it with `gateway.graphql(...)` (yoga.fetch). */
import { createGatewayYoga, type GatewayYoga } from '../../src/server/yoga.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { refreshDrift, type ReadinessState } from '../../src/db/readiness.js';
import type { TestDatabase } from './database.js';
import type { OperatorIdentity } from '../../src/auth/identity.js';

/** An identity as the auth layer would build it after re-reading engine.users. */
export function testIdentity(username: string, role: 'Admin' | 'User', siteIds: number[] | null, userId = 1n): OperatorIdentity {
  return { userId, username, role, isAdmin: role === 'Admin', siteIds: role === 'Admin' ? null : (siteIds ?? []), authMethod: 'test', expiresAt: null };
}

export interface TestGateway {
  yoga: GatewayYoga;
  readiness: ReadinessState;
  // Tests read JSON responses; `any` keeps assertions on nested data short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  close(): Promise<void>;
}

/**
 * Tests choose the caller per request with `authorization: Test <name>`, where <name> is a key of
 * `identities` (built directly, as the read API issue allows); no header = anonymous.
 */
export async function createTestGateway(
  db: TestDatabase,
  identities: Record<string, OperatorIdentity> = {},
): Promise<TestGateway> {
  const prisma = createPrismaClient(db.pool);
  const readiness: ReadinessState = { drift: null, driftMode: db.config.driftMode, checkedAt: null };
  await refreshDrift(db.pool, readiness);
  const authenticate = async (request: Request) => {
    const name = /^Test (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (name === undefined) return null;
    const identity = identities[name];
    if (!identity) throw new Error(`unknown test identity ${name}`);
    return identity;
  };
  const yoga = createGatewayYoga({ config: db.config, pool: db.pool, prisma, readiness, authenticate });
  return {
    yoga,
    readiness,
    async graphql(query, variables, headers) {
      const response = await yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
    },
    close: () => prisma.$disconnect(),
  };
}
