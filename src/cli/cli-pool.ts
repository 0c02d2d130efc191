/**
 * Shared start-up of the CLIs (and the error reporting of `npm start`): validated settings, the
 * database to use, one pool, one clear message on failure, documented exit codes (README):
 *   0 success; 1 failure (invalid configuration, database unreachable, drift, refusal);
 *   2 usage (bad arguments, or no database to work on).
 */
import path from 'node:path';
import { ConfigError, loadConfig, type GatewayConfig } from '../config/env.js';
import { checkConnection, DatabaseConnectionError, describeConnectionError } from '../db/connection-errors.js';
import { connectionFileOf, embeddedClusterDir as clusterDirOf, readRecordedConnection } from '../db/embedded-location.js';
import { createPool, type GatewayPool } from '../db/pool.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Wrong arguments or nothing to work on: the command must be run differently (exit 2). */
export class UsageError extends Error {}

/** The embedded cluster of `npm start`: <dataDir>/postgres. */
export function embeddedClusterDir(config: GatewayConfig): string {
  return clusterDirOf(config.dataDir);
}

export interface CliDatabase {
  url: string;
  /** Where the URL came from, for messages. */
  source: 'DATABASE_URL' | 'embedded';
}

/** DATABASE_URL, else the embedded PostgreSQL that a running `npm start` recorded; undefined when neither. */
export function findCliDatabase(config: GatewayConfig): CliDatabase | undefined {
  if (config.databaseUrl) return { url: config.databaseUrl, source: 'DATABASE_URL' };
  const recorded = readRecordedConnection(embeddedClusterDir(config));
  return recorded ? { url: recorded, source: 'embedded' } : undefined;
}

export function requireCliDatabase(config: GatewayConfig): CliDatabase {
  const found = findCliDatabase(config);
  if (found) return found;
  throw new UsageError(
    `DATABASE_URL is required (e.g. postgresql://borealis:secret@127.0.0.1:5432/borealis), or a running \`npm start\` ` +
      `(its embedded PostgreSQL is recorded in ${connectionFileOf(embeddedClusterDir(config))}).`,
  );
}

/** Prints one message for `error` (never a stack) and returns the exit code. */
export function reportFailure(error: unknown, database?: CliDatabase): number {
  if (error instanceof ConfigError) {
    console.error(error.message);
    return EXIT_FAILURE;
  }
  if (error instanceof UsageError) {
    console.error(`Error: ${error.message}`);
    return EXIT_USAGE;
  }
  const connection = database ? describeConnectionError(error, database.url) : null;
  if (connection || error instanceof DatabaseConnectionError) {
    const hint = database?.source === 'embedded' ? ' (the embedded PostgreSQL of `npm start`: is the gateway still running?)' : '';
    console.error(`Error: ${connection ?? (error as Error).message}${hint}`);
    return EXIT_FAILURE;
  }
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_FAILURE;
}

/** Runs a database CLI: the configuration, the database (DATABASE_URL or the running embedded one), a checked pool. */
export async function withCliPool(work: (pool: GatewayPool, context: { config: GatewayConfig; database: CliDatabase }) => Promise<void>): Promise<void> {
  let pool: GatewayPool | undefined;
  let database: CliDatabase | undefined;
  try {
    const config = loadConfig();
    database = requireCliDatabase(config);
    if (database.source === 'embedded') console.error(`No DATABASE_URL: using the embedded PostgreSQL of \`npm start\` (${new URL(database.url).host}).`);
    pool = createPool(database.url, { ...config.db, poolSize: 2, maxOverflow: 0 });
    await checkConnection(pool, database.url);
    await work(pool, { config, database });
  } catch (error) {
    process.exitCode = reportFailure(error, database);
  } finally {
    await pool?.end().catch(() => {});
  }
}
