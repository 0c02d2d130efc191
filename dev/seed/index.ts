/**
 * Deterministic, idempotent, resumable demo + test data for a Borealis database (`npm run db:seed`,
 * the first `npm start`, `npm run bench`). One module per domain (sites, users, devices, filters,
 * jobs, approvals, watchdogs, scheduler, assemblies) on shared helpers (random, values, writer).
 *
 * The rows imitate what the Borealis Engine (Python api-backend + Go api-backend + agents) writes:
 * epoch-second int4 timestamps where Borealis uses integers, ISO-8601 TEXT (mixed Python `+00:00` /
 * Go `Z` / Go RFC3339Nano spellings) where it uses text, 0/1 integer flags, JSON stored as TEXT
 * (Python-normalised documents with sorted keys and `", "` separators next to Go compact JSON),
 * base64 metadata values, `aegis:v1:` envelopes for secrets, and soft (FK-less) relations by
 * hostname / GUID / text user id.
 *
 * Determinism: every value comes from a mulberry32 PRNG seeded from a fixed seed plus a label (e.g. the
 * device index), and every timestamp is relative to the run's "now" (clock.ts): SEED_REFERENCE_TIME
 * unless `now` is given (the live demo passes the current time, so online devices are online and
 * recent incidents recent). Device N is the same whatever `devices` is, so growing the seed
 * (200 -> 10,000) only adds devices; the shape (users, sites, counts) never depends on "now".
 *
 * Idempotency: rows are keyed by the unique keys of the DDL and inserted with ON CONFLICT DO NOTHING.
 * Tables whose only key is a BIGSERIAL id are written only in the transaction that newly inserted
 * their parent (device batch, scheduled job, watchdog, directory provider, patch policy, workflow
 * run); top-level tables without a unique key (scheduled_jobs, patch_policies, workflow_runs,
 * github_token) are guarded with WHERE NOT EXISTS on their natural name. A second run inserts 0 rows.
 *
 * Resumability: the seed marks the database (marker.ts) before its first row and again after its
 * last; an interrupted run (Ctrl-C) is completed by the next one, with the same "now".
 *
 * Speed: rows are generated before each transaction opens, then written with
 * INSERT ... SELECT * FROM unnest($1::text[], $2::int4[], ...) in batches.
 */
import type pg from 'pg';
import { seedApprovals } from './approvals.js';
import { seedAssemblies } from './assemblies.js';
import { SITES } from './catalogue.js';
import { SEED_REFERENCE_TIME, withSeedClock } from './clock.js';
import { seedDevices } from './devices.js';
import { seedCredentialsAndFilters } from './filters.js';
import { seedJobs } from './jobs.js';
import { beginSeed, finishSeed } from './marker.js';
import { seedSchedulerPatchingWorkflows } from './scheduler.js';
import { seedSites } from './sites.js';
import { DEMO_USERS, seedAccess } from './users.js';
import { seedWatchdogs } from './watchdogs.js';
import { Writer } from './writer.js';

export { SEED_REFERENCE_TIME } from './clock.js';
export { DEMO_USERS } from './users.js';
export { NotDemoDatabaseError, readSeedMarker, type SeedMarker } from './marker.js';

const MAX_DEVICES = 10000;

export interface SeedOptions {
  devices: number;
  /**
   * The demo's "now" in epoch seconds (default SEED_REFERENCE_TIME, fixed for tests). Ignored when
   * resuming or growing an earlier seed: its "now" is kept, so the data stays consistent.
   */
  now?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SeedSummary {
  seeded: boolean;
  /** Rows inserted per table (schema-qualified name), 0 for tables that got nothing. */
  counts: Record<string, number>;
  /** The "now" the data is relative to (epoch seconds). */
  now: number;
}

/** The current time as a seed "now": whole minutes, so a demo started twice a second apart matches. */
export function wallClockSeedTime(): number {
  return Math.floor(Date.now() / 60_000) * 60;
}

export async function isDatabaseEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM engine.sites)
        AND NOT EXISTS (SELECT 1 FROM engine.devices)
        AND NOT EXISTS (SELECT 1 FROM engine.users) AS empty`,
  );
  return rows[0]?.empty === true;
}

/**
 * Seeds (or completes, or grows) the demo data. Refuses with NotDemoDatabaseError a database that
 * holds rows the seed did not write (a real Borealis database).
 */
export async function seedDemoData(pool: pg.Pool, options: SeedOptions): Promise<SeedSummary> {
  const deviceCount = options.devices;
  if (!Number.isInteger(deviceCount) || deviceCount < 1 || deviceCount > MAX_DEVICES) {
    throw new RangeError(`devices must be an integer between 1 and ${MAX_DEVICES} (got ${String(deviceCount)})`);
  }
  const { now } = await beginSeed(pool, { now: options.now ?? SEED_REFERENCE_TIME, devices: deviceCount });
  const progress = options.onProgress ?? (() => {});
  const w = new Writer();

  await withSeedClock(now, async () => {
    // Phase 1: sites and engine-wide singletons.
    progress('sites', 0, SITES.length);
    const sites = await seedSites(pool, w);
    progress('sites', SITES.length, SITES.length);

    // Phase 2: operators, directory provider, site assignments, passkey.
    progress('users', 0, DEMO_USERS.length);
    const users = await seedAccess(pool, w, sites);
    progress('users', DEMO_USERS.length, DEMO_USERS.length);

    // Phase 3: devices and their per-device rows, one transaction per batch.
    const devices = await seedDevices(pool, w, sites, deviceCount, progress);

    // Phase 4: credentials, filters, list views.
    progress('filters', 0, 1);
    const refs = await seedCredentialsAndFilters(pool, w, sites);
    progress('filters', 1, 1);

    // Phase 5: scheduled jobs and everything hanging off their runs.
    progress('jobs', 0, 6);
    const jobs = await seedJobs(pool, w, sites, devices, refs, progress);

    // Phase 6: enrollment queue.
    progress('approvals', 0, 1);
    await seedApprovals(pool, w, sites, users, devices, jobs);
    progress('approvals', 1, 1);

    // Phase 7: watchdogs.
    progress('watchdogs', 0, 3);
    await seedWatchdogs(pool, w, sites, devices, refs, progress);

    // Phase 8: job-scheduler queue, workers, snapshots; patch policy; workflow run.
    progress('scheduler', 0, 1);
    await seedSchedulerPatchingWorkflows(pool, w, sites, devices, jobs);
    progress('scheduler', 1, 1);

    // Phase 9: assembly catalog.
    progress('assemblies', 0, 1);
    await seedAssemblies(pool, w);
    progress('assemblies', 1, 1);
  });
  await finishSeed(pool, { now, devices: deviceCount });

  const total = Object.values(w.counts).reduce((a, b) => a + b, 0);
  return { seeded: total > 0, counts: { ...w.counts }, now };
}
