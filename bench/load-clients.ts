/**
 * The fault benchmark's load generator, run as its own process (bench/faults.ts starts it) so
 * the clients do not share the gateway's event loop: `clients` closed-loop clients POST one
 * GraphQL query to `url` for `durationMs`, then the outcomes are printed as one JSON array.
 *
 *   tsx bench/load-clients.ts <url> <clients> <durationMs> <startAtEpochMs>
 */
import { performance } from 'node:perf_hooks';

export interface Outcome {
  /** Epoch ms when the request was sent. */
  at: number;
  ms: number;
  status: number;
  code: string | null;
  retryAfter: boolean;
  partial: boolean;
}

const QUERY = JSON.stringify({ query: '{ devices(first: 10) { totalCount edges { node { hostname online site { name } } } } }' });

async function request(url: string): Promise<Outcome> {
  const at = Date.now();
  const t0 = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY });
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    return {
      at,
      ms: performance.now() - t0,
      status: response.status,
      code: body.errors?.[0]?.extensions?.code ?? null,
      retryAfter: response.headers.has('retry-after'),
      partial: Boolean(body.errors?.length && body.data),
    };
  } catch {
    return { at, ms: performance.now() - t0, status: 0, code: 'NETWORK', retryAfter: false, partial: false };
  }
}

async function main() {
  const [url, clients, durationMs, startAt] = process.argv.slice(2);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const end = Date.now() + Number(durationMs);
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: Number(clients) }, async () => {
      while (Date.now() < end) {
        const outcome = await request(url!);
        outcomes.push(outcome);
        // A refused client backs off briefly, as a well-behaved client would.
        if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  process.stdout.write(JSON.stringify(outcomes));
}

void main();
