/** Scalars that hide Borealis's storage quirks from GraphQL clients. */
import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';
import { isoTextToDate } from './values.js';

builder.scalarType('DateTime', {
  description:
    'An instant as ISO-8601 UTC (`2026-11-20T14:03:11.123Z`), whether Borealis stored epoch seconds or ISO text.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent a non-Date value');
  },
  parseValue: (value) => parseDateTimeInput(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseDateTimeInput(ast.value);
  },
});

function parseDateTimeInput(value: unknown): Date {
  const date = typeof value === 'string' ? isoTextToDate(value) : null;
  if (!date) {
    throw new GraphQLError(`Invalid DateTime ${JSON.stringify(value)}: use ISO-8601, e.g. 2026-11-20T14:03:11Z`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

builder.scalarType('JSON', {
  description: 'A JSON value, parsed from the text column Borealis stores it in.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
