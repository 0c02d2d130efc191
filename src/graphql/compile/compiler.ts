/**
 * The compiled read path: a query whose every selected field has an SQL form (forms.ts) is
 * answered by ONE statement that builds the response's `data` in PostgreSQL (json_build_object,
 * json_agg, LIMIT inside every nested list), with the access rule's SQL form (access/rules.ts
 * ruleSql) on every table it reads, for the request's scope. Nothing is left for JS: the opaque
 * cursors are built in SQL byte for byte as encodeCursor builds them, a NULL in a non-null field
 * fails the statement, and the statement's JSON text is written to the response as it is
 * (preSerialized: never parsed and serialized again on the HTTP path).
 *
 * `executeCompiled` answers undefined whenever it cannot prove the answer equals the normal
 * execution's: an operation or argument it does not compile, an argument the normal path would
 * refuse (it then refuses it with its own error), or a statement that failed on its data (among
 * them a NULL in a non-null field, which the normal path answers with an error). The caller
 * then runs the normal execution. A failure of the database itself is the answer on both paths.
 */
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { classifyInfrastructureError } from '../../db/infrastructure-errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { ruleSql, type ModelName } from '../../access/rules.js';
import type { GatewayContext } from '../context.js';
import { sqlKeysetPredicates, sqlOrderBy } from '../connections.js';
import { CURSOR_VERSION, decodeCursor, keysetPredicate, orderingId, reversed, type TypedSortKey } from '../cursors.js';
import { DEFAULT_PAGE_SIZE, pageSize, type OrderValue } from '../inputs.js';
import { columnOf, columnSql, NotCompilable, orderBySql, selectList, tableOf, whereSql } from './columns.js';
import type { ConnectionForm, FieldArgs } from './forms.js';
import { planOperation, type Plan, type PlanField, type PlanSelection } from './plan.js';

const literal = (text: string) => Prisma.raw(`'${text.replaceAll("'", "''")}'`);

/** Epoch seconds as the gateway's DateTime text, exactly `new Date(s * 1000).toISOString()` for int4 values > 0. */
const isoFromEpoch = (column: Prisma.Sql) =>
  Prisma.sql`CASE WHEN ${column} > 0 THEN to_char(to_timestamp(${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END`;

/**
 * A row's opaque cursor, byte for byte what encodeCursor (cursors.ts) builds: base64url without
 * padding or line breaks of `JSON.stringify([version, list, ordering, values])`. The head is
 * JSON.stringify's own text; each value is PostgreSQL's to_json, which escapes exactly as
 * JSON.stringify does (`"`, `\`, \b \f \n \r \t, other control characters as \u00xx, the rest as
 * is); an int8 travels as its decimal string, a NULL as null.
 */
export function cursorSql(list: string, keys: readonly TypedSortKey[], column: (key: TypedSortKey) => Prisma.Sql): Prisma.Sql {
  const head = `${JSON.stringify([CURSOR_VERSION, list, orderingId(keys)]).slice(0, -1)},[`;
  const values = keys.map((key) => Prisma.sql`COALESCE(to_json(${key.type === 'BigInt' ? Prisma.sql`${column(key)}::text` : column(key)})::text, 'null')`);
  const json = Prisma.sql`${literal(head)} || ${Prisma.join(values, " || ',' || ")} || ']]'`;
  return Prisma.sql`rtrim(translate(encode(convert_to(${json}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;
}

/**
 * A non-null field's value: a NULL fails the statement with a cast error, and the normal path
 * then answers with its own error (executeCompiled), so the result needs no walk. COALESCE
 * evaluates the failing cast only for a NULL, and the cast reads nothing of the row (a whole-row
 * reference would make every column of a page be read). `concat` is not immutable: PostgreSQL
 * folds it while planning only to estimate a WHERE or join condition, so the check belongs in a
 * select list (json_build_object's arguments), never in a condition.
 */
const nonNull = (value: Prisma.Sql) => Prisma.sql`COALESCE(to_json(${value}), to_json(concat('a NULL in a non-null field')::int))`;

/** Builds the statement of one request: the plan with its arguments, variables and scope. */
class Binder {
  private aliases = 0;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly variables: Record<string, unknown>,
  ) {}

  private alias(): Prisma.Sql {
    return Prisma.raw(`c${this.aliases++}`);
  }

  private args(field: PlanField): FieldArgs {
    return getArgumentValues(field.definition!, field.node, this.variables);
  }

  private rule(model: ModelName, row: Prisma.Sql): Promise<Prisma.Sql> {
    return ruleSql(model, this.ctx.scope, row);
  }

  async root(plan: Plan): Promise<Prisma.Sql> {
    return Prisma.sql`SELECT ${await this.object({ fields: plan.fields }, Prisma.empty)}::text AS data`;
  }

  private async object(selection: PlanSelection, row: Prisma.Sql): Promise<Prisma.Sql> {
    // json_build_object takes at most 100 arguments.
    if (selection.fields.length > 50) throw new NotCompilable('more than 50 fields in one object');
    const pairs = await Promise.all(
      selection.fields.map(async (field) => {
        const value = await this.value(field, selection, row);
        return Prisma.sql`${literal(field.key)}, ${field.mustNotBeNull ? nonNull(value) : value}`;
      }),
    );
    return Prisma.sql`json_build_object(${Prisma.join(pairs, ', ')})`;
  }

  private async value(field: PlanField, selection: PlanSelection, row: Prisma.Sql): Promise<Prisma.Sql> {
    const form = field.form;
    switch (field.kind) {
      case 'typename':
        return Prisma.sql`${literal(field.typename!)}::text`;
      case 'column':
        return columnSql(selection.model!, field.field!, row);
      case 'epoch':
        return isoFromEpoch(columnSql(selection.model!, field.field!, row));
      case 'flag':
        return Prisma.sql`COALESCE(${columnSql(selection.model!, field.field!, row)} <> 0, false)`;
      case 'idText':
        return Prisma.sql`${columnSql(selection.model!, field.field!, row)}::text`;
      case 'connection':
        return this.connection(field, form as ConnectionForm);
      default:
        break;
    }
    const children = field.children!;
    const model = children.model!;
    const child = this.alias();
    if (form?.kind === 'row') {
      return Prisma.sql`(SELECT ${await this.object(children, child)} FROM ${tableOf(model)} AS ${child}
        WHERE ${form.match(row, child)} AND ${await this.rule(model, child)} LIMIT 1)`;
    }
    let order: (alias: Prisma.Sql) => Prisma.Sql;
    let page: (columns: Prisma.Sql) => Promise<Prisma.Sql>;
    if (form?.kind === 'relatedList') {
      const list = form.list(this.args(field));
      order = (alias) => orderBySql(model, list.orderBy, alias);
      page = async (columns) => Prisma.sql`SELECT ${columns} FROM ${tableOf(model)} AS ${child}
        WHERE ${form.match(row, child)} AND ${await this.rule(model, child)} AND ${whereSql(model, list.where, child)}
        ORDER BY ${order(child)} LIMIT ${list.take}`;
    } else if (form?.kind === 'firstPerParent') {
      const options = form.options(this.args(field));
      order = options.orderBy;
      const extra = options.where ? Prisma.sql` AND ${options.where(child)}` : Prisma.empty;
      page = async (columns) => Prisma.sql`SELECT ${columns} FROM ${options.table} AS ${child}
        WHERE ${options.match(child, form.parentKey(row))} AND ${await this.rule(model, child)}${extra}
        ORDER BY ${order(child)} LIMIT ${options.first}`;
    } else {
      throw new NotCompilable(`no SQL for ${field.key}`);
    }
    const object = await this.object(children, child);
    const columns = selectList(model, [child], [object, order(child)], []);
    return Prisma.sql`COALESCE((SELECT json_agg(${object} ORDER BY ${order(child)}) FROM (${await page(columns)}) AS ${child}), '[]'::json)`;
  }

  /** A top-level list: the same page, ordering, cursors and count as connections.ts listConnection. */
  private async connection(field: PlanField, form: ConnectionForm): Promise<Prisma.Sql> {
    const args = this.args(field) as FieldArgs & { first?: number | null; last?: number | null; after?: string | null; before?: string | null; where?: unknown; orderBy?: OrderValue<string> | null };
    if (args.last != null || args.before != null) throw new NotCompilable('backward paging');
    pageSize.maxSize(args);
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const keys = form.orderings.get(args.orderBy ? `${args.orderBy.field}.${args.orderBy.direction ?? 'ASC'}` : 'default');
    if (!keys) throw new NotCompilable('unknown ordering');
    const list = `Query.${field.definition!.name}`;
    const model = form.model;
    const filter = form.filter(args.where);

    const row = this.alias();
    const column = (alias: Prisma.Sql) => (key: TypedSortKey) => columnSql(model, key.field, alias);
    const matching = async (alias: Prisma.Sql) => Prisma.sql`${whereSql(model, filter, alias)} AND ${await this.rule(model, alias)}`;
    const bound = args.after == null ? [] : [keysetPredicate(keys, decodeCursor(args.after, 'after', list, keys), 'after', sqlKeysetPredicates(column(row)))];
    const cursor = (alias: Prisma.Sql) => cursorSql(list, keys, column(alias));

    const pairs: Prisma.Sql[] = [];
    // The aliases that read `shown` (edges, cursors): what they read is all `page` selects.
    const overShown: Prisma.Sql[] = [row];
    for (const part of field.children!.fields) {
      let value: Prisma.Sql;
      switch (part.kind) {
        case 'typename':
          value = Prisma.sql`${literal(part.typename!)}::text`;
          break;
        case 'totalCount': {
          const counted = this.alias();
          value = Prisma.sql`(SELECT count(*)::int FROM ${tableOf(model)} AS ${counted} WHERE ${await matching(counted)})`;
          break;
        }
        case 'pageInfo':
          value = await this.pageInfo(part.children!, { first, after: args.after != null, keys, cursor, column, overShown });
          break;
        case 'edges': {
          const edge = this.alias();
          overShown.push(edge);
          const edgeFields = await Promise.all(
            part.children!.fields.map(async (edgeField) => {
              const edgeValue =
                edgeField.kind === 'cursor' ? cursor(edge)
                : edgeField.kind === 'node' ? await this.object(edgeField.children!, edge)
                : Prisma.sql`${literal(edgeField.typename!)}::text`;
              return Prisma.sql`${literal(edgeField.key)}, ${edgeValue}`;
            }),
          );
          value = Prisma.sql`COALESCE((SELECT json_agg(json_build_object(${Prisma.join(edgeFields, ', ')}) ${sqlOrderBy(keys, column(edge))})
            FROM shown AS ${edge}), '[]'::json)`;
          break;
        }
        default:
          throw new NotCompilable(`connection field ${part.key}`);
      }
      pairs.push(Prisma.sql`${literal(part.key)}, ${value}`);
    }
    // `page` holds first + 1 rows (the extra one answers hasNextPage), `shown` the first `first`.
    const columns = selectList(model, overShown, pairs, keys.map((key) => columnOf(model, key.field).column));
    return Prisma.sql`(WITH page AS (
        SELECT ${columns} FROM ${tableOf(model)} AS ${row} WHERE ${await matching(row)}${bound.length ? Prisma.sql` AND ${bound[0]!}` : Prisma.empty}
        ${sqlOrderBy(keys, column(row))} LIMIT ${first + 1}
      ), shown AS (SELECT ${columns} FROM page AS ${row} ${sqlOrderBy(keys, column(row))} LIMIT ${first})
      SELECT json_build_object(${Prisma.join(pairs, ', ')}))`;
  }

  private async pageInfo(
    selection: PlanSelection,
    page: {
      first: number;
      after: boolean;
      keys: readonly TypedSortKey[];
      cursor: (alias: Prisma.Sql) => Prisma.Sql;
      column: (alias: Prisma.Sql) => (key: TypedSortKey) => Prisma.Sql;
      /** Collects the aliases this reads `shown` through (their columns are what `page` selects). */
      overShown: Prisma.Sql[];
    },
  ): Promise<Prisma.Sql> {
    const pairs = selection.fields.map((part) => {
      const edge = this.alias();
      page.overShown.push(edge);
      const value =
        part.kind === 'hasNextPage' ? Prisma.sql`((SELECT count(*) FROM page) > ${page.first})`
        // As resolveKeysetConnection: a forward page has a previous page when a cursor was given.
        : part.kind === 'hasPreviousPage' ? Prisma.raw(page.after ? 'true' : 'false')
        : part.kind === 'startCursor' ? Prisma.sql`(SELECT ${page.cursor(edge)} FROM shown AS ${edge} ${sqlOrderBy(page.keys, page.column(edge))} LIMIT 1)`
        : part.kind === 'endCursor' ? Prisma.sql`(SELECT ${page.cursor(edge)} FROM shown AS ${edge} ${sqlOrderBy(reversed(page.keys), page.column(edge))} LIMIT 1)`
        : Prisma.sql`${literal(part.typename!)}::text`;
      return Prisma.sql`${literal(part.key)}, ${value}`;
    });
    return Prisma.sql`json_build_object(${Prisma.join(pairs, ', ')})`;
  }
}

/** Plans by document, then by operation name, Admin or not, and the variables @include/@skip read. */
const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();
const PLANS_PER_DOCUMENT = 64;

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/** The variables a document's @include/@skip read (their values change the plan). */
const directiveVariables = new WeakMap<DocumentNode, string[]>();
function variablesOfDirectives(document: DocumentNode): string[] {
  let names = directiveVariables.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Directive(directive) {
        for (const argument of directive.arguments ?? []) if (argument.value.kind === Kind.VARIABLE) found.add(argument.value.name.value);
      },
    });
    names = [...found].sort();
    directiveVariables.set(document, names);
  }
  return names;
}

function planFor(args: ExecutionArgs, variables: Record<string, unknown>, isAdmin: boolean): Plan | null {
  const key = JSON.stringify([args.operationName ?? null, isAdmin, variablesOfDirectives(args.document).map((name) => variables[name] ?? null)]);
  let byKey = plans.get(args.document);
  if (!byKey) plans.set(args.document, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key)!;
  let plan: Plan | null;
  try {
    const operation = getOperationAST(args.document, args.operationName);
    plan = operation ? planOperation(args.schema, operation, fragmentsOf(args.document), variables, isAdmin) : null;
  } catch (error) {
    if (!(error instanceof NotCompilable)) throw error;
    plan = null;
  }
  if (byKey.size >= PLANS_PER_DOCUMENT) byKey.clear();
  byKey.set(key, plan);
  return plan;
}

/** A statement as sent: its text read once (Prisma.Sql builds `text` again on every read). */
interface BoundStatement {
  text: string;
  values: unknown[];
  /** Its prepared statement's name (none once the process named MAX_PREPARED_TEXTS texts). */
  name?: string;
}

/**
 * Statements already built for an Admin, whose rules are all TRUE (no scope value in the SQL), by
 * the variables and the lists' filters as built now (a filter may depend on the time, e.g.
 * `online`: then its value, and so the key, changes). A User's rules carry the user's sites and
 * sets read from the database: their statement is built for each request.
 */
const adminStatements = new WeakMap<Plan, Map<string, BoundStatement>>();
const STATEMENTS_PER_PLAN = 64;

/**
 * Compiled statements run as named prepared statements: PostgreSQL parses and plans them once per
 * connection instead of on every request (planning a compiled screen costs about as much as
 * running it). The name is a hash of the text, so a name never stands for two texts. A User's
 * sites and sets are bound values, never text (access/rules.ts), so every user of a screen sends
 * the same text, and so the same statement. At most MAX_PREPARED_TEXTS texts get a name in this
 * process (later ones run unnamed), which bounds the prepared statements each connection holds.
 * The one result column (`data`, text) cannot change type, so DDL on a table only makes
 * PostgreSQL plan the statement again. A named text is sent as the one string first seen: pg
 * compares it with the text it prepared on the connection, which the same string passes at once
 * (a text built again compares character by character).
 */
const MAX_PREPARED_TEXTS = 200;
const prepared = new Map<string, { name: string; text: string }>();

function asSent(statement: Prisma.Sql): BoundStatement {
  const text = statement.text;
  let named = prepared.get(text);
  if (named === undefined && prepared.size < MAX_PREPARED_TEXTS) {
    named = { name: `gateway_read_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, text };
    prepared.set(text, named);
  }
  const values = statement.values as unknown[];
  return named ? { text: named.text, values, name: named.name } : { text, values };
}

/**
 * A request's variables, coerced once per operation and sent text: graphql-js's coercion, and the
 * lists' arguments under them, cost about as much as finding the kept statement.
 */
interface SentVariables {
  /** As graphql-js coerces them (read only: shared by the requests that sent the same text). */
  values: Record<string, unknown>;
  /** The text they were sent as (null: not JSON, then nothing is kept). */
  key: string | null;
  /** Each plan's top-level lists' `where` arguments under these variables. */
  wheres: WeakMap<Plan, unknown[]>;
}

const sentVariables = new WeakMap<OperationDefinitionNode, Map<string, SentVariables | null>>();
const VARIABLE_SETS_PER_OPERATION = 64;

/** The operation's coerced variables, or null when graphql-js refuses them (the normal path answers). */
function variablesOf(args: ExecutionArgs, operation: OperationDefinitionNode): SentVariables | null {
  const sent = (args.variableValues ?? {}) as Record<string, unknown>;
  const coerce = (key: string | null): SentVariables | null => {
    const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], sent);
    return coerced.errors ? null : { values: coerced.coerced, key, wheres: new WeakMap() };
  };
  // Only what JSON spells exactly is kept by its text (transports parse JSON; an in-process
  // caller may pass `undefined`, which JSON.stringify drops but graphql-js does not).
  if (!isJsonValue(sent)) return coerce(null);
  const key = JSON.stringify(sent);
  let byKey = sentVariables.get(operation);
  if (!byKey) sentVariables.set(operation, (byKey = new Map()));
  let variables = byKey.get(key);
  if (variables === undefined) {
    variables = coerce(key);
    // Shared by every request that sends this text: frozen, so a writer fails instead of changing them for all.
    if (variables) deepFreeze(variables.values);
    if (byKey.size >= VARIABLE_SETS_PER_OPERATION) byKey.clear();
    byKey.set(key, variables);
  }
  return variables;
}

/** Whether `value` is made of what JSON.parse returns only (no undefined, functions, bigints, class instances). */
function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(isJsonValue);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const each of Object.values(value)) deepFreeze(each);
}

const withBigInts = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value);

/** The models whose rows a plan reads (each gets its access rule in the statement). */
const modelsRead = new WeakMap<Plan, ModelName[]>();
function modelsOf(plan: Plan): ModelName[] {
  let models = modelsRead.get(plan);
  if (!models) {
    const found = new Set<ModelName>();
    const walk = (fields: readonly PlanField[]) => {
      for (const field of fields) {
        if (field.form && 'model' in field.form) found.add(field.form.model);
        if (field.children?.model) found.add(field.children.model);
        if (field.children) walk(field.children.fields);
      }
    };
    walk(plan.fields);
    modelsRead.set(plan, (models = [...found]));
  }
  return models;
}

async function bind(plan: Plan, ctx: GatewayContext, variables: SentVariables): Promise<BoundStatement> {
  const build = () => new Binder(ctx, variables.values).root(plan);
  if (!ctx.scope.isAdmin || ctx.scope.siteIds !== null) {
    // The scope's id sets (read once per request) are read before binding: binding then waits on
    // no statement, so its aliases are numbered the same way on every request, and users of a
    // screen keep sending one text (one prepared statement).
    await Promise.all(modelsOf(plan).map((model) => ruleSql(model, ctx.scope, Prisma.raw('warm'))));
    return asSent(await build());
  }
  let wheres = variables.wheres.get(plan);
  if (!wheres) {
    wheres = plan.fields.map((field) => (field.kind === 'connection' ? getArgumentValues(field.definition!, field.node, variables.values).where : undefined));
    if (variables.key !== null) variables.wheres.set(plan, wheres);
  }
  const filters = plan.fields.map((field, index) => (field.kind === 'connection' ? (field.form as ConnectionForm).filter(wheres[index]) : null));
  const key = `${variables.key ?? JSON.stringify(variables.values, withBigInts)}${JSON.stringify(filters, withBigInts)}`;
  let byKey = adminStatements.get(plan);
  if (!byKey) adminStatements.set(plan, (byKey = new Map()));
  let bound = byKey.get(key);
  if (!bound) {
    bound = asSent(await build());
    if (byKey.size >= STATEMENTS_PER_PLAN) byKey.clear();
    byKey.set(key, bound);
  }
  return bound;
}

/** A database failure as the operation's result: the pipeline turns it into its coded error. */
function infrastructureFailure(error: unknown): ExecutionResult {
  return { data: null, errors: [new GraphQLError((error as Error).message, { originalError: error as Error })] };
}

/** The compiled answer of a query, or undefined: run the normal execution (see the file comment). */
export async function executeCompiled(args: ExecutionArgs): Promise<ExecutionResult | undefined> {
  const ctx = args.contextValue as GatewayContext;
  // Only operators: an anonymous caller gets the normal path's UNAUTHENTICATED.
  if (!ctx.identity) return undefined;
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation || operation.operation !== 'query') return undefined;
  const variables = variablesOf(args, operation);
  if (!variables) return undefined;
  const plan = planFor(args, variables.values, ctx.identity.isAdmin);
  if (!plan) return undefined;
  let statement: BoundStatement;
  try {
    statement = await bind(plan, ctx, variables);
  } catch (error) {
    // An argument the normal path refuses (bad cursor, page size) or does not compile: it answers.
    if (error instanceof NotCompilable || error instanceof GraphQLError) return undefined;
    // The database failing while the scope's sets are read is the answer, as for the statement below.
    if (classifyInfrastructureError(error)) return infrastructureFailure(error);
    throw error;
  }
  let text: string;
  try {
    const { rows } = await ctx.pool.query<{ data: string }>(statement);
    text = rows[0]!.data;
  } catch (error) {
    // The database's failure (unavailable, pool exhausted, timeout, cancelled) is the answer, as
    // on the normal path: the pipeline turns it into its coded error (server/plugins/admission.ts).
    // Running the normal path would only wait for it a second time.
    if (classifyInfrastructureError(error)) return infrastructureFailure(error);
    // Any other failure (a stored value SQL cannot render): the normal path answers.
    return undefined;
  }
  return preSerialized(text);
}

/**
 * A result whose `data` is the statement's JSON text. Yoga's result processing (HTTP responses
 * and SSE events, with the headers, status and access line of any result) writes it through
 * `stringify` as `{"data":<text>}` without parsing it; whatever reads `data` (graphql-ws, a plugin)
 * gets it parsed, once. A result changed by a plugin (errors or extensions added) is serialized
 * whole, as any other.
 */
export function preSerialized(text: string): ExecutionResult & { stringify(result: ExecutionResult): string } {
  let data: Record<string, unknown> | undefined;
  const result = {
    get data(): Record<string, unknown> {
      return (data ??= JSON.parse(text) as Record<string, unknown>);
    },
    stringify(value: ExecutionResult): string {
      return value === result && !('errors' in value) && !('extensions' in value) ? `{"data":${text}}` : JSON.stringify(value);
    },
  };
  return result;
}
