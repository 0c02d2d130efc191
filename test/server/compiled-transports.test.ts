/**
 * The compiled read path is one envelop hook of the single pipeline: a compilable query is
 * answered by its one statement over HTTP, SSE and graphql-ws alike, with the same data.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { recordStatements } from '../support/statements.js';
import { startTransportGateway, TRANSPORTS, type TransportGateway } from './transports.js';

let gateway: TransportGateway;
beforeAll(async () => {
  gateway = await startTransportGateway();
});
afterAll(async () => {
  await gateway?.close();
});

it('every transport answers a screen with its one compiled statement and the same data', async () => {
  const query = readFileSync(new URL('../screens/incident-queue.graphql', import.meta.url), 'utf8');
  const answers: unknown[] = [];
  for (const transport of TRANSPORTS) {
    const recorder = recordStatements(gateway.db.pool);
    try {
      const response = await gateway.call(transport, 'alice', { query, variables: { first: 10 } });
      expect(response.errors, transport).toBeUndefined();
      answers.push(response.data);
    } finally {
      recorder.stop();
    }
    // Besides the identity's re-read: one statement that builds the whole response.
    expect(recorder.recorded.filter((statement) => statement.text.startsWith('SELECT json_build_object')), transport).toHaveLength(1);
    expect(recorder.recorded.filter((statement) => /watchdog_incidents/.test(statement.text)), transport).toHaveLength(1);
  }
  expect((answers[0] as { incidents: { edges: unknown[] } }).incidents.edges.length).toBeGreaterThan(0);
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
});
