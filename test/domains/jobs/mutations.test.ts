/**
 * Scheduled job, device filter, list view, metadata and credential mutations through GraphQL:
 * typed results, node ids, admin-only fields, scope and the secret refusal.
 */
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

describe('scheduled jobs', () => {
  it('creates a job, runs it now and deletes it as a User of its site', async () => {
    const device = await deviceIn(g, sid('Acme HQ'));
    const created = await g.as(
      'alice',
      `mutation($input: CreateScheduledJobInput!) { createScheduledJob(input: $input) {
        __typename ... on ScheduledJobPayload { jobDatabaseId job { name scheduleType enabled targets components } } ... on Error { code message } } }`,
      { input: { name: 'Temp cleanup', components: [{ kind: 'script', path: 'Maintenance/Clear_Temp_Files.ps1' }], targets: [{ kind: 'DEVICE', hostname: device.hostname }], scheduleType: 'EVERY_HOUR' } },
    );
    expect(created.errors).toBeUndefined();
    const { jobDatabaseId, job } = created.data.createScheduledJob;
    expect(job).toMatchObject({ name: 'Temp cleanup', scheduleType: 'every_hour', enabled: true, targets: [{ kind: 'device', hostname: device.hostname, site_name: 'Acme HQ' }] });

    const run = await g.as(
      'alice',
      'mutation($id: ID!) { runScheduledJobNow(input: { id: $id }) { __typename ... on RunScheduledJobNowPayload { created workItem { kind lane status } job { name } } } }',
      { id: jobDatabaseId },
    );
    expect(run.data.runScheduledJobNow).toEqual({ __typename: 'RunScheduledJobNowPayload', created: true, workItem: { kind: 'scheduled_run', lane: 'scheduled_job', status: 'queued' }, job: { name: 'Temp cleanup' } });

    const disabled = await g.as('alice', 'mutation($id: ID!) { disableScheduledJob(input: { id: $id }) { ... on ScheduledJobPayload { job { enabled } } } }', { id: jobDatabaseId });
    expect(disabled.data.disableScheduledJob).toEqual({ job: { enabled: false } });
    const deleted = await g.as('alice', 'mutation($id: ID!) { deleteScheduledJob(input: { id: $id }) { __typename ... on ScheduledJobPayload { jobDatabaseId job { name } } } }', { id: jobDatabaseId });
    expect(deleted.data.deleteScheduledJob).toEqual({ __typename: 'ScheduledJobPayload', jobDatabaseId, job: null });
  });

  it('answers another site\'s job like a missing one and invalid targets with their paths, writing nothing', async () => {
    const foreignJob = await one<{ id: string }>(g, "SELECT id::text FROM engine.scheduled_jobs WHERE name = 'Patch Install - Globex Plant'");
    const foreignDevice = await deviceIn(g, sid('Globex Plant'));
    const tables = await snapshot(g.db.pool, ['engine.scheduled_jobs', 'engine.job_scheduler_work_items']);
    const RUN = 'mutation($id: ID!) { runScheduledJobNow(input: { id: $id }) { __typename ... on Error { code message } } }';
    const outOfScope = await g.as('alice', RUN, { id: foreignJob.id });
    expect(outOfScope.data.runScheduledJobNow).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message: 'Scheduled job was not found.' });
    expect((await g.as('alice', RUN, { id: '999999' })).data.runScheduledJobNow).toEqual(outOfScope.data.runScheduledJobNow);
    const invalid = await g.as(
      'alice',
      'mutation($input: CreateScheduledJobInput!) { createScheduledJob(input: $input) { __typename ... on ValidationFailedError { problems { path message } } } }',
      { input: { name: 'x', components: [{ kind: 'script' }], targets: [{ kind: 'DEVICE', hostname: foreignDevice.hostname }, { kind: 'FILTER' }], scheduleType: 'DAILY', expiration: 'soon' } },
    );
    // The input's own checks come first (before any SQL): the foreign device is not reached yet.
    expect(invalid.data.createScheduledJob.problems.map((p: { path: string[] }) => p.path.join('.')).sort()).toEqual(['expiration', 'targets.1.filterId']);
    expect(await snapshot(g.db.pool, ['engine.scheduled_jobs', 'engine.job_scheduler_work_items'])).toEqual(tables);
  });
});

describe('device filters, list views and metadata', () => {
  it('saves and archives a filter, saves a view, sets a metadata value and (admin) a field description', async () => {
    const filter = await g.as(
      'bob',
      `mutation($input: CreateDeviceFilterInput!) { createDeviceFilter(input: $input) {
        __typename ... on DeviceFilterPayload { filter { id name siteMode sites { name } basicCriteria lastEditedBy } } ... on Error { code message } } }`,
      { input: { name: 'Plant PCs', siteMode: 'SPECIFIC_SITES', siteIds: [String(sid('Globex Plant'))], basicCriteria: { groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Workstation' }] }] } } },
    );
    expect(filter.data.createDeviceFilter.filter).toMatchObject({ name: 'Plant PCs', siteMode: 'specific_sites', sites: [{ name: 'Globex Plant' }], lastEditedBy: 'bob' });
    const archived = await g.as('bob', 'mutation($id: ID!) { archiveDeviceFilter(input: { id: $id }) { ... on DeviceFilterPayload { filter { archived } } } }', { id: filter.data.createDeviceFilter.filter.id });
    expect(archived.data.archiveDeviceFilter).toEqual({ filter: { archived: true } });

    const view = await g.as('carol', 'mutation { createDeviceListView(input: { name: "Carol", columns: ["hostname", "site"] }) { ... on DeviceListViewPayload { view { name columns filters } } } }');
    expect(view.data.createDeviceListView).toEqual({ view: { name: 'Carol', columns: ['hostname', 'site'], filters: null } });

    const device = await deviceIn(g, sid('Globex Plant'));
    const value = 'x'.repeat(1000);
    const set = await g.as(
      'bob',
      'mutation($h: String!, $v: String!) { setDeviceMetadataValue(input: { hostname: $h, fieldNumber: 3, value: $v }) { __typename ... on DeviceMetadataValuePayload { device { hostname metadataFields { fieldNumber value source } } } } }',
      { h: device.hostname, v: value },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data.setDeviceMetadataValue.device.metadataFields).toContainEqual({ fieldNumber: 3, value, source: 'engine' });

    const DEFINE = 'mutation { setMetadataFieldDefinition(input: { fieldNumber: 9, description: "Rack" }) { __typename ... on MetadataFieldDefinitionPayload { definition { label updatedBy } } } }';
    expect((await g.as('bob', DEFINE)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await g.as('admin', DEFINE)).data.setMetadataFieldDefinition).toEqual({ __typename: 'MetadataFieldDefinitionPayload', definition: { label: 'Rack', updatedBy: 'admin' } });
  });
});

describe('credentials', () => {
  const CREATE = `mutation($input: CreateCredentialInput!) { createCredential(input: $input) {
    __typename ... on CredentialPayload { credential { name passwordSet privateKeySet metadata } } ... on Error { code message } } }`;

  it('creates a credential without secrets and refuses secret material with SecretNotAcceptedError (admin only)', async () => {
    const created = await g.as('admin', CREATE, { input: { name: 'Gateway SSH', username: 'deploy', metadata: { ssh_port: 22 } } });
    expect(created.data.createCredential).toEqual({ __typename: 'CredentialPayload', credential: { name: 'Gateway SSH', passwordSet: false, privateKeySet: false, metadata: { ssh_port: 22 } } });
    const tables = await snapshot(g.db.pool, ['engine.credentials']);
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(2500)}\n-----END OPENSSH PRIVATE KEY-----`;
    const refused = await g.as('admin', CREATE, { input: { name: 'With key', privateKey: key } });
    expect(refused.data.createCredential.__typename).toBe('SecretNotAcceptedError');
    expect(refused.data.createCredential.code).toBe('SECRET_NOT_ACCEPTED');
    expect(refused.data.createCredential.message).toMatch(/encrypted by the Borealis engine \(Aegis\)/);
    expect(JSON.stringify(refused)).not.toContain('AAAA');
    const user = await g.as('alice', CREATE, { input: { name: 'x' } });
    expect(user.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot(g.db.pool, ['engine.credentials'])).toEqual(tables);
  });
});
