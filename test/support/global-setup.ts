/**
 * Starts one real PostgreSQL for the test run (embedded by default; the server of DATABASE_URL
 * when it is set) and prepares a template database holding the Borealis baseline. Test files
 * clone it, so every file starts from a fresh, isolated database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyBaseline } from '../../src/db/baseline.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { TEMPLATE_DATABASE, databaseUrl } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-gateway-test-'));
    // The embedded server runs as the `postgres` user: it must be able to enter the folder.
    await import('node:fs').then((fs) => fs.chmodSync(dir, 0o755));
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false, database: 'postgres' });
    serverUrl = embedded.url;
    stop = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templatePool = new pg.Pool({ connectionString: databaseUrl(serverUrl, TEMPLATE_DATABASE), max: 1 });
  await applyBaseline(templatePool);
  await templatePool.end();

  project.provide('pgServerUrl', serverUrl);
  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'gateway_test_%' OR datname = $1`,
      [TEMPLATE_DATABASE],
    );
    for (const row of rows) await cleanup.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    await cleanup.end();
    await stop();
  };
}
