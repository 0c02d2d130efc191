/**
 * The facts file of the real Borealis schema (prisma/borealis-schema.json) and the naming rules
 * that turn its snake_case tables and columns into Prisma models and fields. Shared by the mirror
 * generator and the tests that prove the mirror matches the facts.
 */
import { readFileSync } from 'node:fs';

export interface FactsColumn {
  name: string;
  pg_type: 'integer' | 'bigint' | 'text' | 'real' | 'bytea';
  nullable: boolean;
  default: string | null;
  pk: boolean;
  notes?: string;
}

export interface FactsIndex {
  name: string;
  columns: string[];
  unique: boolean;
  notes?: string;
}

export interface FactsForeignKey {
  columns: string[];
  references: string;
  on_delete: string | null;
  on_update: string | null;
}

export interface FactsTable {
  schema: 'engine' | 'assemblies';
  name: string;
  created_by: string;
  columns: FactsColumn[];
  primary_key: string[] | null;
  unique: string[][];
  indexes: FactsIndex[];
  foreign_keys: FactsForeignKey[];
  notes?: string;
}

export interface Facts {
  tables: FactsTable[];
}

export interface SoftRelation {
  from: string;
  columns: string[];
  to: string;
  references: string[];
  match: 'exact' | 'upper';
  source: string;
}

export function loadFacts(file: string): Facts {
  return JSON.parse(readFileSync(file, 'utf8')) as Facts;
}

export function loadSoftRelations(file: string): SoftRelation[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { relations: SoftRelation[] }).relations;
}

export function qualifiedName(table: { schema: string; name: string }): string {
  return `${table.schema}.${table.name}`;
}

/** snake_case column -> camelCase field. */
export function fieldNameOf(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Words that are already singular although they end in "s". */
const SINGULAR_WORDS = new Set(['status', 'analysis']);

function singular(word: string): string {
  if (SINGULAR_WORDS.has(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** snake_case table -> PascalCase singular model: scheduled_job_runs -> ScheduledJobRun. */
export function modelNameOf(table: string): string {
  const words = table.split('_');
  words[words.length - 1] = singular(words[words.length - 1]!);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
