/** Fresh databases for tests: cloned from the baseline template made by global-setup.ts. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { applyBaseline } from '../../src/db/baseline.js';
import { loadConfig, type GatewayConfig } from '../../src/config/env.js';
import { createPool, type GatewayPool } from '../../src/db/pool.js';

export const TEMPLATE_DATABASE = 'gateway_test_template';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  config: GatewayConfig;
  pool: GatewayPool;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, serverUrl = inject('pgServerUrl')): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A new database: with the Borealis baseline (default) or empty (`baseline: false`), and a
 * gateway pool configured like production (env overrides allowed). On the test run's server, or
 * on `serverUrl` (a server of the test's own, which has no template: the baseline is applied).
 */
export async function createTestDatabase(
  options: { baseline?: boolean; env?: Record<string, string> | undefined; serverUrl?: string | undefined } = {},
): Promise<TestDatabase> {
  const name = `gateway_test_${randomBytes(6).toString('hex')}`;
  const serverUrl = options.serverUrl ?? inject('pgServerUrl');
  const fromTemplate = options.baseline !== false && !options.serverUrl;
  await admin((client) => client.query(fromTemplate ? `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}` : `CREATE DATABASE ${name}`), serverUrl);
  const url = databaseUrl(serverUrl, name);
  if (options.baseline !== false && !fromTemplate) {
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    await applyBaseline(setup).finally(() => setup.end());
  }
  // Access lines of every test request would flood the output; tests of the logs set LOG_LEVEL.
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ...options.env });
  const pool = createPool(url, config.db);
  return {
    name,
    url,
    config,
    pool,
    async drop() {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), serverUrl);
    },
  };
}
