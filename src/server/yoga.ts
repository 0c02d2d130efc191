/**
 * Composes the gateway: GraphQL Yoga over the Pothos schema, plus /healthz and /readyz for load
 * balancers. Everything here is in-process and testable with `yoga.fetch`.
 */
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayContext, GatewayServices } from '../graphql/context.js';
import { readinessReport } from '../db/readiness.js';
import { createScope } from '../access/scope.js';
import { Loaders } from '../access/loaders.js';
import { gatewaySchema } from './schema.js';
import { maskError, requestIdOf, useRequestId } from './plugins/mask-errors.js';
import { securityPlugins } from './plugins/security.js';
import { graphiqlOptions, renderGraphiQL } from './graphiql/index.js';

export { GRAPHIQL_EXAMPLES } from './graphiql/index.js';

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export function createGatewayYoga(services: GatewayServices): GatewayYoga {
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema: gatewaySchema(),
    graphqlEndpoint: '/graphql',
    batching: services.config.security.maxBatch > 1 ? { limit: services.config.security.maxBatch } : false,
    maskedErrors: { maskError },
    graphiql: services.config.graphiql ? graphiqlOptions({ demoToken: services.demoToken }) : false,
    renderGraphiQL,
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    context: async ({ request }) => {
      const identity = await services.authenticate(request);
      const scope = createScope(services.prisma, identity);
      return {
        ...services,
        requestId: requestIdOf(request),
        identity,
        scope,
        loaders: new Loaders(services.prisma, scope),
      };
    },
    plugins: [
      ...securityPlugins(services.config.security),
      useRequestId(),
      {
        async onRequest({ request, url, endResponse, fetchAPI }) {
          if (url.pathname !== '/readyz' || request.method !== 'GET') return;
          const report = await readinessReport(services.pool, services.readiness);
          endResponse(
            new fetchAPI.Response(JSON.stringify(report), {
              status: report.ready ? 200 : 503,
              headers: { 'content-type': 'application/json' },
            }),
          );
        },
      },
    ],
  });
}
