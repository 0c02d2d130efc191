import { parse } from 'graphql';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLES } from '../../src/server/yoga.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createTestGateway, testIdentity, type TestGateway } from '../support/gateway.js';

let db: TestDatabase;
let gateway: TestGateway;
const admin = { authorization: 'Test admin' };

beforeAll(async () => {
  db = await createTestDatabase({ env: { NODE_ENV: 'production', GATEWAY_MAX_BODY_BYTES: '65536' } });
  gateway = await createTestGateway(db, { admin: testIdentity('admin', 'Admin', null) });
});
afterAll(async () => {
  await gateway.close();
  await db.drop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  gateway.yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('query limits (graphql-armor)', () => {
  it('refuses a depth bomb with QUERY_TOO_DEEP', async () => {
    const bomb = `{ devices { edges { node { site { id } ${'incidents { watchdog { incidents { watchdog { '.repeat(3)}name${' } } } }'.repeat(3)} } } } }`;
    const result = await gateway.graphql(bomb, {}, admin);
    expect(result.data).toBeUndefined();
    expect(result.errors![0]!.extensions!.code).toBe('QUERY_TOO_DEEP');
    expect(result.errors![0]!.message).toMatch(/depth limit of 12 exceeded/);
  });

  it('refuses an alias bomb with TOO_MANY_ALIASES', async () => {
    const bomb = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: gatewayStatus { ready }`).join(' ')} }`;
    const result = await gateway.graphql(bomb, {}, admin);
    expect(result.errors![0]!.extensions!.code).toBe('TOO_MANY_ALIASES');
  });

  it('refuses a token flood with TOO_MANY_TOKENS and an expensive query with QUERY_TOO_COMPLEX', async () => {
    const flood = `{ gatewayStatus { ${'ready '.repeat(6000)} } }`;
    expect((await gateway.graphql(flood, {}, admin)).errors![0]!.extensions!.code).toBe('TOO_MANY_TOKENS');
    const wide = `{ ${['devices', 'incidents', 'watchdogs', 'scheduledJobRuns', 'activity'].map((f) => `${f}(first: 100) { edges { node { __typename } } }`).join(' ')}
      devices(first: 100) { edges { node { incidents { watchdog { incidents { watchdog { name } } } } } } } }`;
    expect((await gateway.graphql(wide, {}, admin)).errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('lets every GraphiQL example operation through, within the limits', async () => {
    const names = parse(GRAPHIQL_EXAMPLES).definitions.map((d) => ('name' in d ? d.name?.value : undefined));
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const operationName of names) {
      const response = await post({ query: GRAPHIQL_EXAMPLES, operationName, variables: { id: 'RGV2aWNlOm5vbmU=' } });
      const body = await response.json();
      expect(body.errors ?? [], operationName).toEqual([]);
    }
  });

  it('limits batched operations per request', async () => {
    const six = Array.from({ length: 6 }, () => ({ query: '{ gatewayStatus { ready } }' }));
    const response = await post(six);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(await response.json())).toMatch(/Batching is limited to 5 operations/);
    const five = await post(six.slice(0, 5));
    expect(await five.json()).toHaveLength(5);
  });
});

describe('HTTP protections', () => {
  it('refuses a body over the size limit with 413', async () => {
    const response = await post({ query: `{ gatewayStatus { ready } } # ${'x'.repeat(70000)}` });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body without a declared length with 411, before reading it (chunked over HTTP, a stream in process)', async () => {
    const server = createServer(gateway.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const chunked = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...admin } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: '{ gatewayStatus { ready } }' }));
      });
      expect(chunked.status).toBe(411);
      expect(JSON.parse(chunked.body).errors[0].extensions.code).toBe('LENGTH_REQUIRED');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const text = new TextEncoder().encode(JSON.stringify({ query: `{ gatewayStatus { ready } } # ${'x'.repeat(70000)}` }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(text);
        controller.close();
      },
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json', ...admin }, body: stream, duplex: 'half' };
    const inProcess = await gateway.yoga.fetch('http://gateway.test/graphql', init as RequestInit);
    expect(inProcess.status).toBe(411);
    expect((await inProcess.json()).errors[0].extensions.code).toBe('LENGTH_REQUIRED');
  });

  it('blocks simple (CSRF-able) browser requests without a preflight header', async () => {
    const form = await gateway.yoga.fetch('http://gateway.test/graphql?query=%7BgatewayStatus%7Bready%7D%7D', { method: 'GET', headers: admin });
    expect(form.status).toBe(403);
    const withHeader = await gateway.yoga.fetch('http://gateway.test/graphql?query=%7BgatewayStatus%7Bready%7D%7D', {
      method: 'GET',
      headers: { ...admin, 'x-graphql-yoga-csrf': '1' },
    });
    expect(withHeader.status).toBe(200);
  });

  it('disables introspection in production', async () => {
    const result = await gateway.graphql('{ __schema { types { name } } }', {}, admin);
    expect(result.errors![0]!.message).toMatch(/introspection/i);
  });

  it('masks unexpected errors: no SQL or stack, a request id to correlate with logs', async () => {
    const broken = await createTestDatabase({ env: { NODE_ENV: 'production' } });
    const brokenGateway = await createTestGateway(broken, { admin: testIdentity('admin', 'Admin', null) });
    try {
      await broken.pool.query('DROP TABLE engine.devices');
      const response = await brokenGateway.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin, 'x-request-id': 'req-123' },
        body: JSON.stringify({ query: '{ devices(first: 1) { totalCount } }' }),
      });
      const body = await response.json();
      expect(response.headers.get('x-request-id')).toBe('req-123');
      expect(body.errors[0]).toMatchObject({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' } });
      expect(JSON.stringify(body)).not.toMatch(/devices\b.*exist|prisma|SELECT|\bat /i);
    } finally {
      await brokenGateway.close();
      await broken.drop();
    }
  });

  it('keeps intended errors with their codes', async () => {
    const result = await gateway.graphql('{ devices(first: 1000) { totalCount } }', {}, admin);
    expect(result.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const badVariable = await gateway.graphql('query($s: [IncidentState!]) { incidents(where: { state: $s }) { totalCount } }', { s: ['CLOSED'] }, admin);
    expect(badVariable.errors![0]!).toMatchObject({ message: expect.stringMatching(/CLOSED/), extensions: { code: 'BAD_USER_INPUT' } });
    const impossible = await gateway.graphql('{ devices(first: 1, before: "x") { totalCount } }', {}, admin);
    expect(impossible.errors![0]!).toMatchObject({ message: expect.stringMatching(/before.*first/), extensions: { code: 'BAD_USER_INPUT' } });
    const anonymous = await gateway.graphql('{ devices(first: 1) { totalCount } }');
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });
});
