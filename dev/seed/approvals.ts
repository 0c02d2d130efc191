/** The enrollment queue: device approvals and enrollment-code failures. */
import type pg from 'pg';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { type DeviceInfo } from './devices.js';
import { type JobRefs } from './jobs.js';
import { rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { type UserRefs } from './users.js';
import { ed25519Spki, isoGo, isoGoNano, isoMixed, isoPython, sha256 } from './values.js';
import { type Row, T, Writer, inTransaction } from './writer.js';

export async function seedApprovals(pool: pg.Pool, w: Writer, sites: SiteRef[], users: UserRefs, devices: DeviceInfo[], jobs: JobRefs): Promise<void> {
  const site = (i: number): SiteRef => sites[i] as SiteRef;
  const dev = (k: number): DeviceInfo => devices[k % devices.length] as DeviceInfo;
  const adminId = String(users.ids.get('admin') ?? 1);
  const firstAt = (siteIndex: number, fallback: number): DeviceInfo => devices.find((d) => d.site === siteIndex && d.status === 'active') ?? dev(fallback);
  const approvals: Row[] = [];

  const add = (label: string, spec: {
    hostname: string; site: SiteRef | null; status: string; createdAt: number; updatedAt?: number; device?: DeviceInfo;
    approvedBy?: string | null; onboarding?: boolean; reference?: string;
  }): void => {
    const rng = rngFor('approval', label);
    const goWriter = rng.chance(0.6);
    const id = goWriter ? rng.uuid().toUpperCase() : rng.uuid();
    const reference = spec.reference ?? (goWriter ? rng.uuid().toUpperCase() : rng.uuid());
    const pubkey = spec.device ? spec.device.pubkey : ed25519Spki(rng);
    const fp = spec.device ? spec.device.fingerprint : sha256(pubkey);
    const iso = (epoch: number): string => (goWriter ? (rng.chance(0.5) ? isoGoNano(epoch, rng.int(1, 999999999)) : isoGo(epoch)) : isoPython(epoch, rng.int(1, 999999)));
    approvals.push({
      id,
      approval_reference: reference,
      guid: spec.status === 'completed' && spec.device ? spec.device.guid : null,
      hostname_claimed: spec.hostname,
      ssl_key_fingerprint_claimed: fp,
      enrollment_code: spec.site?.code ?? site(0).code,
      site_id: spec.site?.id ?? null,
      status: spec.status,
      client_nonce: rng.bytes(32).toString('base64'),
      server_nonce: rng.bytes(32).toString('base64'),
      agent_pubkey_der: pubkey,
      created_at: iso(spec.createdAt),
      updated_at: iso(spec.updatedAt ?? spec.createdAt),
      approved_by_user_id: spec.approvedBy ?? null,
      onboarding_job_id: spec.onboarding ? (jobs.onboarding?.jobId ?? null) : null,
      onboarding_run_id: spec.onboarding ? (jobs.onboarding?.runId ?? null) : null,
      onboarding_target: spec.onboarding ? '10.66.0.50 # LAB-AIO-01' : null,
    });
  };

  const conflict = firstAt(3, 5);
  const globexDevice = firstAt(2, 1);
  const acmeDevice = firstAt(0, 2);
  const branchDevice = firstAt(1, 3);
  add('pending-new', { hostname: 'DESKTOP-4KQ7M2X', site: site(0), status: 'pending', createdAt: NOW - 25 * MINUTE });
  add('pending-conflict', { hostname: conflict.hostname, site: conflict.site === null ? site(0) : site(conflict.site), status: 'pending', createdAt: NOW - 3 * HOUR, updatedAt: NOW - 3 * HOUR + 6 });
  add('onboarding', { hostname: 'lab-aio-01', site: site(4), status: 'pending', createdAt: (jobs.onboarding?.scheduledTs ?? NOW - 2 * HOUR) + 130, onboarding: true, reference: jobs.onboardingApprovalRef });
  add('pending-initech', { hostname: 'LAPTOP-8HD2KQ1', site: site(3), status: 'pending', createdAt: NOW - 50 * MINUTE });
  add('approved-waiting', { hostname: 'DESKTOP-N3W8R5T', site: site(1), status: 'approved', createdAt: NOW - 7 * HOUR, updatedAt: NOW - 6 * HOUR, approvedBy: adminId });
  add('denied', { hostname: 'KALI-PENTEST', site: site(2), status: 'denied', createdAt: NOW - 4 * DAY, updatedAt: NOW - 4 * DAY + 900, approvedBy: 'bob' });
  add('expired', { hostname: 'DESKTOP-0LD2024', site: site(3), status: 'expired', createdAt: NOW - 16 * DAY, updatedAt: NOW - 9 * DAY });
  add('completed-auto', { hostname: globexDevice.hostname, site: site(2), status: 'completed', createdAt: globexDevice.createdAt - 40, updatedAt: globexDevice.createdAt, device: globexDevice, approvedBy: 'site_auto_approval' });
  add('completed-admin', { hostname: acmeDevice.hostname, site: site(0), status: 'completed', createdAt: acmeDevice.createdAt - 3600, updatedAt: acmeDevice.createdAt, device: acmeDevice, approvedBy: adminId });
  add('completed-username', { hostname: branchDevice.hostname, site: site(1), status: 'completed', createdAt: branchDevice.createdAt - 900, updatedAt: branchDevice.createdAt, device: branchDevice, approvedBy: 'bob' });

  const rng = rngFor('enrollment-failures');
  const failures: Row[] = [
    { hostname: 'UNKNOWN-PC01', mask: '7F3***C1E', addr: '198.51.100.23', first: NOW - 5 * HOUR, last: NOW - 12 * MINUTE, attempts: 17 },
    { hostname: 'WS-GLOBEX-TEMP', mask: '***', addr: '198.51.100.24', first: NOW - 9 * HOUR, last: NOW - 8 * HOUR, attempts: 2 },
    { hostname: 'lab-scratch-07', mask: 'A0B***99F', addr: '192.0.2.45', first: NOW - 20 * HOUR, last: NOW - 19 * HOUR, attempts: 4 },
  ].map((f) => ({
    id: rng.uuid(),
    hostname_claimed: f.hostname,
    ssl_key_fingerprint_claimed: sha256(ed25519Spki(rng)),
    enrollment_code_mask: f.mask,
    remote_addr: f.addr,
    first_seen_at: isoMixed(rng, f.first),
    last_seen_at: isoMixed(rng, f.last),
    attempt_count: f.attempts,
    last_error: 'invalid_enrollment_code',
  }));

  await inTransaction(pool, async (client) => {
    await w.insert(client, T.deviceApprovals, approvals);
    await w.insert(client, T.enrollmentCodeFailures, failures);
  });
}
