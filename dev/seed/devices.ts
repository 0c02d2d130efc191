/** Devices and their per-device rows (keys, tokens, software, metadata, activity). */
import type pg from 'pg';
import { BUILD_LATEST, BUILD_OLD, BUILD_PREVIOUS, DESCRIPTIONS, DESKTOP_CPUS, KINDS, type KindDef, LAPTOP_CPUS, LINUX_OS, LINUX_SOFTWARE, PEOPLE, SERVER_CPUS, SITES, type SiteDef, type SoftwareDef, VM_CPUS, WINDOWS_DESKTOP_OS, WINDOWS_SERVER_OS, WINDOWS_SERVER_SOFTWARE, WINDOWS_SOFTWARE } from './catalogue.js';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { ALNUM, Rng, UPPER_ALNUM, rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { b64, dateOnly, ed25519Spki, goJson, isoMixed, pad, pyJson, rebootText, sha256 } from './values.js';
import { type Row, T, Writer, inTransaction } from './writer.js';

export const DEVICE_BATCH = 500;

export interface DeviceInfo {
  index: number;
  guid: string;
  hostname: string;
  /** Index into SITES of the device_sites mapping, or null for an unassigned device. */
  site: number | null;
  /** Where the device physically is (network, domain), even when unassigned. */
  home: number;
  kind: KindDef;
  linux: boolean;
  status: string;
  fingerprint: string;
  pubkey: Buffer;
  createdAt: number;
  lastSeen: number;
  agentId: string;
  operatingSystem: string;
  lastUser: string;
  freeDiskPercent: number;
  spoolerStopped: boolean;
}

export interface DeviceBundle {
  info: DeviceInfo;
  device: Row;
  deviceSite: Row | null;
  keys: Row[];
  tokens: Row[];
  software: Row[];
  metadata: Row[];
  activity: Row[];
}

export interface DeviceContext {
  counters: Map<string, number>;
  hostnames: Set<string>;
  total: number;
  malformedIndex: number;
  uninventoriedIndex: number;
}

export function nextHostname(ctx: DeviceContext, rng: Rng, site: SiteDef, kind: KindDef, linux: boolean, unassigned: boolean): string {
  for (;;) {
    let name: string;
    if (unassigned) {
      // Devices enrolled outside a site workflow keep their factory names.
      if (linux) name = `${rng.pick(['ubuntu', 'debian', 'rocky'])}-${rng.hex(6)}`;
      else if (kind.deviceType === 'Workstation') name = `${kind.laptop ? 'LAPTOP' : 'DESKTOP'}-${rng.chars(7, UPPER_ALNUM)}`;
      else name = `WIN-${rng.chars(11, UPPER_ALNUM)}`;
    } else {
      const key = `${kind.prefix}-${site.tag}`;
      const n = (ctx.counters.get(key) ?? 0) + 1;
      ctx.counters.set(key, n);
      name = `${key}-${pad(n, 4)}`;
      if (linux) name = name.toLowerCase();
    }
    if (!ctx.hostnames.has(name.toLowerCase())) {
      ctx.hostnames.add(name.toLowerCase());
      return name;
    }
  }
}

export function statusFor(index: number): string {
  if (index % 47 === 13) return 'revoked';
  if (index % 53 === 29) return 'decommissioned';
  return 'active';
}

export function buildDevice(index: number, ctx: DeviceContext): DeviceBundle {
  const rng = rngFor('device', index);
  const guid = rng.uuid().toUpperCase();
  const home = SITES.indexOf(rng.weighted(SITES.map((s) => [s, s.weight] as const)));
  const site = SITES[home] as SiteDef;
  const unassigned = rng.chance(0.05);
  const kind = rng.weighted(KINDS.map((k) => [k, k.weight] as const));
  const linux = rng.chance(kind.linuxShare);
  const hostname = nextHostname(ctx, rng, site, kind, linux, unassigned);
  const status = statusFor(index);
  const isServer = kind.deviceType !== 'Workstation';
  const operatingSystem = linux
    ? rng.weighted(LINUX_OS)
    : isServer
      ? rng.weighted(WINDOWS_SERVER_OS)
      : rng.weighted(WINDOWS_DESKTOP_OS);

  const pubkey = ed25519Spki(rng);
  const fingerprint = sha256(pubkey);
  const createdAt = NOW - rng.int(20 * DAY, Math.min(site.createdDaysAgo, 700) * DAY);
  const rekeyed = index % 11 === 5;
  const lastEnrollmentAt = rekeyed || rng.chance(0.15) ? createdAt + rng.int(DAY, Math.max(DAY + 1, NOW - createdAt - DAY)) : createdAt;
  const seenRoll = rng.next();
  const lastSeen =
    status !== 'active'
      ? NOW - rng.int(18 * HOUR, 23 * HOUR)
      : seenRoll < 0.72
        ? NOW - rng.int(5, 280)
        : seenRoll < 0.9
          ? NOW - rng.int(5 * MINUTE, 6 * HOUR)
          : NOW - rng.int(6 * HOUR, 23 * HOUR + 50 * MINUTE);
  const lastReboot = lastSeen - rng.int(2 * HOUR, (isServer ? 45 : 12) * DAY);
  const person = rng.pick(PEOPLE);
  const lastUser = linux
    ? rng.pick(['root', 'ubuntu', 'svc-deploy', ''])
    : isServer
      ? rng.pick([`${site.netbios}\\administrator`, `${site.netbios}\\svc-backup`, 'No Users Logged In'])
      : rng.chance(0.12)
        ? 'No Users Logged In'
        : site.domain === 'WORKGROUP'
          ? `${hostname}\\${person[0]}`
          : `${site.netbios}\\${person[0]}`;
  const internalIp = `${site.net}.${rng.int(site.net === '192.168' ? 0 : 1, site.net === '192.168' ? 1 : 40)}.${rng.int(10, 250)}`;
  const externalIp = site.publicIps.length ? rng.pick(site.publicIps) : `${rng.pick(['198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
  const domain = linux ? (site.domain === 'WORKGROUP' ? '' : site.domain.toLowerCase()) : site.domain;
  const agentId = `${hostname}_${guid}_SYSTEM`;
  const keyAddedAt = lastEnrollmentAt + rng.int(1, 3);
  const malformed = index === ctx.malformedIndex;
  const uninventoried = index === ctx.uninventoriedIndex;

  // ----- inventory documents -----
  const cpuPercent = Math.round(Math.pow(rng.next(), 2.2) * 970) / 10 + 0.3;
  const memoryPercent = rng.float(24, 93, 1);

  let cpuDoc: Record<string, unknown>;
  let memoryDoc: Record<string, unknown>[];
  if (kind.deviceType === 'Virtual Machine') {
    const vcpu = rng.pick([2, 4, 8]);
    cpuDoc = { name: rng.pick(VM_CPUS), physical_cores: vcpu, logical_cores: vcpu, base_clock_ghz: rng.pick([2.0, 2.8]) };
    memoryDoc = [{ slot: linux ? 'physical' : 'RAM slot #0', speed: 'unknown', serial: 'unknown', capacity: rng.pick([4, 8, 16]) * 1073741824 }];
  } else {
    const [cpuName, cores, threads, ghz] = rng.pick(kind.deviceType === 'Server' ? SERVER_CPUS : kind.laptop ? LAPTOP_CPUS : DESKTOP_CPUS);
    cpuDoc = { name: cpuName, physical_cores: cores, logical_cores: threads, base_clock_ghz: ghz };
    const sticks = kind.deviceType === 'Server' ? 4 : kind.laptop ? 1 : 2;
    const stickGb = kind.deviceType === 'Server' ? rng.pick([16, 32]) : rng.pick([8, 16]);
    memoryDoc = Array.from({ length: sticks }, (_, s) => ({
      slot: linux ? `DIMM ${s}` : kind.laptop ? 'Controller0-ChannelA' : `BANK ${s}`,
      speed: String(rng.pick(kind.deviceType === 'Server' ? [2933, 3200] : [2666, 3200, 4800])),
      serial: rng.hex(8).toUpperCase(),
      capacity: stickGb * 1073741824,
    }));
  }

  const disks: [string, number][] = linux
    ? [['/dev/sda2', rng.pick([64, 128, 256]) * 1073741824]]
    : [['C:\\', rng.pick([256, 512, 1024]) * 1000000000 - rng.int(0, 999) * 1048576]];
  if (kind.deviceType === 'Server') disks.push([linux ? '/dev/sdb1' : 'D:\\', rng.pick([2, 4, 8]) * 1000000000000]);
  let freeDiskPercent = 100;
  const storageDoc = disks.map(([drive, total], d) => {
    const usage = d === 0 && rng.chance(0.08) ? rng.float(90.5, 98.9, 1) : rng.float(18, 86, 1);
    if (d === 0) freeDiskPercent = Math.round((100 - usage) * 10) / 10;
    const used = Math.round((total * usage) / 100);
    return { drive, disk_type: 'Fixed Disk', usage, total, free: total - used, used };
  });

  const macBytes = rng.bytes(3).toString('hex').toUpperCase().match(/../g) ?? [];
  const networkDoc = linux
    ? [{ adapter: rng.pick(['eth0', 'ens18', 'enp1s0']), ips: [internalIp], mac: `bc:24:11:${macBytes.join(':').toLowerCase()}`, link_speed: '1000 Mb/s' }]
    : [
        {
          adapter: kind.laptop ? 'Wi-Fi' : 'Ethernet',
          ips: [internalIp],
          mac: `${kind.deviceType === 'Virtual Machine' ? '00-15-5D' : '3C-52-82'}-${macBytes.join('-')}`,
          link_speed: kind.laptop ? '866.7 Mbps' : '1 Gbps',
        },
      ];

  const catalogue = linux ? LINUX_SOFTWARE : isServer ? WINDOWS_SERVER_SOFTWARE : WINDOWS_SOFTWARE;
  let installed = rng.sample(catalogue, rng.int(3, 8));
  if (malformed && !installed.some((s) => s.name.startsWith('7-Zip'))) {
    installed = [WINDOWS_SOFTWARE[0] as SoftwareDef, ...installed.slice(0, 7)];
  }
  const installDates = installed.map(() => dateOnly(createdAt + rng.int(0, Math.max(1, NOW - createdAt - DAY))).replace(/-/g, ''));
  const softwareEntries = installed.map((s, k) => ({
    name: s.name,
    version: s.version,
    source: s.source,
    metadata: linux ? { architecture: 'amd64' } : { install_date: installDates[k], publisher: s.publisher },
  }));
  const softwareText = malformed
    ? '[{"name": "7-Zip 24.08 (x64)", "version": "24.08", "source": "local_instal'
    : goJson(softwareEntries);

  const reportedAt = lastSeen - rng.int(0, 120);
  const serviceDefs: [string, string][] = linux
    ? [
        ['ssh', 'OpenBSD Secure Shell server'],
        ['cron', 'Regular background program processing daemon'],
        ['borealis-agent', 'Borealis Agent'],
        ['systemd-journald', 'Journal Service'],
        ...(rng.chance(0.5) ? ([['docker', 'Docker Application Container Engine']] as [string, string][]) : []),
        ...(rng.chance(0.4) ? ([['nginx', 'A high performance web server and a reverse proxy server']] as [string, string][]) : []),
      ]
    : [
        ['BorealisAgent', 'Borealis Agent'],
        ['BITS', 'Background Intelligent Transfer Service'],
        ['Dnscache', 'DNS Client'],
        ['WinDefend', 'Microsoft Defender Antivirus Service'],
        ['Spooler', 'Print Spooler'],
        ['W32Time', 'Windows Time'],
        ['wuauserv', 'Windows Update'],
        ...(isServer
          ? ([['LanmanServer', 'Server'], ['MSSQLSERVER', 'SQL Server (MSSQLSERVER)']] as [string, string][])
          : ([['WSearch', 'Windows Search']] as [string, string][])),
      ];
  const spoolerStopped = !linux && rng.chance(0.1);
  const servicesDoc = {
    reported_at: reportedAt,
    services: serviceDefs
      .map(([name, display]) => {
        const stopped = (name === 'Spooler' && spoolerStopped) || (name === 'wuauserv' && rng.chance(0.3)) || (name === 'BITS' && rng.chance(0.5));
        return {
          captured_at: reportedAt,
          description: '',
          desired_status: '',
          display_name: display,
          name,
          pending_action: '',
          pending_requested_at: 0,
          pending_requested_by: '',
          service_id: name.toLowerCase(),
          status: stopped ? 'Stopped' : 'Running',
          status_code: stopped ? 'stopped' : 'running',
        };
      })
      .sort((a, b) => a.display_name.toLowerCase().localeCompare(b.display_name.toLowerCase())),
  };

  const sessions: Record<string, unknown>[] = [];
  if (!linux && lastUser && lastUser !== 'No Users Logged In') {
    const rdp = isServer;
    const locked = !rdp && rng.chance(0.2);
    sessions.push({
      eligible_for_interactive: !rdp || rng.chance(0.5),
      helper_last_seen_at: reportedAt,
      helper_pid: rng.int(2000, 14000),
      helper_ready: !rdp,
      is_rdp: rdp,
      protocol: rdp ? 'rdp' : 'console',
      session_id: rdp ? rng.int(2, 5) : 1,
      session_name: rdp ? `RDP-Tcp#${rng.int(0, 40)}` : 'Console',
      state: rdp ? 'Disconnected' : locked ? 'Locked' : 'Active',
      state_code: rdp ? 'disconnected' : locked ? 'locked' : 'active',
      username: lastUser,
    });
  }
  const sessionsDoc = { reported_at: reportedAt, sessions };

  const processDefs: [string, string][] = linux
    ? [['systemd', 'root'], ['sshd', 'root'], ['cron', 'root'], ['borealis-agent', 'root'], ['rsyslogd', 'syslog'], ['nginx', 'www-data'], ['dockerd', 'root']]
    : [
        ['System', 'SYSTEM'], ['lsass.exe', 'SYSTEM'], ['services.exe', 'SYSTEM'], ['svchost.exe', 'SYSTEM'],
        ['svchost.exe', 'NETWORK SERVICE'], ['MsMpEng.exe', 'SYSTEM'], ['borealis-agent.exe', 'SYSTEM'],
        ...(isServer ? ([['sqlservr.exe', 'NT Service\\MSSQLSERVER']] as [string, string][]) : ([['explorer.exe', lastUser], ['chrome.exe', lastUser], ['Teams.exe', lastUser]] as [string, string][])),
      ];
  const processesDoc = {
    processes: processDefs.map(([name, user], p) => ({
      cpu_percent: rng.float(0, p === 0 ? 2 : 12, 1),
      memory_bytes: rng.int(4, 900) * 1048576,
      name,
      pid: p === 0 ? (linux ? 1 : 4) : rng.int(300, 30000),
      username: user,
    })),
    reported_at: reportedAt,
  };

  const roleDefs: [string, string, string][] = [
    ['system', 'device_auditor', 'Device Auditor'],
    ['system', 'service_management', 'Service Management'],
    ['system', 'system_heartbeat', 'System Heartbeat'],
    ['system', 'wireguard', 'Wireguard'],
    ...(!linux && !isServer ? ([['currentuser', 'context_currentuser', 'Context Currentuser']] as [string, string, string][]) : []),
  ];
  const roleHealthDoc = {
    reported_at: reportedAt,
    roles: roleDefs
      .map(([context, roleName, label]) => {
        const roll = rng.next();
        const code = roll < 0.9 ? 'healthy' : roll < 0.96 ? 'recovering' : 'unhealthy';
        const role: Record<string, unknown> = {
          context,
          detail: code === 'healthy' ? '' : code === 'recovering' ? 'Restarting role after watchdog timeout' : 'Role failed to start',
          details: {},
          last_checked_at: reportedAt - rng.int(0, 60),
          role_id: `${context}:${roleName}`,
          role_label: label,
          role_name: roleName,
          status: code === 'healthy' ? 'Healthy' : code === 'recovering' ? 'Recovering' : 'Unhealthy',
          status_code: code,
        };
        if (code === 'unhealthy') role.last_error = roleName === 'wireguard' ? 'wireguard-go exited with status 1' : 'timed out waiting for role heartbeat';
        if (code !== 'healthy') role.recovery_attempts = rng.int(1, 4);
        return role;
      })
      .sort((a, b) => String(a.role_label).toLowerCase().localeCompare(String(b.role_label).toLowerCase())),
    supervisor_revision: rng.int(3, 40),
  };

  const buildRoll = rng.next();
  const agentHash = buildRoll < 0.75 ? BUILD_LATEST : buildRoll < 0.93 ? BUILD_PREVIOUS : BUILD_OLD;
  const channelOverride = rng.chance(0.04) ? 'beta' : null;
  const updateFailed = agentHash !== BUILD_LATEST && rng.chance(0.3);

  const device: Row = {
    guid,
    hostname,
    description: rng.chance(0.15) ? rng.pick(DESCRIPTIONS) : null,
    created_at: createdAt,
    last_enrollment_at: lastEnrollmentAt,
    agent_hash: agentHash,
    agent_role_health: uninventoried ? null : pyJson(roleHealthDoc),
    memory: uninventoried ? null : goJson(memoryDoc),
    network: uninventoried ? null : goJson(networkDoc),
    software: uninventoried ? null : softwareText,
    services: uninventoried ? null : pyJson(servicesDoc),
    storage: uninventoried ? null : goJson(storageDoc),
    cpu: uninventoried ? null : goJson(cpuDoc),
    sessions: uninventoried ? null : pyJson(sessionsDoc),
    processes: uninventoried ? null : pyJson(processesDoc),
    device_type: uninventoried ? null : kind.deviceType,
    domain: uninventoried ? null : domain,
    external_ip: externalIp,
    internal_ip: uninventoried ? null : internalIp,
    last_reboot: uninventoried ? null : rebootText(lastReboot),
    last_seen: lastSeen,
    cpu_percent: uninventoried ? null : cpuPercent,
    memory_percent: uninventoried ? null : memoryPercent,
    last_user: uninventoried ? null : lastUser,
    operating_system: uninventoried ? null : operatingSystem,
    uptime: uninventoried ? null : lastSeen - lastReboot,
    agent_id: agentId,
    connection_type: null,
    connection_endpoint: null,
    agent_release_channel_override: channelOverride,
    agent_release_channel: channelOverride ?? 'stable',
    agent_branch: 'main',
    agent_update_channel: channelOverride ?? 'stable',
    agent_update_target_build_id: agentHash === BUILD_LATEST ? null : BUILD_LATEST,
    agent_update_state: agentHash === BUILD_LATEST ? 'up_to_date' : updateFailed ? 'failed' : 'pending',
    agent_update_error: updateFailed ? 'artifact hash mismatch after download (expected ' + BUILD_LATEST.slice(0, 12) + ')' : null,
    agent_update_source: agentHash === BUILD_LATEST ? null : 'engine',
    agent_vnc_password: linux ? null : rng.chars(16, ALNUM),
    ssl_key_fingerprint: fingerprint,
    token_version: 1,
    status,
    key_added_at: isoMixed(rng, keyAddedAt),
  };

  // ----- device_keys (current key, sometimes a retired older one) -----
  const keyId = (): string => {
    const roll = rng.next();
    return roll < 0.5 ? rng.uuid() : roll < 0.8 ? rng.uuid().toUpperCase() : rng.hex(32);
  };
  const keys: Row[] = [];
  const tokens: Row[] = [];
  if (rekeyed) {
    // Re-enrolled with a new key: the old key is retired and its refresh token revoked.
    const oldFp = sha256(ed25519Spki(rng));
    keys.push({ id: keyId(), guid, ssl_key_fingerprint: oldFp, added_at: isoMixed(rng, createdAt + 2), retired_at: isoMixed(rng, lastEnrollmentAt) });
    const oldCreated = createdAt + rng.int(3, 8);
    const oldLastUsed = lastEnrollmentAt - rng.int(HOUR, 5 * DAY);
    tokens.push({
      id: rng.uuid(),
      guid,
      token_hash: sha256(`demo-refresh-token|${guid}|retired`),
      dpop_jkt: null,
      created_at: isoMixed(rng, oldCreated),
      expires_at: isoMixed(rng, oldLastUsed + 90 * DAY),
      revoked_at: isoMixed(rng, lastEnrollmentAt),
      last_used_at: isoMixed(rng, oldLastUsed),
    });
  }
  keys.push({ id: keyId(), guid, ssl_key_fingerprint: fingerprint, added_at: device.key_added_at, retired_at: null });

  // ----- refresh token: sliding 90 days from the last refresh -----
  const lastRefresh = lastSeen - rng.int(0, 14 * MINUTE);
  tokens.push({
    id: rng.uuid(),
    guid,
    token_hash: sha256(`demo-refresh-token|${guid}|current`),
    dpop_jkt: rng.chance(0.6) ? rng.bytes(32).toString('base64url') : null,
    created_at: isoMixed(rng, keyAddedAt + rng.int(1, 5)),
    expires_at: isoMixed(rng, lastRefresh + 90 * DAY),
    revoked_at: status === 'active' ? null : isoMixed(rng, lastSeen + rng.int(10 * MINUTE, 50 * MINUTE)),
    last_used_at: isoMixed(rng, lastRefresh),
  });

  // ----- normalized software inventory (what Go writes from agent details) -----
  const software: Row[] = uninventoried
    ? []
    : softwareEntries.map((s) => ({
        device_guid: guid,
        name: s.name,
        name_normalized: s.name.toLowerCase(),
        version: s.version,
        source: s.source,
        captured_at: reportedAt,
        metadata_json: goJson(s.metadata),
      }));

  // ----- agent metadata fields (values base64 at rest) -----
  const metadata: Row[] = [];
  const metaValues: [number, string | null][] = [
    [1, rng.chance(0.9) ? `${site.tag}-A${pad(rng.int(100, 99999), 5)}` : null],
    [2, rng.chance(0.6) ? (isServer ? rng.pick(['IT Operations', 'Infrastructure Team', 'Facilities']) : person[1]) : null],
    [3, rng.chance(0.4) ? dateOnly(createdAt + rng.int(365, 1460) * DAY) : null],
  ];
  for (const [fieldNumber, value] of metaValues) {
    if (value === null) continue;
    const modified = createdAt + rng.int(HOUR, Math.max(HOUR + 1, NOW - createdAt - HOUR));
    const fromAgent = fieldNumber === 1 && rng.chance(0.3);
    metadata.push({
      device_guid: guid,
      field_number: fieldNumber,
      field_key: `field_${pad(fieldNumber, 3)}`,
      value: b64(value),
      modified_at: modified,
      source: fromAgent ? 'agent' : 'engine',
      actor: fromAgent ? hostname : rng.pick(['admin', 'alice', 'bob']),
      created_at: modified - rng.int(0, 30 * DAY),
      updated_at: modified,
    });
  }

  // ----- a few quick-job activity rows -----
  const activity: Row[] = [];
  if (index % 10 === 3) {
    const jobs = linux
      ? [['Scripts/Linux/Check_Disk_Usage.sh', 'Check Disk Usage', 'bash']]
      : [
          ['Scripts/Troubleshooting/Flush_DNS_Cache.ps1', 'Flush DNS Cache', 'powershell'],
          ['Scripts/Maintenance/Clear_Temp_Files.ps1', 'Clear Temp Files', 'powershell'],
          ['Scripts/Inventory/Get_BitLocker_Status.ps1', 'Get BitLocker Status', 'powershell'],
        ];
    const count = rng.int(1, 2);
    for (let a = 0; a < count; a++) {
      const [path, name, type] = rng.pick(jobs) as [string, string, string];
      const status = rng.weighted([['Success', 60], ['Failed', 12], ['Running', 8], ['Queued', 6], ['Timed Out', 8], ['Skipped', 6]] as const);
      const ran = NOW - rng.int(10 * MINUTE, 20 * DAY);
      const finished = ['Success', 'Failed', 'Timed Out', 'Skipped'].includes(status) ? ran + rng.int(2, 240) : null;
      activity.push({
        hostname,
        script_path: path,
        script_name: name,
        script_type: type,
        ran_at: ran,
        status,
        stdout: status === 'Success' ? quickJobStdout(name, rng) : status === 'Running' ? 'Starting...\n' : '',
        stderr: status === 'Failed' ? 'Access is denied.\r\n    + CategoryInfo          : PermissionDenied\r\n' : status === 'Timed Out' ? 'Script exceeded timeout of 300 seconds.' : '',
        queue_lane: 'quick_job',
        activity_kind: 'quick_job',
        metadata_json: status === 'Skipped' ? pyJson({ skip_reason: 'device_offline' }) : pyJson({ requested_by: rng.pick(['admin', 'alice', 'bob']), run_mode: 'system' }),
        started_at: status === 'Queued' ? null : ran,
        updated_at: finished ?? ran + rng.int(1, 30),
        finished_at: finished,
      });
    }
  }

  const info: DeviceInfo = {
    index,
    guid,
    hostname,
    site: unassigned ? null : home,
    home,
    kind,
    linux,
    status,
    fingerprint,
    pubkey,
    createdAt,
    lastSeen,
    agentId,
    operatingSystem,
    lastUser,
    freeDiskPercent,
    spoolerStopped,
  };
  return {
    info,
    device,
    deviceSite: unassigned ? null : { device_hostname: hostname, site_id: home, assigned_at: createdAt },
    keys,
    tokens,
    software,
    metadata,
    activity,
  };
}

export function quickJobStdout(name: string, rng: Rng): string {
  switch (name) {
    case 'Flush DNS Cache':
      return '\r\nWindows IP Configuration\r\n\r\nSuccessfully flushed the DNS Resolver Cache.\r\n';
    case 'Clear Temp Files':
      return `Removed ${rng.int(40, 2400)} files (${rng.float(0.1, 6.5, 2)} GB) from C:\\Windows\\Temp and user temp folders.\r\n`;
    case 'Get BitLocker Status':
      return 'MountPoint VolumeStatus    ProtectionStatus EncryptionPercentage\r\n---------- ------------    ---------------- --------------------\r\nC:         FullyEncrypted  On               100\r\n';
    default:
      return `Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda2       ${rng.int(60, 250)}G  ${rng.int(10, 59)}G  ${rng.int(5, 190)}G  ${rng.int(10, 90)}% /\n`;
  }
}


export async function seedDevices(
  pool: pg.Pool,
  w: Writer,
  sites: SiteRef[],
  count: number,
  progress: (phase: string, done: number, total: number) => void,
): Promise<DeviceInfo[]> {
  const ctx: DeviceContext = {
    counters: new Map(),
    hostnames: new Set(),
    total: count,
    malformedIndex: Math.min(3, count - 1),
    uninventoriedIndex: count > 41 ? 41 : -1,
  };
  const infos: DeviceInfo[] = [];
  const siteIdOf = (index: number): number => (sites[index] as SiteRef).id;
  progress('devices', 0, count);
  for (let start = 0; start < count; start += DEVICE_BATCH) {
    // CPU work first, outside any transaction.
    const bundles: DeviceBundle[] = [];
    for (let i = start; i < Math.min(count, start + DEVICE_BATCH); i++) bundles.push(buildDevice(i, ctx));
    const deviceSites: Row[] = bundles
      .map((b) => b.deviceSite)
      .filter((r): r is Row => r !== null)
      .map((r) => ({ ...r, site_id: siteIdOf(Number(r.site_id)) }));
    if (start === 0) {
      // A mapping whose device no longer exists (Borealis allows it: no FK on hostname).
      deviceSites.push({ device_hostname: 'WS-ACME-OLD01', site_id: siteIdOf(0), assigned_at: NOW - 500 * DAY });
    }
    await inTransaction(pool, async (client) => {
      const inserted = await w.insert<{ guid: string }>(client, T.devices, bundles.map((b) => b.device), { returning: 'guid', batchSize: DEVICE_BATCH });
      await w.insert(client, T.deviceSites, deviceSites);
      const fresh = new Set(inserted.map((r) => r.guid));
      const mine = bundles.filter((b) => fresh.has(b.info.guid));
      await w.insert(client, T.deviceKeys, mine.flatMap((b) => b.keys));
      await w.insert(client, T.refreshTokens, mine.flatMap((b) => b.tokens));
      await w.insert(client, T.softwareInventory, mine.flatMap((b) => b.software));
      await w.insert(client, T.deviceMetadataFields, mine.flatMap((b) => b.metadata));
      await w.insert(client, T.activityHistory, mine.flatMap((b) => b.activity));
    });
    infos.push(...bundles.map((b) => b.info));
    progress('devices', Math.min(count, start + DEVICE_BATCH), count);
  }
  return infos;
}
