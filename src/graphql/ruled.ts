/**
 * The `where` of a top-level list under its model's access rule (src/access/rules.ts): the list's
 * own filter goes inside `{ AND: [filter, rule] }`, so no list can forget its scope.
 */
import { scopedWhere, type ModelName, type ModelWhere } from '../access/rules.js';
import type { GatewayContext } from './context.js';

export function ruled<M extends ModelName, W>(
  model: M,
  filter: (where: W | null | undefined, ctx: GatewayContext) => ModelWhere<M> | Promise<ModelWhere<M>>,
): (where: W | null | undefined, ctx: GatewayContext) => Promise<ModelWhere<M>> {
  return async (where, ctx) => scopedWhere(model, ctx.scope, await filter(where, ctx));
}
