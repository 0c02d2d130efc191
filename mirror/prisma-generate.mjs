#!/usr/bin/env node
// `prisma generate` works offline with WebAssembly, but the CLI first looks for the native schema
// engine and tries to download it. Pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub skips the
// download; generation itself never calls the engine.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const stubDir = path.join(os.tmpdir(), 'borealis-gateway-prisma');
const stub = path.join(stubDir, 'schema-engine-stub');
mkdirSync(stubDir, { recursive: true });
writeFileSync(stub, '#!/bin/sh\necho "schema engine is not available offline" >&2\nexit 1\n');
chmodSync(stub, 0o755);

const env = { ...process.env, PATH: `${path.resolve('node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stub, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const result = spawnSync(process.execPath, [path.join('node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
