/**
 * Saved device filters (engine.device_filters with their device_filter_sites rows), saved
 * device-list views (device_list_views) and Agent Metadata Field definitions
 * (metadata_field_definitions).
 *
 * Scope (agent API section 6, src/access/scope.ts), always in the SQL `where`:
 * - Device filters: an Admin sees all. A User sees the filters with a device_filter_sites row for
 *   one of their sites (`ctx.scope.filterIds()`, one statement per request); a `global` filter
 *   without site rows is out of scope for non-admins, as in Borealis. A filter's `sites` lists the
 *   site rows of the operator's own sites only.
 * - Device-list views and metadata field definitions have no owner and no site: Borealis stores
 *   them globally ("views are globally stored", "Global Agent Metadata Field descriptions"), so
 *   every signed-in operator reads all of them (requireOperator).
 */
import type { GatewayContext } from '../../graphql/context.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { byId, childrenBy } from '../../access/batch.js';
import { uniqueInScope } from '../../access/rules.js';
import { builder } from '../../graphql/builder.js';
import { listConnection } from '../../graphql/connections.js';
import { ruled } from '../../graphql/ruled.js';
import { parseBigId, parseIntId } from '../../graphql/ids.js';
import { bigIdWhere, defineOrder, epochRangeWhere, flagWhere, IdFilter, siteIdsWhere, StringFilter, stringWhere, TimeRange } from '../../graphql/inputs.js';
import { SiteNode, sitesOf } from '../sites/graphql.js';
import { storedJson } from '../../graphql/stored-json.js';
import { epochToDate, flagToBoolean } from '../../graphql/values.js';

// ---------------------------------------------------------------- loaders

/** Device filters by id (int4 foreign keys elsewhere point at the int8 id), with the filter scope. */
export const filterById = byId('DeviceFilter');

/** device_filter_sites rows of each filter, limited to the operator's sites. */
const siteRowsOfFilter = childrenBy('DeviceFilterSite', 'filterId', { orderBy: { siteId: 'asc' } });

// ---------------------------------------------------------------- types

export const DeviceFilterNode = builder.prismaNode('DeviceFilter', {
  nullable: true,
  id: { field: 'id' },
  description: 'A saved device filter used for targeting and segmentation (device_filters).',
  findUnique: (id, ctx) => uniqueInScope('DeviceFilter', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (f) => f.id.toString() }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    archived: t.boolean({
      description: 'Archived filters are excluded from scheduler pickers and runtime resolution.',
      resolve: (f) => flagToBoolean(f.archived) ?? false,
    }),
    criteriaMode: t.exposeString('criteriaMode', { description: 'basic or advanced.' }),
    siteMode: t.exposeString('siteMode', { description: 'global or specific_sites.' }),
    basicCriteria: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (f) => storedJson(f.basicCriteriaJson, 'device_filters.basic_criteria_json'),
    }),
    advancedCriteria: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (f) => storedJson(f.advancedCriteriaJson, 'device_filters.advanced_criteria_json'),
    }),
    lastEditedBy: t.exposeString('lastEditedBy', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (f) => epochToDate(f.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (f) => epochToDate(f.updatedAt) }),
    sites: t.field({
      type: [SiteNode],
      description: 'The sites of the filter (device_filter_sites) that the operator can see; empty for a global filter.',
      resolve: async (f, _a, ctx) => sitesOf((await ctx.loaders.use(siteRowsOfFilter).load(f.id)).map((row) => row.siteId), ctx),
    }),
  }),
});

export const DeviceListViewNode = builder.prismaNode('DeviceListView', {
  nullable: true,
  id: { field: 'id' },
  description: 'A saved column/filter layout of the device list (device_list_views). Global: no owner.',
  findUnique: (id, ctx) => uniqueInScope('DeviceListView', ctx.scope, { id: parseBigId(id) }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (v) => v.id.toString() }),
    name: t.exposeString('name'),
    columns: t.field({ type: 'JSON', nullable: true, resolve: (v) => storedJson(v.columnsJson, 'device_list_views.columns_json') }),
    filters: t.field({ type: 'JSON', nullable: true, resolve: (v) => storedJson(v.filtersJson, 'device_list_views.filters_json') }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => epochToDate(v.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => epochToDate(v.updatedAt) }),
  }),
});

/** Borealis shows an empty description as "Field 001" .. "Field 500". */
export function metadataFieldLabel(fieldNumber: number, description: string | null | undefined): string {
  const text = description?.trim();
  return text ? text : `Field ${String(fieldNumber).padStart(3, '0')}`;
}

export const MetadataFieldDefinitionNode = builder.prismaNode('MetadataFieldDefinition', {
  nullable: true,
  id: { field: 'fieldNumber' },
  description: 'The global description of an Agent Metadata Field (Field 001 .. Field 500).',
  findUnique: (id, ctx) => uniqueInScope('MetadataFieldDefinition', ctx.scope, { fieldNumber: parseIntId(id, 'fieldNumber') }),
  fields: (t) => ({
    databaseId: t.id({ resolve: (d) => String(d.fieldNumber) }),
    fieldNumber: t.exposeInt('fieldNumber'),
    description: t.exposeString('description', { description: 'As stored; may be empty.' }),
    label: t.string({
      description: 'The description, or the default label ("Field 001") when it is empty.',
      resolve: (d) => metadataFieldLabel(d.fieldNumber, d.description),
    }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => epochToDate(d.updatedAt) }),
    updatedBy: t.exposeString('updatedBy', { nullable: true }),
  }),
});

// ---------------------------------------------------------------- queries

const DeviceFilterWhere = builder.inputType('DeviceFilterWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    archived: t.boolean(),
    criteriaMode: t.field({ type: StringFilter }),
    siteMode: t.field({ type: StringFilter }),
    siteIds: t.idList({ description: 'Filters with a site row for any of these sites.' }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const deviceFilterOrder = defineOrder('DeviceFilter', { NAME: 'name', UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

async function deviceFiltersWhere(
  where: typeof DeviceFilterWhere.$inferInput | null | undefined,
  ctx: GatewayContext,
): Promise<Prisma.DeviceFilterWhereInput> {
  const conditions: Prisma.DeviceFilterWhereInput[] = [];
  if (where) {
    conditions.push({
      id: bigIdWhere(where.id),
      name: stringWhere(where.name),
      archived: flagWhere(where.archived),
      criteriaMode: stringWhere(where.criteriaMode),
      siteMode: stringWhere(where.siteMode),
      updatedAt: epochRangeWhere(where.updatedAt),
    });
    if (where.siteIds) {
      // device_filter_sites.filter_id is int4 -> int8: no Prisma relation to filter through.
      const rows = await ctx.prisma.deviceFilterSite.findMany({ where: { siteId: siteIdsWhere(where.siteIds) }, select: { filterId: true } });
      conditions.push({ id: { in: rows.map((row) => BigInt(row.filterId)) } });
    }
  }
  return { AND: conditions };
}

builder.queryField('deviceFilters', (t) =>
  listConnection(t, {
    type: 'DeviceFilter',
    cursor: 'id',
    description: 'Saved device filters, by name by default. A User sees the filters linked to their sites; global filters are admin-only.',
    filter: DeviceFilterWhere,
    where: ruled('DeviceFilter', deviceFiltersWhere),
    order: deviceFilterOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.deviceFilter,
  }),
);

const DeviceListViewWhere = builder.inputType('DeviceListViewWhere', {
  fields: (t) => ({
    id: t.field({ type: IdFilter }),
    name: t.field({ type: StringFilter }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const deviceListViewOrder = defineOrder('DeviceListView', { NAME: 'name', UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt', ID: 'id' }, 'id');

function deviceListViewsWhere(where: typeof DeviceListViewWhere.$inferInput | null | undefined): Prisma.DeviceListViewWhereInput {
  return { id: bigIdWhere(where?.id), name: stringWhere(where?.name), updatedAt: epochRangeWhere(where?.updatedAt) };
}

builder.queryField('deviceListViews', (t) =>
  listConnection(t, {
    type: 'DeviceListView',
    cursor: 'id',
    description: 'Saved device-list views (global), by name by default.',
    filter: DeviceListViewWhere,
    where: ruled('DeviceListView', deviceListViewsWhere),
    order: deviceListViewOrder,
    defaultOrder: 'NAME',
    delegate: (prisma) => prisma.deviceListView,
  }),
);

const MetadataFieldDefinitionWhere = builder.inputType('MetadataFieldDefinitionWhere', {
  fields: (t) => ({
    fieldNumbers: t.intList({ description: 'Field numbers (1..500).' }),
    description: t.field({ type: StringFilter }),
    described: t.boolean({ description: 'Only fields with a non-empty description (true) or only empty ones (false).' }),
    updatedAt: t.field({ type: TimeRange }),
  }),
});
const metadataFieldOrder = defineOrder(
  'MetadataFieldDefinition',
  { FIELD_NUMBER: 'fieldNumber', DESCRIPTION: 'description', UPDATED_AT: 'updatedAt' },
  'fieldNumber',
);

function metadataFieldsWhere(where: typeof MetadataFieldDefinitionWhere.$inferInput | null | undefined): Prisma.MetadataFieldDefinitionWhereInput {
  const conditions: Prisma.MetadataFieldDefinitionWhereInput[] = [
    {
      fieldNumber: where?.fieldNumbers ? { in: [...where.fieldNumbers] } : undefined,
      description: stringWhere(where?.description),
      updatedAt: epochRangeWhere(where?.updatedAt),
    },
  ];
  if (where?.described != null) conditions.push(where.described ? { NOT: { description: '' } } : { description: '' });
  return { AND: conditions };
}

builder.queryField('metadataFieldDefinitions', (t) =>
  listConnection(t, {
    type: 'MetadataFieldDefinition',
    cursor: 'fieldNumber',
    description: 'Stored Agent Metadata Field definitions (global), by field number by default.',
    filter: MetadataFieldDefinitionWhere,
    where: ruled('MetadataFieldDefinition', metadataFieldsWhere),
    order: metadataFieldOrder,
    defaultOrder: 'FIELD_NUMBER',
    delegate: (prisma) => prisma.metadataFieldDefinition,
  }),
);
