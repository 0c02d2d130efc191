import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { appliedGatewayParts, GatewaySchemaPrivilegeError, installGatewaySchema, type GatewaySchemaPart } from '../../src/db/gateway-schema.js';
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

const counter: GatewaySchemaPart = {
  id: 'test-counter-1',
  purpose: 'a table that counts how often the part ran',
  sql: `CREATE TABLE borealis_gateway.test_counter (n int); INSERT INTO borealis_gateway.test_counter VALUES (1);`,
};

describe('gateway schema (borealis_gateway)', () => {
  it('applies each part once, also when replicas install at the same time', async () => {
    const db = await emptyDatabase();
    const results = await Promise.all([installGatewaySchema(db.pool, [counter]), installGatewaySchema(db.pool, [counter])]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 1]);
    expect(await installGatewaySchema(db.pool, [counter])).toEqual({ applied: [], alreadyPresent: ['test-counter-1'] });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM borealis_gateway.test_counter');
    expect(rows[0].n).toBe(1);
    expect(await appliedGatewayParts(db.pool)).toEqual(['test-counter-1']);
  });

  it('reports no parts on a database where it was never installed', async () => {
    const db = await emptyDatabase();
    expect(await appliedGatewayParts(db.pool)).toEqual([]);
  });

  it('a failing part leaves nothing behind and is retried on the next install', async () => {
    const db = await emptyDatabase();
    const broken = { ...counter, sql: `CREATE TABLE borealis_gateway.test_counter (n int); SELECT 1/0;` };
    await expect(installGatewaySchema(db.pool, [broken])).rejects.toThrow(/division by zero/);
    expect(await appliedGatewayParts(db.pool)).toEqual([]);
    expect((await installGatewaySchema(db.pool, [counter])).applied).toEqual(['test-counter-1']);
  });

  it('a role without CREATE gets a GatewaySchemaPrivilegeError naming the part and the fix', async () => {
    const db = await emptyDatabase();
    const role = `gw_reader_${process.pid}_${Date.now()}`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
    await db.pool.query(`REVOKE CREATE ON DATABASE "${db.name}" FROM PUBLIC`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'reader';
    const readerPool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const attempt = installGatewaySchema(readerPool, [counter]);
      await expect(attempt).rejects.toBeInstanceOf(GatewaySchemaPrivilegeError);
      await expect(attempt).rejects.toThrow(/db:setup/);
    } finally {
      await readerPool.end();
      await db.pool.query(`DROP ROLE ${role}`).catch(() => {});
    }
  });
});
