/**
 * The Yoga wiring (createRequestAuthenticator in a context factory) on a small Yoga
 * instance over a real database: identity in the context, 401 responses for refused tokens,
 * anonymous requests allowed through, one authentication per request.
 */
import type { GraphQLSchema } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthDeps } from '../../src/auth/authenticate.js';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createRequestAuthenticator, type IdentityContext } from '../../src/auth/yoga-plugin.js';
import type { OperatorSource } from '../../src/auth/operator.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, insertTestUsers, jwt, now, testAuthConfig } from './helpers.js';

let db: TestDatabase;
let deps: AuthDeps;
let userLookups = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestUsers(db.pool);
  // Count engine.users lookups (one statement per authentication).
  const pool: OperatorSource = {
    query: ((...args: Parameters<OperatorSource['query']>) => {
      userLookups++;
      return db.pool.query(...args);
    }) as OperatorSource['query'],
  };
  deps = { pool, auth: testAuthConfig() };
});
afterAll(async () => {
  await db?.drop();
});

const typeDefs = /* GraphQL */ `
  type Query {
    health: String!
    whoami: String
    scope: [Int!]
  }
`;

function resolvers() {
  return {
    Query: {
      health: () => 'ok',
      whoami: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.identity?.username ?? null,
      scope: (_: unknown, __: unknown, ctx: IdentityContext) => (ctx.identity?.siteIds ? [...ctx.identity.siteIds] : null),
    },
  };
}

/** The way app.ts uses it: `services.authenticate(request)` in the context factory. */
function servicesYoga(authDeps: AuthDeps = deps) {
  const authenticate = createRequestAuthenticator(authDeps);
  return createYoga({
    schema: createSchema({ typeDefs, resolvers: resolvers() }) as GraphQLSchema,
    context: async ({ request }) => ({ identity: await authenticate(request) }),
    logging: false,
  });
}

async function post(yoga: ReturnType<typeof servicesYoga>, query: string, headers: Record<string, string> = {}) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

describe.each([['createRequestAuthenticator in a context factory', servicesYoga]])('%s', (_name, makeYoga) => {
  it('anonymous: the health query works, identity is null', async () => {
    const { status, body } = await post(makeYoga(), '{ health whoami }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { health: 'ok', whoami: null } });
  });

  it('a session cookie or a JWT bearer puts the re-read identity in the context', async () => {
    const yoga = makeYoga();
    const cookie = `borealis_auth=${mintBorealisSession({ secret: ENGINE_SECRET, username: 'ALICE', role: 'Admin' })}`;
    const viaCookie = await post(yoga, '{ whoami scope }', { cookie });
    expect(viaCookie.body).toEqual({ data: { whoami: 'Alice', scope: [expect.any(Number)] } });
    const viaJwt = await post(yoga, '{ whoami scope }', { authorization: `Bearer ${await jwt({ sub: 'admin' })}` });
    expect(viaJwt.body).toEqual({ data: { whoami: 'admin', scope: null } });
  });

  it('a refused token answers HTTP 401 with UNAUTHENTICATED, no data, no stack, no token', async () => {
    const yoga = makeYoga();
    const expired = await jwt({ exp: now() - 120 });
    const { status, body } = await post(yoga, '{ health }', { authorization: `Bearer ${expired}` });
    expect(status).toBe(401);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([
      { message: 'The authentication token has expired. Sign in again.', extensions: { code: 'UNAUTHENTICATED', reason: 'token_expired' } },
    ]);
    expect(JSON.stringify(body)).not.toContain(expired.split('.')[2]!.slice(0, 10));

    const disabled = await post(yoga, '{ health }', { cookie: `borealis_auth=${mintBorealisSession({ secret: ENGINE_SECRET, username: 'dirdis' })}` });
    expect(disabled.status).toBe(401);
    expect(disabled.body.errors?.[0]).toEqual({ message: 'This directory account is disabled.', extensions: { code: 'UNAUTHENTICATED', reason: 'account_disabled' } });

    const forged = await post(yoga, '{ health }', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl' });
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'token_invalid' });
  });
});

describe('one authentication per request', () => {
  it('one engine.users lookup per request with GATEWAY_IDENTITY_CACHE_MS=0', async () => {
    const yoga = servicesYoga({ ...deps, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '0' }) });
    const before = userLookups;
    const { body } = await post(yoga, '{ whoami scope }', { authorization: `Bearer ${await jwt({ sub: 'nosite' })}` });
    expect(body).toEqual({ data: { whoami: 'nosite', scope: [] } });
    expect(userLookups - before).toBe(1);
    // A second request authenticates again.
    await post(yoga, '{ whoami }', { authorization: `Bearer ${await jwt({ sub: 'nosite' })}` });
    expect(userLookups - before).toBe(2);
  });

  it('by default, requests of one operator within the bound share one lookup (test/auth/identity-cache.test.ts)', async () => {
    const yoga = servicesYoga({ ...deps, auth: testAuthConfig({ GATEWAY_IDENTITY_CACHE_MS: '5000' }) });
    const before = userLookups;
    for (let i = 0; i < 3; i++) {
      const { body } = await post(yoga, '{ whoami }', { authorization: `Bearer ${await jwt({ sub: 'nosite' })}` });
      expect(body).toEqual({ data: { whoami: 'nosite' } });
    }
    expect(userLookups - before).toBe(1);
  });
});
