/**
 * The request limits over graphql-ws, end to end through a real socket: the same cost and input
 * refusals as HTTP (Yoga's plugins run for WebSocket operations through getEnveloped), and the
 * statements of an operation cancelled in PostgreSQL when the client completes it.
 */
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransportGateway, TRANSPORTS, type TransportGateway } from './transports.js';

let g: TransportGateway;
beforeAll(async () => {
  g = await startTransportGateway({ env: { LOG_LEVEL: 'silent' } });
});
afterAll(() => g?.close());

const codeOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => response.errors?.[0]?.extensions?.code;

describe('limits over every transport', () => {
  const costly = {
    query: 'query($n: Int) { devices(first: $n) { edges { node { incidents(first: $n) { watchdog { incidents(first: $n) { title } } } } } } }',
    variables: { n: 100 },
  };
  const nul = { query: 'query($h: String) { devices(where: { hostname: { equals: $h } }) { totalCount } }', variables: { h: 'a\u0000b' } };

  it.each(TRANSPORTS)('%s: cost counted with the variables (QUERY_TOO_COMPLEX), NUL byte refused (BAD_USER_INPUT)', async (transport) => {
    expect(codeOf(await g.call(transport, 'admin', costly))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(await g.call(transport, 'admin', nul))).toBe('BAD_USER_INPUT');
  });
});

describe('a WebSocket operation completed by the client', () => {
  it('has its running statement cancelled in PostgreSQL', async () => {
    const locker = new pg.Client({ connectionString: g.db.url });
    await locker.connect();
    const client = createClient({
      url: `${g.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${g.token('admin')}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE engine.devices IN ACCESS EXCLUSIVE MODE');
      const lockHolder = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const waiting = async () =>
        (
          await g.db.pool.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND $1::int = ANY (pg_blocking_pids(pid))`,
            [lockHolder],
          )
        ).rows;

      const results: unknown[] = [];
      const complete = client.subscribe({ query: '{ devices(first: 5) { edges { node { hostname } } } }' }, {
        next: (value) => results.push(value),
        error: () => {},
        complete: () => {},
      });
      await expect.poll(waiting, { timeout: 10_000, interval: 50 }).not.toHaveLength(0);

      complete(); // graphql-ws `complete` message: the client no longer wants the result
      const completedAt = Date.now();
      // Gone while the lock is still held: cancelled, not finished.
      await expect.poll(waiting, { timeout: 1_000, interval: 25 }).toHaveLength(0);
      expect(Date.now() - completedAt).toBeLessThan(1_000);
      expect(results).toEqual([]);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await client.dispose();
    }
    // The pool serves the next operation over the same transport.
    const next = await g.call('websocket', 'admin', { query: '{ devices(first: 2) { edges { node { hostname } } } }' });
    expect(next.errors).toBeUndefined();
    expect(next.data.devices.edges).toHaveLength(2);
  });
});
