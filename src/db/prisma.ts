/**
 * Prisma Client on top of the gateway's own pg pool (driver adapter): one pool, one set of
 * session settings, whether SQL comes from Prisma or from hand-written catalog queries.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

export function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}
