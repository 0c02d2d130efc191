/** What every resolver receives. Built once per request (see app.ts). */
import type pg from 'pg';
import type { GatewayConfig } from './config/env.js';
import type { Db } from './db/prisma.js';
import type { ReadinessState } from './readiness.js';

export interface GatewayServices {
  config: GatewayConfig;
  pool: pg.Pool;
  prisma: Db;
  readiness: ReadinessState;
}

export interface GatewayContext extends GatewayServices {
  requestId: string;
}
