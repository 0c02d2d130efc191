/**
 * One request-work store (src/db/request-work.ts) carries an operation's statement count and its
 * cancellation: over HTTP, SSE and graphql-ws, on the compiled read path and the normal
 * execution, the access line counts exactly the statements the pool sent for the operation, and
 * an SSE client that goes away has its running statement cancelled (HTTP and graphql-ws: see
 * limits.test.ts and websocket-limits.test.ts).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../support/statements.js';
import { startTransportGateway, TRANSPORTS, type Operation, type TransportGateway } from './transports.js';

type LogLine = Record<string, unknown> & { msg: string; operationName?: string };

const lines: LogLine[] = [];
const logs = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };

let gateway: TransportGateway;
beforeAll(async () => {
  gateway = await startTransportGateway({ env: { LOG_LEVEL: 'info', GATEWAY_IDENTITY_CACHE_MS: '0' }, logs });
});
afterAll(async () => {
  await gateway?.close();
});

const screen = readFileSync(new URL('../screens/incident-queue.graphql', import.meta.url), 'utf8');
const OPERATIONS: Record<string, Operation & { operationName: string }> = {
  // One compiled statement.
  compiled: { query: screen, operationName: 'IncidentQueue', variables: { first: 10 } },
  // `online` has no SQL form: the normal execution, a page and a count.
  normal: { query: 'query NormalPath { devices(first: 5) { totalCount edges { node { hostname online } } } }', operationName: 'NormalPath' },
};

describe('statements counted per operation', () => {
  it.each(TRANSPORTS.flatMap((transport) => (['compiled', 'normal'] as const).map((path) => [transport, path] as const)))(
    '%s, %s path: the access line counts every statement the operation sent',
    async (transport, path) => {
      const operation = OPERATIONS[path]!;
      const socket = transport === 'websocket' ? gateway.socket('alice') : null;
      try {
        // The socket's own authentication is not the operation's.
        if (socket) await socket.request({ query: '{ gatewayStatus { ready } }' });
        const before = lines.length;
        const counter = countStatements(gateway.db.pool);
        try {
          const response = socket ? await socket.request(operation) : await gateway.call(transport, 'alice', operation);
          expect(response.errors).toBeUndefined();
          await expect.poll(() => lines.slice(before).filter((line) => line.msg === 'request')).toHaveLength(1);
          const [line] = lines.slice(before).filter((each) => each.msg === 'request');
          expect(line).toMatchObject({ operationName: operation.operationName, transport: transport === 'websocket' ? 'websocket' : 'http' });
          expect(line!.statements).toBe(counter.statements.length);
          // The account re-read (over HTTP and SSE; graphql-ws re-validates it per operation) and the work.
          expect(counter.statements.filter((sql) => /watchdog_incidents|"devices"|engine\.devices/.test(sql)).length).toBeGreaterThan(0);
          if (path === 'compiled') expect(counter.statements.filter((sql) => sql.startsWith('SELECT json_build_object'))).toHaveLength(1);
          else expect(counter.statements.filter((sql) => sql.startsWith('SELECT json_build_object'))).toHaveLength(0);
        } finally {
          counter.stop();
        }
      } finally {
        await socket?.close();
      }
    },
  );
});

describe('an SSE client that goes away', () => {
  it('has its running statement cancelled in PostgreSQL, and the pool stays usable', async () => {
    const locker = new pg.Client({ connectionString: gateway.db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE engine.devices IN ACCESS EXCLUSIVE MODE');
      const lockHolder = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const waiting = async () =>
        (
          await gateway.db.pool.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND $1::int = ANY (pg_blocking_pids(pid))`,
            [lockHolder],
          )
        ).rows;

      const client = new AbortController();
      const response = fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${gateway.token('admin')}` },
        body: JSON.stringify({ query: '{ devices(first: 5) { edges { node { hostname } } } }' }),
        signal: client.signal,
      })
        .then((answer) => answer.text())
        .catch((error: Error) => error);
      await expect.poll(waiting, { timeout: 10_000, interval: 50 }).not.toHaveLength(0);

      client.abort();
      expect(await response).toMatchObject({ name: 'AbortError' });
      const abortedAt = Date.now();
      // Gone while the lock is still held: cancelled, not finished.
      await expect.poll(waiting, { timeout: 1_000, interval: 25 }).toHaveLength(0);
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const next = await gateway.call('sse', 'admin', { query: '{ devices(first: 2) { edges { node { hostname } } } }' });
    expect(next.errors).toBeUndefined();
    expect(next.data.devices.edges).toHaveLength(2);
    await expect.poll(() => gateway.db.pool.totalCount - gateway.db.pool.idleCount).toBe(0);
  });
});
