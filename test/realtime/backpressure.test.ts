/**
 * Backpressure end to end: a graphql-ws client that stops reading its socket (its TCP socket
 * paused) is closed by the gateway with 4413 once it falls behind, while a reading client on the
 * same gateway keeps receiving. Writes are made as Borealis makes them (plain SQL).
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openIncident } from '../../dev/simulate/borealis-writes.js';
import { TOO_SLOW_CLOSE_CODE } from '../../src/server/websocket.js';
import { startRealtimeGateway, subscribers, type RealtimeGateway, type Stream } from './harness.js';

const INCIDENTS = `subscription { incidentChanged { kind cursor state siteIds incident { id databaseId state hostname title message severity site { name } } } }`;
/** The stalled client's events are ~8 KB each (the incident under many aliases): buffers fill sooner. */
const HEAVY_INCIDENTS = `subscription { incidentChanged { kind cursor ${Array.from({ length: 12 }, (_, i) => `copy${i}: incident { id databaseId state hostname title message severity triggerCount openedAt updatedAt deviceGuid site { name } }`).join(' ')} } }`;
/** Subscriptions of the non-reading client (one socket): each write sends this many messages. */
const SUBSCRIPTIONS = 20;
/** Enough to fill the loopback socket buffers of the paused client many times over. */
const WRITES = 200;
/** Writes between two checks that the reading client received them (it stays below its buffer). */
const BATCH = 10;

interface RawMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws client with SUBSCRIPTIONS subscriptions, then its socket paused. */
async function stalledClient(gateway: RealtimeGateway) {
  const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: RawMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as RawMessage));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.token('admin')}` } }));
  await expect.poll(() => messages.some((m) => m.type === 'connection_ack')).toBe(true);
  for (let id = 1; id <= SUBSCRIPTIONS; id++) socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: HEAVY_INCIDENTS } }));
  await subscribers(gateway, SUBSCRIPTIONS);
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  tcp.pause();
  return { messages, closed, resume: () => tcp.resume() };
}

/** Opens `count` incidents in batches, each received by the reading client before the next. */
async function writeIncidents(gateway: RealtimeGateway, reader: Stream, count: number): Promise<void> {
  const devices = gateway.targets.devices;
  const before = reader.results.length;
  for (let i = 1; i <= count; i++) {
    await openIncident(gateway.writer, gateway.targets.watchdogId, devices[i % devices.length]!);
    if (i % BATCH === 0 || i === count) await reader.until(before + i);
  }
}

let gateway: RealtimeGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('a client that stops reading its socket', () => {
  it('falls more than GATEWAY_SUBSCRIBER_BUFFER events behind: SUBSCRIBER_TOO_SLOW, then closed with 4413; a reading client keeps receiving', async () => {
    gateway = await startRealtimeGateway({ env: { GATEWAY_SUBSCRIBER_BUFFER: '20' } });
    const stalled = await stalledClient(gateway);
    const reader = gateway.ws('admin', INCIDENTS);
    await subscribers(gateway, SUBSCRIPTIONS + 1);
    await writeIncidents(gateway, reader, WRITES);
    const received = await reader.until(WRITES, 30_000);
    expect(received.every((r) => r.errors === undefined && r.data.incidentChanged.kind === 'OPENED')).toBe(true);
    // The client reads again: what the gateway had sent before closing, then the close.
    stalled.resume();
    const close = await stalled.closed;
    expect(close.code).toBe(TOO_SLOW_CLOSE_CODE);
    expect(close.reason).toMatch(/after/);
    const errors = stalled.messages.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.payload).toEqual([expect.objectContaining({ extensions: { code: 'SUBSCRIBER_TOO_SLOW' } })]);
    // The close came before the stalled client received every event.
    expect(stalled.messages.filter((m) => m.type === 'next').length).toBeLessThan(WRITES * SUBSCRIPTIONS);
    // The reader is still subscribed and still receives.
    await writeIncidents(gateway, reader, 1);
    await reader.until(WRITES + 1);
  }, 90_000);

  it('leaves more than GATEWAY_SUBSCRIBER_SOCKET_BUFFER_BYTES unsent: closed with 4413 before any subscription overflows', async () => {
    gateway = await startRealtimeGateway({ env: { GATEWAY_SUBSCRIBER_SOCKET_BUFFER_BYTES: '4096' } });
    const stalled = await stalledClient(gateway);
    const reader = gateway.ws('admin', INCIDENTS);
    await subscribers(gateway, SUBSCRIPTIONS + 1);
    await writeIncidents(gateway, reader, WRITES);
    await reader.until(WRITES, 30_000);
    stalled.resume();
    const close = await stalled.closed;
    expect(close.code).toBe(TOO_SLOW_CLOSE_CODE);
    // Each subscription was far below the default 1,000 events of backlog: the socket limit closed it.
    expect(stalled.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(stalled.messages.filter((m) => m.type === 'next').length).toBeLessThan(WRITES * SUBSCRIPTIONS);
  }, 90_000);
});
