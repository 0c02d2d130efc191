/**
 * Limits that need the operation's variables, checked after validation and before anything runs
 * (so a refused operation sends no SQL):
 * - input sizes and NUL bytes (input-limits.ts): BAD_USER_INPUT;
 * - cost (@pothos/plugin-complexity with the model of src/graphql/complexity.ts, variables
 *   resolved): QUERY_TOO_COMPLEX beyond GATEWAY_MAX_COST;
 * - aliases: TOO_MANY_ALIASES beyond GATEWAY_MAX_ALIASES.
 * Cost and aliases are a budget per HTTP request: the operations of a batched request share it,
 * so five batched operations cannot fetch five times what one may. (armor's alias rule also
 * checks each document during validation.)
 */
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SecurityConfig } from '../../config/env.js';
import { badInput } from '../../graphql/errors.js';
import { inputLimitViolation, runnableOperation } from './input-limits.js';

/** What the operations of one request have used so far. */
interface Spent {
  cost: number;
  aliases: number;
}

function refusal(code: string, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code, http: { status: 400 } } });
}

/** Aliased fields the operation selects, a fragment counted at each spread. */
function aliasCount(document: DocumentNode, operationName: string | null | undefined): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const perFragment = new Map<string, number>();
  const inSet = (set: SelectionSetNode): number => {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) count += 1;
        if (selection.selectionSet) count += inSet(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += inSet(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation has refused fragment cycles and unknown fragments before execution.
        if (fragment && !perFragment.has(name)) perFragment.set(name, inSet(fragment.selectionSet));
        count += perFragment.get(name) ?? 0;
      }
    }
    return count;
  };
  return inSet(operation.selectionSet);
}

/**
 * The operation's cost with its variables resolved, or the error that stops computing it (an
 * argument that cannot be read): execution would fail on it too, so it is the refusal.
 */
function operationCost(args: ExecutionArgs): { cost: number } | { error: GraphQLError } {
  let cost = 0;
  const rule = createComplexityRule({
    context: args.contextValue as object,
    variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
    operationName: args.operationName ?? undefined,
    validate: (state) => {
      cost += state.complexity;
    },
  });
  let errors: readonly GraphQLError[];
  try {
    errors = validate(args.schema, args.document, [rule]);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    errors = [error];
  }
  const [error] = errors;
  if (!error) return { cost };
  return { error: error.extensions.code ? error : badInput(error.message) };
}

/** What an operation that may run costs: a function of its schema, document, name and variables only. */
interface Measure {
  cost: number;
  aliases: number;
}

/**
 * Measures of operations already seen. Yoga's parser cache hands out the same DocumentNode for the
 * same text, so a screen sent again skips the cost validation and the input walk; at most
 * MEASURES_PER_DOCUMENT variable sets are kept per document. Refusals are never cached.
 */
const measuresBySchema = new WeakMap<object, WeakMap<DocumentNode, Map<string, Measure>>>();
const MEASURES_PER_DOCUMENT = 64;

function measuresOf(args: ExecutionArgs): { get(): Measure | undefined; set(measure: Measure): void } {
  let key: string | undefined;
  try {
    key = JSON.stringify([args.operationName ?? null, args.variableValues ?? {}]);
  } catch {
    // Variables JSON cannot spell (not from a transport): measured every time.
  }
  let byDocument = measuresBySchema.get(args.schema);
  if (!byDocument) measuresBySchema.set(args.schema, (byDocument = new WeakMap()));
  const measures = byDocument.get(args.document) ?? new Map<string, Measure>();
  return {
    get: () => (key === undefined ? undefined : measures.get(key)),
    set: (measure) => {
      if (key === undefined) return;
      if (measures.size >= MEASURES_PER_DOCUMENT) measures.clear();
      measures.set(key, measure);
      byDocument.set(args.document, measures);
    },
  };
}

/** The operation's cost and aliases, or the error refusing it whatever the budget; undefined when execution refuses it itself. */
function measureOperation(args: ExecutionArgs): Measure | GraphQLError | undefined {
  const cache = measuresOf(args);
  const known = cache.get();
  if (known) return known;
  // Execution refuses an operation it cannot run (unknown name, bad variables) before any SQL.
  const runnable = runnableOperation(args);
  if (!runnable) return undefined;
  const inputViolation = inputLimitViolation(args, runnable);
  if (inputViolation) return inputViolation;
  const measured = operationCost(args);
  if ('error' in measured) return measured.error;
  const measure = { cost: measured.cost, aliases: aliasCount(args.document, args.operationName) };
  cache.set(measure);
  return measure;
}

/** The error refusing the operation, or undefined when it may run (its cost and aliases then spent). */
export function operationRefusal(args: ExecutionArgs, config: SecurityConfig, spent: Spent): GraphQLError | undefined {
  const measure = measureOperation(args);
  if (measure === undefined || measure instanceof GraphQLError) return measure;
  const { cost, aliases } = measure;
  const batched = spent.cost > 0 || spent.aliases > 0 ? ' (all operations of the request together)' : '';
  if (spent.aliases + aliases > config.maxAliases) {
    return refusal('TOO_MANY_ALIASES', `Aliases limit of ${config.maxAliases} exceeded${batched}: ${spent.aliases + aliases} aliases.`, {
      maxAliases: config.maxAliases,
    });
  }
  if (spent.cost + cost > config.maxCost) {
    return refusal('QUERY_TOO_COMPLEX', `Query cost limit of ${config.maxCost} exceeded${batched}: cost ${spent.cost + cost}.`, {
      cost: spent.cost + cost,
      maxCost: config.maxCost,
    });
  }
  spent.cost += cost;
  spent.aliases += aliases;
  return undefined;
}

export function useOperationLimits(config: SecurityConfig): Plugin {
  // Keyed by the HTTP request, which the operations of a batch share (by the context elsewhere).
  const spentBy = new WeakMap<object, Spent>();
  const check = (args: ExecutionArgs) => {
    const context = args.contextValue as { request?: object };
    const key = context.request ?? context;
    let spent = spentBy.get(key);
    if (!spent) spentBy.set(key, (spent = { cost: 0, aliases: 0 }));
    return operationRefusal(args, config, spent);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
