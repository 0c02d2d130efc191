/**
 * Mounts the agent REST router (src/rest) in the Yoga pipeline: requests under /api/agent/ are
 * answered by it before any GraphQL step (the GraphQL body limit does not apply: each agent route
 * has its own), on the request's trace, so the access log, the metrics and the statement count
 * are shared with GraphQL (src/server/observability.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { countStatementsInto } from '../../db/request-work.js';
import { AGENT_API_PREFIX, type AgentRouter } from '../../rest/agent-router.js';
import { traceOfRequest } from '../context.js';

export function useAgentApi(router: AgentRouter): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith(AGENT_API_PREFIX)) return;
      const trace = traceOfRequest(request);
      const peer = (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress ?? '';
      endResponse(await countStatementsInto(trace.statements, () => router.fetch(request, { peer, trace })));
    },
  };
}
