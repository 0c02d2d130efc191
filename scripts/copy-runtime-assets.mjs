#!/usr/bin/env node
// `npm run build`, after tsc: the files the compiled code reads at run time, copied to the place
// each module expects them relative to itself (tsc only emits JavaScript).
// Usage: node scripts/copy-runtime-assets.mjs [OUT_DIR]   (default dist, tsc's outDir)
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';

const RUNTIME_ASSETS = [
  'src/server/graphiql/examples.graphql', // GraphiQL example operations (src/server/yoga.ts)
  'src/generated/mirror-manifest.json', // the drift check's expected catalog (src/db/drift.ts)
  'prisma/migrations/0_init/migration.sql', // the Borealis baseline DDL (src/db/baseline.ts)
];

const outDir = process.argv[2] ?? 'dist';
for (const asset of RUNTIME_ASSETS) {
  if (!existsSync(asset)) {
    console.error(`Missing runtime asset ${asset} (run npm run generate first).`);
    process.exit(1);
  }
  cpSync(asset, path.join(outDir, asset));
}
