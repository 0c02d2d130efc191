/**
 * The layering of docs/architecture.md, enforced: requests flow down
 * main/start → cli → server → domains → graphql → access → auth → db → config, and no module
 * imports one of a layer above its own (so the layout stays readable as it grows). Generated code
 * and type declarations are below everything; demo data (dev/) is for the entry points only.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const LAYERS = ['entry', 'cli', 'server', 'rest', 'realtime', 'domains', 'graphql', 'access', 'auth', 'db', 'config', 'generated', 'types'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) return entry === 'generated' && dir === SRC ? [] : sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** `entry` for src/main.ts and src/start.ts, else the first folder under src/. */
function layerOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? 'entry' : first!;
}

describe('source layering', () => {
  const files = sources(SRC);

  it('puts every module in a known layer', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) expect(LAYERS, path.relative(SRC, file)).toContain(layerOf(file));
  });

  it('never imports a module of a layer above', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), specifier!);
        if (!target.startsWith(SRC + path.sep)) {
          // Only the entry points and the CLIs may use the demo data.
          if (!(target.startsWith(path.resolve(SRC, '../dev') + path.sep) && ['entry', 'cli'].includes(layerOf(file)))) upward.push(`${path.relative(SRC, file)} -> ${specifier}`);
          continue;
        }
        if (LAYERS.indexOf(layerOf(target)) < LAYERS.indexOf(layerOf(file))) upward.push(`${path.relative(SRC, file)} -> ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
