/**
 * One-line explanations of database connection failures: where the gateway tried to connect
 * (host, port, database, user; never the password) and what to check. Used by `npm start` and
 * every CLI, so operators see the same message everywhere.
 */

export interface ConnectionTarget {
  host: string;
  port: string;
  database: string;
  user: string;
}

export function connectionTarget(connectionString: string): ConnectionTarget {
  const url = new URL(connectionString);
  const params = url.searchParams;
  return {
    host: params.get('host') ?? (url.hostname || 'localhost'),
    port: params.get('port') ?? (url.port || '5432'),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres',
    user: decodeURIComponent(url.username) || 'postgres',
  };
}

interface PgLikeError {
  code?: string;
  message?: string;
  errors?: PgLikeError[];
}

/** What each failure means and what to check, by Node/PostgreSQL error code. */
const HINTS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve: check the host in DATABASE_URL and DNS',
  EAI_AGAIN: 'the host name could not be resolved right now: check DNS and the host in DATABASE_URL',
  ECONNREFUSED: 'connection refused: is PostgreSQL running and listening on that address and port (listen_addresses, firewall)?',
  EHOSTUNREACH: 'host unreachable: check the network route and firewall to the database host',
  ENETUNREACH: 'network unreachable: check the network route to the database host',
  ECONNRESET: 'the server closed the connection: check pg_hba.conf, SSL settings (sslmode) and the server log',
  ETIMEDOUT: 'timed out: check the host, port and firewall, or raise BOREALIS_DB_CONNECT_TIMEOUT',
  '28P01': 'password authentication failed: check the user and password in DATABASE_URL',
  '28000': 'the server refused this user or address: check pg_hba.conf and the user in DATABASE_URL',
  '3D000': 'the database does not exist: check the database name in DATABASE_URL (or create it)',
  '53300': 'the server has no free connection slots: lower BOREALIS_DB_POOL_SIZE / BOREALIS_DB_MAX_OVERFLOW or raise max_connections',
  '57P03': 'the server is starting up or shutting down: retry shortly',
};

function codeOf(error: PgLikeError): string | undefined {
  if (error.code && HINTS[error.code]) return error.code;
  // Node wraps dual-stack failures (IPv4 + IPv6) in an AggregateError without a useful message.
  for (const inner of error.errors ?? []) if (inner.code && HINTS[inner.code]) return inner.code;
  if (/timeout/i.test(error.message ?? '')) return 'ETIMEDOUT';
  return error.code;
}

/**
 * A one-line message for a failure to connect, or null when `error` is not a connection failure
 * (a failing statement, a bug) and should be reported as it is.
 */
export function describeConnectionError(error: unknown, connectionString: string): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = codeOf(error as PgLikeError);
  if (code === undefined || !HINTS[code]) return null;
  let where: string;
  try {
    const t = connectionTarget(connectionString);
    where = `${t.host}:${t.port}, database "${t.database}", user "${t.user}"`;
  } catch {
    where = 'DATABASE_URL';
  }
  return `Cannot connect to PostgreSQL at ${where}: ${HINTS[code]} (${code}).`;
}

/** Opens and releases one connection, so a bad URL fails here, in one line, before any work. */
export async function checkConnection(pool: { connect(): Promise<{ release(): void }> }, connectionString: string): Promise<void> {
  try {
    (await pool.connect()).release();
  } catch (error) {
    throw new DatabaseConnectionError(describeConnectionError(error, connectionString) ?? `Cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
}

export class DatabaseConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseConnectionError';
  }
}
