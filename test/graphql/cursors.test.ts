/**
 * The keyset predicate against PostgreSQL itself, for orderings no list uses yet: every mix of
 * directions over three nullable keys (int, text, bigint) with ties, then the tie-breaker. For each
 * row, the rows "after" and "before" its cursor must be exactly the rows that follow and precede
 * it in PostgreSQL's ORDER BY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { sqlKeysetPredicates, sqlOrderBy } from '../../src/graphql/connections.js';
import { decodeCursor, encodeCursor, keysetPredicate, type KeyValue, type TypedSortKey } from '../../src/graphql/cursors.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let prisma: Db;

interface ProbeRow {
  id: bigint;
  rank: number | null;
  label: string | null;
  size: bigint | null;
}

beforeAll(async () => {
  db = await createTestDatabase({ baseline: false });
  prisma = createPrismaClient(db.pool);
  await db.pool.query('CREATE TABLE keyset_probe (id bigint PRIMARY KEY, rank int, label text, size bigint)');
  // 30 rows: few distinct values per column (ties everywhere), NULLs in each, a bigint beyond 2^53.
  await db.pool.query(`INSERT INTO keyset_probe
    SELECT i,
      (ARRAY[NULL, 1, 2, -1])[1 + i % 4],
      (ARRAY[NULL, 'a', 'B', 'b', 'a b'])[1 + (i * 7) % 5],
      (ARRAY[NULL, 5, -3, 9007199254740993])[1 + (i * 3) % 4]::bigint
    FROM generate_series(1, 30) AS i`);
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

const COLUMNS: Array<Omit<TypedSortKey, 'direction'>> = [
  { field: 'rank', type: 'Int', nullable: true },
  { field: 'label', type: 'String', nullable: true },
  { field: 'size', type: 'BigInt', nullable: true },
  { field: 'id', type: 'BigInt', nullable: false },
];
const expressionOf = (key: TypedSortKey) => Prisma.raw(`"${key.field}"`);

/** Every assignment of asc/desc to the four keys. */
const orderings: TypedSortKey[][] = Array.from({ length: 2 ** COLUMNS.length }, (_, mask) =>
  COLUMNS.map((column, index) => ({ ...column, direction: mask & (1 << index) ? 'desc' : 'asc' })),
);

describe('keyset predicate', () => {
  it.each(orderings.map((keys) => [keys.map((k) => `${k.field} ${k.direction}`).join(', '), keys] as const))(
    '%s: after/before each row is exactly what follows/precedes it',
    async (_name, keys) => {
      const ordered = await prisma.$queryRaw<ProbeRow[]>(Prisma.sql`SELECT * FROM keyset_probe ${sqlOrderBy(keys, expressionOf)}`);
      const ids = ordered.map((row) => row.id);
      expect(ids).toHaveLength(30);
      for (const [index, row] of ordered.entries()) {
        // Through a cursor, as a client would send it back.
        const cursor = encodeCursor('Test.probe', keys, keys.map((key) => row[key.field as keyof ProbeRow] as KeyValue));
        const values = decodeCursor(cursor, 'after', 'Test.probe', keys);
        for (const side of ['after', 'before'] as const) {
          const predicate = keysetPredicate(keys, values, side, sqlKeysetPredicates(expressionOf));
          const found = await prisma.$queryRaw<Array<{ id: bigint }>>(
            Prisma.sql`SELECT id FROM keyset_probe WHERE ${predicate} ${sqlOrderBy(keys, expressionOf)}`,
          );
          const expected = side === 'after' ? ids.slice(index + 1) : ids.slice(0, index);
          expect(found.map((r) => r.id), `${side} row ${row.id}`).toEqual(expected);
        }
      }
    },
  );
});
