/**
 * The read path of issue 9 beyond the snapshots: what a statement reads (no large column a field
 * did not ask for), statements and rows fetched that do not grow with history, installed-software
 * paging, the device(guid:) and deviceByHostname(hostname:) roots, and the rules' SQL form agreeing with their
 * Prisma form (the per-parent pages use the SQL form).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import { rawShape } from '../../src/access/batch.js';
import { createScope } from '../../src/access/scope.js';
import { delegateOf, ruleSql, scopedWhere, type ModelName } from '../../src/access/rules.js';
import { MAX_PAGE_SIZE } from '../../src/graphql/inputs.js';
import { createSeededGateway, type OperatorName, type SeededGateway } from '../support/seeded.js';
import { captureOperation } from '../support/sql-snapshot.js';
import type { RecordedStatement } from '../support/statements.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const screen = (name: string) => readFileSync(path.join(HERE, `${name}.graphql`), 'utf8');
const LARGE_DEVICE_COLUMNS = ['memory', 'network', 'software', 'services', 'storage', 'cpu', 'sessions', 'processes', 'agent_role_health'];

let g: SeededGateway;
let prisma: Db;
beforeAll(async () => {
  g = await createSeededGateway();
  prisma = createPrismaClient(g.db.pool);
});
afterAll(async () => {
  await prisma.$disconnect();
  await g.close();
});

/** Whether a statement reads `column` of engine.devices (as Prisma or raw SQL would spell it). */
const readsColumn = (statement: RecordedStatement, column: string) => new RegExp(`"${column}"|\\.${column}\\b`).test(statement.text);
/**
 * `SELECT *` of a table (not of the statement's own values), or a compiled row alias read whole
 * (`c4::text`, `c4.*`, `to_json(c4)`): every column would be read.
 */
const readsEveryColumn = (statement: RecordedStatement) =>
  /SELECT\s+\*\s+FROM\s+(?!unnest\()|\bc\d+::|\bc\d+\.\*|\(\s*c\d+\s*\)/.test(statement.text);
const fromDevices = (statement: RecordedStatement) => /FROM "engine"\."devices"|FROM engine\.devices/.test(statement.text);
const rowsFetched = (statements: RecordedStatement[]) => statements.reduce((sum, statement) => sum + (statement.rows ?? 0), 0);

describe('columns', () => {
  it('the device screens read no large device column; `inventory` reads them in one statement of its own', async () => {
    for (const [name, variables] of [
      ['devices-page', { first: 50 }],
      ['device-detail', { hostname: 'WS-ACME-0001', first: 10 }],
      ['incident-queue', { first: 50 }],
    ] as const) {
      const captured = await captureOperation(g, 'admin', screen(name), variables);
      expect(captured.result.errors).toBeUndefined();
      expect(captured.statements.some(fromDevices), `${name} reads devices`).toBe(true);
      for (const statement of captured.statements) {
        for (const column of LARGE_DEVICE_COLUMNS) expect(readsColumn(statement, column), `${name} reads devices.${column}`).toBe(false);
      }
    }

    const query = `query($first: Int!) { devices(first: $first) { edges { node { hostname inventory { memory cpu } } } } }`;
    const small = await captureOperation(g, 'admin', query, { first: 5 });
    const large = await captureOperation(g, 'admin', query, { first: 50 });
    expect(large.result.errors).toBeUndefined();
    expect(large.statements.length).toBe(small.statements.length);
    const readers = large.statements.filter((statement) => readsColumn(statement, 'memory'));
    expect(readers).toHaveLength(1);
    const nodes = large.result.data.devices.edges.map((edge: { node: { inventory: { memory: unknown } | null } }) => edge.node);
    expect(nodes.length).toBe(50);
    // The values are the stored documents, parsed: the seed stores an inventory for its devices.
    expect(nodes.every((node: { inventory: { memory: unknown } | null }) => node.inventory !== null)).toBe(true);
    expect(nodes.some((node: { inventory: { memory: unknown } | null }) => node.inventory?.memory != null)).toBe(true);
  });
});

describe('named columns', () => {
  it.each(['admin', 'alice'] as const)('as %s: every statement of the four screens names the columns it reads (no `*`, no whole row)', async (who) => {
    for (const [name, variables] of [
      ['devices-page', { first: 50 }],
      ['device-detail', { hostname: 'WS-ACME-0001', first: 10 }],
      ['incident-queue', { first: 50 }],
      ['scheduled-jobs', { first: 20 }],
    ] as const) {
      const captured = await captureOperation(g, who, screen(name), variables);
      expect(captured.result.errors).toBeUndefined();
      // Answered by the compiled path (a fallback to the normal execution would hide its statement).
      expect(captured.statements.filter((statement) => statement.text.startsWith('SELECT json_build_object')), name).toHaveLength(1);
      for (const statement of captured.statements) expect(readsEveryColumn(statement), `${name}: ${statement.text}`).toBe(false);
    }
  });
});

describe('incident documents', () => {
  const DOCUMENTS = ['sample_json', 'rule_summary_json', 'action_summary_json'];

  it('the incident queue reads no incident document; `sample` and the summaries read them in one statement', async () => {
    const queue = await captureOperation(g, 'alice', screen('incident-queue'), { first: 50 });
    expect(queue.statements.some((statement) => statement.text.includes('watchdog_incidents'))).toBe(true);
    for (const statement of queue.statements) for (const column of DOCUMENTS) expect(statement.text).not.toContain(column);

    const query = `{ incidents(first: 20) { edges { node { databaseId sample ruleSummary actionSummary } } } }`;
    const captured = await captureOperation(g, 'alice', query, {});
    expect(captured.result.errors).toBeUndefined();
    expect(captured.statements.filter((statement) => statement.text.includes('sample_json'))).toHaveLength(1);
    const nodes = captured.result.data.incidents.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(nodes.length).toBeGreaterThan(0);
    const { rows } = await g.db.pool.query<{ id: string; sample_json: string | null; rule_summary_json: string | null }>(
      `SELECT id::text AS id, sample_json, rule_summary_json FROM engine.watchdog_incidents WHERE id = ANY($1::bigint[])`,
      [nodes.map((node: { databaseId: string }) => node.databaseId)],
    );
    const stored = new Map(rows.map((row) => [row.id, row]));
    for (const node of nodes) {
      const row = stored.get(node.databaseId)!;
      expect(node.sample).toEqual(row.sample_json === null ? null : JSON.parse(row.sample_json));
      expect(node.ruleSummary).toEqual(row.rule_summary_json === null ? null : JSON.parse(row.rule_summary_json));
    }
    expect(nodes.some((node: { sample: unknown }) => node.sample !== null)).toBe(true);
  });
});

/** Copies row `id` of `table` `times` times, each copy twenty years and some hours older than the original (older than any page row). */
async function addHistory(table: string, id: bigint | number, timeColumn: string, times: number, overrides: Record<string, string> = {}) {
  const { rows } = await g.db.pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'engine' AND table_name = $1 AND column_name <> 'id' ORDER BY ordinal_position`,
    [table],
  );
  const columns = rows.map((row) => `"${row.column_name}"`);
  const values = rows.map((row) =>
    row.column_name === timeColumn ? `"${timeColumn}" - 630720000 - copy * 3600` : (overrides[row.column_name] ?? `"${row.column_name}"`),
  );
  await g.db.pool.query(
    `INSERT INTO engine.${table} (${columns.join(', ')})
     SELECT ${values.join(', ')} FROM engine.${table} CROSS JOIN generate_series(1, $2) AS copy WHERE id = $1`,
    [String(id), times],
  );
}

describe('history', () => {
  const WATCHDOG_INCIDENTS = `{ watchdogs(first: 20) { edges { node { name incidents(first: 5) { title openedAt } } } } }`;

  it('statements and rows fetched per screen do not grow with the history of a job or a watchdog', async () => {
    const before: Record<string, { statements: number; rows: number; data: unknown }> = {};
    const run = async (who: OperatorName) => {
      const jobs = await captureOperation(g, who, screen('scheduled-jobs'), { first: 20 });
      const watchdogs = await captureOperation(g, who, WATCHDOG_INCIDENTS, {});
      expect(jobs.result.errors).toBeUndefined();
      expect(watchdogs.result.errors).toBeUndefined();
      return { jobs, watchdogs };
    };
    for (const who of ['admin', 'alice'] as const) {
      const { jobs, watchdogs } = await run(who);
      before[`${who} jobs`] = { statements: jobs.statements.length, rows: rowsFetched(jobs.statements), data: jobs.result.data };
      before[`${who} watchdogs`] = { statements: watchdogs.statements.length, rows: rowsFetched(watchdogs.statements), data: watchdogs.result.data };
    }

    // 400 older runs of a run alice sees, 400 older (resolved) incidents of a watchdog alice sees.
    const { rows: runs } = await g.db.pool.query<{ id: string }>(
      `SELECT r.id FROM engine.scheduled_job_runs r JOIN engine.device_sites ds ON ds.device_hostname = r.target_hostname
        WHERE ds.site_id = ANY($1::int[]) ORDER BY r.id LIMIT 1`,
      [g.identities.alice.siteIds],
    );
    const { rows: incidents } = await g.db.pool.query<{ id: string }>(
      `SELECT id FROM engine.watchdog_incidents WHERE site_id = ANY($1::int[]) ORDER BY id LIMIT 1`,
      [g.identities.alice.siteIds],
    );
    expect(runs.length).toBe(1);
    expect(incidents.length).toBe(1);
    await addHistory('scheduled_job_runs', BigInt(runs[0]!.id), 'scheduled_ts', 400);
    await addHistory('watchdog_incidents', BigInt(incidents[0]!.id), 'opened_at', 400, { state: `'resolved'` });

    for (const who of ['admin', 'alice'] as const) {
      const { jobs, watchdogs } = await run(who);
      for (const [name, captured] of [[`${who} jobs`, jobs], [`${who} watchdogs`, watchdogs]] as const) {
        expect(captured.statements.length, name).toBe(before[name]!.statements);
        // The copies are older than every page row: the pages, and so the rows fetched, are unchanged.
        expect(captured.result.data, name).toEqual(before[name]!.data);
        expect(rowsFetched(captured.statements), name).toBe(before[name]!.rows);
      }
    }
  });
});

describe('per-parent pages', () => {
  it("each watchdog's and job's first rows are the SQL order's first rows in the operator's scope", async () => {
    const query = `{ watchdogs(first: 50) { edges { node { databaseId incidents(first: 3) { databaseId } } } }
                     scheduledJobs(first: 50) { edges { node { databaseId runs(first: 4) { databaseId } } } } }`;
    for (const who of ['admin', 'alice'] as const) {
      const result = await g.as(who, query);
      expect(result.errors).toBeUndefined();
      const sites = g.identities[who].siteIds;
      const watchdogs = result.data.watchdogs.edges.map((edge: { node: { databaseId: string; incidents: Array<{ databaseId: string }> } }) => edge.node);
      expect(watchdogs.length).toBeGreaterThan(0);
      let nonEmpty = 0;
      for (const watchdog of watchdogs) {
        const { rows } = await g.db.pool.query<{ id: string }>(
          `SELECT id::text AS id FROM engine.watchdog_incidents WHERE watchdog_id = $1 AND ($2::int[] IS NULL OR site_id = ANY($2::int[]))
            ORDER BY opened_at DESC, id DESC LIMIT 3`,
          [Number(watchdog.databaseId), sites],
        );
        expect(watchdog.incidents.map((incident: { databaseId: string }) => incident.databaseId), `${who} watchdog ${watchdog.databaseId}`).toEqual(rows.map((row) => row.id));
        if (rows.length > 1) nonEmpty += 1;
      }
      expect(nonEmpty).toBeGreaterThan(0);
      // Runs: every run a job shows is one the runs list shows to the same operator, newest first.
      const jobs = result.data.scheduledJobs.edges.map((edge: { node: { databaseId: string; runs: Array<{ databaseId: string }> } }) => edge.node);
      expect(jobs.some((job: { runs: unknown[] }) => job.runs.length > 1), `${who} sees a job with runs`).toBe(true);
      for (const job of jobs) {
        const listed = await g.as(who, `query($job: ID!) { scheduledJobRuns(first: 4, where: { jobId: { equals: $job } }) { edges { node { databaseId } } } }`, {
          job: job.databaseId,
        });
        expect(listed.errors).toBeUndefined();
        const ids = listed.data.scheduledJobRuns.edges.map((edge: { node: { databaseId: string } }) => edge.node.databaseId);
        expect(job.runs.map((run: { databaseId: string }) => run.databaseId), `${who} job ${job.databaseId}`).toEqual(ids);
      }
    }
  });
});

describe('installed software', () => {
  const GUID = 'C2154F32-566D-48E2-A8A0-870174766071';
  const SOFTWARE = `query($guid: String!, $first: Int, $after: String) {
    device(guid: $guid) { hostname installedSoftware(first: $first, after: $after) { name nameNormalized cursor } } }`;

  it('pages a device with 250 packages, `first` at most the page size, a bad cursor refused', async () => {
    await g.db.pool.query(
      `INSERT INTO engine.device_software_inventory (device_guid, name, name_normalized, version, source, captured_at)
       SELECT $1, 'Package ' || n, 'package ' || lpad(n::text, 4, '0'), '1.0', 'test', 0 FROM generate_series(1, 250) AS n`,
      [GUID.toLowerCase()],
    );
    const { rows } = await g.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM engine.device_software_inventory WHERE upper(device_guid) = $1`, [GUID]);
    const total = Number(rows[0]!.n);
    expect(total).toBeGreaterThanOrEqual(250);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await captureOperation(g, 'alice', SOFTWARE, { guid: GUID, first: MAX_PAGE_SIZE, after });
      expect(page.result.errors).toBeUndefined();
      const software = page.result.data.device.installedSoftware as Array<{ nameNormalized: string; cursor: string }>;
      // Bounded by the page in SQL: the statement returns the page, not the device's 250+ rows.
      const softwareStatement = page.statements.find((statement) => statement.text.includes('device_software_inventory'))!;
      expect(softwareStatement.rows).toBe(software.length);
      expect(softwareStatement.text).not.toMatch(/LOWER\("?device_guid/i);
      seen.push(...software.map((row) => row.nameNormalized));
      pages += 1;
      if (software.length < MAX_PAGE_SIZE) break;
      after = software.at(-1)!.cursor;
    }
    expect(pages).toBe(Math.floor(total / MAX_PAGE_SIZE) + 1);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());

    const tooMany = await g.as('alice', SOFTWARE, { guid: GUID, first: MAX_PAGE_SIZE + 1 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await g.as('alice', SOFTWARE, { guid: GUID, first: 5, after: 'not-a-cursor' });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('device(guid:) and deviceByHostname(hostname:)', () => {
  const BY_GUID = `query($guid: String!) { device(guid: $guid) { guid hostname site { name } } }`;
  const BY_HOSTNAME = `query($hostname: String!) { deviceByHostname(hostname: $hostname) { guid hostname site { name } } }`;

  it('find a device by GUID in any case spelling or by hostname, scoped: null outside the sites or when absent', async () => {
    const { rows } = await g.db.pool.query<{ guid: string; hostname: string; site_id: number | null }>(
      `SELECT d.guid, d.hostname, ds.site_id FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname ORDER BY d.hostname`,
    );
    const aliceSites = new Set(g.identities.alice.siteIds);
    const mine = rows.find((row) => row.site_id !== null && aliceSites.has(row.site_id))!;
    const other = rows.find((row) => row.site_id === null || !aliceSites.has(row.site_id))!;

    for (const spelling of [mine.guid, mine.guid.toLowerCase(), mine.guid.toUpperCase(), ` ${mine.guid.toLowerCase()} `]) {
      const found = await g.as('alice', BY_GUID, { guid: spelling });
      expect(found.errors).toBeUndefined();
      expect(found.data.device).toMatchObject({ guid: mine.guid, hostname: mine.hostname });
    }
    expect((await g.as('alice', BY_HOSTNAME, { hostname: mine.hostname })).data.deviceByHostname.guid).toBe(mine.guid);

    // Outside alice's sites looks the same as absent: null, no error.
    for (const guid of [other.guid, '00000000-0000-0000-0000-000000000000']) {
      const result = await g.as('alice', BY_GUID, { guid });
      expect(result.errors).toBeUndefined();
      expect(result.data.device).toBeNull();
    }
    for (const hostname of [other.hostname, 'NO-SUCH-HOST', mine.hostname.toLowerCase() === mine.hostname ? 'X' : mine.hostname.toLowerCase()]) {
      const result = await g.as('alice', BY_HOSTNAME, { hostname });
      expect(result.errors).toBeUndefined();
      expect(result.data.deviceByHostname).toBeNull();
    }
    expect((await g.as('admin', BY_GUID, { guid: other.guid.toLowerCase() })).data.device.hostname).toBe(other.hostname);
    expect((await g.as(null, BY_GUID, { guid: mine.guid })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe("rules' SQL form", () => {
  // Every rule with an SQL form that raw reads (access/batch.ts) use, with the unique key compared.
  const MODELS: Array<[ModelName, string, string?]> = [
    ['ScheduledJobRun', 'id'],
    ['WatchdogIncident', 'id'],
    ['Site', 'id'],
    ['Device', 'guid'],
    ['Watchdog', 'id'],
    ['DeviceFilter', 'id'],
    ['ScheduledJob', 'id'],
    ['ActivityHistory', 'id'],
    ['AnsiblePlayRecap', 'id'],
    ['ScheduledJobRunTarget', 'id'],
    ['JobSchedulerWorkItem', 'id'],
    ['JobSchedulerWorker', 'workerGuid', 'worker_guid'],
  ];

  it.each(MODELS)('%s: the SQL form admits exactly the rows the Prisma form admits, for every operator', async (model, key, stored = key) => {
    const aliceSees: number[] = [];
    for (const who of ['admin', 'alice', 'bob', 'carol'] as const) {
      const scope = createScope(prisma, g.identities[who]);
      const row = Prisma.raw('"row"');
      const column = Prisma.raw(`"row"."${stored}"`);
      const viaSql = await prisma.$queryRaw<Array<{ key: string }>>(
        Prisma.sql`SELECT ${column}::text AS key FROM ${rawShape(prisma, model).table} AS ${row} WHERE ${await ruleSql(model, scope, row)} ORDER BY ${column}`,
      );
      const viaPrisma = (await delegateOf(prisma, model).findMany({ where: await scopedWhere(model, scope), orderBy: { [key]: 'asc' }, select: { [key]: true } })) as Array<
        Record<string, unknown>
      >;
      expect(viaSql.map((r) => r.key), `${model} as ${who}`).toEqual(viaPrisma.map((r) => String(r[key])));
      if (who === 'alice') aliceSees.push(viaSql.length);
    }
    // The seed gives alice's site rows of the screens' models: the comparison is not between two empty sets.
    if (['ScheduledJobRun', 'WatchdogIncident', 'Site', 'Device', 'Watchdog'].includes(model)) expect(aliceSees[0]).toBeGreaterThan(0);
  });
});
