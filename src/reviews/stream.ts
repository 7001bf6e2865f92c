// Live access review events. Each subscription passes on what its subscriber may follow (ADMIN and
// OWNER: every review; a reviewer: the opening and closing of their reviews and the decisions on
// their items), re-reading their membership for every event: a subscriber who is disabled or
// leaves gets FORBIDDEN and the stream ends.
import { filter, map, pipe } from 'graphql-yoga';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { forbidden } from '../errors.ts';
import type { ReviewEventShape, ReviewMessage } from './events.ts';
import { receivesReviewEvent, seesReviewItem } from './policy.ts';

const revoked = () =>
  forbidden('Your membership in this organization is no longer active, so this subscription has ended.', 'membership.inactive');

/** The event stream of one subscription, optionally narrowed to one review (already checked visible). */
export function reviewStream(ctx: Context, reviewId: string | null) {
  const { services } = ctx;
  const { organizationId } = ctx.member;
  const userId = ctx.user.id;
  const source = services.pubsub.subscribe('review:event', organizationId);
  return pipe(
    source,
    map(async (message: ReviewMessage): Promise<ReviewEventShape | null> => {
      if (reviewId && message.reviewId !== reviewId) return null;
      const me = await services.system.membership.findUnique({
        where: { organizationId_userId: { organizationId, userId } },
        select: { role: true, status: true },
      });
      if (!me || me.status !== 'ACTIVE') throw revoked();
      const role = me.role as OrgRole;
      if (!receivesReviewEvent({ role, userId, itemReviewerId: message.itemReviewerId, reviewerIds: message.reviewerIds })) return null;
      const itemVisible = message.itemId !== null && seesReviewItem(role, userId, message.itemReviewerId ?? '');
      return { type: message.type, at: new Date(message.at), reviewId: message.reviewId, itemId: itemVisible ? message.itemId : null };
    }),
    filter((event: ReviewEventShape | null): event is ReviewEventShape => event !== null),
  );
}
