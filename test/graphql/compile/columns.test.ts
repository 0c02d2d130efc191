/**
 * selectList (src/graphql/compile/columns.ts): a compiled page selects the columns its readers
 * name through the page's aliases, plus the sort keys; a row read whole, a column the model does
 * not have, or a secret or large one makes the operation not compilable.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/client.js';
import { NotCompilable, selectList } from '../../../src/graphql/compile/columns.js';

const c1 = Prisma.raw('c1');
const c10 = Prisma.raw('c10');
const list = (readers: Prisma.Sql[], aliases = [c1], always: string[] = []) => selectList('Device', aliases, readers, always).text;

describe('selectList', () => {
  it('names the columns read through the aliases, quoted or bare, the sort keys first, each once', () => {
    const reader = Prisma.sql`json_build_object('hostname', ${c1}."hostname", 'site', (SELECT 1 FROM engine.device_sites ds WHERE ds.device_hostname = ${c1}.hostname), 'status', ${c1}."status")`;
    expect(list([reader], [c1], ['hostname', 'guid'])).toBe('"hostname", "guid", "status"');
  });

  it('does not take c10 for c1, a response key for an alias, or the alias being defined', () => {
    const reader = Prisma.sql`json_build_object('c1', ${c10}."description") FROM shown AS ${c1} WHERE ${c1}."guid" = ${c10}.guid`;
    expect(list([reader])).toBe('"guid"');
    expect(list([reader], [c1, c10])).toBe('"description", "guid"');
  });

  it('refuses a row read whole, an unknown column and a large or secret one', () => {
    for (const reader of [
      Prisma.sql`to_json(${c1})`,
      Prisma.sql`${c1}.*`,
      Prisma.sql`${c1}::text`,
      Prisma.sql`${c1}."no_such_column"`,
      Prisma.sql`${c1}."na""me"`,
      Prisma.sql`${c1}.memory`,
    ]) {
      expect(() => list([reader]), reader.strings.join('')).toThrow(NotCompilable);
    }
  });
});
