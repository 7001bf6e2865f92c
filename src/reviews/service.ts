// Access reviews' use cases: opening a review, deciding an item (exactly once: a conditional
// update), and the deadline job that gives undecided items the review's default and closes it.
// Each change commits with its effect and its audit events; events are published after the commit.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { auditedTransaction, callerActor, systemActor, type RecordEvent } from '../audit/record.ts';
import { refusalError } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import type { AccessReview, AccessReviewItem, Tx } from '../db/client.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { unassignRoleIn } from '../kpis/grants.ts';
import { dimensionValue, key, refuse, requiredText } from '../kpis/input.ts';
import { revokeScopeIn } from '../kpis/scopes.ts';
import type { Services } from '../services.ts';
import { planReview, type Coverage } from './data.ts';
import type { ReviewEventType } from './events.ts';
import { decideItemDecision, type ReviewOutcome } from './policy.ts';

export const REVIEW_LIMITS = {
  title: 120,
  /** Items one review may hold: a larger one is refused (narrow it to a KPI or a value). */
  items: 5000,
  /** How far ahead a deadline may be, in days. */
  deadlineDays: 366,
} as const;

export const reviewGlobalId = (id: string) => encodeGlobalID('AccessReview', id);
export const itemGlobalId = (id: string) => encodeGlobalID('AccessReviewItem', id);

export interface OpenReviewInput {
  title: string;
  deadline: Date;
  defaultOutcome: ReviewOutcome;
  kpiId?: string | null;
  dimension?: string | null;
  value?: string | null;
}

/** What the review covers, from its arguments: a KPI, a dimension value, or (neither) everything. Checked before any I/O. */
function coverageFrom(input: OpenReviewInput): Coverage {
  const byValue = input.dimension != null || input.value != null;
  if (input.kpiId && byValue) throw refuse('kpiId', 'and `dimension`/`value` each narrow the review: give one or the other.');
  if (input.kpiId) return { coverage: 'KPI', kpiId: input.kpiId };
  if (!byValue) return { coverage: 'ALL' };
  if (input.dimension == null || input.value == null) throw refuse(input.dimension == null ? 'dimension' : 'value', 'goes with `dimension` and `value` together.');
  return { coverage: 'DIMENSION_VALUE', dimensionKey: key('dimension', input.dimension), value: dimensionValue('value', input.value, true) };
}

function publishReview(services: Services, organizationId: string, type: ReviewEventType, reviewId: string, extra: { itemId?: string; itemReviewerId?: string; reviewerIds?: string[] } = {}) {
  services.pubsub.publish('review:event', organizationId, {
    type,
    id: randomUUID(),
    at: services.clock.now().toISOString(),
    reviewId,
    itemId: extra.itemId ?? null,
    itemReviewerId: extra.itemReviewerId ?? null,
    reviewerIds: extra.reviewerIds ?? [],
  });
}

const reviewersOf = async (db: Pick<Tx, 'accessReviewItem'>, reviewId: string) =>
  (await db.accessReviewItem.findMany({ where: { reviewId }, distinct: ['reviewerId'], select: { reviewerId: true } })).map((r) => r.reviewerId);

/** Opens a review over the organization's scopes and role assignments, each item assigned to its reviewer. */
export async function openAccessReview(ctx: Context, input: OpenReviewInput): Promise<AccessReview> {
  const now = ctx.services.clock.now();
  const title = requiredText('title', input.title, REVIEW_LIMITS.title);
  if (input.deadline <= now) throw refuse('deadline', 'must be in the future: undecided items get the default outcome then.');
  if (input.deadline.getTime() > now.getTime() + REVIEW_LIMITS.deadlineDays * 24 * 3600 * 1000)
    throw refuse('deadline', `is at most ${REVIEW_LIMITS.deadlineDays} days ahead.`);
  const coverage = coverageFrom(input);
  const { organizationId } = ctx.member;
  const creatorId = ctx.user.id;
  const { review, reviewerIds } = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const { items, skipped } = await planReview(tx, coverage, creatorId, now);
    if (!items.length)
      throw badInput(
        skipped
          ? 'Nothing here can be reviewed: the only access it covers is your own, and no other member may review it.'
          : 'This review covers no scope or role assignment in force: there is nothing to review.',
      );
    if (items.length > REVIEW_LIMITS.items)
      throw badInput(`This review would hold ${items.length} items; one review holds at most ${REVIEW_LIMITS.items}. Narrow it to one KPI or one dimension value.`, {
        limit: REVIEW_LIMITS.items,
      });
    const review = await tx.accessReview.create({
      data: {
        organizationId,
        title,
        coverage: coverage.coverage,
        kpiId: coverage.coverage === 'KPI' ? coverage.kpiId : null,
        dimensionKey: coverage.coverage === 'DIMENSION_VALUE' ? coverage.dimensionKey : null,
        dimensionValue: coverage.coverage === 'DIMENSION_VALUE' ? coverage.value : null,
        deadline: input.deadline,
        defaultOutcome: input.defaultOutcome,
        createdById: creatorId,
      },
    });
    await tx.accessReviewItem.createMany({ data: items.map((i) => ({ ...i, organizationId, reviewId: review.id })) });
    await record({
      action: 'review.open',
      targetType: 'AccessReview',
      targetId: review.id,
      metadata: {
        title,
        coverage: review.coverage,
        kpiId: review.kpiId,
        dimension: review.dimensionKey,
        value: review.dimensionValue,
        deadline: review.deadline,
        defaultOutcome: review.defaultOutcome,
        items: items.length,
        skipped,
      },
    });
    return { review, reviewerIds: [...new Set(items.map((i) => i.reviewerId))] };
  });
  publishReview(ctx.services, organizationId, 'OPENED', review.id, { reviewerIds });
  return review;
}

/**
 * What REVOKE does to an item's access: the same effect as revokeAccessScope or unassignRole
 * (access version bumped, `scope.revoke` or `role.unassign` recorded). Access that is already gone
 * (revoked, unassigned, ended) is left as it is.
 */
async function revokeItemAccess(tx: Tx, at: Date, record: RecordEvent, item: AccessReviewItem) {
  const via = { viaReview: item.reviewId, reviewItem: item.id };
  if (item.scopeId) {
    const scope = await tx.accessScope.findUnique({ where: { id: item.scopeId } });
    if (scope) await revokeScopeIn(tx, at, record, scope, via);
    return;
  }
  if (!item.roleAssignmentId) return;
  const assignment = await tx.roleAssignment.findUnique({ where: { id: item.roleAssignmentId } });
  if (!assignment) return;
  const [role, user] = await Promise.all([
    tx.customRole.findUniqueOrThrow({ where: { id: assignment.roleId } }),
    tx.user.findUniqueOrThrow({ where: { id: assignment.userId }, select: { email: true } }),
  ]);
  await unassignRoleIn(tx, record, role, assignment.userId, user.email, via);
}

/**
 * Keeps or revokes one item, exactly once: the decision is a conditional update (`decision IS
 * NULL`), so among concurrent deciders (reviewers, an ADMIN, the deadline job) one wins and the
 * others get CONFLICT. Refused after the deadline, whether or not the job has run yet.
 */
export async function decideReviewItem(ctx: Context, itemId: string, decision: ReviewOutcome): Promise<AccessReviewItem> {
  const { organizationId, role } = ctx.member;
  const userId = ctx.user.id;
  const decided = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const item = await tx.accessReviewItem.findUnique({ where: { id: itemId } });
    if (!item) throw notFound('access review item', itemGlobalId(itemId));
    const verdict = decideItemDecision({ role, userId, reviewerId: item.reviewerId, subjectUserId: item.subjectUserId });
    if (!verdict.allowed) throw refusalError(verdict);
    if (item.decision) throw conflict(`This item was already decided (${item.decision}); nothing was changed.`, 'reviews.decided-once');
    const review = await tx.accessReview.findUniqueOrThrow({ where: { id: item.reviewId } });
    const now = ctx.services.clock.now();
    if (review.status !== 'OPEN' || review.deadline <= now)
      throw conflict(`This review's deadline has passed: undecided items get its default (${review.defaultOutcome}); nothing was changed.`, 'reviews.closed');
    const won = await tx.accessReviewItem.updateMany({ where: { id: itemId, decision: null }, data: { decision, decidedById: userId, decidedAt: now } });
    if (won.count !== 1) throw conflict('Someone else decided this item a moment ago; nothing was changed.', 'reviews.decided-once');
    const row: AccessReviewItem = { ...item, decision, decidedById: userId, decidedAt: now };
    if (decision === 'REVOKE') await revokeItemAccess(tx, now, record, row);
    await record({
      action: 'review.item.decide',
      targetType: 'AccessReviewItem',
      targetId: itemId,
      metadata: { review: item.reviewId, itemType: item.itemType, subjectUserId: item.subjectUserId, decision, automatic: false },
    });
    return row;
  });
  publishReview(ctx.services, organizationId, 'ITEM_DECIDED', decided.reviewId, { itemId, itemReviewerId: decided.reviewerId });
  return decided;
}

const BATCH = 200;

/** Gives one review's undecided items its default, each once (conditional update), then closes it once. */
async function closeReview(services: Services, review: AccessReview, now: Date): Promise<boolean> {
  const db = services.system;
  const outcome = review.defaultOutcome as ReviewOutcome;
  for (;;) {
    const undecided = await db.accessReviewItem.findMany({ where: { reviewId: review.id, decision: null }, orderBy: { id: 'asc' }, take: BATCH });
    if (!undecided.length) break;
    for (const item of undecided)
      await auditedTransaction(systemActor(db, services.clock, review.organizationId), async (tx, record) => {
        const won = await tx.accessReviewItem.updateMany({ where: { id: item.id, decision: null }, data: { decision: outcome, decidedAt: now, automatic: true } });
        if (won.count !== 1) return;
        const row: AccessReviewItem = { ...item, decision: outcome, decidedAt: now, automatic: true };
        if (outcome === 'REVOKE') await revokeItemAccess(tx, now, record, row);
        await record({
          action: 'review.item.decide',
          targetType: 'AccessReviewItem',
          targetId: item.id,
          metadata: { review: review.id, itemType: item.itemType, subjectUserId: item.subjectUserId, decision: outcome, automatic: true },
        });
      });
  }
  const closed = await auditedTransaction(systemActor(db, services.clock, review.organizationId), async (tx, record) => {
    const won = await tx.accessReview.updateMany({ where: { id: review.id, status: 'OPEN' }, data: { status: 'CLOSED', closedAt: now } });
    if (won.count !== 1) return false;
    const counts = await tx.accessReviewItem.groupBy({ by: ['decision', 'automatic'], where: { reviewId: review.id }, _count: { _all: true } });
    const count = (decision: ReviewOutcome, automatic: boolean) => counts.find((c) => c.decision === decision && c.automatic === automatic)?._count._all ?? 0;
    await record({
      action: 'review.close',
      targetType: 'AccessReview',
      targetId: review.id,
      metadata: { kept: count('KEEP', false), revoked: count('REVOKE', false), keptByDefault: count('KEEP', true), revokedByDefault: count('REVOKE', true) },
    });
    return true;
  });
  if (closed) publishReview(services, review.organizationId, 'CLOSED', review.id, { reviewerIds: await reviewersOf(db, review.id) });
  return closed;
}

/**
 * The deadline job (src/jobs/, once per interval across instances): every open review past its
 * deadline gets its default on the undecided items and is closed. Overlapping runs are safe: each
 * item and each review changes once.
 */
export async function closeDueReviews(services: Services): Promise<number> {
  const now = services.clock.now();
  const due = await services.system.accessReview.findMany({ where: { status: 'OPEN', deadline: { lte: now } }, orderBy: { deadline: 'asc' }, take: 100 });
  let closed = 0;
  for (const review of due) if (await closeReview(services, review, now)) closed++;
  return closed;
}
