// Live approval events. Each instance listens to an organization's events once (in memory, or
// through Redis), however many of its members subscribe: one feed per organization holds the
// subscriptions. For every event the feed reads the audience once (the organization's current
// memberships in one statement, and the kind's delegated approvers) and decides for each
// subscription, from that shared state, whether its subscriber may decide the request
// (approvalEvents) or requested it (myApprovalUpdates); a subscriber whose membership is disabled,
// or who may decide nothing any more, gets FORBIDDEN and the stream ends. The event object is one
// per instance, and declares how its execution may be shared (shared-execution.ts): subscribers
// with the same role and the same relation to the request see the same result, computed once,
// and over graphql-ws also serialised once and written to their sockets from here. The feed
// finishes an event (re-checks of rights, writes) before it takes the next, so every subscriber
// gets its events in order whichever way they go.
import { Repeater } from 'graphql-yoga';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { refusalError } from '../authz/decision.ts';
import type { MembershipChange } from '../identity/events.ts';
import type { Services } from '../services.ts';
import { mayDecideAnything } from './core.ts';
import { revive, type ApprovalEventShape, type ApprovalMessage } from './events.ts';
import type { ApprovalKind } from './kinds.ts';
import { liveMembershipDecision, receivesEvent, subscribeDecision } from './policy.ts';
import { DELIVER_DIRECTLY, SHARED_EXECUTION, useSharedExecution, type DirectDelivery, type DirectSource, type SharedExecution } from './shared-execution.ts';

/** What a feed hears: its organization's approval events, and identity's membership changes (which re-check rights). */
type FeedMessage = ApprovalMessage | MembershipChange;

interface Audience {
  members: Map<string, { role: OrgRole; status: string }>;
  /** Delegated approvers of the event's request (kinds whose cell is `limited`). */
  delegates: Set<string>;
}

/** The audience of one event, read once per instance for all its subscriptions. */
async function audienceOf(services: Services, organizationId: string, message: FeedMessage): Promise<Audience> {
  // Through the driver: ten thousand membership rows through Prisma cost tens of milliseconds.
  const rows = await services.sql.all<{ userId: string; role: OrgRole; status: string }>(
    'SELECT "userId", "role", "status" FROM "Membership" WHERE "organizationId" = ?',
    [organizationId],
  );
  const members = new Map(rows.map((m) => [m.userId, { role: m.role, status: m.status }]));
  let delegates = new Set<string>();
  if (message.type !== 'MEMBERSHIP') {
    const handler = services.approvals.get(message.request.kind);
    if (handler?.extraDeciders) {
      // Events carry no payload: the kind reads the stored request.
      const stored = await services.system.approvalRequest.findUnique({ where: { id: message.request.id } });
      if (stored) delegates = new Set(await handler.extraDeciders(services.system, stored));
    }
  }
  return { members, delegates };
}

const revoked = () => refusalError(liveMembershipDecision('INACTIVE'));
const nothingToDecide = (role: OrgRole) => refusalError(subscribeDecision(role, false));

/**
 * The fields of an event whose resolvers read only the event and what `eventAudienceKey` tells
 * apart (the subscriber's organization and role, and whether they requested or decided the
 * request: requestedBy, decidedBy and proposedChanges depend on those). An operation selecting
 * anything else (votes, for example) executes per subscriber.
 */
const SHAREABLE_FIELDS: ReadonlySet<string> = new Set([
  'ApprovalEvent.type',
  'ApprovalEvent.at',
  'ApprovalEvent.request',
  ...['id', 'kind', 'status', 'summary', 'createdAt', 'decidedAt', 'justification', 'reason', 'scopeValue', 'startsAt', 'endsAt', 'piiAction', 'targetType', 'targetId'].map(
    (f) => `ApprovalRequest.${f}`,
  ),
  'ApprovalRequest.requestedBy',
  'ApprovalRequest.decidedBy',
  'ApprovalRequest.proposedChanges',
  'User.id',
  'User.email',
  'User.displayName',
]);

/** What the key reads of a subscriber's context, once per subscription rather than per event. */
const viewers = new WeakMap<Context, { organizationId: string; role: OrgRole; userId: string }>();
function viewerOf(ctx: Context) {
  let viewer = viewers.get(ctx);
  if (!viewer) viewers.set(ctx, (viewer = { organizationId: ctx.member.organizationId, role: ctx.member.role, userId: ctx.user.id }));
  return viewer;
}

function sharedShape(message: ApprovalMessage): ApprovalEventShape {
  const request = revive(message.request);
  const share: SharedExecution = {
    fields: SHAREABLE_FIELDS,
    keyOf: (context) => {
      const { organizationId, role, userId } = viewerOf(context as Context);
      return `${organizationId}:${role}:${userId === request.requestedById ? 'requester' : ''}:${userId === request.decidedById ? 'decider' : ''}`;
    },
  };
  return Object.assign({ type: message.type, at: new Date(message.at), request }, { [SHARED_EXECUTION]: share });
}

/**
 * One subscription's events, in order: a small queue the feed pushes to and graphql-js pulls from,
 * or, while a direct delivery takes them (shared-execution.ts), handed to it instead.
 */
class EventQueue implements AsyncIterableIterator<ApprovalEventShape>, DirectSource {
  private items: ApprovalEventShape[] = [];
  private waiting: { resolve: (r: IteratorResult<ApprovalEventShape>) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private done = false;
  private direct: DirectDelivery | null = null;
  private readonly handBack = (event: unknown) => {
    this.direct = null;
    this.enqueue(event as ApprovalEventShape);
  };
  constructor(private readonly onEnd: () => void) {}

  [DELIVER_DIRECTLY](deliver: DirectDelivery) {
    this.direct = deliver;
  }

  /** Passes the event on; a promise while a direct delivery is writing it. */
  push(event: ApprovalEventShape): Promise<void> | void {
    if (this.done || this.failure) return;
    if (this.direct) {
      const sent = this.direct(event, this.handBack);
      if (sent) return sent;
      this.direct = null;
    }
    this.enqueue(event);
  }

  private enqueue(event: ApprovalEventShape) {
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

  next(): Promise<IteratorResult<ApprovalEventShape>> {
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

  return(): Promise<IteratorResult<ApprovalEventShape>> {
    if (!this.done) {
      this.done = true;
      this.items = [];
      this.onEnd();
      this.waiting?.resolve({ done: true, value: undefined });
      this.waiting = null;
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<ApprovalEventShape>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

interface Subscription {
  userId: string;
  /** myApprovalUpdates (the subscriber's own requests) rather than approvalEvents. */
  mine: boolean;
  wanted: ReadonlySet<ApprovalKind> | null;
  /** The role the subscription was last checked with. */
  role: OrgRole;
  queue: EventQueue;
}

/** An organization's subscriptions on this instance, fed by one pub/sub subscription. */
class OrganizationFeed {
  readonly subscriptions = new Set<Subscription>();
  private readonly source;
  stopped = false;

  constructor(
    private readonly services: Services,
    private readonly organizationId: string,
    private readonly onStop: () => void,
  ) {
    this.source = Repeater.merge([services.pubsub.subscribe('approval:event', organizationId), services.pubsub.subscribe('membership:event', organizationId)]);
    void this.run();
  }

  private async run() {
    try {
      for await (const message of this.source) await this.deliver(message);
    } catch (error) {
      for (const s of this.subscriptions) s.queue.fail(error);
    }
  }

  private async deliver(message: FeedMessage) {
    if (!this.subscriptions.size) return;
    let audience: Audience;
    try {
      audience = await audienceOf(this.services, this.organizationId, message);
    } catch (error) {
      for (const s of this.subscriptions) s.queue.fail(error);
      return;
    }
    const shape = message.type === 'MEMBERSHIP' ? null : sharedShape(message);
    // Mostly synchronous; what is not (a re-check of rights, a group's shared result being
    // written) finishes before the next event, which keeps every subscriber's events in order.
    const unfinished = new Set<Promise<void>>();
    for (const s of this.subscriptions) {
      const offered = this.offer(s, message, audience, shape);
      if (offered) unfinished.add(offered);
    }
    if (unfinished.size) await Promise.all(unfinished);
  }

  /** Passes the event on if the subscriber may have it; a promise while that is under way (re-check, write). */
  private offer(s: Subscription, message: FeedMessage, audience: Audience, shape: ApprovalEventShape | null): Promise<void> | void {
    const me = audience.members.get(s.userId);
    if (!me || me.status !== 'ACTIVE') return s.queue.fail(revoked());
    if (me.role !== s.role) {
      s.role = me.role;
      if (!s.mine)
        return mayDecideAnything(this.services, this.services.system, s.role, s.userId, this.organizationId).then(
          (may) => (may ? this.pass(s, message, audience, shape) : s.queue.fail(nothingToDecide(s.role))),
          (error) => s.queue.fail(error),
        );
    }
    return this.pass(s, message, audience, shape);
  }

  private pass(s: Subscription, message: FeedMessage, audience: Audience, shape: ApprovalEventShape | null): Promise<void> | void {
    if (message.type === 'MEMBERSHIP' || !shape) return;
    const { request } = message;
    const receives = s.mine
      ? request.requestedById === s.userId && message.type !== 'REQUESTED'
      : // A scope's coming end is news for its holder only.
        message.type !== 'SCOPE_EXPIRING' &&
        receivesEvent({ kind: request.kind, role: s.role, userId: s.userId, requestedById: request.requestedById, delegated: audience.delegates.has(s.userId), wanted: s.wanted });
    if (receives) return s.queue.push(shape);
  }

  remove(s: Subscription) {
    this.subscriptions.delete(s);
    if (!this.subscriptions.size && !this.stopped) {
      this.stopped = true;
      this.onStop();
      void this.source.return?.();
    }
  }
}

const feeds = new WeakMap<Services, Map<string, OrganizationFeed>>();

function feedOf(services: Services, organizationId: string): OrganizationFeed {
  let byOrganization = feeds.get(services);
  if (!byOrganization) feeds.set(services, (byOrganization = new Map()));
  let feed = byOrganization.get(organizationId);
  if (!feed || feed.stopped) {
    const created: OrganizationFeed = new OrganizationFeed(services, organizationId, () => {
      if (byOrganization.get(organizationId) === created) byOrganization.delete(organizationId);
    });
    byOrganization.set(organizationId, (feed = created));
  }
  return feed;
}

interface StreamOptions {
  /** approvalEvents: the kinds wanted (all when empty). myApprovalUpdates: null. */
  kinds: readonly ApprovalKind[] | null;
}

/** The event stream of one subscription; throws FORBIDDEN at once when the caller may receive nothing. */
export async function approvalStream(ctx: Context, options: StreamOptions): Promise<AsyncIterableIterator<ApprovalEventShape>> {
  const { services } = ctx;
  const { organizationId, role } = ctx.member;
  const userId = ctx.user.id;
  const mine = options.kinds === null;
  if (!mine && !(await mayDecideAnything(services, services.system, role, userId, organizationId))) throw nothingToDecide(role);
  const feed = feedOf(services, organizationId);
  const subscription: Subscription = {
    userId,
    mine,
    wanted: options.kinds?.length ? new Set(options.kinds) : null,
    role,
    queue: new EventQueue(() => feed.remove(subscription)),
  };
  feed.subscriptions.add(subscription);
  return subscription.queue;
}

/** The envelop plugin that shares the execution of approval events (registered by src/yoga.ts). */
export const useApprovalEventSharing = () => useSharedExecution(new Set(['approvalEvents', 'myApprovalUpdates']));
