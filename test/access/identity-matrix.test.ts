/**
 * The identity matrix against the real gateway (HTTP and WebSocket) on the seeded database:
 * every top-level query, node(id:) and the WebSocket handshake, for an Admin, a User with one
 * site, a User with no site, a disabled directory user, expired / forged / `alg: none` /
 * wrong-audience tokens and no token at all.
 */
import { createServer, type Server } from 'node:http';
import { getNamedType, isLeafType, isNonNullType, isObjectType } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createGatewayYoga, type GatewayYoga } from '../../src/server/yoga.js';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createWebSocketAuth } from '../../src/auth/websocket.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import { seedDemoData } from '../../dev/seed/index.js';
import { refreshDrift, type ReadinessState } from '../../src/db/readiness.js';
import { gatewaySchema } from '../../src/server/schema.js';
import { attachWebSocket, type GatewayWebSocket } from '../../src/server/websocket.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { AUDIENCE, ENGINE_SECRET, jwt, testAuthConfig, unsignedJwt } from '../auth/helpers.js';

/** Queries only an Admin may run (users, directory, credentials, wrong codes, server status...). */
const ADMIN_ONLY = [
  'credentials',
  'directoryProviders',
  'enrollmentCodeFailures',
  'patchCatalogEntries',
  'patchPolicies',
  'patchPolicyAudit',
  'patchPolicyDeviceStates',
  'patchPolicyRuns',
  'devicePatches',
  'schedulerServiceSnapshots',
  'schedulerWorkerRoutes',
  'serverStatus',
  'users',
  'workflowRuns',
  'workflowWebhooks',
];
/** Queries open to anonymous callers. */
const PUBLIC = ['gatewayStatus'];

type Who = 'admin' | 'alice' | 'carol' | 'dave' | 'expired' | 'forged' | 'algNone' | 'wrongAudience' | 'nobody';
const REFUSED: Who[] = ['dave', 'expired', 'forged', 'algNone', 'wrongAudience'];

let db: TestDatabase;
let prisma: Db;
let yoga: GatewayYoga;
let server: Server;
let websocket: GatewayWebSocket;
let port: number;
const tokens = {} as Record<Who, string | null>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData(db.pool, { devices: 40 });
  prisma = createPrismaClient(db.pool);
  const auth = testAuthConfig();
  const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
  await refreshDrift(db.pool, readiness);
  const services = { config: db.config, pool: db.pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool: db.pool, auth }) };
  yoga = createGatewayYoga(services);
  server = createServer(yoga);
  websocket = attachWebSocket(server, yoga, createWebSocketAuth({ pool: db.pool, auth }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;

  const session = (username: string, role = 'User', now?: Date) => mintBorealisSession({ secret: ENGINE_SECRET, username, role, now });
  tokens.admin = session('admin', 'Admin');
  tokens.alice = await jwt({ sub: 'alice' }); // an integrator JWT naming a User
  tokens.carol = session('carol');
  tokens.dave = session('dave'); // directory_disabled = 1
  tokens.expired = session('admin', 'Admin', new Date(Date.now() - 2 * 3600 * 1000)); // TTL is 1 h
  tokens.forged = mintBorealisSession({ secret: 'not-the-engine-secret-0123456789abcdef', username: 'admin', role: 'Admin' });
  tokens.algNone = unsignedJwt({ sub: 'admin' });
  tokens.wrongAudience = await jwt({ sub: 'admin', aud: `${AUDIENCE}-other` });
  tokens.nobody = null;
});

afterAll(async () => {
  await websocket.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await prisma.$disconnect();
  await db.drop();
});

async function graphql(who: Who, query: string, variables?: Record<string, unknown>) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

/** A minimal selection for a top-level field: `totalCount` for connections, leaves otherwise. */
function minimalQuery(name: string): string | null {
  const field = gatewaySchema().getQueryType()!.getFields()[name]!;
  if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) return null;
  const type = getNamedType(field.type);
  if (isLeafType(type)) return `{ ${name} }`;
  const fields = isObjectType(type) ? type.getFields() : {};
  return 'totalCount' in fields ? `{ ${name} { totalCount } }` : `{ ${name} { __typename } }`;
}

const topLevel = Object.keys(gatewaySchema().getQueryType()!.getFields())
  .map((name) => [name, minimalQuery(name)] as const)
  .filter((entry): entry is readonly [string, string] => entry[1] !== null);

describe('identity matrix: every top-level query', () => {
  it('covers the whole Query type and the documented admin-only set', () => {
    const names = topLevel.map(([name]) => name);
    expect(names.length).toBeGreaterThan(30);
    for (const name of [...ADMIN_ONLY, ...PUBLIC]) expect(names).toContain(name);
  });

  it.each(REFUSED)('a %s token is refused with 401 UNAUTHENTICATED everywhere', async (who) => {
    for (const [name, query] of topLevel) {
      const { status, body } = await graphql(who, query);
      expect(status, name).toBe(401);
      expect(body.data ?? null, name).toBeNull();
      expect(body.errors[0].extensions.code, name).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body), name).not.toContain(tokens[who]!);
    }
  });

  it('no token: only the public health query answers', async () => {
    for (const [name, query] of topLevel) {
      const { body } = await graphql('nobody', query);
      if (PUBLIC.includes(name)) expect(body.errors, name).toBeUndefined();
      else expect(body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
  });

  it('an Admin runs every query without errors', async () => {
    for (const [name, query] of topLevel) {
      const { body } = await graphql('admin', query);
      expect(body.errors, name).toBeUndefined();
    }
  });

  it.each(['alice', 'carol'] as const)('%s (a User) is refused exactly the admin-only queries', async (who) => {
    const refused: string[] = [];
    for (const [name, query] of topLevel) {
      const { body } = await graphql(who, query);
      if (body.errors) {
        expect(body.errors[0].extensions.code, name).toBe('FORBIDDEN');
        refused.push(name);
      }
    }
    expect(refused.sort()).toEqual([...ADMIN_ONLY].sort());
  });

  it('a User sees only their sites; a User without sites sees no site data', async () => {
    const query = `{ sites { totalCount } devices { totalCount } incidents { totalCount } deviceApprovals { totalCount } scheduledJobRuns { totalCount } me { username sites { name } } }`;
    const admin = (await graphql('admin', query)).body.data;
    const alice = (await graphql('alice', query)).body.data;
    const carol = (await graphql('carol', query)).body.data;
    expect(alice.sites.totalCount).toBe(1);
    expect(alice.me.sites.map((s: { name: string }) => s.name)).toEqual(['Acme HQ']);
    for (const list of ['devices', 'incidents', 'deviceApprovals', 'scheduledJobRuns']) {
      expect(alice[list].totalCount, list).toBeLessThan(admin[list].totalCount);
      expect(carol[list].totalCount, list).toBe(0);
    }
    expect(carol.sites.totalCount).toBe(0);
  });
});

describe('identity matrix: node(id:)', () => {
  it('resolves in scope, answers null out of scope, and refuses bad tokens', async () => {
    const lookup = `query($id: ID!) { node(id: $id) { id } }`;
    const devices = (await graphql('admin', `{ devices(first: 100) { edges { node { id site { name } } } } }`)).body.data.devices.edges;
    const acme = devices.find((e: { node: { site: { name: string } | null } }) => e.node.site?.name === 'Acme HQ').node.id;
    const globex = devices.find((e: { node: { site: { name: string } | null } }) => e.node.site?.name === 'Globex Plant').node.id;
    expect((await graphql('admin', lookup, { id: globex })).body.data.node).toEqual({ id: globex });
    expect((await graphql('alice', lookup, { id: acme })).body.data.node).toEqual({ id: acme });
    expect((await graphql('alice', lookup, { id: globex })).body.data.node).toBeNull();
    expect((await graphql('carol', lookup, { id: acme })).body.data.node).toBeNull();
    expect((await graphql('nobody', lookup, { id: acme })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    for (const who of REFUSED) expect((await graphql(who, lookup, { id: acme })).status, who).toBe(401);
  });
});

describe('identity matrix: WebSocket handshake', () => {
  async function handshake(who: Who): Promise<{ me?: unknown; closeCode?: number }> {
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {},
      retryAttempts: 0,
    });
    try {
      return await new Promise((resolve) => {
        client.on('closed', (event) => resolve({ closeCode: (event as { code: number }).code }));
        client.subscribe({ query: '{ me { username } }' }, { next: (r) => resolve({ me: r.data?.me }), error: () => {}, complete: () => {} });
      });
    } finally {
      await client.dispose();
    }
  }

  it.each([
    ['admin', { me: { username: 'admin' } }],
    ['alice', { me: { username: 'alice' } }],
    ['carol', { me: { username: 'carol' } }],
    ['dave', { closeCode: 4403 }],
    ['expired', { closeCode: 4403 }],
    ['forged', { closeCode: 4403 }],
    ['algNone', { closeCode: 4403 }],
    ['wrongAudience', { closeCode: 4403 }],
    ['nobody', { closeCode: 4403 }],
  ] as const)('%s', async (who, expected) => {
    expect(await handshake(who)).toEqual(expected);
  });
});

describe('WebSocket operations keep the HTTP limits', () => {
  it('refuses a depth bomb with QUERY_TOO_DEEP and keeps the socket usable', async () => {
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens.admin}` },
      retryAttempts: 0,
    });
    const run = (query: string) =>
      new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>((resolve) => {
        client.subscribe({ query }, { next: (r) => resolve(r as never), error: (e) => resolve({ errors: e as never }), complete: () => {} });
      });
    try {
      const bomb = `{ devices { edges { node { ${'incidents { watchdog { '.repeat(6)}name${' } }'.repeat(6)} } } } }`;
      const refused = await run(bomb);
      expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
      expect(await run('{ me { username } }')).toEqual({ data: { me: { username: 'admin' } } });
    } finally {
      await client.dispose();
    }
  });
});
