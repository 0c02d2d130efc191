/**
 * Resume and resilience: a client that reconnects with the cursor of the last event it saw gets
 * the missed events exactly once and then the live ones; a terminated LISTEN session loses
 * nothing; a cursor older than the retained log is refused with CURSOR_EXPIRED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeIncident, openIncident, resolveIncident, retriggerIncident } from '../../dev/simulate/borealis-writes.js';
import { pruneChangeLog } from '../../src/realtime/change-log.js';
import { siteOf, startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const INCIDENTS = `subscription Incidents($after: String) { incidentChanged(after: $after) { kind cursor incidentId } }`;
const subscribers = (count: number) => waitForSubscribers(gateway, count);
const kinds = (results: Array<{ data?: { incidentChanged: { kind: string; incidentId: string } } }>) =>
  results.map((r) => `${r.data!.incidentChanged.kind}:${r.data!.incidentChanged.incidentId}`);

describe('resume after a cursor', () => {
  it('a reconnecting client gets the missed events exactly once, then live ones (graphql-ws, then SSE)', async () => {
    const device = siteOf(gateway, 'Acme HQ');
    const first = gateway.ws('alice', INCIDENTS);
    await subscribers(1);
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    const [seen] = await first.until(1);
    await first.close();
    await subscribers(0);

    // Missed while disconnected.
    await retriggerIncident(gateway.writer, id);
    await acknowledgeIncident(gateway.writer, id);
    const resumed = await gateway.sse('alice', INCIDENTS, { after: seen!.data.incidentChanged.cursor });
    await resumed.until(2);
    await resolveIncident(gateway.writer, id);
    await resumed.until(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kinds(resumed.results)).toEqual([`UPDATED:${id}`, `ACKNOWLEDGED:${id}`, `RESOLVED:${id}`]);
    await resumed.close();
    await subscribers(0);
  });

  it('writes racing the resume: every change after the cursor arrives once, in order', async () => {
    const device = siteOf(gateway, 'Acme HQ');
    const first = gateway.ws('admin', INCIDENTS);
    await subscribers(1);
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    const [seen] = await first.until(1);
    await first.close();
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await retriggerIncident(gateway.writer, id);
    })();
    const resumed = gateway.ws('admin', INCIDENTS, { after: seen!.data.incidentChanged.cursor });
    await writes;
    const results = await resumed.until(30);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.results).toHaveLength(30);
    const cursors = results.map((r) => BigInt(r.data.incidentChanged.cursor));
    expect(new Set(cursors).size).toBe(30);
    expect(cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!)).toBe(true);
    await resumed.close();
    await subscribers(0);
  });

  it('a cursor older than the retained change log: CURSOR_EXPIRED', async () => {
    const device = siteOf(gateway, 'Acme HQ');
    const stream = gateway.ws('admin', INCIDENTS);
    await subscribers(1);
    await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    const [seen] = await stream.until(1);
    await stream.close();
    for (let i = 0; i < 3; i++) await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    // Keep one row only: everything before the newest is pruned.
    expect(await pruneChangeLog(gateway.db.pool, { changeLogRetentionSeconds: 86_400, changeLogMaxRows: 1 })).toBeGreaterThan(0);
    const expired = gateway.ws('admin', INCIDENTS, { after: seen!.data.incidentChanged.cursor });
    const [result] = await expired.until(1);
    expect(result!.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(result!.errors?.[0]?.message).toMatch(/re-query/);
    await expired.close();
    await subscribers(0);
  });
});

describe('the LISTEN connection', () => {
  it('terminated by pg_terminate_backend, then writes: still delivered, and the listener comes back', async () => {
    const device = siteOf(gateway, 'Acme HQ');
    const stream = gateway.ws('admin', INCIDENTS);
    await subscribers(1);
    await expect.poll(() => gateway.hub.status().listening).toBe(true);
    const { rows } = await gateway.writer.query(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    expect(rows).toEqual([{ terminated: true }]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await openIncident(gateway.writer, gateway.targets.watchdogId, device));
    const results = await stream.until(3);
    expect(results.map((r) => r.data.incidentChanged.incidentId)).toEqual(ids);
    await expect.poll(() => gateway.hub.status().listening, { timeout: 10_000 }).toBe(true);
    const after = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    expect((await stream.until(4))[3]!.data.incidentChanged.incidentId).toBe(after);
    await stream.close();
  });
});
