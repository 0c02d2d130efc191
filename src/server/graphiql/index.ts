/**
 * GraphiQL as the gateway serves it: the bundle of @graphql-yoga/render-graphiql inlined in the page
 * (no CDN, works offline), opening with the example operations of examples.graphql as one tab
 * each, and, in the embedded demo, the printed admin token already in every tab's headers.
 * Subscriptions use Yoga's default transport (SSE on /graphql, with the same headers).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type OperationDefinitionNode } from 'graphql';
import type { GraphiQLOptions } from 'graphql-yoga';

export { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/** Example operations for the main operator screens (validated against the schema by a test). */
export const GRAPHIQL_EXAMPLES = readFileSync(fileURLToPath(new URL('./examples.graphql', import.meta.url)), 'utf8');

export interface ExampleTab {
  /** The operation's name, e.g. DeviceList. */
  name: string;
  /** The operation with the comments written above it. */
  query: string;
}

/** One tab per operation; the comment lines above an operation travel with it. */
export function exampleTabs(source: string = GRAPHIQL_EXAMPLES): ExampleTab[] {
  const operations = parse(source).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  let previousEnd = 0;
  return operations.map((operation, index) => {
    const end = operation.loc!.end;
    const tab = { name: operation.name?.value ?? `Example ${index + 1}`, query: `${source.slice(previousEnd, end).trim()}\n` };
    previousEnd = end;
    return tab;
  });
}

export interface GraphiQLSettings {
  /** A token to pre-fill as `Authorization: Bearer <token>` (the embedded demo's admin token). */
  demoToken?: string | undefined;
}

export function graphiqlOptions(settings: GraphiQLSettings = {}): GraphiQLOptions {
  const headers = settings.demoToken ? JSON.stringify({ Authorization: `Bearer ${settings.demoToken}` }, null, 2) : undefined;
  return {
    title: 'Borealis GraphQL Gateway',
    defaultTabs: exampleTabs().map((tab) => ({ query: tab.query, headers: headers ?? null })),
    ...(headers ? { defaultHeaders: headers, headers } : {}),
    // A saved token in the browser's storage would outlive the demo database it was minted for.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: headers ? 'headers' : true,
  };
}
