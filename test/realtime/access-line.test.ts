/**
 * A subscription's access line (src/server/observability.ts) counts the SQL statements sent for
 * it, including those of the shared executions it took (src/realtime/shared-execution.ts): an
 * event is executed once per group of subscribers, by the first of them to ask for it, and its
 * statements go on that subscriber's line, so the lines of a group add up to what was sent.
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

describe('access line of a subscription', () => {
  it("counts the statements of the shared executions it took; a group's lines add up to one execution per event", async () => {
    const acme = siteOf(gateway, 'Acme HQ');

    // Without an event: what subscribing and closing cost alone.
    let from = lines.length;
    const idle = gateway.ws('alice', INCIDENTS);
    await subscribers(gateway, 1);
    await idle.close();
    await subscribers(gateway, 0);
    const [idleLine] = await subscriptionLines(from, 1);
    const alone = idleLine!.statements!;

    // Two subscribers of one scope: one execution per event, for both.
    from = lines.length;
    const streams = [gateway.ws('alice', INCIDENTS), gateway.ws('alice', INCIDENTS)];
    await subscribers(gateway, 2);
    const before = sharedExecutionCounts.executions;
    await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    await openIncident(gateway.writer, gateway.targets.watchdogId, acme);
    for (const stream of streams) await stream.until(2);
    expect(sharedExecutionCounts.executions - before).toBe(2);
    await Promise.all(streams.map((stream) => stream.close()));
    await subscribers(gateway, 0);

    const counted = (await subscriptionLines(from, 2)).map((line) => line.statements! - alone);
    // Each event's execution read its incident, watchdog, device and site: at least one
    // statement each, all of them on the line of the subscriber that took it.
    expect(counted.every((extra) => extra >= 0)).toBe(true);
    expect(counted.reduce((sum, extra) => sum + extra, 0)).toBeGreaterThanOrEqual(2);
  });
});
