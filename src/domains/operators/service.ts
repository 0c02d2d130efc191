/**
 * Operator commands, free of GraphQL. Admin only (Borealis's `/api/user_site_assignments/assign`).
 * A changed site scope takes effect on the operator's next request (the identity is re-read then).
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { notFound, validationFailed } from '../errors.js';
import { databaseId, epochNow, parseInput, requireAdmin, run, writeCommand, type AuditRow, type CommandContext } from '../commands.js';

const AssignmentsInput = z.object({
  userId: databaseId('The user id'),
  siteIds: z.array(databaseId('A site id')).max(500, 'At most 500 sites.'),
});

export type SetUserSiteAssignmentsInput = z.input<typeof AssignmentsInput>;

export interface UserSiteAssignmentChange {
  userId: string;
  addedSiteIds: string[];
  removedSiteIds: string[];
}

/**
 * Replaces the operator's `user_site_assignments` with exactly `siteIds` (an empty list: no site).
 * Rows that stay keep their `assigned_at`; new rows get the current epoch seconds. Every site must
 * exist (VALIDATION_FAILED names the unknown ones by position); the user must exist (NOT_FOUND).
 */
export async function setUserSiteAssignments(ctx: CommandContext, input: SetUserSiteAssignmentsInput): Promise<UserSiteAssignmentChange> {
  requireAdmin(ctx, 'assign sites to operators');
  const { userId, siteIds } = parseInput(AssignmentsInput, input);
  const wanted = [...new Set(siteIds)];
  return writeCommand(ctx, 'user.setSiteAssignments', async (tx) => {
    // Not locked: that would need UPDATE on engine.users, and Borealis deletes users without touching these rows anyway.
    const user = await run(tx, Prisma.sql`SELECT 1 FROM engine.users WHERE id = ${userId}::bigint`);
    if (user.rows.length === 0) throw notFound('User');
    // The sites stay while the assignments are written (a concurrent delete waits for us).
    const existing = await run<{ id: string }>(
      tx,
      Prisma.sql`SELECT id::text AS id FROM engine.sites WHERE id = ANY(${wanted}::bigint[]) FOR KEY SHARE`,
    );
    const found = new Set(existing.rows.map((r) => r.id));
    const unknown = siteIds.flatMap((id, index) => (found.has(id) ? [] : [{ path: ['siteIds', index], message: `Site ${id} does not exist.` }]));
    if (unknown.length > 0) throw validationFailed(unknown);
    const removed = await run<{ site_id: string }>(
      tx,
      Prisma.sql`DELETE FROM engine.user_site_assignments WHERE user_id = ${userId}::int AND NOT (site_id = ANY(${wanted}::int[]))
                 RETURNING site_id::text AS site_id`,
    );
    const added = await run<{ site_id: string }>(
      tx,
      Prisma.sql`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at)
                 SELECT ${userId}::int, site, ${epochNow()} FROM unnest(${wanted}::int[]) AS site
                 ON CONFLICT (user_id, site_id) DO NOTHING RETURNING site_id::text AS site_id`,
    );
    const result: UserSiteAssignmentChange = {
      userId,
      addedSiteIds: added.rows.map((r) => r.site_id).sort((a, b) => Number(a) - Number(b)),
      removedSiteIds: removed.rows.map((r) => r.site_id).sort((a, b) => Number(a) - Number(b)),
    };
    const row = (siteId: string, change: AuditRow['change']): AuditRow => ({ table: 'engine.user_site_assignments', key: { user_id: userId, site_id: siteId }, change });
    return {
      result,
      rows: [...result.addedSiteIds.map((id) => row(id, 'insert')), ...result.removedSiteIds.map((id) => row(id, 'delete'))],
    };
  });
}
