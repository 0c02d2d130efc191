/**
 * `npm start`: the gateway process.
 * - without DATABASE_URL: starts an embedded PostgreSQL under GATEWAY_DATA_DIR, applies the
 *   Borealis baseline, seeds demo data (relative to now) until the seed is complete;
 * - with DATABASE_URL: uses that Borealis database as it is and runs no DDL.
 * Then it checks schema drift (warn or refuse), and serves GraphQL until Ctrl-C.
 *
 * Configuration and the port are checked first, before the schema and the database load
 * (src/start.ts is imported after), so those mistakes are reported at once. Every failure is one
 * message without a stack; exit codes are in the README.
 */
import net from 'node:net';
import { loadSettings } from './config/load.js';
import { reportFailure, type CliDatabase } from './cli/cli-pool.js';

/** Rejects with a one-line message when the gateway could not listen on host:port. */
async function assertPortAvailable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`PORT ${port} on ${host} is already in use (another gateway?): stop that process or set PORT to a free port.`));
      else if (error.code === 'EACCES') reject(new Error(`PORT ${port} on ${host} needs more privileges: use a port above 1023.`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new Error(`HOST ${host} is not an address of this machine: check HOST.`));
      else reject(error);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const shutdown = (code: number): Promise<void> =>
    (stopped ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(`Error while stopping: ${(e as Error).message}`));
      process.exit(code);
    })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received: stopping the gateway...`);
      void shutdown(0);
    });
  }

  let database: CliDatabase | undefined;
  try {
    const settings = loadSettings();
    await assertPortAvailable(settings.config.host, settings.config.port);
    const { startGateway } = await import('./start.js');
    await startGateway(settings, {
      onCleanup: (cleanup) => void cleanups.push(cleanup),
      onDatabase: (used) => void (database = used),
      shutdown,
    });
  } catch (error) {
    // Ctrl-C during start-up: the work in flight fails as the pool closes; that is no error. A
    // terminal's Ctrl-C also reaches the embedded PostgreSQL (same process group), whose shutdown
    // can fail the work in flight just before our own SIGINT handler runs: give it that moment.
    if (!stopping) await new Promise((resolve) => setTimeout(resolve, 500));
    if (stopping) return;
    await shutdown(reportFailure(error, database));
  }
}

void main();
