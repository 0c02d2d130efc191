/**
 * Re-validation of an operator against engine.users, as Borealis does on every request
 * (revalidate_operator_identity / currentProfile): case-insensitive username, role from the
 * database, directory-disabled and reset-required users refused, site scope from
 * user_site_assignments. One statement on the pg pool: it runs for every request that does not
 * find the account in src/auth/identity-cache.ts, where Prisma's client would cost several times
 * its CPU (docs/performance.md). Not a named prepared statement: a Borealis upgrade changing a
 * column type would make a connection's prepared plan fail on every later use.
 */
import type pg from 'pg';
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

/** What the identity read needs of the pool: one statement. */
export type OperatorSource = Pick<pg.Pool, 'query'>;

interface OperatorRow {
  id: string;
  username: string;
  role: string;
  directory_disabled: number;
  auth_reset_required: number;
  site_ids: number[];
}

/**
 * The account and its sites in one statement (the sites are unused for an Admin; reading them
 * anyway costs an index probe, not a second round trip). Usernames are unique as stored; when
 * several differ only in case, the oldest account answers.
 */
const OPERATOR_SQL = `SELECT u.id::text AS id, u.username, u.role, u.directory_disabled, u.auth_reset_required,
  ARRAY(SELECT a.site_id FROM engine.user_site_assignments a WHERE a.user_id = u.id ORDER BY a.site_id) AS site_ids
FROM engine.users u WHERE lower(u.username) = lower($1) ORDER BY u.id LIMIT 1`;

export async function loadOperator(
  db: OperatorSource,
  username: string,
  proof: { authMethod: AuthMethod; expiresAt: Date | null },
): Promise<OperatorIdentity> {
  const { rows } = await db.query<OperatorRow>(OPERATOR_SQL, [username]);
  const user = rows[0];
  if (!user) throw new OperatorRefusedError('unknown-user');
  if (user.directory_disabled === 1) throw new OperatorRefusedError('directory-disabled');
  if (user.auth_reset_required === 1) throw new OperatorRefusedError('reset-required');
  const isAdmin = isAdminRole(user.role);
  return {
    userId: BigInt(user.id),
    username: user.username,
    role: isAdmin ? 'Admin' : 'User',
    isAdmin,
    siteIds: isAdmin ? null : user.site_ids,
    authMethod: proof.authMethod,
    expiresAt: proof.expiresAt,
  };
}
