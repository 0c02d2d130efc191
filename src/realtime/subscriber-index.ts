/**
 * The subscribers of one table, indexed by the sites whose rows can reach them, so a change
 * visits only its possible receivers instead of every subscriber (docs/subscriptions.md
 * "Delivery cost"). It mirrors the site pre-check of the change feed's `visibility`: a User none
 * of whose sites is one of a row's sites cannot see the row. Everyone else (administrators,
 * identities without a site list, anonymous ones) is a possible receiver of every change and is
 * left to the per-event access check.
 */
import type { OperatorIdentity } from '../auth/identity.js';

/** The sites under which an identity is indexed; null: every change may reach it. */
export function reachableSites(identity: OperatorIdentity | null): readonly number[] | null {
  return identity && !identity.isAdmin && identity.siteIds ? identity.siteIds : null;
}

export class SubscriberIndex<S> {
  private readonly everywhere = new Set<S>();
  private readonly bySite = new Map<number, Set<S>>();
  /** Each subscriber with the sites it is indexed under (null: everywhere). */
  private readonly placed = new Map<S, readonly number[] | null>();

  get size(): number {
    return this.placed.size;
  }

  all(): IterableIterator<S> {
    return this.placed.keys();
  }

  add(subscriber: S, sites: readonly number[] | null): void {
    this.delete(subscriber);
    this.placed.set(subscriber, sites);
    if (sites === null) {
      this.everywhere.add(subscriber);
      return;
    }
    for (const site of sites) {
      let set = this.bySite.get(site);
      if (!set) this.bySite.set(site, (set = new Set()));
      set.add(subscriber);
    }
  }

  /** Moves a subscriber still listed when its sites changed (a re-validated scope). */
  move(subscriber: S, sites: readonly number[] | null): void {
    if (this.placed.has(subscriber) && !sameSites(this.placed.get(subscriber)!, sites)) this.add(subscriber, sites);
  }

  delete(subscriber: S): boolean {
    if (!this.placed.has(subscriber)) return false;
    const sites = this.placed.get(subscriber)!;
    this.placed.delete(subscriber);
    if (sites === null) {
      this.everywhere.delete(subscriber);
      return true;
    }
    for (const site of sites) {
      const set = this.bySite.get(site);
      set?.delete(subscriber);
      if (set?.size === 0) this.bySite.delete(site);
    }
    return true;
  }

  /** The subscribers a row in these sites may reach: everyone for a row without sites. */
  reachable(rowSites: readonly number[]): S[] {
    if (!rowSites.length) return [...this.placed.keys()];
    const found = [...this.everywhere];
    if (rowSites.length === 1) {
      for (const subscriber of this.bySite.get(rowSites[0]!) ?? []) found.push(subscriber);
      return found;
    }
    // A subscriber of several of the row's sites is listed once.
    const seen = new Set<S>();
    for (const site of rowSites) {
      for (const subscriber of this.bySite.get(site) ?? []) {
        if (!seen.has(subscriber)) {
          seen.add(subscriber);
          found.push(subscriber);
        }
      }
    }
    return found;
  }
}

function sameSites(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((site, index) => site === b[index]);
}
