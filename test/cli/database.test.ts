/**
 * The CLIs find their database (DATABASE_URL, else the embedded PostgreSQL recorded by a running
 * `npm start` in <GATEWAY_DATA_DIR>/postgres.url), report connection failures in one line naming
 * host, port, database and user (never the password), and never write demo rows into a database
 * that holds other data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeedMarker, seedDemoData } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const execFileAsync = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run <script>`'s entry (node + tsx) with exactly `env` (no DATABASE_URL unless given). */
async function cli(script: string, args: string[], env: Record<string, string>): Promise<Result> {
  const result = await execFileAsync(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 120_000,
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return result;
}

let demo: TestDatabase;
let foreign: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  [demo, foreign] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await seedDemoData(demo.pool, { devices: 20 });
  // a database with rows the seed did not write, like a real Borealis installation
  await foreign.pool.query(`INSERT INTO engine.sites (name, description, created_at) VALUES ('Production', 'real data', 1763640000)`);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'borealis-cli-data-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await Promise.all([demo?.drop(), foreign?.drop()]);
});

describe('CLIs without DATABASE_URL', () => {
  it('say what they need when no gateway is running (exit 2)', async () => {
    const result = await cli('src/cli/db-check.ts', [], { GATEWAY_DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `Error: DATABASE_URL is required (e.g. postgresql://borealis:secret@127.0.0.1:5432/borealis), or a running \`npm start\` (its embedded PostgreSQL is recorded in ${path.join(dataDir, 'postgres.url')}).`,
    );
  });

  it('use the embedded PostgreSQL recorded by the running gateway: db:check, db:setup, db:seed, token', async () => {
    writeFileSync(path.join(dataDir, 'postgres.url'), `${demo.url}\n`, { mode: 0o600 });
    try {
      const env = { GATEWAY_DATA_DIR: dataDir };
      const check = await cli('src/cli/db-check.ts', [], env);
      expect(check.code).toBe(0);
      expect(check.stderr).toContain('No DATABASE_URL: using the embedded PostgreSQL of `npm start`');
      expect(check.stdout).toMatch(/77 tables match the Prisma mirror/);
      const setup = await cli('src/cli/db-setup.ts', [], env);
      expect(setup.stdout).toContain('every Borealis table already exists; nothing changed');
      const seed = await cli('src/cli/db-seed.ts', ['--devices', '20'], env);
      expect(seed.code).toBe(0);
      expect(seed.stdout).toContain('Nothing to do: the demo data is already present');
      const token = await cli('src/cli/token.ts', ['--user', 'ALICE'], env);
      expect(token.code).toBe(0);
      expect(token.stderr).toContain('Borealis session token for alice (User)'); // looked up in the demo database
    } finally {
      rmSync(path.join(dataDir, 'postgres.url'), { force: true });
    }
  });

  it('point at the gateway when its recorded database does not answer (stale record)', async () => {
    writeFileSync(path.join(dataDir, 'postgres.url'), 'postgresql://postgres:s3cret@127.0.0.1:1/borealis\n', { mode: 0o600 });
    try {
      const result = await cli('src/cli/db-check.ts', [], { GATEWAY_DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Cannot connect to PostgreSQL at 127.0.0.1:1, database "borealis", user "postgres": connection refused');
      expect(result.stderr).toContain('is the gateway still running?');
      expect(result.stderr).not.toContain('s3cret');
    } finally {
      rmSync(path.join(dataDir, 'postgres.url'), { force: true });
    }
  });
});

describe('connection failures', () => {
  const withPassword = (url: string, password: string) => {
    const u = new URL(url);
    u.password = password;
    return u.toString();
  };
  const otherDatabase = (url: string) => {
    const u = new URL(url);
    u.pathname = '/no_such_database';
    return u.toString();
  };

  it('are one line naming host, port, database and user, with what to check, never the password', async () => {
    const demoUrl = new URL(demo.url);
    const cases: Array<[string, string, RegExp]> = [
      ['postgresql://borealis:Pa55word@127.0.0.1:1/borealis', 'Cannot connect to PostgreSQL at 127.0.0.1:1, database "borealis", user "borealis"', /connection refused.*\(ECONNREFUSED\)\.$/],
      ['postgresql://borealis:Pa55word@db.invalid:5432/borealis', 'Cannot connect to PostgreSQL at db.invalid:5432, database "borealis", user "borealis"', /does not resolve.*\((ENOTFOUND|EAI_AGAIN)\)\.$/],
      [withPassword(demo.url, 'Pa55word'), `Cannot connect to PostgreSQL at 127.0.0.1:${demoUrl.port}, database "${demo.name}", user "${demoUrl.username}"`, /password authentication failed.*\(28P01\)\.$/],
      [otherDatabase(withPassword(demo.url, decodeURIComponent(demoUrl.password))), `Cannot connect to PostgreSQL at 127.0.0.1:${demoUrl.port}, database "no_such_database"`, /does not exist.*\(3D000\)\.$/],
    ];
    const results = await Promise.all(cases.map(([url]) => cli('src/cli/db-check.ts', [], { DATABASE_URL: url })));
    results.forEach((result, i) => {
      const [, where, what] = cases[i]!;
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(where);
      expect(lines[0]).toMatch(what);
      expect(result.stderr).not.toContain('Pa55word');
      if (demoUrl.password) expect(result.stderr).not.toContain(decodeURIComponent(demoUrl.password));
    });
  });

  it('time out in one line too', async () => {
    // a listener that never answers the PostgreSQL handshake
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      const result = await cli('src/cli/db-check.ts', [], { DATABASE_URL: `postgresql://borealis:x@127.0.0.1:${port}/borealis`, BOREALIS_DB_CONNECT_TIMEOUT: '1' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(new RegExp(`^Error: Cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}, database "borealis", user "borealis": timed out.*\\(ETIMEDOUT\\)\\.$`));
    } finally {
      silent.close();
    }
  });

  it('an invalid setting is one message without a stack (exit 1)', async () => {
    const result = await cli('src/cli/db-check.ts', [], { DATABASE_URL: 'mysql://x', BOREALIS_DB_POOL_SIZE: 'lots' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Invalid gateway configuration:\n  - DATABASE_URL must be a postgresql:// URL\n  - BOREALIS_DB_POOL_SIZE must be an integer between 1 and 1000 (got "lots")\n',
    );
  });
});

describe('demo rows only into demo or empty databases', () => {
  it('db:seed refuses a database holding other data and writes nothing', async () => {
    const result = await cli('src/cli/db-seed.ts', ['--devices', '5'], { DATABASE_URL: foreign.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/holds data the demo seed did not write.*refusing/);
    expect((await foreign.pool.query('SELECT count(*)::int AS n FROM engine.devices')).rows[0].n).toBe(0);
    expect(await readSeedMarker(foreign.pool)).toBeNull();
  });

  it('bench refuses a DATABASE_URL holding other data before any DDL or row', async () => {
    // (last test of the file) a missing table the baseline would re-create shows no DDL ran
    await foreign.pool.query('DROP TABLE engine.device_filters CASCADE');
    const result = await cli('bench/run.ts', ['--devices', '5', '--seconds', '1'], { DATABASE_URL: foreign.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bench writes demo rows\. The database holds data the demo seed did not write/);
    expect((await foreign.pool.query(`SELECT to_regclass('engine.device_filters') IS NULL AS missing`)).rows[0].missing).toBe(true);
    expect((await foreign.pool.query('SELECT count(*)::int AS n FROM engine.devices')).rows[0].n).toBe(0);
  });
});
