import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseEmpty, NotDemoDatabaseError, readSeedMarker, SEED_REFERENCE_TIME, seedDemoData } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

describe('demo seed (npm run db:seed)', () => {
  let db: TestDatabase;
  let firstCounts: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDatabase();
    expect(await isDatabaseEmpty(db.pool)).toBe(true);
    const phases = new Set<string>();
    const summary = await seedDemoData(db.pool, { devices: 120, onProgress: (phase) => phases.add(phase) });
    expect(summary.seeded).toBe(true);
    expect([...phases]).toEqual(expect.arrayContaining(['sites', 'users', 'devices', 'jobs', 'watchdogs']));
    firstCounts = summary.counts;
  });
  afterAll(() => db.drop());

  const one = async <T = Record<string, unknown>>(sql: string) => (await db.pool.query(sql)).rows[0] as T;
  const all = async <T = Record<string, unknown>>(sql: string) => (await db.pool.query(sql)).rows as T[];

  it('is idempotent: a second run inserts nothing and changes nothing', async () => {
    const before = await one<{ sum: string }>(`SELECT md5(string_agg(d::text, ',' ORDER BY guid)) AS sum FROM engine.devices d`);
    const again = await seedDemoData(db.pool, { devices: 120 });
    expect(again.seeded).toBe(false);
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
    expect(await one(`SELECT md5(string_agg(d::text, ',' ORDER BY guid)) AS sum FROM engine.devices d`)).toEqual(before);
    expect(await isDatabaseEmpty(db.pool)).toBe(false);
  });

  it('seeds the requested number of devices, spread over sites with a few unassigned', async () => {
    expect(firstCounts['engine.devices']).toBe(120);
    const { assigned, unassigned } = await one<{ assigned: number; unassigned: number }>(`
      SELECT count(*) FILTER (WHERE ds.site_id IS NOT NULL)::int AS assigned, count(*) FILTER (WHERE ds.site_id IS NULL)::int AS unassigned
        FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname`);
    expect(assigned).toBeGreaterThan(100);
    expect(unassigned).toBeGreaterThan(0);
    const orphans = await all(`SELECT ds.device_hostname FROM engine.device_sites ds LEFT JOIN engine.devices d ON d.hostname = ds.device_hostname WHERE d.hostname IS NULL`);
    expect(orphans).toHaveLength(1); // Borealis tolerates a mapping without its device
  });

  it('writes values shaped like Borealis writes them', async () => {
    // canonical upper-case GUIDs, int4 epoch seconds, 0/1 flags
    expect(await all(`SELECT guid FROM engine.devices WHERE guid <> upper(guid)`)).toEqual([]);
    const seen = await one<{ min: number; max: number }>(`SELECT min(last_seen) AS min, max(last_seen) AS max FROM engine.devices`);
    expect(seen.min).toBeGreaterThan(1_700_000_000);
    expect(await all(`SELECT DISTINCT enabled FROM engine.watchdogs WHERE enabled NOT IN (0, 1)`)).toEqual([]);
    // mixed ISO spellings inside one text column
    const spellings = await one<{ python: number; go: number }>(`
      SELECT count(*) FILTER (WHERE key_added_at LIKE '%+00:00')::int AS python, count(*) FILTER (WHERE key_added_at LIKE '%Z')::int AS go FROM engine.devices`);
    expect(spellings.python).toBeGreaterThan(0);
    expect(spellings.go).toBeGreaterThan(0);
    // metadata values base64-encoded, secrets as aegis envelopes, JSON as text (one malformed)
    const metadata = await one<{ value: string }>(`SELECT value FROM engine.device_metadata_fields WHERE value <> '' LIMIT 1`);
    expect(Buffer.from(metadata.value, 'base64').toString('base64')).toBe(metadata.value);
    const credential = await one<{ envelope: string }>(`SELECT convert_from(password_encrypted, 'UTF8') AS envelope FROM engine.credentials WHERE password_encrypted IS NOT NULL LIMIT 1`);
    expect(credential.envelope).toMatch(/^aegis:v1:/);
    const malformed = await all<{ hostname: string }>(`
      SELECT hostname FROM engine.devices WHERE software IS NOT NULL AND software !~ '^\\s*[\\[{].*[\\]}]\\s*$'`);
    expect(malformed.map((r) => r.hostname)).toEqual(['WS-GLOBEX-0001']);
  });

  it('keeps relations consistent: users and site assignments, jobs to runs to targets, watchdogs to incidents', async () => {
    const users = await all<{ username: string; role: string; sites: number }>(`
      SELECT u.username, u.role, count(usa.site_id)::int AS sites FROM engine.users u
        LEFT JOIN engine.user_site_assignments usa ON usa.user_id = u.id GROUP BY u.id ORDER BY u.username`);
    expect(users.find((u) => u.username === 'admin')).toMatchObject({ role: 'Admin', sites: 0 });
    expect(users.find((u) => u.username === 'alice')).toMatchObject({ role: 'User', sites: 1 });
    expect(users.find((u) => u.username === 'carol')).toMatchObject({ role: 'User', sites: 0 });
    const dangling = await one<{ runs: number; targets: number; incidents: number }>(`
      SELECT (SELECT count(*) FROM engine.scheduled_job_runs r LEFT JOIN engine.scheduled_jobs j ON j.id = r.job_id WHERE j.id IS NULL)::int AS runs,
             (SELECT count(*) FROM engine.scheduled_job_run_targets t LEFT JOIN engine.scheduled_job_runs r ON r.id = t.run_id WHERE r.id IS NULL)::int AS targets,
             (SELECT count(*) FROM engine.watchdog_incidents i LEFT JOIN engine.watchdogs w ON w.id = i.watchdog_id WHERE w.id IS NULL)::int AS incidents`);
    expect(dangling).toEqual({ runs: 0, targets: 0, incidents: 0 });
    const statuses = await all<{ status: string }>(`SELECT DISTINCT status FROM engine.scheduled_job_runs`);
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['Success', 'Failed', 'Timed Out', 'Skipped']));
  });

  it('rejects a size outside 1..10000 with a clear message', async () => {
    await expect(seedDemoData(db.pool, { devices: 0 })).rejects.toThrow(/1.*10000|10,000/);
    const cli = await run(process.execPath, ['--import', 'tsx', 'src/cli/db-seed.ts', '--devices', '20000'], {
      env: { ...process.env, DATABASE_URL: db.url },
    }).catch((e) => e);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--devices must be an integer from 1 to 10000/);
  });

  it('marks the database as demo data, complete, with the "now" it is relative to', async () => {
    expect(await readSeedMarker(db.pool)).toEqual({ state: 'complete', now: SEED_REFERENCE_TIME, devices: 120 });
  });
});

describe('demo seed: relative to now, resumable, only into demo or empty databases', () => {
  const tableCounts = async (target: TestDatabase) =>
    (
      await target.pool.query<{ name: string; n: number }>(`
        SELECT schemaname || '.' || relname AS name, n_live_tup::int AS n FROM pg_stat_user_tables
         WHERE schemaname IN ('engine', 'assemblies') ORDER BY 1`)
    ).rows;
  const exactCounts = async (target: TestDatabase) => {
    const out: Record<string, number> = {};
    for (const { name } of await tableCounts(target)) {
      out[name] = (await target.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0]!.n;
    }
    return out;
  };

  it('takes "now" as an option: the same shape, timestamps moved with it', async () => {
    const [fixed, live] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const now = Math.floor(Date.now() / 1000);
      await seedDemoData(fixed.pool, { devices: 30 });
      const summary = await seedDemoData(live.pool, { devices: 30, now });
      expect(summary.now).toBe(now);
      expect(await exactCounts(live)).toEqual(await exactCounts(fixed));
      const users = 'SELECT username, role FROM engine.users ORDER BY username';
      expect((await live.pool.query(users)).rows).toEqual((await fixed.pool.query(users)).rows);
      const newest = 'SELECT max(last_seen)::int AS seen, (SELECT max(opened_at)::int FROM engine.watchdog_incidents) AS incident FROM engine.devices';
      const [a, b] = [(await fixed.pool.query(newest)).rows[0], (await live.pool.query(newest)).rows[0]];
      expect(b.seen - a.seen).toBe(now - SEED_REFERENCE_TIME);
      expect(b.incident - a.incident).toBe(now - SEED_REFERENCE_TIME);
      // checked in within the online window (Borealis UI rule) of the real clock
      const online = await live.pool.query(`SELECT count(*)::int AS n FROM engine.devices WHERE last_seen >= $1`, [now - 300]);
      expect(online.rows[0].n).toBeGreaterThan(10);
    } finally {
      await Promise.all([fixed.drop(), live.drop()]);
    }
  });

  it('completes an interrupted seed on the next run, with its first "now", to the same data as an uninterrupted one', async () => {
    const [interrupted, whole] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const stop = new Error('Ctrl-C');
      const aborted = seedDemoData(interrupted.pool, {
        devices: 600,
        now: SEED_REFERENCE_TIME + 3600,
        onProgress: (phase, done) => {
          if (phase === 'devices' && done === 500) throw stop; // after the first device batch committed
        },
      });
      await expect(aborted).rejects.toBe(stop);
      expect(await readSeedMarker(interrupted.pool)).toMatchObject({ state: 'seeding', now: SEED_REFERENCE_TIME + 3600 });
      expect(await isDatabaseEmpty(interrupted.pool)).toBe(false);
      const resumed = await seedDemoData(interrupted.pool, { devices: 600, now: SEED_REFERENCE_TIME + 7200 });
      expect(resumed.now).toBe(SEED_REFERENCE_TIME + 3600);
      await seedDemoData(whole.pool, { devices: 600, now: SEED_REFERENCE_TIME + 3600 });
      expect(await exactCounts(interrupted)).toEqual(await exactCounts(whole));
      const digest = `SELECT md5(string_agg(d::text, ',' ORDER BY guid)) AS sum FROM engine.devices d`;
      expect((await interrupted.pool.query(digest)).rows).toEqual((await whole.pool.query(digest)).rows);
      expect(await readSeedMarker(interrupted.pool)).toMatchObject({ state: 'complete', devices: 600 });
    } finally {
      await Promise.all([interrupted.drop(), whole.drop()]);
    }
  });

  it('never writes into a database holding rows it did not write', async () => {
    const foreign = await createTestDatabase();
    try {
      await foreign.pool.query(`INSERT INTO engine.sites (name, created_at) VALUES ('Production', 1763640000)`);
      await expect(seedDemoData(foreign.pool, { devices: 5 })).rejects.toBeInstanceOf(NotDemoDatabaseError);
      expect((await foreign.pool.query('SELECT count(*)::int AS n FROM engine.sites')).rows[0].n).toBe(1);
      expect(await readSeedMarker(foreign.pool)).toBeNull();
    } finally {
      await foreign.drop();
    }
  });
});
