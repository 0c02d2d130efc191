/**
 * Keyset paging of every top-level list, against the seeded database: each list and ordering is
 * paged through forwards and backwards with small pages and compared with an independent SQL
 * query (ORDER BY written here, from the Prisma schema's column names, with PostgreSQL's NULL
 * placement); bad cursors are BAD_USER_INPUT; an out-of-scope row's cursor answers like a
 * nonexistent row's; paging costs no lookup statement.
 */
import { readFileSync } from 'node:fs';
import {
  getNamedType,
  type GraphQLEnumType,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrderings } from '../../src/graphql/connections.js';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type GraphQLResponse, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

let g: SeededGateway;
beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const codes = (result: GraphQLResponse) => (result.errors ?? []).map((e) => e.extensions?.code);
/** The key inside a Relay global id (`Type:key`, base64). */
const keyOf = (globalId: string) => {
  const text = Buffer.from(globalId, 'base64').toString('utf8');
  return text.slice(text.indexOf(':') + 1);
};
/** A cursor spelled by hand, in the documented format. */
const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

// ---------------------------------------------------------------- tables and columns, from the Prisma schema

interface TableInfo {
  table: string;
  columns: Map<string, string>;
}

function readPrismaTables(): Map<string, TableInfo> {
  const text = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
  const tables = new Map<string, TableInfo>();
  for (const [, model, body] of text.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const columns = new Map<string, string>();
    for (const line of body!.split('\n')) {
      const field = /^\s+(\w+)\s+\w+[?[\]]*\s*(.*)$/.exec(line);
      if (!field || line.trim().startsWith('@@') || line.trim().startsWith('//')) continue;
      columns.set(field[1]!, /@map\("([^"]+)"\)/.exec(field[2]!)?.[1] ?? field[1]!);
    }
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!;
    const schema = /@@schema\("([^"]+)"\)/.exec(body!)?.[1] ?? 'public';
    tables.set(model!, { table: `"${schema}"."${table}"`, columns });
  }
  return tables;
}
const prismaTables = readPrismaTables();

// ---------------------------------------------------------------- the lists, from the GraphQL schema

interface ListUnderTest {
  field: string;
  model: string;
  orderInput: string;
  orderFields: string[];
}

const schema = gatewaySchema();
const lists: ListUnderTest[] = Object.values(schema.getQueryType()!.getFields()).flatMap((field) => {
  const orderArg = field.args.find((arg) => arg.name === 'orderBy');
  const connection = getNamedType(field.type) as GraphQLObjectType;
  const edges = connection.getFields?.().edges;
  if (!orderArg || !edges) return [];
  const node = getNamedType((getNamedType(edges.type) as GraphQLObjectType).getFields().node!.type);
  const model = node.extensions.pothosPrismaModel as string | undefined;
  if (!model) return []; // `assemblies` spans three tables: tested on its own below.
  const orderInput = getNamedType(orderArg.type) as GraphQLInputObjectType;
  const fieldEnum = getNamedType(orderInput.getFields().field!.type) as GraphQLEnumType;
  return [{ field: field.name, model, orderInput: orderInput.name, orderFields: fieldEnum.getValues().map((v) => v.name) }];
});

/** The list's rows in SQL order (admin: no scope), as the ids the global ids carry. */
async function sqlOrder(model: string, orderKey: string): Promise<string[]> {
  const keys = listOrderings.get(model)!.get(orderKey)!;
  const { table, columns } = prismaTables.get(model)!;
  const column = (name: string) => `"${columns.get(name)!}"`;
  const orderBy = keys.map((k) => `${column(k.field)} ${k.direction.toUpperCase()} NULLS ${k.direction === 'asc' ? 'LAST' : 'FIRST'}`);
  const tieBreaker = keys.at(-1)!.field;
  return (await rows(`SELECT ${column(tieBreaker)}::text AS key FROM ${table} ORDER BY ${orderBy.join(', ')}`)).map((r) => r.key);
}

interface Page {
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: { id: string } }>;
}

/** Reads a whole list page by page, forwards (`first`/`after`) or backwards (`last`/`before`). */
async function pageThrough(
  field: string,
  orderInput: string,
  orderBy: unknown,
  size: number,
  backward: boolean,
  who: 'admin' | 'alice' = 'admin',
): Promise<string[]> {
  const query = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ${orderInput}) {
    ${field}(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`;
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (let index = 0; index < 1000; index++) {
    const variables = backward ? { last: size, before: cursor, orderBy } : { first: size, after: cursor, orderBy };
    const result = await g.as(who, query, variables);
    expect(result.errors, `${field} ${JSON.stringify(variables)}`).toBeUndefined();
    const page: Page = result.data[field];
    const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    // A cursor was given exactly when the page is not the first one read.
    expect(backward ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage).toBe(index > 0);
    expect(page.edges.length).toBe(more ? size : page.edges.length);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    pages.push(page.edges.map((edge) => keyOf(edge.node.id)));
    if (!more) break;
    cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
  }
  return (backward ? pages.reverse() : pages).flat();
}

describe('keyset paging of every list', () => {
  it('finds every list and its orderings', () => {
    expect(lists.length).toBeGreaterThanOrEqual(29);
    expect(new Set(lists.map((l) => l.model))).toEqual(new Set(listOrderings.keys()));
  });

  it.each(lists)('$field: every ordering, forwards and backwards, is the SQL order with each row once', async (list) => {
    const expectedDefault = await sqlOrder(list.model, 'default');
    const size = Math.max(2, Math.ceil(expectedDefault.length / 4));
    expect(await pageThrough(list.field, list.orderInput, null, size, false)).toEqual(expectedDefault);
    for (const field of list.orderFields) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const expected = await sqlOrder(list.model, `${field}.${direction}`);
        expect(new Set(expected)).toEqual(new Set(expectedDefault));
        const orderBy = { field, direction };
        expect(await pageThrough(list.field, list.orderInput, orderBy, size, false), `${list.field} ${field} ${direction} forwards`).toEqual(expected);
        expect(await pageThrough(list.field, list.orderInput, orderBy, size, true), `${list.field} ${field} ${direction} backwards`).toEqual(expected);
      }
    }
  });

  it('the seed gives the paging tests rows to page, NULL sort values and ties across pages', async () => {
    let paged = 0;
    const withNulls = new Set<string>();
    const withTies = new Set<string>();
    for (const list of lists) {
      if ((await sqlOrder(list.model, 'default')).length > 2) paged++;
      const { table, columns } = prismaTables.get(list.model)!;
      for (const [orderKey, keys] of listOrderings.get(list.model)!) {
        const column = `"${columns.get(keys[0]!.field)!}"`;
        const [stats] = await rows(`SELECT count(*) FILTER (WHERE ${column} IS NULL)::int AS nulls, (count(${column}) - count(DISTINCT ${column}))::int AS ties FROM ${table}`);
        if (stats.nulls > 0) withNulls.add(`${list.field} ${orderKey}`);
        if (stats.ties > 0) withTies.add(`${list.field} ${orderKey}`);
      }
    }
    expect(paged).toBeGreaterThanOrEqual(20);
    expect(withNulls.size).toBeGreaterThanOrEqual(5);
    expect(withTies.size).toBeGreaterThanOrEqual(20);
  });
});

describe('assemblies (UNION ALL of three tables)', () => {
  const ORDER_SQL: Record<string, string> = {
    DISPLAY_NAME: 'lower(display_name)',
    ASSEMBLY_TYPE: 'assembly_type',
    CREATED_AT: `(CASE WHEN created_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN created_at::timestamptz END)`,
    UPDATED_AT: `(CASE WHEN updated_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN updated_at::timestamptz END)`,
    PAYLOAD_SIZE: 'payload_size_bytes',
    DOMAIN: 'rank',
  };
  const union = `SELECT 0 AS rank, 'official' AS domain, * FROM assemblies.official_assemblies
    UNION ALL SELECT 1, 'community', * FROM assemblies.community_assemblies
    UNION ALL SELECT 2, 'user_created', * FROM assemblies.user_created_assemblies`;

  it.each(Object.keys(ORDER_SQL))('%s, forwards and backwards, is the SQL order with each row once', async (field) => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const nulls = direction === 'ASC' ? 'LAST' : 'FIRST';
      const expected = (
        await rows(`SELECT domain || ':' || assembly_guid AS key FROM (${union}) a
          ORDER BY ${ORDER_SQL[field]} ${direction} NULLS ${nulls}, rank ${direction}, assembly_guid ${direction}`)
      ).map((r) => r.key);
      expect(expected.length).toBeGreaterThan(3);
      const size = Math.max(2, Math.ceil(expected.length / 4));
      expect(await pageThrough('assemblies', 'AssemblyOrder', { field, direction }, size, false)).toEqual(expected);
      expect(await pageThrough('assemblies', 'AssemblyOrder', { field, direction }, size, true)).toEqual(expected);
    }
  });
});

describe('cursors cannot be forged into lookups or errors', () => {
  const SITES = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: SiteOrder) {
    sites(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) { edges { cursor node { id name } } pageInfo { endCursor } } }`;

  it('refuses malformed cursors and cursors of another version, list or ordering with BAD_USER_INPUT', async () => {
    const first = await g.as('admin', SITES, { first: 2, orderBy: { field: 'NAME', direction: 'ASC' } });
    const valid: string = first.data.sites.pageInfo.endCursor;
    const payload = JSON.parse(Buffer.from(valid, 'base64url').toString('utf8'));
    expect(payload).toEqual([1, 'Query.sites', 'name.asc,id.asc', [expect.any(String), expect.stringMatching(/^\d+$/)]]);
    const users = await g.as('admin', `{ users(first: 1) { pageInfo { endCursor } } }`);
    const bad: Record<string, string> = {
      garbage: 'not a cursor',
      'garbage base64': 'bm90LWEtY3Vyc29y',
      empty: '',
      truncated: valid.slice(0, -3),
      padded: `${valid}==`,
      'not JSON': Buffer.from('[1, "Query.sites"', 'utf8').toString('base64url'),
      'wrong shape': cursorOf({ v: 1 }),
      'wrong version': cursorOf([2, ...payload.slice(1)]),
      'other list': users.data.users.pageInfo.endCursor,
      'other ordering (direction)': cursorOf([1, 'Query.sites', 'name.desc,id.desc', payload[3]]),
      'other ordering (field)': cursorOf([1, 'Query.sites', 'createdAt.asc,id.asc', payload[3]]),
      'too few values': cursorOf([1, 'Query.sites', 'name.asc,id.asc', [payload[3][0]]]),
      'id not an integer': cursorOf([1, 'Query.sites', 'name.asc,id.asc', [payload[3][0], '1e3']]),
      'id out of range': cursorOf([1, 'Query.sites', 'name.asc,id.asc', [payload[3][0], '99999999999999999999']]),
      'NULL for a non-NULL column': cursorOf([1, 'Query.sites', 'name.asc,id.asc', [null, payload[3][1]]]),
      'number for text': cursorOf([1, 'Query.sites', 'name.asc,id.asc', [5, payload[3][1]]]),
      'NUL byte': cursorOf([1, 'Query.sites', 'name.asc,id.asc', ['a\u0000b', payload[3][1]]]),
      oversized: 'A'.repeat(20_000),
    };
    for (const [what, cursor] of Object.entries(bad)) {
      const after = await g.as('admin', SITES, { first: 2, after: cursor, orderBy: { field: 'NAME', direction: 'ASC' } });
      expect(codes(after), `after: ${what}`).toEqual(['BAD_USER_INPUT']);
      expect(after.data ?? null, what).toBeNull();
      const before = await g.as('admin', SITES, { last: 2, before: cursor, orderBy: { field: 'NAME', direction: 'ASC' } });
      expect(codes(before), `before: ${what}`).toEqual(['BAD_USER_INPUT']);
    }
    // The valid cursor itself pages on.
    expect((await g.as('admin', SITES, { first: 2, after: valid, orderBy: { field: 'NAME', direction: 'ASC' } })).errors).toBeUndefined();
    // The UNION list checks its cursors the same way.
    const assemblies = await g.as('admin', `query($after: String) { assemblies(first: 2, after: $after) { totalCount } }`, { after: valid });
    expect(codes(assemblies)).toEqual(['BAD_USER_INPUT']);
  });

  it('a cursor of an out-of-scope row answers exactly like a nonexistent row with the same sort values', async () => {
    const aliceSites = g.identities.alice.siteIds!;
    expect(aliceSites.length).toBe(1);
    // Another site's incident whose opened_at no incident of alice's site shares (so the nonexistent
    // id below sits at the same position for her).
    const [foreign] = await rows(
      `SELECT id::text, opened_at FROM engine.watchdog_incidents i
        WHERE site_id <> ALL($1::int[])
          AND NOT EXISTS (SELECT 1 FROM engine.watchdog_incidents m WHERE m.site_id = ANY($1::int[]) AND m.opened_at = i.opened_at)
        ORDER BY opened_at DESC, id DESC OFFSET 3 LIMIT 1`,
      [aliceSites],
    );
    expect(foreign).toBeDefined();
    const [{ missing }] = await rows('SELECT (max(id) + 1000)::text AS missing FROM engine.watchdog_incidents');
    const ordering = 'openedAt.desc,id.desc';
    const outOfScope = cursorOf([1, 'Query.incidents', ordering, [foreign.opened_at, foreign.id]]);
    const nonexistent = cursorOf([1, 'Query.incidents', ordering, [foreign.opened_at, missing]]);
    const INCIDENTS = `query($first: Int, $after: String, $last: Int, $before: String) {
      incidents(first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id openedAt site { id } } } } }`;

    const expectedAfter = (
      await rows(`SELECT id::text FROM engine.watchdog_incidents WHERE site_id = ANY($1::int[]) AND opened_at < $2 ORDER BY opened_at DESC, id DESC LIMIT 5`, [
        aliceSites,
        foreign.opened_at,
      ])
    ).map((r) => r.id);
    const expectedBefore = (
      await rows(
        `SELECT id::text FROM (SELECT id, opened_at FROM engine.watchdog_incidents WHERE site_id = ANY($1::int[]) AND opened_at > $2
          ORDER BY opened_at ASC, id ASC LIMIT 5) s ORDER BY opened_at DESC, id DESC`,
        [aliceSites, foreign.opened_at],
      )
    ).map((r) => r.id);
    expect(expectedAfter.length + expectedBefore.length).toBeGreaterThan(0);

    for (const [variables, expected] of [
      [{ first: 5 }, expectedAfter],
      [{ last: 5 }, expectedBefore],
    ] as const) {
      const key = 'first' in variables ? 'after' : 'before';
      const viaForeign = await g.as('alice', INCIDENTS, { ...variables, [key]: outOfScope });
      const viaMissing = await g.as('alice', INCIDENTS, { ...variables, [key]: nonexistent });
      expect(viaForeign.errors).toBeUndefined();
      expect(viaForeign).toEqual(viaMissing);
      expect(viaForeign.data.incidents.edges.map((e: any) => keyOf(e.node.id))).toEqual(expected);
      expect(viaForeign.data.incidents.edges.every((e: any) => aliceSites.map(String).includes(keyOf(e.node.site.id)))).toBe(true);
    }
  });

  it('paging costs no lookup: a page after a cursor sends as many statements as the first page', async () => {
    const DEVICES = `query($after: String) { devices(first: 5, after: $after) {
      pageInfo { endCursor } edges { node { hostname site { name } incidents { id } } } } }`;
    const counter = countStatements(g.db.pool);
    try {
      const first = await g.as('alice', DEVICES, {});
      const firstCount = counter.statements.length;
      counter.reset();
      const second = await g.as('alice', DEVICES, { after: first.data.devices.pageInfo.endCursor });
      expect(second.errors).toBeUndefined();
      expect(second.data.devices.edges.length).toBeGreaterThan(0);
      expect(counter.statements.length).toBe(firstCount);
      // The cursor's values are bound parameters of the page's own statement, not a statement of their own.
      const [pageStatement] = counter.statements.filter((sql) => /FROM "engine"\."devices"/.test(sql) && /"hostname" > \$\d+/.test(sql));
      expect(pageStatement).toBeDefined();
    } finally {
      counter.stop();
    }
  });
});
