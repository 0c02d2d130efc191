/**
 * What the configuration mutations (watchdogs, filters, views, metadata, jobs, credentials)
 * share on the GraphQL side: a payload's row read after the command committed, under the
 * model's access rule, and ids that may be a node `id` or a `databaseId`.
 */
import { delegateOf, scopedWhere, type ModelName, type ModelRow, type ModelWhere } from '../access/rules.js';
import type { GatewayContext } from '../graphql/context.js';
import { builder } from '../graphql/builder.js';
import { databaseKey } from '../graphql/ids.js';

/** The row as it is now, when the operator may read it (null otherwise, e.g. after a User moved it out of their sites). */
export async function readAfter<M extends ModelName>(ctx: GatewayContext, model: M, where: ModelWhere<M>): Promise<ModelRow<M> | null> {
  const rows = await delegateOf(ctx.prisma, model).findMany({ where: await scopedWhere(model, ctx.scope, where) });
  return (rows[0] as ModelRow<M> | undefined) ?? null;
}

/** An id of a mutation input: the node `id` of `typename` or its `databaseId`. */
export const inputKey = (typename: string) => (id: string | number) => databaseKey(String(id), typename);

/**
 * GraphQL gives `null` for an optional input field sent as null. In an update, null means "leave
 * as is" except for the fields listed in `clearable` (null clears them).
 */
export function withoutNulls<T extends Record<string, unknown>>(input: T, clearable: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(input).filter(([key, value]) => value !== null || clearable.includes(key))) as T;
}

/** The kinds of a saved target. */
export const TargetKindEnum = builder.enumType('TargetKind', {
  description: 'What a job or watchdog target names.',
  values: { DEVICE: { value: 'device', description: 'One device, by hostname.' }, FILTER: { value: 'filter', description: 'The devices of a saved device filter.' } } as const,
});

export const TargetInput = builder.inputType('TargetInput', {
  description: 'A target of a scheduled job or watchdog: a device (`hostname`) or a device filter (`filterId`).',
  fields: (t) => ({
    kind: t.field({ type: TargetKindEnum, required: true }),
    hostname: t.string({ description: 'With kind DEVICE: the device hostname.' }),
    filterId: t.id({ description: 'With kind FILTER: the filter (its `id` or `databaseId`).' }),
  }),
});

/** Targets of an input as the commands take them (filter ids may be node ids). */
export function targetsOf(targets: ReadonlyArray<{ kind: 'device' | 'filter'; hostname?: string | null; filterId?: string | number | null }> | null | undefined) {
  if (!targets) return undefined;
  const filterKey = inputKey('DeviceFilter');
  return targets.map((target) =>
    target.kind === 'device' ? { kind: 'device' as const, hostname: target.hostname ?? '' } : { kind: 'filter' as const, filterId: target.filterId === null || target.filterId === undefined ? '' : filterKey(target.filterId) },
  );
}
