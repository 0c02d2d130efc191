/**
 * A change made through an operator mutation reaches subscribers like one Borealis writes itself
 * (the capture is in the database, not in the mutation code), with the same per-event scope: the
 * approving operator's site sees the approval move, another site's operator sees nothing of it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident } from '../../dev/simulate/borealis-writes.js';
import { startRealtimeGateway, subscribers as waitForSubscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  await gateway?.close();
});

async function mutate(username: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token(username)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function sitesOf(username: string): Promise<number[]> {
  const { rows } = await gateway.writer.query<{ site_id: string }>(
    `SELECT usa.site_id FROM engine.user_site_assignments usa JOIN engine.users u ON u.id = usa.user_id
      WHERE lower(u.username) = $1 ORDER BY usa.site_id`,
    [username],
  );
  return rows.map((row) => Number(row.site_id));
}

describe('mutations are seen by subscriptions', () => {
  it('acknowledgeIncident arrives as ACKNOWLEDGED with the operator who acknowledged', async () => {
    const device = gateway.targets.devices[0]!;
    const stream = gateway.ws('admin', `subscription { incidentChanged { kind state incident { databaseId acknowledgedBy } } }`);
    await waitForSubscribers(gateway, 1);
    const incidentId = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    const data = await mutate('admin', `mutation($id: ID!) { acknowledgeIncident(input: { id: $id }) { __typename } }`, { id: incidentId });
    expect(data.acknowledgeIncident.__typename).toBe('IncidentPayload');
    const events = (await stream.until(2)).map((result) => result.data.incidentChanged);
    expect(events.map((event) => event.kind)).toEqual(['OPENED', 'ACKNOWLEDGED']);
    expect(events[1].incident).toEqual({ databaseId: incidentId, acknowledgedBy: 'admin' });
    await stream.close();
    await waitForSubscribers(gateway, 0);
  });

  it('approveDeviceApproval reaches the site\'s operator, never another site\'s', async () => {
    const [aliceSite] = await sitesOf('alice');
    const bobSites = await sitesOf('bob');
    expect(aliceSite).toBeDefined();
    expect(bobSites).not.toContain(aliceSite);
    const query = `subscription { approvalChanged { kind approvalId approval { status hostname } } }`;
    const alice = gateway.ws('alice', query);
    const bob = gateway.ws('bob', query);
    await waitForSubscribers(gateway, 2).catch((error) => {
      throw new Error(`${error.message}: ${JSON.stringify([alice.results, bob.results])}`);
    });

    // The enrollment request's row, as Borealis writes it.
    const requestEnrollment = async (hostname: string, siteId: number) => {
      const approvalId = randomUUID();
      const now = new Date().toISOString();
      await gateway.writer.query(
        `INSERT INTO engine.device_approvals (id, approval_reference, hostname_claimed, ssl_key_fingerprint_claimed, enrollment_code, site_id,
           status, client_nonce, server_nonce, agent_pubkey_der, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'CODE', $5, 'pending', 'bm9uY2U=', 'c2VydmVy', '\\x302a300506032b6570'::bytea, $6, $6)`,
        [approvalId, randomUUID(), hostname, 'cd'.repeat(32), siteId, now],
      );
      return approvalId;
    };
    const id = await requestEnrollment('WS-LIVE-APPROVAL', aliceSite!);
    const data = await mutate('alice', `mutation($id: ID!) { approveDeviceApproval(input: { id: $id }) { __typename } }`, { id });
    expect(data.approveDeviceApproval.__typename).toBe('DeviceApprovalDecision');

    const events = (await alice.until(2)).map((result) => result.data.approvalChanged);
    expect(events.map((event) => [event.kind, event.approvalId])).toEqual([['REQUESTED', id], ['STATUS_CHANGED', id]]);
    expect(events[1].approval).toEqual({ status: 'approved', hostname: 'WS-LIVE-APPROVAL' });
    // Bob's stream works (it gets his own site's request), and got nothing of alice's site.
    const bobsId = await requestEnrollment('WS-LIVE-BOB', bobSites[0]!);
    const [bobsEvent] = (await bob.until(1)).map((result) => result.data.approvalChanged);
    expect(bobsEvent).toMatchObject({ kind: 'REQUESTED', approvalId: bobsId });
    expect(bob.results).toHaveLength(1);
    await Promise.all([alice.close(), bob.close()]);
  });
});
