/** Where the embedded cluster lives, and which folder would keep the `postgres` user out. */
import { chmodSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockingAncestor, embeddedClusterDir } from '../../src/db/embedded-location.js';

// mkdtemp makes a private (0700) folder: open it, so each case controls the one folder it tests.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'embedded-location-'));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function folder(name: string, mode: number): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { mode });
  chmodSync(dir, mode);
  return dir;
}

describe('the embedded cluster location', () => {
  it('is <dataDir>/postgres', () => {
    expect(embeddedClusterDir('.data')).toBe(path.resolve('.data', 'postgres'));
  });

  it('finds no blocking folder when every folder above can be entered', () => {
    expect(blockingAncestor(path.join(folder('open', 0o755), 'checkout', 'node_modules'))).toBeUndefined();
  });

  it('names the first existing folder others cannot enter (a checkout under a 0700 home)', () => {
    const home = folder('private-home', 0o700);
    expect(blockingAncestor(path.join(home, 'checkout', 'node_modules', 'bin'))).toBe(home);
  });
});
