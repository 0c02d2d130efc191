/**
 * A PostgreSQL server that a test or benchmark stops and starts (test/realtime/restart.test.ts,
 * bench/subscription-recovery.ts; the shared server of the test run must never go down): an
 * embedded cluster in a temporary folder, kept between stop and start (same data folder, same
 * port), deleted by `destroy()`.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';

export interface RestartablePostgres {
  /** The server's `postgres` database (as the test run's pgServerUrl). */
  readonly url: string;
  /** Fast shutdown (SIGINT): open sessions are terminated, running transactions roll back. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'borealis-gateway-restart-'));
  // The embedded server runs as the `postgres` user: it must be able to enter the folder.
  chmodSync(folder, 0o755);
  const dataDir = path.join(folder, 'pg');
  const port = await freePort();
  // persistent: the cluster survives stop(); the folder is removed by destroy().
  const open = () => startEmbeddedPostgres({ dataDir, port, persistent: true, database: 'postgres' });
  let server: EmbeddedDatabase | null = await open();
  const url = server.url;
  return {
    url,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server ??= await open();
    },
    async destroy() {
      await server?.stop();
      server = null;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
