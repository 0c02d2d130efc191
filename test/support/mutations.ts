/** Helpers of the mutation tests: rows as they are stored, a command context, captured audit lines. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type pg from 'pg';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import { createScope } from '../../src/access/scope.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import type { CommandContext } from '../../src/domains/commands.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

/** Every row of `sql`, as pg returns them (column spellings, text, integers as stored). */
export async function rowsOf(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await pool.query(sql, params)).rows;
}

/**
 * A snapshot of whole tables (every column, ordered by all columns), to prove that a refused
 * mutation changed nothing anywhere it could have written.
 */
export async function snapshot(pool: pg.Pool, tables: readonly string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await rowsOf(pool, `SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    result[table] = rows.map((r) => String(r.row));
  }
  return result;
}

export interface CapturedCommandContext extends CommandContext {
  /** The JSON lines logged through `log` (the audit lines among them). */
  lines: Row[];
  close(): Promise<void>;
}

/** A command context for calling domain services directly, as the REST router would. */
export function commandContextFor(pool: pg.Pool, identity: OperatorIdentity): CapturedCommandContext {
  const lines: Row[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Row);
      done();
    },
  });
  const prisma: Db = createPrismaClient(pool);
  return {
    pool,
    identity,
    scope: createScope(prisma, identity),
    log: pino({ level: 'info' }, stream),
    lines,
    close: () => prisma.$disconnect(),
  };
}

/** The audit lines among captured log lines. */
export const auditLines = (lines: Row[]) => lines.filter((line) => line.audit !== undefined);

/** ISO text as Borealis's Go services write it (RFC 3339, UTC, whole seconds). */
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
