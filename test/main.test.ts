/**
 * `npm start` end to end: the real entry point, embedded PostgreSQL, baseline, demo seed, GraphQL
 * over HTTP, and a clean stop on SIGINT (the embedded server goes away with the gateway).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../src/db/embedded.js';

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${output}`));
    });
  });
}

describe('npm start without DATABASE_URL', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-gateway-start-'));
  chmodSync(dataDir, 0o755);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts the embedded database, seeds it, serves GraphQL and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), GATEWAY_DATA_DIR: dataDir, GATEWAY_EMBEDDED_PG_PORT: String(pgPort) };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const output = await waitForOutput(child, /Mint others/, 90_000);
      expect(output).toContain('Baseline applied: 77 Borealis tables created.');
      expect(output).toContain('Demo data seeded');
      expect(output).toMatch(/77 tables match the Prisma mirror/);
      expect(output).toMatch(/npm run token -- --user alice/);

      // the printed demo admin token works as it is
      const token = /Demo admin token[^\n]*\n\s+(\S+)/.exec(output)?.[1];
      expect(token).toBeDefined();
      const query = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ me { username role } sites(first: 10) { totalCount } gatewayStatus { ready } }' }),
        }).then((r) => r.json());
      const body = await query({ authorization: `Bearer ${token}` });
      expect(body.errors).toBeUndefined();
      expect(body.data.me).toMatchObject({ username: 'admin', role: 'ADMIN' });
      expect(body.data.gatewayStatus.ready).toBe(true);
      expect(body.data.sites.totalCount).toBeGreaterThan(0);
      const anonymous = await query({});
      expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');

      // the same token opens a graphql-ws connection; none is refused with 4403
      const ws = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      const me = await new Promise<unknown>((resolve, reject) => {
        ws.subscribe({ query: '{ me { username } }' }, { next: (r) => resolve(r.data), error: reject, complete: () => {} });
      });
      expect(me).toEqual({ me: { username: 'admin' } });
      await ws.dispose();
      const refused = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      const closeCode = await new Promise<number>((resolve) => {
        refused.on('closed', (event) => resolve((event as { code: number }).code));
        refused.subscribe({ query: '{ me { username } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      });
      expect(closeCode).toBe(4403);
      await refused.dispose();

      const graphiql = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
      expect(await graphiql.text()).toContain('GraphiQL');

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      // the embedded PostgreSQL stopped with the gateway: its port is free again
      await expect(fetch(`http://127.0.0.1:${pgPort}`).catch((e) => e.cause?.code)).resolves.toBe('ECONNREFUSED');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
