/**
 * Borealis Engine tuning profiles (borealis-db-reference.txt, "Engine Tuning Profiles"): CPU and
 * RAM are ranked separately and the lower rank wins, so an unbalanced host is not over-tuned.
 */
export interface PoolProfile {
  name: 'Homelab' | 'Small Business' | 'MSP / Production' | 'Enterprise';
  poolSize: number;
  maxOverflow: number;
}

export const POOL_PROFILES: readonly PoolProfile[] = [
  { name: 'Homelab', poolSize: 10, maxOverflow: 10 },
  { name: 'Small Business', poolSize: 12, maxOverflow: 16 },
  { name: 'MSP / Production', poolSize: 20, maxOverflow: 20 },
  { name: 'Enterprise', poolSize: 24, maxOverflow: 24 },
];

const GIB = 1024 ** 3;
/** Lower bounds of ranks 1..3 (rank 0 is everything below the first bound). */
const CPU_BOUNDS = [8, 16, 24];
const RAM_BOUNDS_GIB = [16, 32, 64];

function rank(value: number, bounds: readonly number[]): number {
  return bounds.filter((bound) => value >= bound).length;
}

export function selectPoolProfile(host: { cpus: number; memoryBytes: number }): PoolProfile {
  const cpuRank = rank(host.cpus, CPU_BOUNDS);
  // Hosts report slightly less than their nominal RAM (firmware reservations): a "16 GiB" machine
  // shows ~15.6 GiB; rounding to whole GiB ranks it as the 16 GiB host it is.
  const ramRank = rank(Math.round(host.memoryBytes / GIB), RAM_BOUNDS_GIB);
  return POOL_PROFILES[Math.min(cpuRank, ramRank)]!;
}
