#!/usr/bin/env node
// `npm run build`, after tsc: copies the files the compiled code reads at run time to the place each
// module expects them relative to itself (tsc emits JavaScript only). Every non-TypeScript file under
// the compiled folders is a runtime asset (GraphiQL examples, the mirror manifest, ...), so a new one
// needs no change here; the baseline DDL lives outside them and is named explicitly.
// Usage: node scripts/copy-runtime-assets.mjs [OUT_DIR]   (default dist, tsc's outDir)
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const COMPILED_FOLDERS = ['src', 'dev']; // tsconfig.build.json "include"
const EXTRA_ASSETS = ['prisma/migrations/0_init/migration.sql']; // read by src/db/baseline.ts

const outDir = process.argv[2] ?? 'dist';
const assets = [
  ...COMPILED_FOLDERS.flatMap((folder) =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.ts'))
      .map((entry) => path.join(entry.parentPath, entry.name)),
  ),
  ...EXTRA_ASSETS,
];
for (const asset of assets) {
  if (!existsSync(asset)) {
    console.error(`Missing runtime asset ${asset} (run npm run generate first).`);
    process.exit(1);
  }
  cpSync(asset, path.join(outDir, asset));
}
console.log(`Copied ${assets.length} runtime assets to ${outDir}/.`);
