/**
 * Sequence gaps: a change whose transaction took a lower sequence number but has not committed yet
 * holds back the later ones (events stay in order, cursors stay exact), and only the change
 * writers do: a long transaction that logged no change, here or in another database, never
 * delays delivery.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident, retriggerIncident } from '../../dev/simulate/borealis-writes.js';
import { startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
const sessions: pg.Client[] = [];
beforeAll(async () => {
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.end().catch(() => {})));
  await gateway?.close();
});

async function session(database = gateway.db.url): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  sessions.push(client);
  return client;
}

const INCIDENTS = `subscription { incidentChanged(kinds: [UPDATED]) { cursor incidentId } }`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sequence gaps', () => {
  it('an uncommitted lower sequence holds the later event back; on commit both arrive in sequence order', async () => {
    const device = gateway.targets.devices[0]!;
    const [slow, fast] = [await openIncident(gateway.writer, gateway.targets.watchdogId, device), await openIncident(gateway.writer, gateway.targets.watchdogId, device)];
    const stream = gateway.ws('admin', INCIDENTS);
    await waitForSubscribers(gateway, 1);

    const open = await session();
    await open.query('BEGIN');
    await retriggerIncident(open, slow); // takes sequence n, not committed
    await retriggerIncident(gateway.writer, fast); // n + 1, committed
    await pause(500);
    expect(stream.results).toEqual([]);

    await open.query('COMMIT');
    const events = (await stream.until(2)).map((result) => result.data.incidentChanged);
    expect(events.map((event) => event.incidentId)).toEqual([slow, fast]);
    expect(BigInt(events[0].cursor) < BigInt(events[1].cursor)).toBe(true);
    await stream.close();
    await waitForSubscribers(gateway, 0);
  });

  it('a rolled-back change leaves a gap that settles at once; idle transactions elsewhere do not hold events', async () => {
    const device = gateway.targets.devices[1]!;
    const [id, other] = [await openIncident(gateway.writer, gateway.targets.watchdogId, device), await openIncident(gateway.writer, gateway.targets.watchdogId, device)];
    // Long transactions with an assigned transaction id that log no change: in this database and
    // in another one of the same server (e.g. a report or another application).
    const idleHere = await session();
    await idleHere.query('BEGIN');
    await idleHere.query('SELECT pg_current_xact_id()');
    const otherUrl = new URL(gateway.db.url);
    otherUrl.pathname = '/postgres';
    const idleElsewhere = await session(otherUrl.toString());
    await idleElsewhere.query('BEGIN');
    await idleElsewhere.query('SELECT pg_current_xact_id()');

    const stream = gateway.ws('admin', INCIDENTS);
    await waitForSubscribers(gateway, 1);
    const rolledBack = await session();
    await rolledBack.query('BEGIN');
    await retriggerIncident(rolledBack, other); // takes sequence n ...
    await retriggerIncident(gateway.writer, id); // n + 1, committed: a gap at n while the first runs
    await rolledBack.query('ROLLBACK');
    const [event] = (await stream.until(1, 3000)).map((result) => result.data.incidentChanged);
    expect(event.incidentId).toBe(id);

    await idleHere.query('ROLLBACK');
    await idleElsewhere.query('ROLLBACK');
    await stream.close();
    await waitForSubscribers(gateway, 0);
  });
});
