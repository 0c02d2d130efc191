import { GraphQLError } from 'graphql';
import { parseStoredJson } from './values.js';

/**
 * Resolves a JSON-in-text column. A malformed stored value becomes an error on this one field
 * (the field is null, the rest of the response is intact), never a failed query.
 */
export function storedJson(text: string | null, column: string): unknown {
  const parsed = parseStoredJson(text);
  if (parsed.ok) return parsed.value;
  throw new GraphQLError(`Borealis stored malformed JSON in ${column}; the raw value is not returned.`, {
    extensions: { code: 'STORED_VALUE_MALFORMED', column },
  });
}
