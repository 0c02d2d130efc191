/**
 * What the configuration commands (watchdogs, device filters, list views, metadata, jobs,
 * credentials) share beyond commands.ts: the value spellings Borealis's Python writes (JSON text,
 * single-line text), the site-row rule for writes, and unique-name conflicts.
 */
import type pg from 'pg';
import { z } from 'zod';
import type { OperatorIdentity } from '../auth/identity.js';
import { Prisma } from '../generated/prisma/client.js';
import { parseStoredJson } from '../graphql/values.js';
import { DomainError, validationFailed, type FieldProblem } from './errors.js';
import { run, uniqueViolation } from './commands.js';

/** A database id as clients send it (GraphQL ID text or a number): a positive int4. */
export const databaseId = z
  .union([z.string().regex(/^[0-9]{1,10}$/, 'must be a numeric id'), z.number().int()])
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be a positive id').max(2_147_483_647, 'is out of range'));

export const hostnameSchema = z.string().trim().min(1, 'is required').max(255);
export const nameSchema = z.string().max(200).transform((text) => singleLine(text)).pipe(z.string().min(1, 'is required'));
export const descriptionSchema = z.string().max(2000).transform((text) => singleLine(text)).nullish();
/** Site ids of a site-scoped row (duplicates dropped). */
export const siteIdList = z.array(databaseId).max(500).transform((ids) => [...new Set(ids)]);

/** Borealis's `_clean_single_line`: trimmed, line breaks and blanks around them joined by one space. */
export const singleLine = (text: string): string =>
  text
    .split(/\r?\n|\r/)
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');

const escapeNonAscii = (text: string): string => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * JSON text as Borealis's Python writes it (`json.dumps(value, ensure_ascii=True, sort_keys=True)`):
 * `", "` and `": "` separators, keys sorted, non-ASCII escaped.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapeNonAscii(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${escapeNonAscii(JSON.stringify(k))}: ${pythonJson(v)}`).join(', ')}}`;
}

/** VALIDATION_FAILED when checks that needed the database collected problems. */
export function refuseProblems(problems: readonly FieldProblem[]): void {
  if (problems.length > 0) throw validationFailed(problems);
}

export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const conflict = (message: string) => new DomainError('CONFLICT', message);

/**
 * How an operator may act on a row scoped by site rows (watchdogs, device filters), after
 * Borealis's save validation: a User sees the row when one of its sites is theirs (the read rule,
 * src/access/rules.ts) and may change it only when it applies to specific sites, all of them theirs.
 */
export type SiteRowAccess = 'writable' | 'read-only' | 'invisible';

export function siteRowAccess(identity: OperatorIdentity, siteMode: string, siteIds: readonly number[]): SiteRowAccess {
  if (identity.siteIds === null) return 'writable';
  const mine = new Set(identity.siteIds);
  if (!siteIds.some((id) => mine.has(id))) return 'invisible';
  return siteMode === 'specific_sites' && siteIds.every((id) => mine.has(id)) ? 'writable' : 'read-only';
}

/** The site list a User may save: specific sites, all theirs ("outside your assigned site scope"). */
export function requireOwnSites(identity: OperatorIdentity, siteMode: string, siteIds: readonly number[], what: string): void {
  if (identity.siteIds === null) return;
  if (siteMode !== 'specific_sites' || siteIds.length === 0) {
    throw forbidden(`Only administrators can save a ${what} that applies to every site; use siteMode SPECIFIC_SITES with your sites.`);
  }
  const mine = new Set(identity.siteIds);
  if (siteIds.some((id) => !mine.has(id))) {
    throw validationFailed([{ path: ['siteIds'], message: 'One or more selected sites is outside your assigned site scope.' }]);
  }
}

/** The unique `name` of watchdogs, filters, views and credentials: a violation is CONFLICT. */
export async function uniqueName<T>(what: string, name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error)) throw conflict(`A ${what} named "${name}" already exists.`);
    throw error;
  }
}

/** A problem for each of `siteIds` that is not a site. */
export async function unknownSites(tx: pg.PoolClient, siteIds: readonly number[]): Promise<FieldProblem[]> {
  const { rows } = await run<{ id: string }>(tx, Prisma.sql`SELECT id::text AS id FROM engine.sites WHERE id = ANY(${[...siteIds]}::bigint[])`);
  const found = new Set(rows.map((r) => Number(r.id)));
  return siteIds.flatMap((id, index) => (found.has(id) ? [] : [{ path: ['siteIds', index], message: 'No site with this id.' }]));
}

/** A stored JSON text column as a value; malformed or empty text is null (the command then validates what it needs). */
export function storedJsonValue(text: string | null): unknown {
  const parsed = parseStoredJson(text);
  return parsed.ok ? parsed.value : null;
}

/** A stored JSON object (`fallback` when the text is not one). */
export function storedJsonObject(text: string | null, fallback: Record<string, unknown> = {}): Record<string, unknown> {
  const value = storedJsonValue(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : fallback;
}
