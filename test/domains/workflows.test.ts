import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { countStatements } from '../support/statements.js';

const TOKEN = 'ZZWEBHOOK-opaque-9d41c7e2b8';
const T = 1795000000;
let g: SeededGateway;
let seededRun: { id: number; workflow_guid: string };
let webhookId: number;
let webhookRunId: number;
let childRunId: number;

beforeAll(async () => {
  g = await createSeededGateway({ devices: 30 });
  const q = (sql: string, params: unknown[] = []) => g.db.pool.query(sql, params);
  const [seeded] = (await q(`SELECT id, workflow_guid FROM engine.workflow_runs`)).rows;
  seededRun = { id: Number(seeded.id), workflow_guid: seeded.workflow_guid };
  webhookId = Number(
    (
      await q(
        `INSERT INTO engine.workflow_webhooks (workflow_guid, opaque_token, created_at, creator_username, creator_role, last_used_at)
         VALUES ($1, $2, $3, 'admin', 'Admin', $3 + 500) RETURNING id`,
        [seededRun.workflow_guid, TOKEN, T],
      )
    ).rows[0].id,
  );
  const run = (fields: Record<string, unknown>) =>
    q(
      `INSERT INTO engine.workflow_runs (workflow_guid, workflow_name, source_type, source_metadata_json, graph_snapshot_json, status,
         parent_workflow_run_id, parent_node_id, webhook_id, created_by, created_at, started_ts, finished_ts, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11 + 30, $11 + 30) RETURNING id`,
      [
        fields.guid ?? seededRun.workflow_guid, fields.name ?? 'New Hire Workstation Setup', fields.source, fields.sourceMetadata ?? null, '{"nodes": [], "edges": []}',
        fields.status, fields.parent ?? null, fields.parentNode ?? null, fields.webhook ?? null, fields.createdBy ?? null, fields.at,
      ],
    ).then((r) => Number(r.rows[0].id));
  webhookRunId = await run({ source: 'webhook', status: 'Running', webhook: webhookId, at: T + 100, sourceMetadata: '{"remote_addr": "198.51.100.7"}' });
  childRunId = await run({ guid: 'child-workflow', name: 'Notify Helpdesk', source: 'workflow', status: 'Failed', parent: webhookRunId, parentNode: 'notify', at: T + 110 });
  const [node] = (await q(`SELECT id FROM engine.workflow_node_runs WHERE workflow_run_id = $1 AND node_id = 'install-apps'`, [seededRun.id])).rows;
  const [activity] = (await q(`SELECT id, hostname FROM engine.activity_history ORDER BY id LIMIT 1`)).rows;
  await q(
    `INSERT INTO engine.workflow_child_jobs (workflow_run_id, workflow_node_run_id, child_kind, child_identifier, activity_id, child_workflow_run_id,
       target_hostname, component_guid, component_name, component_kind, status, stdout_summary, stderr_summary, payload_json, created_at, updated_at) VALUES
       ($1, $2, 'activity', 'act-1', $3, NULL, $4, 'comp-1', 'Install Standard Apps', 'script', 'Success', 'installed 2 apps', '', '{"apps": 2}', $6, $6),
       ($1, $2, 'workflow', 'wf-1', NULL, $5, NULL, NULL, 'Notify Helpdesk', 'workflow', 'Failed', NULL, 'smtp down', NULL, $6, $6)`,
    [seededRun.id, node.id, activity.id, activity.hostname, childRunId, T],
  );
});
afterAll(() => g.close());

const rows = async (sql: string, params: unknown[] = []) => (await g.db.pool.query(sql, params)).rows;
const codes = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

const RUNS = `query($where: WorkflowRunWhere, $orderBy: WorkflowRunOrder, $first: Int, $after: String) {
  workflowRuns(first: $first, after: $after, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id databaseId workflowName sourceType status createdAt graphSnapshot sourceMetadata finalPayload
      nodeRuns { nodeId status startedAt outputEnvelope childJobs { childKind } run { databaseId } }
      childJobs { childKind status payload activity { databaseId } device { hostname } childWorkflowRun { workflowName } nodeRun { nodeId } }
      parentRun { databaseId } childRuns { databaseId status }
      webhook { databaseId workflowGuid creatorUsername lastUsedAt runs { databaseId } } } } } }`;

describe('workflow scope', () => {
  const LISTS = [`{ workflowRuns(first: 5) { totalCount } }`, `{ workflowWebhooks(first: 5) { totalCount } }`];

  it('lists are admin-only: FORBIDDEN for Users, UNAUTHENTICATED for anonymous requests', async () => {
    for (const query of LISTS) {
      for (const who of ['alice', 'bob', 'carol'] as const) expect(codes(await g.as(who, query))).toEqual(['FORBIDDEN']);
      expect(codes(await g.as(null, query))).toEqual(['UNAUTHENTICATED']);
      expect((await g.as('admin', query)).errors).toBeUndefined();
    }
  });

  it('node(id:) finds runs, node runs and webhooks for an Admin and nothing for a User', async () => {
    const admin = await g.as('admin', `{ workflowRuns(first: 10) { edges { node { id nodeRuns { id } webhook { id } } } } }`);
    const ids = [
      admin.data.workflowRuns.edges[0].node.id,
      admin.data.workflowRuns.edges.flatMap((e: any) => e.node.nodeRuns)[0].id,
      admin.data.workflowRuns.edges.find((e: any) => e.node.webhook).node.webhook.id,
    ];
    const lookup = `query($id: ID!) { node(id: $id) { __typename } }`;
    for (const id of ids) {
      expect((await g.as('admin', lookup, { id })).data.node).not.toBeNull();
      const probe = await g.as('alice', lookup, { id });
      expect(probe.errors).toBeUndefined();
      expect(probe.data.node).toBeNull();
    }
  });
});

describe('workflow runs', () => {
  it('read with node runs, child jobs, parent/child runs and the webhook', async () => {
    const result = await g.as('admin', RUNS, { first: 10 });
    expect(result.errors).toBeUndefined();
    expect(result.data.workflowRuns.totalCount).toBe((await rows('SELECT id FROM engine.workflow_runs')).length);
    const runs = result.data.workflowRuns.edges.map((e: any) => e.node);
    // Newest first by default.
    expect(runs.map((r: any) => Number(r.databaseId))).toEqual([childRunId, webhookRunId, seededRun.id]);
    const seeded = runs.find((r: any) => Number(r.databaseId) === seededRun.id);
    expect(seeded.nodeRuns.map((n: any) => n.nodeId)).toEqual(['start', 'create-user', 'install-apps', 'notify']);
    expect(seeded.nodeRuns.find((n: any) => n.nodeId === 'notify')).toMatchObject({ status: 'Skipped', startedAt: null, outputEnvelope: null });
    expect(seeded.nodeRuns.find((n: any) => n.nodeId === 'install-apps').childJobs.map((c: any) => c.childKind)).toEqual(['activity', 'workflow']);
    expect(seeded.graphSnapshot.nodes).toHaveLength(4);
    expect(seeded.finalPayload.user).toBe('ACME\\nhire');
    expect(seeded.childJobs[0]).toMatchObject({ childKind: 'activity', payload: { apps: 2 }, nodeRun: { nodeId: 'install-apps' } });
    expect(seeded.childJobs[0].activity).not.toBeNull();
    expect(seeded.childJobs[1]).toMatchObject({ childWorkflowRun: { workflowName: 'Notify Helpdesk' }, activity: null, device: null });
    const hooked = runs.find((r: any) => Number(r.databaseId) === webhookRunId);
    expect(hooked.webhook).toMatchObject({ databaseId: String(webhookId), creatorUsername: 'admin', runs: [{ databaseId: String(webhookRunId) }] });
    expect(hooked.childRuns).toEqual([{ databaseId: String(childRunId), status: 'Failed' }]);
    expect(runs.find((r: any) => Number(r.databaseId) === childRunId).parentRun).toEqual({ databaseId: String(webhookRunId) });
  });

  it('relations cost a fixed number of statements', async () => {
    const counter = countStatements(g.db.pool);
    const result = await g.as('admin', RUNS, { first: 10 });
    counter.stop();
    expect(result.errors).toBeUndefined();
    // Each relation kind is one statement per level it is reached at, never one per row.
    expect(counter.statements.length).toBeLessThanOrEqual(16);
    expect(counter.statements.filter((sql) => sql.includes('"engine"."workflow_node_runs"') && sql.includes('"workflow_run_id" IN'))).toHaveLength(1);
  });

  it('filter by source, status, parent and time; order and page', async () => {
    const webhook = await g.as('admin', RUNS, { where: { sourceType: { equals: 'webhook' } } });
    expect(webhook.data.workflowRuns.edges.map((e: any) => Number(e.node.databaseId))).toEqual([webhookRunId]);
    const topLevel = await g.as('admin', RUNS, { where: { topLevel: true } });
    expect(topLevel.data.workflowRuns.totalCount).toBe(2);
    const children = await g.as('admin', RUNS, { where: { parentRunId: { equals: String(webhookRunId) } } });
    expect(children.data.workflowRuns.edges.map((e: any) => Number(e.node.databaseId))).toEqual([childRunId]);
    const failed = await g.as('admin', RUNS, { where: { status: { in: ['Failed', 'Running'] }, createdAt: { from: new Date(T * 1000).toISOString() } } });
    expect(failed.data.workflowRuns.totalCount).toBe(2);
    const byName = await g.as('admin', RUNS, { first: 2, orderBy: { field: 'WORKFLOW_NAME', direction: 'ASC' } });
    const rest = await g.as('admin', RUNS, { first: 2, after: byName.data.workflowRuns.pageInfo.endCursor, orderBy: { field: 'WORKFLOW_NAME', direction: 'ASC' } });
    const order = [...byName.data.workflowRuns.edges, ...rest.data.workflowRuns.edges].map((e: any) => e.node.databaseId);
    expect(order).toEqual((await rows('SELECT id FROM engine.workflow_runs ORDER BY workflow_name ASC, id ASC')).map((r) => String(r.id)));
    expect(codes(await g.as('admin', RUNS, { where: { webhookId: { equals: '-1' } } }))).toContain('BAD_USER_INPUT');
  });

  it('a malformed graph snapshot is a field error; the rest of the page is intact', async () => {
    await g.db.pool.query(`UPDATE engine.workflow_runs SET graph_snapshot_json = '{"nodes": [' WHERE id = $1`, [childRunId]);
    try {
      const result = await g.as('admin', RUNS, { first: 10 });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'STORED_VALUE_MALFORMED', column: 'workflow_runs.graph_snapshot_json' });
      expect(result.errors![0]!.path).toEqual(['workflowRuns', 'edges', 0, 'node', 'graphSnapshot']);
      const child = result.data.workflowRuns.edges[0].node;
      expect(child).toMatchObject({ databaseId: String(childRunId), graphSnapshot: null, status: 'Failed', workflowName: 'Notify Helpdesk' });
      expect(result.data.workflowRuns.edges[1].node.graphSnapshot).toEqual({ nodes: [], edges: [] });
    } finally {
      await g.db.pool.query(`UPDATE engine.workflow_runs SET graph_snapshot_json = '{}' WHERE id = $1`, [childRunId]);
    }
  });
});

describe('workflow webhooks', () => {
  it('have no token field, and the token is never read or returned', async () => {
    const fields = Object.keys((gatewaySchema().getType('WorkflowWebhook') as any).getFields());
    expect(fields.some((name) => /token|secret/i.test(name))).toBe(false);

    const counter = countStatements(g.db.pool);
    const list = await g.as('admin', `{ workflowWebhooks(first: 10) { totalCount edges { node { id databaseId workflowGuid creatorUsername creatorRole createdAt lastUsedAt runs { sourceMetadata } } } } }`);
    const node = await g.as('admin', `query($id: ID!) { node(id: $id) { ... on WorkflowWebhook { workflowGuid } } }`, { id: list.data.workflowWebhooks.edges[0].node.id });
    const nested = await g.as('admin', RUNS, { first: 10 });
    counter.stop();
    expect(list.errors).toBeUndefined();
    expect(list.data.workflowWebhooks).toMatchObject({ totalCount: 1, edges: [{ node: { databaseId: String(webhookId), creatorRole: 'Admin' } }] });
    expect(node.data.node).toEqual({ workflowGuid: seededRun.workflow_guid });
    for (const response of [list, node, nested]) {
      const text = JSON.stringify(response);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 12));
    }
    // The column is not even selected: the secret never leaves the database.
    expect(counter.statements.some((sql) => sql.includes('workflow_webhooks'))).toBe(true);
    expect(counter.statements.filter((sql) => sql.includes('opaque_token'))).toEqual([]);
  });

  it('filter by workflow and creator', async () => {
    const query = `query($where: WorkflowWebhookWhere) { workflowWebhooks(first: 10, where: $where) { totalCount } }`;
    expect((await g.as('admin', query, { where: { workflowGuid: { equals: seededRun.workflow_guid } } })).data.workflowWebhooks.totalCount).toBe(1);
    expect((await g.as('admin', query, { where: { creatorUsername: { equals: 'alice' } } })).data.workflowWebhooks.totalCount).toBe(0);
  });
});
