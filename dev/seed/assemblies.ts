/** The assembly catalog. */
import type pg from 'pg';
import { DAY, HOUR, NOW } from './clock.js';
import { rngFor } from './random.js';
import { b64, isoGoNano, isoNaive, isoPython, pyJson, sha256 } from './values.js';
import { type Row, T, type TableSpec, Writer, inTransaction } from './writer.js';

export async function seedAssemblies(pool: pg.Pool, w: Writer): Promise<void> {
  const rng = rngFor('assemblies');
  interface AssemblyDef { name: string; summary: string; type: string; subtype: string; path: string; days: number; doc: Record<string, unknown> }
  const script = (name: string, body: string): Record<string, unknown> => ({
    category: 'script', description: '', files: [], name, script: b64(body), script_encoding: 'base64', timeout_seconds: 300, type: 'powershell', variables: [], version: 1,
  });
  const make = (table_: TableSpec, defs: AssemblyDef[], repo: string | null): { rows: Row[]; guids: string[] } => {
    const rows: Row[] = [];
    const guids: string[] = [];
    for (const def of defs) {
      const guid = rngFor('assembly', table_.name, def.name).uuid();
      const payload = pyJson(def.doc);
      const created = NOW - def.days * DAY + rng.int(0, DAY);
      guids.push(guid);
      rows.push({
        assembly_guid: guid,
        display_name: def.name,
        summary: def.summary,
        assembly_type: def.type,
        assembly_subtype: def.subtype,
        payload_json: payload,
        source_repo: repo,
        source_path: repo ? def.path : null,
        source_version: repo ? '2026.11.14' : null,
        content_hash: sha256(payload),
        payload_size_bytes: Buffer.byteLength(payload, 'utf8'),
        created_at: isoPython(created, rng.int(1, 999999)),
        updated_at: rng.chance(0.5) ? isoPython(created + rng.int(HOUR, 30 * DAY), rng.int(1, 999999)) : isoGoNano(created + rng.int(HOUR, 30 * DAY), rng.int(1, 999999999)),
      });
    }
    return { rows, guids };
  };
  const official = make(T.officialAssemblies, [
    { name: 'Clear Temp Files', summary: 'Deletes files older than N days from temp folders', type: 'script', subtype: 'powershell', path: 'Scripts/Maintenance/Clear_Temp_Files.json', days: 300, doc: script('Clear Temp Files', 'Get-ChildItem $env:TEMP -Recurse | Where-Object LastWriteTime -lt (Get-Date).AddDays(-$env:MaxAgeDays) | Remove-Item -Force -Recurse') },
    { name: 'Flush DNS Cache', summary: 'Runs ipconfig /flushdns', type: 'script', subtype: 'powershell', path: 'Scripts/Troubleshooting/Flush_DNS_Cache.json', days: 300, doc: script('Flush DNS Cache', 'ipconfig /flushdns') },
    { name: 'Linux Baseline Hardening', summary: 'CIS-style SSH and sysctl baseline', type: 'ansible', subtype: 'ansible', path: 'Ansible_Playbooks/Linux/Baseline_Hardening.json', days: 200, doc: { name: 'Linux Baseline Hardening', playbook: b64('- hosts: all\n  become: true\n  tasks:\n    - name: Disable root SSH login\n      ansible.builtin.lineinfile:\n        path: /etc/ssh/sshd_config\n        regexp: "^PermitRootLogin"\n        line: "PermitRootLogin no"\n'), type: 'ansible', variables: [] } },
  ], 'https://github.com/bunny-lab-io/Aurora');
  const community = make(T.communityAssemblies, [
    { name: 'Get BitLocker Status', summary: 'Reports BitLocker protection per volume', type: 'script', subtype: 'powershell', path: 'Community/Get_BitLocker_Status.json', days: 90, doc: script('Get BitLocker Status', 'Get-BitLockerVolume | Select-Object MountPoint,VolumeStatus,ProtectionStatus,EncryptionPercentage | Format-Table') },
    { name: 'Reset Windows Update Components', summary: 'Stops services, renames SoftwareDistribution, restarts', type: 'script', subtype: 'powershell', path: 'Community/Reset_Windows_Update.json', days: 60, doc: script('Reset Windows Update Components', 'Stop-Service wuauserv,bits -Force; Rename-Item C:\\Windows\\SoftwareDistribution SoftwareDistribution.old; Start-Service wuauserv,bits') },
  ], 'https://github.com/bunny-lab-io/Aurora-Community');
  const user = make(T.userAssemblies, [
    { name: 'Collect Hardware Inventory', summary: 'Exports WMI hardware inventory to the agent log', type: 'script', subtype: 'powershell', path: 'Inventory/Collect_Hardware_Inventory.json', days: 20, doc: script('Collect Hardware Inventory', 'Get-CimInstance Win32_ComputerSystem, Win32_BIOS | ConvertTo-Json') },
    { name: 'New Hire Workstation Setup', summary: 'Creates the local user, installs the standard app set, notifies the helpdesk', type: 'workflow', subtype: 'workflow', path: 'Workflows/New_Hire_Workstation_Setup.json', days: 15, doc: { edges: [], name: 'New Hire Workstation Setup', nodes: [{ id: 'start', type: 'trigger' }], type: 'workflow' } },
  ], null);
  const catalog: Row[] = official.rows.map((r, k) => {
    const hash = String(r.content_hash);
    const synced = NOW - rng.int(HOUR, 3 * DAY);
    return {
      assembly_guid: String(official.guids[k]).toLowerCase(),
      bundled_hash: hash,
      remote_hash: k === 2 ? sha256(`${hash}|remote`) : hash,
      catalog_hash: k === 2 ? sha256(`${hash}|remote`) : hash,
      applied_hash: hash,
      last_applied_source: k === 2 ? 'bundled' : 'remote',
      repo_url: 'https://github.com/bunny-lab-io/Aurora',
      source_url: `https://raw.githubusercontent.com/bunny-lab-io/Aurora/main/${String(r.source_path)}`,
      source_repo: 'bunny-lab-io/Aurora',
      source_path: r.source_path,
      source_version: '2026.11.14',
      last_catalog_sync_at: isoPython(synced, rng.int(1, 999999)),
      updated_at: isoNaive(synced),
    };
  });
  await inTransaction(pool, async (client) => {
    await w.insert(client, T.officialAssemblies, official.rows);
    await w.insert(client, T.communityAssemblies, community.rows);
    await w.insert(client, T.userAssemblies, user.rows);
    await w.insert(client, T.officialCatalogState, catalog);
  });
}
