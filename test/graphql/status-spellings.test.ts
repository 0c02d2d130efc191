/**
 * Status filters match the spellings Borealis writes: one spelling for a column whose writers store
 * constants (watchdog_incidents.state), the canonical/lower/UPPER/Capitalised spellings where
 * Borealis's readers compare case-insensitively.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { INCIDENT_STATE_SPELLING } from '../../src/graphql/enums.js';
import { statusSpellings, statusSql, statusWhere } from '../../src/graphql/inputs.js';

describe('status spellings', () => {
  it('matches every case spelling of a value set whose writers vary', () => {
    expect(statusSpellings(['Timed Out'])).toEqual(['Timed Out', 'timed out', 'TIMED OUT']);
    expect(statusWhere(['Pending'])).toEqual({ in: ['Pending', 'pending', 'PENDING'] });
  });

  it('matches incident states only as PY-WD and GO-WDRT write them: one equality for one state', () => {
    expect(INCIDENT_STATE_SPELLING).toBe('exact');
    expect(statusWhere(['open'], INCIDENT_STATE_SPELLING)).toEqual({ equals: 'open' });
    expect(statusWhere(['open', 'suppressed', 'open'], INCIDENT_STATE_SPELLING)).toEqual({ in: ['open', 'suppressed'] });
    const row = Prisma.raw('i');
    const one = statusSql(row, 'state', ['open'], INCIDENT_STATE_SPELLING);
    expect([one.sql, one.values]).toEqual(['i."state" = ?', ['open']]);
    const two = statusSql(row, 'state', ['open', 'resolved'], INCIDENT_STATE_SPELLING);
    expect([two.sql, two.values]).toEqual(['i."state" = ANY(?::text[])', [['open', 'resolved']]]);
  });

  it('adds nothing without a filter', () => {
    expect(statusWhere(null)).toBeUndefined();
    expect(statusSql(Prisma.raw('i'), 'state', undefined).sql).toBe('TRUE');
  });
});
