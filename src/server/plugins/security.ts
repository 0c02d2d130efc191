/**
 * Abuse resistance (OWASP GraphQL cheat sheet), one concern per plugin:
 * - graphql-armor: depth, alias, token and directive limits per document; field suggestions blocked;
 * - operation-limits.ts: cost (variables resolved) and aliases per HTTP request, input sizes;
 * - each refusal carries a code clients can branch on (QUERY_TOO_DEEP, TOO_MANY_ALIASES, ...);
 * - request body size limit and chunked uploads refused before parsing;
 * - CSRF prevention for browser requests (Yoga's plugin: simple requests need a custom header);
 * - introspection switchable off for production.
 * Batched operations and error masking are Yoga options, set in yoga.ts from the same config.
 * Everything but the body limit and CSRF (HTTP-only) is an envelop hook, so graphql-ws operations,
 * which run through yoga.getEnveloped() (websocket.ts), get exactly the same limits.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SecurityConfig } from '../../config/env.js';
import { useOperationLimits } from './operation-limits.js';

/**
 * armor reports a refusal to its onReject handlers and then throws a plain "Syntax Error". The
 * handler throws first, with a message without that prefix and a code clients can branch on.
 */
function refuseWith(code: string) {
  const coded = (error: GraphQLError) =>
    new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code, http: { status: 400 } } });
  return {
    propagateOnRejection: true,
    onReject: [
      (_context: unknown, error: GraphQLError) => {
        throw coded(error);
      },
    ],
  };
}

/**
 * 413 for a body over the limit; 411 for a body without a declared length (chunked, or an
 * in-process Request with a stream body). Every body left has a Content-Length within the limit,
 * which Node's HTTP parser holds the body to, so Yoga's own limit (a stream transform on every
 * body) is off (yoga.ts).
 */
function useBodyLimit(maxBodyBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
      const refuse = (status: number, code: string, message: string) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      const length = request.headers.get('content-length');
      if (length === null) {
        if (request.headers.get('transfer-encoding') || request.body) refuse(411, 'LENGTH_REQUIRED', 'Send the request body with a Content-Length header.');
        return;
      }
      if (Number(length) > maxBodyBytes) {
        refuse(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`);
      }
    },
  };
}

function armorOptions(config: SecurityConfig) {
  return {
    maxDepth: { n: config.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...refuseWith('QUERY_TOO_DEEP') },
    maxAliases: { n: config.maxAliases, allowList: [], ...refuseWith('TOO_MANY_ALIASES') },
    maxTokens: { n: config.maxTokens, ...refuseWith('TOO_MANY_TOKENS') },
    maxDirectives: { n: 50, ...refuseWith('TOO_MANY_DIRECTIVES') },
    // Cost needs the variables, which validation does not see: operation-limits.ts.
    costLimit: { enabled: false },
  };
}

/**
 * Introspection refused as a validation rule on every operation. (Yoga's disable-introspection
 * plugin marks HTTP requests in an HTTP-only hook, so it would not see graphql-ws operations.)
 */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

export function securityPlugins(config: SecurityConfig): Plugin[] {
  const plugins: Plugin[] = [
    useBodyLimit(config.maxBodyBytes),
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-requested-with'] }),
    EnvelopArmorPlugin({ ...armorOptions(config), blockFieldSuggestion: { enabled: true } }) as Plugin,
    useOperationLimits(config),
  ];
  if (!config.introspection) plugins.push(useNoIntrospection());
  return plugins;
}
