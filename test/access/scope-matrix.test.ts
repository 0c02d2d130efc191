/**
 * The scope matrix, generated from the schema itself: for a one-site User (alice), every root list,
 * every node type through node(id:) and nodes(ids:), and every object relation reachable from them
 * (two levels below each list node, one below each node lookup) is queried with every scalar field
 * selected. Nothing of another site may come back: no hostname, device GUID or site name of a
 * device/site outside alice's sites (in any field, JSON included), no Site object and no `siteId`
 * outside her sites. Ownership is read with SQL (test/support/access-oracle.ts), not through the
 * gateway. A type, field or list added later is walked without writing a new test.
 */
import {
  getNamedType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type GraphQLResponse, type SeededGateway } from '../support/seeded.js';

let g: SeededGateway;
let schema: GraphQLSchema;
let aliceSites: number[];
/** Lower-cased hostnames, GUIDs and site names that belong to no site of alice. */
let foreign: Set<string>;

beforeAll(async () => {
  // Generated queries select every field; the armor limits are for clients, not for this walk.
  g = await createSeededGateway({
    devices: 40,
    env: { GATEWAY_MAX_COST: '10000000', GATEWAY_MAX_TOKENS: '1000000', GATEWAY_MAX_DEPTH: '100', GATEWAY_MAX_ALIASES: '1000' },
  });
  schema = gatewaySchema();
  aliceSites = g.identities.alice.siteIds as number[];
  expect(aliceSites.length).toBe(1);
  const rows = async (sql: string) => (await g.db.pool.query(sql, [aliceSites])).rows as Array<{ marker: string }>;
  const markers = await rows(`
    SELECT lower(d.hostname) AS marker FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
     WHERE ds.site_id IS NULL OR NOT ds.site_id = ANY($1)
    UNION SELECT lower(d.guid) FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
     WHERE ds.site_id IS NULL OR NOT ds.site_id = ANY($1)
    UNION SELECT lower(name) FROM engine.sites WHERE NOT id::int = ANY($1)`);
  foreign = new Set(markers.map((row) => row.marker));
  expect(foreign.size).toBeGreaterThan(10);
}, 120_000);
afterAll(() => g?.close());

// ---------------------------------------------------------------- query generation

const hasRequiredArgs = (field: GraphQLField<unknown, unknown>) => field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
const isConnection = (type: GraphQLNamedType): type is GraphQLObjectType => isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();

/** Every leaf field (no required arguments), `__typename`, and object fields down to `depth`. */
function selection(type: GraphQLNamedType, depth: number): string {
  if (isUnionType(type)) return `{ __typename ${type.getTypes().map((member) => `... on ${member.name} ${selection(member, depth)}`).join(' ')} }`;
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  if (isConnection(type)) {
    const edge = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
    const node = getNamedType(edge.getFields().node!.type);
    return `{ totalCount edges { cursor node ${selection(node, depth)} } }`;
  }
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (hasRequiredArgs(field)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named) || isEnumType(named)) parts.push(field.name);
    else if (depth > 0) {
      const args = field.args.some((arg) => arg.name === 'first') ? '(first: 5)' : '';
      parts.push(`${field.name}${args} ${selection(named, depth - 1)}`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/** Root fields that list rows: connections and lists of objects, without required arguments. */
function rootLists(): Array<{ name: string; query: string }> {
  const root = schema.getQueryType()!;
  return Object.values(root.getFields())
    .filter((field) => !hasRequiredArgs(field) && !['node', 'nodes'].includes(field.name))
    .filter((field) => !isLeafType(getNamedType(field.type)))
    .map((field) => {
      const args = field.args.some((arg) => arg.name === 'first') ? '(first: 60)' : '';
      return { name: field.name, query: `{ ${field.name}${args} ${selection(getNamedType(field.type), 2)} }` };
    });
}

const nodeTypes = () =>
  Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'),
  );

// ---------------------------------------------------------------- checks

interface Violation {
  path: string;
  value: unknown;
  why: string;
}

/** Every place in `data` that names another site's device or site. */
function violations(data: unknown, path = ''): Violation[] {
  const found: Violation[] = [];
  const visit = (value: unknown, at: string, key: string, parent: Record<string, unknown> | null) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (foreign.has(value.toLowerCase())) found.push({ path: at, value, why: 'names a device or site of another site' });
      if (key === 'siteId' && !aliceSites.includes(Number(value))) found.push({ path: at, value, why: 'siteId outside the scope' });
      return;
    }
    if (typeof value === 'number') {
      if (key === 'siteId' && !aliceSites.includes(value)) found.push({ path: at, value, why: 'siteId outside the scope' });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${at}[${index}]`, key, parent));
      return;
    }
    if (typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.__typename === 'Site' && object.databaseId !== undefined && !aliceSites.includes(Number(object.databaseId))) {
        found.push({ path: at, value: object.databaseId, why: 'a Site outside the scope' });
      }
      for (const [childKey, child] of Object.entries(object)) visit(child, `${at}.${childKey}`, childKey, object);
    }
  };
  visit(data, path, '', null);
  return found;
}

/** Global ids of every node-typed object in an admin response, by type. */
function collectIds(data: unknown, into: Map<string, Set<string>>): void {
  if (Array.isArray(data)) return data.forEach((item) => collectIds(item, into));
  if (data === null || typeof data !== 'object') return;
  const object = data as Record<string, unknown>;
  if (typeof object.__typename === 'string' && typeof object.id === 'string' && schema.getType(object.__typename) && nodeTypes().some((t) => t.name === object.__typename)) {
    if (!into.has(object.__typename)) into.set(object.__typename, new Set());
    into.get(object.__typename)!.add(object.id);
  }
  for (const child of Object.values(object)) collectIds(child, into);
}

/**
 * Errors a walk may meet: malformed JSON that Borealis stored (the seed has some) and, for a User,
 * FORBIDDEN on admin-only roots and fields (their value is null, so nothing leaks through them).
 */
const unexpectedErrors = (response: GraphQLResponse, allowed: string[]) =>
  (response.errors ?? []).filter((e) => !allowed.includes(String(e.extensions?.code)));

function expectClean(response: GraphQLResponse, what: string) {
  expect(unexpectedErrors(response, ['STORED_VALUE_MALFORMED', 'FORBIDDEN']), `${what}: ${JSON.stringify(response.errors)}`).toEqual([]);
  expect(violations(response.data, what)).toEqual([]);
}

// ---------------------------------------------------------------- the matrix

describe('scope matrix generated from the schema (alice: a User with one site)', () => {
  const idsByType = new Map<string, Set<string>>();

  it('walks every root list two relation levels deep without another site\'s data', async () => {
    const lists = rootLists();
    expect(lists.length).toBeGreaterThan(20);
    let adminRowsSeen = 0;
    for (const { name, query } of lists) {
      const admin = await g.as('admin', query);
      expect(unexpectedErrors(admin, ['STORED_VALUE_MALFORMED']), `admin ${name}: ${JSON.stringify(admin.errors)}`).toEqual([]);
      collectIds(admin.data, idsByType);
      adminRowsSeen += JSON.stringify(admin.data).length;
      const alice = await g.as('alice', query);
      expectClean(alice, `alice ${name}`);
    }
    // The walk only proves something when the admin side did see other sites' data.
    expect(violations(await g.as('admin', `{ devices(first: 100) { edges { node { hostname guid } } } }`)).length).toBeGreaterThan(0);
    expect(adminRowsSeen).toBeGreaterThan(10_000);
  }, 300_000);

  it('resolves every node type through node(id:) and nodes(ids:) without another site\'s data', async () => {
    const types = nodeTypes();
    expect(types.length).toBeGreaterThan(25);
    let nonNull = 0;
    let nullForAlice = 0;
    for (const type of types) {
      const ids = [...(idsByType.get(type.name) ?? [])].slice(0, 100);
      if (ids.length === 0) continue;
      const fragment = `... on ${type.name} ${selection(type, 1)}`;
      const many = await g.as('alice', `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ${fragment} } }`, { ids });
      expectClean(many, `alice nodes(${type.name})`);
      expect(many.data.nodes).toHaveLength(ids.length);
      nonNull += many.data.nodes.filter((node: unknown) => node !== null).length;
      nullForAlice += many.data.nodes.filter((node: unknown) => node === null).length;
      // node(id:) answers exactly like the same position of nodes(ids:).
      for (const [index, id] of ids.slice(0, 3).entries()) {
        const one = await g.as('alice', `query($id: ID!) { node(id: $id) { __typename ${fragment} } }`, { id });
        expectClean(one, `alice node(${type.name})`);
        expect(one.data.node).toEqual(many.data.nodes[index]);
      }
    }
    expect(nonNull).toBeGreaterThan(0);
    expect(nullForAlice).toBeGreaterThan(0);
  }, 300_000);

  it('answers null in position for unknown, out-of-scope and malformed ids, for every node type', async () => {
    const outOfScope = await g.as('admin', `{ devices(first: 100, where: { unassigned: false }) { edges { node { id site { databaseId } } } } }`);
    const foreignDevice = outOfScope.data.devices.edges.find((e: { node: { site: { databaseId: string } } }) => !aliceSites.includes(Number(e.node.site.databaseId)));
    expect(foreignDevice).toBeDefined();
    for (const type of nodeTypes()) {
      const known = [...(idsByType.get(type.name) ?? [])][0];
      const unknown = Buffer.from(`${type.name}:999999999`).toString('base64');
      const malformed = Buffer.from(`${type.name}:not-a-number`).toString('base64');
      const ids = [unknown, malformed, foreignDevice.node.id, ...(known ? [known] : [])];
      const result = await g.as('alice', `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
      expect(result.errors, `${type.name}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      expect(result.data.nodes).toHaveLength(ids.length);
      expect(result.data.nodes.slice(0, 3)).toEqual([null, null, null]);
    }
  });
});
