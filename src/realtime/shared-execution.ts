/**
 * Shared execution of subscription events (docs/subscriptions.md "Shared execution"). GraphQL
 * executes a subscription's selection set once per event and subscriber; with thousands of
 * subscribers that execution dominates the gateway's CPU. Here an event is executed once per
 * group of subscribers that would get the same result, and the result object is handed to each
 * of them (the transports still frame it per subscription id).
 *
 * The group key is what the result depends on: the document, the operation name, the variable
 * values and the caller's scope as the payload's resolvers read it from the context: signed in
 * or not, administrator or not, and the exact site set (src/access/scope.ts). The event itself is
 * the same object for every subscriber it was offered to (the change feed loads each row once),
 * so results are cached per event object and live only as long as some subscriber's queue holds
 * it. What stays per subscriber happens before this point, in the change feed: its filter, its
 * `after` replay, its access check, its re-validation (its scope is read at each event, so a
 * changed site assignment moves it to another group), its queue bound and close codes.
 *
 * A transport that can write results itself (graphql-ws: the context's `liveResults`) is handed
 * each error-free result directly instead of iterating the stream (deliverDirectly).
 */
import { createSourceEventStream, execute, GraphQLError, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import { Loaders } from '../access/loaders.js';
import type { OperatorIdentity } from '../auth/identity.js';
import { runAsRequestWork } from '../db/request-work.js';
import { StreamEnded } from '../graphql/changes.js';
import type { GatewayContext, LiveResults } from '../graphql/context.js';

const printedDocuments = new WeakMap<DocumentNode, string>();
const scopeKeys = new WeakMap<OperatorIdentity, string>();
/** Per event object: each group's result, computed by the first subscriber of the group to take it. */
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/**
 * Subscription events executed and delivered by this process, and the deliveries written
 * directly by their transport (benchmark and tests).
 */
export const sharedExecutionCounts = { executions: 0, deliveries: 0, direct: 0, serialized: 0 };

/** The caller's scope as resolvers see it: anonymous, administrator, or a User's exact site set. */
export function scopeKey(identity: OperatorIdentity | null): string {
  if (!identity) return 'anonymous';
  let key = scopeKeys.get(identity);
  if (key === undefined) {
    key = identity.isAdmin ? 'admin' : `sites:${[...(identity.siteIds ?? [])].sort((a, b) => a - b).join(',')}`;
    scopeKeys.set(identity, key);
  }
  return key;
}

function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

/**
 * Replaces the executor's `subscribe`, so it must be the first plugin that sets one (the plugins
 * after it wrap it: statement counting, cancellation on disconnect).
 */
export function useSharedSubscriptionExecution(): Plugin<GatewayContext> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribeShared);
    },
  };
}

/** The source stream of the subscription field (per subscriber), each event executed per group. */
export async function subscribeShared(args: ExecutionArgs): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return withRequestErrorCodes(source);
  const ctx = args.contextValue as GatewayContext;
  const operation = `${printed(args.document)}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
  // The group key, built again only when the subscriber's scope changed (re-validation).
  let scope: string | null = null;
  let group = '';
  const groupOf = () => {
    const current = scopeKey(ctx.identity);
    if (current !== scope) [scope, group] = [current, `${operation}\n${current}`];
    return group;
  };
  const resultOf = (event: unknown) => executeForGroup(args, ctx, groupOf, event);
  return ctx.liveResults ? deliverDirectly(source, resultOf, ctx.liveResults) : mapAsyncIterator(source, resultOf);
}

/**
 * Direct delivery (docs/subscriptions.md): the transport's iteration of a subscription (graphql-ws
 * awaits each message's write, envelop maps each result through its plugins' hooks) costs more
 * than the shared execution itself once thousands of subscribers share a few results. Here one
 * loop per subscriber takes its events in order and hands each error-free result to the
 * transport's `liveResults`, which frames and writes it. For such a result every per-result hook
 * of the pipeline is a no-op (error masking, the error codes of the access line, tracing's error
 * mark). A result with errors, and the stream's end, are still returned through the iterator, so
 * they take the pipeline's path; the loop goes on only when the transport asks for the next one,
 * which keeps the subscriber's order.
 */
export function deliverDirectly(
  source: AsyncIterable<unknown>,
  resultOf: (event: unknown) => Promise<ExecutionResult>,
  live: LiveResults,
): AsyncIterableIterator<ExecutionResult> {
  const events = source[Symbol.asyncIterator]();
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await events.return?.();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<ExecutionResult>> {
      try {
        while (!stopped) {
          const event = await events.next();
          if (event.done) break;
          const result = await resultOf(event.value);
          if (stopped) break;
          if (result.errors) return { value: result, done: false };
          sharedExecutionCounts.direct++;
          const backedUp = live.send(result);
          if (backedUp) await backedUp;
        }
      } catch (error) {
        await stop();
        throw error;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<ExecutionResult>> {
      await stop();
      return { value: undefined, done: true };
    },
  };
}

function executeForGroup(args: ExecutionArgs, ctx: GatewayContext, groupOf: () => string, event: unknown): Promise<ExecutionResult> {
  sharedExecutionCounts.deliveries++;
  // A stream's last error is this subscriber's own.
  if (typeof event !== 'object' || event === null || event instanceof StreamEnded) return executeEvent(args, ctx, event);
  const group = groupOf();
  let results = resultsByEvent.get(event);
  if (!results) resultsByEvent.set(event, (results = new Map()));
  let result = results.get(group);
  if (!result) results.set(group, (result = executeEvent(args, ctx, event)));
  return result;
}

/**
 * One execution with fresh loaders: nothing read for an earlier event is reused. It serves the
 * whole group, so it runs as database work of its own (no signal; its statements still counted
 * where the taking subscriber's are): that subscriber leaving must not cancel the others' statements.
 */
function executeEvent(args: ExecutionArgs, ctx: GatewayContext, event: unknown): Promise<ExecutionResult> {
  sharedExecutionCounts.executions++;
  const { signal: _callerSignal, ...rest } = ctx;
  const contextValue: GatewayContext = { ...rest, loaders: new Loaders(ctx.prisma, ctx.scope) };
  // Its statements go on the taking subscriber's access line: its trace, not the request-work
  // store, which the transport's iteration (graphql-ws, SSE) no longer runs inside.
  return runAsRequestWork({ statements: ctx.trace.statements }, async () => serializedOnce(await execute({ ...args, contextValue, rootValue: event })));
}

/**
 * SSE serializes each result per subscriber (Yoga's writer calls a result's own `stringify` when it
 * has one, else JSON.stringify): a shared result's text is made once and reused by its whole group.
 * A result some plugin replaced or changed (errors masked, extensions added) is a new object and
 * is serialized as usual. Non-enumerable, so no serialization or spread of the result carries it.
 */
function serializedOnce(result: ExecutionResult): ExecutionResult {
  let text: string | undefined;
  const stringify = (value: ExecutionResult) => {
    if (value !== result) return JSON.stringify(value);
    if (text === undefined) {
      sharedExecutionCounts.serialized++;
      text = JSON.stringify(result);
    }
    return text;
  };
  return Object.defineProperty(result, 'stringify', { value: stringify });
}

/**
 * Errors before the field's resolver ran (variables that do not coerce) are the client's, with
 * the code Yoga's own executor gives them; errors of the resolver carry their own code and path.
 */
function withRequestErrorCodes(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => !error.path && !error.extensions?.code)) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      error.path || error.extensions?.code ? error : new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } }),
    ),
  };
}
