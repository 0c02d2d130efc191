/**
 * What every write command (a domain service that changes rows) is built from, free of GraphQL so
 * that the agent REST router can call the same services:
 *
 * - `parseInput`: validation with zod before any SQL; failures are VALIDATION_FAILED with paths;
 * - `writeCommand`: the writes in one transaction (`inTransaction`), all-or-nothing, then one
 *   structured audit line per change (who, what, which rows) once it committed;
 * - `run`: a statement built with `Prisma.sql` (so the access rules' SQL forms, src/access/rules.ts,
 *   can sit inside the write's WHERE) on the transaction's session;
 * - `isoNow` / `epochNow`: timestamps in the representations Borealis writes.
 *
 * docs/mutations.md ("How to add a mutation") shows a complete command.
 */
import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../config/logger.js';
import type { OperatorIdentity } from '../auth/identity.js';
import type { Scope } from '../access/scope.js';
import { inTransaction, type TransactionOptions } from '../db/transaction.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ForbiddenError, validationFailed } from './errors.js';

/** Who runs a command and with what: the GraphQL context has all four (GatewayContext). */
export interface CommandContext {
  pool: pg.Pool;
  /** The acting operator (re-read from engine.users for this request). */
  identity: OperatorIdentity;
  /** The operator's site scope; the access rules' SQL forms take it. */
  scope: Scope;
  log: Logger;
}

/** The input as the schema's output type, or VALIDATION_FAILED naming every invalid value. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationFailed(
    parsed.error.issues.map((issue) => ({
      path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
      message: issue.message,
    })),
  );
}

/**
 * Admin-only commands check it themselves too (GraphQL refuses Users earlier with
 * `authScopes: { admin: true }`), so another caller of the service cannot skip it.
 */
export function requireAdmin(ctx: CommandContext, action: string): void {
  if (!ctx.identity.isAdmin) throw new ForbiddenError(`Administrator permissions are required to ${action}.`);
}

/** A positive integer key (bigint columns included) as the decimal text SQL compares with. */
export const databaseId = (what: string) =>
  z.union([z.string(), z.number()]).transform((value, issue) => {
    const text = String(value).trim();
    if (!/^[1-9]\d{0,17}$/.test(text)) issue.addIssue({ code: 'custom', message: `${what} must be a positive numeric id.` });
    return text;
  });

/** One row a command wrote, for the audit line: its table, its key and what happened to it. */
export interface AuditRow {
  table: string;
  key: Record<string, string | number | null>;
  change: 'insert' | 'update' | 'delete' | 'upsert';
}

/** What a command's transaction returns: its result and the rows it changed. */
export interface Written<T> {
  result: T;
  rows: AuditRow[];
}

/**
 * Runs `work` in one transaction and logs the audit line after COMMIT. `action` names the command
 * (`site.create`, `deviceApproval.approve`); a command that changed nothing (an idempotent retry)
 * logs no audit line. A failure rolls everything back and logs nothing here (the request's access
 * line carries the error code).
 */
export async function writeCommand<T>(
  ctx: CommandContext,
  action: string,
  work: (tx: pg.PoolClient) => Promise<Written<T>>,
  options?: TransactionOptions,
): Promise<T> {
  const { result, rows } = await inTransaction(ctx.pool, work, options);
  if (rows.length > 0) auditLine(ctx, action, rows);
  return result;
}

/** The one audit line format: `audit` carries action, actor and rows (JSON logs keep them as fields). */
export function auditLine(ctx: Pick<CommandContext, 'identity' | 'log'>, action: string, rows: AuditRow[]): void {
  ctx.log.info(
    {
      audit: {
        action,
        actor: { userId: ctx.identity.userId.toString(), username: ctx.identity.username, role: ctx.identity.role },
        rows,
      },
    },
    `audit ${action}`,
  );
}

/** A `Prisma.sql` statement on the transaction's session ($n parameters), its rows typed by the caller. */
export async function run<R extends pg.QueryResultRow = Record<string, unknown>>(tx: pg.PoolClient, statement: Prisma.Sql): Promise<pg.QueryResult<R>> {
  return tx.query<R>(statement.text, statement.values as unknown[]);
}

/** ISO-8601 text as Borealis's Go services write it (RFC 3339 in UTC, whole seconds: 2026-11-30T16:30:00Z). */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch seconds, Borealis's integer timestamps (created_at, assigned_at, auto_approve_until). */
export function epochNow(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000);
}

/** A PostgreSQL unique violation (SQLSTATE 23505), with the constraint it hit. */
export function uniqueViolation(error: unknown): { constraint: string } | null {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' ? { constraint: pgError.constraint ?? '' } : null;
}
