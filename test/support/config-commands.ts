/**
 * Helpers of the configuration command tests: a CommandContext for a demo operator, whole-table
 * snapshots (to prove a refused command changed nothing) and the code of a refusal.
 */
import { pino } from 'pino';
import { expect } from 'vitest';
import { createScope } from '../../src/access/scope.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import type { CommandContext } from '../../src/domains/commands.js';
import { DomainError, type DomainErrorCode } from '../../src/domains/errors.js';
import type { OperatorName, SeededGateway } from './seeded.js';

export function commandContexts(seeded: SeededGateway): { as(who: OperatorName): CommandContext; prisma: Db } {
  const prisma = createPrismaClient(seeded.db.pool);
  const log = pino({ level: 'silent' });
  return {
    prisma,
    as: (who) => ({ pool: seeded.db.pool, identity: seeded.identities[who], scope: createScope(prisma, seeded.identities[who]), log }),
  };
}

/** Every row of the tables, in a stable order: equal snapshots mean nothing was written. */
export async function snapshot(seeded: SeededGateway, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await seeded.db.pool.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`);
    result[table] = rows.map((r: { row: unknown }) => r.row);
  }
  return result;
}

/** The DomainError a command refused with (fails the test when it succeeded or threw something else). */
export async function refusal(work: Promise<unknown>, code: DomainErrorCode): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

export async function one<T = Record<string, unknown>>(seeded: SeededGateway, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await seeded.db.pool.query(sql, params);
  expect(rows.length, sql).toBe(1);
  return rows[0] as T;
}
