/**
 * What live subscriptions need from the change feed (implemented by src/realtime, which sits above
 * the domains): a domain's events.ts asks for the changes of one captured table, filtered by its
 * arguments; the feed loads each changed row once per gateway, checks each event against the
 * subscriber's access rule, re-validates the subscriber and resumes after a cursor.
 */
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';
import { requireOperator } from './errors.js';

export type ChangeOperation = 'INSERT' | 'UPDATE' | 'DELETE';

/** One change of a captured row, with the row as it is after the change (null once deleted). */
export interface Change<Row = unknown> {
  /** Opaque; passed back as `after` to resume after this event. */
  readonly cursor: string;
  readonly table: string;
  readonly operation: ChangeOperation;
  /** The row's primary key as text. */
  readonly key: string;
  /** The status (state) column after and before the change; previousStatus null when unknown. */
  readonly status: string | null;
  readonly previousStatus: string | null;
  /** Columns the change modified; null when unknown (polling fallback) or for INSERT/DELETE. */
  readonly changedColumns: readonly string[] | null;
  readonly changedAt: Date;
  /**
   * The sites the row belongs to now (runs: their device's site or their targets' sites), for
   * site filters; a deleted row's as logged. Never a scope decision: that is the access rule's.
   */
  readonly siteIds: readonly number[];
  /** The row as loaded once by the gateway; null when it no longer exists. */
  readonly row: Row | null;
}

export type CaptureMode = 'starting' | 'triggers' | 'polling';

export interface ChangeFeedStatus {
  mode: CaptureMode;
  /** Why the feed polls (missing triggers), or null. */
  detail: string | null;
  listening: boolean;
  subscribers: number;
  /** The last change-log sequence delivered by this replica (capture mode). */
  lastSequence: string | null;
  /** Since when the feed is cut off from the database (LISTEN lost or reads failing), or null. */
  interruptedSince: string | null;
}

export interface ChangeSubscription<Row> {
  table: string;
  /** A cursor from an earlier event: replay what came after it, then continue live. */
  after?: string | null | undefined;
  /** The subscription's own filter (its arguments), applied before the access rule. */
  accepts(change: Change<Row>): boolean;
}

export interface ChangeFeed {
  subscribe<Row>(ctx: GatewayContext, subscription: ChangeSubscription<Row>): AsyncIterable<Change<Row> | StreamEnded>;
  status(): ChangeFeedStatus;
}

export function subscriptionsUnavailable(): GraphQLError {
  return new GraphQLError('Subscriptions are not available on this gateway instance.', { extensions: { code: 'SUBSCRIPTIONS_UNAVAILABLE' } });
}

/** The changes of one table for a signed-in operator (the resolver's `subscribe`). */
export function subscribeToChanges<Row>(ctx: GatewayContext, subscription: ChangeSubscription<Row>): AsyncIterable<Change<Row> | StreamEnded> {
  requireOperator(ctx);
  if (!ctx.changes) throw subscriptionsUnavailable();
  return ctx.changes.subscribe(ctx, subscription);
}

/** Whether a status column matches one of the filter's values (Borealis compares case-insensitively). */
export function statusIn(status: string | null, wanted: readonly string[] | null | undefined): boolean {
  if (!wanted?.length) return true;
  const value = (status ?? '').toLowerCase();
  return wanted.some((w) => w.toLowerCase() === value);
}

/** Whether a value matches one of the filter's ids (an absent filter matches everything). */
export function oneOf<T>(value: T | null | undefined, wanted: readonly T[] | null | undefined): boolean {
  if (!wanted?.length) return true;
  return value !== null && value !== undefined && wanted.includes(value);
}

/** The last item of a stream that ends with an error (its resolver throws it: the client gets the code). */
export class StreamEnded {
  constructor(readonly error: GraphQLError) {}
}

/** The event a subscription resolver returns; a StreamEnded item becomes the stream's last error. */
export function eventOrEnd<Row>(item: Change<Row> | StreamEnded): Change<Row> {
  if (item instanceof StreamEnded) throw item.error;
  return item;
}
