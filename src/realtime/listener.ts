/**
 * The replica's one LISTEN session: a dedicated connection outside the request pool (a pooled
 * session would be reused by requests and lose its LISTEN). Notifications only wake the reader;
 * the change log is the source of truth, so after a reconnect (PostgreSQL restart, a terminated
 * backend) the reader simply continues from its last sequence and nothing is lost.
 *
 * A session can also be lost without any error: a network partition or a frozen proxy leaves the
 * socket open while nothing arrives (TCP keepalive notices after hours). A heartbeat asks the
 * session `SELECT 1` every `heartbeatMs`; no answer within as long again, and it is replaced.
 */
import pg from 'pg';
import type { Logger } from '../config/logger.js';
import { CHANGE_CHANNEL } from '../db/change-capture.js';

export interface ChangeListener {
  readonly connected: boolean;
  close(): Promise<void>;
}

const MIN_BACKOFF_MS = 100;
// Capped low: while the database is down, one connection attempt every 2 s costs nothing, and
// the feed is back at most 2 s after the database is.
const MAX_BACKOFF_MS = 2000;

/** Delay before reconnection attempt n (100 ms doubling to 2 s). */
export function listenBackoffMs(attempt: number): number {
  return Math.min(MIN_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
}

/** What the listener tells the reader: a notification, the session (re)connected, or lost. */
export type ListenerSignal = 'notify' | 'connected' | 'lost';

export function startListener(connection: pg.ClientConfig, log: Logger, signal: (reason: ListenerSignal) => void, heartbeatMs: number): ChangeListener {
  let client: pg.Client | null = null;
  /** Drops the current session (its `lost`), for the heartbeat. */
  let dropCurrent: ((error: Error) => void) | null = null;
  /** The session a heartbeat is waiting on (one at a time per session). */
  let beating: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;

  const heartbeat = async () => {
    const current = client;
    if (!current || !connected || beating === current) return;
    beating = current;
    const drop = dropCurrent;
    const timer = setTimeout(() => drop?.(new Error(`no answer to a heartbeat within ${heartbeatMs} ms`)), heartbeatMs);
    try {
      await current.query('SELECT 1');
    } catch {
      // A failed query also fails the session: its 'error'/'end' handler reconnects.
    } finally {
      clearTimeout(timer);
      if (beating === current) beating = null;
    }
  };
  const heartbeats = setInterval(() => void heartbeat(), heartbeatMs);
  const connectDeadlineMs = Math.max(2 * heartbeatMs, 5000);
  heartbeats.unref();

  const scheduleReconnect = () => {
    if (closed || retry) return;
    attempt++;
    const delay = listenBackoffMs(attempt);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
  };

  const connect = async () => {
    const next = new pg.Client({ ...connection, application_name: `${connection.application_name ?? 'borealis-graphql-gateway'} (listen)` });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = null;
      dropCurrent = null;
      const was = connected;
      connected = false;
      clearTimeout(deadline);
      next.removeAllListeners();
      next.on('error', () => {});
      void next.end().catch(() => {});
      // A frozen peer never answers the end: without this its socket would linger for minutes.
      (next as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      if (closed) return;
      if (was) log.warn({ err: error?.message }, 'Subscriptions: LISTEN connection lost; reconnecting (missed changes are read from the change log)');
      signal('lost');
      scheduleReconnect();
    };
    client = next;
    dropCurrent = lost;
    // Connecting and LISTEN are not covered by the heartbeat (it needs a connected session).
    const deadline = setTimeout(() => lost(new Error(`connecting and LISTEN took longer than ${connectDeadlineMs} ms`)), connectDeadlineMs);
    deadline.unref();
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', () => signal('notify'));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (closed) return void (await next.end().catch(() => {}));
      if (attempt > 0) log.info({ attempts: attempt }, 'Subscriptions: LISTEN connection restored');
      clearTimeout(deadline);
      attempt = 0;
      connected = true;
      signal('connected');
    } catch (error) {
      if (attempt === 0 || attempt % 10 === 0) log.warn({ err: (error as Error).message }, 'Subscriptions: LISTEN connection failed; retrying');
      lost(error as Error);
    }
  };

  void connect();
  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeats);
      const current = client;
      client = null;
      connected = false;
      await current?.end().catch(() => {});
    },
  };
}
