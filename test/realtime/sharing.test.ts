/**
 * Shared execution (src/realtime/shared-execution.ts): an event is executed once per group of
 * subscribers with the same document, variables and scope, and the result reaches each of them.
 * Sharing never widens a scope: users of different sites never receive each other's events, an
 * administrator's result is never a user's, and a subscriber resuming with `after` still gets
 * every event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident, requestApproval } from '../../dev/simulate/borealis-writes.js';
import { sharedExecutionCounts } from '../../src/realtime/shared-execution.js';
import { siteOf, startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway, type Stream } from './harness.js';

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway();
  // A second operator of alice's site (same scope as hers, another account).
  const { rows } = await gateway.writer.query<{ id: string }>(
    `INSERT INTO engine.users (username, password_sha512, role, auth_source, directory_disabled, auth_reset_required, created_at)
     VALUES ('alice2', 'x', 'User', 'local', 0, 0, 1763640000) RETURNING id::text`,
  );
  await gateway.writer.query(`INSERT INTO engine.user_site_assignments (user_id, site_id, assigned_at) VALUES ($1, $2, 1763640000)`, [
    Number(rows[0]!.id),
    siteOf(gateway, 'Acme HQ').siteId,
  ]);
});
afterAll(async () => {
  await gateway?.close();
});

const INCIDENTS = `subscription { incidentChanged { kind cursor incident { databaseId site { name } } } }`;
const subscribers = (count: number) => waitForSubscribers(gateway, count);
const incidentIds = (stream: Stream) => stream.results.map((r) => r.data.incidentChanged.incident.databaseId as string);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('shared execution of subscription events', () => {
  it('one execution per event and scope; users of different sites never receive each other’s events', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const globex = siteOf(gateway, 'Globex Plant'); // one of bob's two sites
    const elsewhere = gateway.targets.devices.find((d) => !['Acme HQ', 'Acme Branch Office', 'Globex Plant'].includes(d.siteName))!;
    const alices = [gateway.ws('alice', INCIDENTS), gateway.ws('alice', INCIDENTS), gateway.ws('alice', INCIDENTS), gateway.ws('alice2', INCIDENTS), gateway.ws('alice2', INCIDENTS)];
    const bobs = [gateway.ws('bob', INCIDENTS), gateway.ws('bob', INCIDENTS)];
    const admins = [gateway.ws('admin', INCIDENTS), gateway.ws('admin', INCIDENTS)];
    await subscribers(9);
    const before = { ...sharedExecutionCounts };

    const own = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    const bobs1 = await openIncident(gateway.writer, gateway.targets.watchdogId, globex);
    const foreign = await openIncident(gateway.writer, gateway.targets.watchdogId, elsewhere);
    for (const admin of admins) await admin.until(3);
    for (const alice of alices) await alice.until(1);
    for (const bob of bobs) await bob.until(1);
    await settle();

    for (const alice of alices) expect(alice.results.map((r) => r.data.incidentChanged.incident)).toEqual([{ databaseId: own, site: { name: 'Acme HQ' } }]);
    for (const bob of bobs) expect(bob.results.map((r) => r.data.incidentChanged.incident)).toEqual([{ databaseId: bobs1, site: { name: 'Globex Plant' } }]);
    for (const admin of admins) expect(incidentIds(admin)).toEqual([own, bobs1, foreign]);
    // alice and alice2 (same site set) share one execution, bob's scope one, the admins one per
    // event: 5 executions for 5 + 2 + 3 * 2 = 13 deliveries.
    expect({ executions: sharedExecutionCounts.executions - before.executions, deliveries: sharedExecutionCounts.deliveries - before.deliveries }).toEqual({
      executions: 5,
      deliveries: 13,
    });
    await Promise.all([...alices, ...bobs, ...admins].map((stream) => stream.close()));
    await subscribers(0);
  });

  it("an administrator's result is never a user's: the same document resolves per scope", async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    // approvedBy is shown to administrators only (null for a User).
    const APPROVALS = `subscription { approvalChanged { kind approval { databaseId approvedBy { username } } } }`;
    const alice = gateway.ws('alice', APPROVALS);
    const admin = gateway.ws('admin', APPROVALS);
    await subscribers(2);
    const id = await requestApproval(gateway.writer, acme);
    // The row is loaded when its change is read: decide only once the request was delivered.
    await alice.until(1);
    await admin.until(1);
    await gateway.writer.query(`UPDATE engine.device_approvals SET status = 'approved', approved_by_user_id = 'admin', updated_at = $2 WHERE id = $1`, [
      id,
      new Date().toISOString().replace('Z', '+00:00'),
    ]);
    const approvedBy = (stream: Stream) => stream.results.map((r) => [r.data.approvalChanged.kind, r.data.approvalChanged.approval.approvedBy]);
    await alice.until(2);
    await admin.until(2);
    expect(approvedBy(alice)).toEqual([
      ['REQUESTED', null],
      ['STATUS_CHANGED', null],
    ]);
    expect(approvedBy(admin)).toEqual([
      ['REQUESTED', null],
      ['STATUS_CHANGED', { username: 'admin' }],
    ]);
    await Promise.all([alice.close(), admin.close()]);
    await subscribers(0);
  });

  it('a subscriber resuming with `after` next to a live one of its group gets every event exactly once', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const live = gateway.ws('alice', INCIDENTS);
    const first = gateway.ws('alice', INCIDENTS);
    await subscribers(2);
    const e1 = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    const [seen] = await first.until(1);
    await first.close();
    await subscribers(1);
    const e2 = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    const e3 = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await live.until(3);
    const resumed = gateway.ws('alice', `subscription($after: String) { incidentChanged(after: $after) { kind cursor incident { databaseId site { name } } } }`, {
      after: seen!.data.incidentChanged.cursor,
    });
    await subscribers(2);
    await resumed.until(2);
    const e4 = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await resumed.until(3);
    await live.until(4);
    await settle();
    expect(incidentIds(resumed)).toEqual([e2, e3, e4]);
    expect(incidentIds(live)).toEqual([e1, e2, e3, e4]);
    await Promise.all([live.close(), resumed.close()]);
    await subscribers(0);
  });

  it('graphql-ws subscribers are written directly, SSE subscribers through their stream; both receive the same', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const ws = gateway.ws('alice', INCIDENTS);
    const sse = await gateway.sse('alice', INCIDENTS);
    await subscribers(2);
    const before = { ...sharedExecutionCounts };
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await ws.until(1);
    await sse.until(1);
    expect(ws.results).toEqual(sse.results);
    expect(incidentIds(ws)).toEqual([id]);
    // One execution for the group; of its two deliveries, graphql-ws's was written directly.
    expect({
      executions: sharedExecutionCounts.executions - before.executions,
      deliveries: sharedExecutionCounts.deliveries - before.deliveries,
      direct: sharedExecutionCounts.direct - before.direct,
    }).toEqual({ executions: 1, deliveries: 2, direct: 1 });
    await Promise.all([ws.close(), sse.close()]);
    await subscribers(0);
  });

  it('SSE subscribers of one group share one serialization of each result', async () => {
    const acme = siteOf(gateway, 'Acme HQ');
    const streams = await Promise.all([gateway.sse('alice', INCIDENTS), gateway.sse('alice', INCIDENTS), gateway.sse('alice2', INCIDENTS)]);
    await subscribers(3);
    const before = { ...sharedExecutionCounts };
    const id = await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    for (const stream of streams) await stream.until(1);
    for (const stream of streams) expect(incidentIds(stream)).toEqual([id]);
    expect({
      executions: sharedExecutionCounts.executions - before.executions,
      deliveries: sharedExecutionCounts.deliveries - before.deliveries,
      serialized: sharedExecutionCounts.serialized - before.serialized,
    }).toEqual({ executions: 1, deliveries: 3, serialized: 1 });
    await Promise.all(streams.map((stream) => stream.close()));
    await subscribers(0);
  });
});
