import { afterEach, describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/db/baseline.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const databases: TestDatabase[] = [];
async function emptyDatabase() {
  const db = await createTestDatabase({ baseline: false });
  databases.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function tableCount(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('engine', 'assemblies')`,
  );
  return rows[0].n;
}

describe('baseline (npm run db:setup)', () => {
  it('creates the 77 Borealis tables on an empty database, then is a no-op', async () => {
    const db = await emptyDatabase();
    expect((await applyBaseline(db.pool)).createdTables).toHaveLength(77);
    expect((await applyBaseline(db.pool)).createdTables).toEqual([]);
    expect(await tableCount(db)).toBe(77);
  });

  it('never alters a table Borealis already created', async () => {
    const db = await emptyDatabase();
    // An older Borealis sites table: fewer columns, one extra legacy column, a row.
    await db.pool.query(`
      CREATE SCHEMA engine;
      CREATE TABLE engine.sites (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, enrollment_code_id INTEGER);
      INSERT INTO engine.sites (name, enrollment_code_id) VALUES ('Legacy Site', 7);`);
    const { createdTables } = await applyBaseline(db.pool);
    expect(createdTables).not.toContain('engine.sites');
    expect(createdTables).toHaveLength(76);
    const { rows } = await db.pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'engine' AND table_name = 'sites' ORDER BY ordinal_position`,
    );
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'name', 'enrollment_code_id']);
    expect((await db.pool.query('SELECT name FROM engine.sites')).rows).toEqual([{ name: 'Legacy Site' }]);
  });

  it('is transactional: a failure leaves nothing half-created', async () => {
    const db = await emptyDatabase();
    // A view where the baseline expects the sites table: the baseline skips it, then the first
    // foreign key to engine.sites fails, which must roll back every table created before.
    await db.pool.query(`CREATE SCHEMA engine; CREATE VIEW engine.sites AS SELECT 1::bigint AS id, 'x'::text AS name;`);
    await expect(applyBaseline(db.pool)).rejects.toThrow();
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('engine', 'assemblies') AND table_type = 'BASE TABLE'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
