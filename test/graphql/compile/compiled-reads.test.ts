/**
 * The compiled read path (src/graphql/compile) against the normal execution, on one seeded
 * database: two gateways over the same pool, one with GATEWAY_COMPILED_READS on and one off.
 * Every operation of the table must give the same response through both, as an Admin, as the
 * one-site User alice and as carol (a User without a site), and the compiled request must send
 * ONE statement (plus, for a User, the job scope set that needs JSON parsed in the gateway: see
 * access/scope.ts jobIds).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_SCREENS } from '../../../bench/screens.js';
import { createSeededGateway, type GraphQLResponse, type OperatorName, type SeededGateway } from '../../support/seeded.js';
import { createTestGateway, type TestGateway } from '../../support/gateway.js';
import { recordStatements, type RecordedStatement } from '../../support/statements.js';

const screenText = (name: string) => readFileSync(new URL(`../../screens/${name}.graphql`, import.meta.url), 'utf8');

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Reads jobs or runs: a User's request also reads the job scope set first. */
  jobScope?: boolean;
}

const DEVICE_FIELDS = `fragment DeviceBits on Device { __typename host: hostname guid lastSeen operatingSystem }`;

const CASES: Case[] = [
  ...BENCH_SCREENS.map((screen) => ({ name: `bench ${screen.name}`, query: screen.operation, variables: screen.variables, jobScope: screen.name === 'device-detail' || screen.name === 'scheduled-jobs' })),
  { name: 'devices page ascending', query: screenText('devices-page'), variables: { first: 50 } },
  ...[0, 1, 50].map((first) => ({ name: `device detail first ${first}`, query: screenText('device-detail'), variables: { hostname: 'WS-ACME-0001', first }, jobScope: true })),
  ...[0, 1, 50].map((first) => ({ name: `scheduled jobs first ${first}`, query: screenText('scheduled-jobs').replace('runs(first: 5)', `runs(first: ${first})`), variables: { first: 20 }, jobScope: true })),
  {
    name: 'aliases, fragments, __typename, @include/@skip',
    query: `query Aliased($first: Int!, $withSite: Boolean!, $skipStatus: Boolean!) {
      __typename
      page: devices(first: $first, orderBy: { field: HOSTNAME, direction: DESC }) {
        __typename
        count: totalCount
        pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
        edges { __typename cursor node { ...DeviceBits site @include(if: $withSite) { __typename name databaseId createdAt } status @skip(if: $skipStatus) } }
      }
      other: devices(first: 3) { edges { node { ... on Device { hostname } again: hostname } } }
    } ${DEVICE_FIELDS}`,
    variables: { first: 7, withSite: true, skipStatus: true },
  },
  {
    name: 'the same with the directives the other way',
    query: `query Aliased($first: Int!, $withSite: Boolean!, $skipStatus: Boolean!) {
      page: devices(first: $first) { edges { node { ...DeviceBits site @include(if: $withSite) { name } status @skip(if: $skipStatus) } } }
    } ${DEVICE_FIELDS}`,
    variables: { first: 7, withSite: false, skipStatus: false },
  },
  {
    name: 'incidents by severity, filtered, with the watchdog and its incidents',
    query: `{ incidents(first: 10, orderBy: { field: SEVERITY }, where: { severity: [ERROR, WARNING], state: [OPEN, RESOLVED] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { databaseId title severity state openedAt resolvedAt hostname deviceGuid
        site { name } device { hostname status } watchdog { databaseId name enabled incidents(first: 2, state: [OPEN]) { title openedAt } } } } } }`,
  },
  {
    name: 'incidents of one host, only the count',
    query: `query($host: String!) { incidents(where: { hostname: { equals: $host } }) { totalCount } }`,
    variables: { host: 'WS-ACME-0001' },
  },
  {
    name: 'devices by hostname list, no page size',
    query: `{ devices(where: { hostname: { in: ["WS-ACME-0001", "WS-ACME-0002", "NO-SUCH"] } }) { totalCount edges { node { hostname site { name } } } } }`,
  },
  {
    name: 'jobs newest first with run targets and the run job',
    query: `{ scheduledJobs(first: 5, orderBy: { field: ID, direction: DESC }) { edges { node { databaseId name enabled createdAt updatedAt
      runs(first: 3) { databaseId status sharedExecution scheduledAt } } } } }`,
    jobScope: true,
  },
  { name: 'sites', query: `{ sites(first: 10) { totalCount edges { cursor node { databaseId name description createdAt } } } }` },
];

const WHO: OperatorName[] = ['admin', 'alice', 'carol'];

let g: SeededGateway;
let normal: TestGateway;

beforeAll(async () => {
  g = await createSeededGateway();
  normal = await createTestGateway({ ...g.db, config: { ...g.db.config, compiledReads: false } }, g.identities);
});
afterAll(async () => {
  await normal?.close();
  await g?.close();
});

/** The response and the statements of one request through the compiled gateway. */
async function compiled(who: OperatorName, query: string, variables?: Record<string, unknown>): Promise<{ result: GraphQLResponse; statements: RecordedStatement[] }> {
  const recorder = recordStatements(g.db.pool);
  try {
    const result = await g.as(who, query, variables);
    return { result, statements: [...recorder.recorded] };
  } finally {
    recorder.stop();
  }
}

const asNormal = (who: OperatorName, query: string, variables?: Record<string, unknown>) =>
  normal.graphql(query, variables, { authorization: `Test ${who}` }) as Promise<GraphQLResponse>;

/** The one statement that built the response (json_build_object at the top). */
const answering = (statements: RecordedStatement[]) => statements.filter((statement) => statement.text.startsWith('SELECT json_build_object'));

describe.each(WHO)('as %s', (who) => {
  it.each(CASES)('$name: the same response, in one statement', async ({ query, variables, jobScope }) => {
    const expected = await asNormal(who, query, variables);
    expect(expected.errors).toBeUndefined();
    const { result, statements } = await compiled(who, query, variables);
    expect(result).toEqual(expected);
    expect(answering(statements), 'answered by one compiled statement').toHaveLength(1);
    // alice's job scope set: one read of the jobs' saved targets, then their resolution.
    const scopeSets = who === 'alice' && jobScope ? 2 : 0;
    expect(statements.length).toBe(1 + scopeSets);
  });
});

describe('paging', () => {
  it.each(WHO)('as %s: pages taken with `after` from the previous page are the normal pages', async (who) => {
    for (const [list, fields] of [
      ['devices(first: 4, after: $after, orderBy: { field: HOSTNAME, direction: DESC })', 'hostname'],
      ['incidents(first: 6, after: $after)', 'databaseId openedAt'],
      ['scheduledJobs(first: 3, after: $after, orderBy: { field: UPDATED_AT })', 'databaseId name'],
    ] as const) {
      const query = `query($after: String) { list: ${list} { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${fields} } } } }`;
      let after: string | null = null;
      for (let page = 0; page < 3; page += 1) {
        const expected = await asNormal(who, query, { after });
        const { result, statements } = await compiled(who, query, { after });
        expect(result, `${list} page ${page}`).toEqual(expected);
        expect(answering(statements)).toHaveLength(1);
        if (!expected.data.list.pageInfo.hasNextPage) break;
        after = expected.data.list.pageInfo.endCursor;
      }
    }
  });
});
