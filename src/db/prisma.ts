/**
 * Prisma Client on top of the gateway's own pg pool (driver adapter): one pool, one set of
 * session settings, whether SQL comes from Prisma or from hand-written catalog queries.
 *
 * The read client omits secret columns globally, so they are not even fetched into the gateway's
 * memory: no resolver can expose what was never selected. (Columns whose mere presence a field
 * reports, such as credentials' `*_encrypted` "is set" flags, stay readable.) Large columns are
 * omitted the same way, so a page never reads what it does not show (LARGE_COLUMN_OMIT).
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

/**
 * Large text columns (tens of KB per row on a real installation) that no list, relation or node
 * reads with its rows: the one field that shows them selects them explicitly, in its own batched
 * statement, only when an operation asks for it (`Device.inventory`, an incident's `sample`, ...).
 */
export const LARGE_COLUMN_OMIT = {
  device: {
    memory: true,
    network: true,
    software: true,
    services: true,
    storage: true,
    cpu: true,
    sessions: true,
    processes: true,
    agentRoleHealth: true,
  },
  watchdogIncident: { sampleJson: true, ruleSummaryJson: true, actionSummaryJson: true },
} as const;

/** The client's global omit: secrets and large columns, by model delegate name (`device`, ...). */
export const READ_OMIT: Readonly<Record<string, Readonly<Record<string, true>>>> = (() => {
  const omit: Record<string, Record<string, true>> = {};
  for (const source of [SECRET_OMIT, LARGE_COLUMN_OMIT] as Array<Record<string, Record<string, true>>>) {
    for (const [model, columns] of Object.entries(source)) omit[model] = { ...omit[model], ...columns };
  }
  return omit;
})();

/** A model's delegate name on the client (`Device` -> `device`), the key of READ_OMIT. */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** The columns of `model` the gateway never reads unless a field asks for a large one (READ_OMIT). */
export function omittedFields(model: string): Readonly<Record<string, true>> {
  return READ_OMIT[delegateName(model)] ?? {};
}

/** A PostgreSQL identifier, double-quoted. */
export function quotedIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export type Db = PrismaClient;

export function createPrismaClient(pool: pg.Pool): Db {
  // Typed as the plain client so Pothos's model types line up; at run time the omitted columns
  // are absent, and a field that tried to expose one would resolve to nothing.
  return new PrismaClient({ adapter: new PrismaPg(pool), omit: READ_OMIT }) as unknown as PrismaClient;
}
