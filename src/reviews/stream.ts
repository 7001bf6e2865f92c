// Live access review events (accessReviewEvents), in the one stream shape of src/streams/live.ts:
// followed by every active member and re-checked on every event with this domain's policy (the
// membership as it is then, followReviewsDecision); each subscriber receives what they may follow
// (ADMIN and OWNER: every review; a reviewer: the opening and closing of their reviews and the
// decisions on their items), the item only where they may see it.
import type { Context } from '../context.ts';
import { liveSubscriberOf } from '../identity/sessions.ts';
import type { Services } from '../services.ts';
import { liveStream } from '../streams/live.ts';
import type { ReviewEventShape, ReviewMessage } from './events.ts';
import { followReviewsDecision, receivesReviewEvent, seesReviewItem } from './policy.ts';

interface Wants {
  /** One review (already checked visible), or every review the subscriber may follow. */
  reviewId: string | null;
}

const reviewEvents = liveStream<Services, ReviewMessage, Wants, null, ReviewEventShape>({
  messages: (services, organizationId) => services.pubsub.subscribe('review:event', organizationId),
  membershipDecision: followReviewsDecision,
  // What a role follows is decided per event (receivesReviewEvent); no role is refused the stream.
  roleDecision: () => null,
  factsOf: () => null,
  eventFor(s, { reviewId }, message) {
    if (reviewId && message.reviewId !== reviewId) return null;
    if (!receivesReviewEvent({ role: s.role, userId: s.userId, itemReviewerId: message.itemReviewerId, reviewerIds: message.reviewerIds })) return null;
    const itemVisible = message.itemId !== null && seesReviewItem(s.role, s.userId, message.itemReviewerId ?? '');
    return { type: message.type, at: new Date(message.at), reviewId: message.reviewId, itemId: itemVisible ? message.itemId : null };
  },
});

/** The event stream of one subscription, optionally narrowed to one review (already checked visible). */
export function reviewStream(ctx: Context, reviewId: string | null): Promise<AsyncIterableIterator<ReviewEventShape>> {
  return reviewEvents.open(ctx.services, liveSubscriberOf(ctx), { reviewId });
}
