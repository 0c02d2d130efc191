/**
 * The compiled read path in the pipeline: a query whose every field has an SQL form is answered
 * by one statement (src/graphql/compile); anything else, and anything the compiled path cannot
 * prove equal, runs the normal execution. One envelop hook, so HTTP, SSE and graphql-ws share it.
 *
 * It only replaces the innermost execute function. Every onExecute hook still runs first (the
 * operation limits refuse before anything executes), and the plugins after it in the list wrap
 * it (statement counting, cancellation on disconnect): that is why yoga.ts lists it first.
 */
import type { Plugin } from 'graphql-yoga';
import { executeCompiled } from '../../graphql/compile/compiler.js';

export function useCompiledReads(): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => (await executeCompiled(args)) ?? executeFn(args));
    },
  };
}
