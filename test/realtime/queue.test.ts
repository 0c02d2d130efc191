/** A subscriber's bounded queue: order kept, a slow consumer ends with SUBSCRIBER_TOO_SLOW, memory bounded. */
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { StreamEnded } from '../../src/graphql/changes.js';
import { SubscriberQueue } from '../../src/realtime/queue.js';

describe('SubscriberQueue', () => {
  it('delivers in order, to a waiting consumer and from the buffer', async () => {
    const queue = new SubscriberQueue<number>(10, () => {});
    const waiting = queue.next();
    queue.offer(1);
    queue.offer(2);
    queue.offer(3);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    expect(await queue.next()).toEqual({ value: 3, done: false });
  });

  it('a consumer more than `bound` events behind: the buffer is dropped and the stream ends with SUBSCRIBER_TOO_SLOW', async () => {
    let ended = 0;
    const toldTooSlow: GraphQLError[] = [];
    const queue = new SubscriberQueue<number>(3, () => ended++, (error) => toldTooSlow.push(error));
    for (let i = 0; i < 10; i++) queue.offer(i);
    expect(queue.length).toBe(0);
    // The transport is told at once (before the consumer reads anything), and once.
    expect(toldTooSlow.map((error) => error.extensions.code)).toEqual(['SUBSCRIBER_TOO_SLOW']);
    const last = await queue.next();
    expect(last.value).toBeInstanceOf(StreamEnded);
    expect(((last.value as StreamEnded).error as GraphQLError).extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
  });

  it('return() (client gone) ends it once and ignores later offers', async () => {
    let ended = 0;
    const queue = new SubscriberQueue<number>(3, () => ended++);
    const waiting = queue.next();
    await queue.return();
    queue.offer(1);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
  });
});
