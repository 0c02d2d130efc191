/**
 * Every operation runs as the database work of its request (src/db/request-work.ts): its SQL
 * statements are counted on its trace (access log, metrics), and when its caller goes away (Yoga
 * on Node aborts the HTTP Request's signal when the client disconnects; src/server/websocket.ts
 * aborts a WebSocket operation's when the client completes it or the socket closes) the pool
 * cancels its running statements and starts no further ones. One store and one wrapper for both.
 *
 * The compiled read path and the shared subscription execution replace the innermost execute and
 * subscribe (yoga.ts lists them first), so this wrapper covers them.
 */
import type { Plugin } from 'graphql-yoga';
import { runAsRequestWork, type RequestWork } from '../../db/request-work.js';
import type { GatewayContext } from '../../graphql/context.js';

function workOf(context: unknown): RequestWork {
  const { trace, signal } = context as GatewayContext;
  return { statements: trace.statements, signal };
}

export function useRequestWork(): Plugin<GatewayContext> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => runAsRequestWork(workOf(args.contextValue), () => executeFn(args)));
    },
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args) => runAsRequestWork(workOf(args.contextValue), () => subscribeFn(args)));
    },
  };
}
