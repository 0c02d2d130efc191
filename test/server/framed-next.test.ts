/** Framing `next` messages around one shared payload text: byte for byte what graphql-ws writes. */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { FRAMED_PLACEHOLDER, framedMessage, payloadText } from '../../src/server/framed-next.js';

/** What graphql-ws's server writes for a result (its `emit.next` without an onNext result). */
function graphqlWsNext(id: string, result: ExecutionResult): string {
  const { errors, ...withoutErrors } = result;
  return stringifyMessage({ id, type: MessageType.Next, payload: { ...withoutErrors, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) } });
}

/** The placeholder message graphql-ws writes when onNext returns the placeholder, then framed. */
function framed(id: string, result: ExecutionResult, payloads = new Map<string, string>()): string {
  payloads.set(id, payloadText(result));
  return framedMessage(stringifyMessage({ id, type: MessageType.Next, payload: FRAMED_PLACEHOLDER }), payloads);
}

const results: Record<string, ExecutionResult> = {
  data: { data: { incidentChanged: { kind: 'OPENED', cursor: '42', incident: { databaseId: 7, title: 'Disk "C:" \u00e9 full\n', site: null } } } },
  errors: {
    errors: [new GraphQLError('Not allowed', { path: ['incidentChanged'], extensions: { code: 'FORBIDDEN' } })],
    data: { incidentChanged: null },
  },
  extensions: { data: { runChanged: { status: 'Running' } }, extensions: { requestId: 'r-1' } },
};

describe('framed next messages', () => {
  for (const [name, result] of Object.entries(results)) {
    it(`are byte-identical to graphql-ws's own message (${name})`, () => {
      for (const id of ['1', 'b2a6c2f0-9d7e-4c3e-8d8a-1f2e3d4c5b6a', 'with "quotes" and \\ backslash']) {
        expect(framed(id, result)).toBe(graphqlWsNext(id, result));
      }
    });
  }

  it('serialize a shared result once, however many subscribers it is framed for', () => {
    const result: ExecutionResult = { data: { n: 1 } };
    const first = payloadText(result);
    (result.data as { n: number }).n = 2; // a second serialization would show it
    expect(payloadText(result)).toBe(first);
    expect(framed('9', result)).toBe('{"id":"9","type":"next","payload":{"data":{"n":1}}}');
  });

  it("carry an error's code but not its HTTP status and headers", () => {
    const error = new GraphQLError('Too many', { extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': '5' } } } });
    expect(JSON.parse(framed('1', { data: null, errors: [error] })).payload.errors).toEqual([{ message: 'Too many', extensions: { code: 'RATE_LIMITED' } }]);
  });

  it('leave every other message alone and never send a placeholder without its payload', () => {
    const payloads = new Map<string, string>();
    for (const message of [
      stringifyMessage({ type: MessageType.ConnectionAck }),
      stringifyMessage({ id: '1', type: MessageType.Complete }),
      stringifyMessage({ id: '1', type: MessageType.Next, payload: { data: { x: 1 } } }),
      stringifyMessage({ id: '1', type: MessageType.Error, payload: [{ message: 'no' }] }),
    ]) {
      expect(framedMessage(message, payloads)).toBe(message);
    }
    expect(() => framedMessage(stringifyMessage({ id: '1', type: MessageType.Next, payload: FRAMED_PLACEHOLDER }), payloads)).toThrow(/without its payload/);
  });

  it('use each recorded payload once, for its own operation id', () => {
    const payloads = new Map<string, string>();
    payloads.set('a', payloadText({ data: { a: 1 } }));
    payloads.set('b', payloadText({ data: { b: 2 } }));
    const placeholder = (id: string) => stringifyMessage({ id, type: MessageType.Next, payload: FRAMED_PLACEHOLDER });
    expect(framedMessage(placeholder('b'), payloads)).toBe('{"id":"b","type":"next","payload":{"data":{"b":2}}}');
    expect(framedMessage(placeholder('a'), payloads)).toBe('{"id":"a","type":"next","payload":{"data":{"a":1}}}');
    expect(payloads.size).toBe(0);
  });
});
