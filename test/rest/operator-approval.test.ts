/**
 * The "done when" path with the operator mutation instead of SQL: an agent enrolls over the
 * REST router, a site-scoped operator approves (or denies) it through GraphQL, the agent's next poll
 * finalizes and its first heartbeat is accepted. Another site's operator cannot see or decide it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { createAgentHarness, SimulatedAgent, type AgentHarness } from './agent-support.js';

let g: SeededGateway;
let harness: AgentHarness;
let aliceSite: { id: number; code: string };

beforeAll(async () => {
  const env = { BOREALIS_ENGINE_AUTH_TOKEN_ROOT: mkdtempSync(path.join(os.tmpdir(), 'borealis-approval-keys-')) };
  g = await createSeededGateway({ devices: 30, env });
  harness = await createAgentHarness(env, g.db);
  const siteId = (g.identities.alice.siteIds as number[])[0]!;
  // No auto-approval window: the enrollment waits for an operator.
  const { rows } = await g.db.pool.query<{ code: string }>(
    'UPDATE engine.sites SET auto_approve_until = NULL WHERE id = $1 RETURNING enrollment_code AS code',
    [siteId],
  );
  aliceSite = { id: siteId, code: rows[0]!.code };
}, 120_000);
afterAll(async () => {
  await harness?.close();
  await g?.close();
});

const DECIDE = /* GraphQL */ `
  mutation Decide($approve: Boolean!, $id: ID!) {
    approve: approveDeviceApproval(input: { id: $id }) @include(if: $approve) {
      __typename
      ... on DeviceApprovalDecision { status guid }
      ... on Error { code message }
    }
    deny: denyDeviceApproval(input: { id: $id }) @skip(if: $approve) {
      __typename
      ... on DeviceApprovalDecision { status }
      ... on Error { code message }
    }
  }`;

async function requestEnrollment(agent: SimulatedAgent): Promise<string> {
  const { status, json } = await harness.call('POST', '/api/agent/enroll/request', agent.enrollBody(aliceSite.code.toLowerCase()));
  expect(status).toBe(200);
  expect(json.status).toBe('pending');
  agent.approvalReference = json.approval_reference;
  agent.serverNonce = json.server_nonce;
  const { rows } = await g.db.pool.query<{ id: string }>('SELECT id FROM engine.device_approvals WHERE approval_reference = $1', [agent.approvalReference]);
  return rows[0]!.id;
}

describe('agent enrollment decided by the operator mutation', () => {
  it('approve: another site\'s operator gets NOT_FOUND, the site\'s operator approves, the agent finalizes and reports', async () => {
    const agent = new SimulatedAgent('WS-OPS-APPROVE-01');
    const approvalId = await requestEnrollment(agent);

    const bob = await g.as('bob', DECIDE, { approve: true, id: approvalId });
    expect(bob.errors).toBeUndefined();
    expect(bob.data.approve).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });

    const alice = await g.as('alice', DECIDE, { approve: true, id: approvalId });
    expect(alice.errors).toBeUndefined();
    expect(alice.data.approve).toMatchObject({ __typename: 'DeviceApprovalDecision', status: 'approved' });

    const poll = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
    expect(poll.status).toBe(200);
    expect(poll.json).toMatchObject({ status: 'approved', token_type: 'Bearer', expires_in: 900 });
    agent.accessToken = poll.json.access_token;

    const { rows } = await g.db.pool.query(
      `SELECT a.status, a.approved_by_user_id, ds.site_id FROM engine.device_approvals a
         JOIN engine.device_sites ds ON ds.device_hostname = a.hostname_claimed WHERE a.id = $1`,
      [approvalId],
    );
    expect(rows[0]).toMatchObject({ status: 'completed', approved_by_user_id: String(g.identities.alice.userId), site_id: aliceSite.id });

    const heartbeat = await harness.call('POST', '/api/agent/heartbeat', { hostname: agent.hostname }, agent.bearer);
    expect(heartbeat.status).toBe(200);

    // The device the agent became is now visible to the approving operator, not to bob.
    const DEVICE = `query($h: String!) { deviceByHostname(hostname: $h) { hostname guid } }`;
    expect((await g.as('alice', DEVICE, { h: agent.hostname })).data.deviceByHostname).toMatchObject({ hostname: agent.hostname, guid: poll.json.guid });
    expect((await g.as('bob', DEVICE, { h: agent.hostname })).data.deviceByHostname).toBeNull();
  });

  it('deny: the agent\'s poll answers operator_denied and no device or token is created', async () => {
    const agent = new SimulatedAgent('WS-OPS-DENY-01');
    const approvalId = await requestEnrollment(agent);
    const alice = await g.as('alice', DECIDE, { approve: false, id: approvalId });
    expect(alice.data.deny).toMatchObject({ __typename: 'DeviceApprovalDecision', status: 'denied' });

    const poll = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
    expect(poll).toMatchObject({ status: 200, json: { status: 'denied', reason: 'operator_denied' } });
    const { rows } = await g.db.pool.query('SELECT count(*)::int AS n FROM engine.devices WHERE hostname = $1', [agent.hostname]);
    expect(rows[0].n).toBe(0);

    // Deciding again is refused: only pending approvals change.
    const again = await g.as('alice', DECIDE, { approve: true, id: approvalId });
    expect(again.data.approve).toMatchObject({ code: 'NOT_PENDING' });
  });
});
