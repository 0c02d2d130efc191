/**
 * Without the capture triggers (a role that may not create them) the gateway polls the captured
 * tables by their update column: events still arrive, gatewayStatus says so, and `after` is
 * refused with RESUME_UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeIncident, createRun, moveRun, openIncident, resolveIncident } from '../../dev/simulate/borealis-writes.js';
import { siteOf, startRealtimeGateway, subscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway({ capture: false });
});
afterAll(async () => {
  await gateway?.close();
});

describe('polling fallback', () => {
  it('gatewayStatus reports polling and why', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token('admin')}` },
      body: JSON.stringify({ query: '{ gatewayStatus { subscriptions { mode detail listening } } }' }),
    });
    const { data } = await response.json();
    expect(data.gatewayStatus.subscriptions.mode).toBe('polling');
    expect(data.gatewayStatus.subscriptions.listening).toBe(false);
    expect(data.gatewayStatus.subscriptions.detail).toMatch(/triggers missing on scheduled_job_runs, watchdog_incidents/);
  });

  it('incident and run changes still arrive (graphql-ws and SSE), scoped to the site', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const other = gateway.targets.devices.find((d) => d.siteName !== 'Acme HQ')!;
    const incidents = gateway.ws('alice', 'subscription { incidentChanged { kind state incident { databaseId } } }');
    const runs = await gateway.sse('admin', 'subscription { runChanged { kind status runId } }');
    await subscribers(gateway, 2);
    await openIncident(gateway.writer, gateway.targets.watchdogId, other);
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await acknowledgeIncident(gateway.writer, id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await resolveIncident(gateway.writer, id);
    const run = await createRun(gateway.writer, gateway.targets.jobId, acme);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await moveRun(gateway.writer, run, 'Running');

    const events = (await incidents.until(3)).map((r) => r.data.incidentChanged);
    expect(events.map((e) => [e.kind, e.incident.databaseId])).toEqual([
      ['OPENED', id],
      ['ACKNOWLEDGED', id],
      ['RESOLVED', id],
    ]);
    expect((await runs.until(2)).map((r) => [r.data.runChanged.kind, r.data.runChanged.runId])).toEqual([
      ['CREATED', run],
      ['STATUS_CHANGED', run],
    ]);
    await incidents.close();
    await runs.close();
  });

  it('`after` is refused with RESUME_UNAVAILABLE', async () => {
    const stream = gateway.ws('admin', 'subscription { incidentChanged(after: "12") { kind } }');
    const [result] = await stream.until(1);
    expect(result!.errors?.[0]?.extensions?.code).toBe('RESUME_UNAVAILABLE');
    await stream.close();
  });
});
