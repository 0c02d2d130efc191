/**
 * `npm run db:seed [-- --devices N]`: fills DATABASE_URL with deterministic Borealis demo data
 * (idempotent: a second run inserts nothing). Expects the schema to exist (`npm run db:setup`).
 */
import pg from 'pg';
import { seedDemoData } from '../../dev/seed/index.js';

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
      if (raw === undefined) throw new Error('--devices needs a value');
    } else if (arg.startsWith('--devices=')) {
      raw = arg.slice('--devices='.length);
    } else {
      throw new Error(`unknown argument: ${arg}`);
    }
  }
  if (raw === undefined) return 200;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`--devices must be an integer from 1 to 10000 (got "${raw}")`);
  return n;
}

let devices: number;
try {
  devices = parseDevices(process.argv.slice(2));
} catch (error) {
  console.error(`Error: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error('Error: DATABASE_URL is required (e.g. postgresql://borealis:secret@127.0.0.1:5432/borealis)');
  process.exit(2);
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

const pool = new pg.Pool({ connectionString });
const started = Date.now();
try {
  const { seeded, counts } = await seedDemoData(pool, { devices, onProgress });
  if (tty) process.stderr.write('\r\x1b[2K');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const inserted = Object.entries(counts).filter(([, n]) => n > 0);
  if (!seeded) {
    console.log(`Nothing to do: the demo data is already present (0 rows inserted, ${seconds}s).`);
  } else {
    const total = inserted.reduce((sum, [, n]) => sum + n, 0);
    console.log(`Seeded ${total} rows into ${inserted.length} tables in ${seconds}s:`);
    for (const [name, n] of inserted) console.log(`  ${name.padEnd(48)} ${String(n).padStart(7)}`);
  }
} catch (error) {
  if (tty) process.stderr.write('\n');
  console.error(`Error: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
