/**
 * The assembly catalog (PostgreSQL schema `assemblies`): official, community and user-created
 * assemblies as ONE `Assembly` type with a `domain`, and the official catalog sync state.
 *
 * Scope: global content. Assemblies and catalog state have no owner and no site; any signed-in
 * operator reads all of them (requireOperator), anonymous requests get UNAUTHENTICATED.
 *
 * Design (the three tables have the same columns but are three Prisma models, so neither
 * `prismaNode` nor `prismaConnection` can span them):
 * - Global ids: `Assembly` is an objectRef implementing Node through `builder.node`, with the id
 *   `<domain>:<assembly_guid>` (so `Assembly:official:3f2a...` before the Relay base64). `node(id:)`
 *   and `nodes(ids:)` go through a per-request loader: one `WHERE assembly_guid IN (...)` per domain.
 * - The list: `assemblies(domain:, where:, orderBy:, first/after/last/before)` is ONE SQL statement
 *   over `UNION ALL` of the selected domains, filtered, ordered and paged in PostgreSQL
 *   with keyset cursors like every list (src/graphql/cursors.ts: the sort value, the domain and the
 *   GUID, compared in SQL over the union); `totalCount` is one count over the same union, run only
 *   when selected. Every ordering ends with (domain, assembly_guid); instants sort as microseconds.
 * - created_at / updated_at are ISO text in several spellings (Python `+00:00` with microseconds,
 *   Go `Z` / RFC3339Nano), so their text order is not chronological: filters and orderings use the
 *   parsed instant, computed in SQL by an expression that never fails (text that is not a valid
 *   ISO-8601 instant is NULL and sorts as the greatest value: last ascending, first descending).
 * - payload_json (the whole assembly document, possibly large) is not part of the list statement:
 *   `payload` loads it through a loader only when selected.
 */
import type DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import { Prisma, type OfficialAssembly, type OfficialCatalogState } from '../../generated/prisma/client.js';
import { oneLoader } from '../../access/batch.js';
import type { LoaderFactory } from '../../access/loaders.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection, resolveKeysetConnection, sqlKeysetPredicates, sqlOrderBy } from '../../graphql/connections.js';
import { keysetPredicate, reversed, type KeyType, type KeyValue, type TypedSortKey } from '../../graphql/cursors.js';
import { ruled } from '../../graphql/ruled.js';
import { badInput, requireOperator } from '../../graphql/errors.js';
import { defineOrder, StringFilter, stringWhere, TimeRange } from '../../graphql/inputs.js';
import { storedJson } from '../../graphql/stored-json.js';
import { isoTextToDate } from '../../graphql/values.js';

// ---------------------------------------------------------------- domains

export type AssemblyDomainValue = 'official' | 'community' | 'user_created';

const DOMAINS: Record<AssemblyDomainValue, { table: Prisma.Sql; tableName: string; rank: number }> = {
  official: { table: Prisma.raw('assemblies.official_assemblies'), tableName: 'official_assemblies', rank: 0 },
  community: { table: Prisma.raw('assemblies.community_assemblies'), tableName: 'community_assemblies', rank: 1 },
  user_created: { table: Prisma.raw('assemblies.user_created_assemblies'), tableName: 'user_created_assemblies', rank: 2 },
};
const DOMAIN_VALUES = Object.keys(DOMAINS) as AssemblyDomainValue[];

export const AssemblyDomainEnum = builder.enumType('AssemblyDomain', {
  description: 'Which catalog table an assembly lives in (Borealis AssemblyDomain).',
  values: {
    OFFICIAL: { value: 'official', description: 'assemblies.official_assemblies: synced from the bundled/Aurora official catalog.' },
    COMMUNITY: { value: 'community', description: 'assemblies.community_assemblies.' },
    USER_CREATED: { value: 'user_created', description: 'assemblies.user_created_assemblies: written by operators.' },
  } as const,
});

/** An assembly row of any domain. `payloadJson` is absent when the row was read for a list. */
export type AssemblyRow = Omit<OfficialAssembly, 'payloadJson'> & { domain: AssemblyDomainValue; payloadJson?: string };

/** The id inside the global id, and the loaders' key (GUIDs compare case-insensitively). */
const assemblyKey = (domain: AssemblyDomainValue, guid: string) => `${domain}:${guid}`;
const normalizeKey = (key: string) => key.toLowerCase();

function parseAssemblyKey(key: string): { domain: AssemblyDomainValue; guid: string } {
  const separator = key.indexOf(':');
  const domain = key.slice(0, separator) as AssemblyDomainValue;
  const guid = key.slice(separator + 1).trim();
  if (separator < 0 || !DOMAIN_VALUES.includes(domain) || guid === '' || guid.length > 200) {
    throw badInput(`Assembly id must be <domain>:<assembly_guid> with domain ${DOMAIN_VALUES.join(', ')} (got ${JSON.stringify(key)}).`);
  }
  return { domain, guid };
}

// ---------------------------------------------------------------- loaders

function findInDomain(prisma: Db, domain: AssemblyDomainValue, guids: string[]): Promise<OfficialAssembly[]> {
  const where = { assemblyGuid: { in: guids, mode: 'insensitive' as const } };
  switch (domain) {
    case 'official':
      return prisma.officialAssembly.findMany({ where });
    case 'community':
      return prisma.communityAssembly.findMany({ where });
    case 'user_created':
      return prisma.userCreatedAssembly.findMany({ where });
  }
}

/** Assemblies by `<domain>:<guid>`: one statement per domain present in the batch. */
const assemblyByKey: LoaderFactory<DataLoader<string, AssemblyRow | null>> = (prisma) =>
  oneLoader(
    async (keys) => {
      const guidsByDomain = new Map<AssemblyDomainValue, Set<string>>();
      for (const key of keys) {
        const { domain, guid } = parseAssemblyKey(key);
        if (!guidsByDomain.has(domain)) guidsByDomain.set(domain, new Set());
        guidsByDomain.get(domain)!.add(guid);
      }
      const found = await Promise.all(
        [...guidsByDomain].map(async ([domain, guids]) =>
          (await findInDomain(prisma, domain, [...guids])).map((row): AssemblyRow => ({ ...row, domain })),
        ),
      );
      return found.flat();
    },
    (row) => assemblyKey(row.domain, row.assemblyGuid),
    normalizeKey,
  );

/** payload_json of listed assemblies, only when `payload` is selected. */
const payloadByKey: LoaderFactory<DataLoader<string, { key: string; payloadJson: string } | null>> = (prisma) =>
  oneLoader(
    async (keys) => {
      const guidsByDomain = new Map<AssemblyDomainValue, string[]>();
      for (const key of keys) {
        const { domain, guid } = parseAssemblyKey(key);
        guidsByDomain.set(domain, [...(guidsByDomain.get(domain) ?? []), guid]);
      }
      const found = await Promise.all(
        [...guidsByDomain].map(async ([domain, guids]) => {
          const query = { where: { assemblyGuid: { in: guids, mode: 'insensitive' as const } }, select: { assemblyGuid: true, payloadJson: true } };
          const rows =
            domain === 'official'
              ? await prisma.officialAssembly.findMany(query)
              : domain === 'community'
                ? await prisma.communityAssembly.findMany(query)
                : await prisma.userCreatedAssembly.findMany(query);
          return rows.map((row) => ({ key: assemblyKey(domain, row.assemblyGuid), payloadJson: row.payloadJson }));
        }),
      );
      return found.flat();
    },
    (row) => row.key,
    normalizeKey,
  );

/** Catalog state by official assembly GUID (Borealis stores that GUID lower-cased). */
const catalogStateByGuid: LoaderFactory<DataLoader<string, OfficialCatalogState | null>> = (prisma) =>
  oneLoader(
    (guids) => prisma.officialCatalogState.findMany({ where: { assemblyGuid: { in: [...new Set(guids.map((g) => g.toLowerCase()))] } } }),
    (state) => state.assemblyGuid,
    (guid) => String(guid).toLowerCase(),
  );

// ---------------------------------------------------------------- types

export const AssemblyRef = builder.objectRef<AssemblyRow>('Assembly');

builder.node(AssemblyRef, {
  description:
    'A script, workflow or Ansible playbook of the assembly catalog, from any of the three domains. ' +
    'Its global id encodes the domain and the GUID.',
  id: { resolve: (a) => assemblyKey(a.domain, a.assemblyGuid) },
  loadMany: (keys, ctx) => {
    requireOperator(ctx);
    // Every id is checked before any is loaded: a malformed one fails the request without leaving
    // a batch of the others running after the response.
    for (const key of keys) parseAssemblyKey(key);
    const loader = ctx.loaders.use(assemblyByKey);
    return keys.map((key) => loader.load(key));
  },
  fields: (t) => ({
    databaseId: t.id({ description: 'The assembly GUID (unique within its domain).', resolve: (a) => a.assemblyGuid }),
    domain: t.field({ type: AssemblyDomainEnum, resolve: (a) => a.domain }),
    guid: t.exposeString('assemblyGuid'),
    displayName: t.exposeString('displayName'),
    summary: t.exposeString('summary', { nullable: true }),
    assemblyType: t.exposeString('assemblyType', { description: 'script, workflow, ansible, ... (the routing discriminator).' }),
    assemblySubtype: t.exposeString('assemblySubtype', { nullable: true, description: 'powershell, workflow, ansible, ...' }),
    payload: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The full assembly document (payload_json).',
      resolve: async (a, _args, ctx) => {
        const text = a.payloadJson ?? (await ctx.loaders.use(payloadByKey).load(assemblyKey(a.domain, a.assemblyGuid)))?.payloadJson ?? null;
        return storedJson(text, `${DOMAINS[a.domain].tableName}.payload_json`);
      },
    }),
    payloadSizeBytes: t.int({ resolve: (a) => Number(a.payloadSizeBytes) }),
    contentHash: t.exposeString('contentHash', { nullable: true, description: 'Canonical SHA-256 of the document.' }),
    sourceRepo: t.exposeString('sourceRepo', { nullable: true }),
    sourcePath: t.exposeString('sourcePath', { nullable: true }),
    sourceVersion: t.exposeString('sourceVersion', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => isoTextToDate(a.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => isoTextToDate(a.updatedAt) }),
  }),
});

export const OfficialCatalogStateNode = builder.prismaNode('OfficialCatalogState', {
  nullable: true,
  id: { field: 'assemblyGuid' },
  description: 'Bundled seed and Aurora catalog sync state of one official assembly (assemblies.official_catalog_state).',
  findUnique: (guid, ctx) => uniqueInScope('OfficialCatalogState', ctx.scope, { assemblyGuid: guid.toLowerCase() }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (s) => s.assemblyGuid }),
    assemblyGuid: t.exposeString('assemblyGuid'),
    bundledHash: t.exposeString('bundledHash', { nullable: true }),
    remoteHash: t.exposeString('remoteHash', { nullable: true }),
    catalogHash: t.exposeString('catalogHash', { nullable: true, description: 'The latest hash seen in the active catalog source.' }),
    appliedHash: t.exposeString('appliedHash', { nullable: true, description: 'The version written into official_assemblies.' }),
    updateAvailable: t.boolean({
      description: 'The catalog has a version other than the applied one (catalog_hash differs from applied_hash).',
      resolve: (s) => !!s.catalogHash && s.catalogHash !== s.appliedHash,
    }),
    lastAppliedSource: t.exposeString('lastAppliedSource', { nullable: true }),
    repoUrl: t.exposeString('repoUrl', { nullable: true }),
    sourceUrl: t.exposeString('sourceUrl', { nullable: true }),
    sourceRepo: t.exposeString('sourceRepo', { nullable: true }),
    sourcePath: t.exposeString('sourcePath', { nullable: true }),
    sourceVersion: t.exposeString('sourceVersion', { nullable: true }),
    lastCatalogSyncAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => isoTextToDate(s.lastCatalogSyncAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => isoTextToDate(s.updatedAt) }),
    assembly: t.field({
      type: AssemblyRef,
      nullable: true,
      description: 'The official assembly this state describes.',
      resolve: (s, _a, ctx) => ctx.loaders.use(assemblyByKey).load(assemblyKey('official', s.assemblyGuid)),
    }),
  }),
});

builder.objectField(AssemblyRef, 'catalogState', (t) =>
  t.field({
    type: OfficialCatalogStateNode,
    nullable: true,
    description: 'Catalog sync state (official assemblies only).',
    resolve: (a, _args, ctx) => (a.domain === 'official' ? ctx.loaders.use(catalogStateByGuid).load(a.assemblyGuid) : null),
  }),
);

// ---------------------------------------------------------------- list SQL

type StringFilterValue = { equals?: string | null; in?: readonly string[] | null; contains?: string | null } | null | undefined;
type TimeRangeValue = { from?: Date | null; to?: Date | null } | null | undefined;

/** ISO-8601 shapes PostgreSQL casts to timestamptz (naive text is UTC: sessions run in UTC). */
const ISO_INSTANT_PATTERN =
  '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?(z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?$';

/**
 * The instant an ISO text column holds, or NULL. Never raises: the pattern admits only castable
 * shapes, and the nested CASE checks the day against the month's length before the cast (a
 * `2026-02-30` would otherwise fail the whole statement).
 */
function isoInstant(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${column} ~* ${ISO_INSTANT_PATTERN} THEN
    CASE WHEN substr(${column}, 9, 2)::int <= extract(day from make_date(substr(${column}, 1, 4)::int, substr(${column}, 6, 2)::int, 1) + interval '1 month - 1 day')
      THEN ${column}::timestamptz END END)`;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function textConditions(column: Prisma.Sql, filter: StringFilterValue, caseInsensitive = false): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (!filter) return conditions;
  const subject = caseInsensitive ? Prisma.sql`lower(${column})` : column;
  const value = (text: string) => (caseInsensitive ? text.toLowerCase() : text);
  if (filter.equals != null) conditions.push(Prisma.sql`${subject} = ${value(filter.equals)}`);
  if (filter.in != null) conditions.push(Prisma.sql`${subject} = ANY(${filter.in.map(value)}::text[])`);
  if (filter.contains != null) conditions.push(Prisma.sql`${column} ILIKE ${likePattern(filter.contains)}`);
  return conditions;
}

function instantConditions(column: Prisma.Sql, range: TimeRangeValue): Prisma.Sql[] {
  if (!range) return [];
  if (range.from && range.to && range.from.getTime() >= range.to.getTime()) throw badInput('TimeRange `from` must be before `to`.');
  const conditions: Prisma.Sql[] = [];
  if (range.from) conditions.push(Prisma.sql`${isoInstant(column)} >= ${range.from.toISOString()}::timestamptz`);
  if (range.to) conditions.push(Prisma.sql`${isoInstant(column)} < ${range.to.toISOString()}::timestamptz`);
  return conditions;
}

const AssemblyWhere = builder.inputType('AssemblyWhere', {
  fields: (t) => ({
    guid: t.field({ type: StringFilter, description: '`equals` and `in` compare GUIDs case-insensitively.' }),
    displayName: t.field({ type: StringFilter }),
    assemblyType: t.field({ type: StringFilter }),
    assemblySubtype: t.field({ type: StringFilter }),
    sourceRepo: t.field({ type: StringFilter }),
    search: t.string({ description: 'Case-insensitive match on the display name or the summary.' }),
    createdAt: t.field({ type: TimeRange }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});

function assemblyConditions(where: typeof AssemblyWhere.$inferInput | null | undefined): Prisma.Sql[] {
  if (!where) return [];
  const conditions = [
    ...textConditions(Prisma.raw('assembly_guid'), where.guid, true),
    ...textConditions(Prisma.raw('display_name'), where.displayName),
    ...textConditions(Prisma.raw('assembly_type'), where.assemblyType),
    ...textConditions(Prisma.raw('assembly_subtype'), where.assemblySubtype),
    ...textConditions(Prisma.raw('source_repo'), where.sourceRepo),
    ...instantConditions(Prisma.raw('created_at'), where.createdAt),
    ...instantConditions(Prisma.raw('updated_at'), where.updatedAt),
  ];
  if (where.search != null) {
    const pattern = likePattern(where.search);
    conditions.push(Prisma.sql`(display_name ILIKE ${pattern} OR summary ILIKE ${pattern})`);
  }
  return conditions;
}

/** The selected domains as one UNION ALL (without payload_json), filtered in each branch. */
function assemblyUnion(domains: readonly AssemblyDomainValue[], where: typeof AssemblyWhere.$inferInput | null | undefined): Prisma.Sql {
  const conditions = assemblyConditions(where);
  const filter = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  return Prisma.join(
    domains.map(
      (domain) => Prisma.sql`SELECT ${domain}::text AS domain, ${DOMAINS[domain].rank}::int AS domain_rank,
        assembly_guid AS "assemblyGuid", display_name AS "displayName", summary, assembly_type AS "assemblyType",
        assembly_subtype AS "assemblySubtype", source_repo AS "sourceRepo", source_path AS "sourcePath",
        source_version AS "sourceVersion", content_hash AS "contentHash", payload_size_bytes AS "payloadSizeBytes",
        created_at AS "createdAt", updated_at AS "updatedAt"
        FROM ${DOMAINS[domain].table} ${filter}`,
    ),
    ' UNION ALL ',
  );
}

const assemblyOrder = defineOrder(
  'Assembly',
  {
    DISPLAY_NAME: 'displayName',
    ASSEMBLY_TYPE: 'assemblyType',
    CREATED_AT: 'createdAt',
    UPDATED_AT: 'updatedAt',
    PAYLOAD_SIZE: 'payloadSizeBytes',
    DOMAIN: 'domain',
  },
  'assemblyGuid',
);
type AssemblyOrderValue = typeof assemblyOrder.Order.$inferInput;

/** A sort key of the union: the SQL expression over the union row `a`, its type and nullability. */
interface AssemblySortColumn {
  expression: Prisma.Sql;
  type: KeyType;
  nullable: boolean;
}

/** Instants sort as microseconds since the epoch: exact in a cursor, in the order of the instant. */
const instantMicros = (column: string): AssemblySortColumn => ({
  expression: Prisma.sql`(extract(epoch from ${isoInstant(Prisma.raw(column))}) * 1000000)::bigint`,
  type: 'BigInt',
  nullable: true,
});

const SORT_COLUMNS: Record<string, AssemblySortColumn> = {
  displayName: { expression: Prisma.raw('lower(a."displayName")'), type: 'String', nullable: false },
  assemblyType: { expression: Prisma.raw('a."assemblyType"'), type: 'String', nullable: false },
  createdAt: instantMicros('a."createdAt"'),
  updatedAt: instantMicros('a."updatedAt"'),
  payloadSizeBytes: { expression: Prisma.raw('a."payloadSizeBytes"'), type: 'BigInt', nullable: false },
  domain: { expression: Prisma.raw('a.domain_rank'), type: 'Int', nullable: false },
  // Ties: the domain, then the GUID (unique within its domain).
  domainRank: { expression: Prisma.raw('a.domain_rank'), type: 'Int', nullable: false },
  assemblyGuid: { expression: Prisma.raw('a."assemblyGuid"'), type: 'String', nullable: false },
};

/** The sort keys of an `orderBy` value: the chosen field, then (domain, GUID), one direction. */
function assemblySortKeys(order: AssemblyOrderValue | null | undefined): TypedSortKey[] {
  const [first, tieBreaker] = assemblyOrder.sortKeys(order, 'DISPLAY_NAME');
  const direction = first!.direction;
  return [first!, { field: 'domainRank', direction }, tieBreaker!].map((key) => ({
    ...key,
    type: SORT_COLUMNS[key.field]!.type,
    nullable: SORT_COLUMNS[key.field]!.nullable,
  }));
}

const sortExpression = (key: TypedSortKey) => SORT_COLUMNS[key.field]!.expression;

type AssemblyListRow = Omit<AssemblyRow, 'payloadJson'> & { domain_rank: number; sort_value: KeyValue };

builder.queryField('assemblies', (t) =>
  t.connection(
    {
      type: AssemblyRef,
      description: 'Assemblies of the selected domains (all three by default), by display name by default. Any signed-in operator.',
      args: {
        domain: t.arg({ type: [AssemblyDomainEnum], description: 'Domains to list; all three when omitted.' }),
        where: t.arg({ type: AssemblyWhere }),
        orderBy: t.arg({ type: assemblyOrder.Order }),
      },
      resolve: async (_root, args, ctx, info) => {
        requireOperator(ctx);
        const domains = [...new Set(args.domain ?? DOMAIN_VALUES)] as AssemblyDomainValue[];
        const union = domains.length ? assemblyUnion(domains, args.where) : null;
        const keys = assemblySortKeys(args.orderBy);
        const connection = await resolveKeysetConnection<AssemblyRow & { sortValues: KeyValue[] }>({
          args,
          list: `${info.parentType.name}.${info.fieldName}`,
          keys,
          valuesOf: (row) => row.sortValues,
          fetch: async ({ bounds, inverted, limit }) => {
            if (!union) return [];
            const conditions = bounds.map(({ side, values }) => keysetPredicate(keys, values, side, sqlKeysetPredicates(sortExpression)));
            const filter = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
            const rows = await ctx.prisma.$queryRaw<AssemblyListRow[]>(
              Prisma.sql`SELECT a.*, ${sortExpression(keys[0]!)} AS sort_value FROM (${union}) AS a ${filter}
                ${sqlOrderBy(inverted ? reversed(keys) : keys, sortExpression)} LIMIT ${limit}`,
            );
            return rows.map(({ domain_rank, sort_value, ...row }) => ({ ...row, sortValues: [sort_value, domain_rank, row.assemblyGuid] }));
          },
        });
        let total: Promise<number> | undefined;
        const totalCount = () =>
          (total ??= union
            ? ctx.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM (${union}) AS a`).then((r) => Number(r[0]?.n ?? 0))
            : Promise.resolve(0));
        return { ...connection, totalCount };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          description: 'Assemblies matching `domain` and `where`, whatever the page.',
          resolve: (connection) => (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
  ),
);

builder.queryField('assembly', (t) =>
  t.field({
    type: AssemblyRef,
    nullable: true,
    description: 'One assembly by domain and GUID (GUIDs compare case-insensitively).',
    args: { domain: t.arg({ type: AssemblyDomainEnum, required: true }), guid: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => {
      requireOperator(ctx);
      const key = assemblyKey(args.domain as AssemblyDomainValue, args.guid.trim());
      parseAssemblyKey(key);
      return ctx.loaders.use(assemblyByKey).load(key);
    },
  }),
);

// ---------------------------------------------------------------- catalog state list

const OfficialCatalogStateWhere = builder.inputType('OfficialCatalogStateWhere', {
  fields: (t) => ({
    assemblyGuid: t.field({ type: StringFilter }),
    lastAppliedSource: t.field({ type: StringFilter }),
    sourceRepo: t.field({ type: StringFilter }),
    sourcePath: t.field({ type: StringFilter }),
  }),
});
// updated_at is written by one code path as naive UTC text with second precision, so its text
// order is chronological (unlike the assembly tables' mixed spellings).
const catalogStateOrder = defineOrder(
  'OfficialCatalogState',
  { ASSEMBLY_GUID: 'assemblyGuid', SOURCE_PATH: 'sourcePath', UPDATED_AT: 'updatedAt' },
  'assemblyGuid',
);

function catalogStatesWhere(where: typeof OfficialCatalogStateWhere.$inferInput | null | undefined): Prisma.OfficialCatalogStateWhereInput {
  const guid = stringWhere(where?.assemblyGuid);
  return {
    // Stored lower-cased: match GUIDs the way they are stored.
    assemblyGuid: guid && { ...guid, equals: guid.equals?.toLowerCase(), in: guid.in?.map((g) => g.toLowerCase()) },
    lastAppliedSource: stringWhere(where?.lastAppliedSource),
    sourceRepo: stringWhere(where?.sourceRepo),
    sourcePath: stringWhere(where?.sourcePath),
  };
}

builder.queryField('officialCatalogStates', (t) =>
  listConnection(t, {
    type: 'OfficialCatalogState',
    cursor: 'assemblyGuid',
    description: 'Catalog sync state of the official assemblies, by GUID by default. Any signed-in operator.',
    filter: OfficialCatalogStateWhere,
    where: ruled('OfficialCatalogState', catalogStatesWhere),
    order: catalogStateOrder,
    defaultOrder: 'ASSEMBLY_GUID',
    delegate: (prisma) => prisma.officialCatalogState,
  }),
);
