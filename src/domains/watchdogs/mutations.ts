/** Watchdog and incident mutations: the GraphQL layer over ./commands.ts (docs/mutations.md). */
import { builder, type GatewaySchemaTypes } from '../../graphql/builder.js';
import { SeverityEnum, valueSet } from '../../graphql/enums.js';
import { DeviceNode } from '../devices/graphql.js';
import { deviceByHostname } from '../devices/loaders.js';
import { inputKey, readAfter, TargetInput, targetsOf, withoutNulls } from '../config-mutations.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import {
  acknowledgeIncident,
  clearWatchdogOverride,
  createWatchdog,
  setWatchdogArchived,
  setWatchdogEnabled,
  setWatchdogOverride,
  updateWatchdog,
} from './commands.js';
import { IncidentNode, WatchdogNode } from './graphql.js';

const watchdogKey = inputKey('Watchdog');
const incidentKey = inputKey('WatchdogIncident');

const WatchdogSiteModeEnum = valueSet('WatchdogSiteMode', 'watchdogs.site_mode', ['global', 'specific_sites', 'global_exclusions']);
const WatchdogMatchModeEnum = valueSet('WatchdogMatchMode', 'watchdogs.match_mode', ['all', 'any']);
const OverrideStateEnum = valueSet('WatchdogOverrideState', 'watchdog_device_overrides.state', ['suppressed', 'disabled']);

// ---------------------------------------------------------------------------------------------
// Incidents and overrides
// ---------------------------------------------------------------------------------------------

const IncidentPayload = builder.objectRef<{ incidentId: number }>('IncidentPayload').implement({
  description: 'The incident a mutation changed.',
  fields: (t) => ({
    incident: t.field({
      type: IncidentNode,
      nullable: true,
      resolve: (r, _a, ctx) => readAfter(ctx, 'WatchdogIncident', { id: BigInt(r.incidentId) }),
    }),
  }),
});

builder.mutationField('acknowledgeIncident', (t) =>
  t.field({
    type: IncidentPayload,
    description:
      'Acknowledges an open incident (acknowledged_at, acknowledged_by, updated_at). Acknowledging again changes nothing; ' +
      'a suppressed or resolved incident is a CONFLICT; another site\'s incident is NOT_FOUND.',
    args: { input: t.arg({ type: builder.inputType('AcknowledgeIncidentInput', { fields: (f) => ({ id: f.id({ required: true, description: 'The incident (its `id` or `databaseId`).' }) }) }), required: true }) },
    errors: errorTypes(NotFoundError, ConflictError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => acknowledgeIncident(commandContext(ctx), { incidentId: incidentKey(input.id) }),
  }),
);

const OverridePayload = builder.objectRef<{ watchdogId: number; hostname: string }>('WatchdogOverridePayload').implement({
  description: 'The watchdog and device whose override a mutation set or cleared (their `overrides` list shows it).',
  fields: (t) => ({
    hostname: t.exposeString('hostname'),
    watchdog: t.field({ type: WatchdogNode, nullable: true, resolve: (r, _a, ctx) => readAfter(ctx, 'Watchdog', { id: BigInt(r.watchdogId) }) }),
    device: t.field({ type: DeviceNode, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.use(deviceByHostname).load(r.hostname) }),
  }),
});

const OverrideKeyFields = {
  watchdogId: { required: true, description: 'The watchdog (its `id` or `databaseId`).' },
  hostname: { required: true, description: 'The device hostname (compared case-insensitively).' },
} as const;

builder.mutationField('setWatchdogOverride', (t) =>
  t.field({
    type: OverridePayload,
    description:
      'Suppresses or disables one watchdog for one device of the operator\'s sites, with a reason and an optional expiry ' +
      '(one override per watchdog and device: an existing one is updated). The watchdog runtime applies it on its next pass.',
    args: {
      input: t.arg({
        type: builder.inputType('SetWatchdogOverrideInput', {
          fields: (f) => ({
            watchdogId: f.id(OverrideKeyFields.watchdogId),
            hostname: f.string(OverrideKeyFields.hostname),
            state: f.field({ type: OverrideStateEnum, required: true }),
            reason: f.string({ description: 'Why (one line, at most 500 characters).' }),
            expiresAt: f.field({ type: 'DateTime', description: 'When the override ends (in the future); none: until cleared.' }),
          }),
        }),
        required: true,
      }),
    },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) =>
      setWatchdogOverride(commandContext(ctx), { ...input, watchdogId: watchdogKey(input.watchdogId), state: input.state as 'suppressed' | 'disabled' }),
  }),
);

builder.mutationField('clearWatchdogOverride', (t) =>
  t.field({
    type: OverridePayload,
    description: 'Removes the override of one watchdog for one device (of the operator\'s sites).',
    args: {
      input: t.arg({
        type: builder.inputType('ClearWatchdogOverrideInput', {
          fields: (f) => ({ watchdogId: f.id(OverrideKeyFields.watchdogId), hostname: f.string(OverrideKeyFields.hostname) }),
        }),
        required: true,
      }),
    },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => clearWatchdogOverride(commandContext(ctx), { ...input, watchdogId: watchdogKey(input.watchdogId) }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

const WatchdogPayload = builder.objectRef<{ watchdogId: number }>('WatchdogPayload').implement({
  description: 'The watchdog a mutation saved.',
  fields: (t) => ({
    watchdog: t.field({ type: WatchdogNode, nullable: true, resolve: (r, _a, ctx) => readAfter(ctx, 'Watchdog', { id: BigInt(r.watchdogId) }) }),
  }),
});

/** The definition fields, required ones marked on create only. */
const definitionFields = (required: boolean) => (f: PothosSchemaTypes.InputFieldBuilder<GatewaySchemaTypes, 'InputObject'>) => ({
  name: f.string({ required, description: 'Unique name (one line).' }),
  description: f.string(),
  enabled: f.boolean({ description: 'Default true.' }),
  severity: f.field({ type: SeverityEnum, description: 'Default WARNING.' }),
  matchMode: f.field({ type: WatchdogMatchModeEnum, description: 'Whether all rules or any rule must match (default ALL).' }),
  siteMode: f.field({ type: WatchdogSiteModeEnum, description: 'Default GLOBAL (admins only); a User saves SPECIFIC_SITES of theirs.' }),
  siteIds: f.idList({ description: 'The sites (SPECIFIC_SITES) or excluded sites (GLOBAL_EXCLUSIONS).' }),
  criteria: f.field({ type: 'JSON', required, description: '`{"rules": [{"type": "device_offline", ...}]}`, 1 to 24 rules of the runtime\'s types.' }),
  actions: f.field({ type: 'JSON', description: '`{"actions": [{"type": "notification", ...}]}` (default none).' }),
  targets: f.field({ type: [TargetInput], required, description: 'Devices and device filters the watchdog evaluates (at least one).' }),
  evaluationIntervalSeconds: f.int({ description: '30 to 86400 (default 60).' }),
  cooldownSeconds: f.int({ description: 'Default 900.' }),
  autoResolveAfterSeconds: f.int({ description: 'Default 300.' }),
  minConsecutiveMatches: f.int({ description: 'Default 1.' }),
  bootGraceSeconds: f.int({ description: 'Default 0.' }),
});

const CreateWatchdogInput = builder.inputType('CreateWatchdogInput', { fields: definitionFields(true) });
const UpdateWatchdogInput = builder.inputType('UpdateWatchdogInput', {
  fields: (f) => ({ id: f.id({ required: true, description: 'The watchdog (its `id` or `databaseId`).' }), ...definitionFields(false)(f) }),
});
const WatchdogKeyInput = builder.inputType('WatchdogKeyInput', { fields: (f) => ({ id: f.id({ required: true, description: 'The watchdog (its `id` or `databaseId`).' }) }) });

const DEFINITION_ERRORS = errorTypes(NotFoundError, ConflictError, ForbiddenError, ValidationFailedError);

builder.mutationField('createWatchdog', (t) =>
  t.field({
    type: WatchdogPayload,
    description:
      'Creates a watchdog with its site rows and targets. A User saves watchdogs for specific sites of theirs, targeting ' +
      'devices and filters in those sites; global watchdogs are for admins.',
    args: { input: t.arg({ type: CreateWatchdogInput, required: true }) },
    errors: DEFINITION_ERRORS,
    resolve: (_root, { input }, ctx) =>
      createWatchdog(commandContext(ctx), withoutNulls({ ...input, targets: targetsOf(input.targets) }, ['description']) as Parameters<typeof createWatchdog>[1]),
  }),
);

builder.mutationField('updateWatchdog', (t) =>
  t.field({
    type: WatchdogPayload,
    description: 'Changes the given fields of a watchdog; `siteIds` and `targets` replace its site rows and targets.',
    args: { input: t.arg({ type: UpdateWatchdogInput, required: true }) },
    errors: DEFINITION_ERRORS,
    resolve: (_root, { input }, ctx) =>
      updateWatchdog(commandContext(ctx), withoutNulls({ ...input, id: watchdogKey(input.id), targets: targetsOf(input.targets) }, ['description']) as Parameters<typeof updateWatchdog>[1]),
  }),
);

const flagMutation = (name: string, description: string, apply: typeof setWatchdogArchived, value: boolean) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: WatchdogPayload,
      description,
      args: { input: t.arg({ type: WatchdogKeyInput, required: true }) },
      errors: errorTypes(NotFoundError, ForbiddenError, ValidationFailedError),
      resolve: (_root, { input }, ctx) => apply(commandContext(ctx), { id: watchdogKey(input.id), value }),
    }),
  );

flagMutation('archiveWatchdog', 'Archives a watchdog (archived = 1); the runtime stops evaluating it.', setWatchdogArchived, true);
flagMutation('unarchiveWatchdog', 'Restores an archived watchdog (archived = 0).', setWatchdogArchived, false);
flagMutation('enableWatchdog', 'Enables a watchdog (enabled = 1).', setWatchdogEnabled, true);
flagMutation('disableWatchdog', 'Disables a watchdog (enabled = 0).', setWatchdogEnabled, false);
