/**
 * SQL snapshots of GraphQL operations, in the style of PostGraphile's tests: an operation runs
 * through the gateway as one operator, and the statements it sent to the pool are rendered as
 * reviewable text (one formatted statement per block, bind values listed under it), so a change of
 * SQL shows up as a diff of a committed file.
 */
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GraphQLResponse, OperatorName, SeededGateway } from './seeded.js';
import { recordStatements, type RecordedStatement } from './statements.js';

export interface CapturedOperation {
  result: GraphQLResponse;
  statements: RecordedStatement[];
}

/**
 * Runs one operation as `who` and returns its result and the statements it sent, in the order the
 * gateway issued them (statements are serialized while recording, see recordStatements).
 */
export async function captureOperation(
  g: SeededGateway,
  who: OperatorName,
  query: string,
  variables: Record<string, unknown>,
): Promise<CapturedOperation> {
  const recorder = recordStatements(g.db.pool, { serialize: true });
  try {
    const result = await g.as(who, query, variables);
    return { result, statements: [...recorder.recorded] };
  } finally {
    recorder.stop();
  }
}

/** Whitespace collapsed to single spaces, as a statement is compared and formatted. */
export function collapseWhitespace(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

const TOKEN = /"(?:[^"]|"")*"|'(?:[^']|'')*'|\/\*[\s\S]*?\*\/|\s+|[A-Za-z_][A-Za-z0-9_$]*|[(),]|[^\s"'(),A-Za-z_]+/g;

/** Keywords that start a clause on its own line; the first word of a pair is looked ahead. */
const CLAUSE_PAIRS: Record<string, string[]> = {
  LEFT: ['JOIN'],
  INNER: ['JOIN'],
  CROSS: ['JOIN'],
  FULL: ['JOIN'],
  ORDER: ['BY'],
  GROUP: ['BY'],
  UNION: ['ALL'],
};
const CLAUSES = new Set(['SELECT', 'FROM', 'WHERE', 'HAVING', 'LIMIT', 'OFFSET', 'JOIN', 'UNION', 'WITH', 'RETURNING']);

/** Functions whose arguments are key/value pairs (Prisma's relation joins): one pair per line. */
const PAIR_FUNCTIONS = new Set(['JSONB_BUILD_OBJECT', 'JSON_BUILD_OBJECT']);

interface Frame {
  /** A parenthesized subquery gets its own indentation; other parentheses stay on the line. */
  subquery: boolean;
  /** Key/value arguments laid out one pair per line; counts the commas seen. */
  pairs: { commas: number } | null;
  depth: number;
  clause: string | null;
}

/**
 * Lays a statement out for review: each clause on its own line, one selected column per line,
 * subqueries indented. Only layout changes: the tokens are those of the collapsed statement.
 */
export function formatSql(sql: string): string {
  const tokens = collapseWhitespace(sql).match(TOKEN) ?? [];
  const lines: string[] = [];
  let line = '';
  let space = false;
  let previous = '';
  const frames: Frame[] = [{ subquery: true, pairs: null, depth: 0, clause: null }];
  const top = () => frames[frames.length - 1]!;
  const newline = (depth: number) => {
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '  '.repeat(depth);
    space = false;
  };
  const append = (text: string) => {
    if (space && line.trim() !== '') line += ' ';
    line += text;
    space = false;
  };
  const nextWord = (from: number) => {
    for (let j = from; j < tokens.length; j++) if (!/^\s+$/.test(tokens[j]!)) return { word: tokens[j]!.toUpperCase(), index: j };
    return null;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (/^\s+$/.test(token)) {
      space = true;
      continue;
    }
    const upper = token.toUpperCase();
    const before = previous;
    previous = upper;
    if (token === '(') {
      const next = nextWord(i + 1);
      const subquery = next?.word === 'SELECT' || next?.word === 'WITH';
      const pairs = PAIR_FUNCTIONS.has(before) && next?.word !== ')';
      const depth = subquery || pairs ? top().depth + 1 : top().depth;
      append('(');
      frames.push({ subquery, pairs: pairs ? { commas: 0 } : null, depth, clause: null });
      if (pairs) newline(depth + 1);
      continue;
    }
    if (token === ')') {
      const closed = frames.length > 1 ? frames.pop()! : top();
      if (closed.subquery || closed.pairs) newline(closed.pairs ? closed.depth : top().depth);
      append(')');
      continue;
    }
    if (token === ',') {
      line += ',';
      const pairs = top().pairs;
      if (pairs && ++pairs.commas % 2 === 0) newline(top().depth + 1);
      else if (top().subquery && top().clause === 'SELECT') newline(top().depth + 1);
      continue;
    }
    const pair = CLAUSE_PAIRS[upper];
    const next = pair ? nextWord(i + 1) : null;
    if (top().subquery && (CLAUSES.has(upper) || (next && pair!.includes(next.word)))) {
      let keyword = upper;
      if (next && pair!.includes(next.word)) {
        keyword = `${upper} ${next.word}`;
        i = next.index;
      }
      newline(top().depth);
      append(keyword);
      top().clause = keyword;
      if (keyword === 'SELECT') newline(top().depth + 1);
      continue;
    }
    append(token);
  }
  newline(0);
  return lines.join('\n');
}

/** Bind values that come from the wall clock (within an hour of now) would change every run. */
const CLOCK_WINDOW_MS = 3_600_000;
function isClockValue(value: unknown): boolean {
  const near = (ms: number) => Math.abs(ms - Date.now()) < CLOCK_WINDOW_MS;
  if (value instanceof Date) return near(value.getTime());
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return near(Date.parse(value));
  if (typeof value === 'number' || typeof value === 'bigint') return near(Number(value) * 1000) || near(Number(value));
  return false;
}

function renderValue(value: unknown): string {
  if (isClockValue(value)) return '<now>';
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return JSON.stringify(value) ?? String(value);
}

/** Bind values by placeholder, as JSON (types visible: "1" is text, 1 a number), clock-derived ones as `<now>`. */
export function renderValues(values: readonly unknown[]): string {
  return values.length === 0 ? 'none' : values.map((value, index) => `$${index + 1} = ${renderValue(value)}`).join(', ');
}

/**
 * Nesting depth of an operation: the longest chain of fields that read rows, counting a connection
 * once (its `edges`, `node` and `pageInfo` wrappers are not levels). Issue 9's target is at most
 * depth + 1 statements per request.
 */
export function nestingDepth(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const depthOf = (set: SelectionSetNode, parentField: string | null): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet, parentField));
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) deepest = Math.max(deepest, depthOf(fragment.selectionSet, parentField));
      } else if (selection.selectionSet) {
        const name = selection.name.value;
        const wrapper = name === 'edges' || name === 'pageInfo' || (name === 'node' && parentField === 'edges');
        deepest = Math.max(deepest, (wrapper ? 0 : 1) + depthOf(selection.selectionSet, name));
      }
    }
    return deepest;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) deepest = Math.max(deepest, depthOf(definition.selectionSet, null));
  }
  return deepest;
}

/** The reviewed text of a captured operation: a header with the counts, then one block per statement. */
export function renderSqlSnapshot(title: string, query: string, statements: readonly RecordedStatement[]): string {
  const target = nestingDepth(parse(query)) + 1;
  const count = statements.length;
  const header = [
    `-- ${title}`,
    `-- ${count} statement${count === 1 ? '' : 's'}; issue 9 target: at most ${target} (nesting depth + 1): ${count <= target ? 'met' : 'not met yet'}`,
  ];
  const blocks = statements.map(
    (statement, index) => `-- [${index + 1}/${count}]\n${formatSql(statement.text)};\n-- values: ${renderValues(statement.values)}`,
  );
  return `${[header.join('\n'), ...blocks].join('\n\n')}\n`;
}

/** A GraphQL result as stable, reviewable JSON. */
export function renderResult(result: GraphQLResponse): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
