/**
 * The real gateway (createGatewayYoga, unchanged) with `authenticate: createRequestAuthenticator(...)`
 * as main.ts should wire it: tokens select the operator, scope follows engine.users, refused
 * tokens are 401 through the gateway's error masking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayYoga, type GatewayYoga } from '../../src/server/yoga.js';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import type { ReadinessState } from '../../src/db/readiness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, insertTestUsers, jwt, now, testAuthConfig } from './helpers.js';

let db: TestDatabase;
let prisma: Db;
let yoga: GatewayYoga;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestUsers(db.pool);
  prisma = createPrismaClient(db.pool);
  const readiness: ReadinessState = { drift: null, driftMode: db.config.driftMode, checkedAt: null };
  const authenticate = createRequestAuthenticator({ pool: db.pool, auth: testAuthConfig() });
  yoga = createGatewayYoga({ config: db.config, pool: db.pool, prisma, readiness, authenticate });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function graphql(query: string, headers: Record<string, string> = {}) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const SITES = '{ me { username role authMethod } sites { totalCount edges { node { name } } } }';
const session = (username: string) => mintBorealisSession({ secret: ENGINE_SECRET, username, role: 'Admin' });

describe('the gateway with real authentication', () => {
  it('admin sees every site; a scoped user only hers; a user without sites none', async () => {
    const admin = await graphql(SITES, { authorization: `Bearer ${session('admin')}` });
    expect(admin.body.errors).toBeUndefined();
    expect(admin.body.data.me).toEqual({ username: 'admin', role: 'ADMIN', authMethod: 'borealis-session' });
    expect(admin.body.data.sites.edges.map((e: any) => e.node.name).sort()).toEqual(['North', 'South']);

    const alice = await graphql(SITES, { cookie: `borealis_auth=${session('alice')}` });
    expect(alice.body.errors).toBeUndefined();
    expect(alice.body.data.me).toEqual({ username: 'Alice', role: 'USER', authMethod: 'borealis-session' });
    expect(alice.body.data.sites).toEqual({ totalCount: 1, edges: [{ node: { name: 'North' } }] });

    const nosite = await graphql(SITES, { authorization: `Bearer ${await jwt({ sub: 'nosite' })}` });
    expect(nosite.body.data.me).toEqual({ username: 'nosite', role: 'USER', authMethod: 'jwt' });
    expect(nosite.body.data.sites).toEqual({ totalCount: 0, edges: [] });
  });

  it('refused tokens are 401 UNAUTHENTICATED with the reason, through the error masking', async () => {
    for (const [headers, reason] of [
      [{ authorization: `Bearer ${await jwt({ exp: now() - 60 })}` }, 'token_expired'],
      [{ cookie: `borealis_auth=${session('resetme')}` }, 'auth_reset_required'],
      [{ authorization: `Bearer ${mintBorealisSession({ secret: 'forged', username: 'admin' })}` }, 'token_invalid'],
    ] as const) {
      const { status, body } = await graphql(SITES, headers);
      expect(status).toBe(401);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    }
  });
});
