/**
 * The graphql-ws protocol (graphql-transport-ws) as the gateway serves it on /graphql, spoken by a
 * raw WebSocket client so each rule can be broken on purpose: the init timeout (4408), ping/pong,
 * a refused token (4403), a subscribe before the ack (4401), a second init (4429), a duplicate
 * operation id (4409), an invalid message (4400), a wrong subprotocol (4406), and a `complete`
 * for an unknown id (ignored). Live results written directly (shared-execution.ts "direct
 * delivery") are graphql-ws's own frames, byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyMessage, MessageType } from 'graphql-ws';
import WebSocket from 'ws';
import { openIncident } from '../../dev/simulate/borealis-writes.js';
import { sharedExecutionCounts } from '../../src/realtime/shared-execution.js';
import { startRealtimeGateway, subscribers, type RealtimeGateway } from './harness.js';

let gateway: RealtimeGateway;
const sockets: WebSocket[] = [];
beforeAll(async () => {
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await gateway?.close();
});

interface RawSocket {
  socket: WebSocket;
  send(message: unknown): void;
  /** Resolves with the next message of this type (messages are kept in arrival order). */
  next(type: string): Promise<Record<string, unknown>>;
  /** Every message's text as it arrived. */
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
}

function open(protocols: string[] = ['graphql-transport-ws']): Promise<RawSocket> {
  const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/graphql`, protocols);
  sockets.push(socket);
  const messages: Array<Record<string, unknown>> = [];
  const texts: string[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    texts.push(String(data));
    messages.push(JSON.parse(String(data)));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message; got ${JSON.stringify(messages)}`)), 5000);
      const check = () => {
        const index = messages.findIndex((message) => message.type === type);
        if (index < 0) return void waiters.push(check);
        clearTimeout(timer);
        resolve(messages.splice(index, 1)[0]!);
      };
      check();
    });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, send: (message) => socket.send(JSON.stringify(message)), next, texts, closed }));
    socket.once('error', reject);
  });
}

/** An acknowledged connection of `username`. */
async function initialised(username = 'admin'): Promise<RawSocket> {
  const raw = await open();
  raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.token(username)}` } });
  await raw.next('connection_ack');
  return raw;
}

const INCIDENTS = 'subscription { incidentChanged { kind incidentId } }';

describe('graphql-ws protocol on /graphql', () => {
  it('no connection_init within the init timeout: closed with 4408', async () => {
    const raw = await open();
    const startedAt = Date.now();
    expect(await raw.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2500); // graphql-ws's default 3 s
  });

  it('ping is answered with pong, before and after the ack; an unsolicited pong is accepted silently', async () => {
    const raw = await open();
    raw.send({ type: 'ping' });
    expect(await raw.next('pong')).toMatchObject({ type: 'pong' });
    raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.token('admin')}` } });
    await raw.next('connection_ack');
    raw.send({ type: 'ping', payload: { at: 1 } });
    expect(await raw.next('pong')).toMatchObject({ type: 'pong' });
    raw.send({ type: 'pong' });
    raw.send({ type: 'ping' });
    await raw.next('pong');
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
    raw.socket.close(1000);
  });

  it('a refused token closes with 4403; no token at all too', async () => {
    for (const payload of [{ authorization: 'Bearer not-a-token' }, {}]) {
      const raw = await open();
      raw.send({ type: 'connection_init', payload });
      expect((await raw.closed).code).toBe(4403);
    }
  });

  it('subscribe before the connection is acknowledged: 4401 Unauthorized', async () => {
    const raw = await open();
    raw.send({ id: '1', type: 'subscribe', payload: { query: INCIDENTS } });
    expect(await raw.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
  });

  it('a second connection_init: 4429 Too many initialisation requests', async () => {
    const raw = await initialised();
    raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.token('admin')}` } });
    expect(await raw.closed).toEqual({ code: 4429, reason: 'Too many initialisation requests' });
  });

  it('a second subscribe with an id still in use: 4409, and the subscription is released', async () => {
    const raw = await initialised();
    raw.send({ id: 'same', type: 'subscribe', payload: { query: INCIDENTS } });
    await subscribers(gateway, 1);
    raw.send({ id: 'same', type: 'subscribe', payload: { query: INCIDENTS } });
    expect(await raw.closed).toEqual({ code: 4409, reason: 'Subscriber for same already exists' });
    await subscribers(gateway, 0);
  });

  it('an invalid message closes with 4400', async () => {
    const raw = await initialised();
    raw.socket.send('{"type":"subscribe"}'); // no id, no payload
    const { code } = await raw.closed;
    expect(code).toBe(4400);
  });

  it('a client that does not ask for the graphql-transport-ws subprotocol is closed with 4406', async () => {
    const raw = await open([]);
    expect((await raw.closed).code).toBe(4406);
  });

  it('complete for an unknown id is ignored; complete for a live subscription ends it; the connection stays usable', async () => {
    const raw = await initialised();
    raw.send({ id: 'never-started', type: 'complete' });
    raw.send({ id: 'a', type: 'subscribe', payload: { query: INCIDENTS } });
    await subscribers(gateway, 1);
    const device = gateway.targets.devices[0]!;
    const first = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    expect(await raw.next('next')).toMatchObject({ id: 'a', payload: { data: { incidentChanged: { kind: 'OPENED', incidentId: first } } } });
    raw.send({ id: 'a', type: 'complete' });
    await subscribers(gateway, 0);
    raw.send({ type: 'ping' });
    await raw.next('pong');
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
    raw.socket.close(1000);
  });

  it('live results are written directly, as the frames graphql-ws writes; a completed id receives nothing more', async () => {
    const raw = await initialised();
    raw.send({ id: 'a', type: 'subscribe', payload: { query: INCIDENTS } });
    raw.send({ id: 'b', type: 'subscribe', payload: { query: INCIDENTS } });
    await subscribers(gateway, 2);
    const direct = sharedExecutionCounts.direct;
    const device = gateway.targets.devices[0]!;
    const first = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    const received = [await raw.next('next'), await raw.next('next')];
    expect(received.map((message) => message.id).sort()).toEqual(['a', 'b']);
    for (const message of received) expect(message.payload).toEqual({ data: { incidentChanged: { kind: 'OPENED', incidentId: first } } });
    expect(sharedExecutionCounts.direct - direct).toBe(2);
    // Byte for byte what graphql-ws's own `emit.next` writes for these results.
    const nextTexts = raw.texts.filter((text) => text.includes('"type":"next"'));
    expect(nextTexts).toEqual(received.map((message) => stringifyMessage({ id: message.id as string, type: MessageType.Next, payload: message.payload as never })));

    raw.send({ id: 'a', type: 'complete' });
    await subscribers(gateway, 1);
    const second = await openIncident(gateway.writer, gateway.targets.watchdogId, device);
    expect(await raw.next('next')).toEqual({ id: 'b', type: 'next', payload: { data: { incidentChanged: { kind: 'OPENED', incidentId: second } } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(raw.texts.filter((text) => text.includes('"type":"next"'))).toHaveLength(3);
    raw.socket.close(1000);
  });
});
