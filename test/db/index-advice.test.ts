/**
 * `db:check`'s index advice: on the Borealis baseline it prints the CREATE INDEX statements of the
 * screens' missing indexes and creates nothing; once an operator ran them (or made an index with
 * the same key under another name), the advice is gone.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIndexStatement, missingScreenIndexes, SCREEN_INDEXES } from '../../src/db/index-advice.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const execFileAsync = promisify(execFile);

async function dbCheck(url: string): Promise<{ code: number; stdout: string }> {
  return execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli/db-check.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url },
    timeout: 120_000,
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

async function indexNames(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'engine' ORDER BY 1`);
  return rows.map((row) => row.indexname);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('db:check index advice', () => {
  it('advises only indexes Borealis does not create (prisma/borealis-schema.json)', () => {
    const facts = JSON.parse(readFileSync('prisma/borealis-schema.json', 'utf8')) as {
      tables: Array<{ schema: string; name: string; indexes: Array<{ columns: string[] }> }>;
    };
    for (const advice of SCREEN_INDEXES) {
      const table = facts.tables.find((t) => t.schema === advice.schema && t.name === advice.table);
      expect(table, `${advice.schema}.${advice.table}`).toBeDefined();
      const adviceColumns = advice.columns.split(',').map((column) => column.trim().split(' ')[0]);
      // No Borealis index starts with the advised key columns (it would serve the screen already).
      for (const index of table!.indexes) expect(index.columns.slice(0, adviceColumns.length)).not.toEqual(adviceColumns);
    }
  });

  it('on the baseline: prints each missing index with its screen and exact statement, creates none, exit code unchanged', async () => {
    const before = await indexNames(db);
    const result = await dbCheck(db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no drift');
    expect(result.stdout).toContain(`Advice: ${SCREEN_INDEXES.length} index(es)`);
    expect(result.stdout).toContain(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS gateway_watchdog_incidents_state_opened ON engine.watchdog_incidents (state, opened_at DESC, id DESC);',
    );
    expect(result.stdout).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS gateway_run_targets_hostname_id ON engine.scheduled_job_run_targets (hostname, id DESC);');
    expect(result.stdout).toContain('Open-incident queue');
    expect(result.stdout).toContain('Device detail');
    expect(await indexNames(db)).toEqual(before);
  });

  it('an index with the advised key under another name counts as present', async () => {
    await db.pool.query('CREATE INDEX incidents_by_state_and_opening ON engine.watchdog_incidents (state, opened_at DESC, id DESC)');
    try {
      expect((await missingScreenIndexes(db.pool)).map((advice) => advice.name)).toEqual(['gateway_run_targets_hostname_id']);
    } finally {
      await db.pool.query('DROP INDEX engine.incidents_by_state_and_opening');
    }
  });

  it('after the operator ran the printed statements: no advice', async () => {
    for (const advice of SCREEN_INDEXES) await db.pool.query(createIndexStatement(advice));
    // The statements are safe to repeat.
    for (const advice of SCREEN_INDEXES) await db.pool.query(createIndexStatement(advice));
    expect(await missingScreenIndexes(db.pool)).toEqual([]);
    const result = await dbCheck(db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Advice');
    expect(result.stdout).not.toContain('CREATE INDEX');
  });
});
