/**
 * What every subscription event has in common (the `ChangeEvent` interface) and the shared
 * argument handling of the subscription fields in src/domains/<name>/events.ts.
 */
import { builder } from './builder.js';
import type { Change } from './changes.js';
import { parseBigId } from './ids.js';

export const ChangeEventRef = builder.interfaceRef<Change>('ChangeEvent').implement({
  description: 'One change of a row, as captured in the database.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to resume right after this event (no gap, no duplicate).' }),
    changedAt: t.field({ type: 'DateTime', resolve: (change) => change.changedAt }),
    siteIds: t.idList({ description: 'The sites the row belongs to.', resolve: (change) => change.siteIds.map(String) }),
  }),
});

/** A list argument of numeric ids as the row compares them (an absent or empty list: any). */
export function numericIds(ids: readonly string[] | null | undefined, what: string): number[] | null {
  return ids?.length ? ids.map((id) => Number(parseBigId(id, what))) : null;
}

/** Whether any of the row's sites is one of the wanted sites (no filter: any). */
export function inSites(siteIds: readonly number[], wanted: readonly number[] | null): boolean {
  return wanted === null || siteIds.some((site) => wanted.includes(site));
}

/** Whether the event's kind is one of the wanted kinds (no filter: any). */
export function kindIn<K extends string>(kind: K, wanted: readonly K[] | null | undefined): boolean {
  return !wanted?.length || wanted.includes(kind);
}

/** Whether the change modified this column: known from the capture; null when unknown (polling). */
export function columnChanged(change: Change, column: string): boolean | null {
  if (change.changedColumns) return change.changedColumns.includes(column);
  return null;
}
