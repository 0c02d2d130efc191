/**
 * Live subscriptions end to end: a real graphql-ws client and an SSE client, writes made over a
 * separate connection with plain SQL as Borealis makes them, change capture in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeIncident, createRun, moveRun, openIncident, resolveIncident, suppressIncident } from '../../dev/simulate/borealis-writes.js';
import { siteOf, startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
const subscribers = (count: number) => waitForSubscribers(gateway, count);
beforeAll(async () => {
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const INCIDENTS = `subscription Incidents($after: String, $kinds: [IncidentEventKind!]) {
  incidentChanged(after: $after, kinds: $kinds) { kind cursor state previousState siteIds incident { databaseId state hostname acknowledgedBy site { name } } }
}`;
const RUNS = `subscription Runs($jobIds: [ID!]) {
  runChanged(jobIds: $jobIds) { kind cursor status previousStatus runId run { databaseId status targetHostname startedAt finishedAt } }
}`;

describe('incident and run changes reach subscribers', () => {
  it('graphql-ws: an incident opened, acknowledged, suppressed, resolved arrives as four typed events', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const stream = gateway.ws('admin', INCIDENTS);
    await subscribers(1);
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await acknowledgeIncident(gateway.writer, id, 'alice');
    await suppressIncident(gateway.writer, id);
    await resolveIncident(gateway.writer, id);
    const results = await stream.until(4);
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined]);
    const events = results.map((r) => r.data.incidentChanged);
    expect(events.map((e) => e.kind)).toEqual(['OPENED', 'ACKNOWLEDGED', 'SUPPRESSED', 'RESOLVED']);
    expect(events.map((e) => e.state)).toEqual(['open', 'open', 'suppressed', 'resolved']);
    expect(events.map((e) => e.previousState)).toEqual([null, 'open', 'open', 'suppressed']);
    expect(events.every((e) => e.incident.databaseId === id && e.incident.hostname === acme.hostname)).toBe(true);
    expect(events[0].siteIds).toEqual([String(acme.siteId)]);
    expect(events[0].incident.site.name).toBe('Acme HQ');
    // The row as it is when the event is loaded: at least as new as the change.
    expect(events[3].incident.state).toBe('resolved');
    const cursors = events.map((e) => BigInt(e.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
    await stream.close();
    await subscribers(0);
  });

  it('SSE: a run moving Pending -> Running -> Success arrives as CREATED and two STATUS_CHANGED', async () => {
    const device = gateway.targets.devices[0]!;
    const stream = await gateway.sse('admin', RUNS, { jobIds: [String(gateway.targets.jobId)] });
    await subscribers(1);
    const id = await createRun(gateway.writer, gateway.targets.jobId, device);
    await moveRun(gateway.writer, id, 'Running');
    await moveRun(gateway.writer, id, 'Success');
    const events = (await stream.until(3)).map((r) => r.data.runChanged);
    expect(events.map((e) => [e.kind, e.status, e.previousStatus])).toEqual([
      ['CREATED', 'Pending', null],
      ['STATUS_CHANGED', 'Running', 'Pending'],
      ['STATUS_CHANGED', 'Success', 'Running'],
    ]);
    expect(events.every((e) => e.runId === id && e.run.targetHostname === device.hostname)).toBe(true);
    await stream.close();
    await subscribers(0);
  });

  it('filters: a subscriber to another job receives nothing of this one', async () => {
    const other = gateway.ws('admin', RUNS, { jobIds: ['999999'] });
    const mine = gateway.ws('admin', RUNS, { jobIds: [String(gateway.targets.jobId)] });
    await subscribers(2);
    await createRun(gateway.writer, gateway.targets.jobId, gateway.targets.devices[0]!);
    await mine.until(1);
    expect(other.results).toEqual([]);
    await Promise.all([other.close(), mine.close()]);
    await subscribers(0);
  });

  it('a malformed cursor is BAD_USER_INPUT', async () => {
    const stream = gateway.ws('admin', INCIDENTS, { after: 'yesterday' });
    const [result] = await stream.until(1);
    expect(result!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('anonymous SSE subscriptions are refused with UNAUTHENTICATED', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: INCIDENTS }),
    });
    expect(await response.text()).toMatch(/UNAUTHENTICATED/);
  });
});
