/** The per-table subscriber index: a change visits only the subscribers its row's sites can reach. */
import { describe, expect, it } from 'vitest';
import type { OperatorIdentity } from '../../src/auth/identity.js';
import { reachableSites, SubscriberIndex } from '../../src/realtime/subscriber-index.js';

const user = (siteIds: number[] | null, isAdmin = false) => ({ isAdmin, siteIds }) as unknown as OperatorIdentity;

describe('SubscriberIndex', () => {
  it('a row of one site reaches its site’s users and everyone indexed everywhere, nobody else', () => {
    const index = new SubscriberIndex<string>();
    index.add('admin', reachableSites(user(null, true)));
    index.add('alice@1', reachableSites(user([1])));
    index.add('bob@2', reachableSites(user([2])));
    index.add('carol@1,2', reachableSites(user([1, 2])));
    index.add('anonymous', reachableSites(null));
    expect(index.reachable([1]).sort()).toEqual(['admin', 'alice@1', 'anonymous', 'carol@1,2']);
    expect(index.reachable([3]).sort()).toEqual(['admin', 'anonymous']);
    // A row of several sites lists a user of several of them once.
    expect(index.reachable([1, 2]).sort()).toEqual(['admin', 'alice@1', 'anonymous', 'bob@2', 'carol@1,2']);
    // A row without sites (a deleted one, a run without target) may reach anyone: the access check decides.
    expect(index.reachable([]).sort()).toEqual(['admin', 'alice@1', 'anonymous', 'bob@2', 'carol@1,2']);
    expect(index.size).toBe(5);
  });

  it('an administrator is reached by every change', () => {
    const index = new SubscriberIndex<string>();
    index.add('admin', reachableSites(user([1], true)));
    for (const sites of [[1], [7], [2, 9], []]) expect(index.reachable(sites)).toEqual(['admin']);
  });

  it('a subscriber whose sites changed moves: the old site no longer reaches it, the new one does', () => {
    const index = new SubscriberIndex<string>();
    index.add('alice', [1]);
    index.move('alice', [2]);
    expect(index.reachable([1])).toEqual([]);
    expect(index.reachable([2])).toEqual(['alice']);
    index.move('alice', null); // promoted to administrator
    expect(index.reachable([5])).toEqual(['alice']);
    expect(index.size).toBe(1);
  });

  it('a removed subscriber is reached by nothing, and a move does not bring it back', () => {
    const index = new SubscriberIndex<string>();
    index.add('alice', [1]);
    expect(index.delete('alice')).toBe(true);
    expect(index.delete('alice')).toBe(false);
    index.move('alice', [1]);
    expect(index.reachable([1])).toEqual([]);
    expect(index.size).toBe(0);
  });
});
