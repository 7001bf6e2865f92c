// An item of an access review: one scope or role assignment, its reviewer and their decision;
// `myReviewItems` (the caller's) and `decideReviewItem`.
import { builder } from '../../builder.ts';
import type { AccessReviewItem } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { AccessScopeRef } from '../../kpis/schema/scope.ts';
import { RoleRef } from '../../kpis/schema/role.ts';
import { recordById, required } from '../../loaders.ts';
import { connectionOf, pageArgs, paginate, prismaPage, type PageArgs } from '../../pagination.ts';
import type { Context } from '../../context.ts';
import type { Prisma } from '../../db/client.ts';
import { visibleItemsWhere } from '../data.ts';
import type { ReviewItemType, ReviewOutcome } from '../policy.ts';
import { decideReviewItem } from '../service.ts';
import { AccessReviewBase, AccessReviewItemBase, ReviewItemTypeEnum, ReviewOutcomeEnum } from './refs.ts';
import { referencedMember, referencedUser } from '../../identity/members.ts';

export const AccessReviewItemRef = builder.node(AccessReviewItemBase, {
  id: { resolve: (i) => i.id },
  authScopes: { member: true },
  // By id: ADMIN and OWNER see every item, anyone else the items assigned to them.
  loadMany: (ids, ctx) => ctx.db.accessReviewItem.findMany({ where: { AND: [{ id: { in: ids } }, visibleItemsWhere(ctx.member.role, ctx.user.id)] } }),
  fields: (t) => ({
    review: t.field({ type: AccessReviewBase, resolve: (i, _a, ctx) => required(recordById.accessReview(ctx).load(i.reviewId), `access review ${i.reviewId}`) }),
    itemType: t.field({ type: ReviewItemTypeEnum, resolve: (i) => i.itemType as ReviewItemType }),
    subject: t.field({ type: UserRef, description: 'Whose access this is.', resolve: (i, _a, ctx) => referencedMember(ctx, i.subjectUserId) }),
    scope: t.field({
      type: AccessScopeRef,
      nullable: true,
      description: 'SCOPE items: the scope under review (its `active` shows whether it is still in force).',
      resolve: (i, _a, ctx) => (i.scopeId ? recordById.accessScope(ctx).load(i.scopeId) : null),
    }),
    role: t.field({
      type: RoleRef,
      nullable: true,
      description: 'ROLE_ASSIGNMENT items: the role the subject holds (or held, once revoked); FORBIDDEN for a reviewer who may not manage roles.',
      resolve: (i, _a, ctx) => (i.roleId ? recordById.customRole(ctx).load(i.roleId) : null),
    }),
    reviewer: t.field({ type: UserRef, resolve: (i, _a, ctx) => referencedMember(ctx, i.reviewerId) }),
    decision: t.field({ type: ReviewOutcomeEnum, nullable: true, description: 'Null while undecided.', resolve: (i) => i.decision as ReviewOutcome | null }),
    decidedBy: t.field({
      type: UserRef,
      nullable: true,
      description: 'Null while undecided, and when the deadline decided it.',
      resolve: (i, _a, ctx) => referencedUser(ctx, i.decidedById),
    }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    automatic: t.exposeBoolean('automatic', { description: "True when the review's default decided it at the deadline." }),
  }),
});

export const AccessReviewItemConnection = connectionOf(AccessReviewItemRef, 'AccessReviewItem');

/** One page of items, in id order. */
export function itemPage(ctx: Context, args: PageArgs, where: Prisma.AccessReviewItemWhereInput) {
  return paginate(
    ctx,
    args,
    (i: AccessReviewItem) => i.id,
    (take, after) => ctx.db.accessReviewItem.findMany({ where, orderBy: [{ id: 'asc' }], ...prismaPage(take, after) }),
    () => ctx.db.accessReviewItem.count({ where }),
  );
}

builder.queryField('myReviewItems', (t) =>
  t.field({
    type: AccessReviewItemConnection,
    description: 'The review items assigned to the caller; `undecided: true` for those still waiting; `reviewId` for one review.',
    authScopes: { member: true },
    args: { reviewId: t.arg.globalID({ for: AccessReviewBase }), undecided: t.arg.boolean(), ...pageArgs },
    resolve: (_r, args, ctx) =>
      itemPage(ctx, args, { reviewerId: ctx.user.id, ...(args.reviewId ? { reviewId: args.reviewId.id } : {}), ...(args.undecided ? { decision: null } : {}) }),
  }),
);

builder.mutationField('decideReviewItem', (t) =>
  t.field({
    type: AccessReviewItemRef,
    description:
      "Keeps or revokes an item: its reviewer, or an ADMIN or OWNER, never the member whose access it is. REVOKE takes the access away at once (as revokeAccessScope or unassignRole). CONFLICT when it was already decided or the review's deadline has passed.",
    authScopes: { can: 'reviews.decide' },
    args: { id: t.arg.globalID({ required: true, for: AccessReviewItemBase }), decision: t.arg({ type: ReviewOutcomeEnum, required: true }) },
    resolve: (_r, a, ctx) => decideReviewItem(ctx, a.id.id, a.decision),
  }),
);
