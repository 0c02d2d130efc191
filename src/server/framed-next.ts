/**
 * One serialization per shared subscription result (docs/subscriptions.md "Delivery cost").
 * Shared execution hands the same result object to every subscriber of a group, but graphql-ws
 * stringifies the whole `next` message per subscriber, payload included. The messages differ only
 * by the subscription id, so the payload text is made once per result and framed around each id:
 * `onNext` records the text for its operation and returns a placeholder payload, and the socket's
 * `send` replaces graphql-ws's placeholder message by `{"id":<id>,"type":"next","payload":<text>}`,
 * byte for byte what graphql-ws would have written.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';

/** The key of the placeholder: never at the top of a GraphQL result (data, errors, extensions only). */
const PLACEHOLDER_KEY = 'borealis:framed-payload';
export const FRAMED_PLACEHOLDER: Readonly<Record<string, true>> = Object.freeze({ [PLACEHOLDER_KEY]: true });
const MESSAGE_HEAD = '{"id":';
const PLACEHOLDER_TAIL = `,"type":"next","payload":${JSON.stringify(FRAMED_PLACEHOLDER)}}`;

const payloadTexts = new WeakMap<ExecutionResult, string>();

/** `next` payloads serialized by this process (benchmark): fewer than deliveries when shared. */
export const framedPayloadCounts = { serialized: 0 };

/** An error as a socket sends it: the same code as on HTTP, without the HTTP status and headers. */
export function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions?.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions });
}

/**
 * The `next` payload text of a result as graphql-ws builds it (the result without `errors`, then
 * the errors' JSON, without their HTTP extensions, if any), made once per result object and
 * shared by all its subscribers.
 */
export function payloadText(result: ExecutionResult): string {
  let text = payloadTexts.get(result);
  if (text === undefined) {
    const { errors, ...withoutErrors } = result;
    framedPayloadCounts.serialized++;
    text = JSON.stringify({ ...withoutErrors, ...(errors ? { errors: errors.map((error) => withoutHttp(error).toJSON()) } : {}) });
    payloadTexts.set(result, text);
  }
  return text;
}

const nextFrame = (idJson: string, payload: string) => `${MESSAGE_HEAD}${idJson},"type":"next","payload":${payload}}`;

/** A `next` message of operation `id` carrying the result's shared payload text, as graphql-ws writes it. */
export function nextMessage(id: string, result: ExecutionResult): string {
  return nextFrame(JSON.stringify(id), payloadText(result));
}

/**
 * The message to write for graphql-ws's `data`: a placeholder `next` message is framed around the
 * payload text recorded for its operation id; any other message is written as is. Throws when
 * a placeholder has no payload recorded (a bug: the client must never see the placeholder).
 */
export function framedMessage(data: string, payloads: Map<string, string>): string {
  if (!data.endsWith(PLACEHOLDER_TAIL) || !data.startsWith(MESSAGE_HEAD)) return data;
  const idJson = data.slice(MESSAGE_HEAD.length, -PLACEHOLDER_TAIL.length);
  const id = JSON.parse(idJson) as string;
  const payload = payloads.get(id);
  if (payload === undefined) throw new Error(`A framed next message for operation ${idJson} without its payload`);
  payloads.delete(id);
  return nextFrame(idJson, payload);
}
