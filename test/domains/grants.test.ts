/**
 * The role of docs/operations.md ("Database role and grants"), with exactly the grants written
 * there, can run every mutation: the SQL block is read from the document itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { installGatewaySchema } from '../../src/db/gateway-schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDeviceApproval, denyDeviceApproval } from '../../src/domains/approvals/service.js';
import { setUserSiteAssignments } from '../../src/domains/operators/service.js';
import {
  assignDevicesToSite,
  closeSiteAutoApproval,
  createSite,
  deleteSite,
  openSiteAutoApproval,
  rotateSiteEnrollmentCode,
  unassignDevicesFromSite,
  updateSite,
} from '../../src/domains/sites/service.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { commandContextFor, type CapturedCommandContext } from '../support/mutations.js';

let g: SeededGateway;
let gatewayPool: pg.Pool;
const role = `gateway_grants_${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');

/** The SQL block of the grants section, for our role and database. */
function documentedGrants(database: string): string[] {
  const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Database role and grants'));
  const block = /```sql\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .filter((line) => !line.trim().startsWith('--') && line.trim() !== '')
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '' && !statement.startsWith('ALTER DEFAULT PRIVILEGES'))
    .map((statement) =>
      statement
        .replace(/CREATE ROLE borealis_gateway LOGIN PASSWORD '\.\.\.'/, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`)
        .replace(/ON DATABASE borealis /, `ON DATABASE ${database} `)
        // The role is granted to (`TO borealis_gateway`); `borealis_gateway.` and `SCHEMA borealis_gateway` name the gateway's schema.
        .replace(/\bTO borealis_gateway\b/g, `TO ${role}`),
    );
}

beforeAll(async () => {
  g = await createSeededGateway({ devices: 20 });
  // The documented grants include the gateway's own schema, installed by db:setup or at start.
  await installGatewaySchema(g.db.pool);
  for (const statement of documentedGrants(g.db.name)) await g.db.pool.query(statement);
  const url = new URL(g.db.url);
  url.username = role;
  url.password = password;
  gatewayPool = new pg.Pool({ connectionString: url.toString(), options: '-c search_path=engine,assemblies,public -c TimeZone=UTC' });
}, 120_000);
afterAll(async () => {
  await gatewayPool.end();
  await g.close();
  const admin = new pg.Client({ connectionString: g.db.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

describe('the documented database grants', () => {
  it('let the gateway role run every mutation, and write nothing else', async () => {
    const admin: CapturedCommandContext = { ...commandContextFor(g.db.pool, g.identities.admin) };
    const asGateway: CapturedCommandContext = { ...admin, pool: gatewayPool };
    try {
      expect((await gatewayPool.query('SELECT current_user AS who')).rows[0].who).toBe(role);
      const approval = async () => {
        const id = randomUUID();
        await g.db.pool.query(
          `INSERT INTO engine.device_approvals (id, approval_reference, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code, site_id,
             status, client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at)
           VALUES ($1, $1, 'GRANT-PC-' || left($1, 6), 'ab', 'C', 1, 'pending', 'n', 's', '\\x00'::bytea, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
          [id],
        );
        return id;
      };
      await approveDeviceApproval(asGateway, { id: await approval() });
      await denyDeviceApproval(asGateway, { id: await approval() });
      const { siteId } = await createSite(asGateway, { name: 'Granted Site' });
      await updateSite(asGateway, { id: siteId, description: 'granted' });
      await rotateSiteEnrollmentCode(asGateway, { id: siteId });
      await openSiteAutoApproval(asGateway, { id: siteId, until: new Date(Date.now() + 3600_000) });
      await closeSiteAutoApproval(asGateway, { id: siteId });
      await assignDevicesToSite(asGateway, { siteId, hostnames: ['GRANTED-PC'] });
      await unassignDevicesFromSite(asGateway, { siteId, hostnames: ['GRANTED-PC'] });
      await setUserSiteAssignments(asGateway, { userId: g.identities.carol.userId.toString(), siteIds: [siteId] });
      await g.db.pool.query(
        `UPDATE engine.directory_provider_site_mappings SET site_ids_json = '[' || $1 || ']' WHERE id = (SELECT min(id) FROM engine.directory_provider_site_mappings)`,
        [siteId],
      );
      const deleted = await deleteSite(asGateway, { id: siteId });
      expect(deleted.unassignedUserIds).toEqual([g.identities.carol.userId.toString()]);
      expect(deleted.updatedDirectoryMappingIds).toHaveLength(1);
      // Reads only, elsewhere.
      await expect(gatewayPool.query(`UPDATE engine.users SET display_name = 'x' WHERE false`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await admin.close();
    }
  });
});

describe('the documented database grants, configuration mutations', () => {
  it('let the gateway role run every configuration command', async () => {
    // Imported here so that this block stays self-contained next to the site and approval one.
    const { createWatchdog, updateWatchdog, setWatchdogArchived, setWatchdogEnabled, setWatchdogOverride, clearWatchdogOverride, acknowledgeIncident } = await import(
      '../../src/domains/watchdogs/commands.js'
    );
    const filters = await import('../../src/domains/filters/commands.js');
    const metadata = await import('../../src/domains/devices/commands.js');
    const jobs = await import('../../src/domains/jobs/commands.js');
    const credentials = await import('../../src/domains/credentials/commands.js');
    const admin: CapturedCommandContext = commandContextFor(g.db.pool, g.identities.admin);
    const asGateway: CapturedCommandContext = { ...admin, pool: gatewayPool };
    try {
      const { rows } = await g.db.pool.query<{ hostname: string; incident: string }>(
        "SELECT d.hostname, (SELECT id::text FROM engine.watchdog_incidents WHERE state = 'open' ORDER BY id LIMIT 1) AS incident FROM engine.devices d ORDER BY d.hostname LIMIT 1",
      );
      const { hostname, incident } = rows[0]!;
      await acknowledgeIncident(asGateway, { incidentId: incident });
      const { watchdogId } = await createWatchdog(asGateway, { name: 'Granted watchdog', criteria: { rules: [{ type: 'reboot_detected' }] }, targets: [{ kind: 'device', hostname }] });
      await updateWatchdog(asGateway, { id: watchdogId, severity: 'info', targets: [{ kind: 'device', hostname }], siteMode: 'specific_sites', siteIds: [1] });
      await setWatchdogEnabled(asGateway, { id: watchdogId, value: false });
      await setWatchdogArchived(asGateway, { id: watchdogId, value: true });
      await setWatchdogOverride(asGateway, { watchdogId, hostname, state: 'disabled' });
      await setWatchdogOverride(asGateway, { watchdogId, hostname, state: 'suppressed' });
      await clearWatchdogOverride(asGateway, { watchdogId, hostname });
      const basicCriteria = { groups: [{ conditions: [{ field: 'hostname', operator: 'contains', value: 'PC' }] }] };
      const { filterId } = await filters.createDeviceFilter(asGateway, { name: 'Granted filter', siteMode: 'specific_sites', siteIds: [1], basicCriteria });
      await filters.updateDeviceFilter(asGateway, { id: filterId, siteIds: [1, 2] });
      await filters.setDeviceFilterArchived(asGateway, { id: filterId, archived: true });
      const { viewId } = await filters.createDeviceListView(asGateway, { name: 'Granted view', columns: ['hostname'] });
      await filters.updateDeviceListView(asGateway, { id: viewId, filters: { a: 1 } });
      await filters.deleteDeviceListView(asGateway, { id: viewId });
      await metadata.setMetadataFieldDefinition(asGateway, { fieldNumber: 499, description: 'Granted' });
      await metadata.setDeviceMetadataValue(asGateway, { hostname, fieldNumber: 499, value: 'granted' });
      await metadata.setDeviceMetadataValue(asGateway, { hostname, fieldNumber: 499, value: '' });
      const { jobId } = await jobs.createScheduledJob(asGateway, { name: 'Granted job', components: [{ kind: 'script' }], targets: [{ kind: 'device', hostname }], scheduleType: 'daily' });
      await jobs.updateScheduledJob(asGateway, { id: jobId, scheduleType: 'weekly' });
      await jobs.setScheduledJobEnabled(asGateway, { id: jobId, enabled: false });
      await jobs.runScheduledJobNow(asGateway, { id: jobId });
      await jobs.deleteScheduledJob(asGateway, { id: jobId });
      const { credentialId } = await credentials.createCredential(asGateway, { name: 'Granted credential' });
      await credentials.updateCredential(asGateway, { id: credentialId, description: 'granted' });
    } finally {
      await admin.close();
    }
  });
});
