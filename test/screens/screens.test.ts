/**
 * SQL snapshots of the four operator screens of issue 9, as an Admin and as the one-site User
 * alice: each screen's operation (test/screens/<name>.graphql) runs against the seeded database,
 * and its result and the SQL it sent are compared with reviewed files in __snapshots__/
 * (<name>.<operator>.json and .sql). A change of SQL shows up as a diff of those files. The
 * screens are compiled (src/graphql/compile): the snapshots show their one statement;
 * statement-counts.txt also records the normal execution's statements (GATEWAY_COMPILED_READS=off).
 *
 * Regenerate after an intended change: npx vitest run test/screens -u
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type GraphQLResponse, type SeededGateway } from '../support/seeded.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';
import { recordStatements } from '../support/statements.js';
import { captureOperation, collapseWhitespace, formatSql, nestingDepth, renderResult, renderSqlSnapshot } from '../support/sql-snapshot.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Screen {
  name: string;
  /** The page size is always `$first`; other variables are fixed. */
  variables: Record<string, unknown> & { first: number };
}

const SCREENS: Screen[] = [
  { name: 'devices-page', variables: { first: 50 } },
  // A device of Acme HQ (alice's site) with open incidents, installed software and run targets.
  { name: 'device-detail', variables: { hostname: 'WS-ACME-0001', first: 10 } },
  { name: 'incident-queue', variables: { first: 50 } },
  { name: 'scheduled-jobs', variables: { first: 20 } },
];
const OPERATORS = ['admin', 'alice'] as const;

let g: SeededGateway;
/** The same gateway with the compiled read path off. */
let normal: TestGateway;
beforeAll(async () => {
  g = await createSeededGateway();
  normal = await createTestGateway({ ...g.db, config: { ...g.db.config, compiledReads: false } }, g.identities);
});
afterAll(async () => {
  await normal.close();
  await g.close();
});

/** Every `site { name }` anywhere in a result. */
function siteNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(siteNames);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'site' && child && typeof child === 'object' && 'name' in child ? [String(child.name)] : siteNames(child),
  );
}

/** The rows of the screen's root list (a connection's edges, or the root value itself). */
function rootRows(result: GraphQLResponse): unknown[] {
  const root = Object.values(result.data ?? {})[0] as { edges?: unknown[] } | null;
  return root?.edges ?? [];
}

const operation = (screen: Screen) => readFileSync(path.join(HERE, `${screen.name}.graphql`), 'utf8');
const runScreen = (screen: Screen, who: (typeof OPERATORS)[number], first = screen.variables.first) =>
  captureOperation(g, who, operation(screen), { ...screen.variables, first });

describe.each(SCREENS)('screen $name', (screen) => {
  const query = operation(screen);
  const run = (who: (typeof OPERATORS)[number]) => runScreen(screen, who);

  it.each(OPERATORS)('as %s: the result and the SQL match the reviewed snapshots', async (who) => {
    const captured = await run(who);
    expect(captured.result.errors).toBeUndefined();
    expect(rootRows(captured.result).length).toBeGreaterThan(0);
    const title = `${screen.name}.graphql as ${who}, variables ${JSON.stringify(screen.variables)}`;
    const sql = renderSqlSnapshot(title, query, captured.statements);
    // Formatting only moves whitespace: no token of a statement is lost or reordered.
    const tokensOnly = (text: string) => text.replace(/\s+/g, '');
    for (const statement of captured.statements) expect(tokensOnly(formatSql(statement.text))).toBe(tokensOnly(statement.text));

    // The same request again sends the same statements in the same order: the snapshot is stable.
    const again = await run(who);
    expect(renderSqlSnapshot(title, query, again.statements)).toBe(sql);
    expect(again.result).toEqual(captured.result);

    await expect(sql).toMatchFileSnapshot(path.join(HERE, '__snapshots__', `${screen.name}.${who}.sql`));
    await expect(renderResult(captured.result)).toMatchFileSnapshot(path.join(HERE, '__snapshots__', `${screen.name}.${who}.json`));
  });

  it("a one-site User's scope is in the SQL and in the result", async () => {
    const admin = await run('admin');
    const alice = await run('alice');
    const texts = (statements: typeof admin.statements) => statements.map((s) => collapseWhitespace(s.text));
    expect(texts(alice.statements)).not.toEqual(texts(admin.statements));
    const aliceSites = new Set(g.identities.alice.siteIds);
    expect(aliceSites.size).toBe(1);
    const { rows } = await g.db.pool.query<{ name: string }>('SELECT name FROM engine.sites WHERE id = ANY($1::bigint[])', [[...aliceSites]]);
    for (const name of siteNames(alice.result.data)) expect(name).toBe(rows[0]!.name);
  });
});

/** The statements of one screen request through the normal execution (compiled reads off). */
async function normalStatements(screen: Screen, who: (typeof OPERATORS)[number], first: number): Promise<number> {
  const recorder = recordStatements(g.db.pool, { serialize: true });
  try {
    const result = await normal.graphql(operation(screen), { ...screen.variables, first }, { authorization: `Test ${who}` });
    expect(result.errors).toBeUndefined();
    return recorder.recorded.length;
  } finally {
    recorder.stop();
  }
}

// Issue 9's target is at most (nesting depth + 1) statements per request; the compiled path sends
// one (plus a User's job scope set), the normal execution is recorded beside it. What is enforced:
// the count does not grow with the page size.
it('statements per screen do not depend on the page size (today\'s counts are in statement-counts.txt)', async () => {
  const header = ['screen', 'operator', 'first: 5', 'first: 50', 'normal first: 5', 'normal first: 50', 'target (depth + 1)'];
  const rows: string[][] = [];
  for (const screen of SCREENS) {
    const target = nestingDepth(parse(operation(screen))) + 1;
    for (const who of OPERATORS) {
      const small = await runScreen(screen, who, 5);
      const large = await runScreen(screen, who, 50);
      expect(small.result.errors).toBeUndefined();
      expect(large.result.errors).toBeUndefined();
      expect.soft(large.statements.length, `${screen.name} as ${who}`).toBe(small.statements.length);
      const [normalSmall, normalLarge] = [await normalStatements(screen, who, 5), await normalStatements(screen, who, 50)];
      expect.soft(normalLarge, `${screen.name} as ${who}, normal execution`).toBe(normalSmall);
      const met = Math.max(small.statements.length, large.statements.length) <= target ? 'met' : 'not met yet';
      rows.push([screen.name, who, String(small.statements.length), String(large.statements.length), String(normalSmall), String(normalLarge), `${target} ${met}`]);
    }
  }
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const table = [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  await expect(`${table.join('\n')}\n`).toMatchFileSnapshot(path.join(HERE, '__snapshots__', 'statement-counts.txt'));
});
