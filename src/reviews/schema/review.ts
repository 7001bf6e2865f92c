// Access reviews: the type with its progress and items, the list and one by id, opening one, and
// the live events of their progress.
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import type { AccessReview } from '../../db/client.ts';
import { notFound } from '../../errors.ts';
import { UserRef } from '../../identity/schema.ts';
import { DimensionRef } from '../../kpis/schema/dimension.ts';
import { KpiRef } from '../../kpis/schema/kpi.ts';
import { dimensionByKey, recordById, requestLoader, required } from '../../loaders.ts';
import { connectionOf, pageArgs, paginate, prismaPage } from '../../pagination.ts';
import { progressByReviewer, progressOf, visibleItemsWhere, visibleReviewsWhere, type ReviewerProgress, type ReviewProgress } from '../data.ts';
import { REVIEW_EVENT_TYPES, type ReviewEventShape } from '../events.ts';
import { type ReviewCoverage, type ReviewOutcome, type ReviewStatus } from '../policy.ts';
import { openAccessReview, reviewGlobalId } from '../service.ts';
import { reviewStream } from '../stream.ts';
import { AccessReviewItemConnection, AccessReviewItemRef, itemPage } from './item.ts';
import { AccessReviewBase, ReviewCoverageEnum, ReviewOutcomeEnum, ReviewStatusEnum } from './refs.ts';
import { referencedMember } from '../../identity/members.ts';

const ReviewProgressRef = builder.objectRef<ReviewProgress>('AccessReviewProgress').implement({
  description: "Counts of the review's items by decision.",
  fields: (t) => ({
    total: t.exposeInt('total'),
    undecided: t.exposeInt('undecided'),
    kept: t.exposeInt('kept', { description: 'Kept by a reviewer.' }),
    revoked: t.exposeInt('revoked', { description: 'Revoked by a reviewer.' }),
    keptByDefault: t.exposeInt('keptByDefault', { description: "Kept at the deadline, by the review's default." }),
    revokedByDefault: t.exposeInt('revokedByDefault', { description: "Revoked at the deadline, by the review's default." }),
  }),
});

const ReviewerProgressRef = builder.objectRef<ReviewerProgress>('AccessReviewerProgress').implement({
  fields: (t) => ({
    reviewer: t.field({ type: UserRef, resolve: (p, _a, ctx) => referencedMember(ctx, p.reviewerId) }),
    total: t.exposeInt('total'),
    undecided: t.exposeInt('undecided'),
  }),
});

/** A page's reviews' progress in one statement. */
const reviewProgress = requestLoader((ctx: Context, reviewIds: readonly string[]) => progressOf(ctx.db, reviewIds), { cache: false });
/** A page's reviews' progress per reviewer (the caller's own items only, unless they manage reviews) in one statement. */
const reviewerProgress = requestLoader(
  (ctx: Context, reviewIds: readonly string[]) => progressByReviewer(ctx.db, reviewIds, visibleItemsWhere(ctx.member.role, ctx.user.id)),
  { cache: false },
);

export const AccessReviewRef = builder.node(AccessReviewBase, {
  id: { resolve: (r) => r.id },
  authScopes: { member: true },
  // By id: ADMIN and OWNER see every review, anyone else the reviews with an item assigned to them.
  loadMany: async (ids, ctx) =>
    ctx.db.accessReview.findMany({ where: { AND: [{ id: { in: ids } }, await visibleReviewsWhere(ctx.db, ctx.member.role, ctx.user.id)] } }),
  fields: (t) => ({
    title: t.exposeString('title'),
    coverage: t.field({ type: ReviewCoverageEnum, description: 'ALL, one KPI (`kpi`), or one dimension value (`dimension`, `value`).', resolve: (r) => r.coverage as ReviewCoverage }),
    kpi: t.field({ type: KpiRef, nullable: true, description: 'KPI reviews: the KPI, where the caller may see it.', resolve: (r, _a, ctx) => (r.kpiId ? recordById.kpi(ctx).load(r.kpiId) : null) }),
    dimension: t.field({ type: DimensionRef, nullable: true, resolve: (r, _a, ctx) => (r.dimensionKey ? dimensionByKey(ctx).load(r.dimensionKey) : null) }),
    value: t.exposeString('dimensionValue', { nullable: true, description: 'DIMENSION_VALUE reviews: the value (scopes on * are included).' }),
    deadline: t.expose('deadline', { type: 'DateTime' }),
    defaultOutcome: t.field({ type: ReviewOutcomeEnum, description: 'What items still undecided at the deadline get.', resolve: (r) => r.defaultOutcome as ReviewOutcome }),
    status: t.field({ type: ReviewStatusEnum, resolve: (r) => r.status as ReviewStatus }),
    createdBy: t.field({ type: UserRef, resolve: (r, _a, ctx) => referencedMember(ctx, r.createdById) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    progress: t.field({ type: ReviewProgressRef, description: 'Counts over every item of the review.', resolve: (r, _a, ctx) => reviewProgress(ctx).load(r.id) }),
    reviewers: t.field({
      type: [ReviewerProgressRef],
      description: 'Per reviewer, items held and still undecided, most undecided first: every reviewer for ADMIN and OWNER, oneself for anyone else.',
      resolve: (r, _a, ctx) => reviewerProgress(ctx).load(r.id),
    }),
    items: t.field({
      type: AccessReviewItemConnection,
      description: 'Its items (every item for ADMIN and OWNER, one\'s own for anyone else); `undecided: true` for those still waiting.',
      args: { undecided: t.arg.boolean(), ...pageArgs },
      resolve: (r, args, ctx) =>
        itemPage(ctx, args, { AND: [{ reviewId: r.id }, visibleItemsWhere(ctx.member.role, ctx.user.id), ...(args.undecided ? [{ decision: null }] : [])] }),
    }),
  }),
});

const AccessReviewConnection = connectionOf(AccessReviewRef, 'AccessReview');

const ReviewEventTypeEnum = builder.enumType('AccessReviewEventType', { values: REVIEW_EVENT_TYPES });

const ReviewEventRef = builder.objectRef<ReviewEventShape>('AccessReviewEvent').implement({
  fields: (t) => ({
    type: t.field({ type: ReviewEventTypeEnum, resolve: (e) => e.type }),
    at: t.expose('at', { type: 'DateTime' }),
    review: t.field({ type: AccessReviewRef, description: 'The review as it is now (its progress included).', resolve: (e, _a, ctx) => required(recordById.accessReview(ctx).load(e.reviewId), `access review ${e.reviewId}`) }),
    item: t.field({
      type: AccessReviewItemRef,
      nullable: true,
      description: 'ITEM_DECIDED: the item, for ADMIN and OWNER and its reviewer; null otherwise.',
      resolve: (e, _a, ctx) => (e.itemId ? recordById.accessReviewItem(ctx).load(e.itemId) : null),
    }),
  }),
});

const findVisibleReview = async (ctx: Context, id: string): Promise<AccessReview | null> =>
  ctx.db.accessReview.findFirst({ where: { AND: [{ id }, await visibleReviewsWhere(ctx.db, ctx.member.role, ctx.user.id)] } });

/** For an operation acting on a review by id: NOT_FOUND where it names none the caller may see. */
async function visibleReview(ctx: Context, id: string): Promise<AccessReview> {
  const row = await findVisibleReview(ctx, id);
  if (!row) throw notFound('access review you manage or review', reviewGlobalId(id));
  return row;
}

builder.queryFields((t) => ({
  accessReviews: t.field({
    type: AccessReviewConnection,
    description: 'Access reviews, newest first: all of them for ADMIN and OWNER, those with items assigned to the caller for anyone else.',
    authScopes: { member: true },
    args: { status: t.arg({ type: ReviewStatusEnum }), ...pageArgs },
    resolve: async (_r, args, ctx) => {
      const where = { AND: [await visibleReviewsWhere(ctx.db, ctx.member.role, ctx.user.id), ...(args.status ? [{ status: args.status }] : [])] };
      return paginate(
        ctx,
        args,
        (r: AccessReview) => r.id,
        (take, after) => ctx.db.accessReview.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...prismaPage(take, after) }),
        () => ctx.db.accessReview.count({ where }),
      );
    },
  }),
  accessReview: t.field({
    type: AccessReviewRef,
    nullable: true,
    description: 'One review the caller manages (ADMIN, OWNER) or has items in; null for any other id, whether it names no review or one the caller may not see (docs/errors.md, "Not found").',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: AccessReviewBase }) },
    resolve: (_r, args, ctx) => findVisibleReview(ctx, args.id.id),
  }),
}));

const OpenAccessReviewInput = builder.inputType('OpenAccessReviewInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    deadline: t.field({ type: 'DateTime', required: true, description: 'When undecided items get `defaultOutcome` (in the future, at most 366 days ahead).' }),
    defaultOutcome: t.field({ type: ReviewOutcomeEnum, required: true }),
    kpiId: t.globalID({ for: KpiRef, description: 'Review the access to this KPI: the role assignments that reach it and the scopes on its dimensions.' }),
    dimension: t.string({ description: 'With `value`: review the scopes on this dimension value (and those on *).' }),
    value: t.string(),
  }),
});

builder.mutationField('openAccessReview', (t) =>
  t.field({
    type: AccessReviewRef,
    description:
      "Opens a review of the organization's scopes in force and direct role assignments (all, one KPI's or one dimension value's). Each item goes to the value's delegated approver, else the caller, else another ADMIN or OWNER: never to the member whose access it is.",
    authScopes: { can: 'reviews.manage' },
    args: { input: t.arg({ type: OpenAccessReviewInput, required: true }) },
    resolve: (_r, { input }, ctx) => openAccessReview(ctx, { ...input, kpiId: input.kpiId?.id ?? null }),
  }),
);

builder.subscriptionField('accessReviewEvents', (t) =>
  t.field({
    type: ReviewEventRef,
    description:
      'Progress of access reviews (OPENED, ITEM_DECIDED, CLOSED): every review for ADMIN and OWNER; for a reviewer, the opening and closing of their reviews and the decisions on their items. `reviewId` narrows it to one review.',
    authScopes: { member: true },
    args: { reviewId: t.arg.globalID({ for: AccessReviewBase }) },
    subscribe: async (_r, args, ctx) => {
      if (args.reviewId) await visibleReview(ctx, args.reviewId.id);
      return reviewStream(ctx, args.reviewId?.id ?? null);
    },
    resolve: (event) => event,
  }),
);
