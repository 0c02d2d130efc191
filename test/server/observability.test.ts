/**
 * Logs and metrics on a real server: one access line per HTTP request and per WebSocket
 * operation (request id, operation, user, status or outcome, duration, SQL statements), no stack
 * for client errors and one for an internal error; Prometheus /metrics; `/` to GraphiQL.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/config/logger.js';
import { countStatements } from '../support/statements.js';
import { createTestDatabase } from '../support/database.js';
import { createTestGateway } from '../support/gateway.js';
import { startTransportGateway, type TransportGateway } from './transports.js';

type LogLine = Record<string, unknown> & { level: number; msg: string; requestId?: string };

const lines: LogLine[] = [];
const logs = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
const linesOf = (requestId: string) => lines.filter((line) => line.requestId === requestId);

let gateway: TransportGateway;

beforeAll(async () => {
  gateway = await startTransportGateway({ env: { LOG_LEVEL: 'info', GATEWAY_IDENTITY_CACHE_MS: '0' }, logs });
});
afterAll(async () => {
  await gateway?.close();
});

const DEVICES = { query: 'query Devices { devices(first: 10) { totalCount edges { node { hostname site { name } incidents { id } } } } }', operationName: 'Devices' };

describe('access log', () => {
  it('one line per HTTP request: id, operation, user, status, duration and the SQL statements it sent', async () => {
    const counter = countStatements(gateway.db.pool);
    try {
      const response = await gateway.call('http', 'alice', DEVICES, { 'x-request-id': 'log-http-1' });
      expect(response.errors).toBeUndefined();
      const [line, ...more] = linesOf('log-http-1');
      expect(more).toEqual([]);
      expect(line).toMatchObject({ level: 30, msg: 'request', transport: 'http', operationName: 'Devices', operationType: 'query', status: 200 });
      expect(String(line!.user).toLowerCase()).toBe('alice');
      expect(line!.durationMs).toEqual(expect.any(Number));
      // Authentication (account re-read), the page, its count and the batched relations.
      expect(line!.statements).toBe(counter.statements.length);
      expect(line!.statements).toBeGreaterThanOrEqual(4);
    } finally {
      counter.stop();
    }
  });

  it('one line per WebSocket operation, with the statements of that operation only', async () => {
    const socket = gateway.socket('alice');
    try {
      await socket.request({ query: '{ gatewayStatus { ready } }' }); // connected and acknowledged
      const before = lines.length;
      const counter = countStatements(gateway.db.pool);
      try {
        expect((await socket.request(DEVICES)).errors).toBeUndefined();
        const written = lines.slice(before).filter((line) => line.msg === 'request');
        expect(written).toHaveLength(1);
        expect(written[0]).toMatchObject({ level: 30, transport: 'websocket', operationName: 'Devices', operationType: 'query', outcome: 'completed' });
        expect(String(written[0]!.user).toLowerCase()).toBe('alice');
        expect(written[0]!.statements).toBe(counter.statements.length);
        expect(written[0]!.statements).toBeGreaterThanOrEqual(4);
      } finally {
        counter.stop();
      }
    } finally {
      await socket.close();
    }
  });

  it('a batched HTTP request: one line naming its operations, one authentication', async () => {
    const counter = countStatements(gateway.db.pool);
    try {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token('alice')}`, 'x-request-id': 'log-batch' },
        body: JSON.stringify([{ query: 'query A { sites(first: 5) { totalCount } }' }, { query: 'query B { devices(first: 5) { totalCount } }' }]),
      });
      expect((await response.json()).map((r: { errors?: unknown }) => r.errors)).toEqual([undefined, undefined]);
      const written = linesOf('log-batch');
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ operationName: 'A,B', operationType: 'query,query', statements: counter.statements.length });
      expect(counter.statements.filter((sql) => /FROM "?engine"?\."?users"?/.test(sql))).toHaveLength(1);
    } finally {
      counter.stop();
    }
  });

  it('every HTTP response on a real server carries one x-request-id: the caller-supplied one, else the logged one', async () => {
    const post = (accept: string, headers: Record<string, string>) =>
      fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${gateway.token('alice')}`, ...headers },
        body: JSON.stringify({ query: 'query Ping { gatewayStatus { ready } }' }),
      });
    for (const accept of ['application/graphql-response+json', 'text/event-stream']) {
      const supplied = await post(accept, { 'x-request-id': `id-${accept.length}` });
      await supplied.text();
      expect(supplied.headers.get('x-request-id'), accept).toBe(`id-${accept.length}`);
      expect(linesOf(`id-${accept.length}`), accept).toHaveLength(1);

      const before = lines.length;
      const generated = await post(accept, {});
      await generated.text();
      const id = generated.headers.get('x-request-id');
      expect(id, accept).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.slice(before).filter((line) => line.msg === 'request').map((line) => line.requestId), accept).toEqual([id]);
    }
    // Answered by Yoga's and the gateway's own routes, and a refusal before any GraphQL step.
    for (const [path, init] of [['/healthz', {}], ['/readyz', {}], ['/nowhere', {}], ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }]] as const) {
      const response = await fetch(`${gateway.url}${path}`, { ...init, headers: { ...('headers' in init ? init.headers : {}), 'x-request-id': 'route-check' } });
      await response.text();
      expect(response.headers.get('x-request-id'), path).toBe('route-check');
    }
  });

  it('client errors are logged with their codes and no stack', async () => {
    await gateway.call('http', 'alice', { query: '{ users(first: 1) { totalCount } }' }, { 'x-request-id': 'log-forbidden' });
    await gateway.call('http', 'alice', { query: '{ devices(first: 1) { nope } }' }, { 'x-request-id': 'log-invalid' });
    await gateway.call('sse', 'alice', { query: '{ devices(first: 1000) { totalCount } }' }, { 'x-request-id': 'log-page' });
    for (const [id, code] of [['log-forbidden', 'FORBIDDEN'], ['log-invalid', 'GRAPHQL_VALIDATION_FAILED'], ['log-page', 'BAD_USER_INPUT']] as const) {
      const written = linesOf(id);
      expect(written, id).toHaveLength(1);
      expect(written[0], id).toMatchObject({ level: 30, errors: [code] });
      expect(JSON.stringify(written[0]), id).not.toMatch(/stack|"err"/);
    }
  });

  it('an internal error is logged once, with its stack, under the request id the client received', async () => {
    await gateway.db.pool.query('ALTER TABLE engine.sites RENAME TO sites_hidden');
    try {
      const response = await gateway.call('http', 'admin', { query: '{ sites(first: 1) { totalCount } }' }, { 'x-request-id': 'log-internal' });
      expect(response.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'log-internal' });
    } finally {
      await gateway.db.pool.query('ALTER TABLE engine.sites_hidden RENAME TO sites');
    }
    const written = linesOf('log-internal');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ level: 50, msg: 'request failed', errors: ['INTERNAL_SERVER_ERROR'], status: 200 });
    const err = written[0]!.err as { message: string; stack: string };
    expect(err.message).toMatch(/sites/);
    expect(err.stack).toMatch(/\n\s+at /);
    expect(lines.filter((line) => JSON.stringify(line).includes('"stack"'))).toHaveLength(1);
  });
});

describe('metrics', () => {
  it('/metrics: operations and latency per operation, errors by code, the pool, WebSockets, process', async () => {
    const socket = gateway.socket('bob');
    try {
      await socket.request({ query: 'query Ping { gatewayStatus { ready } }' });
      const response = await fetch(`${gateway.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const value = (series: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      expect(value('gateway_graphql_operations_total{transport="http",operation_name="Devices",operation_type="query"}')).toBeGreaterThanOrEqual(1);
      expect(value('gateway_graphql_operations_total{transport="websocket",operation_name="Devices",operation_type="query"}')).toBe(1);
      expect(value('gateway_graphql_operations_total{transport="websocket",operation_name="Ping",operation_type="query"}')).toBe(1);
      expect(value('gateway_graphql_request_duration_seconds_count{transport="http",operation_name="Devices",operation_type="query"}')).toBeGreaterThanOrEqual(1);
      // Invalid documents do not name series (operation names come from clients).
      expect(value('gateway_graphql_operations_total{transport="http",operation_name="(invalid)",operation_type="query"}')).toBeGreaterThanOrEqual(1);
      expect(value('gateway_graphql_errors_total{transport="http",code="FORBIDDEN"}')).toBeGreaterThanOrEqual(1);
      expect(value('gateway_graphql_errors_total{transport="http",code="INTERNAL_SERVER_ERROR"}')).toBe(1);
      expect(value('gateway_db_pool_connections{state="total"}')).toBe(gateway.db.pool.totalCount);
      expect(value('gateway_db_pool_connections{state="idle"}')).toBe(gateway.db.pool.idleCount);
      expect(value('gateway_db_pool_waiting_requests')).toBe(0);
      expect(value('gateway_websocket_connections')).toBe(1);
      expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    } finally {
      await socket.close();
    }
  });

  it('GATEWAY_METRICS=false: no /metrics; `/` redirects to GraphiQL when it is on, else a 404 saying where GraphQL is', async () => {
    const db = await createTestDatabase({ env: { GATEWAY_METRICS: 'false', GATEWAY_GRAPHIQL: 'false' } });
    const quiet = await createTestGateway(db);
    try {
      expect((await quiet.yoga.fetch('http://gateway.test/metrics')).status).toBe(404);
      const root = await quiet.yoga.fetch('http://gateway.test/');
      expect(root.status).toBe(404);
      expect(await root.json()).toEqual({ errors: [{ message: 'Not found. GraphQL is served at /graphql.', extensions: { code: 'NOT_FOUND' } }] });
    } finally {
      await quiet.close();
      await db.drop();
    }
    const root = await fetch(`${gateway.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/graphql');
  });
});

describe('log format', () => {
  const capture = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) });
    return { stream, text: () => text };
  };

  it('JSON in production or off a terminal, readable lines in a terminal; LOG_LEVEL filters', async () => {
    const outputs = [
      [{ level: 'info', json: true }, true],
      [{ level: 'info', json: false }, false],
      [{ level: 'info', json: false }, true],
      [{ level: 'warn', json: true }, false],
    ] as const;
    const texts: string[] = [];
    for (const [config, terminal] of outputs) {
      const out = capture();
      const log = createLogger(config, out.stream, terminal);
      log.info({ requestId: 'r1' }, 'hello');
      await new Promise((resolve) => setImmediate(resolve));
      texts.push(out.text());
    }
    expect(JSON.parse(texts[0]!)).toMatchObject({ level: 30, msg: 'hello', requestId: 'r1' });
    expect(JSON.parse(texts[1]!)).toMatchObject({ level: 30, msg: 'hello', requestId: 'r1' });
    expect(texts[2]).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(texts[2]!)).toThrow();
    expect(texts[3]).toBe('');
  });

  it('LOG_LEVEL and GATEWAY_METRICS are validated with the rest of the configuration', () => {
    expect(loadConfig({}).log).toEqual({ level: 'info', json: false });
    expect(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'debug', GATEWAY_METRICS: 'off' })).toMatchObject({ log: { level: 'debug', json: true }, metrics: false });
    expect(() => loadConfig({ LOG_LEVEL: 'loud', GATEWAY_METRICS: 'maybe' })).toThrow(/LOG_LEVEL must be one of[^\n]*\n.*GATEWAY_METRICS must be true or false/);
  });
});
