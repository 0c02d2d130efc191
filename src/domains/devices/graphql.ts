/**
 * Devices and what hangs off them: site (device_sites by hostname), inventory JSON, key history,
 * metadata fields (base64 values + labels), normalized software, watchdog states, incidents,
 * activity and run targets. Relations by hostname are Prisma relations (one statement per level);
 * GUID relations, compared upper-case like Borealis does, go through loaders.
 */
import type DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import { Prisma } from '../../generated/prisma/client.js';
import { firstPerParent, manyLoader, omittedColumnsBy, perRequestFilter } from '../../access/batch.js';
import { deviceByGuid, deviceByHostname } from './loaders.js';
import { decodeCursor, encodeCursor, keysetPredicate, type KeyValue, type TypedSortKey } from '../../graphql/cursors.js';
import { inputLimits, MAX_CURSOR_LENGTH } from '../../graphql/input-limits.js';
import type { LoaderFactory } from '../../access/loaders.js';
import { relationWhere, uniqueInScope } from '../../access/rules.js';
import { ONLINE_WINDOW_SECONDS } from './filters.js';
import { listDevicesWhere } from './service.js';
import { builder } from '../../graphql/builder.js';
import { listConnection, sqlKeysetPredicates } from '../../graphql/connections.js';
import { defineOrder, MAX_PAGE_SIZE, StringFilter, statusWhere, TimeRange } from '../../graphql/inputs.js';
import { siteById, SiteNode } from '../sites/graphql.js';
import { boundedFirst, INCIDENT_STATE_SPELLING, IncidentStateEnum } from '../../graphql/enums.js';
import { storedJson } from '../../graphql/stored-json.js';
import { canonicalGuid, decodeBase64Text, epochToDate, guidSpellings, isoTextToDate } from '../../graphql/values.js';
import { epochField, sqlForm, type FieldArgs } from '../../graphql/compile/forms.js';
import { deviceFilterWhere } from './filters.js';

export { ONLINE_WINDOW_SECONDS };

/** All rows of each device GUID in any of its stored spellings (guidSpellings: index-friendly). */
function byDeviceGuid<R>(
  fetch: (prisma: Db, guids: string[]) => Promise<R[]>,
  guidOf: (row: R) => string,
): LoaderFactory<DataLoader<string, R[]>> {
  return (prisma) =>
    manyLoader(
      (guids) => fetch(prisma, [...new Set(guids.map(canonicalGuid))]),
      guidOf,
      (guid) => canonicalGuid(String(guid)),
    );
}

const keysOfDevice = byDeviceGuid(
  (prisma, guids) =>
    prisma.deviceKey.findMany({ where: { guid: { in: guidSpellings(guids) } }, orderBy: [{ addedAt: 'desc' }, { id: 'asc' }] }),
  (key) => key.guid,
);

const metadataOfDevice = byDeviceGuid(
  (prisma, guids) =>
    prisma.deviceMetadataField.findMany({
      where: { deviceGuid: { in: guidSpellings(guids) } },
      include: { metadataFieldDefinition: { select: { description: true } } },
      orderBy: { fieldNumber: 'asc' },
    }),
  (field) => field.deviceGuid,
);

/** Installed software pages: by normalized name, then id (the cursor's keys). */
const SOFTWARE_LIST = 'Device.installedSoftware';
const SOFTWARE_KEYS: readonly TypedSortKey[] = [
  { field: 'nameNormalized', direction: 'asc', type: 'String', nullable: false },
  { field: 'id', direction: 'asc', type: 'BigInt', nullable: false },
];
const SOFTWARE_COLUMNS: Record<string, (row: Prisma.Sql) => Prisma.Sql> = {
  nameNormalized: (row) => Prisma.sql`${row}.name_normalized`,
  id: (row) => Prisma.sql`${row}.id`,
};

interface SoftwarePage {
  first: number;
  after: KeyValue[] | null;
  cursor: string | null;
}

/** `installedSoftware(first:, after:)` as a page; a bad `first` or cursor is BAD_USER_INPUT. */
function softwarePageOf(args: { first?: number | null; after?: string | null }): SoftwarePage {
  return {
    first: boundedFirst(args.first, MAX_PAGE_SIZE),
    after: args.after == null ? null : decodeCursor(args.after, 'after', SOFTWARE_LIST, SOFTWARE_KEYS),
    cursor: args.after ?? null,
  };
}

/**
 * One page of each device's installed software, limited per device in SQL; the GUID is matched in
 * its stored spellings, so (device_guid, name_normalized, ...) index serves it. The loader and the
 * compiled read path read the page with these options.
 */
const softwarePage = ({ first, after }: SoftwarePage) => ({
  table: Prisma.sql`engine.device_software_inventory`,
  keyType: 'text' as const,
  match: (row: Prisma.Sql, guid: Prisma.Sql) => Prisma.sql`${row}.device_guid = ANY(ARRAY[${guid}, lower(${guid})])`,
  ...(after ? { where: (row: Prisma.Sql) => keysetPredicate(SOFTWARE_KEYS, after, 'after', sqlKeysetPredicates((key) => SOFTWARE_COLUMNS[key.field]!(row))) } : {}),
  orderBy: (row: Prisma.Sql) => Prisma.sql`${row}.name_normalized ASC, ${row}.id ASC`,
  first,
});

/** One loader per page size and `after`, shared by every device of the level. */
const softwareOfDevice = perRequestFilter(
  (page: SoftwarePage) => firstPerParent<'DeviceSoftwareInventory', string>('DeviceSoftwareInventory', softwarePage(page)),
  ({ first, cursor }) => `${first}:${cursor ?? ''}`,
);

/** A device's incidents (Device.incidents): the relation's filter, order and size, for Prisma and SQL alike. */
const deviceIncidents = (args: FieldArgs) => ({
  where: { state: statusWhere(args.state as string[] | null | undefined, INCIDENT_STATE_SPELLING) },
  orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] as const,
  take: boundedFirst(args.first as number | null | undefined),
});

/** A device's run targets (Device.runTargets), newest first. */
const deviceRunTargets = (args: FieldArgs) => ({
  where: {},
  orderBy: [{ id: 'desc' }] as const,
  take: boundedFirst(args.first as number | null | undefined),
});

/** The device's own hostname ties its hostname relations. */
const byDeviceHostname = (device: Prisma.Sql, row: Prisma.Sql) => Prisma.sql`${row}.hostname = ${device}.hostname`;

const DeviceKey = builder.prismaObject('DeviceKey', {
  description: 'An agent key the device enrolled with (device_keys); retired keys are its history.',
  fields: (t) => ({
    sslKeyFingerprint: t.exposeString('sslKeyFingerprint', { description: 'SHA-256 of the agent Ed25519 public key (hex).' }),
    addedAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => isoTextToDate(key.addedAt) }),
    retiredAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => isoTextToDate(key.retiredAt) }),
    active: t.boolean({ resolve: (key) => !key.retiredAt }),
  }),
});

const DeviceMetadataValue = builder
  .objectRef<Prisma.DeviceMetadataFieldGetPayload<{ include: { metadataFieldDefinition: { select: { description: true } } } }>>(
    'DeviceMetadataValue',
  )
  .implement({
    description: 'A custom metadata field of a device; Borealis stores values base64-encoded, returned decoded.',
    fields: (t) => ({
      fieldNumber: t.exposeInt('fieldNumber'),
      label: t.string({ nullable: true, resolve: (field) => field.metadataFieldDefinition?.description ?? null }),
      key: t.exposeString('fieldKey', { nullable: true }),
      value: t.string({ nullable: true, resolve: (field) => decodeBase64Text(field.value) }),
      source: t.exposeString('source', { nullable: true }),
      modifiedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('modifiedAt') }),
    }),
  });

const DeviceSoftware = builder.prismaObject('DeviceSoftwareInventory', {
  name: 'DeviceSoftware',
  description: 'Normalized installed software (device_software_inventory).',
  fields: (t) => ({
    name: t.exposeString('name'),
    nameNormalized: t.exposeString('nameNormalized'),
    version: t.exposeString('version', { nullable: true }),
    source: t.exposeString('source', { nullable: true }),
    capturedAt: t.field({ type: 'DateTime', nullable: true, ...epochField('capturedAt') }),
    cursor: t.string({
      description: 'Pass as `installedSoftware(after:)` to read the rows after this one.',
      resolve: (row) => encodeCursor(SOFTWARE_LIST, SOFTWARE_KEYS, [row.nameNormalized, row.id]),
    }),
  }),
});

const INVENTORY_COLUMNS = ['memory', 'network', 'software', 'services', 'storage', 'cpu', 'sessions', 'processes'] as const;
/** The inventory documents are large: the client omits them (db/prisma.ts), `inventory` reads them. */
const inventoryOfDevice = omittedColumnsBy('Device', 'guid', {
  agentRoleHealth: true,
  ...(Object.fromEntries(INVENTORY_COLUMNS.map((column) => [column, true])) as { [C in (typeof INVENTORY_COLUMNS)[number]]: true }),
});
type InventoryRow = Record<(typeof INVENTORY_COLUMNS)[number] | 'agentRoleHealth', string | null>;

export const DeviceNode = builder.prismaNode('Device', {
  nullable: true,
  id: { field: 'guid' },
  findUnique: (guid, ctx) => uniqueInScope('Device', ctx.scope, { guid: canonicalGuid(guid) }),
  // The site id travels with every device so `site` needs no extra statement per row.
  include: { deviceSite: { select: { siteId: true } } },
  fields: (t) => ({
    guid: t.exposeString('guid'),
    hostname: t.exposeString('hostname', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    status: t.exposeString('status', { nullable: true, description: 'active (default), revoked, decommissioned, ...' }),
    deviceType: t.exposeString('deviceType', { nullable: true }),
    operatingSystem: t.exposeString('operatingSystem', { nullable: true }),
    domain: t.exposeString('domain', { nullable: true }),
    externalIp: t.exposeString('externalIp', { nullable: true }),
    internalIp: t.exposeString('internalIp', { nullable: true }),
    lastUser: t.exposeString('lastUser', { nullable: true }),
    lastReboot: t.exposeString('lastReboot', { nullable: true, description: 'Free text reported by the agent.' }),
    uptimeSeconds: t.exposeInt('uptime', { nullable: true }),
    cpuPercent: t.exposeFloat('cpuPercent', { nullable: true }),
    memoryPercent: t.exposeFloat('memoryPercent', { nullable: true }),
    agentId: t.exposeString('agentId', { nullable: true }),
    agentHash: t.exposeString('agentHash', { nullable: true }),
    agentUpdateState: t.exposeString('agentUpdateState', { nullable: true }),
    agentReleaseChannel: t.exposeString('agentReleaseChannel', { nullable: true }),
    connectionType: t.exposeString('connectionType', { nullable: true }),
    connectionEndpoint: t.exposeString('connectionEndpoint', { nullable: true }),
    sslKeyFingerprint: t.exposeString('sslKeyFingerprint', { nullable: true }),
    tokenVersion: t.exposeInt('tokenVersion', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, ...epochField('createdAt') }),
    lastEnrollmentAt: t.field({ type: 'DateTime', nullable: true, ...epochField('lastEnrollmentAt') }),
    lastSeen: t.field({ type: 'DateTime', nullable: true, ...epochField('lastSeen') }),
    keyAddedAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => isoTextToDate(d.keyAddedAt) }),
    online: t.boolean({
      description: `Checked in within the last ${ONLINE_WINDOW_SECONDS} seconds.`,
      resolve: (d) => d.lastSeen !== null && Date.now() / 1000 - d.lastSeen <= ONLINE_WINDOW_SECONDS,
    }),
    inventory: t.field({
      type: DeviceInventory,
      nullable: true,
      description: 'The last inventory the agent reported (JSON documents Borealis stores as text).',
      resolve: (d, _args, ctx) => ctx.loaders.use(inventoryOfDevice).load(d.guid),
    }),
    site: t.field({
      type: SiteNode,
      nullable: true,
      description: 'The site of the device (device_sites by hostname); null when unassigned.',
      extensions: sqlForm({
        kind: 'row',
        model: 'Site',
        match: (device, site) => Prisma.sql`${site}.id = (SELECT ds.site_id FROM engine.device_sites ds WHERE ds.device_hostname = ${device}.hostname)`,
      }),
      resolve: (d, _args, ctx) => (d.deviceSite ? ctx.loaders.use(siteById).load(d.deviceSite.siteId) : null),
    }),
    keyHistory: t.field({ type: [DeviceKey], resolve: (d, _args, ctx) => ctx.loaders.use(keysOfDevice).load(d.guid) }),
    metadataFields: t.field({ type: [DeviceMetadataValue], resolve: (d, _args, ctx) => ctx.loaders.use(metadataOfDevice).load(d.guid) }),
    installedSoftware: t.field({
      type: [DeviceSoftware],
      description:
        `Normalized installed software (device_software_inventory) by name, a page at a time: at most \`first\` rows (up to ${MAX_PAGE_SIZE}), after the row whose \`cursor\` is \`after\`. The raw report is \`inventory.software\`.`,
      args: {
        first: t.arg.int({ defaultValue: MAX_PAGE_SIZE }),
        after: t.arg.string({ extensions: inputLimits({ maxLength: MAX_CURSOR_LENGTH }) }),
      },
      extensions: sqlForm({
        kind: 'firstPerParent',
        model: 'DeviceSoftwareInventory',
        // canonicalGuid in SQL: Borealis GUIDs are ASCII, where upper() and toUpperCase() agree.
        parentKey: (device) => Prisma.sql`upper(btrim(${device}.guid))`,
        options: (args) => softwarePage(softwarePageOf(args)),
      }),
      resolve: (d, args, ctx) => softwareOfDevice(ctx.loaders, softwarePageOf(args)).load(canonicalGuid(d.guid)),
    }),
    watchdogStates: t.relation('watchdogDeviceState', {
      description: 'Per-watchdog evaluation state of this device.',
      query: (_args, ctx) => ({ where: relationWhere('WatchdogDeviceState', ctx.scope), orderBy: { id: 'asc' } }),
    }),
    incidents: t.relation('watchdogIncidents', {
      description: 'Watchdog incidents of this device, newest first.',
      args: {
        state: t.arg({ type: [IncidentStateEnum] }),
        first: t.arg.int({ defaultValue: 20 }),
      },
      extensions: sqlForm({ kind: 'relatedList', model: 'WatchdogIncident', match: byDeviceHostname, list: deviceIncidents }),
      query: (args, ctx) => {
        const list = deviceIncidents(args);
        return { ...list, orderBy: [...list.orderBy], where: { AND: [relationWhere('WatchdogIncident', ctx.scope), list.where] } };
      },
    }),
    activity: t.relation('activityHistory', {
      description: 'Activity history (script and job executions) of this device, newest first.',
      args: { first: t.arg.int({ defaultValue: 20 }) },
      query: (args, ctx) => ({ where: relationWhere('ActivityHistory', ctx.scope), orderBy: [{ ranAt: 'desc' }, { id: 'desc' }], take: boundedFirst(args.first) }),
    }),
    runTargets: t.relation('scheduledJobRunTargets', {
      description: 'Scheduled-job run targets that resolved to this device, newest first.',
      args: { first: t.arg.int({ defaultValue: 10 }) },
      extensions: sqlForm({ kind: 'relatedList', model: 'ScheduledJobRunTarget', match: byDeviceHostname, list: deviceRunTargets }),
      query: (args, ctx) => {
        const list = deviceRunTargets(args);
        return { ...list, orderBy: [...list.orderBy], where: { AND: [relationWhere('ScheduledJobRunTarget', ctx.scope), list.where] } };
      },
    }),
  }),
});

const DeviceInventory = builder.objectRef<InventoryRow>('DeviceInventory').implement({
  description: 'Inventory JSON documents. A value Borealis stored malformed is null with a STORED_VALUE_MALFORMED error.',
  fields: (t) => ({
    ...Object.fromEntries(
      INVENTORY_COLUMNS.map((column) => [
        column,
        t.field({ type: 'JSON', nullable: true, resolve: (d) => storedJson(d[column], `devices.${column}`) }),
      ]),
    ),
    agentRoleHealth: t.field({ type: 'JSON', nullable: true, resolve: (d) => storedJson(d.agentRoleHealth, 'devices.agent_role_health') }),
  }),
});

const DeviceWhere = builder.inputType('DeviceWhere', {
  fields: (t) => ({
    hostname: t.field({ type: StringFilter }),
    search: t.string({ description: 'Case-insensitive match on hostname, description, last user or IP.' }),
    siteIds: t.idList({ description: 'Devices assigned to any of these sites.' }),
    unassigned: t.boolean({ description: 'Only devices without a site (admin only by scope).' }),
    status: t.field({ type: StringFilter }),
    operatingSystem: t.field({ type: StringFilter }),
    online: t.boolean(),
    lastSeen: t.field({ type: TimeRange }),
  }),
});

const deviceOrder = defineOrder(
  'Device',
  { HOSTNAME: 'hostname', LAST_SEEN: 'lastSeen', CREATED_AT: 'createdAt', OPERATING_SYSTEM: 'operatingSystem' },
  'guid',
);

builder.queryField('device', (t) =>
  t.field({
    type: DeviceNode,
    nullable: true,
    description: 'The device with this GUID, in any case spelling: null when it does not exist or is outside the operator\'s sites.',
    args: { guid: t.arg.string({ required: true }) },
    authScopes: { operator: true },
    resolve: (_root, args, ctx) => ctx.loaders.use(deviceByGuid).load(args.guid),
  }),
);

builder.queryField('deviceByHostname', (t) =>
  t.field({
    type: DeviceNode,
    nullable: true,
    description: 'The device with exactly this hostname: null when it does not exist or is outside the operator\'s sites.',
    args: { hostname: t.arg.string({ required: true }) },
    authScopes: { operator: true },
    resolve: (_root, args, ctx) => ctx.loaders.use(deviceByHostname).load(args.hostname),
  }),
);

builder.queryField('devices', (t) =>
  listConnection(t, {
    type: 'Device',
    cursor: 'guid',
    description: 'Devices in the operator\'s sites (all, including unassigned, for an Admin).',
    filter: DeviceWhere,
    where: (where, ctx) => listDevicesWhere(ctx, where),
    order: deviceOrder,
    defaultOrder: 'HOSTNAME',
    delegate: (prisma) => prisma.device,
    filterWhere: (where) => deviceFilterWhere(where),
  }),
);
