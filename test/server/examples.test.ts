import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLES } from '../../src/server/yoga.js';
import { gatewaySchema } from '../../src/server/schema.js';

describe('GraphiQL example operations', () => {
  it('are valid against the current schema', () => {
    const document = parse(GRAPHIQL_EXAMPLES);
    expect(document.definitions.length).toBeGreaterThanOrEqual(6);
    expect(validate(gatewaySchema(), document).map((e) => e.message)).toEqual([]);
  });
});
