import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createTestGateway, testIdentity, type TestGateway } from '../support/gateway.js';

describe('gateway HTTP surface', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`INSERT INTO engine.sites (name, description, created_at) VALUES ('Acme HQ', 'Head office', 1763640000)`);
    gateway = await createTestGateway(db, { admin: testIdentity('admin', 'Admin', null) });
  });
  afterAll(async () => {
    await gateway.close();
    await db.drop();
  });

  it('serves GraphQL from the database through Prisma', async () => {
    const result = await gateway.graphql('{ sites(first: 10) { totalCount edges { node { id name description } } } }', {}, { authorization: 'Test admin' });
    expect(result.errors).toBeUndefined();
    expect(result.data.sites).toEqual({ totalCount: 1, edges: [{ node: { id: expect.any(String), name: 'Acme HQ', description: 'Head office' } }] });
  });

  it('reports readiness, schema drift and the pool profile', async () => {
    const result = await gateway.graphql<{ gatewayStatus: Record<string, any> }>(
      '{ gatewayStatus { ready database schema { ok mode issues } pool { profile max } } }',
    );
    expect(result.data!.gatewayStatus).toEqual({
      ready: true,
      database: 'up',
      schema: { ok: true, mode: 'warn', issues: 0 },
      pool: { profile: db.config.db.profile.name, max: db.config.db.poolSize + db.config.db.maxOverflow },
    });
    const ready = await gateway.yoga.fetch('http://gateway.test/readyz');
    expect(ready.status).toBe(200);
    expect((await ready.json()).ready).toBe(true);
    expect((await gateway.yoga.fetch('http://gateway.test/healthz')).status).toBe(200);
  });

  it('reports not ready on a drifted schema in refuse mode, ready in warn mode', async () => {
    const drifted = await createTestDatabase({ env: { GATEWAY_DRIFT_MODE: 'refuse' } });
    await drifted.pool.query('ALTER TABLE engine.devices DROP COLUMN agent_hash');
    const refusing = await createTestGateway(drifted);
    try {
      const response = await refusing.yoga.fetch('http://gateway.test/readyz');
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.schema).toMatchObject({ ok: false, mode: 'refuse', issues: 1 });
      expect(body.schema.report).toContain('missing column agent_hash');
      refusing.readiness.driftMode = 'warn';
      expect((await refusing.yoga.fetch('http://gateway.test/readyz')).status).toBe(200);
    } finally {
      await refusing.close();
      await drifted.drop();
    }
  });
});
