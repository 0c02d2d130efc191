/**
 * Planning: an operation's selections resolved against the schema into a tree of fields that each
 * have an SQL form (forms.ts), or NotCompilable. Aliases, inline and named fragments,
 * `__typename` and `@include`/`@skip` are resolved here; every other directive (`@defer`,
 * `@stream`, ...), introspection, mutations and subscriptions are not compilable.
 *
 * A plan depends on the document, the operation, the values of the variables its directives use
 * and whether the caller is an Admin (admin-only fields compile for an Admin only); it does not
 * depend on who the caller is, so it is cached on those (compiler.ts).
 */
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ModelName } from '../../access/rules.js';
import { columnOf, NotCompilable } from './columns.js';
import { formOf, type ConnectionForm, type SqlForm } from './forms.js';

/** The kinds of the fields of a connection (edges, pageInfo, ...) and of objects. */
export type PlanKind =
  | 'typename'
  | 'column'
  | 'epoch'
  | 'flag'
  | 'idText'
  | 'row'
  | 'relatedList'
  | 'firstPerParent'
  | 'connection'
  | 'totalCount'
  | 'pageInfo'
  | 'edges'
  | 'cursor'
  | 'node'
  | 'hasNextPage'
  | 'hasPreviousPage'
  | 'startCursor'
  | 'endCursor';

export interface PlanField {
  /** The response key (alias or name). */
  key: string;
  kind: PlanKind;
  /** The first field node of the key (its arguments; validation made the others agree). */
  node: FieldNode;
  /** Absent for `__typename`. */
  definition?: GraphQLField<unknown, unknown>;
  /** The model field of a column-like form. */
  field?: string;
  form?: SqlForm;
  /** `__typename`'s value. */
  typename?: string;
  /** The value is non-null in GraphQL: a NULL from storage fails the statement (compiler.ts nonNull). */
  mustNotBeNull?: boolean;
  /** The selection under an object, list, connection, edge or pageInfo. */
  children?: PlanSelection;
}

export interface PlanSelection {
  /** The model of the rows (absent for connection, edge and pageInfo objects). */
  model?: ModelName;
  fields: PlanField[];
}

export interface Plan {
  fields: PlanField[];
}

interface PlanContext {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  isAdmin: boolean;
}

/** Fields of `type` in `selectionSet`, grouped by response key, with fragments and @include/@skip resolved. */
function collectFields(context: PlanContext, type: GraphQLObjectType, selectionSet: SelectionSetNode, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (!included(context, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition && !appliesTo(context, selection.typeCondition.name.value, type)) continue;
      collectFields(context, type, selection.selectionSet, into);
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (!fragment) throw new NotCompilable(`unknown fragment ${selection.name.value}`);
      if (fragment.directives?.length) throw new NotCompilable('directives on fragment definitions');
      if (!appliesTo(context, fragment.typeCondition.name.value, type)) continue;
      collectFields(context, type, fragment.selectionSet, into);
    }
  }
  return into;
}

function appliesTo(context: PlanContext, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = context.schema.getType(condition);
  if (!conditionType || isObjectType(conditionType) || isScalarType(conditionType)) return false;
  return context.schema.isSubType(conditionType as Parameters<GraphQLSchema['isSubType']>[0], type);
}

/** @include/@skip; any other directive (@defer, @stream, custom ones) is not compilable. */
function included(context: PlanContext, node: { directives?: readonly { name: { value: string } }[] | undefined }): boolean {
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== 'include' && directive.name.value !== 'skip') throw new NotCompilable(`directive @${directive.name.value}`);
  }
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, context.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, context.variables);
  return include?.if !== false;
}

/** scope-auth options the compiled path honours: none, `{ operator: true }`, or `{ admin: true }` for an Admin. */
function authorized(options: unknown, isAdmin: boolean): boolean {
  const { authScopes, grantScopes, skipTypeScopes, unauthorizedResolver } = (options ?? {}) as Record<string, unknown>;
  if (grantScopes !== undefined || skipTypeScopes !== undefined || unauthorizedResolver !== undefined) return false;
  if (authScopes === undefined) return true;
  if (authScopes === null || typeof authScopes !== 'object') return false;
  return Object.entries(authScopes).every(([scope, value]) => value === true && (scope === 'operator' || (scope === 'admin' && isAdmin)));
}

const pothosOptions = (extensions: Readonly<Record<string, unknown>> | null | undefined) => extensions?.pothosOptions;

function namedObject(type: GraphQLOutputType): GraphQLObjectType {
  const inner = isNonNullType(type) ? type.ofType : type;
  const unwrapped = isListType(inner) ? (isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType) : inner;
  if (!isObjectType(unwrapped)) throw new NotCompilable('not an object type');
  return unwrapped;
}

function modelOf(type: GraphQLObjectType): ModelName {
  const model = type.extensions.pothosPrismaModel as ModelName | undefined;
  if (!model) throw new NotCompilable(`${type.name} has no model`);
  return model;
}

/** GraphQL scalar -> the native column types whose values JSON carries unchanged. */
const EXPOSABLE: Record<string, readonly string[]> = { String: ['text'], Int: ['integer', 'smallint'], Boolean: ['boolean'] };

const CONNECTION_FIELDS: Record<string, PlanKind> = { totalCount: 'totalCount', pageInfo: 'pageInfo', edges: 'edges' };
const PAGE_INFO_FIELDS: Record<string, PlanKind> = {
  hasNextPage: 'hasNextPage',
  hasPreviousPage: 'hasPreviousPage',
  startCursor: 'startCursor',
  endCursor: 'endCursor',
};
const EDGE_FIELDS: Record<string, PlanKind> = { cursor: 'cursor', node: 'node' };

type Role = 'root' | 'object' | 'connection' | 'pageInfo' | 'edge';

function planSelection(context: PlanContext, type: GraphQLObjectType, selectionSet: SelectionSetNode, role: Role): PlanSelection {
  if (!authorized(pothosOptions(type.extensions), context.isAdmin)) throw new NotCompilable(`${type.name} is scoped`);
  const model = role === 'object' ? modelOf(type) : undefined;
  const fields: PlanField[] = [];
  for (const [key, nodes] of collectFields(context, type, selectionSet)) {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') {
      fields.push({ key, kind: 'typename', node, typename: type.name });
      continue;
    }
    const definition = type.getFields()[name];
    if (!definition) throw new NotCompilable(`unknown field ${type.name}.${name}`);
    if (!authorized(pothosOptions(definition.extensions), context.isAdmin)) throw new NotCompilable(`${type.name}.${name} is scoped`);
    const merged: SelectionSetNode | undefined = node.selectionSet && { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
    const childOf = (childRole: Role) => {
      if (!merged) throw new NotCompilable(`${name} needs a selection`);
      return planSelection(context, namedObject(definition.type), merged, childRole);
    };
    const planned: PlanField = { key, kind: 'typename', node, definition };
    const fixed = role === 'connection' ? CONNECTION_FIELDS[name] : role === 'pageInfo' ? PAGE_INFO_FIELDS[name] : role === 'edge' ? EDGE_FIELDS[name] : undefined;
    if (role !== 'object' && role !== 'root') {
      if (!fixed) throw new NotCompilable(`${type.name}.${name}`);
      planned.kind = fixed;
      if (fixed === 'pageInfo') planned.children = childOf('pageInfo');
      if (fixed === 'edges') planned.children = childOf('edge');
      if (fixed === 'node') planned.children = childOf('object');
      fields.push(planned);
      continue;
    }
    const form = formOf(definition.extensions) ?? exposedForm(definition);
    if (!form) throw new NotCompilable(`${type.name}.${name} has no SQL form`);
    if (role === 'root' && form.kind !== 'connection') throw new NotCompilable(`root field ${name}`);
    planned.form = form;
    planned.kind = form.kind;
    const nonNull = isNonNullType(definition.type);
    switch (form.kind) {
      case 'column':
      case 'epoch':
      case 'flag':
      case 'idText': {
        const column = columnOf(model!, form.field);
        planned.field = form.field;
        if (form.kind === 'column' && !EXPOSABLE[scalarName(definition.type)]?.includes(column.pgType)) {
          throw new NotCompilable(`${type.name}.${name}: ${column.pgType} as ${scalarName(definition.type)}`);
        }
        if (form.kind === 'epoch' && column.pgType !== 'integer') throw new NotCompilable(`${type.name}.${name}: epoch in ${column.pgType}`);
        if (form.kind === 'idText' && column.pgType !== 'bigint') throw new NotCompilable(`${type.name}.${name}: id in ${column.pgType}`);
        // Checked whatever the mirror says: a live column may have lost its NOT NULL (drift). A
        // flag is never NULL (a NULL column reads as false).
        planned.mustNotBeNull = nonNull && form.kind !== 'flag';
        break;
      }
      case 'row':
        planned.children = childOf('object');
        planned.mustNotBeNull = nonNull;
        break;
      case 'relatedList':
      case 'firstPerParent':
        planned.children = childOf('object');
        break;
      case 'connection':
        planned.children = childOf('connection');
        break;
    }
    fields.push(planned);
  }
  return { ...(model ? { model } : {}), fields };
}

/** A field exposed from a model column (`t.exposeString('hostname')`): its column form. */
function exposedForm(definition: GraphQLField<unknown, unknown>): SqlForm | undefined {
  const exposed = definition.extensions?.pothosExposedField;
  return typeof exposed === 'string' ? { kind: 'column', field: exposed } : undefined;
}

function scalarName(type: GraphQLOutputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isScalarType(inner) ? inner.name : '';
}

/** The plan of a query operation, or NotCompilable. */
export function planOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  isAdmin: boolean,
): Plan {
  if (operation.operation !== 'query') throw new NotCompilable(operation.operation);
  if (operation.directives?.length) throw new NotCompilable('operation directives');
  const root = schema.getQueryType();
  if (!root) throw new NotCompilable('no query type');
  const selection = planSelection({ schema, fragments, variables, isAdmin }, root, operation.selectionSet, 'root');
  if (selection.fields.every((field) => field.kind === 'typename')) throw new NotCompilable('nothing to read');
  return { fields: selection.fields };
}

