/**
 * The subscribers of `npm run bench:subscriptions`, in their own process so the gateway's CPU is
 * its own: opens `count` graphql-ws connections (one incidentChanged subscription each, tokens
 * alternating between an admin and a one-site user), then records, per received event, the
 * latency from the change's commit (its changedAt) to its arrival. Prints one JSON line at the end.
 * Usage: subscription-clients.ts <wsUrl> <count> <durationMs> <adminToken> <userToken>
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, countText, durationText, adminToken, userToken] = process.argv.slice(2);
const count = Number(countText);
/** Latency histogram in milliseconds (the last bucket holds everything slower). */
const histogram = new Array<number>(60_001).fill(0);
let received = 0;
let connected = 0;
let errors = 0;
const clients = [];
const QUERY = 'subscription { incidentChanged { kind cursor changedAt incidentId } }';

for (let i = 0; i < count; i++) {
  const client = createClient({
    url: url!,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${i % 2 ? userToken : adminToken}` },
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => connected++ },
    onNonLazyError: () => errors++,
  });
  client.subscribe(
    { query: QUERY },
    {
      next: (result) => {
        const changedAt = (result.data as { incidentChanged?: { changedAt: string } } | null)?.incidentChanged?.changedAt;
        if (!changedAt) return void errors++;
        histogram[Math.min(Math.max(0, Date.now() - Date.parse(changedAt)), 60_000)]!++;
        received++;
      },
      error: () => errors++,
      complete: () => {},
    },
  );
  clients.push(client);
  // Open connections in steps, as real clients arrive over time.
  if (i % 200 === 199) {
    process.stderr.write(`  ${i + 1} opened, ${connected} connected\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
for (let waited = 0; connected < count && errors === 0; waited += 100) {
  if (waited % 2000 === 0) process.stderr.write(`  ${connected}/${count} subscribers connected (${errors} errors)\n`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write(JSON.stringify({ ready: connected }) + '\n');
// The parent starts writing now; measure for the duration, then report.
await new Promise((resolve) => setTimeout(resolve, Number(durationText)));
const percentile = (p: number) => {
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) if ((seen += histogram[ms]!) >= received * p) return ms;
  return null;
};
process.stdout.write(JSON.stringify({ connected, errors, received, p50: percentile(0.5), p99: percentile(0.99), max: percentile(1) }) + '\n');
await Promise.all(clients.map((client) => client.dispose()));
process.exit(0);
