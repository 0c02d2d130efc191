/** An in-process gateway over a test database: call it with `gateway.graphql(...)` (yoga.fetch). */
import { createGatewayYoga, type GatewayYoga } from '../../src/app.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { refreshDrift, type ReadinessState } from '../../src/readiness.js';
import type { TestDatabase } from './database.js';

export interface TestGateway {
  yoga: GatewayYoga;
  readiness: ReadinessState;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  close(): Promise<void>;
}

export async function createTestGateway(db: TestDatabase): Promise<TestGateway> {
  const prisma = createPrismaClient(db.pool);
  const readiness: ReadinessState = { drift: null, driftMode: db.config.driftMode, checkedAt: null };
  await refreshDrift(db.pool, readiness);
  const yoga = createGatewayYoga({ config: db.config, pool: db.pool, prisma, readiness });
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
