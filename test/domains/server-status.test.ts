import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
const q = (who: OperatorName | null, query: string, variables?: Record<string, unknown>): Promise<any> => g.as(who, query, variables);
const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 10 });
}, 120_000);
afterAll(() => g.close());

const STATUS = `{ serverStatus { aegisConfigured aegisConfiguredAt aegisUpdatedAt githubTokenConfigured githubTokenResetRequired githubTokenResetAt } }`;
const iso = (epoch: number) => new Date(epoch * 1000).toISOString();

describe('serverStatus', () => {
  it('reports what the seeded database proves, in one statement, and nothing secret', async () => {
    const [aegis] = await rows('SELECT created_at, updated_at, kdf_params_json, verification_token FROM engine.aegis_cipher_state');
    const [github] = await rows('SELECT token FROM engine.github_token');
    const counter = countStatements(g.db.pool);
    let result: any;
    try {
      result = await q('admin', STATUS);
    } finally {
      counter.stop();
    }
    expect(result.errors).toBeUndefined();
    expect(result.data.serverStatus).toEqual({
      aegisConfigured: true,
      aegisConfiguredAt: iso(aegis.created_at),
      aegisUpdatedAt: iso(aegis.updated_at),
      githubTokenConfigured: true,
      githubTokenResetRequired: false,
      githubTokenResetAt: null,
    });
    expect(counter.statements).toHaveLength(1);
    const text = JSON.stringify(result);
    const salt = JSON.parse(aegis.kdf_params_json).salt as string;
    for (const secret of [github.token, github.token.slice(9, 40), aegis.verification_token, aegis.kdf_params_json, salt, 'scrypt']) {
      expect(text).not.toContain(secret);
    }
  });

  it('is FORBIDDEN for Users (no data) and UNAUTHENTICATED for anonymous callers', async () => {
    for (const who of ['alice', 'bob', 'carol'] as const) {
      const result = await q(who, STATUS);
      expect(result.data).toBeNull();
      expect(result.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    const anonymous = await q(null, STATUS);
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('follows an Aegis force reset: no cipher state, GitHub token destroyed and flagged for re-entry', async () => {
    await g.db.pool.query(`DELETE FROM engine.aegis_cipher_state`);
    await g.db.pool.query(`DELETE FROM engine.github_token`);
    await g.db.pool.query(`INSERT INTO engine.github_token (token, reset_required, reset_at) VALUES (NULL, 1, 1795176000)`);
    const result = await q('admin', STATUS);
    expect(result.errors).toBeUndefined();
    expect(result.data.serverStatus).toEqual({
      aegisConfigured: false,
      aegisConfiguredAt: null,
      aegisUpdatedAt: null,
      githubTokenConfigured: false,
      githubTokenResetRequired: true,
      githubTokenResetAt: iso(1795176000),
    });
  });

  it('treats a missing or blank token row as not configured', async () => {
    await g.db.pool.query(`DELETE FROM engine.github_token`);
    expect((await q('admin', STATUS)).data.serverStatus).toMatchObject({ githubTokenConfigured: false, githubTokenResetRequired: false });
    await g.db.pool.query(`INSERT INTO engine.github_token (token, reset_required, reset_at) VALUES ('  ', 0, NULL)`);
    expect((await q('admin', STATUS)).data.serverStatus.githubTokenConfigured).toBe(false);
    await g.db.pool.query(`UPDATE engine.github_token SET token = 'ghp_plaintextLegacyToken'`);
    const legacy = await q('admin', STATUS);
    expect(legacy.data.serverStatus.githubTokenConfigured).toBe(true);
    expect(JSON.stringify(legacy)).not.toContain('ghp_');
  });

  it('exposes no lock state: the database cannot prove it', async () => {
    const fields = (await q('admin', `{ __type(name: "ServerStatus") { fields { name } } }`)).data.__type.fields.map((f: any) => f.name);
    expect(fields.sort()).toEqual(
      ['aegisConfigured', 'aegisConfiguredAt', 'aegisUpdatedAt', 'githubTokenConfigured', 'githubTokenResetAt', 'githubTokenResetRequired'].sort(),
    );
  });
});
