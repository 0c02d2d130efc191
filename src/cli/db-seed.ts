/**
 * `npm run db:seed [-- --devices N]`: fills the database (DATABASE_URL, or the embedded one of a
 * running `npm start`) with deterministic Borealis demo data relative to the current time.
 * Idempotent and resumable (a second run inserts nothing; an interrupted one is completed).
 * Refuses a database that holds non-demo data. Expects the schema to exist (`npm run db:setup`).
 */
import { seedDemoData, wallClockSeedTime } from '../../dev/seed/index.js';
import { reportFailure, UsageError, withCliPool } from './cli-pool.js';

const USAGE = 'Usage: db-seed [--devices N]   (N: integer 1..10000, default 200)';

function parseDevices(argv: string[]): number {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--devices') {
      raw = argv[++i];
      if (raw === undefined) throw new UsageError(`--devices needs a value\n${USAGE}`);
    } else if (arg.startsWith('--devices=')) {
      raw = arg.slice('--devices='.length);
    } else {
      throw new UsageError(`unknown argument: ${arg}\n${USAGE}`);
    }
  }
  if (raw === undefined) return 200;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new UsageError(`--devices must be an integer from 1 to 10000 (got "${raw}")\n${USAGE}`);
  return n;
}

const tty = process.stderr.isTTY === true;
let lastPhase = '';
function onProgress(phase: string, done: number, total: number): void {
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  if (tty) {
    process.stderr.write(`\r\x1b[2KSeeding ${phase}: ${done}/${total} (${pct}%)`);
  } else if (done >= total && phase !== lastPhase) {
    process.stderr.write(`Seeding ${phase}: ${done}/${total} done\n`);
    lastPhase = phase;
  }
}

let devices = 200;
try {
  devices = parseDevices(process.argv.slice(2));
} catch (error) {
  process.exit(reportFailure(error));
}

await withCliPool(async (pool) => {
  const started = Date.now();
  try {
    const { seeded, counts } = await seedDemoData(pool, { devices, now: wallClockSeedTime(), onProgress });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const inserted = Object.entries(counts).filter(([, n]) => n > 0);
    if (!seeded) {
      console.log(`Nothing to do: the demo data is already present (0 rows inserted, ${seconds}s).`);
    } else {
      const total = inserted.reduce((sum, [, n]) => sum + n, 0);
      console.log(`Seeded ${total} rows into ${inserted.length} tables in ${seconds}s:`);
      for (const [name, n] of inserted) console.log(`  ${name.padEnd(48)} ${String(n).padStart(7)}`);
    }
  } finally {
    if (tty) process.stderr.write('\r\x1b[2K');
  }
});
