/**
 * Composes the gateway: GraphQL Yoga over the Pothos schema, plus /healthz and /readyz for load
 * balancers, /metrics for Prometheus and `/` to GraphiQL. Everything here is in-process and
 * testable with `yoga.fetch`; graphql-ws (websocket.ts) runs its operations through the same
 * Yoga instance's envelop, so both transports share one pipeline.
 */
import { createYoga, useExtendContext, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayContext, GatewayServices } from '../graphql/context.js';
import { readinessReport } from '../db/readiness.js';
import { gatewaySchema } from './schema.js';
import { buildContext, type TransportContext } from './context.js';
import { useMetricsEndpoint } from './metrics.js';
import { createObservability, useAccessLog, useOperationTrace, yogaLogger, type Observability } from './observability.js';
import { AdmissionGate, admissionLimits, useAdmission } from './plugins/admission.js';
import { useSharedSubscriptionExecution } from '../realtime/shared-execution.js';
import { maskError } from './plugins/mask-errors.js';
import { securityPlugins } from './plugins/security.js';
import { graphiqlOptions, renderGraphiQL } from './graphiql/index.js';
import { useAgentApi } from './plugins/agent-api.js';
import { useCompiledReads } from './plugins/compiled-reads.js';
import { useRequestWork } from './plugins/request-work.js';
import { createAgentRouter, type AgentRouter } from '../rest/agent-router.js';

export { GRAPHIQL_EXAMPLES } from './graphiql/index.js';

const GRAPHQL_ENDPOINT = '/graphql';

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext> & {
  /** What the WebSocket transport needs to run operations through this instance. */
  readonly gateway: { services: GatewayServices; observability: Observability; agentApi: AgentRouter };
};

const json = (fetchAPI: { Response: typeof Response }, status: number, body: unknown) =>
  new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** /readyz (database and drift), and `/`: GraphiQL when it is served, else a 404 that says where GraphQL is. */
function useRoutes(services: GatewayServices): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET') return;
      if (url.pathname === '/readyz') {
        const report = await readinessReport(services.pool, services.readiness);
        endResponse(json(fetchAPI, report.ready ? 200 : 503, report));
      } else if (url.pathname === '/') {
        endResponse(
          services.config.graphiql
            ? new fetchAPI.Response(null, { status: 302, headers: { location: GRAPHQL_ENDPOINT } })
            : json(fetchAPI, 404, { errors: [{ message: `Not found. GraphQL is served at ${GRAPHQL_ENDPOINT}.`, extensions: { code: 'NOT_FOUND' } }] }),
        );
      }
    },
  };
}

export function createGatewayYoga(
  services: GatewayServices,
  observability: Observability = createObservability(services.config, services.pool),
): GatewayYoga {
  const agentApi = createAgentRouter({ pool: services.pool, config: services.config.agent, log: observability.log });
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema: gatewaySchema(),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    batching: services.config.security.maxBatch > 1 ? { limit: services.config.security.maxBatch } : false,
    // The body limit of security.ts covers every body before parsing, without a stream per request.
    maxRequestBodySize: false,
    maskedErrors: { maskError },
    logging: yogaLogger(observability.log),
    graphiql: services.config.graphiql ? graphiqlOptions({ demoToken: services.demoToken }) : false,
    renderGraphiQL,
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    plugins: [
      // First, so that every later plugin's wrappers (statement counting, cancellation) wrap them:
      // the compiled read path replaces the innermost execute (after every onExecute hook has
      // passed), shared subscription execution the executor's subscribe.
      ...(services.config.compiledReads ? [useCompiledReads()] : []),
      useSharedSubscriptionExecution(),
      useAccessLog(observability, GRAPHQL_ENDPOINT),
      useOperationTrace(),
      useRequestWork(),
      ...(observability.tracing ? [observability.tracing.plugin] : []),
      // Before the GraphQL limits: /api/agent/* has its own body limits, errors and rate limits.
      useAgentApi(agentApi),
      ...securityPlugins(services.config.security),
      // Admission first: a refused operation is refused before its context (auth read) is built.
      useAdmission(new AdmissionGate(admissionLimits(services.config.db)), GRAPHQL_ENDPOINT),
      useExtendContext((initial) => buildContext(services, observability.log, initial as unknown as TransportContext)),
      useRoutes(services),
      ...(observability.metrics ? [useMetricsEndpoint(observability.metrics)] : []),
    ],
  });
  return Object.assign(yoga, { gateway: { services, observability, agentApi } });
}
