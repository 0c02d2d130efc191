/** Watchdog mutations through GraphQL: typed results, node ids, scope, anonymous callers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../../support/seeded.js';
import { deviceIn, one, siteIdsByName } from '../../support/config-commands.js';
import { snapshot } from '../../support/mutations.js';

let g: SeededGateway;
let sid: (name: string) => number;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  sid = await siteIdsByName(g);
}, 120_000);
afterAll(() => g?.close());

const ACK = `mutation($id: ID!) { acknowledgeIncident(input: { id: $id }) {
  __typename ... on IncidentPayload { incident { id acknowledgedBy acknowledgedAt state } } ... on Error { code message } } }`;

describe('acknowledgeIncident', () => {
  it('acknowledges by node id and answers the incident as it is now', async () => {
    const incident = await one<{ id: string }>(g, "SELECT id::text FROM engine.watchdog_incidents WHERE state = 'open' AND acknowledged_at IS NULL AND site_id = $1 ORDER BY id LIMIT 1", [sid('Acme HQ')]);
    const listed = await g.as('alice', '{ incidents(first: 100, where: { state: [OPEN] }) { edges { node { id databaseId } } } }');
    const node = listed.data.incidents.edges.find((e: { node: { databaseId: string } }) => e.node.databaseId === incident.id).node;
    const result = await g.as('alice', ACK, { id: node.id });
    expect(result.errors).toBeUndefined();
    expect(result.data.acknowledgeIncident).toMatchObject({ __typename: 'IncidentPayload', incident: { id: node.id, acknowledgedBy: 'alice', state: 'open' } });
    expect(new Date(result.data.acknowledgeIncident.incident.acknowledgedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers another site\'s incident and a missing one with the same NotFoundError; anonymous callers are UNAUTHENTICATED', async () => {
    const foreign = await one<{ id: string }>(g, "SELECT id::text FROM engine.watchdog_incidents WHERE state = 'open' AND site_id <> $1 ORDER BY id LIMIT 1", [sid('Acme HQ')]);
    const tables = await snapshot(g.db.pool, ['engine.watchdog_incidents']);
    const outOfScope = await g.as('alice', ACK, { id: foreign.id });
    const missing = await g.as('alice', ACK, { id: '999999' });
    expect(outOfScope.data.acknowledgeIncident).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'Incident was not found.' });
    expect(missing.data.acknowledgeIncident).toEqual(outOfScope.data.acknowledgeIncident);
    const anonymous = await g.as(null, ACK, { id: foreign.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await snapshot(g.db.pool, ['engine.watchdog_incidents'])).toEqual(tables);
  });
});

const CREATE = `mutation($input: CreateWatchdogInput!) { createWatchdog(input: $input) {
  __typename
  ... on WatchdogPayload { watchdog { databaseId name siteMode severity criteria targets { kind target } sites { name } lastEditedBy } }
  ... on Error { code message }
  ... on ValidationFailedError { problems { path message } } } }`;

describe('createWatchdog, setWatchdogOverride', () => {
  it('creates a site-scoped watchdog for a User and sets and clears an override on it', async () => {
    const device = await deviceIn(g, sid('Acme HQ'));
    const input = {
      name: 'Alice offline',
      siteMode: 'SPECIFIC_SITES',
      siteIds: [String(sid('Acme HQ'))],
      severity: 'ERROR',
      criteria: { rules: [{ type: 'device_offline', offline_seconds: 900 }] },
      targets: [{ kind: 'DEVICE', hostname: device.hostname }],
    };
    const created = await g.as('alice', CREATE, { input });
    expect(created.errors).toBeUndefined();
    const watchdog = created.data.createWatchdog.watchdog;
    expect(watchdog).toMatchObject({
      name: 'Alice offline',
      siteMode: 'specific_sites',
      severity: 'error',
      criteria: { match_mode: 'all', rules: [{ id: 'rule-1', offline_seconds: 900, type: 'device_offline' }] },
      sites: [{ name: 'Acme HQ' }],
      lastEditedBy: 'alice',
      targets: [{ kind: 'device', target: { hostname: device.hostname, kind: 'device', site_name: 'Acme HQ' } }],
    });
    const set = await g.as(
      'alice',
      `mutation($input: SetWatchdogOverrideInput!) { setWatchdogOverride(input: $input) {
        __typename ... on WatchdogOverridePayload { hostname watchdog { overrides { state reason createdBy hostname } } device { hostname } } ... on Error { code } } }`,
      { input: { watchdogId: watchdog.databaseId, hostname: device.hostname, state: 'SUPPRESSED', reason: 'Maintenance' } },
    );
    expect(set.data.setWatchdogOverride).toMatchObject({
      __typename: 'WatchdogOverridePayload',
      hostname: device.hostname,
      device: { hostname: device.hostname },
      watchdog: { overrides: [{ state: 'suppressed', reason: 'Maintenance', createdBy: 'alice', hostname: device.hostname }] },
    });
    const cleared = await g.as(
      'alice',
      'mutation($w: ID!, $h: String!) { clearWatchdogOverride(input: { watchdogId: $w, hostname: $h }) { __typename ... on WatchdogOverridePayload { watchdog { overrides { state } } } } }',
      { w: watchdog.databaseId, h: device.hostname },
    );
    expect(cleared.data.clearWatchdogOverride).toEqual({ __typename: 'WatchdogOverridePayload', watchdog: { overrides: [] } });
  });

  it('answers invalid input with ValidationFailedError paths, a global watchdog from a User with ForbiddenError, and writes nothing', async () => {
    const device = await deviceIn(g, sid('Acme HQ'));
    const tables = await snapshot(g.db.pool, ['engine.watchdogs', 'engine.watchdog_sites', 'engine.watchdog_targets']);
    const invalid = await g.as('admin', CREATE, {
      input: { name: ' ', criteria: { rules: [{ type: 'bogus' }] }, targets: [{ kind: 'DEVICE' }, { kind: 'FILTER', filterId: '999999' }], evaluationIntervalSeconds: 1 },
    });
    expect(invalid.data.createWatchdog.__typename).toBe('ValidationFailedError');
    expect(invalid.data.createWatchdog.problems.map((p: { path: string[] }) => p.path.join('.'))).toEqual(
      expect.arrayContaining(['name', 'criteria.rules.0.type', 'targets.0.hostname', 'evaluationIntervalSeconds']),
    );
    const global = await g.as('alice', CREATE, { input: { name: 'Mine', criteria: { rules: [{ type: 'reboot_detected' }] }, targets: [{ kind: 'DEVICE', hostname: device.hostname }] } });
    expect(global.data.createWatchdog).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    expect(await snapshot(g.db.pool, ['engine.watchdogs', 'engine.watchdog_sites', 'engine.watchdog_targets'])).toEqual(tables);
  });

  it('archives and disables through their mutations; a User cannot reach a global watchdog', async () => {
    const global = await one<{ id: string }>(g, "SELECT id::text FROM engine.watchdogs WHERE name = 'Server Offline > 15 min'");
    const DISABLE = 'mutation($id: ID!) { disableWatchdog(input: { id: $id }) { __typename ... on WatchdogPayload { watchdog { enabled } } ... on Error { code } } }';
    expect((await g.as('bob', DISABLE, { id: global.id })).data.disableWatchdog).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await g.as('admin', DISABLE, { id: global.id })).data.disableWatchdog).toEqual({ __typename: 'WatchdogPayload', watchdog: { enabled: false } });
    const archived = await g.as('admin', 'mutation($id: ID!) { archiveWatchdog(input: { id: $id }) { ... on WatchdogPayload { watchdog { archived } } } }', { id: global.id });
    expect(archived.data.archiveWatchdog).toEqual({ watchdog: { archived: true } });
  });
});
