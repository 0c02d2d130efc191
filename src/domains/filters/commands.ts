/**
 * Device filter and device list view commands. Filters are scoped by their `device_filter_sites`
 * rows like watchdogs (a User saves filters for specific sites of theirs); list views are global
 * content any operator may save (Borealis stores them without an owner).
 */
import type pg from 'pg';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client.js';
import { epochNow, parseInput, run, writeCommand, type AuditRow, type CommandContext } from '../commands.js';
import { databaseId, descriptionSchema, forbidden, nameSchema, pythonJson, refuseProblems, requireOwnSites, siteIdList, siteRowAccess, storedJsonValue, uniqueName, unknownSites } from '../config-commands.js';
import { notFound, validationFailed } from '../errors.js';


/** One condition of a filter: a device field, an operator and the value to compare. */
const condition = z.looseObject({ field: z.string().trim().min(1).max(200), operator: z.string().trim().min(1).max(64), value: z.unknown().optional() });
const join = z.enum(['AND', 'OR']);
/** `basic_criteria_json`: `{join, groups: [{join, conditions: [...]}]}`, as the filter editor saves it. */
const basicCriteria = z.looseObject({
  join: join.default('AND'),
  groups: z.array(z.looseObject({ join: join.default('AND'), conditions: z.array(condition).min(1).max(100) })).min(1).max(50),
});
/** `advanced_criteria_json`: `{match: all|any, rules: [...]}`. */
const advancedCriteria = z.looseObject({ match: z.enum(['all', 'any']).default('all'), rules: z.array(condition).min(1).max(200) });

const filterFields = {
  name: nameSchema,
  description: descriptionSchema,
  criteriaMode: z.enum(['basic', 'advanced']),
  siteMode: z.enum(['global', 'specific_sites']),
  siteIds: siteIdList,
  basicCriteria: basicCriteria.nullish(),
  advancedCriteria: advancedCriteria.nullish(),
};
const createFilterInput = z.object({
  ...filterFields,
  criteriaMode: filterFields.criteriaMode.default('basic'),
  siteMode: filterFields.siteMode.default('global'),
  siteIds: filterFields.siteIds.default([]),
});
const updateFilterInput = z.object({ id: databaseId }).extend(z.object(filterFields).partial().shape);
type FilterValues = z.output<typeof createFilterInput>;

/** The criteria document the mode needs, and a filter for specific sites names at least one. */
function checkFilter(values: FilterValues) {
  const problems = [];
  if (values.criteriaMode === 'basic' && !values.basicCriteria) problems.push({ path: ['basicCriteria'], message: 'is required when criteriaMode is BASIC' });
  if (values.criteriaMode === 'advanced' && !values.advancedCriteria) problems.push({ path: ['advancedCriteria'], message: 'is required when criteriaMode is ADVANCED' });
  if (values.siteMode === 'specific_sites' && values.siteIds.length === 0) problems.push({ path: ['siteIds'], message: 'siteMode SPECIFIC_SITES needs at least one site.' });
  if (problems.length > 0) throw validationFailed(problems);
}


async function replaceFilterSites(tx: pg.PoolClient, filterId: number, siteIds: readonly number[]) {
  await run(tx, Prisma.sql`DELETE FROM engine.device_filter_sites WHERE filter_id = ${filterId}`);
  await run(tx, Prisma.sql`INSERT INTO engine.device_filter_sites (filter_id, site_id) SELECT ${filterId}, unnest(${[...siteIds]}::int[])`);
}

const criteriaText = (value: unknown) => (value ? pythonJson(value) : null);
const filterAudit = (id: number, change: AuditRow['change']): AuditRow[] => [{ table: 'engine.device_filters', key: { id }, change }];

/**
 * Creates a device filter (`device_filters` with `archived = 0`, the criteria documents as JSON
 * text, epoch times, `last_edited_by`) and its `device_filter_sites` rows.
 */
export async function createDeviceFilter(ctx: CommandContext, input: z.input<typeof createFilterInput>): Promise<{ filterId: number }> {
  const values = parseInput(createFilterInput, input);
  checkFilter(values);
  requireOwnSites(ctx.identity, values.siteMode, values.siteIds, 'device filter');
  return uniqueName('device filter', values.name, () =>
    writeCommand(ctx, 'deviceFilter.create', async (tx) => {
      refuseProblems(await unknownSites(tx, values.siteIds));
      const now = epochNow();
      const { rows } = await run<{ id: string }>(
        tx,
        Prisma.sql`INSERT INTO engine.device_filters
                     (name, description, archived, criteria_mode, site_mode, basic_criteria_json, advanced_criteria_json, last_edited_by, created_at, updated_at)
                   VALUES (${values.name}, ${values.description ?? ''}, 0, ${values.criteriaMode}, ${values.siteMode}, ${criteriaText(values.basicCriteria)},
                           ${criteriaText(values.advancedCriteria)}, ${ctx.identity.username}, ${now}, ${now})
                   RETURNING id::text AS id`,
      );
      const filterId = Number(rows[0]!.id);
      await replaceFilterSites(tx, filterId, values.siteIds);
      return { result: { filterId }, rows: filterAudit(filterId, 'insert') };
    }),
  );
}

interface StoredFilter {
  name: string;
  description: string | null;
  criteria_mode: string;
  site_mode: string;
  basic_criteria_json: string | null;
  advanced_criteria_json: string | null;
  site_ids: number[];
}

/** The locked filter with the operator's right to change it: invisible is NOT_FOUND, read-only FORBIDDEN. */
async function lockWritableFilter(tx: pg.PoolClient, ctx: CommandContext, filterId: number): Promise<StoredFilter> {
  const { rows } = await run<StoredFilter>(
    tx,
    Prisma.sql`SELECT f.name, f.description, f.criteria_mode, f.site_mode, f.basic_criteria_json, f.advanced_criteria_json,
                      coalesce((SELECT array_agg(s.site_id ORDER BY s.site_id) FROM engine.device_filter_sites s WHERE s.filter_id = f.id), '{}') AS site_ids
                 FROM engine.device_filters f WHERE f.id = ${filterId} FOR UPDATE`,
  );
  const row = rows[0];
  const access = row ? siteRowAccess(ctx.identity, row.site_mode, row.site_ids) : 'invisible';
  if (!row || access === 'invisible') throw notFound('Device filter');
  if (access === 'read-only') throw forbidden('This device filter also applies to sites outside yours; only an administrator can change it.');
  return row;
}

/** Updates the given fields of a filter; `siteIds` (or a new `siteMode`) replaces its site rows. */
export async function updateDeviceFilter(ctx: CommandContext, input: z.input<typeof updateFilterInput>): Promise<{ filterId: number }> {
  const { id, ...patch } = parseInput(updateFilterInput, input);
  return uniqueName('device filter', patch.name ?? '', () =>
    writeCommand(ctx, 'deviceFilter.update', async (tx) => {
      const stored = await lockWritableFilter(tx, ctx, id);
      const merged = parseInput(createFilterInput, {
        name: stored.name,
        description: stored.description,
        criteriaMode: stored.criteria_mode,
        siteMode: stored.site_mode,
        siteIds: stored.site_ids,
        basicCriteria: storedJsonValue(stored.basic_criteria_json),
        advancedCriteria: storedJsonValue(stored.advanced_criteria_json),
        ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
      });
      checkFilter(merged);
      requireOwnSites(ctx.identity, merged.siteMode, merged.siteIds, 'device filter');
      const sitesChanged = patch.siteIds !== undefined || patch.siteMode !== undefined;
      if (sitesChanged) refuseProblems(await unknownSites(tx, merged.siteIds));
      await run(
        tx,
        Prisma.sql`UPDATE engine.device_filters
                      SET name = ${merged.name}, description = ${merged.description ?? ''}, criteria_mode = ${merged.criteriaMode},
                          site_mode = ${merged.siteMode}, basic_criteria_json = ${criteriaText(merged.basicCriteria)},
                          advanced_criteria_json = ${criteriaText(merged.advancedCriteria)}, last_edited_by = ${ctx.identity.username}, updated_at = ${epochNow()}
                    WHERE id = ${id}`,
      );
      if (sitesChanged) await replaceFilterSites(tx, id, merged.siteIds);
      return { result: { filterId: id }, rows: filterAudit(id, 'update') };
    }),
  );
}

const archiveInput = z.object({ id: databaseId, archived: z.boolean() });

/** Archives (excluded from pickers and runtime resolution) or restores a filter. */
export async function setDeviceFilterArchived(ctx: CommandContext, input: z.input<typeof archiveInput>): Promise<{ filterId: number }> {
  const { id, archived } = parseInput(archiveInput, input);
  return writeCommand(ctx, archived ? 'deviceFilter.archive' : 'deviceFilter.unarchive', async (tx) => {
    await lockWritableFilter(tx, ctx, id);
    await run(
      tx,
      Prisma.sql`UPDATE engine.device_filters SET archived = ${archived ? 1 : 0}, last_edited_by = ${ctx.identity.username}, updated_at = ${epochNow()} WHERE id = ${id}`,
    );
    return { result: { filterId: id }, rows: filterAudit(id, 'update') };
  });
}

// ---------------------------------------------------------------------------------------------
// Device list views (global content)
// ---------------------------------------------------------------------------------------------

const viewFields = {
  name: nameSchema,
  /** Column ids in display order (`columns_json`, a JSON list of strings). */
  columns: z.array(z.string().trim().min(1).max(100)).min(1, 'at least one column is required').max(100),
  /** The grid's filter model (`filters_json`, a JSON object) or null. */
  filters: z.record(z.string(), z.unknown()).nullish(),
};
const createViewInput = z.object(viewFields);
const updateViewInput = z.object({ id: databaseId }).extend(z.object(viewFields).partial().shape);
const viewIdInput = z.object({ id: databaseId });
const viewAudit = (id: number, change: AuditRow['change']): AuditRow[] => [{ table: 'engine.device_list_views', key: { id }, change }];

/** Saves a new device list view: `device_list_views` with JSON text columns and epoch times. */
export async function createDeviceListView(ctx: CommandContext, input: z.input<typeof createViewInput>): Promise<{ viewId: number }> {
  const values = parseInput(createViewInput, input);
  return uniqueName('device list view', values.name, () =>
    writeCommand(ctx, 'deviceListView.create', async (tx) => {
      const now = epochNow();
      const { rows } = await run<{ id: string }>(
        tx,
        Prisma.sql`INSERT INTO engine.device_list_views (name, columns_json, filters_json, created_at, updated_at)
                   VALUES (${values.name}, ${pythonJson(values.columns)}, ${values.filters ? pythonJson(values.filters) : null}, ${now}, ${now})
                   RETURNING id::text AS id`,
      );
      const viewId = Number(rows[0]!.id);
      return { result: { viewId }, rows: viewAudit(viewId, 'insert') };
    }),
  );
}

/** Changes the given fields of a view (`filters: null` clears its filter model). */
export async function updateDeviceListView(ctx: CommandContext, input: z.input<typeof updateViewInput>): Promise<{ viewId: number }> {
  const { id, name, columns, filters } = parseInput(updateViewInput, input);
  return uniqueName('device list view', name ?? '', () =>
    writeCommand(ctx, 'deviceListView.update', async (tx) => {
      const set = [
        name === undefined ? null : Prisma.sql`name = ${name}`,
        columns === undefined ? null : Prisma.sql`columns_json = ${pythonJson(columns)}`,
        filters === undefined ? null : Prisma.sql`filters_json = ${filters ? pythonJson(filters) : null}`,
        Prisma.sql`updated_at = ${epochNow()}`,
      ].filter((part): part is Prisma.Sql => part !== null);
      const { rowCount } = await run(tx, Prisma.sql`UPDATE engine.device_list_views SET ${Prisma.join(set, ', ')} WHERE id = ${id}`);
      if (!rowCount) throw notFound('Device list view');
      return { result: { viewId: id }, rows: viewAudit(id, 'update') };
    }),
  );
}

export async function deleteDeviceListView(ctx: CommandContext, input: z.input<typeof viewIdInput>): Promise<{ viewId: number }> {
  const { id } = parseInput(viewIdInput, input);
  return writeCommand(ctx, 'deviceListView.delete', async (tx) => {
    const { rowCount } = await run(tx, Prisma.sql`DELETE FROM engine.device_list_views WHERE id = ${id}`);
    if (!rowCount) throw notFound('Device list view');
    return { result: { viewId: id }, rows: viewAudit(id, 'delete') };
  });
}

export type CreateDeviceFilterInput = z.input<typeof createFilterInput>;
