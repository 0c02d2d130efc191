/**
 * Direct delivery's order (src/realtime/shared-execution.ts): error-free results go to the
 * transport's `liveResults` as they come; a result with errors is handed to the transport's own
 * iteration, and nothing after it is written before the transport asks for the next one; a
 * backed-up connection is waited for; `return` stops the loop and ends the source.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deliverDirectly } from '../../src/realtime/shared-execution.js';

/** A source of events that records whether it was ended. */
function source(events: number[]) {
  const state = { returned: false };
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      return events.length && !state.returned ? { value: events.shift()!, done: false } : { value: undefined, done: true };
    },
    async return() {
      state.returned = true;
      return { value: undefined, done: true };
    },
  };
  return { iterator, state };
}

/** Event n's result: negative numbers fail. */
const resultOf = async (event: unknown): Promise<ExecutionResult> =>
  (event as number) < 0 ? { data: null, errors: [new GraphQLError(`event ${String(event)} failed`)] } : { data: { n: event } };

describe('direct delivery', () => {
  it('writes error-free results directly and hands a result with errors to the iteration, in order', async () => {
    const log: string[] = [];
    const { iterator } = source([1, 2, -3, 4]);
    const results = deliverDirectly(iterator, resultOf, { send: (result) => void log.push(`sent ${JSON.stringify(result.data)}`) });
    const failed = await results.next();
    log.push(`iterated ${failed.value?.errors?.[0]?.message}`);
    // Nothing after the failed result is written until the transport asks for the next one.
    expect(log).toEqual(['sent {"n":1}', 'sent {"n":2}', 'iterated event -3 failed']);
    expect(await results.next()).toEqual({ value: undefined, done: true });
    expect(log.at(-1)).toBe('sent {"n":4}');
  });

  it('waits for a backed-up connection before taking the next event', async () => {
    const log: string[] = [];
    let release!: () => void;
    const { iterator } = source([1, 2]);
    const results = deliverDirectly(iterator, resultOf, {
      send: (result) => {
        log.push(`sent ${JSON.stringify(result.data)}`);
        return log.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      },
    });
    const ended = results.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['sent {"n":1}']);
    release();
    await ended;
    expect(log).toEqual(['sent {"n":1}', 'sent {"n":2}']);
  });

  it('return() stops the loop and ends the source', async () => {
    const { iterator, state } = source([1, 2, 3]);
    const sent: unknown[] = [];
    const results = deliverDirectly(iterator, resultOf, { send: (result) => void sent.push(result.data) });
    await results.return!();
    expect(state.returned).toBe(true);
    expect(await results.next()).toEqual({ value: undefined, done: true });
    expect(sent).toEqual([]);
  });

  it('return() while the loop waits for an event ends the pending next() and the source', async () => {
    let wake!: (result: IteratorResult<number>) => void;
    const state = { returned: false };
    const waiting: AsyncIterableIterator<number> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => new Promise((resolve) => (wake = resolve)),
      async return() {
        state.returned = true;
        wake({ value: undefined, done: true });
        return { value: undefined, done: true };
      },
    };
    const sent: unknown[] = [];
    const results = deliverDirectly(waiting, resultOf, { send: (result) => void sent.push(result.data) });
    const pending = results.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await results.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(state.returned).toBe(true);
    expect(sent).toEqual([]);
  });

  it('an execution that throws ends the source and rejects next()', async () => {
    const { iterator, state } = source([1, 2]);
    const results = deliverDirectly(
      iterator,
      async () => {
        throw new Error('execution failed');
      },
      { send: () => undefined },
    );
    await expect(results.next()).rejects.toThrow('execution failed');
    expect(state.returned).toBe(true);
  });
});
