/**
 * Limits that need the request: cost with variables resolved, aliases and cost per HTTP request
 * (batches share them), input sizes and NUL bytes, and database work cancelled when the client
 * goes away. Every refusal is checked to send no SQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestAbandonedError } from '../../src/db/pool.js';
import { runAsRequestWork } from '../../src/db/request-work.js';
import { MAX_CURSOR_LENGTH, MAX_INPUT_LIST_LENGTH, MAX_INPUT_STRING_LENGTH } from '../../src/graphql/input-limits.js';
import { createSeededGateway, type GraphQLResponse, type SeededGateway } from '../support/seeded.js';
import { countStatements, type StatementCounter } from '../support/statements.js';

let g: SeededGateway;
let statements: StatementCounter;
beforeAll(async () => {
  g = await createSeededGateway({ devices: 150 });
  statements = countStatements(g.db.pool);
});
afterAll(async () => {
  statements.stop();
  await g.close();
});

const admin = { authorization: 'Test admin' };

/** POSTs a body (one operation or a batch) as the admin. */
async function post(body: unknown): Promise<{ status: number; json: GraphQLResponse | GraphQLResponse[] }> {
  const response = await g.gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** The operation's response, and the SQL statements it sent. */
async function run(query: string, variables?: Record<string, unknown>) {
  statements.reset();
  const result = await g.as('admin', query, variables);
  return { result, sent: statements.statements.length };
}

const codeOf = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;

describe('cost: variables resolved, nested defaults counted', () => {
  const nested = (first: string) =>
    `devices(first: ${first}) { edges { node { hostname incidents(first: ${first}) { title watchdog { incidents(first: ${first}) { title } } } } } }`;

  it('costs `first: $n` exactly like the literal, and refuses it beyond the limit without SQL', async () => {
    const literal = await run(`{ ${nested('100')} }`);
    const variable = await run(`query($n: Int) { ${nested('$n')} }`, { n: 100 });
    for (const { result, sent } of [literal, variable]) {
      expect(result.data).toBeUndefined();
      expect(codeOf(result)).toBe('QUERY_TOO_COMPLEX');
      expect(sent).toBe(0);
    }
    // 100 devices x 100 incidents x 100 incidents: over a million.
    expect(literal.result.errors![0]!.extensions!.cost).toBeGreaterThan(1_000_000);
    expect(variable.result.errors![0]!.extensions).toEqual(literal.result.errors![0]!.extensions);
    expect(literal.result.errors![0]!.extensions!.maxCost).toBe(g.db.config.security.maxCost);

    const refused = await post({ query: `query($n: Int) { ${nested('$n')} }`, variables: { n: 100 } });
    expect(refused.status).toBe(400);
    expect(Object.keys((refused.json as GraphQLResponse).errors![0]!.extensions!).sort()).toEqual(['code', 'cost', 'maxCost']);

    const small = await run(`query($n: Int) { ${nested('$n')} }`, { n: 3 });
    expect(small.result.errors).toBeUndefined();
    expect(small.result.data.devices.edges).toHaveLength(3);
  });

  it('counts the default sizes of nested lists and connections', async () => {
    // No `first` anywhere: 25 devices x 20 incidents x 20 incidents x 20 incidents.
    const defaults = await run(`{ devices { edges { node { incidents { watchdog { incidents { watchdog { incidents { title } } } } } } } } }`);
    expect(codeOf(defaults.result)).toBe('QUERY_TOO_COMPLEX');
    expect(defaults.sent).toBe(0);
  });

  it('answers a page size over the maximum with BAD_USER_INPUT, not a cost', async () => {
    const { result } = await run(`query($n: Int) { devices(first: $n) { edges { node { hostname incidents { title } } } } }`, { n: 5000 });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxPageSize: 100 });
  });
});

describe('budget per HTTP request: batched operations share it', () => {
  it('counts aliases over the whole batch: 5 batched x 15 aliases cannot return 5 pages of 15', async () => {
    const fifteen = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: devices(first: 100) { edges { node { hostname } } }`).join(' ')} }`;
    statements.reset();
    const { json } = await post(Array.from({ length: 5 }, () => ({ query: fifteen })));
    const results = json as GraphQLResponse[];
    expect(results).toHaveLength(5);
    const answered = results.filter((r) => r.data);
    expect(answered).toHaveLength(1);
    const rows = answered.flatMap((r) => Object.values(r.data).flatMap((connection: any) => connection.edges));
    expect(rows).toHaveLength(15 * 100);
    for (const refused of results.filter((r) => !r.data)) {
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', maxAliases: 15 });
      expect(refused.errors![0]!.message).toMatch(/all operations of the request/);
    }
    // One operation's SQL; a fixed number of statements per alias at most.
    expect(statements.statements.length).toBeLessThanOrEqual(15 * 3);
  });

  it('sums cost over the batch; the same operation alone fits', async () => {
    // 1 + 100 x (3 + 1 + 45 x 2) = 9501: two fit in 25,000, the third does not.
    const page = `{ devices(first: 100) { edges { node { id hostname incidents(first: 45) { id title } } } } }`;
    const alone = await post({ query: page });
    expect((alone.json as GraphQLResponse).errors).toBeUndefined();
    const { json } = await post(Array.from({ length: 3 }, () => ({ query: page })));
    const codes = (json as GraphQLResponse[]).map((r) => (r.data ? 'ok' : codeOf(r)));
    expect(codes.sort()).toEqual(['QUERY_TOO_COMPLEX', 'ok', 'ok']);
  });
});

describe('input sizes and NUL bytes: BAD_USER_INPUT before any SQL', () => {
  const DEVICES = `query($where: DeviceWhere, $after: String) { devices(first: 5, where: $where, after: $after) { totalCount } }`;
  const expectRefused = async (query: string, variables: Record<string, unknown> | undefined, pattern: RegExp, extensions = {}) => {
    const { result, sent } = await run(query, variables);
    expect(result.data).toBeUndefined();
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...extensions });
    expect(result.errors![0]!.message).toMatch(pattern);
    expect(sent).toBe(0);
  };

  it('refuses a string filter longer than the limit, as a variable or a literal', async () => {
    const long = 'x'.repeat(100_000);
    await expectRefused(DEVICES, { where: { hostname: { contains: long } } }, /`devices\(where\.hostname\.contains\)` is longer than 256 characters/, {
      maxLength: MAX_INPUT_STRING_LENGTH,
    });
    await expectRefused(`{ devices(where: { search: "${'y'.repeat(257)}" }) { totalCount } }`, undefined, /where\.search/);
    const atLimit = await run(DEVICES, { where: { hostname: { contains: 'x'.repeat(MAX_INPUT_STRING_LENGTH) } } });
    expect(atLimit.result).toEqual({ data: { devices: { totalCount: 0 } } });
  });

  it('refuses `in`, id and enum lists longer than the limit', async () => {
    const hostnames = Array.from({ length: 50_000 }, (_, i) => `WS-${i}`);
    await expectRefused(DEVICES, { where: { hostname: { in: hostnames } } }, /has 50000 values; at most 500/, { maxItems: MAX_INPUT_LIST_LENGTH });
    const siteIds = Array.from({ length: MAX_INPUT_LIST_LENGTH + 1 }, (_, i) => String(i + 1));
    await expectRefused(DEVICES, { where: { siteIds } }, /where\.siteIds/);
    const states = Array.from({ length: MAX_INPUT_LIST_LENGTH + 1 }, () => 'OPEN');
    await expectRefused(`query($s: [IncidentState!]) { incidents(where: { state: $s }) { totalCount } }`, { s: states }, /incidents\(where\.state\)/);
    const ids = Array.from({ length: MAX_INPUT_LIST_LENGTH }, (_, i) => ({ equals: String(i) })).map((f) => f.equals);
    const atLimit = await run(`query($ids: [ID!]) { incidents(where: { id: { in: $ids } }) { totalCount } }`, { ids });
    expect(atLimit.result.errors).toBeUndefined();
  });

  it('refuses a NUL byte in any string input', async () => {
    await expectRefused(DEVICES, { where: { status: { equals: 'online\u0000' } } }, /NUL character/);
    await expectRefused(`{ devices(where: { hostname: { in: ["WS-1", "a\\u0000b"] } }) { totalCount } }`, undefined, /hostname\.in.*NUL/);
    await expectRefused(`query($guid: String!) { assembly(domain: OFFICIAL, guid: $guid) { displayName } }`, { guid: '\u0000' }, /assembly\(guid\)/);
  });

  it('lets a cursor be longer than a filter string, up to its own limit', async () => {
    const longCursor = await run(DEVICES, { after: 'c'.repeat(MAX_INPUT_STRING_LENGTH + 10) });
    expect(longCursor.result.errors?.[0]?.message ?? '').not.toMatch(/longer than/);
    await expectRefused(DEVICES, { after: 'c'.repeat(MAX_CURSOR_LENGTH + 1) }, /devices\(after\)` is longer than 1024/);
  });
});

describe('database work stops when the client goes away', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(g.gateway.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Statements running and waiting for the lock `lockHolder` holds on engine.devices. */
  const runningDeviceStatements = async (lockHolder: number) =>
    (
      await g.db.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND $1::int = ANY (pg_blocking_pids(pid))`,
        [lockHolder],
      )
    ).rows;

  it('cancels the running statement in PostgreSQL, and the pool stays usable', async () => {
    // A slow statement for real: the devices table is locked, so the request's SELECT waits.
    const locker = new pg.Client({ connectionString: g.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE engine.devices IN ACCESS EXCLUSIVE MODE');
      const lockHolder = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

      const client = new AbortController();
      const response = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({ query: '{ devices(first: 5) { edges { node { hostname } } } }' }),
        signal: client.signal,
      }).catch((error: Error) => error);
      await expect.poll(() => runningDeviceStatements(lockHolder), { timeout: 10_000, interval: 50 }).not.toHaveLength(0);

      client.abort();
      expect(await response).toMatchObject({ name: 'AbortError' });
      const abortedAt = Date.now();
      // Gone while the lock is still held: cancelled, not finished.
      await expect.poll(() => runningDeviceStatements(lockHolder), { timeout: 1_000, interval: 25 }).toHaveLength(0);
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The pool serves the next request, and nothing is left checked out.
    const next = await g.as('admin', '{ devices(first: 2) { edges { node { hostname } } } }');
    expect(next.errors).toBeUndefined();
    expect(next.data.devices.edges).toHaveLength(2);
    await expect.poll(() => g.db.pool.totalCount - g.db.pool.idleCount).toBe(0);
  });

  it('starts no statement for a request whose client has gone', async () => {
    await g.db.pool.query('CREATE TABLE public.limits_probe (n int)');
    const insert = () => g.db.pool.query('INSERT INTO public.limits_probe VALUES (1)');
    const gone = new AbortController();
    gone.abort();
    await expect(runAsRequestWork({ signal: gone.signal }, insert)).rejects.toBeInstanceOf(RequestAbandonedError);
    await runAsRequestWork({ signal: new AbortController().signal }, insert);
    expect((await g.db.pool.query('SELECT count(*)::int AS n FROM public.limits_probe')).rows).toEqual([{ n: 1 }]);
  });
});
