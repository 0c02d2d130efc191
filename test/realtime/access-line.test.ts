/**
 * A subscription's access line (src/server/observability.ts) counts the SQL statements sent for
 * it, including those of the shared executions it took (src/realtime/shared-execution.ts): an
 * event is executed once per group of subscribers, by the first of them to ask for it, and its
 * statements go on that subscriber's line only, so the lines of a group add up to one execution
 * per event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident } from '../../dev/simulate/borealis-writes.js';
import { sharedExecutionCounts } from '../../src/realtime/shared-execution.js';
import { siteOf, startRealtimeGateway, subscribers, type RealtimeGateway } from './harness.js';

type LogLine = Record<string, unknown> & { msg: string; statements?: number };
const lines: LogLine[] = [];
const logs = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };

let gateway: RealtimeGateway;
beforeAll(async () => {
  gateway = await startRealtimeGateway({ env: { LOG_LEVEL: 'info' }, logs });
});
afterAll(async () => {
  await gateway?.close();
});

const INCIDENTS = `subscription { incidentChanged { kind incident { databaseId title watchdog { name } device { hostname } site { name } } } }`;

/** The access lines of subscriptions written since `from`, once `count` of them are. */
async function subscriptionLines(from: number, count: number): Promise<LogLine[]> {
  const found = () => lines.slice(from).filter((line) => line.msg === 'request' && line.operationType === 'subscription');
  for (let waited = 0; found().length < count && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(found()).toHaveLength(count);
  return found();
}

/** Opens `subscriberCount` subscriptions of alice, writes `events` incidents of her site, closes them: their lines' statements. */
async function statementsOnLines(subscriberCount: number, events: number): Promise<number[]> {
  const acme = siteOf(gateway, 'Acme HQ');
  const from = lines.length;
  const streams = Array.from({ length: subscriberCount }, () => gateway.ws('alice', INCIDENTS));
  await subscribers(gateway, subscriberCount);
  const before = sharedExecutionCounts.executions;
  for (let event = 0; event < events; event += 1) await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
  for (const stream of streams) await stream.until(events);
  // One scope: one execution per event, whatever the number of subscribers.
  expect(sharedExecutionCounts.executions - before).toBe(events);
  await Promise.all(streams.map((stream) => stream.close()));
  await subscribers(gateway, 0);
  return (await subscriptionLines(from, subscriberCount)).map((line) => line.statements!);
}

describe('access line of a subscription', () => {
  it("counts the statements of the shared executions it took; a group's lines add up to one execution per event", async () => {
    // What subscribing and closing cost alone, then what one execution adds.
    const [alone] = await statementsOnLines(1, 0);
    const [withOne] = await statementsOnLines(1, 1);
    const perExecution = withOne! - alone!;
    expect(perExecution, "an event's execution reads its watchdog, device and site").toBeGreaterThanOrEqual(1);

    // Two subscribers, two events: two executions, each counted on one line (the taker's), not on both.
    const extra = (await statementsOnLines(2, 2)).map((statements) => statements - alone!);
    expect(extra.every((each) => each >= 0)).toBe(true);
    expect(extra.reduce((sum, each) => sum + each, 0)).toBe(2 * perExecution);
  });
});
