/**
 * GraphQL over WebSocket (graphql-ws protocol) on the same /graphql path as HTTP. The handshake
 * authenticates the connection (src/auth/websocket.ts: connection_init payload or cookie, 4403 on
 * refusal, closed when the token expires); every operation is re-authorized and gets a fresh
 * context (scope and loaders), exactly like an HTTP request.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createScope } from '../access/scope.js';
import type { WebSocketAuth } from '../auth/websocket.js';
import type { GatewayContext, GatewayServices } from '../graphql/context.js';
import { armorValidationRules } from './plugins/security.js';
import { withOperationLimits } from './plugins/operation-limits.js';
import { Loaders } from '../access/loaders.js';
import { gatewaySchema } from './schema.js';

export interface GatewayWebSocket {
  close(): Promise<void>;
}

export function attachWebSocket(server: Server, services: GatewayServices, auth: WebSocketAuth): GatewayWebSocket {
  const armorRules = armorValidationRules(services.config.security);
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: services.config.security.maxBodyBytes });
  const disposable = useServer(
    {
      schema: gatewaySchema(),
      validate: (schema, document) => validate(schema, document, [...specifiedRules, ...armorRules]),
      ...withOperationLimits(services.config.security),
      onConnect: (ctx) => auth.onConnect(ctx),
      onSubscribe: (ctx, id, payload) => auth.onSubscribe(ctx, id, payload),
      onClose: (ctx, code, reason) => auth.onClose(ctx, code, reason),
      context: (ctx): GatewayContext => {
        const identity = auth.identityOf(ctx);
        const scope = createScope(services.prisma, identity);
        return { ...services, requestId: randomUUID(), identity, scope, loaders: new Loaders(services.prisma, scope) };
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
