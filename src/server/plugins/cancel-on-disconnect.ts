/**
 * Database work of a request stops when its client goes away: Yoga on Node gives each Request an
 * AbortSignal that fires when the client disconnects; operations run under that signal, so the
 * pool cancels their running statements and starts no further ones (src/db/pool.ts).
 */
import type { Plugin } from 'graphql-yoga';
import { runForRequest } from '../../db/pool.js';

/** The signal of the transport request an operation belongs to (absent for an in-process call). */
function signalOf(context: unknown): AbortSignal | undefined {
  return (context as { request?: { signal?: AbortSignal } }).request?.signal;
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
