/**
 * Per-request loaders. Domain files declare loader factories next to the types that use them and
 * resolve through `ctx.loaders.use(factory)`: the first use in a request creates the loader, later
 * uses share its batch and cache. Loaders receive the request's scope, so batched relation reads
 * are site-scoped in SQL like every list.
 */
import type { Scope } from './scope.js';
import type { Db } from '../db/prisma.js';

export type LoaderFactory<T> = (prisma: Db, scope: Scope) => T;

export class Loaders {
  private readonly created = new Map<LoaderFactory<unknown>, unknown>();

  constructor(
    private readonly prisma: Db,
    readonly scope: Scope,
  ) {}

  use<T>(factory: LoaderFactory<T>): T {
    if (!this.created.has(factory)) this.created.set(factory, factory(this.prisma, this.scope));
    return this.created.get(factory) as T;
  }
}
