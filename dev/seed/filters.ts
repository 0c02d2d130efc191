/** Credentials, device filters and list views. */
import type pg from 'pg';
import { DAY, NOW } from './clock.js';
import { rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { aegisEnvelope, pyJson } from './values.js';
import { type Row, T, Writer, idsByName, inTransaction } from './writer.js';

export interface Refs {
  credentials: Map<string, number>;
  filters: Map<string, number>;
}

export async function seedCredentialsAndFilters(pool: pg.Pool, w: Writer, sites: SiteRef[]): Promise<Refs> {
  const rng = rngFor('credentials-filters');
  const env = (len: number): Buffer => Buffer.from(aegisEnvelope(rng, len), 'ascii');
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const credentialRows: Row[] = [
    {
      name: 'ACME Domain Admin (WinRM)', description: 'Tier-1 domain admin used by scheduled Windows jobs', site_id: site(0).id,
      credential_type: 'domain', connection_type: 'winrm', username: 'ACME\\svc-borealis', password_encrypted: env(24),
      private_key_encrypted: null, private_key_passphrase_encrypted: null, become_method: null, become_username: null,
      become_password_encrypted: null, metadata_json: pyJson({ winrm_port: 5986, winrm_transport: 'ntlm' }),
      created_at: NOW - 200 * DAY, updated_at: NOW - 45 * DAY,
    },
    {
      name: 'Globex Linux Deploy (SSH key)', description: 'Ansible deploy key for Globex plant servers', site_id: site(2).id,
      credential_type: 'machine', connection_type: 'ssh', username: 'deploy', password_encrypted: null,
      private_key_encrypted: env(411), private_key_passphrase_encrypted: env(20), become_method: 'sudo',
      become_username: 'root', become_password_encrypted: env(18), metadata_json: pyJson({ ssh_port: 22 }),
      created_at: NOW - 150 * DAY, updated_at: NOW - 150 * DAY,
    },
    {
      name: 'Umbrella Lab root (SSH)', description: 'Onboarding credential for lab hosts', site_id: site(4).id,
      credential_type: 'machine', connection_type: 'ssh', username: 'root', password_encrypted: env(22),
      private_key_encrypted: null, private_key_passphrase_encrypted: null, become_method: null, become_username: null,
      become_password_encrypted: null, metadata_json: pyJson({ aegis_secret_state: 'ok', ssh_port: 22 }),
      created_at: NOW - 60 * DAY, updated_at: NOW - 12 * DAY,
    },
  ];
  const filterRows: Row[] = [
    {
      name: 'All Windows Servers', description: 'Every Windows Server in every site', archived: 0, criteria_mode: 'basic', site_mode: 'global',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Server' }, { field: 'operating_system', operator: 'contains', value: 'Windows Server' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'admin', created_at: NOW - 180 * DAY, updated_at: NOW - 60 * DAY,
    },
    {
      name: 'Acme Workstations', description: 'Desktops and laptops at both Acme sites', archived: 0, criteria_mode: 'basic', site_mode: 'specific_sites',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'device_type', operator: 'equals', value: 'Workstation' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'alice', created_at: NOW - 120 * DAY, updated_at: NOW - 14 * DAY,
    },
    {
      name: 'Low Disk Space (< 10% free)', description: 'Devices whose system drive is almost full', archived: 0, criteria_mode: 'advanced', site_mode: 'global',
      basic_criteria_json: null,
      advanced_criteria_json: pyJson({ match: 'all', rules: [{ field: 'storage.usage_percent', operator: 'greater_than', value: 90 }, { field: 'status', operator: 'equals', value: 'active' }] }),
      last_edited_by: 'admin', created_at: NOW - 90 * DAY, updated_at: NOW - 90 * DAY,
    },
    {
      name: 'Linux Servers - Globex', description: 'Ansible targets at the plant', archived: 0, criteria_mode: 'basic', site_mode: 'specific_sites',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'operating_system', operator: 'not_contains', value: 'Windows' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'bob', created_at: NOW - 70 * DAY, updated_at: NOW - 70 * DAY,
    },
    {
      name: 'Windows 10 Leftovers (archived)', description: 'Used for the Windows 11 migration project', archived: 1, criteria_mode: 'basic', site_mode: 'global',
      basic_criteria_json: pyJson({ groups: [{ conditions: [{ field: 'operating_system', operator: 'contains', value: 'Windows 10' }], join: 'AND' }], join: 'AND' }),
      advanced_criteria_json: null, last_edited_by: 'admin', created_at: NOW - 400 * DAY, updated_at: NOW - 100 * DAY,
    },
  ];
  const viewRows: Row[] = [
    {
      name: 'Default', created_at: NOW - 380 * DAY, updated_at: NOW - 380 * DAY, filters_json: null,
      columns_json: pyJson(['status', 'hostname', 'site', 'device_type', 'operating_system', 'last_user', 'internal_ip', 'last_seen', 'agent_version']),
    },
    {
      name: 'Servers Overview', created_at: NOW - 100 * DAY, updated_at: NOW - 5 * DAY,
      columns_json: pyJson(['hostname', 'site', 'operating_system', 'cpu_percent', 'memory_percent', 'uptime', 'last_reboot', 'external_ip']),
      filters_json: pyJson({ device_type: { filterType: 'text', type: 'equals', filter: 'Server' } }),
    },
    {
      name: 'Offline > 1h', created_at: NOW - 30 * DAY, updated_at: NOW - 30 * DAY,
      columns_json: pyJson(['hostname', 'site', 'last_seen', 'last_user', 'agent_version']),
      filters_json: pyJson({ status: { filterType: 'set', values: ['Offline'] } }),
    },
  ];
  return inTransaction(pool, async (client) => {
    await w.insert(client, T.credentials, credentialRows);
    await w.insert(client, T.deviceFilters, filterRows);
    await w.insert(client, T.deviceListViews, viewRows);
    const filters = await idsByName(client, 'engine.device_filters', 'name', filterRows.map((r) => String(r.name)));
    const credentials = await idsByName(client, 'engine.credentials', 'name', credentialRows.map((r) => String(r.name)));
    const fid = (name: string): number => filters.get(name) ?? 0;
    await w.insert(client, T.deviceFilterSites, [
      { filter_id: fid('Acme Workstations'), site_id: site(0).id },
      { filter_id: fid('Acme Workstations'), site_id: site(1).id },
      { filter_id: fid('Linux Servers - Globex'), site_id: site(2).id },
    ]);
    return { credentials, filters };
  });
}
