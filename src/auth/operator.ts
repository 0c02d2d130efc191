/**
 * Re-validation of an operator against engine.users, as Borealis does on every request
 * (revalidate_operator_identity / currentProfile): case-insensitive username, role from the
 * database, directory-disabled and reset-required users refused, site scope from
 * user_site_assignments. Two short statements, no transaction.
 */
import type { Db } from '../db/prisma.js';
import { isAdminRole, type AuthMethod, type OperatorIdentity } from './identity.js';

export type OperatorRefusal = 'unknown-user' | 'directory-disabled' | 'reset-required';

export class OperatorRefusedError extends Error {
  constructor(readonly reason: OperatorRefusal) {
    super(
      reason === 'unknown-user'
        ? 'The account of this token no longer exists.'
        : reason === 'directory-disabled'
          ? 'This directory account is disabled.'
          : 'This account must reset its credentials in Borealis before it can sign in.',
    );
    this.name = 'OperatorRefusedError';
  }
}

export async function loadOperator(
  prisma: Db,
  username: string,
  proof: { authMethod: AuthMethod; expiresAt: Date | null },
): Promise<OperatorIdentity> {
  const user = await prisma.user.findFirst({
    where: { username: { equals: username, mode: 'insensitive' } },
    select: { id: true, username: true, role: true, directoryDisabled: true, authResetRequired: true },
    orderBy: { id: 'asc' },
  });
  if (!user) throw new OperatorRefusedError('unknown-user');
  if (user.directoryDisabled === 1) throw new OperatorRefusedError('directory-disabled');
  if (user.authResetRequired === 1) throw new OperatorRefusedError('reset-required');
  const isAdmin = isAdminRole(user.role);
  let siteIds: number[] | null = null;
  if (!isAdmin) {
    const assignments = await prisma.userSiteAssignment.findMany({
      where: { userId: Number(user.id) },
      select: { siteId: true },
      orderBy: { siteId: 'asc' },
    });
    siteIds = assignments.map((a) => a.siteId);
  }
  return {
    userId: user.id,
    username: user.username,
    role: isAdmin ? 'Admin' : 'User',
    isAdmin,
    siteIds,
    authMethod: proof.authMethod,
    expiresAt: proof.expiresAt,
  };
}
