/**
 * Database work of a request stops when its client goes away: the context's `signal` fires when
 * the HTTP client disconnects (Yoga on Node aborts the Request's signal) or a WebSocket operation
 * is completed by the client or its socket closes (src/server/websocket.ts); operations run under
 * that signal, so the pool cancels their running statements and starts no further ones.
 */
import type { Plugin } from 'graphql-yoga';
import { runForRequest } from '../../db/pool.js';

/** The signal of the operation's caller (absent for an in-process call without one). */
function signalOf(context: unknown): AbortSignal | undefined {
  return (context as { signal?: AbortSignal }).signal;
}

export function useCancelOnDisconnect(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const signal = signalOf(args.contextValue);
      if (signal) setExecuteFn((executionArgs) => runForRequest(signal, () => executeFn(executionArgs)));
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const signal = signalOf(args.contextValue);
      if (signal) setSubscribeFn((subscriptionArgs) => runForRequest(signal, () => subscribeFn(subscriptionArgs)));
    },
  };
}
