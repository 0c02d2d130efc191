/**
 * One subscriber's bounded event queue, consumed by the transport (graphql-ws or SSE) as an async
 * iterator. Memory per subscriber is bounded: when more than `bound` events wait because the
 * client reads too slowly, the queue is emptied and the stream ends with SUBSCRIBER_TOO_SLOW.
 * A failure (slow client, refused account, expired cursor) is delivered as a last StreamEnded
 * item, so the client receives a GraphQL error with its code instead of a broken connection.
 */
import { GraphQLError } from 'graphql';
import { StreamEnded } from '../graphql/changes.js';

export class SubscriberQueue<T> implements AsyncIterableIterator<T | StreamEnded> {
  private items: T[] = [];
  private waiter: ((result: IteratorResult<T | StreamEnded>) => void) | null = null;
  private roomWaiters: Array<() => void> = [];
  private ending: StreamEnded | null = null;
  private finished = false;

  constructor(
    private readonly bound: number,
    /** Runs once when the stream ends, whoever ends it. */
    private readonly onEnd: () => void,
    /**
     * Runs at once when the stream is ended for being too slow: the consumer may never read the
     * error from the queue (graphql-ws closes the socket of a client that stopped reading).
     */
    private readonly onTooSlow: (error: GraphQLError) => void = () => {},
  ) {}

  get ended(): boolean {
    return this.finished || this.ending !== null;
  }

  get length(): number {
    return this.items.length;
  }

  offer(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length > this.bound) this.overflow();
  }

  /** Ends the stream with SUBSCRIBER_TOO_SLOW (also when a backlog outside the queue overflowed). */
  overflow(): void {
    if (this.ended) return;
    const error = tooSlow(this.bound);
    this.fail(error);
    this.onTooSlow(error);
  }

  /** Resolves once fewer than half the bound are waiting (replay pages wait for the client). */
  async room(): Promise<void> {
    while (!this.ended && this.items.length >= this.bound / 2) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /** Ends the stream with this error as its last item (pending items are dropped). */
  fail(error: GraphQLError): void {
    if (this.ended) return;
    this.items = [];
    this.ending = new StreamEnded(error);
    this.wakeRoom();
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter({ value: this.takeEnding(), done: false });
    }
  }

  next(): Promise<IteratorResult<T | StreamEnded>> {
    if (this.items.length) {
      const value = this.items.shift()!;
      if (this.items.length < this.bound / 2) this.wakeRoom();
      return Promise.resolve({ value, done: false });
    }
    if (this.ending) return Promise.resolve({ value: this.takeEnding(), done: false });
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<T | StreamEnded>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private takeEnding(): StreamEnded {
    const ending = this.ending!;
    this.ending = null;
    this.finish();
    return ending;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.items = [];
    this.wakeRoom();
    this.waiter?.({ value: undefined, done: true });
    this.waiter = null;
    this.onEnd();
  }

  private wakeRoom(): void {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }
}

export function tooSlow(bound: number): GraphQLError {
  return new GraphQLError(`This subscription fell more than ${bound} events behind and was closed: re-query, then subscribe again (with \`after\` to resume).`, {
    extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
  });
}
