// Access reviews' rules as pure functions: who reviews an item, who may decide it, who sees and
// follows a review. Over the matrix's `reviews.manage` and `reviews.decide` cells; unit-tested in
// policy.test.ts. The services gather the facts (members, delegated approvers) and ask these.
import { allowsFully, capabilityDecision, rolesAllowed } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import { streamEndedByMembership } from '../authz/membership.ts';
import type { OrgRole } from '../authz/matrix.ts';

export const REVIEW_OUTCOMES = ['KEEP', 'REVOKE'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const REVIEW_COVERAGES = ['ALL', 'KPI', 'DIMENSION_VALUE'] as const;
export type ReviewCoverage = (typeof REVIEW_COVERAGES)[number];
export const REVIEW_ITEM_TYPES = ['SCOPE', 'ROLE_ASSIGNMENT'] as const;
export type ReviewItemType = (typeof REVIEW_ITEM_TYPES)[number];
export const REVIEW_STATUSES = ['OPEN', 'CLOSED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Roles that open reviews, see all of them and decide any item (not about themselves): ADMIN, OWNER. */
export const managesReviews = (role: OrgRole) => allowsFully('reviews.manage', role);

export interface ReviewerCandidates {
  /** Who opened the review (an ADMIN or OWNER). */
  creatorId: string;
  /** Active delegated approvers of a scope's value: those of the value first, then those of every value. */
  delegates: readonly string[];
  /** Active members whose role manages reviews, in a stable order: the reviewers of last resort. */
  managers: readonly string[];
}

/**
 * The reviewer of one item: the value's delegated approver, else the review's creator, else another
 * ADMIN or OWNER; never the member whose access it is. Null when nobody else may review it (the
 * item is left out of the review and counted as skipped).
 */
export function reviewerFor(subjectUserId: string, c: ReviewerCandidates): string | null {
  return [...c.delegates, c.creatorId, ...c.managers].find((id) => id !== subjectUserId) ?? null;
}

export interface ItemDecisionFacts {
  role: OrgRole;
  userId: string;
  reviewerId: string;
  subjectUserId: string;
}

/** May this member keep or revoke this item? */
export function decideItemDecision(f: ItemDecisionFacts): Decision {
  const capability = capabilityDecision('reviews.decide', f.role);
  if (!capability.allowed) return capability;
  if (f.userId === f.subjectUserId)
    return deny('reviews.no-self-review', 'Nobody reviews their own access.', 'Its reviewer, or another ADMIN or OWNER, decides it.', rolesAllowed('reviews.manage'));
  if (f.userId === f.reviewerId) return allow('reviews.assigned', 'You are the reviewer of this item.');
  if (managesReviews(f.role)) return allow('reviews.manage', 'An ADMIN or OWNER may decide any item that is not about their own access.');
  return deny(
    'reviews.decide',
    `This item is assigned to another reviewer; a ${f.role} decides only the items assigned to them.`,
    'Its reviewer, or an ADMIN or OWNER, decides it. `myReviewItems` lists yours.',
    rolesAllowed('reviews.manage'),
  );
}

/** Every item of a review: those who manage reviews; a reviewer sees the items assigned to them. */
export const seesReviewItem = (role: OrgRole, userId: string, reviewerId: string) => managesReviews(role) || userId === reviewerId;

export interface ReviewEventFacts {
  role: OrgRole;
  userId: string;
  /** ITEM_DECIDED: the item's reviewer; null for OPENED and CLOSED. */
  itemReviewerId: string | null;
  /** OPENED and CLOSED: every reviewer of the review. */
  reviewerIds: readonly string[];
}

/**
 * Following accessReviewEvents: every active member (what each receives is receivesReviewEvent's),
 * at subscribe time and again on every event, with the membership as it is then.
 */
export function followReviewsDecision(status: string, role: OrgRole): Decision {
  if (status === 'ACTIVE') return allow('reviews.follow', 'Active members follow the reviews they take part in; ADMIN and OWNER follow every review.');
  return streamEndedByMembership(status, role);
}

/**
 * Whether an accessReviewEvents subscriber receives an event: ADMIN and OWNER every event of the
 * organization's reviews (their creator among them); a reviewer the opening and closing of their
 * reviews and the decisions on their own items.
 */
export function receivesReviewEvent(f: ReviewEventFacts): boolean {
  if (managesReviews(f.role)) return true;
  if (f.itemReviewerId !== null) return f.itemReviewerId === f.userId;
  return f.reviewerIds.includes(f.userId);
}
