/**
 * The demo's "now". Every seeded timestamp is relative to it, never read from the wall clock while
 * generating, so one seed run is consistent. It is set once per run by seedDemoData (the fixed
 * SEED_REFERENCE_TIME by default, the current time for the live demo) and read through this live
 * binding by every domain module.
 */

/** Fixed reference "now" of the test data: 2026-11-20T12:00:00Z (epoch seconds). */
export const SEED_REFERENCE_TIME = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86400;

export let NOW = SEED_REFERENCE_TIME;

/** Runs `work` with the demo clock at `now`; seed runs in one process must not overlap with different clocks. */
export async function withSeedClock<X>(now: number, work: () => Promise<X>): Promise<X> {
  if (running > 0 && NOW !== now) throw new Error('seed: another seed run with a different "now" is in progress in this process');
  NOW = now;
  running++;
  try {
    return await work();
  } finally {
    running--;
  }
}
let running = 0;
