/**
 * graphql-ws authentication over a real `ws` server on 127.0.0.1 with a graphql-ws client:
 * accepted tokens, 4403 refusals, and the socket closed when the token expires.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema } from 'graphql-yoga';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import { createWebSocketAuth, TOKEN_EXPIRED_REASON, WS_CLOSE_FORBIDDEN } from '../../src/auth/websocket.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ENGINE_SECRET, insertTestUsers, jwt, now, testAuthConfig } from '../auth/helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const schema = createSchema<{ identity: OperatorIdentity | null }>({
  typeDefs: /* GraphQL */ `
    type Query {
      whoami: String
    }
    type Subscription {
      ticks: Int!
    }
  `,
  resolvers: {
    Query: { whoami: (_root, _args, ctx) => ctx.identity?.username ?? null },
    Subscription: {
      ticks: {
        subscribe: async function* () {
          for (let i = 0; ; i++) {
            yield { ticks: i };
            await sleep(100);
          }
        },
      },
    },
  },
});

let db: TestDatabase;
let server: Server;
let wss: WebSocketServer;
let dispose: () => Promise<void> | void;
let url: string;
let origin: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestUsers(db.pool);
  const auth = createWebSocketAuth({ pool: db.pool, auth: testAuthConfig({ GATEWAY_AUTH_CLOCK_TOLERANCE_SECONDS: '0' }) });
  server = createServer();
  wss = new WebSocketServer({ server, path: '/graphql' });
  ({ dispose } = useServer({ schema, onConnect: auth.onConnect, onSubscribe: auth.onSubscribe, onClose: auth.onClose, context: auth.context }, wss));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `ws://127.0.0.1:${port}/graphql`;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await dispose?.();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await db?.drop();
});

interface Connection {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
}

/** A graphql-ws client (no retries); `headers` go on the HTTP upgrade request. */
function connect(connectionParams?: Record<string, unknown>, headers: Record<string, string> = {}): Connection {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({
    url,
    webSocketImpl: HeaderWebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed({ code: (event as CloseEvent).code, reason: String((event as CloseEvent).reason) }) },
  });
  return { client, closed };
}

async function query(client: Client, q: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    client.subscribe({ query: q }, { next: (value) => (result = value), error: reject, complete: () => resolve(result) });
  });
}

const sessionToken = (username: string, issuedAt = new Date()) => mintBorealisSession({ secret: ENGINE_SECRET, username, now: issuedAt });

describe('WebSocket authentication (graphql-ws)', () => {
  it('a session token in connectionParams.authorization connects; whoami is the re-read username', async () => {
    const { client } = connect({ authorization: `Bearer ${sessionToken('alice')}` });
    try {
      expect(await query(client, '{ whoami }')).toEqual({ data: { whoami: 'Alice' } });
    } finally {
      await client.dispose();
    }
  });

  it('a JWT in connectionParams.token (or a bare Authorization value) connects', async () => {
    for (const params of [{ token: await jwt({ sub: 'admin' }) }, { Authorization: await jwt({ sub: 'nosite' }) }]) {
      const { client } = connect(params);
      try {
        expect(await query(client, '{ whoami }')).toEqual({ data: { whoami: params.token ? 'admin' : 'nosite' } });
      } finally {
        await client.dispose();
      }
    }
  });

  it('the borealis_auth cookie of a same-origin upgrade request connects; from a foreign origin it closes with 4403', async () => {
    const cookie = `borealis_auth=${sessionToken('nosite')}`;
    const same = connect(undefined, { cookie, origin });
    try {
      expect(await query(same.client, '{ whoami }')).toEqual({ data: { whoami: 'nosite' } });
    } finally {
      await same.client.dispose();
    }
    const foreign = connect(undefined, { cookie, origin: 'https://evil.example' });
    expect(await foreign.closed).toEqual({ code: WS_CLOSE_FORBIDDEN, reason: 'Forbidden' });
  });

  it.each([
    ['no token', () => connect({})],
    ['no connectionParams at all', () => connect()],
    ['a forged session token', () => connect({ authorization: `Bearer ${mintBorealisSession({ secret: 'forged', username: 'admin', role: 'Admin' })}` })],
    ['a JWT with alg none', () => connect({ token: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'admin', exp: now() + 60 })).toString('base64url')}.` })],
    ['a disabled account', () => connect({ authorization: `Bearer ${sessionToken('dirdis')}` })],
    ['a deleted account', () => connect({ authorization: `Bearer ${sessionToken('gone')}` })],
  ])('%s -> closed with 4403', async (_name, open) => {
    const { closed } = open();
    expect(await closed).toEqual({ code: WS_CLOSE_FORBIDDEN, reason: 'Forbidden' });
  });

  it('an already expired token -> 4403 "Token expired"', async () => {
    const { closed } = connect({ authorization: `Bearer ${sessionToken('alice', new Date(Date.now() - 3601_000))}` });
    expect(await closed).toEqual({ code: WS_CLOSE_FORBIDDEN, reason: TOKEN_EXPIRED_REASON });
  });

  it('closes the socket (4403 "Token expired") when a short-lived JWT expires, ending the subscription', async () => {
    const exp = now() + 2;
    const { client, closed } = connect({ authorization: `Bearer ${await jwt({ sub: 'alice', exp })}` });
    const ticks: number[] = [];
    const ended = new Promise<unknown>((resolve) => {
      client.subscribe<{ ticks: number }>({ query: 'subscription { ticks }' }, { next: (v) => ticks.push(v.data!.ticks), error: resolve, complete: () => resolve('complete') });
    });
    const event = await closed;
    const closedAt = Date.now();
    expect(event).toEqual({ code: WS_CLOSE_FORBIDDEN, reason: TOKEN_EXPIRED_REASON });
    // Not before the token's exp, and promptly after it.
    expect(closedAt).toBeGreaterThanOrEqual(exp * 1000);
    expect(closedAt).toBeLessThan(exp * 1000 + 1500);
    expect(ticks.length).toBeGreaterThan(3);
    expect(await ended).toMatchObject({ code: WS_CLOSE_FORBIDDEN });
    await client.dispose();
  });

  it('re-reads the account for every operation: a reset-required account is disconnected on its next operation', async () => {
    const { client, closed } = connect({ authorization: `Bearer ${sessionToken('demoted')}` });
    try {
      expect(await query(client, '{ whoami }')).toEqual({ data: { whoami: 'demoted' } });
      await db.pool.query(`UPDATE engine.users SET auth_reset_required = 1 WHERE username = 'demoted'`);
      await expect(query(client, '{ whoami }')).rejects.toBeDefined();
      expect(await closed).toEqual({ code: WS_CLOSE_FORBIDDEN, reason: 'Forbidden' });
    } finally {
      await db.pool.query(`UPDATE engine.users SET auth_reset_required = 0 WHERE username = 'demoted'`);
      await client.dispose();
    }
  });
});

describe('expiry timer', () => {
  /** A graphql-ws context with a fake socket recording close(). */
  function fakeContext(token: string) {
    const closes: Array<[number, string]> = [];
    const socket = { OPEN: 1, CONNECTING: 0, readyState: 1, close: (code: number, reason: string) => closes.push([code, reason]) };
    const ctx = { connectionInitReceived: true, acknowledged: false, subscriptions: {}, connectionParams: { token }, extra: { socket, request: { headers: {} } } };
    return { ctx: ctx as never, closes };
  }

  it('waits out lifetimes longer than setTimeout allows (30-day session) and is cleared on close', async () => {
    const auth = createWebSocketAuth({ pool: db.pool, auth: testAuthConfig({ BOREALIS_TOKEN_TTL_SECONDS: String(30 * 86400) }) });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const delays: number[] = [];
    const fakeSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return fakeSetTimeout(fn, ms);
    }) as typeof setTimeout;
    try {
      const first = fakeContext(sessionToken('alice'));
      const second = fakeContext(sessionToken('alice'));
      expect(await auth.onConnect(first.ctx)).toBe(true);
      expect(await auth.onConnect(second.ctx)).toBe(true);
      expect(auth.identityOf(first.ctx)?.username).toBe('Alice');
      auth.onClose(second.ctx);
      expect(auth.identityOf(second.ctx)).toBeNull();
      // Node turns a delay above 2^31-1 ms into 1 ms (TimeoutOverflowWarning): never ask for one.
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(delays.filter((ms) => ms > 86400_000)).toEqual([2 ** 31 - 1, 2 ** 31 - 1]);

      // setTimeout caps at ~24.8 days: a naive timer would have fired at once (overflow) or at 24.8 days.
      vi.advanceTimersByTime(1000);
      expect(first.closes).toEqual([]);
      vi.advanceTimersByTime(29 * 86400_000);
      expect(first.closes).toEqual([]);
      vi.advanceTimersByTime(86400_000);
      expect(first.closes).toEqual([[WS_CLOSE_FORBIDDEN, TOKEN_EXPIRED_REASON]]);
      expect(second.closes).toEqual([]);
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    } finally {
      globalThis.setTimeout = fakeSetTimeout;
      vi.useRealTimers();
    }
  });
});
