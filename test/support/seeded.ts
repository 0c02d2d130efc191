/**
 * A fresh database with the Borealis baseline and the demo seed, plus the demo operators as the
 * auth layer would build them (loadOperator re-reads engine.users and user_site_assignments).
 * Demo users: admin (Admin), alice (User, Acme HQ), bob (User, Acme Branch Office + Globex Plant),
 * carol (User, no site); dave (directory-disabled) and erin (reset required) cannot sign in.
 */
import { loadOperator } from '../../src/auth/operator.js';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { seedDemoData } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createTestGateway, type TestGateway } from './gateway.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GraphQLResponse = { data?: any; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> };

export const OPERATORS = ['admin', 'alice', 'bob', 'carol'] as const;
export type OperatorName = (typeof OPERATORS)[number];

export interface SeededGateway {
  db: TestDatabase;
  gateway: TestGateway;
  identities: Record<OperatorName, OperatorIdentity>;
  /** GraphQL as one of the demo operators (or anonymous with `null`). */
  as(who: OperatorName | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export async function createSeededGateway(options: { devices?: number; env?: Record<string, string> } = {}): Promise<SeededGateway> {
  const db = await createTestDatabase({ env: options.env });
  await seedDemoData(db.pool, { devices: options.devices ?? 120 });
  const prisma = createPrismaClient(db.pool);
  const identities = {} as Record<OperatorName, OperatorIdentity>;
  for (const name of OPERATORS) identities[name] = await loadOperator(db.pool, name, { authMethod: 'test', expiresAt: null });
  await prisma.$disconnect();
  const gateway = await createTestGateway(db, identities);
  return {
    db,
    gateway,
    identities,
    as: ((who: OperatorName | null, query: string, variables?: Record<string, unknown>) =>
      gateway.graphql(query, variables, who ? { authorization: `Test ${who}` } : {})) as SeededGateway['as'],
    async close() {
      await gateway.close();
      await db.drop();
    },
  };
}
