/**
 * The LISTEN session's heartbeat (src/realtime/listener.ts): a session whose socket stays open
 * while nothing gets through (a network partition, a frozen proxy) is noticed by the unanswered
 * `SELECT 1` and replaced, and notifications arrive on the new session. The session runs through
 * a TCP proxy of this test that can freeze its connections without closing them.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { CHANGE_CHANNEL } from '../../src/db/change-capture.js';
import { startListener, type ListenerSignal } from '../../src/realtime/listener.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Forwards to PostgreSQL; `freeze()` stops forwarding on every open connection, leaving them open. */
async function freezingProxy(target: URL) {
  const pairs: Array<[Socket, Socket]> = [];
  const frozen: Array<[Socket, Socket]> = [];
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    inbound.pipe(outbound).pipe(inbound);
    const quiet = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', quiet);
    outbound.on('error', quiet);
    pairs.push([inbound, outbound]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      for (const [inbound, outbound] of pairs.splice(0)) {
        frozen.push([inbound, outbound]);
        inbound.unpipe();
        outbound.unpipe();
        inbound.pause();
        outbound.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [inbound, outbound] of [...pairs, ...frozen]) [inbound.destroy(), outbound.destroy()];
        server.close(() => resolve());
      }),
  };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('the LISTEN heartbeat', () => {
  it('replaces a session that stopped answering without being closed, and notifications arrive again', async () => {
    const url = new URL(db.url);
    const proxy = await freezingProxy(url);
    const signals: ListenerSignal[] = [];
    const listener = startListener(
      { ...db.pool.options, connectionString: undefined, host: '127.0.0.1', port: proxy.port, database: url.pathname.slice(1), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
      createLogger({ level: 'silent', json: true }),
      (signal) => signals.push(signal),
      200,
    );
    const notifier = new pg.Client({ connectionString: db.url });
    await notifier.connect();
    try {
      await expect.poll(() => signals).toContain('connected');
      await notifier.query(`NOTIFY ${CHANGE_CHANNEL}`);
      await expect.poll(() => signals).toContain('notify');

      proxy.freeze();
      signals.length = 0;
      // Nothing closed the socket: only the heartbeat can tell, within two intervals.
      await expect.poll(() => signals, { timeout: 3000 }).toEqual(['lost', 'connected']);
      expect(listener.connected).toBe(true);
      await notifier.query(`NOTIFY ${CHANGE_CHANNEL}`);
      await expect.poll(() => signals).toContain('notify');
    } finally {
      await notifier.end();
      await listener.close();
      await proxy.close();
    }
  });
});
