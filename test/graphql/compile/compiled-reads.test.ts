/**
 * The compiled read path (src/graphql/compile) against the normal execution, on one seeded
 * database: two gateways over the same pool, one with GATEWAY_COMPILED_READS on and one off.
 * Every operation of the table must give the same response through both, as an Admin, as the
 * one-site User alice and as carol (a User without a site), and the compiled request must send
 * ONE statement (plus, for a User, the job scope set that needs JSON parsed in the gateway: see
 * access/scope.ts jobIds).
 */
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_SCREENS } from '../../../bench/screens.js';
import { Prisma } from '../../../src/generated/prisma/client.js';
import { cursorSql, preSerialized } from '../../../src/graphql/compile/compiler.js';
import { encodeCursor, type TypedSortKey } from '../../../src/graphql/cursors.js';
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

describe('prepared statements', () => {
  it("a compiled statement is sent as a named prepared statement, the same name for the same text; users of other sites share it with their own values", async () => {
    const [screen] = BENCH_SCREENS;
    const first = answering((await compiled('admin', screen!.operation, screen!.variables)).statements);
    const again = answering((await compiled('admin', screen!.operation, { ...screen!.variables, first: 3 })).statements);
    expect(first[0]!.name).toMatch(/^gateway_read_[0-9a-f]{32}$/);
    expect(again[0]!.name, 'other variable values are parameters of the same statement').toBe(first[0]!.name);
    const asUser = async (who: OperatorName) => {
      const { result, statements } = await compiled(who, screen!.operation, screen!.variables);
      expect(result, `${who}: the normal path's answer`).toEqual(await asNormal(who, screen!.operation, screen!.variables));
      return answering(statements)[0]!;
    };
    const alice = await asUser('alice');
    const bob = await asUser('bob');
    // Their sites are values, never text: one statement, prepared once per connection.
    expect(alice.name).toMatch(/^gateway_read_[0-9a-f]{32}$/);
    expect(bob.name).toBe(alice.name);
    expect(bob.text).toBe(alice.text);
    expect(bob.values, "each user's own sites").not.toEqual(alice.values);
    // Again on warm connections, now that every connection may hold the prepared statement.
    for (let round = 0; round < 3; round += 1) for (const who of ['bob', 'alice'] as const) await asUser(who);
  });
});

describe('paging', () => {
  it.each(WHO)('as %s: pages taken with `after` from the previous page are the normal pages', async (who) => {
    const listsPaged: string[] = [];
    for (const [list, fields] of [
      ['devices(first: 4, after: $after, orderBy: { field: HOSTNAME, direction: DESC })', 'hostname'],
      ['incidents(first: 6, after: $after)', 'databaseId openedAt'],
      ['scheduledJobs(first: 1, after: $after, orderBy: { field: UPDATED_AT })', 'databaseId name'],
    ] as const) {
      const query = `query($after: String) { list: ${list} { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${fields} } } } }`;
      let after: string | null = null;
      let pagesAfterACursor = 0;
      for (let page = 0; page < 3; page += 1) {
        const expected = await asNormal(who, query, { after });
        const { result, statements } = await compiled(who, query, { after });
        expect(result, `${list} page ${page}`).toEqual(expected);
        expect(answering(statements)).toHaveLength(1);
        if (after !== null) pagesAfterACursor += 1;
        if (!expected.data.list.pageInfo.hasNextPage) break;
        after = expected.data.list.pageInfo.endCursor;
      }
      if (pagesAfterACursor > 0) listsPaged.push(list);
    }
    // The comparison must have reached pages read after a cursor: every list for the Admin, the
    // devices and incidents of her site for alice (her site has one job), none for carol (no site).
    expect(listsPaged.length, `lists paged with \`after\`: ${listsPaged.join('; ')}`).toBe(({ admin: 3, alice: 2, carol: 0 } as Partial<Record<OperatorName, number>>)[who]);
  });
});

describe('fallback to the normal execution', () => {
  const sameAsNormal = async (who: OperatorName | null, query: string, variables?: Record<string, unknown>) => {
    const expected = await (who ? asNormal(who, query, variables) : (normal.graphql(query, variables) as Promise<GraphQLResponse>));
    const recorder = recordStatements(g.db.pool);
    let result: GraphQLResponse;
    try {
      result = await g.as(who, query, variables);
    } finally {
      recorder.stop();
    }
    expect(result).toEqual(expected);
    expect(answering(recorder.recorded), 'no compiled statement').toHaveLength(0);
    return result;
  };

  it('an operation with a field without an SQL form gives the normal result', async () => {
    const result = await sameAsNormal('admin', `{ devices(first: 3) { edges { node { hostname online inventory { cpu } } } } }`);
    expect(result.data.devices.edges).toHaveLength(3);
    await sameAsNormal('alice', `{ incidents(first: 3) { edges { node { title sample } } } }`);
    // A list filter the compiled path does not state in SQL (case-insensitive `contains`).
    await sameAsNormal('admin', `{ devices(first: 3, where: { search: "acme" }) { edges { node { hostname } } } }`);
  });

  it('arguments the normal path refuses get its errors', async () => {
    for (const [query, code] of [
      [`{ devices(first: 2, after: "not-a-cursor") { edges { node { hostname } } } }`, 'BAD_USER_INPUT'],
      [`{ devices(first: 101) { edges { node { hostname } } } }`, 'BAD_USER_INPUT'],
      [`{ scheduledJobs(first: 2) { edges { node { runs(first: 500) { status } } } } }`, 'BAD_USER_INPUT'],
    ] as const) {
      const result = await sameAsNormal('admin', query);
      expect(result.errors?.[0]?.extensions?.code).toBe(code);
    }
    // A cursor of another list.
    const page = await g.as('admin', `{ incidents(first: 1) { pageInfo { endCursor } } }`);
    const result = await sameAsNormal('admin', `query($after: String) { devices(first: 2, after: $after) { edges { node { hostname } } } }`, { after: page.data.incidents.pageInfo.endCursor });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('backward paging, admin-only fields for a User, anonymous callers and introspection run the normal path', async () => {
    await sameAsNormal('admin', `{ devices(last: 2) { edges { node { hostname } } } }`);
    const forbidden = await sameAsNormal('alice', `{ sites(first: 5) { edges { node { name enrollmentCode } } } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await sameAsNormal(null, `{ devices(first: 2) { edges { node { hostname } } } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await sameAsNormal('admin', `{ __schema { queryType { name } } }`);
  });

  it('a stored value the normal path answers with an error gives the same error', async () => {
    // Borealis's column is NOT NULL; a drifted database (or a hand edit) may hold a NULL name,
    // which `ScheduledJob.name: String!` cannot return.
    const { rows } = await g.db.pool.query<{ id: string; name: string }>(`SELECT id::text AS id, name FROM engine.scheduled_jobs ORDER BY name, id LIMIT 1`);
    await g.db.pool.query(`ALTER TABLE engine.scheduled_jobs ALTER COLUMN name DROP NOT NULL`);
    try {
      await g.db.pool.query(`UPDATE engine.scheduled_jobs SET name = NULL WHERE id = $1`, [rows[0]!.id]);
      const query = screenText('scheduled-jobs');
      const expected = await asNormal('admin', query, { first: 20 });
      // graphql-js's "Cannot return null for non-nullable field", masked like every internal error.
      expect(expected.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const recorder = recordStatements(g.db.pool);
      const result = await g.as('admin', query, { first: 20 });
      recorder.stop();
      // Each request has its own request id; everything else is the same.
      const withoutRequestIds = (response: GraphQLResponse) => JSON.parse(JSON.stringify(response).replace(/"requestId":"[^"]*"/g, '"requestId":""')) as GraphQLResponse;
      expect(withoutRequestIds(result)).toEqual(withoutRequestIds(expected));
      // The compiled statement ran, found the NULL, and the normal execution answered.
      expect(answering(recorder.recorded)).toHaveLength(1);
      expect(recorder.recorded.length).toBeGreaterThan(1);
    } finally {
      await g.db.pool.query(`UPDATE engine.scheduled_jobs SET name = $2 WHERE id = $1`, [rows[0]!.id, rows[0]!.name]);
      await g.db.pool.query(`ALTER TABLE engine.scheduled_jobs ALTER COLUMN name SET NOT NULL`);
    }
  });
});

describe('scope', () => {
  /** Hostnames of devices assigned to alice's sites. */
  const aliceHostnames = async () => {
    const { rows } = await g.db.pool.query<{ hostname: string }>(`SELECT device_hostname AS hostname FROM engine.device_sites WHERE site_id = ANY($1::int[])`, [g.identities.alice.siteIds]);
    return new Set(rows.map((row) => row.hostname));
  };

  it("a one-site User gets nothing of another site, whatever cursor or nested list she asks through", async () => {
    const mine = await aliceHostnames();
    const query = `query($after: String) { devices(first: 20, after: $after, orderBy: { field: HOSTNAME }) { pageInfo { endCursor }
      edges { node { hostname site { databaseId } incidents(first: 50) { hostname site { databaseId } device { hostname } watchdog { name } }
        runTargets(first: 50) { hostname site { databaseId } run { targetHostname job { name } } } } } } }`;
    // Admin's cursors walk the whole ordering, through other sites' devices.
    let after: string | null = null;
    let seen = 0;
    for (let page = 0; page < 6; page += 1) {
      const { result } = await compiled('alice', query, { after });
      expect(result).toEqual(await asNormal('alice', query, { after }));
      const text = JSON.stringify(result.data.devices.edges);
      seen += result.data.devices.edges.length;
      for (const node of result.data.devices.edges.map((edge: { node: { hostname: string } }) => edge.node)) expect(mine.has(node.hostname), node.hostname).toBe(true);
      for (const siteId of text.matchAll(/"databaseId":"(\d+)"/g)) expect(g.identities.alice.siteIds).toContain(Number(siteId[1]));
      for (const hostname of text.matchAll(/"(?:hostname|targetHostname)":"([^"]+)"/g)) expect(mine.has(hostname[1]!), hostname[1]).toBe(true);
      after = (await g.as('admin', query, { after })).data.devices.pageInfo.endCursor;
      if (after === null) break;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("a device of another site is not found through the compiled device detail", async () => {
    const mine = await aliceHostnames();
    const { rows } = await g.db.pool.query<{ hostname: string }>(`SELECT hostname FROM engine.devices ORDER BY hostname`);
    const other = rows.find((row) => !mine.has(row.hostname))!.hostname;
    const { result, statements } = await compiled('alice', screenText('device-detail'), { hostname: other, first: 10 });
    expect(answering(statements)).toHaveLength(1);
    expect(result).toEqual({ data: { devices: { edges: [] } } });
    expect((await compiled('admin', screenText('device-detail'), { hostname: other, first: 10 })).result.data.devices.edges).toHaveLength(1);
  });
});

describe('secret columns', () => {
  it('no SQL form of the schema names a secret column, and the forms cannot be given one', async () => {
    const { gatewaySchema } = await import('../../../src/server/schema.js');
    const { SECRET_OMIT } = await import('../../../src/db/prisma.js');
    const { columnOf } = await import('../../../src/graphql/compile/columns.js');
    const { formOf } = await import('../../../src/graphql/compile/forms.js');
    const secret = (model: string, field: string) => Boolean((SECRET_OMIT as Record<string, Record<string, true>>)[model.charAt(0).toLowerCase() + model.slice(1)]?.[field]);
    const schema = gatewaySchema();
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      const model = (type.extensions as { pothosPrismaModel?: string }).pothosPrismaModel;
      if (!model || !('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        const form = formOf(field.extensions) as { field?: string } | undefined;
        const column = form?.field ?? (field.extensions as { pothosExposedField?: string }).pothosExposedField;
        if (column === undefined) continue;
        checked += 1;
        expect(secret(model, column), `${type.name}.${field.name}`).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(50);
    for (const [delegate, fields] of Object.entries(SECRET_OMIT)) {
      for (const field of Object.keys(fields)) expect(() => columnOf((delegate.charAt(0).toUpperCase() + delegate.slice(1)) as never, field)).toThrow(/never read/);
    }
  });

  it('no compiled statement of the equivalence cases names a secret column', async () => {
    const { loadMirror } = await import('../../../src/db/drift.js');
    const { SECRET_OMIT } = await import('../../../src/db/prisma.js');
    const columns = loadMirror().tables.flatMap((table) => {
      const omitted = (SECRET_OMIT as Record<string, Record<string, true>>)[table.model.charAt(0).toLowerCase() + table.model.slice(1)] ?? {};
      return table.columns.filter((column) => omitted[column.field]).map((column) => column.column);
    });
    expect(columns).toContain('agent_vnc_password');
    for (const { query, variables } of CASES) {
      for (const statement of answering((await compiled('admin', query, variables)).statements)) {
        for (const column of columns) expect(statement.text).not.toContain(column);
      }
    }
  });
});

describe("the statement's JSON text as the response", () => {
  const post = (gateway: TestGateway, body: unknown) =>
    gateway.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Test admin' },
      body: JSON.stringify(body),
    });

  it("is written as PostgreSQL wrote it, with the normal path's status, headers and meaning", async () => {
    const screen = BENCH_SCREENS.find((candidate) => candidate.name === 'devices-page')!;
    const body = { query: screen.operation, variables: screen.variables };
    const [passed, expected] = await Promise.all([post(g.gateway, body), post(normal, body)]);
    const text = await passed.text();
    // PostgreSQL's json text (its ` : ` separators), not a JSON.stringify of a parsed value.
    expect(text.startsWith('{"data":{"devices" : {')).toBe(true);
    expect(JSON.parse(text)).toEqual(await expected.json());
    expect(passed.status).toBe(expected.status);
    const headers = (response: Response) => [...response.headers.keys()].filter((name) => name !== 'content-length').sort();
    expect(headers(passed)).toEqual(headers(expected));
    expect(passed.headers.get('content-type')).toBe(expected.headers.get('content-type'));
    expect(passed.headers.get('x-request-id')).toBeTruthy();
  });

  it('is parsed for whatever reads `data`, and serialized whole once a plugin changed the result', () => {
    const text = '{"devices" : {"totalCount" : 2, "edges" : [{"cursor" : "x\\"y"}]}}';
    const result = preSerialized(text);
    expect(result.stringify(result)).toBe(`{"data":${text}}`);
    expect(result.data).toEqual({ devices: { totalCount: 2, edges: [{ cursor: 'x"y' }] } });
    expect(result.data).toBe(result.data);
    const withErrors = { ...result, errors: [new GraphQLError('boom')] };
    expect(JSON.parse(result.stringify(withErrors))).toEqual({ data: result.data, errors: [{ message: 'boom' }] });
    // graphql-ws and SSE serialize the result object itself: the getter gives the data.
    expect(JSON.parse(JSON.stringify(result))).toEqual({ data: result.data });
  });
});

describe('cursors built in SQL', () => {
  const keys: TypedSortKey[] = [
    { field: 'hostname', direction: 'desc', type: 'String', nullable: true },
    { field: 'id', direction: 'asc', type: 'BigInt', nullable: false },
    { field: 'openedAt', direction: 'desc', type: 'Int', nullable: true },
  ];
  const TRICKY = [
    'plain',
    '',
    null,
    'a "quoted" name',
    'back\\slash \\" \\\\u0041',
    '\b\f\n\r\t',
    Array.from({ length: 31 }, (_, code) => String.fromCharCode(code + 1)).join(''),
    '\u007f del, \u2028 line separator, \u00a0 nbsp',
    'naïve café Ω 日本語 😀',
    '/+=?&<>\'',
    `long ${'x'.repeat(200)} (base64 breaks lines every 76 characters)`,
  ];

  it.each(TRICKY.map((value) => [JSON.stringify(value), value] as const))('%s: the same text as encodeCursor', async (_name, value) => {
    for (const [id, openedAt] of [[1n, 1714000000], [-9223372036854775808n, null], [9223372036854775807n, -2147483648]] as const) {
      const column = (key: TypedSortKey) => Prisma.raw(`v.${key.field === 'openedAt' ? 'opened_at' : key.field}`);
      const statement = Prisma.sql`SELECT ${cursorSql('Query.devices', keys, column)} AS cursor
        FROM (VALUES (${value}::text, ${id.toString()}::bigint, ${openedAt}::int)) AS v(hostname, id, opened_at)`;
      const { rows } = await g.db.pool.query<{ cursor: string }>(statement.text, statement.values as unknown[]);
      expect(rows[0]!.cursor).toBe(encodeCursor('Query.devices', keys, [value, id, openedAt]));
    }
  });
});
