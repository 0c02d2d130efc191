import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createPool } from '../../src/db/pool.js';
import { loadConfig } from '../../src/config/env.js';
import { classifyInfrastructureError } from '../../src/db/infrastructure-errors.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ env: { BOREALIS_DB_IDLE_IN_TXN_TIMEOUT_MS: '45000', GATEWAY_APPLICATION_NAME: 'gateway-under-test' } });
});
afterAll(() => db.drop());

describe('pooled sessions', () => {
  it('run with the Borealis session settings', async () => {
    const client = await db.pool.connect();
    try {
      const show = async (setting: string) => (await client.query('SELECT current_setting($1) AS v', [setting])).rows[0].v;
      expect(await show('search_path')).toBe('engine,assemblies,public');
      expect(await show('timezone')).toBe('UTC');
      expect(await show('idle_in_transaction_session_timeout')).toBe('45s');
      expect(await show('application_name')).toBe('gateway-under-test');
      // unqualified names resolve to engine first, as in Borealis
      const { rows } = await client.query(
        `SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE oid = to_regclass('devices')`,
      );
      expect(rows[0].schema).toBe('engine');
    } finally {
      client.release();
    }
  });

  it('identify the gateway in pg_stat_activity', async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'gateway-under-test' AND datname = current_database()`,
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('are capped at pool size + overflow', () => {
    expect(db.pool.options.max).toBe(db.config.db.poolSize + db.config.db.maxOverflow);
  });

  it('end an abandoned transaction after the idle-in-transaction timeout', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, BOREALIS_DB_IDLE_IN_TXN_TIMEOUT_MS: '200' });
    const pool = createPool(db.url, config.db);
    const client = await pool.connect();
    const terminated = new Promise<string>((resolve) => client.once('error', (e) => resolve(e.message)));
    await client.query('BEGIN');
    await client.query('SELECT 1');
    expect(await terminated).toMatch(/idle-in-transaction timeout/);
    client.release(true);
    await pool.end();
  });
});

describe('failed statements', () => {
  it('return a still-usable session to the pool (invalid input), discard a broken one (terminated)', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, BOREALIS_DB_POOL_SIZE: '1', BOREALIS_DB_MAX_OVERFLOW: '0' });
    const pool = createPool(db.url, config.db);
    const pid = async () => (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const first = await pid();
    await expect(pool.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await expect(pool.query(`SELECT 'x'::int`)).rejects.toMatchObject({ code: '22P02' });
    expect(await pid()).toBe(first);
    await expect(pool.query('SELECT pg_terminate_backend(pg_backend_pid())')).rejects.toThrow();
    expect(await pid()).not.toBe(first);
    await pool.end();
  });
});

describe('pool exhaustion', () => {
  it('a statement waits for a connection at most BOREALIS_DB_CONNECT_TIMEOUT, then fails with a classified error', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, BOREALIS_DB_POOL_SIZE: '1', BOREALIS_DB_MAX_OVERFLOW: '0', BOREALIS_DB_CONNECT_TIMEOUT: '1' });
    const pool = createPool(db.url, config.db);
    const held = await pool.connect();
    const started = Date.now();
    const failure = await pool.query('SELECT 1').catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(classifyInfrastructureError(failure)).toMatchObject({ code: 'DB_POOL_EXHAUSTED', status: 503 });
    held.release();
    expect((await pool.query('SELECT 1 AS n')).rows[0].n).toBe(1);
    await pool.end();
  });
});
