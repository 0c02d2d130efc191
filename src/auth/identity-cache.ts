/**
 * The accounts read for HTTP requests, kept for a short, configurable time
 * (GATEWAY_IDENTITY_CACHE_MS, default 1 s; 0 re-reads on every request). The token is still
 * verified on every request (signature, age, expiry); only the engine.users read is shared, so a
 * disabled, deleted or demoted account, or a changed site assignment, takes effect within that
 * bound of the change. Concurrent requests of one operator share a single read; refusals and
 * failed reads are never kept; at most `maxEntries` accounts are held (oldest read dropped first).
 */
import { performance } from 'node:perf_hooks';
import type { OperatorIdentity } from './identity.js';

/** The part of an identity read from the database (the rest comes from each request's token). */
export type OperatorAccount = Omit<OperatorIdentity, 'authMethod' | 'expiresAt'>;

interface Entry {
  account: Promise<OperatorAccount>;
  /** When the read started: what it returns is at least as new as this. */
  readAt: number;
}

export const DEFAULT_IDENTITY_CACHE_ENTRIES = 10_000;

export class IdentityCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = DEFAULT_IDENTITY_CACHE_ENTRIES,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The account of `username` (as the token spells it): kept when read less than ttlMs ago, else `read()`. */
  account(username: string, read: () => Promise<OperatorAccount>): Promise<OperatorAccount> {
    const now = this.now();
    const kept = this.entries.get(username);
    if (kept && now - kept.readAt < this.ttlMs) return kept.account;
    if (kept) this.entries.delete(username);
    else if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry = { account: read(), readAt: now };
    this.entries.set(username, entry);
    entry.account.catch(() => {
      if (this.entries.get(username) === entry) this.entries.delete(username);
    });
    return entry.account;
  }
}
