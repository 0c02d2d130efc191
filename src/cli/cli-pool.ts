/** Shared start-up of the database CLIs: validated config, one pool, a clear error, a clean exit. */
import { ConfigError, loadConfig } from '../config/env.js';
import { createPool, type GatewayPool } from '../db/pool.js';

export async function withCliPool(work: (pool: GatewayPool) => Promise<void>): Promise<void> {
  let pool: GatewayPool | undefined;
  try {
    const config = loadConfig();
    if (!config.databaseUrl) {
      throw new ConfigError(['DATABASE_URL is required (e.g. postgresql://borealis:secret@127.0.0.1:5432/borealis)']);
    }
    pool = createPool(config.databaseUrl, config.db);
    await work(pool);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `Error: ${(error as Error).message}`);
    process.exitCode = 2;
  } finally {
    await pool?.end();
  }
}
