/**
 * `npm start` with DATABASE_URL while the database is down: the gateway serves /healthz, answers
 * /readyz with 503, prints one line per connection attempt (host and database named, no password,
 * no stack), and becomes ready by itself when the database comes; SIGTERM then stops it cleanly.
 * The database is "down" behind a TCP proxy that is not listening yet, never the shared server.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { serverAddress, startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const REPO = path.resolve(import.meta.dirname, '..');

let db: TestDatabase;
let proxy: TcpProxy;
beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy(serverAddress(inject('pgServerUrl')));
});
afterAll(async () => {
  await proxy.close();
  await db.drop();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('start-up while the database is down', () => {
  it('serves /healthz, reports not ready, retries with one line per attempt, and becomes ready when the database comes', async () => {
    const proxiedUrl = proxy.url(db.url);
    const password = decodeURIComponent(new URL(proxiedUrl).password);
    await proxy.stop();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: proxiedUrl, PORT: String(port), HOST: '127.0.0.1', BOREALIS_DB_CONNECT_TIMEOUT: '1', LOG_LEVEL: 'warn', SECRET_KEY: 'start-up-test-engine-secret-0123456789abcdef' };
    delete env.GATEWAY_DATA_DIR;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const health = await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        return response.status;
      }, 60_000, '/healthz');
      expect(health).toBe(200);
      const notReady = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(notReady.status).toBe(503);
      await waitFor(async () => (/attempt 2/.test(output) ? true : undefined), 10_000, 'a second attempt');
      const attempts = output.split('\n').filter((line) => line.includes('Cannot connect to PostgreSQL'));
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts[0]).toContain(`127.0.0.1:${proxy.port}, database "${db.name}"`);
      if (password) expect(output).not.toContain(password);
      expect(output).not.toMatch(/^\s+at /m);

      await proxy.start();
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 20_000, 'ready');
      expect(output).toContain('PostgreSQL is reachable now.');

      // SIGTERM: open WebSockets are told the server is going away (1001), then the process ends 0.
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const closeCode = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await closeCode).toBe(1001);
    } finally {
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
    }
  }, 90_000);
});
