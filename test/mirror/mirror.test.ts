/**
 * The Prisma mirror and the baseline DDL against the facts of the real Borealis schema
 * (prisma/borealis-schema.json, a copy of the shared reference): every table, every column,
 * exact types, nullability, defaults, keys, foreign keys and indexes.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFacts, qualifiedName, type FactsColumn } from '../../mirror/facts.js';
import { loadMirror } from '../../src/db/drift.js';
import { RELATIONS } from '../../src/generated/relations.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readCatalog, type CatalogTable } from '../support/catalog.js';

const facts = loadFacts('prisma/borealis-schema.json');
const mirror = loadMirror();
const mirrorByTable = new Map(mirror.tables.map((t) => [`${t.schema}.${t.table}`, t]));

/** The 45 tables documented in borealis-db-reference.txt; all of them are required. */
const REFERENCE_TABLES = [
  'activity_history', 'device_list_views', 'sites', 'device_sites', 'users', 'directory_providers',
  'directory_provider_group_mappings', 'directory_provider_site_mappings', 'user_passkeys', 'user_site_assignments',
  'ansible_play_recaps', 'agent_service_account', 'credentials', 'github_token', 'aegis_cipher_state', 'device_filters',
  'device_filter_sites', 'device_software_inventory', 'metadata_field_definitions', 'device_metadata_fields',
  'scheduled_jobs', 'scheduled_job_runs', 'scheduled_job_run_activity', 'scheduled_job_onboarding_targets',
  'scheduled_job_onboarding_target_events', 'scheduled_job_run_targets', 'devices', 'device_keys', 'device_vpn_config',
  'refresh_tokens', 'device_approvals', 'enrollment_code_failures', 'watchdogs', 'watchdog_sites', 'watchdog_targets',
  'watchdog_device_overrides', 'watchdog_incidents', 'watchdog_device_state', 'job_scheduler_work_items',
  'job_scheduler_workers', 'job_scheduler_service_snapshots', 'official_assemblies', 'community_assemblies',
  'user_created_assemblies', 'official_catalog_state',
];

describe('Prisma mirror vs the facts file', () => {
  it('mirrors all 77 tables, in schemas engine and assemblies', () => {
    expect(facts.tables).toHaveLength(77);
    expect([...mirrorByTable.keys()].sort()).toEqual(facts.tables.map(qualifiedName).sort());
  });

  it.each(facts.tables.map((t) => [qualifiedName(t), t] as const))('%s: every column with its exact type and nullability', (_name, table) => {
    const model = mirrorByTable.get(qualifiedName(table))!;
    expect(model.columns.map((c) => c.column)).toEqual(table.columns.map((c) => c.name));
    for (const column of table.columns) {
      const mirrored = model.columns.find((c) => c.column === column.name)!;
      expect({ column: column.name, type: mirrored.pgType, nullable: mirrored.nullable }).toEqual({
        column: column.name,
        type: column.pg_type,
        nullable: column.nullable,
      });
    }
  });

  it('keeps the storage quirks: epoch ints, BIGSERIAL ids, ISO text, 0/1 flags, JSON text, bytea, float4', () => {
    const type = (table: string, column: string) =>
      mirrorByTable.get(table)!.columns.find((c) => c.column === column)!.pgType;
    expect(type('engine.devices', 'last_seen')).toBe('integer');
    expect(type('engine.activity_history', 'id')).toBe('bigint');
    expect(type('engine.devices', 'key_added_at')).toBe('text');
    expect(type('engine.watchdogs', 'enabled')).toBe('integer');
    expect(type('engine.devices', 'software')).toBe('text');
    expect(type('engine.credentials', 'password_encrypted')).toBe('bytea');
    expect(type('engine.devices', 'cpu_percent')).toBe('real');
    expect(type('assemblies.official_assemblies', 'payload_size_bytes')).toBe('bigint');
  });

  it('covers the 45 tables of the Borealis database reference', () => {
    expect(new Set(REFERENCE_TABLES).size).toBe(45);
    const mirrored = new Set(mirror.tables.map((t) => t.table));
    expect(REFERENCE_TABLES.filter((t) => !mirrored.has(t))).toEqual([]);
  });

  it('registers every declared foreign key and the documented soft relations', () => {
    const declared = facts.tables.flatMap((t) => t.foreign_keys.map((fk) => `${qualifiedName(t)}.${fk.columns.join('_')}`));
    const registered = RELATIONS.filter((r) => r.kind === 'foreign-key').map((r) => r.name);
    expect(registered.sort()).toEqual(declared.sort());
    const soft = (from: string, field: string) => RELATIONS.find((r) => r.kind === 'soft' && r.fromTable === from && r.fromFields[0] === field);
    expect(soft('engine.device_sites', 'deviceHostname')).toMatchObject({ toTable: 'engine.devices', toFields: ['hostname'] });
    expect(soft('engine.device_approvals', 'siteId')).toMatchObject({ toTable: 'engine.sites', toFields: ['id'] });
    expect(soft('engine.user_site_assignments', 'userId')).toMatchObject({ toTable: 'engine.users' });
  });

  it('committed generated files are current (schema.prisma, baseline SQL, relation registry)', () => {
    // exits non-zero and names the stale file when the facts and the outputs disagree
    execFileSync(process.execPath, ['--import', 'tsx', 'mirror/generate.ts', '--check'], { stdio: 'pipe' });
  });
});

describe('baseline DDL vs the facts file', () => {
  let db: TestDatabase;
  let catalog: Map<string, CatalogTable>;
  beforeAll(async () => {
    db = await createTestDatabase();
    catalog = await readCatalog(db.pool);
  });
  afterAll(() => db.drop());

  const expectedDefault = (column: FactsColumn): string | null => {
    if (column.default === null) return null;
    if (column.default.startsWith('nextval')) return 'nextval';
    return column.default;
  };
  const normalizeDefault = (def: string | null): string | null => {
    if (def === null) return null;
    if (def.startsWith('nextval(')) return 'nextval';
    return def.replace(/::text$/, '');
  };

  it('creates exactly the 77 tables', () => {
    expect([...catalog.keys()].sort()).toEqual(facts.tables.map(qualifiedName).sort());
  });

  it.each(facts.tables.map((t) => [qualifiedName(t), t] as const))('%s: columns, defaults, keys, foreign keys and indexes', (name, table) => {
    const live = catalog.get(name)!;
    expect([...live.columns.keys()]).toEqual(table.columns.map((c) => c.name)); // ordinal order too
    for (const column of table.columns) {
      const actual = live.columns.get(column.name)!;
      expect({ column: column.name, type: actual.type, nullable: actual.nullable, default: normalizeDefault(actual.default) }).toEqual({
        column: column.name,
        type: column.pg_type,
        nullable: column.nullable,
        default: expectedDefault(column),
      });
    }
    expect(live.primaryKey).toEqual(table.primary_key);
    for (const unique of table.unique) expect(live.uniqueSets).toContainEqual(unique);
    expect(live.foreignKeys.map((fk) => ({ ...fk })).sort((a, b) => a.columns.join().localeCompare(b.columns.join()))).toEqual(
      table.foreign_keys
        .map((fk) => ({ columns: fk.columns, references: fk.references.replace(/\(/, '(').replace(/,\s*/g, ', '), onDelete: fk.on_delete ?? 'NO ACTION' }))
        .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    );
    for (const index of table.indexes) {
      const indexName = index.name.replace(/\s*\(.*$/, '');
      expect(live.indexes.get(indexName), `index ${indexName}`).toMatchObject({ columns: index.columns, unique: index.unique });
    }
  });

  it('creates the partial unique index of site install links with its predicate', () => {
    expect(catalog.get('engine.site_agent_install_links')!.indexes.get('idx_site_agent_install_links_active')).toMatchObject({
      unique: true,
      predicate: '(revoked_at = 0)',
    });
  });
});
