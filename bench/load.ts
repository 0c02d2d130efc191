/**
 * A closed-loop load generator: `connections` workers each send one request, wait for the whole
 * response, and send the next, until the time is up. Throughput is completed requests per second;
 * latency is measured per request from send to the last byte read.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface LoadTarget {
  url: string;
  body: string;
  headers?: Record<string, string>;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** POSTs `body` and resolves with the response text; rejects on a status other than 200. */
export function post(agent: Agent, target: LoadTarget): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(target.body), ...target.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`HTTP ${res.statusCode} from ${target.url}: ${text.slice(0, 300)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });
}

/** Runs the closed loop for `seconds` over `connections` kept-alive connections. */
export async function closedLoop(target: LoadTarget, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      await post(agent, target);
      latencies.push(performance.now() - sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}
