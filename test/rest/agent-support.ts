/**
 * A simulated Borealis agent with a real Ed25519 identity (node:crypto), talking to an in-process
 * gateway over its fetch handler, and the database set-up the agent tests share.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installGatewaySchema } from '../../src/db/gateway-schema.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createTestGateway, type TestGateway } from '../support/gateway.js';

export interface AgentHarness {
  db: TestDatabase;
  gateway: TestGateway;
  tokenRoot: string;
  call(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

export async function createAgentHarness(env: Record<string, string> = {}, db?: TestDatabase): Promise<AgentHarness> {
  const tokenRoot = mkdtempSync(path.join(os.tmpdir(), 'borealis-agent-keys-'));
  const database = db ?? (await createTestDatabase({ env: { BOREALIS_ENGINE_AUTH_TOKEN_ROOT: tokenRoot, ...env } }));
  await installGatewaySchema(database.pool);
  const gateway = await createTestGateway(database);
  return {
    db: database,
    gateway,
    tokenRoot,
    async call(method, pathAndQuery, body, headers = {}) {
      const response = await gateway.yoga.fetch(`http://gateway.test${pathAndQuery}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, headers: response.headers, json };
    },
    async close() {
      await gateway.yoga.gateway.agentApi.close();
      await gateway.close();
      if (!db) await database.drop();
    },
  };
}

export class SimulatedAgent {
  readonly privateKey: KeyObject;
  readonly publicKeyB64: string;
  readonly clientNonce = randomBytes(32).toString('base64');
  approvalReference = '';
  serverNonce = '';
  guid = '';
  accessToken = '';
  refreshToken = '';

  constructor(readonly hostname: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  }

  enrollBody(code: string) {
    return { hostname: this.hostname, enrollment_code: code, agent_pubkey: this.publicKeyB64, client_nonce: this.clientNonce };
  }

  /** Ed25519 over server_nonce ‖ approval_reference ‖ client_nonce. */
  proof(): string {
    const message = Buffer.concat([Buffer.from(this.serverNonce, 'base64'), Buffer.from(this.approvalReference, 'utf8'), Buffer.from(this.clientNonce, 'base64')]);
    return sign(null, message, this.privateKey).toString('base64');
  }

  pollBody() {
    return { approval_reference: this.approvalReference, client_nonce: this.clientNonce, proof_sig: this.proof() };
  }

  get bearer() {
    return { authorization: `Bearer ${this.accessToken}` };
  }
}

export async function insertSite(db: TestDatabase, name: string, code: string, autoApproveUntil: number | null = null): Promise<number> {
  const { rows } = await db.pool.query<{ id: string }>(
    'INSERT INTO engine.sites (name, description, created_at, enrollment_code, auto_approve_until) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [name, `${name} office`, Math.floor(Date.now() / 1000), code, autoApproveUntil],
  );
  return Number(rows[0]!.id);
}

/** What an operator's approval does to the row (operator-approval.test.ts goes through the approve mutation instead). */
export async function approveBySql(db: TestDatabase, reference: string, guid: string | null = null): Promise<void> {
  await db.pool.query(
    `UPDATE engine.device_approvals SET status = 'approved', guid = $2, approved_by_user_id = '1', updated_at = $3 WHERE approval_reference = $1`,
    [reference, guid, new Date().toISOString()],
  );
}

/** Request, SQL approval and poll: an enrolled agent with tokens. */
export async function enrollAgent(harness: AgentHarness, agent: SimulatedAgent, code: string): Promise<any> {
  const request = await harness.call('POST', '/api/agent/enroll/request', agent.enrollBody(code));
  if (request.status !== 200) throw new Error(`enroll/request: ${request.status} ${JSON.stringify(request.json)}`);
  agent.approvalReference = request.json.approval_reference;
  agent.serverNonce = request.json.server_nonce;
  if (request.json.status === 'pending') await approveBySql(harness.db, agent.approvalReference);
  const poll = await harness.call('POST', '/api/agent/enroll/poll', agent.pollBody());
  if (poll.status !== 200 || !poll.json.access_token) throw new Error(`enroll/poll: ${poll.status} ${JSON.stringify(poll.json)}`);
  agent.guid = poll.json.guid;
  agent.accessToken = poll.json.access_token;
  agent.refreshToken = poll.json.refresh_token;
  return poll.json;
}
