/**
 * The operator identity every resolver sees. However the caller proved who they are (Borealis
 * session token, integrator JWT, dev token), the result is re-read from engine.users (for HTTP at
 * most GATEWAY_IDENTITY_CACHE_MS old): role and site scope always come from the database, never
 * from the token.
 */
export type OperatorRole = 'Admin' | 'User';

export type AuthMethod = 'borealis-session' | 'jwt' | 'test';

export interface OperatorIdentity {
  userId: bigint;
  username: string;
  role: OperatorRole;
  isAdmin: boolean;
  /** Sites this operator may see; null means every site (Admin). An empty list sees nothing. */
  siteIds: readonly number[] | null;
  authMethod: AuthMethod;
  /** When the proof (token) expires; the WebSocket is closed then. */
  expiresAt: Date | null;
}

/** Borealis compares roles case-insensitively with "admin" (requireAdmin). */
export function isAdminRole(role: string | null | undefined): boolean {
  return (role ?? '').trim().toLowerCase() === 'admin';
}
