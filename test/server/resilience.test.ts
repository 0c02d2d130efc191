/**
 * Overload and database faults, end to end through the gateway against a real PostgreSQL: slow
 * statements come from a real lock on engine.sites, a frozen or stopped database from a TCP proxy
 * (test/support/tcp-proxy.ts) in front of the test server, never from the shared server itself.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createPool } from '../../src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createTestGateway, testIdentity, type TestGateway } from '../support/gateway.js';
import { serverAddress, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const SITES = '{ sites(first: 10) { totalCount edges { node { name } } } }';

let db: TestDatabase;
const opened: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO engine.sites (name, description, created_at) VALUES ('Acme HQ', 'Head office', 1763640000)`);
});
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});
afterAll(() => db.drop());

interface Answer {
  status: number;
  retryAfter: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; [other: string]: any };
  ms: number;
}

/** A gateway over `url` with its own pool and settings. */
async function gatewayOver(url: string, env: Record<string, string>): Promise<{ gateway: TestGateway; pool: pg.Pool; ask(query?: string): Promise<Answer>; get(path: string): Promise<Answer> }> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ...env });
  const pool = createPool(url, config.db);
  const gateway = await createTestGateway({ ...db, url, config, pool }, { admin: testIdentity('admin', 'Admin', null) });
  opened.push(async () => {
    await gateway.close();
    await pool.end();
  });
  const answer = async (response: Response | Promise<Response>, started: number): Promise<Answer> => {
    const res = await response;
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json(), ms: performance.now() - started };
  };
  return {
    gateway,
    pool,
    ask: (query = SITES) =>
      answer(
        gateway.yoga.fetch('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Test admin' },
          body: JSON.stringify({ query }),
        }),
        performance.now(),
      ),
    get: (path) => answer(gateway.yoga.fetch(`http://gateway.test${path}`), performance.now()),
  };
}

/** Holds an ACCESS EXCLUSIVE lock on engine.sites (so every read of it waits) until released. */
async function lockSites(): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE engine.sites IN ACCESS EXCLUSIVE MODE');
  const release = async () => {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  };
  opened.push(release);
  return release;
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

describe('admission per request', () => {
  it('refuses at once with 503 SERVER_BUSY and Retry-After when the queue is full, and runs what it admitted', async () => {
    const { ask } = await gatewayOver(db.url, {
      BOREALIS_DB_POOL_SIZE: '2',
      BOREALIS_DB_MAX_OVERFLOW: '0',
      GATEWAY_MAX_CONCURRENT_REQUESTS: '1',
      GATEWAY_DB_MAX_WAITING: '1',
      GATEWAY_ADMISSION_WAIT_MS: '10000',
    });
    const unlock = await lockSites();
    const running = ask();
    const queued = ask();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await ask();
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
    expect(codeOf(refused)).toBe('SERVER_BUSY');
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors).toHaveLength(1);
    // At once, not after the 10 s queue wait (the bench measures the real latency; the test machine is shared).
    expect(refused.ms).toBeLessThan(250);
    await unlock();
    for (const admitted of await Promise.all([running, queued])) {
      expect(admitted.status).toBe(200);
      expect(admitted.body.errors).toBeUndefined();
      expect(admitted.body.data.sites.totalCount).toBe(1);
    }
  });

  it('refuses an operation that waited in the queue longer than GATEWAY_ADMISSION_WAIT_MS', async () => {
    const { ask } = await gatewayOver(db.url, { GATEWAY_MAX_CONCURRENT_REQUESTS: '1', GATEWAY_DB_MAX_WAITING: '5', GATEWAY_ADMISSION_WAIT_MS: '200' });
    const unlock = await lockSites();
    const running = ask();
    const waited = await ask();
    expect(codeOf(waited)).toBe('SERVER_BUSY');
    expect(waited.status).toBe(503);
    expect(waited.ms).toBeGreaterThanOrEqual(190);
    expect(waited.ms).toBeLessThan(1000);
    await unlock();
    expect((await running).body.data.sites.totalCount).toBe(1);
    // The slot was handed back: the next operation runs.
    expect((await ask()).body.data.sites.totalCount).toBe(1);
  });
});

describe('database failures are coded, whole-response errors', () => {
  it('a pool checkout timeout is 503 DB_POOL_EXHAUSTED with no partial data', async () => {
    const { ask, pool } = await gatewayOver(db.url, { BOREALIS_DB_POOL_SIZE: '1', BOREALIS_DB_MAX_OVERFLOW: '0', BOREALIS_DB_CONNECT_TIMEOUT: '1', GATEWAY_MAX_CONCURRENT_REQUESTS: '4' });
    const held = await pool.connect();
    try {
      const answer = await ask();
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('1');
      expect(codeOf(answer)).toBe('DB_POOL_EXHAUSTED');
      expect(answer.body.data).toBeNull();
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.ms).toBeLessThan(2000);
    } finally {
      held.release();
    }
  });

  it('a statement timeout is 504 STATEMENT_TIMEOUT and keeps the pooled session', async () => {
    const { ask, pool } = await gatewayOver(db.url, { BOREALIS_DB_POOL_SIZE: '1', BOREALIS_DB_MAX_OVERFLOW: '0', GATEWAY_DB_STATEMENT_TIMEOUT_MS: '200' });
    const pidBefore = (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const unlock = await lockSites();
    for (let i = 0; i < 3; i++) {
      const answer = await ask();
      expect(answer.status).toBe(504);
      expect(codeOf(answer)).toBe('STATEMENT_TIMEOUT');
      expect(answer.body.data).toBeNull();
      expect(answer.body.errors).toHaveLength(1);
    }
    await unlock();
    // Three timeouts, still the same backend session: none was discarded and reopened.
    expect((await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid).toBe(pidBefore);
    expect((await ask()).body.data.sites.totalCount).toBe(1);
  });
});

describe('through a TCP proxy', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(serverAddress(inject('pgServerUrl')));
  });
  afterAll(() => proxy.close());
  const proxied = () => {
    const url = new URL(proxy.url(db.url));
    return url.toString();
  };

  it('a frozen database fails requests within the query timeout, and /readyz says down within 2 s', async () => {
    const { ask, get } = await gatewayOver(proxied(), { GATEWAY_DB_QUERY_TIMEOUT_MS: '800', BOREALIS_DB_CONNECT_TIMEOUT: '1' });
    expect((await ask()).body.data.sites.totalCount).toBe(1);
    proxy.freeze();
    try {
      const [answer, ready] = await Promise.all([ask(), get('/readyz')]);
      expect(answer.ms).toBeLessThan(2500);
      expect([503, 504]).toContain(answer.status);
      expect(['STATEMENT_TIMEOUT', 'DB_UNAVAILABLE']).toContain(codeOf(answer));
      expect(answer.body.data).toBeNull();
      expect(answer.retryAfter).not.toBeNull();
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ ready: false, database: 'down' });
      expect(ready.ms).toBeLessThan(2000);
    } finally {
      proxy.thaw();
    }
    expect((await ask()).body.data.sites.totalCount).toBe(1);
  });

  it('a stopped database is 503 DB_UNAVAILABLE with Retry-After, and the gateway recovers when it returns', async () => {
    const { ask, get } = await gatewayOver(proxied(), { BOREALIS_DB_CONNECT_TIMEOUT: '1' });
    expect((await ask()).body.data.sites.totalCount).toBe(1);
    // One request is in flight (waiting on a lock) when the database goes away.
    const unlock = await lockSites();
    const inFlight = ask();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await proxy.stop();
    try {
      const lost = await inFlight;
      expect(lost.status).toBe(503);
      expect(codeOf(lost)).toBe('DB_UNAVAILABLE');
      expect(lost.body.data).toBeNull();
      await unlock();
      const answer = await ask();
      expect(answer.status).toBe(503);
      expect(codeOf(answer)).toBe('DB_UNAVAILABLE');
      expect(answer.retryAfter).toBe('5');
      expect(answer.body.data).toBeNull();
      // Again, now that the pool has no connection left: refused connections are coded the same.
      expect(codeOf(await ask())).toBe('DB_UNAVAILABLE');
      const ready = await get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.database).toBe('down');
    } finally {
      await proxy.start();
    }
    const back = performance.now();
    expect((await ask()).body.data.sites.totalCount).toBe(1);
    expect(performance.now() - back).toBeLessThan(2000);
    expect((await get('/readyz')).status).toBe(200);
  });
});

describe('readiness', () => {
  it('reports a saturated pool as busy but ready (200)', async () => {
    const { get, pool } = await gatewayOver(db.url, { BOREALIS_DB_POOL_SIZE: '1', BOREALIS_DB_MAX_OVERFLOW: '0' });
    const held = await pool.connect();
    try {
      const ready = await get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ ready: true, database: 'busy', pool: { total: 1, idle: 0, max: 1 } });
      expect(ready.ms).toBeLessThan(2000);
    } finally {
      held.release();
    }
    expect((await get('/readyz')).body.database).toBe('up');
  });
});
