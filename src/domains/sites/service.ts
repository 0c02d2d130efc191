/**
 * Site commands (Borealis's `/api/sites*` operator API), free of GraphQL.
 *
 * Site lifecycle (create, update, rotate the enrollment code, the auto-approval window, delete) is
 * admin-only, as in Borealis. Device assignment (`device_sites`, by hostname) is scoped: a User may
 * move devices of their sites between their sites and take devices out of them; an Admin may assign
 * any hostname (Borealis allows a mapping before the device enrolls).
 *
 * Rows are written as Borealis writes them: epoch seconds (`created_at`, `assigned_at`,
 * `auto_approve_until`), enrollment codes of 8 dash-separated groups of 4 upper-case hex digits.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { ruleSql } from '../../access/rules.js';
import { ConflictError, notFound } from '../errors.js';
import {
  databaseId,
  epochNow,
  isoNow,
  parseInput,
  requireAdmin,
  run,
  uniqueViolation,
  writeCommand,
  type AuditRow,
  type CommandContext,
  type Written,
} from '../commands.js';

/** A new site install code: 16 random bytes as 8 groups of 4 upper-case hex digits (Borealis's format). */
export function generateEnrollmentCode(): string {
  return (randomBytes(16).toString('hex').toUpperCase().match(/.{4}/g) as string[]).join('-');
}

/** int4 epoch columns end on 2038-01-19; a window past that cannot be stored. */
const MAX_EPOCH = 2147483647;
const MAX_HOSTNAME = 253;
/** Attempts at a code no site has (case-insensitively): with 128 random bits the first one succeeds. */
const CODE_ATTEMPTS = 5;

const siteName = z.string().trim().min(1, 'A site name is required.').max(200, 'At most 200 characters.');
/** Longer than the gateway's default input string (256): descriptions are free text. */
export const MAX_SITE_DESCRIPTION = 2000;
const siteDescription = z.string().trim().max(MAX_SITE_DESCRIPTION, `At most ${MAX_SITE_DESCRIPTION} characters.`);
const siteId = databaseId('The site id');
const hostnames = z
  .array(z.string().trim().min(1, 'A hostname must not be empty.').max(MAX_HOSTNAME, `At most ${MAX_HOSTNAME} characters.`))
  .min(1, 'Name at least one hostname.')
  .transform((list) => [...new Set(list)]);

const CreateInput = z.object({ name: siteName, description: siteDescription.nullish() });
const UpdateInput = z
  .object({ id: siteId, name: siteName.nullish(), description: siteDescription.nullish() })
  .refine((input) => input.name != null || input.description != null, { message: 'Give a new name or description.', path: ['name'] });
const SiteInput = z.object({ id: siteId });
const WindowInput = z.object({
  id: siteId,
  until: z.coerce
    .date({ error: 'Must be a date and time.' })
    .refine((until) => until.getTime() > Date.now(), 'The window must end in the future.')
    .refine((until) => until.getTime() / 1000 <= MAX_EPOCH, 'The window must end before 2038-01-19 (Borealis stores epoch seconds as int4).'),
});
const AssignInput = z.object({ siteId, hostnames });

export type CreateSiteInput = z.input<typeof CreateInput>;
export type UpdateSiteInput = z.input<typeof UpdateInput>;
export type SiteKeyInput = z.input<typeof SiteInput>;
export type OpenAutoApprovalInput = z.input<typeof WindowInput>;
export type SiteHostnamesInput = z.input<typeof AssignInput>;

/** The site a command changed (the caller reads it again after the commit). */
export interface SiteChange {
  siteId: string;
}

interface SiteRow {
  id: string;
  name: string;
  description: string | null;
  auto_approve_until: number | null;
}

const siteRows = (id: string): AuditRow[] => [{ table: 'engine.sites', key: { id }, change: 'update' }];

/**
 * A command on one site: in one transaction, the site row is locked (`FOR UPDATE`) with the Site
 * rule in the same WHERE, so a missing site and another site's id get one answer (NOT_FOUND); then
 * `work` runs with the locked row. The rule's SQL is built before the transaction opens.
 */
async function siteCommand<T>(
  ctx: CommandContext,
  action: string,
  id: string,
  work: (tx: pg.PoolClient, site: SiteRow) => Promise<Written<T>>,
): Promise<T> {
  const inScope = await ruleSql('Site', ctx.scope, Prisma.raw('s'));
  return writeCommand(ctx, action, async (tx) => {
    const { rows } = await run<SiteRow>(
      tx,
      Prisma.sql`SELECT s.id::text AS id, s.name, s.description, s.auto_approve_until
                   FROM engine.sites s WHERE s.id = ${id}::bigint AND ${inScope} FOR UPDATE`,
    );
    if (!rows[0]) throw notFound('Site');
    return work(tx, rows[0]);
  });
}

/** A unique site name: checked first for a clear answer; a concurrent insert still hits the unique key. */
async function requireFreeName(tx: pg.PoolClient, name: string, exceptId: string | null): Promise<void> {
  const { rows } = await run(tx, Prisma.sql`SELECT 1 FROM engine.sites WHERE name = ${name} AND id IS DISTINCT FROM ${exceptId}::bigint`);
  if (rows.length > 0) throw new ConflictError(`A site named "${name}" already exists.`);
}

/** The name's unique key hit by a concurrent writer: the same CONFLICT as the check above. */
async function nameConflictsAsConflict<T>(name: string | null | undefined, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    // sites_name_key, or sites_new_name_key on a database Borealis rebuilt through sites_new.
    if (name && /name/.test(uniqueViolation(error)?.constraint ?? '')) throw new ConflictError(`A site named "${name}" already exists.`);
    throw error;
  }
}

/** Sets a fresh enrollment code no site has (codes match case-insensitively at enrollment). */
async function writeFreshCode(tx: pg.PoolClient, write: (code: string) => Prisma.Sql): Promise<string> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
    const code = generateEnrollmentCode();
    const { rows } = await run<{ id: string }>(tx, write(code));
    if (rows[0]) return rows[0].id;
  }
  throw new Error('Could not generate an unused enrollment code.');
}

const codeIsFree = (code: string) => Prisma.sql`NOT EXISTS (SELECT 1 FROM engine.sites taken WHERE upper(taken.enrollment_code) = ${code})`;

export async function createSite(ctx: CommandContext, input: CreateSiteInput): Promise<SiteChange> {
  requireAdmin(ctx, 'create sites');
  const { name, description } = parseInput(CreateInput, input);
  return nameConflictsAsConflict(name, () =>
    writeCommand(ctx, 'site.create', async (tx) => {
      await requireFreeName(tx, name, null);
      // Borealis stores an absent description as ''.
      const id = await writeFreshCode(
        tx,
        (code) => Prisma.sql`INSERT INTO engine.sites (name, description, created_at, enrollment_code)
                             SELECT ${name}, ${description ?? ''}, ${epochNow()}, ${code} WHERE ${codeIsFree(code)}
                             RETURNING id::text AS id`,
      );
      return { result: { siteId: id }, rows: [{ table: 'engine.sites', key: { id }, change: 'insert' }] };
    }),
  );
}

export async function updateSite(ctx: CommandContext, input: UpdateSiteInput): Promise<SiteChange> {
  requireAdmin(ctx, 'change sites');
  const { id, name, description } = parseInput(UpdateInput, input);
  return nameConflictsAsConflict(name, () =>
    siteCommand(ctx, 'site.update', id, async (tx, site) => {
      const nextName = name ?? site.name;
      const nextDescription = description ?? site.description;
      if (nextName === site.name && nextDescription === site.description) return { result: { siteId: id }, rows: [] };
      if (nextName !== site.name) await requireFreeName(tx, nextName, id);
      await run(tx, Prisma.sql`UPDATE engine.sites SET name = ${nextName}, description = ${nextDescription} WHERE id = ${id}::bigint`);
      return { result: { siteId: id }, rows: siteRows(id) };
    }),
  );
}

/** A new enrollment code; agents with the old one are refused (`invalid_enrollment_code`) from now on. */
export async function rotateSiteEnrollmentCode(ctx: CommandContext, input: SiteKeyInput): Promise<SiteChange> {
  requireAdmin(ctx, 'rotate enrollment codes');
  const { id } = parseInput(SiteInput, input);
  return siteCommand(ctx, 'site.rotateEnrollmentCode', id, async (tx) => {
    await writeFreshCode(
      tx,
      (code) => Prisma.sql`UPDATE engine.sites SET enrollment_code = ${code} WHERE id = ${id}::bigint AND ${codeIsFree(code)} RETURNING id::text AS id`,
    );
    return { result: { siteId: id }, rows: siteRows(id) };
  });
}

/** Enrollment with the site's code auto-approves (hostname conflicts aside) until `until`. */
export async function openSiteAutoApproval(ctx: CommandContext, input: OpenAutoApprovalInput): Promise<SiteChange> {
  requireAdmin(ctx, 'open auto-approval windows');
  const { id, until } = parseInput(WindowInput, input);
  return setAutoApproveUntil(ctx, 'site.openAutoApproval', id, Math.floor(until.getTime() / 1000));
}

/** Ends the window now (NULL, as Borealis writes it); closing a closed window changes nothing. */
export async function closeSiteAutoApproval(ctx: CommandContext, input: SiteKeyInput): Promise<SiteChange> {
  requireAdmin(ctx, 'close auto-approval windows');
  const { id } = parseInput(SiteInput, input);
  return setAutoApproveUntil(ctx, 'site.closeAutoApproval', id, null);
}

function setAutoApproveUntil(ctx: CommandContext, action: string, id: string, until: number | null): Promise<SiteChange> {
  return siteCommand(ctx, action, id, async (tx, site) => {
    if (site.auto_approve_until === until) return { result: { siteId: id }, rows: [] };
    await run(tx, Prisma.sql`UPDATE engine.sites SET auto_approve_until = ${until} WHERE id = ${id}::bigint`);
    return { result: { siteId: id }, rows: siteRows(id) };
  });
}

export interface SiteDeletion {
  siteId: string;
  name: string;
  /** Hostnames whose device_sites row was removed (those devices are now unassigned: admin-only). */
  unassignedHostnames: string[];
  /** Operators whose user_site_assignments row for the site was removed (users.id). */
  unassignedUserIds: string[];
  /** Pending or approved (not yet finalized) approvals of the site, now without a site. */
  detachedApprovalIds: string[];
  /** Directory site mappings (directory_provider_site_mappings.id) the site id was taken out of. */
  updatedDirectoryMappingIds: string[];
}

/**
 * Deletes a site with the cleanup its soft relations need (db-reference: "application code still
 * performs explicit cleanup ... for device_sites and approval mappings"), in one transaction:
 * - `user_site_assignments` and `device_sites` rows of the site: deleted (as Borealis does,
 *   although their foreign keys would cascade);
 * - `device_approvals` not yet finalized (`pending`, `approved`): `site_id` set to NULL, so that a
 *   later finalize does not upsert `device_sites` with a deleted site (the foreign key would fail
 *   the enrollment); history rows (`completed`, `denied`, `expired`) keep their site id;
 * - `directory_provider_site_mappings.site_ids_json`: the id is taken out of the JSON list, so that
 *   the next directory sign-in does not assign the deleted site;
 * - declared foreign keys do the rest: `watchdog_sites`, `device_filter_sites`,
 *   `patch_policy_sites`, `site_agent_install_links` cascade, `credentials.site_id` is set to NULL.
 * Rows that only record history with a site id (incidents, device states, overrides, run and
 * onboarding targets, work items, workers, routes) stay as Borealis leaves them.
 */
export async function deleteSite(ctx: CommandContext, input: SiteKeyInput): Promise<SiteDeletion> {
  requireAdmin(ctx, 'delete sites');
  const { id } = parseInput(SiteInput, input);
  return siteCommand(ctx, 'site.delete', id, async (tx, site) => {
    const users = await run<{ user_id: string }>(
      tx,
      Prisma.sql`DELETE FROM engine.user_site_assignments WHERE site_id = ${id}::bigint RETURNING user_id::text AS user_id`,
    );
    const devices = await run<{ device_hostname: string }>(
      tx,
      Prisma.sql`DELETE FROM engine.device_sites WHERE site_id = ${id}::bigint RETURNING device_hostname`,
    );
    const approvals = await run<{ id: string }>(
      tx,
      Prisma.sql`UPDATE engine.device_approvals SET site_id = NULL, updated_at = ${isoNow()}
                  WHERE site_id = ${id}::bigint AND lower(status) IN ('pending', 'approved') RETURNING id`,
    );
    const mappings = await removeFromDirectoryMappings(tx, id);
    await run(tx, Prisma.sql`DELETE FROM engine.sites WHERE id = ${id}::bigint`);
    const result: SiteDeletion = {
      siteId: id,
      name: site.name,
      unassignedHostnames: devices.rows.map((r) => r.device_hostname).sort(),
      unassignedUserIds: users.rows.map((r) => r.user_id).sort(),
      detachedApprovalIds: approvals.rows.map((r) => r.id).sort(),
      updatedDirectoryMappingIds: mappings,
    };
    return {
      result,
      rows: [
        { table: 'engine.sites', key: { id }, change: 'delete' },
        ...result.unassignedUserIds.map((userId): AuditRow => ({ table: 'engine.user_site_assignments', key: { user_id: userId, site_id: id }, change: 'delete' })),
        ...result.unassignedHostnames.map((hostname): AuditRow => ({ table: 'engine.device_sites', key: { device_hostname: hostname }, change: 'delete' })),
        ...result.detachedApprovalIds.map((approvalId): AuditRow => ({ table: 'engine.device_approvals', key: { id: approvalId }, change: 'update' })),
        ...mappings.map((mappingId): AuditRow => ({ table: 'engine.directory_provider_site_mappings', key: { id: mappingId }, change: 'update' })),
      ],
    };
  });
}

/**
 * Takes the site id out of every directory mapping's `site_ids_json` (a JSON list of ids, numbers
 * or numeric strings), rewritten in the list spelling Borealis's Python writes (`[1, 2]`).
 * Unparseable lists are left alone: Borealis ignores them too.
 */
async function removeFromDirectoryMappings(tx: pg.PoolClient, id: string): Promise<string[]> {
  const { rows } = await run<{ id: string; site_ids_json: string | null }>(
    tx,
    Prisma.sql`SELECT id::text AS id, site_ids_json FROM engine.directory_provider_site_mappings
                WHERE site_ids_json LIKE ${`%${id}%`} ORDER BY id FOR UPDATE`,
  );
  const changed: string[] = [];
  for (const row of rows) {
    let list: unknown;
    try {
      list = JSON.parse(row.site_ids_json ?? '');
    } catch {
      continue;
    }
    if (!Array.isArray(list)) continue;
    const kept = list.filter((value) => String(value).trim() !== id);
    if (kept.length === list.length) continue;
    const text = `[${kept.map((value) => JSON.stringify(value)).join(', ')}]`;
    await run(
      tx,
      Prisma.sql`UPDATE engine.directory_provider_site_mappings SET site_ids_json = ${text}, updated_at = ${epochNow()} WHERE id = ${row.id}::bigint`,
    );
    changed.push(row.id);
  }
  return changed;
}

export interface SiteAssignmentChange {
  siteId: string;
  /** The hostnames whose row changed (already assigned there, or not assigned there: left out). */
  changedHostnames: string[];
}

/**
 * Assigns devices (by hostname) to a site: `device_sites` upserted (`assigned_at` epoch, kept when
 * the device is already in that site). The site must be in the operator's scope; a User may only
 * move devices that are in their sites (any other hostname, existing or not, is NOT_FOUND); an
 * Admin may map any hostname, as Borealis does.
 */
export async function assignDevicesToSite(ctx: CommandContext, input: SiteHostnamesInput): Promise<SiteAssignmentChange> {
  const { siteId: id, hostnames: names } = parseInput(AssignInput, input);
  const deviceInScope = await ruleSql('Device', ctx.scope, Prisma.raw('d'));
  return siteCommand(ctx, 'site.assignDevices', id, async (tx) => {
    if (!ctx.scope.isAdmin) {
      const { rows } = await run<{ hostname: string }>(
        tx,
        Prisma.sql`SELECT d.hostname FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                    WHERE d.hostname = ANY(${names}::text[]) AND ${deviceInScope} FOR UPDATE OF ds`,
      );
      const visible = new Set(rows.map((r) => r.hostname));
      const missing = names.find((name) => !visible.has(name));
      if (missing !== undefined) throw notFound(`Device ${missing}`);
    }
    const { rows } = await run<{ device_hostname: string }>(
      tx,
      Prisma.sql`INSERT INTO engine.device_sites (device_hostname, site_id, assigned_at)
                 SELECT hostname, ${id}::int, ${epochNow()} FROM unnest(${names}::text[]) AS hostname
                 ON CONFLICT (device_hostname) DO UPDATE SET site_id = excluded.site_id, assigned_at = excluded.assigned_at
                  WHERE device_sites.site_id IS DISTINCT FROM excluded.site_id
                 RETURNING device_hostname`,
    );
    const changed = rows.map((r) => r.device_hostname).sort();
    return {
      result: { siteId: id, changedHostnames: changed },
      rows: changed.map((hostname): AuditRow => ({ table: 'engine.device_sites', key: { device_hostname: hostname, site_id: id }, change: 'upsert' })),
    };
  });
}

/**
 * Takes devices (by hostname) out of a site: their `device_sites` rows of that site are deleted
 * (the devices become unassigned, which only Admins see). Hostnames not assigned to that site are
 * left alone, so a retry changes nothing.
 */
export async function unassignDevicesFromSite(ctx: CommandContext, input: SiteHostnamesInput): Promise<SiteAssignmentChange> {
  const { siteId: id, hostnames: names } = parseInput(AssignInput, input);
  return siteCommand(ctx, 'site.unassignDevices', id, async (tx) => {
    const { rows } = await run<{ device_hostname: string }>(
      tx,
      Prisma.sql`DELETE FROM engine.device_sites WHERE site_id = ${id}::bigint AND device_hostname = ANY(${names}::text[]) RETURNING device_hostname`,
    );
    const changed = rows.map((r) => r.device_hostname).sort();
    return {
      result: { siteId: id, changedHostnames: changed },
      rows: changed.map((hostname): AuditRow => ({ table: 'engine.device_sites', key: { device_hostname: hostname, site_id: id }, change: 'delete' })),
    };
  });
}
