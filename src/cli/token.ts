/**
 * `npm run token -- --user alice [--ttl 3600] [--kind session|jwt]`: prints a token for an
 * existing Borealis user, signed with the configured secrets (or the development secrets under
 * GATEWAY_DATA_DIR/secrets when nothing is configured and there is no DATABASE_URL).
 *
 * - session (default): a Borealis operator session token (cookie `borealis_auth` or Bearer). Its
 *   lifetime is BOREALIS_TOKEN_TTL_SECONDS; a shorter --ttl back-dates its timestamp.
 * - jwt: an HS256 integrator JWT (needs GATEWAY_JWT_HS256_SECRET or the development secret),
 *   default lifetime one hour.
 *
 * The user is looked up (case-insensitively) in DATABASE_URL, or in the running embedded
 * PostgreSQL of `npm start`; refused accounts (disabled, reset required, unknown) get no token.
 * The token goes to stdout, everything else to stderr.
 */
import { mintBorealisSession } from '../auth/borealis-session.js';
import type { AuthConfig } from '../config/auth.js';
import { loadSettings } from '../config/load.js';
import { checkConnection } from '../db/connection-errors.js';
import { findCliDatabase, reportFailure, UsageError, type CliDatabase } from './cli-pool.js';
import { loadOperator, OperatorRefusedError } from '../auth/operator.js';
import { mintIntegratorJwt } from '../auth/jwt.js';
import { ConfigError } from '../config/env.js';
import { createPool } from '../db/pool.js';
import { createPrismaClient } from '../db/prisma.js';

const USAGE = 'Usage: token --user NAME [--ttl SECONDS] [--kind session|jwt]';

interface Args {
  user: string;
  ttl: number | undefined;
  kind: 'session' | 'jwt';
}

function parseArgs(argv: string[]): Args {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const match = /^--(user|ttl|kind)(?:=(.*))?$/.exec(arg) ?? (arg === '-u' ? [arg, 'user', undefined] : null);
    if (!match) throw new UsageError(`unknown argument: ${arg}`);
    const name = match[1] as string;
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  if (!values.user?.trim()) throw new UsageError('--user is required');
  const kind = values.kind ?? 'session';
  if (kind !== 'session' && kind !== 'jwt') throw new UsageError(`--kind must be session or jwt (got "${kind}")`);
  let ttl: number | undefined;
  if (values.ttl !== undefined) {
    ttl = /^\d+$/.test(values.ttl) ? Number(values.ttl) : NaN;
    if (!Number.isSafeInteger(ttl) || ttl < 1) throw new UsageError(`--ttl must be a positive number of seconds (got "${values.ttl}")`);
  }
  return { user: values.user.trim(), ttl, kind };
}

async function mint(args: Args, auth: AuthConfig, username: string, role: string): Promise<{ token: string; expiresAt: Date }> {
  const now = new Date();
  if (args.kind === 'session') {
    if (!auth.session) throw new ConfigError(['No Borealis engine secret is configured (SECRET_KEY, BOREALIS_ENGINE_SECRET or BOREALIS_ENGINE_SECRET_PATH)']);
    const maxAge = auth.session.maxAgeSeconds;
    const ttl = args.ttl ?? maxAge;
    if (ttl > maxAge) throw new UsageError(`--ttl cannot exceed BOREALIS_TOKEN_TTL_SECONDS (${maxAge}) for a session token`);
    // A session token lives max-age seconds from its timestamp: back-date it for a shorter life.
    const issuedAt = new Date(now.getTime() - (maxAge - ttl) * 1000);
    return {
      token: mintBorealisSession({ secret: auth.session.secret, username, role, now: issuedAt }),
      expiresAt: new Date(Math.floor(issuedAt.getTime() / 1000) * 1000 + maxAge * 1000),
    };
  }
  if (!auth.jwt?.hs256Secret) {
    throw new ConfigError(['--kind jwt needs GATEWAY_JWT_HS256_SECRET (the gateway cannot sign with a public key or a JWKS)']);
  }
  const ttl = args.ttl ?? 3600;
  const token = await mintIntegratorJwt({
    secret: new Uint8Array(auth.jwt.hs256Secret),
    issuer: auth.jwt.issuer,
    audience: auth.jwt.audience[0]!,
    subject: username,
    ttlSeconds: ttl,
    now,
  });
  return { token, expiresAt: new Date((Math.floor(now.getTime() / 1000) + ttl) * 1000) };
}

let database: CliDatabase | undefined;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { config, auth } = loadSettings();

  database = findCliDatabase(config);
  let username = args.user;
  let role = 'User';
  if (!database) {
    console.error(`Warning: no DATABASE_URL and no running embedded PostgreSQL under ${config.dataDir}: "${username}" was not checked.`);
  } else {
    const pool = createPool(database.url, { ...config.db, poolSize: 1, maxOverflow: 0 });
    const prisma = createPrismaClient(pool);
    try {
      await checkConnection(pool, database.url);
      const identity = await loadOperator(pool, args.user, { authMethod: args.kind === 'jwt' ? 'jwt' : 'borealis-session', expiresAt: null });
      username = identity.username;
      role = identity.role;
    } finally {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    }
  }

  const { token, expiresAt } = await mint(args, auth, username, role);
  if (auth.dev) console.error(`Using the development secrets in ${auth.dev.secretsDir}.`);
  console.error(`${args.kind === 'jwt' ? 'Integrator JWT' : 'Borealis session token'} for ${username} (${role}), expires ${expiresAt.toISOString()}:`);
  console.log(token);
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`Error: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof OperatorRefusedError) {
    console.error(`Error: ${error.message} No token was issued.`);
    process.exitCode = 1;
  } else {
    process.exitCode = reportFailure(error, database);
  }
}
