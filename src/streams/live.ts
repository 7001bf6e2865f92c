// The one shape of a live subscription, for every domain that streams events of an organization
// (approval requests, access reviews). A domain describes its stream (where its messages come from,
// which decisions of its policy.ts let a subscriber have it, and what each subscriber receives of
// a message); this module does the rest, the same way for all of them:
//
// - Authorization at subscribe time, from the domain's decisions; a refusal is refusalError(decision),
//   so the client gets the rule, the reason and the next step like any other refusal.
// - Authorization again on every event, with the subscriber's membership as the database has it
//   now (roles change and members are disabled while a socket is open): one statement per event
//   and instance (src/db/sql/members.ts) for all of an organization's subscriptions. A refusal
//   ends the stream with the decision's error, after the events already given.
// - One pub/sub subscription per organization and instance (a feed), however many members follow
//   it: what an event's decisions read is read once for every subscription.
// - Order: the feed finishes an event (re-checks, writes) before it takes the next, so every
//   subscriber gets its events in the order they were published.
// - Shared execution (shared-execution.ts): a subscription's queue can hand its events straight to
//   a group delivery, for events that declare how they are shared.
// - Resuming (for a stream whose messages are logged): a subscriber passing the cursor of the last
//   event it saw is first given, in order, every logged message since that it may have now (the
//   same eventFor, with its membership as of now), then the live stream. The subscription joins the
//   feed before the log is read, and holds what the feed brings meanwhile; after the replay it
//   passes on only messages past the last position replayed, held or arriving later (a message
//   may come through Redis after the replay read it): no gap, no duplicate.
// - Catching up (for a stream whose messages are logged, when the pub/sub goes through Redis): each
//   time this instance's subscriber connection to Redis is back, every feed reads the log after the
//   last position it passed on (or its organization's last position when it started) and passes
//   those messages on like live ones, before any message Redis brings after the reconnection:
//   nothing published by another instance while the connection was down is missed, order holds,
//   and no subscription has to resubscribe. A feed remembers the positions it passed on lately,
//   and passes none twice (Redis may still bring a message the catch-up read: a publish of this
//   instance retried after the reconnection). Not caught up: a message positioned before the last
//   one passed on whose publish was lost (two instances' publishes crossing just as the connection
//   dropped); a client that resubscribes with its cursor gets it. A feed reads its organization's last
//   position once, when it starts (only with Redis).
// - Shutdown: src/ops/streams.ts wraps every subscription's result and returns it at shutdown,
//   which returns the queue here and releases the feed's pub/sub subscription with the last one.
//
// Why a module of its own rather than yoga's pipe/filter: the per-event re-check must read the
// database once per event, not once per subscriber, and a refusal must end the stream in order;
// a map over each subscriber's own pub/sub iterator does neither. It lives in src/streams/ beside
// shared-execution.ts because it knows no domain (domains import it, not the other way round).
import { refusalError, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Clock } from '../clock.ts';
import type { SqlDriver } from '../db/client.ts';
import { currentMemberships, type CurrentMembership } from '../db/sql/members.ts';
import { DELIVER_DIRECTLY, type DirectDelivery, type DirectSource } from './shared-execution.ts';

/** Who follows a stream, with the role they were last authorized with. */
export interface LiveSubscriber {
  organizationId: string;
  userId: string;
  role: OrgRole;
  /**
   * Told the subscriber's role as it is now, whenever it differs from the one they were last
   * authorized with, before the event is passed on: the subscription's resolvers then read it
   * (the operation's context follows it), not the role at subscribe time.
   */
  onRole?: (role: OrgRole) => void;
  /**
   * When the subscriber's session ends by time (its token's expiry): an event offered at or after
   * it ends the stream with `error()` instead, whatever timer was to end it.
   */
  until?: { at: Date; error(): unknown };
}

/** What a stream needs of the process (Services has it). */
export interface LiveOwner {
  sql: SqlDriver;
  /** Domain time, which a subscriber's `until` is compared with. */
  clock: Clock;
  /** The pub/sub's reconnections (through Redis); absent or null when messages cannot be missed. */
  onPubSubReconnect?: ((listener: (subscribed: Promise<void>) => void) => () => void) | null;
}

/**
 * A domain's stream. `Wants` is what one subscription asked for (arguments); `Facts` what every
 * subscriber's share of one message is decided from, read once per message and instance.
 */
export interface LiveStreamDefinition<Owner extends LiveOwner, Message, Wants, Facts, Event> {
  /** The organization's messages through the process's pub/sub (in memory, or Redis across instances). */
  messages(owner: Owner, organizationId: string): AsyncIterableIterator<Message>;
  /** The domain policy's decision on a membership in this status: refused, the stream ends (or never starts). */
  membershipDecision(status: string, role: OrgRole): Decision;
  /**
   * The domain policy's decision on following the stream with the subscriber's role, at subscribe
   * time and again at the first event after their role changed; null when the role does not matter.
   */
  roleDecision(owner: Owner, subscriber: LiveSubscriber, wants: Wants): Decision | Promise<Decision> | null;
  factsOf(owner: Owner, organizationId: string, message: Message): Facts | Promise<Facts>;
  /** What this subscriber receives of the message (by the domain's policy), or null for nothing. */
  eventFor(subscriber: LiveSubscriber, wants: Wants, message: Message, facts: Facts): Event | null;
  /** Resuming after a cursor, for a stream whose messages are logged. */
  resume?: LiveResume<Owner, Message>;
}

export interface LiveResume<Owner, Message> {
  /** The position after which to replay; throws the domain's refusal (nothing is sent then). */
  start(owner: Owner, subscriber: LiveSubscriber, cursor: string): Promise<number>;
  /** The organization's logged messages after a position, in order. */
  messagesAfter(owner: Owner, organizationId: string, position: number): AsyncIterable<Message>;
  /** A message's position in the log; null for a message that is not logged (passed on as it comes). */
  positionOf(message: Message): number | null;
  /** The organization's last logged position (0 for none): where a new feed starts catching up from. */
  latestPosition(owner: Owner, organizationId: string): Promise<number>;
}

/**
 * One subscription's events, in order: a small queue the feed pushes to and graphql-js pulls from,
 * or, while a direct delivery takes them (shared-execution.ts), handed to it instead.
 */
class LiveQueue<Event> implements AsyncIterableIterator<Event>, DirectSource {
  private items: Event[] = [];
  private waiting: { resolve: (r: IteratorResult<Event>) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private done = false;
  private direct: DirectDelivery | null = null;
  private readonly handBack = (event: unknown) => {
    this.direct = null;
    this.enqueue(event as Event);
  };
  constructor(private readonly onEnd: () => void) {}

  /** Returned or failed: nothing more is passed on. */
  get ended() {
    return this.done || this.failure !== null;
  }

  [DELIVER_DIRECTLY](deliver: DirectDelivery) {
    this.direct = deliver;
  }

  /** Passes the event on; a promise while a direct delivery is writing it. */
  push(event: Event): Promise<void> | void {
    if (this.done || this.failure) return;
    if (this.direct) {
      const sent = this.direct(event, this.handBack);
      if (sent) return sent;
      this.direct = null;
    }
    this.enqueue(event);
  }

  private enqueue(event: Event) {
    if (this.done) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ done: false, value: event });
    } else this.items.push(event);
  }

  /** Ends the stream with an error, after the events already queued. */
  fail(error: unknown) {
    if (this.done || this.failure) return;
    this.failure = error;
    this.onEnd();
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = null;
      this.done = true;
      reject(error);
    }
  }

  next(): Promise<IteratorResult<Event>> {
    if (this.items.length) return Promise.resolve({ done: false, value: this.items.shift()! });
    if (this.failure) {
      this.done = true;
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Event>> {
    if (!this.done) {
      this.done = true;
      this.items = [];
      this.onEnd();
      this.waiting?.resolve({ done: true, value: undefined });
      this.waiting = null;
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<Event>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

interface Subscription<Wants, Event> {
  subscriber: LiveSubscriber;
  wants: Wants;
  queue: LiveQueue<Event>;
  /** While a resumed subscription replays the log: what the feed gave it meanwhile, with positions. */
  held: { event: Event; position: number | null }[] | null;
  /**
   * A resumed subscription's last position replayed: a live message at or before it was given
   * already (or was before the cursor), however late it comes (through Redis, after the replay).
   */
  replayedTo: number | null;
}

/** How many positions a feed remembers having passed on, so that none is passed twice after a catch-up. */
const REMEMBERED_POSITIONS = 10_000;

/** An organization's subscriptions to one stream on this instance, fed by one pub/sub subscription. */
class OrganizationFeed<Owner extends LiveOwner, Message, Wants, Facts, Event> {
  readonly subscriptions = new Set<Subscription<Wants, Event>>();
  private readonly source: AsyncIterableIterator<Message>;
  stopped = false;
  /** One message, or one catch-up, at a time: each finishes before the next starts. */
  private tail: Promise<void> = Promise.resolve();
  /** The last position passed on (or the log's last when the feed started); null until known. */
  private seenTo: number | null = null;
  /** The log's last position read when the feed started (catch-ups wait for it). */
  private started: Promise<void> = Promise.resolve();
  /** Positions passed on lately, oldest first. */
  private readonly passed = new Set<number>();
  private readonly stopCatchingUp: (() => void) | null = null;

  constructor(
    private readonly definition: LiveStreamDefinition<Owner, Message, Wants, Facts, Event>,
    private readonly owner: Owner,
    private readonly organizationId: string,
    private readonly onStop: () => void,
  ) {
    this.source = definition.messages(owner, organizationId);
    const { resume } = definition;
    if (resume && owner.onPubSubReconnect) {
      // Caught up to the log's end at the start: a catch-up reads what was logged after it.
      this.started = resume.latestPosition(owner, organizationId).then(
        (head) => void (this.seenTo = Math.max(this.seenTo ?? 0, head)),
        () => {}, // unknown: a catch-up starts from the first message passed on, if any
      );
      // Queued at once: what Redis brings from now on waits until the catch-up has been passed on.
      this.stopCatchingUp = owner.onPubSubReconnect((subscribed) => void this.serially(() => this.catchUp(resume, subscribed)));
    }
    void this.run();
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.tail.then(work);
    this.tail = next.catch(() => {});
    return next;
  }

  private async run() {
    try {
      for await (const message of this.source) await this.serially(() => this.deliver(message));
    } catch (error) {
      for (const s of this.subscriptions) s.queue.fail(error);
    }
  }

  /** The log's messages after the last position passed on, each like a live one. */
  private async catchUp(resume: LiveResume<Owner, Message>, subscribed: Promise<void>) {
    // Read once the channels are subscribed again: what commits later arrives live.
    await subscribed;
    if (this.stopped || !this.subscriptions.size) return;
    try {
      await this.started;
      const from = this.seenTo;
      if (from === null) return;
      for await (const message of resume.messagesAfter(this.owner, this.organizationId, from)) {
        if (this.stopped) return;
        await this.deliver(message);
      }
    } catch (error) {
      // The log unreadable: the subscriptions end with the error; their clients resume by cursor.
      for (const s of this.subscriptions) s.queue.fail(error);
    }
  }

  /** False for a message passed on already (by a catch-up, or live before it); remembers it otherwise. */
  private firstTime(message: Message): boolean {
    const position = this.definition.resume?.positionOf(message) ?? null;
    if (position === null || !this.stopCatchingUp) return true;
    if (this.passed.has(position)) return false;
    this.passed.add(position);
    if (this.passed.size > REMEMBERED_POSITIONS) this.passed.delete(this.passed.values().next().value!);
    this.seenTo = Math.max(this.seenTo ?? position, position);
    return true;
  }

  private async deliver(message: Message) {
    if (!this.subscriptions.size || !this.firstTime(message)) return;
    let members: Map<string, CurrentMembership>;
    let facts: Facts;
    try {
      [members, facts] = await Promise.all([
        currentMemberships(this.owner.sql, this.organizationId),
        this.definition.factsOf(this.owner, this.organizationId, message),
      ]);
    } catch (error) {
      for (const s of this.subscriptions) s.queue.fail(error);
      return;
    }
    // Mostly synchronous; what is not (a re-check of a changed role, a group's shared result being
    // written) finishes before the next message, which keeps every subscriber's events in order.
    const unfinished = new Set<Promise<void>>();
    for (const s of this.subscriptions) {
      const offered = this.offer(s, members.get(s.subscriber.userId), message, facts);
      if (offered) unfinished.add(offered);
    }
    if (unfinished.size) await Promise.all(unfinished);
  }

  /** Passes the message on if the subscriber, as they are now, may have it; a promise while that is under way. */
  private offer(s: Subscription<Wants, Event>, now: CurrentMembership | undefined, message: Message, facts: Facts): Promise<void> | void {
    // No membership row at all (removed from the organization): status NONE, which no policy admits.
    const standing = this.definition.membershipDecision(now?.status ?? 'NONE', now?.role ?? s.subscriber.role);
    if (!standing.allowed) return s.queue.fail(refusalError(standing));
    const { until } = s.subscriber;
    if (until && this.owner.clock.now().getTime() >= until.at.getTime()) return s.queue.fail(until.error());
    if (!now) return;
    if (now.role !== s.subscriber.role) {
      s.subscriber = { ...s.subscriber, role: now.role };
      s.subscriber.onRole?.(now.role);
      const decision = this.definition.roleDecision(this.owner, s.subscriber, s.wants);
      if (decision instanceof Promise)
        return decision.then(
          (d) => (d.allowed ? this.pass(s, message, facts) : s.queue.fail(refusalError(d))),
          (error) => s.queue.fail(error),
        );
      if (decision && !decision.allowed) return s.queue.fail(refusalError(decision));
    }
    return this.pass(s, message, facts);
  }

  private pass(s: Subscription<Wants, Event>, message: Message, facts: Facts): Promise<void> | void {
    const event = this.definition.eventFor(s.subscriber, s.wants, message, facts);
    if (event === null) return;
    const position = s.replayedTo === null ? null : (this.definition.resume?.positionOf(message) ?? null);
    if (position !== null && position <= s.replayedTo!) return;
    if (s.held) s.held.push({ event, position });
    else return s.queue.push(event);
  }

  remove(s: Subscription<Wants, Event>) {
    this.subscriptions.delete(s);
    if (!this.subscriptions.size && !this.stopped) {
      this.stopped = true;
      this.stopCatchingUp?.();
      this.onStop();
      void this.source.return?.();
    }
  }
}

export interface LiveStream<Owner extends LiveOwner, Wants, Event> {
  /**
   * The event stream of one subscription; throws the decision's error at once when the domain's
   * policy refuses the subscriber (`status`: their membership's, as the request found it).
   */
  open(owner: Owner, subscriber: LiveSubscriber & { status: string }, wants: Wants, after?: string | null): Promise<AsyncIterableIterator<Event>>;
}

/** A domain's stream, with its feeds (one per organization and process). */
export function liveStream<Owner extends LiveOwner, Message, Wants, Facts, Event>(
  definition: LiveStreamDefinition<Owner, Message, Wants, Facts, Event>,
): LiveStream<Owner, Wants, Event> {
  type Feed = OrganizationFeed<Owner, Message, Wants, Facts, Event>;
  // By owner: tests run several apps (and pub/subs) in one process.
  const feeds = new WeakMap<Owner, Map<string, Feed>>();

  function feedOf(owner: Owner, organizationId: string): Feed {
    let byOrganization = feeds.get(owner);
    if (!byOrganization) feeds.set(owner, (byOrganization = new Map()));
    let feed = byOrganization.get(organizationId);
    if (!feed || feed.stopped) {
      const created: Feed = new OrganizationFeed(definition, owner, organizationId, () => {
        if (byOrganization.get(organizationId) === created) byOrganization.delete(organizationId);
      });
      byOrganization.set(organizationId, (feed = created));
    }
    return feed;
  }

  /** Gives a resumed subscription the logged messages after `from`, then what its feed held meanwhile. */
  async function replay(owner: Owner, s: Subscription<Wants, Event>, resume: LiveResume<Owner, Message>) {
    try {
      for await (const message of resume.messagesAfter(owner, s.subscriber.organizationId, s.replayedTo!)) {
        if (s.queue.ended) return;
        const facts = await definition.factsOf(owner, s.subscriber.organizationId, message);
        s.replayedTo = resume.positionOf(message) ?? s.replayedTo;
        const event = definition.eventFor(s.subscriber, s.wants, message, facts);
        if (event !== null) await s.queue.push(event);
      }
    } catch (error) {
      s.queue.fail(error);
      return;
    }
    // The feed may add to `held` while a push is written; drained to the end before it lets go.
    const held = s.held!;
    while (held.length) {
      const { event, position } = held.shift()!;
      if (position === null || position > s.replayedTo!) await s.queue.push(event);
    }
    s.held = null;
  }

  return {
    async open(owner, { status, ...subscriber }, wants, after) {
      const standing = definition.membershipDecision(status, subscriber.role);
      if (!standing.allowed) throw refusalError(standing);
      const byRole = await definition.roleDecision(owner, subscriber, wants);
      if (byRole && !byRole.allowed) throw refusalError(byRole);
      const resume = after != null ? definition.resume : undefined;
      if (after != null && !resume) throw new Error('this stream is not logged: it cannot resume after a cursor');
      const from = resume ? await resume.start(owner, subscriber, after!) : null;
      const feed = feedOf(owner, subscriber.organizationId);
      const subscription: Subscription<Wants, Event> = {
        subscriber,
        wants,
        queue: new LiveQueue<Event>(() => feed.remove(subscription)),
        held: from === null ? null : [],
        replayedTo: from,
      };
      // Joins the feed before the log is read: what commits meanwhile is held, not missed.
      feed.subscriptions.add(subscription);
      if (resume && from !== null) void replay(owner, subscription, resume);
      return subscription.queue;
    },
  };
}
