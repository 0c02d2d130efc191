/**
 * Input limits (src/graphql/input-limits.ts) for every argument of an operation, checked before it
 * runs: the arguments are coerced as execution will see them (variables resolved, defaults
 * applied), then every string and list in them is measured against the limits of the argument or
 * input field it sits in. Inputs added to the schema later are covered without a line here.
 */
import {
  BREAK,
  getArgumentValues,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ExecutionArgs,
  type GraphQLError,
  type GraphQLInputType,
} from 'graphql';
import { badInput } from '../../graphql/errors.js';
import { inputLimitsOf, type InputLimits } from '../../graphql/input-limits.js';

/** Where a value sits, as the client wrote it: `devices(where.hostname.contains)`. */
interface InputPath {
  field: string;
  argument: string;
}

const described = (path: InputPath) => `\`${path.field}(${path.argument})\``;

/** The first value of `value` (of `type`, at `path`) beyond its limits, as a BAD_USER_INPUT error. */
function valueViolation(value: unknown, type: GraphQLInputType, limits: InputLimits, path: InputPath): GraphQLError | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    if (items.length > limits.maxItems) {
      return badInput(`${described(path)} has ${items.length} values; at most ${limits.maxItems} are accepted.`, { maxItems: limits.maxItems });
    }
    for (const item of items) {
      const violation = valueViolation(item, nullable.ofType as GraphQLInputType, limits, path);
      if (violation) return violation;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      const fieldValue = (value as Record<string, unknown>)[field.name];
      const violation = valueViolation(fieldValue, field.type, inputLimitsOf(field.extensions), {
        ...path,
        argument: `${path.argument}.${field.name}`,
      });
      if (violation) return violation;
    }
    return undefined;
  }
  if (typeof value !== 'string' || isEnumType(nullable)) return undefined;
  if (value.includes('\u0000')) return badInput(`${described(path)} contains a NUL character (U+0000), which PostgreSQL text cannot hold.`);
  if (value.length > limits.maxLength) {
    return badInput(`${described(path)} is longer than ${limits.maxLength} characters (got ${value.length}).`, { maxLength: limits.maxLength });
  }
  return undefined;
}

type OperationArgs = Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>;

/**
 * The operation execution will run and its coerced variables; undefined when execution will refuse
 * it before running anything (no such operation, variables that do not coerce), with its own error.
 */
export function runnableOperation(args: OperationArgs) {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined;
  const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 1 });
  return variables.errors ? undefined : { operation, variables: variables.coerced };
}

/**
 * The first argument value of the operation beyond its limits, or undefined. An argument that
 * cannot be read is left to execution, which refuses it.
 */
export function inputLimitViolation(
  args: OperationArgs,
  { operation, variables }: NonNullable<ReturnType<typeof runnableOperation>>,
): GraphQLError | undefined {
  const typeInfo = new TypeInfo(args.schema);
  let violation: GraphQLError | undefined;
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const field = typeInfo.getFieldDef();
      if (!field || field.args.length === 0) return undefined;
      let values: Record<string, unknown>;
      try {
        values = getArgumentValues(field, node, variables);
      } catch {
        return undefined;
      }
      for (const arg of field.args) {
        violation ??= valueViolation(values[arg.name], arg.type, inputLimitsOf(arg.extensions), { field: node.name.value, argument: arg.name });
      }
      return violation ? BREAK : undefined;
    },
  });
  // The operation and the fragments it may spread; each fragment is walked once.
  for (const definition of args.document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
    if (violation) return violation;
  }
  return undefined;
}
