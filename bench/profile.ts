/**
 * V8 CPU profiles for the benches: record one while some work runs, save it under bench/results/
 * and print the functions with the most self time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Top self-time functions of a V8 CPU profile, leaving out the inspector's own work (Profiler.stop). */
function summarizeProfile(profile: CpuProfile, top: number): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inspector = new Set<number>();
  const markInspector = (id: number) => {
    inspector.add(id);
    for (const child of byId.get(id)?.children ?? []) markInspector(child);
  };
  for (const node of profile.nodes) if (node.callFrame.url === 'node:inspector') markInspector(node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    if (!inspector.has(id)) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    total += micros;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  const idle = byFunction.get('(idle)') ?? 0;
  console.log(`\nCPU profile: top ${top} functions by self time (of ${((total - idle) / 1000).toFixed(0)} ms busy)`);
  for (const [name, micros] of [...byFunction].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / (total - idle)).toFixed(1).padStart(5)}%  ${name}`);
  }
}

/** Runs `work` under a V8 CPU profile (50 µs sampling), saved as bench/results/<name>-<time>.cpuprofile and summed up. */
export async function profileWhile<T>(name: string, title: string, work: () => Promise<T>, top = 30): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  let result: T;
  try {
    result = await work();
  } finally {
    const { profile: recorded } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/${name}-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(recorded));
    console.log(`\nProfile of ${title}: ${file}`);
    summarizeProfile(recorded as CpuProfile, top);
  }
  return result;
}
