/** Device filter, device list view and metadata field definition mutations (docs/mutations.md). */
import { builder, type GatewaySchemaTypes } from '../../graphql/builder.js';
import { valueSet } from '../../graphql/enums.js';
import { inputKey, readAfter, withoutNulls } from '../config-mutations.js';
import { setMetadataFieldDefinition } from '../devices/commands.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import {
  createDeviceFilter,
  createDeviceListView,
  deleteDeviceListView,
  setDeviceFilterArchived,
  updateDeviceFilter,
  updateDeviceListView,
} from './commands.js';
import { DeviceFilterNode, DeviceListViewNode, MetadataFieldDefinitionNode } from './graphql.js';

const filterKey = inputKey('DeviceFilter');
const viewKey = inputKey('DeviceListView');

const CriteriaModeEnum = valueSet('DeviceFilterCriteriaMode', 'device_filters.criteria_mode', ['basic', 'advanced']);
const FilterSiteModeEnum = valueSet('DeviceFilterSiteMode', 'device_filters.site_mode', ['global', 'specific_sites']);

// ---------------------------------------------------------------------------------------------
// Device filters
// ---------------------------------------------------------------------------------------------

const DeviceFilterPayload = builder.objectRef<{ filterId: number }>('DeviceFilterPayload').implement({
  description: 'The device filter a mutation saved.',
  fields: (t) => ({
    filter: t.field({ type: DeviceFilterNode, nullable: true, resolve: (r, _a, ctx) => readAfter(ctx, 'DeviceFilter', { id: BigInt(r.filterId) }) }),
  }),
});

const filterFields = (required: boolean) => (f: PothosSchemaTypes.InputFieldBuilder<GatewaySchemaTypes, 'InputObject'>) => ({
  name: f.string({ required, description: 'Unique name (one line).' }),
  description: f.string(),
  criteriaMode: f.field({ type: CriteriaModeEnum, description: 'Which criteria document applies (default BASIC).' }),
  siteMode: f.field({ type: FilterSiteModeEnum, description: 'Default GLOBAL (admins only); a User saves SPECIFIC_SITES of theirs.' }),
  siteIds: f.idList({ description: 'The sites of a SPECIFIC_SITES filter (device_filter_sites).' }),
  basicCriteria: f.field({ type: 'JSON', description: '`{"join": "AND", "groups": [{"join": "AND", "conditions": [{"field", "operator", "value"}]}]}`.' }),
  advancedCriteria: f.field({ type: 'JSON', description: '`{"match": "all", "rules": [{"field", "operator", "value"}]}`.' }),
});

const FILTER_ERRORS = errorTypes(NotFoundError, ConflictError, ForbiddenError, ValidationFailedError);
const CLEARABLE_FILTER_FIELDS = ['description', 'basicCriteria', 'advancedCriteria'];

builder.mutationField('createDeviceFilter', (t) =>
  t.field({
    type: DeviceFilterPayload,
    description: 'Saves a device filter with its site rows. A User saves filters for specific sites of theirs.',
    args: { input: t.arg({ type: builder.inputType('CreateDeviceFilterInput', { fields: filterFields(true) }), required: true }) },
    errors: FILTER_ERRORS,
    resolve: (_root, { input }, ctx) => createDeviceFilter(commandContext(ctx), withoutNulls(input, CLEARABLE_FILTER_FIELDS) as Parameters<typeof createDeviceFilter>[1]),
  }),
);

builder.mutationField('updateDeviceFilter', (t) =>
  t.field({
    type: DeviceFilterPayload,
    description: 'Changes the given fields of a device filter; `siteIds` (or a new `siteMode`) replaces its site rows.',
    args: {
      input: t.arg({
        type: builder.inputType('UpdateDeviceFilterInput', {
          fields: (f) => ({ id: f.id({ required: true, description: 'The filter (its `id` or `databaseId`).' }), ...filterFields(false)(f) }),
        }),
        required: true,
      }),
    },
    errors: FILTER_ERRORS,
    resolve: (_root, { input }, ctx) =>
      updateDeviceFilter(commandContext(ctx), withoutNulls({ ...input, id: filterKey(input.id) }, CLEARABLE_FILTER_FIELDS) as Parameters<typeof updateDeviceFilter>[1]),
  }),
);

const FilterKeyInput = builder.inputType('DeviceFilterKeyInput', { fields: (f) => ({ id: f.id({ required: true, description: 'The filter (its `id` or `databaseId`).' }) }) });
for (const [name, archived] of [['archiveDeviceFilter', true], ['unarchiveDeviceFilter', false]] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: DeviceFilterPayload,
      description: archived ? 'Archives a device filter: it leaves scheduler pickers and runtime resolution (archived = 1).' : 'Restores an archived device filter.',
      args: { input: t.arg({ type: FilterKeyInput, required: true }) },
      errors: errorTypes(NotFoundError, ForbiddenError, ValidationFailedError),
      resolve: (_root, { input }, ctx) => setDeviceFilterArchived(commandContext(ctx), { id: filterKey(input.id), archived }),
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Device list views
// ---------------------------------------------------------------------------------------------

const DeviceListViewPayload = builder.objectRef<{ viewId: number }>('DeviceListViewPayload').implement({
  description: 'The device list view a mutation saved or deleted.',
  fields: (t) => ({
    viewDatabaseId: t.id({ resolve: (r) => String(r.viewId) }),
    view: t.field({
      type: DeviceListViewNode,
      nullable: true,
      description: 'The view as it is now (null after a delete).',
      resolve: (r, _a, ctx) => readAfter(ctx, 'DeviceListView', { id: BigInt(r.viewId) }),
    }),
  }),
});

const viewFields = (required: boolean) => (f: PothosSchemaTypes.InputFieldBuilder<GatewaySchemaTypes, 'InputObject'>) => ({
  name: f.string({ required, description: 'Unique name.' }),
  columns: f.stringList({ required, description: 'Column ids in display order (at least one).' }),
  filters: f.field({ type: 'JSON', description: 'The grid filter model (an object); null: none.' }),
});

builder.mutationField('createDeviceListView', (t) =>
  t.field({
    type: DeviceListViewPayload,
    description: 'Saves a device list view (global: every operator sees the saved views).',
    args: { input: t.arg({ type: builder.inputType('CreateDeviceListViewInput', { fields: viewFields(true) }), required: true }) },
    errors: errorTypes(ConflictError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => createDeviceListView(commandContext(ctx), input as Parameters<typeof createDeviceListView>[1]),
  }),
);

builder.mutationField('updateDeviceListView', (t) =>
  t.field({
    type: DeviceListViewPayload,
    description: 'Changes the given fields of a device list view (`filters: null` clears the filter model).',
    args: {
      input: t.arg({
        type: builder.inputType('UpdateDeviceListViewInput', {
          fields: (f) => ({ id: f.id({ required: true, description: 'The view (its `id` or `databaseId`).' }), ...viewFields(false)(f) }),
        }),
        required: true,
      }),
    },
    errors: errorTypes(NotFoundError, ConflictError, ValidationFailedError),
    resolve: (_root, { input }, ctx) =>
      updateDeviceListView(commandContext(ctx), withoutNulls({ ...input, id: viewKey(input.id) }, ['filters']) as Parameters<typeof updateDeviceListView>[1]),
  }),
);

builder.mutationField('deleteDeviceListView', (t) =>
  t.field({
    type: DeviceListViewPayload,
    description: 'Deletes a device list view.',
    args: {
      input: t.arg({
        type: builder.inputType('DeviceListViewKeyInput', { fields: (f) => ({ id: f.id({ required: true, description: 'The view (its `id` or `databaseId`).' }) }) }),
        required: true,
      }),
    },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => deleteDeviceListView(commandContext(ctx), { id: viewKey(input.id) }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Metadata field definitions (the global labels of Field 001..500)
// ---------------------------------------------------------------------------------------------

builder.mutationField('setMetadataFieldDefinition', (t) =>
  t.field({
    type: builder.objectRef<{ fieldNumber: number }>('MetadataFieldDefinitionPayload').implement({
      description: 'The metadata field whose description a mutation set.',
      fields: (p) => ({
        definition: p.field({
          type: MetadataFieldDefinitionNode,
          nullable: true,
          resolve: (r, _a, ctx) => readAfter(ctx, 'MetadataFieldDefinition', { fieldNumber: r.fieldNumber }),
        }),
      }),
    }),
    description: 'Sets the description (label) of an Agent Metadata Field for every device; empty: the default "Field 001". Admin only.',
    authScopes: { admin: true },
    args: {
      input: t.arg({
        type: builder.inputType('SetMetadataFieldDefinitionInput', {
          fields: (f) => ({
            fieldNumber: f.int({ required: true, description: '1 to 500.' }),
            description: f.string({ required: true, description: 'At most 200 characters.' }),
          }),
        }),
        required: true,
      }),
    },
    errors: errorTypes(ForbiddenError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => setMetadataFieldDefinition(commandContext(ctx), input),
  }),
);
