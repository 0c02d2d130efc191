/**
 * Helpers of the configuration command tests (on top of test/support/mutations.ts): a command
 * context per demo operator, the code of a refusal, one row of a query.
 */
import { expect } from 'vitest';
import { DomainError, type DomainErrorCode } from '../../src/domains/errors.js';
import { commandContextFor, type CapturedCommandContext } from './mutations.js';
import type { OperatorName, SeededGateway } from './seeded.js';

/** `as(who)`: a command context of a demo operator (one per operator, closed by `close()`). */
export function commandContexts(seeded: SeededGateway): { as(who: OperatorName): CapturedCommandContext; close(): Promise<void> } {
  const contexts = new Map<OperatorName, CapturedCommandContext>();
  return {
    as(who) {
      let context = contexts.get(who);
      if (!context) contexts.set(who, (context = commandContextFor(seeded.db.pool, seeded.identities[who])));
      return context;
    },
    close: async () => {
      await Promise.all([...contexts.values()].map((context) => context.close()));
    },
  };
}

/** The DomainError a command refused with (fails the test when it succeeded or threw something else). */
export async function refusal(work: Promise<unknown>, code: DomainErrorCode): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code, (error as Error).message).toBe(code);
  return error as DomainError;
}

/** The one row `sql` returns (fails the test when there is not exactly one). */
export async function one<T = Record<string, unknown>>(seeded: SeededGateway, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await seeded.db.pool.query(sql, params);
  expect(rows.length, sql).toBe(1);
  return rows[0] as T;
}

/** Site ids by name. */
export async function siteIdsByName(seeded: SeededGateway): Promise<(name: string) => number> {
  const { rows } = await seeded.db.pool.query<{ id: string; name: string }>('SELECT id::text, name FROM engine.sites');
  const ids = new Map(rows.map((r) => [r.name, Number(r.id)]));
  return (name) => ids.get(name) ?? Number.NaN;
}

/** The first device (by hostname) assigned to the site. */
export function deviceIn(seeded: SeededGateway, siteId: number) {
  return one<{ hostname: string; guid: string }>(
    seeded,
    'SELECT d.hostname, d.guid FROM engine.devices d JOIN engine.device_sites ds ON ds.device_hostname = d.hostname WHERE ds.site_id = $1 ORDER BY d.hostname LIMIT 1',
    [siteId],
  );
}
