/**
 * Scope per event, with the same access rules as the queries: a one-site user never receives
 * another site's event, a run follows its device when the device moves to another site, and a
 * disabled account's stream ends (WebSocket and SSE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, moveRun, openIncident, requestApproval, decideApproval } from '../../dev/simulate/borealis-writes.js';
import { siteOf, startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway({ env: { GATEWAY_SUBSCRIPTION_REVALIDATE_MS: '300' } });
});
afterAll(async () => {
  await gateway?.close();
});

const INCIDENTS = `subscription { incidentChanged { kind siteIds incident { databaseId site { name } } } }`;
const APPROVALS = `subscription { approvalChanged { kind status approvalId approval { databaseId status site { name } } } }`;
const RUNS = `subscription { runChanged { kind status runId run { targetHostname } } }`;

const subscribers = (count: number) => waitForSubscribers(gateway, count);

describe('per-event scope', () => {
  it("alice (Acme HQ) receives her site's incidents and approvals, never another site's; the admin receives both", async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const other = gateway.targets.devices.find((d) => d.siteName !== 'Acme HQ')!;
    const alice = gateway.ws('alice', INCIDENTS);
    const aliceSse = await gateway.sse('alice', APPROVALS);
    const admin = gateway.ws('admin', INCIDENTS);
    await subscribers(3);
    const foreign = await openIncident(gateway.writer, gateway.targets.watchdogId, other);
    const foreignApproval = await requestApproval(gateway.writer, other);
    const own = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    const ownApproval = await requestApproval(gateway.writer, acme);
    await decideApproval(gateway.writer, foreignApproval, 'denied');
    await decideApproval(gateway.writer, ownApproval, 'approved');

    expect((await admin.until(2)).map((r) => r.data.incidentChanged.incident.databaseId)).toEqual([foreign, own]);
    const [aliceIncident] = await alice.until(1);
    expect(aliceIncident!.data.incidentChanged.incident).toEqual({ databaseId: own, site: { name: 'Acme HQ' } });
    const approvals = (await aliceSse.until(2)).map((r) => r.data.approvalChanged);
    expect(approvals.map((a) => [a.kind, a.status, a.approvalId])).toEqual([
      ['REQUESTED', 'pending', ownApproval],
      ['STATUS_CHANGED', 'approved', ownApproval],
    ]);
    // Whatever else arrives later, nothing of the other site ever did.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alice.results.map((r) => r.data.incidentChanged.incident.databaseId)).toEqual([own]);
    expect(aliceSse.results.map((r) => r.data.approvalChanged.approvalId)).toEqual([ownApproval, ownApproval]);
    await Promise.all([alice.close(), aliceSse.close(), admin.close()]);
    // A closed WebSocket and an aborted SSE request both end their subscriptions on the server.
    await subscribers(0);
  });

  it("a run stops reaching alice once its device moved to another site", async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const elsewhere = gateway.targets.devices.find((d) => d.siteName !== 'Acme HQ')!;
    const alice = gateway.ws('alice', RUNS);
    const admin = gateway.ws('admin', RUNS);
    await subscribers(2);
    const run = await createRun(gateway.writer, gateway.targets.jobId, acme);
    await alice.until(1);
    await gateway.writer.query('UPDATE engine.device_sites SET site_id = $2 WHERE device_hostname = $1', [acme.hostname, elsewhere.siteId]);
    try {
      await moveRun(gateway.writer, run, 'Running');
      await moveRun(gateway.writer, run, 'Success');
      expect((await admin.until(3)).map((r) => r.data.runChanged.status)).toEqual(['Pending', 'Running', 'Success']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(alice.results.map((r) => r.data.runChanged.status)).toEqual(['Pending']);
    } finally {
      await gateway.writer.query('UPDATE engine.device_sites SET site_id = $2 WHERE device_hostname = $1', [acme.hostname, acme.siteId]);
    }
    await Promise.all([alice.close(), admin.close()]);
    await subscribers(0);
  });

  it("a user assigned to another site: after re-validation its changes reach her, the old site's no longer do", async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const other = gateway.targets.devices.find((d) => d.siteName !== 'Acme HQ')!;
    const alice = gateway.ws('alice', INCIDENTS);
    await subscribers(1);
    const { rows } = await gateway.writer.query<{ user_id: number; site_id: number }>(
      `SELECT a.user_id, a.site_id FROM engine.user_site_assignments a JOIN engine.users u ON u.id = a.user_id WHERE u.username = 'alice'`,
    );
    const aliceId = rows[0]!.user_id;
    await gateway.writer.query('UPDATE engine.user_site_assignments SET site_id = $2 WHERE user_id = $1 AND site_id = $3', [aliceId, other.siteId, acme.siteId]);
    try {
      // Re-validation runs every 300 ms here: after it, alice is indexed under the other site.
      await new Promise((resolve) => setTimeout(resolve, 900));
      const old = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
      const moved = await openIncident(gateway.writer, gateway.targets.watchdogId, other);
      const [received] = await alice.until(1);
      expect(received!.data.incidentChanged.incident.databaseId).toBe(moved);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(alice.results.map((r) => r.data.incidentChanged.incident.databaseId)).toEqual([moved]);
      expect(old).not.toBe(moved);
    } finally {
      await gateway.writer.query('UPDATE engine.user_site_assignments SET site_id = $3 WHERE user_id = $1 AND site_id = $2', [aliceId, other.siteId, acme.siteId]);
    }
    await alice.close();
    await subscribers(0);
  });

  it("a disabled account's streams end with UNAUTHENTICATED, on WebSocket and SSE", async () => {
    const ws = gateway.ws('bob', INCIDENTS);
    const sse = await gateway.sse('bob', INCIDENTS);
    await subscribers(2);
    await gateway.writer.query(`UPDATE engine.users SET directory_disabled = 1 WHERE username = 'bob'`);
    try {
      for (const stream of [ws, sse]) {
        await stream.ended;
        expect(stream.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    } finally {
      await gateway.writer.query(`UPDATE engine.users SET directory_disabled = 0 WHERE username = 'bob'`);
    }
  });
});
