/**
 * Approve and deny an agent's enrollment request (agent API section 3 step 3, as Borealis's
 * operator API does it), free of GraphQL: the agent REST router and the GraphQL mutations share it.
 *
 * - Only a `pending` row changes (else NOT_PENDING); the row is locked (FOR UPDATE) with the access
 *   rule in the same WHERE, so an approval outside the operator's sites is NOT_FOUND like a missing
 *   one, and of two concurrent decisions the second waits, re-reads the row and gets NOT_PENDING.
 * - Approve: the GUID is the given one, else the row's; when another device already has the claimed
 *   hostname: same key fingerprint -> merge onto that device's GUID (`auto_merge_fingerprint`);
 *   other key -> CONFLICT_RESOLUTION_REQUIRED unless `overwrite` (reuse that device's GUID) or
 *   `coexist` (keep ours; the agent may rename later).
 * - Gateway rule on top of Borealis: the device an approval takes over (the final GUID, when a device
 *   has it) must be in the operator's sites, else FORBIDDEN; an Admin may take over any device.
 * - Written: status, guid (canonical upper case, or NULL), approved_by_user_id (users.id as text),
 *   updated_at (ISO text, RFC 3339 UTC as Borealis's Go service writes it).
 */
import type pg from 'pg';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { ruleSql } from '../../access/rules.js';
import { ConflictResolutionRequiredError, ForbiddenError, NotPendingError, notFound } from '../errors.js';
import { isoNow, parseInput, run, writeCommand, type CommandContext } from '../commands.js';

export type ConflictResolution = 'overwrite' | 'coexist';
/** How an approval's hostname conflict was settled; `auto_merge_fingerprint` when the key matched. */
export type AppliedResolution = ConflictResolution | 'auto_merge_fingerprint';

export interface ApprovalDecision {
  id: string;
  status: 'approved' | 'denied';
  guid: string | null;
  conflictResolution: AppliedResolution | null;
}

const UUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** Canonical device GUID text (upper case, no braces), or null when `value` is not a UUID. */
export function canonicalGuid(value: string | null | undefined): string | null {
  const match = UUID.exec(value?.trim() ?? '');
  return match ? match[1]!.toUpperCase() : null;
}

const approvalId = z.string().trim().min(1, 'An approval id is required.').max(128);

const ApproveInput = z.object({
  id: approvalId,
  guid: z
    .string()
    .trim()
    .nullish()
    .transform((value, ctx) => {
      if (!value) return null;
      const guid = canonicalGuid(value);
      if (!guid) ctx.addIssue({ code: 'custom', message: 'Must be a GUID (UUID), e.g. 3F2504E0-4F89-41D3-9A0C-0305E82C3301.' });
      return guid;
    }),
  conflictResolution: z.enum(['overwrite', 'coexist']).nullish(),
});

const DenyInput = z.object({ id: approvalId });

export type ApproveDeviceApprovalInput = z.input<typeof ApproveInput>;
export type DenyDeviceApprovalInput = z.input<typeof DenyInput>;

interface LockedApproval {
  status: string;
  guid: string | null;
  hostname_claimed: string;
  ssl_key_fingerprint_claimed: string;
}

export async function approveDeviceApproval(ctx: CommandContext, input: ApproveDeviceApprovalInput): Promise<ApprovalDecision> {
  const { id, guid, conflictResolution } = parseInput(ApproveInput, input);
  return decide(ctx, id, 'approved', guid, conflictResolution ?? null);
}

export async function denyDeviceApproval(ctx: CommandContext, input: DenyDeviceApprovalInput): Promise<ApprovalDecision> {
  const { id } = parseInput(DenyInput, input);
  return decide(ctx, id, 'denied', null, null);
}

async function decide(
  ctx: CommandContext,
  id: string,
  status: 'approved' | 'denied',
  requestedGuid: string | null,
  requested: ConflictResolution | null,
): Promise<ApprovalDecision> {
  // The rules' SQL is built before the transaction opens (a rule may read first).
  const inScope = await ruleSql('DeviceApproval', ctx.scope, Prisma.raw('da'));
  const deviceInScope = await ruleSql('Device', ctx.scope, Prisma.raw('d'));
  return writeCommand(ctx, status === 'approved' ? 'deviceApproval.approve' : 'deviceApproval.deny', async (tx) => {
    const locked = await run<LockedApproval>(
      tx,
      Prisma.sql`SELECT status, guid, hostname_claimed, ssl_key_fingerprint_claimed
                   FROM engine.device_approvals da WHERE da.id = ${id} AND ${inScope} FOR UPDATE`,
    );
    const approval = locked.rows[0];
    if (!approval) throw notFound('Device approval');
    if (approval.status.trim().toLowerCase() !== 'pending') {
      throw new NotPendingError(`The device approval is ${approval.status}, not pending: only a pending approval can be approved or denied.`);
    }
    let guid = requestedGuid ?? canonicalGuid(approval.guid);
    // Without a conflict a requested resolution is echoed, as Borealis does.
    let applied: AppliedResolution | null = requested;
    if (status === 'approved') {
      const conflict = await hostnameConflict(tx, approval.hostname_claimed, guid);
      if (conflict) {
        const claimed = approval.ssl_key_fingerprint_claimed.trim().toLowerCase();
        if (conflict.fingerprint !== '' && conflict.fingerprint === claimed) {
          guid = conflict.guid ?? guid;
          applied ??= 'auto_merge_fingerprint';
        } else if (requested === 'overwrite') {
          guid = conflict.guid ?? guid;
        } else if (requested !== 'coexist') {
          throw new ConflictResolutionRequiredError(
            `Another device already has the hostname ${approval.hostname_claimed} with another key: approve with conflictResolution OVERWRITE (take over that device's GUID) or COEXIST (enroll as a new device).`,
            approval.hostname_claimed,
          );
        }
      }
      if (guid) await requireDeviceInScope(ctx, tx, guid, deviceInScope);
    }
    await run(
      tx,
      Prisma.sql`UPDATE engine.device_approvals
                    SET status = ${status}, guid = ${guid}, approved_by_user_id = ${ctx.identity.userId.toString()}, updated_at = ${isoNow()}
                  WHERE id = ${id}`,
    );
    return {
      result: { id, status, guid, conflictResolution: applied },
      rows: [{ table: 'engine.device_approvals', key: { id }, change: 'update' }],
    };
  });
}

interface HostnameConflict {
  guid: string | null;
  /** Lower-case hex, '' when the device has none. */
  fingerprint: string;
}

/** The device that already has `hostname`, unless it is the device of `guid` (Borealis compares exactly). */
async function hostnameConflict(tx: pg.PoolClient, hostname: string, guid: string | null): Promise<HostnameConflict | null> {
  const { rows } = await run<{ guid: string | null; ssl_key_fingerprint: string | null }>(
    tx,
    Prisma.sql`SELECT guid, ssl_key_fingerprint FROM engine.devices WHERE hostname = ${hostname}`,
  );
  const device = rows[0];
  if (!device) return null;
  const existing = canonicalGuid(device.guid);
  if (existing !== null && existing === guid) return null;
  return { guid: existing, fingerprint: (device.ssl_key_fingerprint ?? '').trim().toLowerCase() };
}

/** A User may only hand an agent the identity of a device in their sites (an unknown GUID is a new device). */
async function requireDeviceInScope(ctx: CommandContext, tx: pg.PoolClient, guid: string, inScope: Prisma.Sql): Promise<void> {
  if (ctx.scope.isAdmin) return;
  const { rows } = await run<{ in_scope: boolean }>(
    tx,
    Prisma.sql`SELECT ${inScope} AS in_scope FROM engine.devices d WHERE UPPER(d.guid) = ${guid}`,
  );
  if (rows.length > 0 && !rows.every((row) => row.in_scope)) {
    throw new ForbiddenError('The approval would take over a device outside your sites; an administrator must approve it.');
  }
}
