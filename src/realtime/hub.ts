/**
 * The change feed of one gateway replica (docs/subscriptions.md): one reader of the change log
 * (woken by the LISTEN session) or, without capture triggers, one poller; each changed row is
 * loaded once, checked once per distinct scope with the model's access rule (`allows`), and
 * offered to every subscriber whose filter accepts it. Subscribers resuming with a cursor replay
 * the log up to the point the live stream starts, so they get no gap and no duplicate.
 */
import { GraphQLError } from 'graphql';
import { allows } from '../access/rules.js';
import { createScope } from '../access/scope.js';
import type { OperatorIdentity } from '../auth/identity.js';
import { IdentityCache } from '../auth/identity-cache.js';
import { loadOperator, OperatorRefusedError } from '../auth/operator.js';
import type { RealtimeConfig } from '../config/env.js';
import type { Logger } from '../config/logger.js';
import { captureInstalled, captureStatus, formatCaptureStatus } from '../db/change-capture.js';
import type { Db } from '../db/prisma.js';
import type { GatewayPool } from '../db/pool.js';
import type { CaptureMode, Change, ChangeFeed, ChangeFeedStatus, ChangeSubscription, StreamEnded } from '../graphql/changes.js';
import type { GatewayContext } from '../graphql/context.js';
import { badInput, unauthenticated } from '../graphql/errors.js';
import { allFinished, lastSequence, prunedThrough, pruneChangeLog, readAfter, readRange, type LoggedChange } from './change-log.js';
import { listenBackoffMs, startListener, type ChangeListener } from './listener.js';
import { ChangePoller, type PolledChange } from './poller.js';
import { SubscriberQueue } from './queue.js';
import { scopeKey } from './shared-execution.js';
import { reachableSites, SubscriberIndex } from './subscriber-index.js';
import { keyWhere, loadRows, REALTIME_TABLES, realtimeTable, siteIdsOf, type RealtimeTable } from './tables.js';

const PAGE = 500;
/** While a sequence gap is unsettled the reader looks again after this long (doubling). */
const GAP_RECHECK_MS = [10, 20, 50, 100, 250, 500, 1000];
/** A reader wake-up without any notification, in case one was missed while (re)connecting. */
const SAFETY_WAKE_MS = 5000;
/** How often an interrupted feed checks whether the outage has outlasted GATEWAY_SUBSCRIPTION_OUTAGE_LIMIT_MS. */
const OUTAGE_CHECK_MS = 500;
const POLL_CURSOR = /^poll:\d+$/;
const LOG_CURSOR = /^\d{1,19}$/;

export interface RealtimeDeps {
  pool: GatewayPool;
  prisma: Db;
  config: RealtimeConfig;
  log: Logger;
}

/** A change as every subscriber of this replica sees it, with its visibility per scope. */
interface Event {
  seq: bigint;
  change: Change;
  table: RealtimeTable;
  /** Whether a scope (its site set) may see the row: asked once per distinct scope. */
  visible: Map<string, boolean | Promise<boolean>>;
}

interface Subscriber {
  table: string;
  ctx: GatewayContext;
  accepts(change: Change): boolean;
  queue: SubscriberQueue<Change>;
  /** The last sequence delivered to (or passed by) this subscriber: nothing at or below it is sent again. */
  position: bigint;
  /** Live events that arrive while the subscriber replays the log; offered once it is done. */
  backlog: Event[] | null;
}

export class ChangeHub implements ChangeFeed {
  private mode: CaptureMode = 'starting';
  private detail: string | null = null;
  /** Capture mode: every sequence at or below is delivered or known never to commit. */
  private watermark = 0n;
  /** Capture mode: the last sequence whose subscribers were chosen (at most one page ahead of the watermark). */
  private published = 0n;
  /** Polling mode: in-memory numbering of polled changes. */
  private polled = 0n;
  /** An unsettled gap: sequences below `below` may still commit while these change writers run. */
  private gap: { below: bigint; transactions: string[]; recheck: number } | null = null;
  /** Per table: its subscribers, indexed by the sites whose changes can reach them. */
  private readonly subscribers = new Map<string, SubscriberIndex<Subscriber>>();
  /** Account reads shared by re-validations close together (see `readAccount`). */
  /** Account reads shared by re-validations (readAccount); a failed read is never kept. */
  private readonly accounts: IdentityCache;
  private subscriberCount = 0;
  private listener: ChangeListener | null = null;
  private poller: ChangePoller | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private gapTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  /** Since when the feed is cut off from the database (LISTEN lost or reads failing). */
  private interruptedSince: Date | null = null;
  /** Failed reads in a row: a failed read is retried after listenBackoffMs(failures). */
  private readFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly started: Promise<void>;
  private markStarted!: () => void;

  constructor(private readonly deps: RealtimeDeps) {
    // Thousands of subscribers are a few hundred accounts: a re-validation uses a read at most a
    // quarter interval old, so each subscriber still sees one at most 1.25 intervals old.
    this.accounts = new IdentityCache(deps.config.revalidateMs / 4);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  /** Chooses the capture mode and starts reading: LISTEN + change log, or polling. */
  async start(): Promise<CaptureMode> {
    const { pool, config, log } = this.deps;
    const capture = await captureStatus(pool);
    let detail = formatCaptureStatus(capture);
    if (captureInstalled(capture)) {
      try {
        this.watermark = this.published = await lastSequence(pool);
        this.mode = 'triggers';
        this.listener = startListener(pool.options, log, (signal) => (signal === 'lost' ? this.interrupted() : this.wake()), config.listenHeartbeatMs);
        this.every(SAFETY_WAKE_MS, () => this.wake());
        this.every(config.pruneIntervalMs, () => this.prune());
        log.info({ fromSequence: this.watermark.toString() }, 'Subscriptions: change capture installed; listening for changes');
      } catch (error) {
        // e.g. the runtime role may not read the change log: serve by polling, and say why.
        detail = `Change capture is installed but the change log cannot be read (${(error as Error).message}); subscriptions fall back to polling.`;
      }
    }
    if (this.mode !== 'triggers') {
      this.mode = 'polling';
      this.detail = detail;
      this.poller = new ChangePoller(REALTIME_TABLES);
      await this.poller.poll(pool); // primes: start from now
      this.every(config.pollIntervalMs, () => this.wake());
      log.warn(`Subscriptions: ${this.detail} Polling every ${config.pollIntervalMs} ms.`);
    }
    this.every(OUTAGE_CHECK_MS, () => this.endStreamsIfOutageTooLong());
    this.markStarted();
    // Not awaited: a warm-up held up by a lock on a captured table must not hold subscriptions.
    void this.warmUp();
    return this.mode;
  }

  /**
   * Prisma's first query in a process costs about 250 ms (its query compiler loads), and each new
   * query shape a few ms to tens of ms more. Paid by the first changes, they would reach their
   * subscribers hundreds of ms late (bench:subscriptions' warm-up window showed it). So the reads
   * every change makes (its row, its sites, a User's access check) run once here, for a key that
   * does not exist. A failure is only logged: the same reads are retried by each change.
   */
  private async warmUp(): Promise<void> {
    const { prisma, log } = this.deps;
    const nobody: OperatorIdentity = { userId: 0n, username: '', role: 'User', isAdmin: false, siteIds: [0], authMethod: 'test', expiresAt: null };
    const scope = createScope(prisma, nobody);
    try {
      await Promise.all(
        REALTIME_TABLES.map(async (table) => {
          // The key loads no row, so the sites are read by sitesOf itself (siteIdsOf would skip it).
          await loadRows(prisma, table, ['0']);
          await table.sitesOf?.(prisma, ['0']);
          await allows(prisma, scope, table.model, keyWhere(table, '0'));
        }),
      );
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'Subscriptions: warming up the change reads failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.gapTimer);
    clearTimeout(this.retryTimer);
    await this.listener?.close();
    for (const subscribers of this.subscribers.values()) {
      for (const subscriber of [...subscribers.all()]) subscriber.queue.return();
    }
    await this.pumping;
  }

  status(): ChangeFeedStatus {
    return {
      mode: this.mode,
      detail: this.detail,
      listening: this.listener?.connected ?? false,
      subscribers: this.subscriberCount,
      lastSequence: this.mode === 'triggers' ? this.watermark.toString() : null,
      interruptedSince: this.interruptedSince?.toISOString() ?? null,
    };
  }

  subscribe<Row>(ctx: GatewayContext, subscription: ChangeSubscription<Row>): AsyncIterable<Change<Row> | StreamEnded> {
    const table = realtimeTable(subscription.table);
    const cursor = this.parseCursor(subscription.after);
    const subscriber: Subscriber = {
      table: table.table,
      ctx,
      accepts: subscription.accepts as (change: Change) => boolean,
      position: 0n,
      backlog: null,
      queue: new SubscriberQueue<Change>(
        this.deps.config.subscriberBuffer,
        () => this.remove(subscriber, revalidation),
        (error) => ctx.onTooSlow?.(error),
      ),
    };
    const revalidation = setInterval(() => void this.revalidate(subscriber), this.deps.config.revalidateMs);
    revalidation.unref();
    // The client went away (SSE request aborted, WebSocket operation completed or socket closed).
    ctx.signal?.addEventListener('abort', () => void subscriber.queue.return(), { once: true });
    void this.attach(subscriber, table, cursor).catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'Subscriptions: could not start a subscription');
      subscriber.queue.fail(error instanceof GraphQLError ? error : new GraphQLError('The subscription could not be started; try again.', { extensions: { code: 'SUBSCRIPTION_FAILED' } }));
    });
    return subscriber.queue as AsyncIterable<Change<Row> | StreamEnded>;
  }

  /** A cursor from this feed: a change-log sequence, or null (start live). Malformed: BAD_USER_INPUT. */
  private parseCursor(after: string | null | undefined): bigint | null {
    if (after === null || after === undefined) return null;
    if (POLL_CURSOR.test(after)) throw resumeUnavailable();
    if (!LOG_CURSOR.test(after)) throw badInput('`after` must be the `cursor` of an earlier event.');
    return BigInt(after);
  }

  private async attach(subscriber: Subscriber, table: RealtimeTable, cursor: bigint | null): Promise<void> {
    await this.started;
    if (subscriber.queue.ended) return;
    if (cursor !== null && this.mode !== 'triggers') throw resumeUnavailable();
    if (this.outageTooLong()) throw this.interruptedError(cursor ?? this.published);
    if (cursor !== null && cursor < (await prunedThrough(this.deps.pool))) {
      throw new GraphQLError('This cursor is older than the retained change log: re-query the current state, then subscribe without `after`.', {
        extensions: { code: 'CURSOR_EXPIRED' },
      });
    }
    if (subscriber.queue.ended) return;
    // Registered and the replay's end fixed in the same turn: live events start right after it.
    const replayThrough = this.mode === 'triggers' ? this.published : this.polled;
    subscriber.position = cursor ?? replayThrough;
    if (cursor !== null && cursor < replayThrough) subscriber.backlog = [];
    this.add(subscriber);
    if (!subscriber.backlog) return;
    await this.replay(subscriber, table, cursor!, replayThrough);
    if (subscriber.position < replayThrough) subscriber.position = replayThrough;
    // Live events that came meanwhile, in order; the backlog closes in the turn it is found empty.
    for (let event = subscriber.backlog.shift(); event; event = subscriber.backlog.shift()) {
      this.deliver(subscriber, event, subscriber.accepts(event.change) && (await this.visibleTo(event, subscriber.ctx.identity)));
    }
    subscriber.backlog = null;
  }

  /** Hands the event to the subscriber once, in sequence order, if it may see it. */
  private deliver(subscriber: Subscriber, event: Event, visible: boolean): void {
    if (event.seq <= subscriber.position) return;
    subscriber.position = event.seq;
    if (visible) subscriber.queue.offer(event.change);
  }

  private async replay(subscriber: Subscriber, table: RealtimeTable, after: bigint, through: bigint): Promise<void> {
    for (let from = after; from < through && !subscriber.queue.ended; ) {
      const changes = await readRange(this.deps.pool, table.table, from, through, PAGE);
      if (!changes.length) return;
      for (const event of await this.events(changes)) {
        this.deliver(subscriber, event, subscriber.accepts(event.change) && (await this.visibleTo(event, subscriber.ctx.identity)));
      }
      from = changes.at(-1)!.seq;
      await subscriber.queue.room();
    }
  }

  private add(subscriber: Subscriber): void {
    let index = this.subscribers.get(subscriber.table);
    if (!index) this.subscribers.set(subscriber.table, (index = new SubscriberIndex()));
    index.add(subscriber, reachableSites(subscriber.ctx.identity));
    this.subscriberCount++;
  }

  private remove(subscriber: Subscriber, revalidation: NodeJS.Timeout): void {
    clearInterval(revalidation);
    if (this.subscribers.get(subscriber.table)?.delete(subscriber)) this.subscriberCount--;
  }

  /** Re-reads the subscriber's account: a refused (disabled, deleted) or expired one ends the stream. */
  private async revalidate(subscriber: Subscriber): Promise<void> {
    const { ctx } = subscriber;
    const identity = ctx.identity;
    if (!identity || subscriber.queue.ended) return;
    try {
      if (identity.expiresAt && identity.expiresAt.getTime() <= Date.now()) throw unauthenticated('The token of this subscription expired: sign in again and resubscribe.');
      const fresh = await this.readAccount(identity);
      ctx.identity = fresh;
      ctx.scope = createScope(ctx.prisma, fresh);
      // A changed site assignment moves the subscriber in the index (no-op when unchanged).
      this.subscribers.get(subscriber.table)?.move(subscriber, reachableSites(fresh));
    } catch (error) {
      if (error instanceof OperatorRefusedError) subscriber.queue.fail(unauthenticated(`${error.message} The subscription ended.`));
      else if (error instanceof GraphQLError) subscriber.queue.fail(error);
      // Anything else (database briefly down): keep the stream, try again next time.
      else this.deps.log.warn({ err: (error as Error).message }, 'Subscriptions: could not re-validate a subscriber');
    }
  }

  /** The account re-read for a re-validation, shared by the subscribers of one account (accounts). */
  private async readAccount(identity: OperatorIdentity): Promise<OperatorIdentity> {
    const fromToken = { authMethod: identity.authMethod, expiresAt: identity.expiresAt };
    const account = await this.accounts.account(identity.username, () => loadOperator(this.deps.pool, identity.username, fromToken));
    return { ...account, ...fromToken };
  }

  /** Coalesces wake-ups: one read at a time, and one more if woken meanwhile. */
  private wake(): void {
    if (this.stopped || this.mode === 'starting') return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        try {
          await (this.mode === 'triggers' ? this.readLog() : this.poll());
          this.readSucceeded();
        } catch (error) {
          // The log is the truth: nothing was skipped, the retry reads from the same point.
          this.readFailed(error as Error);
        }
      } while (this.pumpAgain && !this.stopped);
    })().finally(() => {
      this.pumping = null;
      if (this.pumpAgain) this.wake();
    });
  }

  /** The LISTEN session is lost, or a read failed: the feed is cut off until a read succeeds. */
  private interrupted(): void {
    this.interruptedSince ??= new Date();
  }

  /** A failed read is retried with backoff (100 ms doubling to 2 s), not only at the next notification. */
  private readFailed(error: Error): void {
    this.interrupted();
    this.readFailures++;
    if (this.readFailures === 1 || this.readFailures % 10 === 0) {
      this.deps.log.warn({ err: error.message, failures: this.readFailures }, 'Subscriptions: reading changes failed; retrying');
    }
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, listenBackoffMs(this.readFailures));
    this.retryTimer.unref();
  }

  /** The feed is whole again once a read succeeded with the LISTEN session up (triggers mode). */
  private readSucceeded(): void {
    this.readFailures = 0;
    if (!this.interruptedSince || (this.mode === 'triggers' && !this.listener?.connected)) return;
    this.deps.log.info({ outageMs: Date.now() - this.interruptedSince.getTime() }, 'Subscriptions: change feed restored; changes missed meanwhile were read from the log');
    this.interruptedSince = null;
  }

  private outageTooLong(): boolean {
    return this.interruptedSince !== null && Date.now() - this.interruptedSince.getTime() >= this.deps.config.outageLimitMs;
  }

  /** Past the outage limit every stream ends with a retryable error carrying where to resume. */
  private endStreamsIfOutageTooLong(): void {
    if (!this.outageTooLong()) return;
    for (const subscribers of this.subscribers.values()) {
      for (const subscriber of [...subscribers.all()]) subscriber.queue.fail(this.interruptedError(subscriber.position));
    }
  }

  private interruptedError(after: bigint): GraphQLError {
    const resume = this.mode === 'triggers';
    const seconds = Math.round(this.deps.config.outageLimitMs / 1000);
    return new GraphQLError(
      `The change feed has been cut off from the database for more than ${seconds} s. Subscribe again${resume ? ' with `after` (your last cursor, or extensions.after)' : ''} once the gateway reports it is back.`,
      { extensions: { code: 'SUBSCRIPTIONS_INTERRUPTED', ...(resume ? { after: after.toString() } : {}) } },
    );
  }

  private async readLog(): Promise<void> {
    const { pool } = this.deps;
    let settledBelow = 0n;
    if (this.gap && (await allFinished(pool, this.gap.transactions))) {
      settledBelow = this.gap.below;
      this.gap = null;
    }
    for (;;) {
      const page = await readAfter(pool, this.watermark, PAGE);
      const ready: LoggedChange[] = [];
      let expected = this.watermark + 1n;
      let blocked = false;
      for (const change of page.changes) {
        if (change.seq !== expected && change.seq > settledBelow) {
          // Sequences expected..change.seq-1 are missing: held back until their writers finish.
          this.gap ??= { below: change.seq, transactions: page.inProgress, recheck: 0 };
          blocked = true;
          break;
        }
        ready.push(change);
        expected = change.seq + 1n;
      }
      if (ready.length) {
        await this.publish(await this.events(ready));
        // Changes nobody subscribed to are passed too (a resuming subscriber replays them).
        this.watermark = this.published = ready.at(-1)!.seq;
      }
      if (blocked) return this.recheckGap();
      if (page.changes.length < PAGE) return;
    }
  }

  private recheckGap(): void {
    if (!this.gap || this.gapTimer) return;
    const delay = GAP_RECHECK_MS[Math.min(this.gap.recheck++, GAP_RECHECK_MS.length - 1)]!;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      this.wake();
    }, delay);
    this.gapTimer.unref();
  }

  private async poll(): Promise<void> {
    const changes = await this.poller!.poll(this.deps.pool);
    if (!changes.length) return;
    const logged = changes.map((change: PolledChange): LoggedChange => ({ ...change, seq: ++this.polled, changedColumns: null }));
    await this.publish(await this.events(logged));
  }

  /** The events of these changes with their rows, loaded once per table. */
  private async events(changes: readonly LoggedChange[]): Promise<Event[]> {
    const wanted = changes;
    const rows = new Map<string, Map<string, unknown>>();
    const sites = new Map<string, Map<string, number[]>>();
    for (const name of new Set(wanted.map((c) => c.table))) {
      const table = realtimeTable(name);
      const loaded = await loadRows(this.deps.prisma, table, wanted.filter((c) => c.table === name && c.operation !== 'DELETE').map((c) => c.key));
      rows.set(name, loaded);
      sites.set(name, await siteIdsOf(this.deps.prisma, table, loaded));
    }
    return wanted.map((change) => {
      const table = realtimeTable(change.table);
      const cursor = this.mode === 'triggers' ? change.seq.toString() : `poll:${change.seq}`;
      const row = change.operation === 'DELETE' ? null : (rows.get(change.table)?.get(change.key) ?? null);
      const { seq, siteIds: logged, ...fields } = change;
      const siteIds = row === null ? (logged ?? []) : (sites.get(change.table)?.get(change.key) ?? []);
      return { seq, table, visible: new Map(), change: { ...fields, cursor, row, siteIds } };
    });
  }

  private async publish(events: readonly Event[]): Promise<void> {
    this.askAhead(events);
    for (const event of events) {
      // From here on a new subscriber replays this event from the log instead of receiving it live.
      this.published = event.seq;
      // Only the subscribers a row in these sites can reach (see SubscriberIndex).
      const candidates = (this.subscribers.get(event.table.table)?.reachable(event.change.siteIds) ?? []).filter((s) => event.seq > s.position);
      // Visibility per distinct scope, the database asked in parallel (cached on the event), and
      // first (known without the database for most: administrators, other sites), so a
      // subscriber's filter runs only where the event may be visible. Asked for replaying
      // subscribers too: one may finish its replay during this await and take the event live.
      const scopes = candidates.map((s) => {
        const scope = this.scopeOf(event, s.ctx.identity);
        return event.visible.get(scope) !== false && s.accepts(event.change) ? scope : null;
      });
      for (const [scope, answer] of event.visible) if (answer instanceof Promise) event.visible.set(scope, await answer);
      // ...then every subscriber gets it in one turn, so each one's order is the log's.
      candidates.forEach((subscriber, index) => {
        if (subscriber.backlog) {
          subscriber.backlog.push(event);
          if (subscriber.backlog.length > this.deps.config.subscriberBuffer) subscriber.queue.overflow();
        } else {
          const scope = scopes[index];
          this.deliver(subscriber, event, scope !== null && scope !== undefined && event.visible.get(scope) === true);
        }
      });
      // One change per turn of the event loop: its deliveries go out before the next is offered.
      if (event !== events.at(-1)) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Asks the access questions of a whole batch at once, for the scopes subscribed now, so the
   * database answers them in parallel instead of one round trip per event while later events
   * wait (a subscriber arriving meanwhile has its scope asked at its event's turn).
   */
  private askAhead(events: readonly Event[]): void {
    if (events.length < 2) return;
    for (const table of new Set(events.map((event) => event.table.table))) {
      const identities = new Map<string, OperatorIdentity | null>();
      for (const subscriber of this.subscribers.get(table)?.all() ?? []) identities.set(scopeKey(subscriber.ctx.identity), subscriber.ctx.identity);
      for (const event of events) {
        if (event.table.table === table) for (const identity of identities.values()) this.scopeOf(event, identity);
      }
    }
  }

  /** Whether the identity may see the event's row (asked once per event and distinct scope). */
  private async visibleTo(event: Event, identity: OperatorIdentity | null): Promise<boolean> {
    return event.visible.get(this.scopeOf(event, identity))!;
  }

  /** The identity's scope, its visibility of the event asked (or already known): see `visibility`. */
  private scopeOf(event: Event, identity: OperatorIdentity | null): string {
    const scope = scopeKey(identity);
    if (!event.visible.has(scope)) {
      const answer = this.visibility(event, identity);
      // A failure surfaces where the answer is awaited; one asked ahead may never be.
      if (answer instanceof Promise) answer.catch(() => {});
      event.visible.set(scope, answer);
    }
    return scope;
  }

  /**
   * The model's access rule for the row. A deleted row cannot be asked about any more: its
   * deletion reaches administrators only. A User none of whose sites is one of the row's sites
   * cannot see it under any rule (a row in sites is visible only within them), so the database is
   * asked only for scopes that share a site with the row, or when the row has none (a skipped
   * run follows its job): with subscribers spread over many sites, one question per event.
   */
  private visibility(event: Event, identity: OperatorIdentity | null): boolean | Promise<boolean> {
    if (!identity) return false;
    if (identity.isAdmin) return true;
    const { row, siteIds, key } = event.change;
    if (row === null) return false;
    if (siteIds.length && identity.siteIds && !identity.siteIds.some((site) => siteIds.includes(site))) return false;
    const { prisma } = this.deps;
    return allows(prisma, createScope(prisma, identity), event.table.model, keyWhere(event.table, key));
  }

  private async prune(): Promise<void> {
    try {
      const pruned = await pruneChangeLog(this.deps.pool, this.deps.config);
      if (pruned) this.deps.log.debug({ pruned }, 'Subscriptions: change log pruned');
    } catch (error) {
      this.deps.log.warn({ err: (error as Error).message }, 'Subscriptions: pruning the change log failed');
    }
  }

  private every(ms: number, work: () => unknown): void {
    const timer = setInterval(() => void work(), ms);
    timer.unref();
    this.timers.push(timer);
  }
}

function resumeUnavailable(): GraphQLError {
  return new GraphQLError('This gateway polls for changes (change capture is not installed), so events cannot be resumed: re-query, then subscribe without `after`.', {
    extensions: { code: 'RESUME_UNAVAILABLE' },
  });
}

