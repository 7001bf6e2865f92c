// Live approval events (approvalEvents, myApprovalUpdates), in the one stream shape of
// src/streams/live.ts: refused and re-checked per event with this domain's policy (an active
// membership; for approvalEvents, something to decide), one feed per organization and instance.
// What is particular to approvals: the kind's delegated approvers, read once per event, and an
// event object that is one per instance and declares how its execution may be shared
// (src/streams/shared-execution.ts): subscribers with the same role and the same relation to the
// request see the same result, computed once, and over graphql-ws also serialised once and
// written to their sockets straight from the feed.
import { Repeater } from 'graphql-yoga';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { liveSubscriberOf } from '../identity/sessions.ts';
import type { MembershipChange } from '../identity/events.ts';
import type { Services } from '../services.ts';
import { liveStream } from '../streams/live.ts';
import { SHARED_EXECUTION, useSharedExecution, type SharedExecution } from '../streams/shared-execution.ts';
import { mayDecideAnything } from './core.ts';
import { encodeCursor, eventsAfter, latestPosition, resumePosition } from './event-log.ts';
import { revive, type ApprovalEventShape, type ApprovalMessage } from './events.ts';
import type { ApprovalKind } from './kinds.ts';
import { liveMembershipDecision, receivesEvent, subscribeDecision } from './policy.ts';

/**
 * The fields of an event whose resolvers read only the event and what the key (`keyOf` below) tells
 * apart (the subscriber's organization and role, and whether they requested or decided the
 * request: requestedBy, decidedBy and proposedChanges depend on those). An operation selecting
 * anything else (votes, for example) executes per subscriber.
 */
export const SHAREABLE_FIELDS: ReadonlySet<string> = new Set([
  'ApprovalEvent.type',
  'ApprovalEvent.at',
  'ApprovalEvent.cursor',
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

/**
 * What the key reads of a subscriber's context: the organization and user, which a subscription
 * keeps, and the role as it is at this event (the feed updates the context's when it changes).
 */
function viewerOf(ctx: Context): { organizationId: string; role: OrgRole; userId: string } {
  const { organizationId, role } = ctx.caller.membership!;
  return { organizationId, role, userId: ctx.caller.user!.id };
}

/** What a feed hears: its organization's approval events, and identity's membership changes (which re-check rights). */
type FeedMessage = ApprovalMessage | MembershipChange;

function sharedShape(message: ApprovalMessage): ApprovalEventShape {
  const request = revive(message.request);
  const share: SharedExecution = {
    fields: SHAREABLE_FIELDS,
    keyOf: (context) => {
      const { organizationId, role, userId } = viewerOf(context as Context);
      return `${organizationId}:${role}:${userId === request.requestedById ? 'requester' : ''}:${userId === request.decidedById ? 'decider' : ''}`;
    },
  };
  const cursor = encodeCursor(request.organizationId, message.position);
  return Object.assign({ type: message.type, at: new Date(message.at), cursor, request }, { [SHARED_EXECUTION]: share });
}

interface Wants {
  /** myApprovalUpdates (the subscriber's own requests) rather than approvalEvents. */
  mine: boolean;
  wanted: ReadonlySet<ApprovalKind> | null;
}

/** What every subscription's share of one message is decided from, read once per message and instance. */
interface Facts {
  /** Delegated approvers of the event's request (kinds whose cell is `limited`). */
  delegates: ReadonlySet<string>;
  /** The event, one object per instance (shared execution groups by it); null for MEMBERSHIP. */
  shape: ApprovalEventShape | null;
}

const approvalEvents = liveStream<Services, FeedMessage, Wants, Facts, ApprovalEventShape>({
  messages: (services, organizationId) =>
    Repeater.merge([services.pubsub.subscribe('approval:event', organizationId), services.pubsub.subscribe('membership:event', organizationId)]),
  membershipDecision: liveMembershipDecision,
  // Following one's own requests needs no role; approvalEvents needs something to decide.
  roleDecision: (services, s, wants) =>
    wants.mine ? null : mayDecideAnything(services, services.system, s.role, s.userId, s.organizationId).then((may) => subscribeDecision(s.role, may)),
  async factsOf(services, _organizationId, message) {
    // A MEMBERSHIP message only makes every subscription re-check its subscriber.
    if (message.type === 'MEMBERSHIP') return { delegates: new Set(), shape: null };
    let delegates = new Set<string>();
    const handler = services.approvals.get(message.request.kind);
    if (handler?.extraDeciders) {
      // Events carry no payload: the kind reads the stored request.
      const stored = await services.system.approvalRequest.findUnique({ where: { id: message.request.id } });
      if (stored) delegates = new Set(await handler.extraDeciders(services.system, stored));
    }
    return { delegates, shape: sharedShape(message) };
  },
  eventFor(s, wants, message, { delegates, shape }) {
    if (message.type === 'MEMBERSHIP' || !shape) return null;
    const { request } = message;
    const receives = wants.mine
      ? request.requestedById === s.userId && message.type !== 'REQUESTED'
      : // A scope's coming end is news for its holder only.
        message.type !== 'SCOPE_EXPIRING' &&
        receivesEvent({ kind: request.kind, role: s.role, userId: s.userId, requestedById: request.requestedById, delegated: delegates.has(s.userId), wanted: wants.wanted });
    return receives ? shape : null;
  },
  // Resuming after a cursor: the organization's event log (event-log.ts), checked before anything is
  // sent. The same log lets every feed catch up when this instance's Redis connection is back.
  resume: {
    start: (services, s, cursor) => resumePosition(services, s.organizationId, cursor),
    messagesAfter: (services, organizationId, position) => eventsAfter(services.system, organizationId, position),
    positionOf: (message) => (message.type === 'MEMBERSHIP' ? null : message.position),
    latestPosition: (services, organizationId) => latestPosition(services.system, organizationId),
  },
});

interface StreamOptions {
  /** approvalEvents: the kinds wanted (all when empty). myApprovalUpdates: null. */
  kinds: readonly ApprovalKind[] | null;
  /** The cursor of the last event the subscriber saw: the events since come first. */
  after?: string | null;
}

/** The event stream of one subscription; refused at once when the caller may receive nothing. */
export function approvalStream(ctx: Context, { kinds, after }: StreamOptions): Promise<AsyncIterableIterator<ApprovalEventShape>> {
  const wants = { mine: kinds === null, wanted: kinds?.length ? new Set(kinds) : null };
  return approvalEvents.open(ctx.services, liveSubscriberOf(ctx), wants, after);
}

/** The envelop plugin that shares the execution of approval events (registered by src/app.ts). */
export const useApprovalEventSharing = () => useSharedExecution(new Set(['approvalEvents', 'myApprovalUpdates']));
