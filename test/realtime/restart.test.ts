/**
 * A PostgreSQL restart under live subscriptions: a server of the test's own is stopped (fast
 * shutdown) and started again on the same data folder and port while graphql-ws and SSE
 * subscribers (an admin and a one-site user) stay connected. Every subscriber receives every
 * event it may see exactly once and in order, nothing of another site, and no error for an outage
 * shorter than GATEWAY_SUBSCRIPTION_OUTAGE_LIMIT_MS; a longer one ends the streams with the
 * retryable SUBSCRIPTIONS_INTERRUPTED, and resuming with `after` delivers what was missed.
 */
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, openIncident } from '../../dev/simulate/borealis-writes.js';
import { CHANGE_LOG } from '../../src/db/change-capture.js';
import { startRestartablePostgres, type RestartablePostgres } from '../../dev/restartable-postgres.js';
import { siteOf, startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway, type Stream } from './harness.js';

let postgres: RestartablePostgres;
/** Bridges outages of up to 20 s; `brief` (the second test's) only 1.5 s. */
let gateway: RealtimeGateway;
let brief: RealtimeGateway | undefined;
const sessions: pg.Client[] = [];

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  // Accounts re-read every 300 ms: re-reads failing during the outage must not end the streams.
  // Statements time out after 1 s: the last test makes the reader's row load fail that way.
  gateway = await startRealtimeGateway({
    serverUrl: postgres.url,
    env: { GATEWAY_SUBSCRIPTION_OUTAGE_LIMIT_MS: '20000', GATEWAY_SUBSCRIPTION_REVALIDATE_MS: '300', GATEWAY_DB_STATEMENT_TIMEOUT_MS: '1000' },
  });
});
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.end().catch(() => {})));
  await postgres?.start(); // a failed test may have left it stopped: the gateways' databases are dropped
  await brief?.close();
  await gateway?.close();
  await postgres?.destroy();
});

/** A new connection that writes like Borealis (the earlier ones died with the server). */
async function writerSession(on = gateway): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: on.db.url });
  client.on('error', () => {});
  await client.connect();
  sessions.push(client);
  return client;
}

const INCIDENTS = `subscription Incidents($after: String) {
  incidentChanged(after: $after, kinds: [OPENED]) { cursor incidentId siteIds incident { databaseId site { name } } }
}`;
const STATUS = `{ gatewayStatus { database subscriptions { mode listening lastSequence interruptedSince } } }`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the gateway says about itself, asked over HTTP as a monitor would: anonymously (an
 * operator's token cannot be checked while the database is down).
 */
async function status(of = gateway) {
  const response = await fetch(`${of.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: STATUS }) });
  const body = (await response.json()) as { data?: { gatewayStatus: { database: string; subscriptions: Record<string, unknown> } } };
  if (!body.data) throw new Error(`gatewayStatus failed: ${JSON.stringify(body)}`);
  return body.data.gatewayStatus;
}

/** Who sees what: every incident, or one site's. */
interface Audience {
  /** The incidents it may see, in the order they were committed. */
  expected: string[];
  siteOnly: number | null;
}

/** A graphql-ws handshake: the socket's close code and reason. */
async function connectWhileDown(): Promise<{ code: number; reason: string }> {
  const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.token('admin')}` } })));
  return new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

interface Subscriber extends Audience {
  name: string;
  stream: Stream;
}

/** Opens incidents alternately in Acme HQ and another site; each audience expects those it may see. */
function writes(audiences: Audience[], acme: ReturnType<typeof siteOf>, other: ReturnType<typeof siteOf>, on = gateway) {
  let count = 0;
  return async (writer: pg.Client) => {
    const device = count++ % 2 === 0 ? acme : other;
    const id = await openIncident(writer, on.targets.watchdogId, device);
    for (const audience of audiences) if (audience.siteOnly === null || audience.siteOnly === device.siteId) audience.expected.push(id);
    return id;
  };
}

/** Every subscriber has exactly its expected events, in order, without errors, of its site only. */
async function expectExactlyOnce(subscribersOf: Subscriber[]) {
  for (const subscriber of subscribersOf) await subscriber.stream.until(subscriber.expected.length, 20_000);
  await pause(500); // a duplicate would arrive right behind
  for (const { name, stream, expected, siteOnly } of subscribersOf) {
    expect(stream.results.filter((result) => result.errors), name).toEqual([]);
    const events = stream.results.map((result) => result.data.incidentChanged);
    expect(events.map((event) => event.incidentId), name).toEqual(expected);
    expect(events.every((event) => event.incident.databaseId === event.incidentId), name).toBe(true);
    if (siteOnly !== null) expect(new Set(events.flatMap((event) => event.siteIds)), name).toEqual(new Set([String(siteOnly)]));
  }
}

describe('a PostgreSQL restart', () => {
  it('shorter than the outage limit: every subscriber gets every event it may see exactly once, in order, without an error', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const other = gateway.targets.devices.find((device) => device.siteName !== 'Acme HQ')!;
    const subscribersOf: Subscriber[] = [
      { name: 'admin ws', stream: gateway.ws('admin', INCIDENTS), expected: [], siteOnly: null },
      { name: 'admin sse', stream: await gateway.sse('admin', INCIDENTS), expected: [], siteOnly: null },
      { name: 'alice ws', stream: gateway.ws('alice', INCIDENTS), expected: [], siteOnly: acme.siteId },
      { name: 'alice sse', stream: await gateway.sse('alice', INCIDENTS), expected: [], siteOnly: acme.siteId },
    ];
    await waitForSubscribers(gateway, subscribersOf.length);
    const write = writes(subscribersOf, acme, other);

    // Before the stop: delivered as usual.
    const before = await writerSession();
    for (let i = 0; i < 4; i++) await write(before);
    await expectExactlyOnce(subscribersOf);

    // A change held back at the stop: a lower sequence is taken by a transaction the shutdown
    // rolls back, the next one commits and must wait for it.
    const doomed = await writerSession();
    await doomed.query('BEGIN');
    const rolledBack = await openIncident(doomed, gateway.targets.watchdogId, acme);
    await write(before);
    await pause(300);
    expect(subscribersOf.map((s) => s.stream.results.length)).toEqual(subscribersOf.map((s) => s.expected.length - 1));

    await postgres.stop();
    await expect.poll(async () => (await status()).database, { timeout: 10_000 }).toBe('down');
    const down = await status();
    expect(down.subscriptions).toMatchObject({ mode: 'triggers', listening: false });
    expect(down.subscriptions.interruptedSince).toEqual(expect.any(String));
    // A client connecting now is told to retry: graphql-ws 1013 (Try Again Later), SSE 503 + Retry-After.
    expect(await connectWhileDown()).toEqual({ code: 1013, reason: 'Database unavailable: try again later' });
    const sse = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${gateway.token('admin')}` },
      body: JSON.stringify({ query: INCIDENTS }),
    });
    expect([sse.status, sse.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await sse.text()).toMatch(/"code":"DB_UNAVAILABLE"/);
    await pause(500);

    await postgres.start();
    // Committed right after the start, very likely before the listener is back: read from the log.
    const after = await writerSession();
    await write(after);
    await write(after);
    await expect.poll(async () => (await status()).subscriptions.listening, { timeout: 15_000 }).toBe(true);
    await write(after);
    await write(after);
    await expectExactlyOnce(subscribersOf);
    expect(subscribersOf.flatMap((s) => s.stream.results.map((r) => r.data.incidentChanged.incidentId))).not.toContain(rolledBack);

    // The request pool recovered, and the status is truthful again.
    const { rows } = await after.query<{ seq: string }>(`SELECT max(seq)::text AS seq FROM ${CHANGE_LOG}`);
    await expect.poll(async () => (await status()).subscriptions.lastSequence).toBe(rows[0]!.seq);
    const up = await status();
    expect(up).toMatchObject({ database: 'up', subscriptions: { mode: 'triggers', listening: true, interruptedSince: null } });
    expect(gateway.hub.status().subscribers).toBe(subscribersOf.length);
    await Promise.all(subscribersOf.map((s) => s.stream.close()));
    await waitForSubscribers(gateway, 0);
  });

  it('longer than the outage limit: the streams end with the retryable SUBSCRIPTIONS_INTERRUPTED; resuming with `after` delivers what was missed, once', async () => {
    brief = await startRealtimeGateway({ serverUrl: postgres.url, env: { GATEWAY_SUBSCRIPTION_OUTAGE_LIMIT_MS: '1500' } });
    const on = brief;
    const acme = siteOf(on, 'Acme HQ');
    const other = on.targets.devices.find((device) => device.siteName !== 'Acme HQ')!;
    const first: Subscriber[] = [
      { name: 'admin ws', stream: on.ws('admin', INCIDENTS), expected: [], siteOnly: null },
      { name: 'alice sse', stream: await on.sse('alice', INCIDENTS), expected: [], siteOnly: acme.siteId },
    ];
    await waitForSubscribers(on, first.length);
    const write = writes(first, acme, other, on);
    const before = await writerSession(on);
    for (let i = 0; i < 3; i++) await write(before);
    await expectExactlyOnce(first);

    await postgres.stop();
    const ended = await Promise.all(
      first.map(async ({ stream }) => {
        await stream.ended;
        return stream.results.at(-1)!.errors![0]!;
      }),
    );
    for (const error of ended) {
      expect(error.extensions?.code).toBe('SUBSCRIPTIONS_INTERRUPTED');
      expect(error.message).toMatch(/Subscribe again with `after`/);
    }
    // Where to resume: the admin's last cursor; alice's is at least hers (later changes she may not see were passed).
    const lastCursor = (stream: Stream) => BigInt(stream.results.at(-2)!.data.incidentChanged.cursor);
    expect(BigInt(ended[0]!.extensions!.after as string)).toBe(lastCursor(first[0]!.stream));
    expect(BigInt(ended[1]!.extensions!.after as string) >= lastCursor(first[1]!.stream)).toBe(true);
    expect(on.hub.status().subscribers).toBe(0);

    await postgres.start();
    // Committed while nobody is subscribed: the resumed subscriptions read them from the log.
    const after = await writerSession(on);
    const [adminMissed, aliceMissed]: Audience[] = [
      { expected: [], siteOnly: null },
      { expected: [], siteOnly: acme.siteId },
    ];
    const writeMissed = writes([adminMissed!, aliceMissed!], acme, other, on);
    await writeMissed(after);
    await writeMissed(after);
    // Subscribing again is refused (SUBSCRIPTIONS_INTERRUPTED) until the feed is back.
    await expect.poll(async () => (await status(on)).subscriptions.interruptedSince, { timeout: 10_000 }).toBe(null);
    const missed: Subscriber[] = [
      { name: 'admin ws resumed', stream: on.ws('admin', INCIDENTS, { after: ended[0]!.extensions!.after }), ...adminMissed! },
      { name: 'alice sse resumed', stream: await on.sse('alice', INCIDENTS, { after: ended[1]!.extensions!.after }), ...aliceMissed! },
    ];
    await waitForSubscribers(on, missed.length);
    await writeMissed(after);
    await expectExactlyOnce(missed);
    await Promise.all(missed.map((s) => s.stream.close()));
  });
});

describe('a failing read of the changes, the database up', () => {
  it('is retried with backoff, not left for the next notification: the event arrives as soon as the row can be loaded', async () => {
    const stream = gateway.ws('admin', `subscription { runChanged { kind runId } }`);
    await waitForSubscribers(gateway, 1);
    // A run's sites are read from device_sites: locked, the reader's row load times out (1 s), again and again.
    const locker = await writerSession();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE engine.device_sites IN ACCESS EXCLUSIVE MODE');
    const writer = await writerSession();
    const run = await createRun(writer, gateway.targets.jobId, gateway.targets.devices[0]!);
    await expect.poll(async () => (await status()).subscriptions.interruptedSince, { timeout: 5000 }).toEqual(expect.any(String));
    // The reader's attempts, seen waiting for the lock: with no notification coming any more, only
    // its retries (100 ms doubling, after each 1 s timeout: about 4 in 5 s) try again; its 5 s
    // safety wake-up would add at most one.
    const attempts = new Set<string>();
    for (const until = Date.now() + 5000; Date.now() < until; await pause(100)) {
      // Not from the locker: pg_stat_activity stays as first read within a transaction.
      const { rows } = await writer.query<{ attempt: string }>(
        `SELECT pid || '@' || query_start AS attempt FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%device_sites%'`,
      );
      for (const row of rows) attempts.add(row.attempt);
    }
    expect(attempts.size).toBeGreaterThanOrEqual(3);
    expect(stream.results).toEqual([]);
    const released = Date.now();
    await locker.query('ROLLBACK');
    const [event] = await stream.until(1, 5000);
    expect(Date.now() - released).toBeLessThan(3000);
    expect(event!.data.runChanged).toEqual({ kind: 'CREATED', runId: run });
    await expect.poll(async () => (await status()).subscriptions.interruptedSince).toBe(null);
    await stream.close();
    await waitForSubscribers(gateway, 0);
  });
});
