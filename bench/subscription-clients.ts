/**
 * The subscribers of `npm run bench:subscriptions`, in their own process so the gateway's CPU is
 * its own. Usage: subscription-clients.ts <plan.json>, the plan being
 * `{ url, wave, waveTimeoutMs, profiles: [{ token, query, count }] }`.
 *
 * Opens one graphql-ws connection per subscriber (one subscription each), in waves of at most
 * `wave` handshakes at a time: a wave must be fully acknowledged before the next one starts, so
 * thousands of clients never hit the server's listen backlog at once. Talks to the benchmark as
 * JSON lines: on stdout `progress` per wave, then `connected`, or `failed` (and exit code 1) when
 * a connection is refused or closed or a wave makes no progress in time; on stdin `measure <ms>`
 * sets where the measured window starts (epoch ms: deliveries of changes made earlier are the
 * warm-up's), `report` answers a `report` line (received per profile; latency from the change's
 * commit, its `changedAt`, to arrival: p50/p99/max of the measured window, p99/max of the warm-up,
 * and the slowest delivery of each second), `exit` disposes of every client and exits.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

interface Profile {
  token: string;
  query: string;
  count: number;
}
interface Plan {
  url: string;
  wave: number;
  waveTimeoutMs: number;
  profiles: Profile[];
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const total = plan.profiles.reduce((sum, profile) => sum + profile.count, 0);
/** Latency histograms in milliseconds (the last bucket holds everything slower): warm-up, measured. */
const newHistogram = () => new Array<number>(60_001).fill(0);
const warmUp = { histogram: newHistogram(), received: 0 };
const measured = { histogram: newHistogram(), received: 0 };
/** Changes made from this time on (epoch ms) are measured; before it, the warm-up's. */
let measureFrom = 0;
/** The slowest delivery of the changes of each second (epoch seconds): where a tail comes from. */
const slowestBySecond = new Map<number, number>();
const receivedByProfile = plan.profiles.map(() => 0);
const clients: Client[] = [];
const failures: string[] = [];
let connected = 0;
let errors = 0;

const send = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

function changedAtOf(data: unknown): string | undefined {
  if (!data) return undefined;
  return Object.values(data as Record<string, { changedAt?: string } | null>)[0]?.changedAt;
}

/** One subscriber: resolves when its connection is acknowledged, rejects with why it is not. */
function subscriber(profileIndex: number): Promise<void> {
  const profile = plan.profiles[profileIndex]!;
  return new Promise<void>((resolve, reject) => {
    const client = createClient({
      url: plan.url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${profile.token}` },
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(),
        closed: (event) => {
          const close = event as { code?: number; reason?: string };
          reject(new Error(`closed ${close.code ?? '?'} ${close.reason ?? ''}`.trim()));
        },
      },
      onNonLazyError: (error) => reject(error instanceof Error ? error : new Error(`connection error ${JSON.stringify(error)}`)),
    });
    clients.push(client);
    client.subscribe(
      { query: profile.query },
      {
        next: (result) => {
          const changedAt = changedAtOf(result.data);
          if (!changedAt) return void errors++;
          const madeAt = Date.parse(changedAt);
          const latency = Math.min(Math.max(0, Date.now() - madeAt), 60_000);
          const window = madeAt >= measureFrom ? measured : warmUp;
          window.histogram[latency]!++;
          window.received++;
          const second = Math.floor(madeAt / 1000);
          slowestBySecond.set(second, Math.max(slowestBySecond.get(second) ?? 0, latency));
          receivedByProfile[profileIndex]!++;
        },
        error: () => errors++,
        complete: () => {},
      },
    );
  });
}

function percentile({ histogram, received }: typeof measured, p: number): number | null {
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) if ((seen += histogram[ms]!) >= received * p && seen > 0) return ms;
  return null;
}

function report() {
  const received = receivedByProfile.reduce((sum, n) => sum + n, 0);
  const cpu = process.cpuUsage();
  send({
    type: 'report',
    cpuMs: (cpu.user + cpu.system) / 1000,
    connected,
    errors,
    received,
    receivedByProfile,
    p50: percentile(measured, 0.5),
    p99: percentile(measured, 0.99),
    max: percentile(measured, 1),
    warmUpP99: percentile(warmUp, 0.99),
    warmUpMax: percentile(warmUp, 1),
    slowestBySecond: [...slowestBySecond].sort(([a], [b]) => a - b).map(([, ms]) => ms),
  });
}

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line === 'report') report();
  if (line.startsWith('measure ')) measureFrom = Number(line.slice('measure '.length));
  if (line === 'exit') void Promise.all(clients.map((client) => client.dispose())).finally(() => process.exit(0));
});
// The benchmark went away: nothing to report to.
commands.on('close', () => process.exit(0));

const order = plan.profiles.flatMap((profile, index) => Array.from({ length: profile.count }, () => index));
for (let start = 0; start < order.length; start += plan.wave) {
  const wave = order.slice(start, start + plan.wave).map((profile) =>
    subscriber(profile).then(
      () => void connected++,
      (error: unknown) => void failures.push((error as Error).message),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), plan.waveTimeoutMs)));
  const outcome = await Promise.race([Promise.all(wave), timedOut]);
  clearTimeout(timer);
  send({ type: 'progress', connected, total });
  if (outcome === 'timeout' || failures.length) {
    const reasons = failures.length ? `${failures.length} failed (first: ${failures.slice(0, 3).join('; ')})` : `no acknowledgement within ${plan.waveTimeoutMs} ms`;
    send({ type: 'failed', connected, total, reason: `wave at ${start}: ${reasons}` });
    process.exit(1);
  }
}
send({ type: 'connected', connected, total });
