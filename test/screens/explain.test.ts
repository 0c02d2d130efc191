/**
 * The plans of the four operator screens (issue 9): on a database of 10,000 devices with months of
 * history (bench/history.ts: more than 10,000 incidents, runs and run targets) and fresh
 * statistics, every statement a screen sends is EXPLAINed with its bind values, and no plan may
 * read a table of more than 10,000 rows sequentially. The database carries the indexes `db:check`
 * advises (src/db/index-advice.ts): an operator who wants these screens fast creates them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHistory } from '../../bench/history.js';
import { BENCH_SCREENS, type BenchScreen } from '../../bench/screens.js';
import { createIndexStatement, SCREEN_INDEXES } from '../../src/db/index-advice.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { recordStatements, type RecordedStatement } from '../support/statements.js';

const LARGE_TABLE_ROWS = 10_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  /** Present in VERBOSE plans. */
  Schema?: string;
  Plans?: PlanNode[];
}

let g: SeededGateway;
/** The same database with the compiled read path off: the normal execution's statements. */
let normal: TestGateway;
/** Row counts (from the statistics ANALYZE gathered) of the engine tables larger than the limit. */
let largeTables: Map<string, number>;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 10_000 });
  // Enough history that each table a screen's nested lists read is over the limit.
  await addHistory(g.db.pool, { jobs: 20, incidents: 20_000, runs: 15_000 });
  for (const advice of SCREEN_INDEXES) await g.db.pool.query(createIndexStatement(advice));
  await g.db.pool.query('ANALYZE');
  const { rows } = await g.db.pool.query<{ name: string; rows: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.reltuples::bigint::int AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'engine' AND c.relkind = 'r' AND c.reltuples > $1`,
    [LARGE_TABLE_ROWS],
  );
  largeTables = new Map(rows.map((row) => [row.name, row.rows]));
  normal = await createTestGateway({ ...g.db, config: { ...g.db.config, compiledReads: false } }, g.identities);
}, 240_000);
afterAll(async () => {
  await normal?.close();
  await g?.close();
});

/** Every node of a plan tree, depth first. */
function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/** "engine.table (N rows) in: <statement start>" for each sequential scan of a large table. */
async function largeSequentialScans(statement: RecordedStatement): Promise<string[]> {
  const { rows } = await g.db.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON, VERBOSE) ${statement.text}`,
    [...statement.values],
  );
  return nodesOf(rows[0]!['QUERY PLAN'][0]!.Plan)
    .filter((node) => node['Node Type'] === 'Seq Scan')
    .map((node) => `${node.Schema}.${node['Relation Name']}`)
    .filter((table) => largeTables.has(table))
    .map((table) => `${table} (${largeTables.get(table)} rows) in: ${statement.text.replace(/\s+/g, ' ').slice(0, 160)}`);
}

/** The statements of a screen: its compiled statement, or the normal execution's with `compiled` false. */
async function screenStatements(screen: BenchScreen, compiled: boolean): Promise<RecordedStatement[]> {
  const recorder = recordStatements(g.db.pool);
  try {
    const result = compiled
      ? await g.as('admin', screen.operation, screen.variables)
      : await normal.graphql(screen.operation, screen.variables, { authorization: 'Test admin' });
    expect(result.errors).toBeUndefined();
    return [...recorder.recorded];
  } finally {
    recorder.stop();
  }
}

async function expectNoLargeSequentialScan(screen: BenchScreen): Promise<void> {
  for (const compiled of [true, false]) {
    const statements = await screenStatements(screen, compiled);
    expect(statements.length).toBeGreaterThan(0);
    // The compiled path answers each screen with one statement.
    if (compiled) expect(statements).toHaveLength(1);
    const scans = (await Promise.all(statements.map(largeSequentialScans))).flat();
    expect(scans, `${screen.name} (${compiled ? 'compiled' : 'normal execution'}): sequential scans of tables over ${LARGE_TABLE_ROWS} rows`).toEqual([]);
  }
}

const screen = (name: string) => BENCH_SCREENS.find((candidate) => candidate.name === name)!;

describe('EXPLAIN of the screens at 10,000 devices with history', () => {
  it('the history makes the screens\' child tables large', () => {
    for (const table of ['engine.watchdog_incidents', 'engine.scheduled_job_runs', 'engine.scheduled_job_run_targets', 'engine.device_software_inventory']) {
      expect(largeTables.has(table), table).toBe(true);
    }
  });

  it('a sequential scan of a large table is found (the check can fail)', async () => {
    const scans = await largeSequentialScans({ text: 'SELECT id FROM engine.watchdog_incidents WHERE title = $1', values: ['no such title'] });
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatch(/^engine\.watchdog_incidents \(\d+ rows\)/);
  });

  it('devices page: no sequential scan of a large table', () => expectNoLargeSequentialScan(screen('devices-page')));

  it('device detail: no sequential scan of a large table', () => expectNoLargeSequentialScan(screen('device-detail')));

  it('open-incident queue: no sequential scan of a large table', () => expectNoLargeSequentialScan(screen('incident-queue')));

  it('scheduled jobs with their last runs: no sequential scan of a large table', () =>
    expectNoLargeSequentialScan(screen('scheduled-jobs')));

  // The same screens written by hand (the benchmark's ceiling): Borealis's indexes plus the advised
  // ones serve each of them, so the screens above can be served without a sequential scan.
  it.each(BENCH_SCREENS)('$name as one hand-written statement: no sequential scan of a large table', async (ceiling) => {
    expect(await largeSequentialScans({ text: ceiling.ceilingSql, values: ceiling.ceilingParams })).toEqual([]);
  });
});
