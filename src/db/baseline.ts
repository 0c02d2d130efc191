/**
 * Applies the Borealis baseline DDL (prisma/migrations/0_init/migration.sql) in one transaction.
 * The file creates each table (with its indexes) only when it is missing, so it is idempotent and never alters a table
 * Borealis already created. An advisory lock keeps two replicas from racing on first start.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { inTransaction } from './transaction.js';

export const BASELINE_FILE = fileURLToPath(new URL('../../prisma/migrations/0_init/migration.sql', import.meta.url));
const BASELINE_LOCK_KEY = 0x626f7265; // "bore"

export interface BaselineResult {
  createdTables: string[];
}

export async function applyBaseline(pool: pg.Pool): Promise<BaselineResult> {
  const sql = readFileSync(BASELINE_FILE, 'utf8');
  return inTransaction(
    pool,
    async (client) => {
      const before = await listBorealisTables(client);
      await client.query(sql);
      const after = await listBorealisTables(client);
      return { createdTables: after.filter((t) => !before.includes(t)) };
    },
    { advisoryLock: BASELINE_LOCK_KEY },
  );
}

async function listBorealisTables(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('engine', 'assemblies') AND table_type = 'BASE TABLE'`,
  );
  return rows.map((r) => r.name);
}
