/**
 * Prisma Client on top of the gateway's own pg pool (driver adapter): one pool, one set of
 * session settings, whether SQL comes from Prisma or from hand-written catalog queries.
 *
 * The read client omits secret columns globally, so they are not even fetched into the gateway's
 * memory: no resolver can expose what was never selected. (Columns whose mere presence a field
 * reports, such as credentials' `*_encrypted` "is set" flags, stay readable.)
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export const SECRET_OMIT = {
  user: { passwordSha512: true, mfaSecret: true },
  userPasskey: { publicKey: true, credentialLookupHmac: true, secretEncrypted: true },
  refreshToken: { tokenHash: true },
  device: { agentVncPassword: true },
  agentServiceAccount: { passwordHash: true, passwordEncrypted: true },
  githubToken: { token: true },
  aegisCipherState: { kdfParamsJson: true, verificationToken: true },
  deviceApproval: { clientNonce: true, serverNonce: true, agentPubkeyDer: true },
  workflowWebhook: { opaqueToken: true },
  deviceVpnKeyLease: { clientPrivateKey: true },
  clusterInvitation: { tokenHash: true },
  siteAgentInstallLink: { linkNonce: true },
} as const;

export type Db = PrismaClient;

export function createPrismaClient(pool: pg.Pool): Db {
  // Typed as the plain client so Pothos's model types line up; at run time the omitted columns
  // are absent, and a field that tried to expose one would resolve to nothing.
  return new PrismaClient({ adapter: new PrismaPg(pool), omit: SECRET_OMIT }) as unknown as PrismaClient;
}
