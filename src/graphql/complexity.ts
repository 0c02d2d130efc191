/**
 * The cost model of @pothos/plugin-complexity (enforced per request by
 * src/server/plugins/operation-limits.ts): every field costs 1, and the fields selected under a
 * list cost once per row it may return. Field arguments are read after variables are resolved and
 * defaults applied, so `first: $n` costs what `first: 100` costs.
 *
 * - a connection or nested list with `first`/`last`: the rows asked for, at most the maximum page
 *   size (more is refused with BAD_USER_INPUT when the field runs, a clearer answer than a cost);
 *   a connection without either: the default page size; a nested list: its own default;
 * - `edges` of a connection: 1, its rows are the connection's (CONNECTION_EDGES_COMPLEXITY);
 * - `nodes(ids:)`: one row per id;
 * - any other list (an unpaged relation: a device's keys, a job's targets): UNPAGED_LIST_ROWS.
 *
 * The page sizes are parameters: inputs.ts (which defines them) imports the builder, which
 * imports this file.
 */
import { getNullableType, isListType, type GraphQLField } from 'graphql';
import type { FieldComplexityValue } from '@pothos/plugin-complexity';

/** Rows assumed for a list without paging arguments (the relations such lists hold are short). */
export const UNPAGED_LIST_ROWS = 10;

/** Relay `edges`: the connection's multiplier already counts its rows. */
export const CONNECTION_EDGES_COMPLEXITY = { field: 1, multiplier: 1 };

export interface PageSizes {
  defaultPageSize: number;
  maxPageSize: number;
}

function rowsAsked(args: Record<string, unknown>, field: GraphQLField<unknown, unknown>, sizes: PageSizes): number | undefined {
  const page = [args.first, args.last].filter((value): value is number => typeof value === 'number');
  if (page.length > 0) return Math.min(sizes.maxPageSize, Math.max(0, ...page));
  if (field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) return sizes.defaultPageSize;
  if (Array.isArray(args.ids)) return args.ids.length;
  if (isListType(getNullableType(field.type))) return UNPAGED_LIST_ROWS;
  return undefined;
}

/** The plugin's `fieldComplexity` for the gateway's page sizes. */
export function rowsCostModel(sizes: PageSizes) {
  return <Context>(args: Record<string, unknown>, _ctx: Context, field: GraphQLField<unknown, Context>): FieldComplexityValue => {
    const rows = rowsAsked(args, field as GraphQLField<unknown, unknown>, sizes);
    return rows === undefined ? 1 : { field: 1, multiplier: rows };
  };
}
