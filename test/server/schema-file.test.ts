import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../../src/server/schema.js';

describe('schema.graphql', () => {
  it('is the current printed schema (run `npm run schema:print` after changing src/schema)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printGatewaySchema());
  });
});
