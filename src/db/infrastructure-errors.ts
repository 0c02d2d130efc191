/**
 * Database failures that are not the request's fault nor a bug: the database is unreachable or
 * lost the connection, a statement ran out of time or was cancelled, the pool had no connection
 * in time. Each gets its own code and HTTP status, so clients and load balancers can tell
 * "retry shortly" from "internal error".
 *
 * Errors are recognised by PostgreSQL SQLSTATE and Node error codes wherever they sit in the
 * cause chain: Prisma wraps driver errors (meta.driverAdapterError.cause), Node wraps dual-stack
 * connection failures in an AggregateError.
 */

export type InfrastructureCode = 'DB_UNAVAILABLE' | 'STATEMENT_TIMEOUT' | 'QUERY_CANCELLED' | 'DB_POOL_EXHAUSTED';

export interface InfrastructureFailure {
  code: InfrastructureCode;
  /** HTTP status of a response that carries this error. */
  status: 503 | 504;
  /** Seconds after which a retry may succeed (the Retry-After header). */
  retryAfterSeconds: number;
  /** What the client reads: no SQL, no host names. */
  message: string;
}

const FAILURES: Record<InfrastructureCode, InfrastructureFailure> = {
  DB_UNAVAILABLE: { code: 'DB_UNAVAILABLE', status: 503, retryAfterSeconds: 5, message: 'The database is unavailable. Retry shortly.' },
  STATEMENT_TIMEOUT: { code: 'STATEMENT_TIMEOUT', status: 504, retryAfterSeconds: 5, message: 'The database did not answer in time.' },
  QUERY_CANCELLED: { code: 'QUERY_CANCELLED', status: 503, retryAfterSeconds: 1, message: 'The database query was cancelled.' },
  DB_POOL_EXHAUSTED: { code: 'DB_POOL_EXHAUSTED', status: 503, retryAfterSeconds: 1, message: 'Every database connection is busy. Retry shortly.' },
};

/** Node socket errors: the database host cannot be reached or dropped the connection. */
const UNREACHABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

/**
 * SQLSTATEs of a server that cannot serve the session: connection exceptions (class 08), too many
 * connections, administrator shutdown / crash / starting up.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || ['53300', '57P01', '57P02', '57P03'].includes(code);
}

/** Prisma driver-adapter error kinds for a lost or unreachable database. */
const UNREACHABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** node-postgres errors that carry no code, recognised by their fixed messages. */
const MESSAGES: Array<[RegExp, InfrastructureCode]> = [
  // pg-pool: no connection became free within connectionTimeoutMillis.
  [/^timeout exceeded when trying to connect$/, 'DB_POOL_EXHAUSTED'],
  // pg: the client-side query_timeout (a frozen or partitioned database).
  [/^Query read timeout$/, 'STATEMENT_TIMEOUT'],
  [/^Connection terminated/, 'DB_UNAVAILABLE'],
  [/connection error and is not queryable|Client was closed and is not queryable/, 'DB_UNAVAILABLE'],
];

interface ErrorLike {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  originalError?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function classifyOne(error: ErrorLike): InfrastructureCode | null {
  const code = typeof error.originalCode === 'string' ? error.originalCode : typeof error.code === 'string' ? error.code : '';
  if (code === '57014') return /statement timeout/i.test(String(error.message ?? '')) ? 'STATEMENT_TIMEOUT' : 'QUERY_CANCELLED';
  if (code === 'DB_POOL_EXHAUSTED') return 'DB_POOL_EXHAUSTED';
  if (UNREACHABLE_NODE_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code))) return 'DB_UNAVAILABLE';
  if (typeof error.kind === 'string' && UNREACHABLE_ADAPTER_KINDS.has(error.kind)) return 'DB_UNAVAILABLE';
  const message = typeof error.message === 'string' ? error.message : '';
  for (const [pattern, result] of MESSAGES) if (pattern.test(message)) return result;
  return null;
}

/** The infrastructure failure behind `error` (searched through its causes), or null. */
export function classifyInfrastructureError(error: unknown): InfrastructureFailure | null {
  const pending: unknown[] = [error];
  const seen = new Set<unknown>();
  while (pending.length) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    const each = next as ErrorLike;
    const code = classifyOne(each);
    if (code) return FAILURES[code];
    pending.push(each.cause, each.originalError, each.meta?.driverAdapterError);
    if (Array.isArray(each.errors)) pending.push(...each.errors);
  }
  return null;
}

/**
 * Whether a failed statement left its session usable: PostgreSQL reports a statement's own
 * failure (timeout, bad input, constraint) with severity ERROR and then waits for the next
 * statement; FATAL errors, socket errors and client-side timeouts leave the connection broken.
 */
export function sessionSurvives(error: unknown): boolean {
  const each = error as { severity?: unknown; code?: unknown } | null;
  return typeof each?.severity === 'string' && each.severity === 'ERROR' && typeof each.code === 'string' && /^[0-9A-Z]{5}$/.test(each.code);
}
