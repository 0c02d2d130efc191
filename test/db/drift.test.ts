import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, formatDriftReport } from '../../src/db/drift.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

/** Runs `npm run db:check`'s entry point against a database and returns its exit code and output. */
async function dbCheck(url: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/db-check.ts'], { env: { ...process.env, DATABASE_URL: url } });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('drift check', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('reports zero drift on a database created from the facts file', async () => {
    const report = await checkDrift(db.pool);
    expect(report.issues).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checkedTables).toBe(77);
    expect(formatDriftReport(report)).toMatch(/77 tables match/);
    const cli = await dbCheck(db.url);
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.output).toMatch(/no drift/);
  });

  it('catches a dropped column, a changed type, a nullability change, an extra column and a missing table', async () => {
    const drifted = await createTestDatabase();
    try {
      await drifted.pool.query(`
        ALTER TABLE engine.devices DROP COLUMN agent_hash;
        ALTER TABLE engine.devices ALTER COLUMN last_seen TYPE bigint;
        ALTER TABLE engine.sites ALTER COLUMN description SET NOT NULL;
        ALTER TABLE engine.users ADD COLUMN nickname text;
        DROP TABLE engine.realtime_outbox;`);
      const report = await checkDrift(drifted.pool);
      expect(report.ok).toBe(false);
      expect(report.issues).toEqual(
        expect.arrayContaining([
          { kind: 'missing-column', table: 'engine.devices', column: 'agent_hash', expectedType: 'text' },
          { kind: 'type-mismatch', table: 'engine.devices', column: 'last_seen', expectedType: 'integer', actualType: 'bigint' },
          { kind: 'nullability-mismatch', table: 'engine.sites', column: 'description', expectedNullable: true, actualNullable: false },
          { kind: 'extra-column', table: 'engine.users', column: 'nickname', actualType: 'text' },
          { kind: 'missing-table', table: 'engine.realtime_outbox' },
        ]),
      );
      expect(report.issues).toHaveLength(5);

      const cli = await dbCheck(drifted.url);
      expect(cli.code).toBe(1);
      expect(cli.output).toContain('engine.devices');
      expect(cli.output).toContain('missing column agent_hash (text)');
      expect(cli.output).toContain('column last_seen: type is bigint, mirror expects integer');
      expect(cli.output).toContain('engine.realtime_outbox');
    } finally {
      await drifted.drop();
    }
  });

  it('refuses to run without DATABASE_URL, with a clear message', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const result = await run(process.execPath, ['--import', 'tsx', 'src/cli/db-check.ts'], { env }).catch((e) => e);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is required');
  });
});
