// The access reviews topic's payloads: what crosses pub/sub (in memory or Redis) and what the
// subscription hands to its resolver. Types only: ids, no names or emails (the resolver reads the
// review and item as the subscriber may see them).

export type ReviewEventType = 'OPENED' | 'ITEM_DECIDED' | 'CLOSED';
export const REVIEW_EVENT_TYPES = ['OPENED', 'ITEM_DECIDED', 'CLOSED'] as const satisfies readonly ReviewEventType[];

export interface ReviewMessage {
  type: ReviewEventType;
  /** The event's own id. */
  id: string;
  at: string;
  reviewId: string;
  /** ITEM_DECIDED: the item decided and its reviewer; null otherwise. */
  itemId: string | null;
  itemReviewerId: string | null;
  /** OPENED and CLOSED: every reviewer of the review (to tell them); empty otherwise. */
  reviewerIds: string[];
}

/** What accessReviewEvents hands to its resolver. */
export interface ReviewEventShape {
  type: ReviewEventType;
  at: Date;
  reviewId: string;
  itemId: string | null;
}

declare module '../pubsub.ts' {
  interface Topics {
    'review:event': [organizationId: string, payload: ReviewMessage];
  }
}
