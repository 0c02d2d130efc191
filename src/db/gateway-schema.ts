/**
 * The gateway's own schema, `borealis_gateway`: what the gateway needs to keep in PostgreSQL
 * beside Borealis's tables (change capture, shared rate-limit and replay state), never a column
 * of Borealis's `engine`/`assemblies` schemas.
 *
 * Each feature contributes named, idempotent parts (GATEWAY_SCHEMA_PARTS); a part is applied once,
 * in its own transaction, and recorded in `borealis_gateway.applied_parts`, so replicas starting
 * together (advisory lock) and repeated `db:setup` runs are safe. A part is never edited after it
 * ships: a change is a new part.
 */
import type pg from 'pg';
import { inClientTransaction } from './transaction.js';
import { CAPTURE_TRIGGERS_PART, CHANGE_LOG_PART } from './change-capture.js';

export const GATEWAY_SCHEMA = 'borealis_gateway';
const INSTALL_LOCK_KEY = 0x62677773; // "bgws"

export interface GatewaySchemaPart {
  /** Stable identifier, e.g. `realtime-change-log-1`. */
  readonly id: string;
  /** What the part is for (printed by db:setup). */
  readonly purpose: string;
  /** DDL run in one transaction; may use the schema name `borealis_gateway` literally. */
  readonly sql: string;
}

/** Every part, in the order they are applied. Features append here. */
export const GATEWAY_SCHEMA_PARTS: readonly GatewaySchemaPart[] = [
  {
    id: 'agent-rate-limits-1',
    purpose: 'agent API rate limits and single-use (poll replay, DPoP jti) keys shared by every replica (src/rest/shared-state.ts)',
    // The layout rate-limiter-flexible's PostgreSQL store expects (key, points, expire in epoch ms).
    sql: `CREATE TABLE IF NOT EXISTS borealis_gateway.agent_rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
  },
  CHANGE_LOG_PART,
  CAPTURE_TRIGGERS_PART,
];

export interface GatewaySchemaResult {
  applied: string[];
  alreadyPresent: string[];
}

/** The role cannot create the schema or a part of it: features fall back (see each feature). */
export class GatewaySchemaPrivilegeError extends Error {
  constructor(readonly part: string, cause: unknown) {
    super(
      `The database role may not install the gateway schema part "${part}" (${(cause as Error).message}). ` +
        `Grant it CREATE on the database (schema ${GATEWAY_SCHEMA}) or run \`npm run db:setup\` as a role that may; see docs/operations.md.`,
    );
  }
}

const PRIVILEGE_ERRORS = new Set(['42501' /* insufficient_privilege */]);

export async function installGatewaySchema(pool: pg.Pool, parts: readonly GatewaySchemaPart[] = GATEWAY_SCHEMA_PARTS): Promise<GatewaySchemaResult> {
  const result: GatewaySchemaResult = { applied: [], alreadyPresent: [] };
  const client = await pool.connect();
  try {
    await installStep(client, 'applied_parts', async () => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${GATEWAY_SCHEMA}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${GATEWAY_SCHEMA}.applied_parts (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
    });
    for (const part of parts) {
      await installStep(client, part.id, async () => {
        const { rowCount } = await client.query(`SELECT 1 FROM ${GATEWAY_SCHEMA}.applied_parts WHERE id = $1`, [part.id]);
        if (rowCount) {
          result.alreadyPresent.push(part.id);
          return;
        }
        await client.query(part.sql);
        await client.query(`INSERT INTO ${GATEWAY_SCHEMA}.applied_parts (id) VALUES ($1)`, [part.id]);
        result.applied.push(part.id);
      });
    }
    return result;
  } finally {
    client.release();
  }
}

/** Which parts are recorded as applied (db:check); empty when the schema does not exist. */
export async function appliedGatewayParts(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM ${GATEWAY_SCHEMA}.applied_parts WHERE to_regclass($1) IS NOT NULL ORDER BY applied_at, id`,
    [`${GATEWAY_SCHEMA}.applied_parts`],
  ).catch((error: { code?: string }) => {
    if (error.code === '42P01' /* undefined_table */ || error.code === '3F000' /* undefined schema */) return { rows: [] };
    throw error;
  });
  return rows.map((row) => row.id);
}

/** One transaction under the install lock; a privilege failure becomes GatewaySchemaPrivilegeError. */
async function installStep(client: pg.PoolClient, part: string, work: () => Promise<void>): Promise<void> {
  try {
    await inClientTransaction(client, work, { advisoryLock: INSTALL_LOCK_KEY });
  } catch (error) {
    if (PRIVILEGE_ERRORS.has((error as { code?: string }).code ?? '')) throw new GatewaySchemaPrivilegeError(part, error);
    throw error;
  }
}
