// The access review types' references, declared before either is implemented: a review lists its
// items and an item names its review.
import { builder } from '../../builder.ts';
import type { AccessReview, AccessReviewItem } from '../../db/client.ts';
import { REVIEW_COVERAGES, REVIEW_ITEM_TYPES, REVIEW_OUTCOMES, REVIEW_STATUSES } from '../policy.ts';

export const AccessReviewBase = builder.objectRef<AccessReview>('AccessReview');
export const AccessReviewItemBase = builder.objectRef<AccessReviewItem>('AccessReviewItem');

export const ReviewOutcomeEnum = builder.enumType('ReviewOutcome', { values: REVIEW_OUTCOMES });
export const ReviewCoverageEnum = builder.enumType('AccessReviewCoverage', { values: REVIEW_COVERAGES });
export const ReviewStatusEnum = builder.enumType('AccessReviewStatus', { values: REVIEW_STATUSES });
export const ReviewItemTypeEnum = builder.enumType('AccessReviewItemType', { values: REVIEW_ITEM_TYPES });
