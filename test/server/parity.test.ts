/**
 * One pipeline for every transport: the same operations over HTTP, SSE and graphql-ws give the
 * same data, the same error codes and the same masking (no Prisma message, SQL or stack on any
 * transport; a request id on masked errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransportGateway, TRANSPORTS, type Operation, type Response, type TransportGateway } from './transports.js';

let gateway: TransportGateway;

beforeAll(async () => {
  gateway = await startTransportGateway({ env: { GATEWAY_INTROSPECTION: 'false' } });
});
afterAll(async () => {
  await gateway?.close();
});

/** What a client can rely on: data, and each error's message, path and code (request ids differ by design). */
function comparable(response: Response) {
  return {
    data: response.data ?? null,
    errors: (response.errors ?? []).map((error) => ({ message: error.message, path: error.path ?? null, code: error.extensions?.code ?? null })),
  };
}

async function everyTransport(username: string, operation: Operation): Promise<Response[]> {
  const responses: Response[] = [];
  for (const transport of TRANSPORTS) responses.push(await gateway.call(transport, username, operation));
  return responses;
}

/** Runs the operation on every transport, checks they agree, and returns the (common) response. */
async function same(username: string, operation: Operation): Promise<Response> {
  const [http, ...others] = await everyTransport(username, operation);
  for (const [index, other] of others.entries()) expect(comparable(other!), TRANSPORTS[index + 1]).toEqual(comparable(http!));
  return http!;
}

const LEAKS = /prisma|SELECT|does not exist|engine\.|\.ts:\d+|\bat \S+ \(|node_modules/i;

describe('HTTP, SSE and WebSocket give the same answers', () => {
  it('a scoped list as a one-site user: the same rows, all of her site', async () => {
    const response = await same('alice', { query: 'query Devices { devices(first: 100) { totalCount edges { node { hostname site { name } } } } }' });
    expect(response.errors).toBeUndefined();
    const sites = new Set(response.data.devices.edges.map((edge: { node: { site: { name: string } } }) => edge.node.site.name));
    expect(response.data.devices.totalCount).toBeGreaterThan(0);
    expect([...sites]).toEqual(['Acme HQ']);
  });

  it('an admin-only root as a User: FORBIDDEN', async () => {
    const response = await same('alice', { query: '{ users(first: 5) { totalCount } }' });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('an invalid query: GRAPHQL_VALIDATION_FAILED, without field suggestions', async () => {
    const response = await same('alice', { query: '{ devices(first: 1) { hostnam } }' });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.errors![0]!.message).not.toMatch(/did you mean/i);
  });

  it('introspection with GATEWAY_INTROSPECTION=false: refused', async () => {
    const response = await same('admin', { query: '{ __schema { types { name } } }' });
    expect(response.data ?? null).toBeNull();
    expect(response.errors![0]!.message).toMatch(/introspection/i);
    expect(response.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a too-deep query: QUERY_TOO_DEEP', async () => {
    const bomb = `{ devices { edges { node { site { id } ${'incidents { watchdog { incidents { watchdog { '.repeat(3)}name${' } } } }'.repeat(3)} } } } }`;
    const response = await same('admin', { query: bomb });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('too many aliases: TOO_MANY_ALIASES', async () => {
    const bomb = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: gatewayStatus { ready }`).join(' ')} }`;
    const response = await same('admin', { query: bomb });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_ALIASES']);
  });

  it('a malformed document: GRAPHQL_PARSE_FAILED', async () => {
    const response = await same('alice', { query: '{ devices(first: 1) { hostname ' });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('an unexpected internal error: masked the same way, with a request id, nothing of the database', async () => {
    await gateway.db.pool.query('ALTER TABLE engine.devices RENAME TO devices_hidden');
    try {
      const operation = { query: '{ devices(first: 5) { totalCount } }' };
      await same('alice', operation);
      const responses = await everyTransport('alice', operation);
      for (const [index, response] of responses.entries()) {
        expect(response.errors, TRANSPORTS[index]).toEqual([
          { message: 'Internal server error.', path: ['devices', 'totalCount'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } },
        ]);
        expect(JSON.stringify(response), TRANSPORTS[index]).not.toMatch(LEAKS);
      }
      // The caller's x-request-id names the request on HTTP and SSE.
      for (const transport of ['http', 'sse'] as const) {
        const response = await gateway.call(transport, 'alice', operation, { 'x-request-id': `parity-${transport}` });
        expect(response.errors![0]!.extensions!.requestId).toBe(`parity-${transport}`);
      }
    } finally {
      await gateway.db.pool.query('ALTER TABLE engine.devices_hidden RENAME TO devices');
    }
  });

  it('WebSocket: a failed account re-read (database) masks that operation and keeps the connection', async () => {
    const socket = gateway.socket('alice');
    try {
      expect((await socket.request({ query: '{ gatewayStatus { ready } }' })).errors).toBeUndefined();
      await gateway.db.pool.query('ALTER TABLE engine.user_site_assignments RENAME TO user_site_assignments_hidden');
      let refused;
      try {
        refused = await socket.request({ query: '{ gatewayStatus { ready } }' });
      } finally {
        await gateway.db.pool.query('ALTER TABLE engine.user_site_assignments_hidden RENAME TO user_site_assignments');
      }
      expect(refused.errors).toEqual([{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } }]);
      expect(JSON.stringify(refused)).not.toMatch(LEAKS);
      expect((await socket.request({ query: '{ gatewayStatus { ready } }' })).data).toEqual({ gatewayStatus: { ready: true } });
    } finally {
      await socket.close();
    }
  });
});
