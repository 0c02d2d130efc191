/** Where the embedded cluster lives: inside the data folder, unless `postgres` could not reach it as root. */
import { chmodSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockingAncestor, embeddedClusterDir, ROOT_FALLBACK_DIR } from '../../src/db/embedded-location.js';

// mkdtemp makes a private (0700) folder: open it, so each case controls the one folder it tests.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'embedded-location-'));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function folder(name: string, mode: number): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { mode });
  return dir;
}

describe('embeddedClusterDir', () => {
  it('keeps the cluster in <dataDir>/postgres when every folder above it can be entered', () => {
    const open = folder('open', 0o755);
    expect(blockingAncestor(path.join(open, '.data'))).toBeUndefined();
    expect(embeddedClusterDir(path.join(open, '.data'))).toBe(path.join(open, '.data', 'postgres'));
  });

  it.runIf(os.userInfo().uid === 0)('as root, moves it to a stable folder under /var/lib when a private folder blocks the postgres user', () => {
    const home = folder('private-home', 0o700);
    const dataDir = path.join(home, 'checkout', '.data');
    expect(blockingAncestor(dataDir)).toBe(home);
    const cluster = embeddedClusterDir(dataDir);
    expect(path.dirname(path.dirname(cluster))).toBe(ROOT_FALLBACK_DIR);
    expect(path.basename(cluster)).toBe('postgres');
    // stable: the CLIs compute the same folder to find the running cluster
    expect(embeddedClusterDir(dataDir)).toBe(cluster);
    expect(embeddedClusterDir(path.join(home, 'other', '.data'))).not.toBe(cluster);
  });
});
