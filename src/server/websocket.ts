/**
 * GraphQL over WebSocket (graphql-ws protocol) on the same /graphql path as HTTP, through the same
 * pipeline: every operation runs through `yoga.getEnveloped()` (Yoga's documented graphql-ws
 * integration), so parsing, validation (armor limits, the introspection switch), the context
 * builder, execution and error masking are HTTP's own.
 *
 * The handshake authenticates the connection (src/auth/websocket.ts: connection_init payload or
 * cookie, 4403 on refusal, closed when the token expires); every operation re-reads the account
 * and gets its own request id, context (scope, loaders), access line and metrics. A client that
 * does not keep up is closed with 4413 (TOO_SLOW_CLOSE_CODE, docs/subscriptions.md "Backpressure").
 */
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { MessageType, parseMessage, stringifyMessage, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WebSocketAuth, WsContext } from '../auth/websocket.js';
import { countStatementsInto } from '../db/request-work.js';
import type { LiveResults, RequestTrace } from '../graphql/context.js';
import { newTrace, type TransportContext } from './context.js';
import { FRAMED_PLACEHOLDER, framedMessage, nextMessage, payloadText, withoutHttp } from './framed-next.js';
import { finishTrace, type Ending } from './observability.js';
import { releaseAdmission } from './plugins/admission.js';
import { maskError, noteErrors } from './plugins/mask-errors.js';
import type { GatewayYoga } from './yoga.js';

export interface GatewayWebSocket {
  close(): Promise<void>;
}

type Enveloped = ReturnType<GatewayYoga['getEnveloped']>;

/**
 * The close code of a socket whose client does not keep up: one of its subscriptions fell more
 * than GATEWAY_SUBSCRIBER_BUFFER events behind (SUBSCRIBER_TOO_SLOW), or more than
 * GATEWAY_SUBSCRIBER_SOCKET_BUFFER_BYTES wait unsent. In the application range and none of
 * graphql-ws's own codes (4400-4409, 4429, 4499, 4500, 4504 mean protocol faults there), so its
 * client treats it as a retryable close; 413 as in HTTP "too large": the client's backlog.
 */
export const TOO_SLOW_CLOSE_CODE = 4413;
export const TOO_SLOW_CLOSE_REASON = 'Subscriber too slow: re-query, then subscribe again with `after` to resume';

const socketOf = (ctx: WsContext) => ctx.extra.socket as unknown as WebSocket;

export function attachWebSocket(server: Server, yoga: GatewayYoga, auth: WebSocketAuth): GatewayWebSocket {
  const { services, observability } = yoga.gateway;
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: services.config.security.maxBodyBytes });
  observability.metrics?.countWebSockets(() => wss.clients.size);

  /** The enveloped functions each operation was prepared with (keyed by its execution args). */
  const envelopedOf = new WeakMap<ExecutionArgs, Enveloped>();
  /** Operations in flight per connection, each with its trace, until its access line is written. */
  const inFlight = new WeakMap<object, Map<string, RequestTrace>>();
  const operations = (ctx: object) => {
    let map = inFlight.get(ctx);
    if (!map) inFlight.set(ctx, (map = new Map()));
    return map;
  };
  // Per operation: aborted when it ends, so statements still running for it are cancelled.
  const aborts = new WeakMap<RequestTrace, AbortController>();
  const finish = (ctx: object, id: string, ending: Ending) => {
    const trace = operations(ctx).get(id);
    if (!trace) return;
    operations(ctx).delete(id);
    aborts.get(trace)?.abort();
    releaseAdmission(trace);
    finishTrace(trace, observability, ending);
  };
  /** Per connection: the payload text of each operation's `next` message graphql-ws is about to send. */
  const framedPayloads = new WeakMap<object, Map<string, string>>();
  /** `next` messages are framed around their shared payload text (src/server/framed-next.ts). */
  const frameNextMessages = (ctx: WsContext) => {
    const socket = socketOf(ctx);
    const payloads = new Map<string, string>();
    framedPayloads.set(ctx, payloads);
    const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
    socket.send = ((data: unknown, ...rest: unknown[]) => send(typeof data === 'string' ? framedMessage(data, payloads) : data, ...rest)) as WebSocket['send'];
  };
  /** Masks errors the way Yoga does for HTTP, puts the request id on masked ones, records codes. */
  const masked = (trace: RequestTrace, errors: readonly unknown[]): GraphQLError[] => {
    const result = errors.map((error) => withoutHttp(maskError(error) as GraphQLError));
    noteErrors(trace, result);
    return result;
  };

  /**
   * graphql-ws does not tell the server when a client completes a query still executing (it only
   * drops the result), so the socket's `complete` messages are read here too: the operation's
   * signal fires and its running statements are cancelled.
   */
  const abortWhenClientCompletes = (ctx: WsContext) => {
    socketOf(ctx).on('message', (data) => {
      let message;
      try {
        message = parseMessage(String(data));
      } catch {
        return; // graphql-ws itself closes the socket on an invalid message
      }
      if (message.type !== MessageType.Complete) return;
      const trace = operations(ctx).get(message.id);
      if (trace) aborts.get(trace)?.abort();
    });
  };

  /**
   * A client that does not keep up: the subscription's SUBSCRIBER_TOO_SLOW error (when there is
   * one) is queued as the operation's `error` message, then the socket is closed. Nothing more is
   * written to it; ws destroys it if the client does not answer the close within its timeout.
   */
  const closeTooSlow = (ctx: WsContext, id: string, error: GraphQLError | null) => {
    const socket = socketOf(ctx);
    if (socket.readyState !== socket.OPEN) return;
    const trace = operations(ctx).get(id);
    if (error) {
      const errors = trace ? masked(trace, [error]) : [error];
      socket.send(stringifyMessage({ id, type: MessageType.Error, payload: errors.map((e) => e.toJSON()) }));
    }
    socket.close(TOO_SLOW_CLOSE_CODE, TOO_SLOW_CLOSE_REASON);
    // Every operation of the socket ends now, as at its close, not when the client answers the
    // close (up to ws's 30 s): their queues stop and no more events are executed for them.
    for (const operationId of [...operations(ctx).keys()]) finish(ctx, operationId, { outcome: 'closed' });
  };

  /** A socket holding more than its byte limit unsent is closed as too slow (checked before each result). */
  const closedAsTooSlow = (ctx: WsContext, id: string, unsent: number): boolean => {
    if (unsent <= services.config.realtime.socketBufferBytes) return false;
    closeTooSlow(ctx, id, null);
    return true;
  };

  /**
   * Direct delivery of a subscription's error-free live results (src/realtime/shared-execution.ts):
   * `onNext`'s check (a socket holding more than its byte limit unsent is closed as too slow),
   * then the framed `next` message. While the kernel takes the writes nothing is awaited; once ws
   * holds bytes unsent, the caller waits for this write, as graphql-ws waits for each of its own.
   */
  const liveResultsOf = (ctx: WsContext, id: string): LiveResults => ({
    send(result) {
      const socket = socketOf(ctx);
      if (socket.readyState !== socket.OPEN) return undefined;
      const unsent = socket.bufferedAmount;
      if (closedAsTooSlow(ctx, id, unsent)) return undefined;
      if (unsent === 0) return void socket.send(nextMessage(id, result));
      return new Promise<void>((resolve) => socket.send(nextMessage(id, result), () => resolve()));
    },
  });

  const prepare = async (ctx: WsContext, id: string, trace: RequestTrace, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const refused = await countStatementsInto(trace.statements, () => auth.onSubscribe(ctx, id, payload));
    if (refused) return refused;
    const abort = new AbortController();
    aborts.set(trace, abort);
    const initial: TransportContext & { params: SubscribePayload } = {
      trace,
      identity: auth.identityOf(ctx),
      signal: abort.signal,
      onTooSlow: (error) => closeTooSlow(ctx, id, error),
      liveResults: liveResultsOf(ctx, id),
      params: payload,
    };
    const enveloped = yoga.getEnveloped(initial);
    const document = enveloped.parse(payload.query);
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length) return errors;
    const args: ExecutionArgs = {
      schema: enveloped.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: await enveloped.contextFactory(),
    };
    envelopedOf.set(args, enveloped);
    return args;
  };

  const run = (kind: 'execute' | 'subscribe') => (args: ExecutionArgs) => {
    const enveloped = envelopedOf.get(args);
    if (!enveloped) throw new Error('WebSocket operation without its enveloped pipeline');
    return enveloped[kind](args) as Promise<ExecutionResult | AsyncGenerator<ExecutionResult>>;
  };

  const disposable = useServer(
    {
      // Never put internal error messages in close reasons, whatever NODE_ENV says.
      isProd: true,
      execute: run('execute'),
      subscribe: run('subscribe'),
      onConnect(ctx) {
        abortWhenClientCompletes(ctx);
        frameNextMessages(ctx);
        return auth.onConnect(ctx);
      },
      async onSubscribe(ctx, id, payload) {
        const trace = newTrace('websocket');
        operations(ctx).set(id, trace);
        try {
          const prepared = await prepare(ctx, id, trace, payload);
          if (!Array.isArray(prepared)) return prepared as ExecutionArgs;
          const errors = masked(trace, prepared);
          finish(ctx, id, { outcome: 'completed' });
          return errors;
        } catch (error) {
          // Parse errors, armor refusals (thrown by its rules), context failures (database down).
          const errors = masked(trace, [error]);
          finish(ctx, id, { outcome: 'completed' });
          return errors;
        }
      },
      onNext(ctx, id, _payload, _args, result) {
        // A client not reading its socket: graphql-ws would keep adding to what ws holds unsent.
        if (closedAsTooSlow(ctx, id, socketOf(ctx).bufferedAmount)) return undefined;
        const trace = operations(ctx).get(id);
        const errors = (result as ExecutionResult).errors;
        if (trace) noteErrors(trace, errors);
        // The payload (errors with their HTTP codes but no HTTP status) is serialized once per
        // shared result; `send` frames it around this id (onConnect created this socket's map).
        framedPayloads.get(ctx)!.set(id, payloadText(result as ExecutionResult));
        return FRAMED_PLACEHOLDER as ExecutionResult;
      },
      onError(ctx, id, _payload, errors) {
        // Errors returned by onSubscribe were masked there (their trace is finished). Otherwise a
        // subscription stream failed and graphql-ws wrapped the raw error: mask it like HTTP.
        const trace = operations(ctx).get(id);
        return trace ? masked(trace, errors).map((error) => error.toJSON()) : undefined;
      },
      onComplete: (ctx, id) => finish(ctx, id, { outcome: 'completed' }),
      onClose(ctx, code, reason) {
        for (const id of [...operations(ctx).keys()]) finish(ctx, id, { outcome: 'closed' });
        auth.onClose(ctx, code, reason);
      },
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
