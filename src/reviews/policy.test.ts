// Unit tests of the access review rules, for every role.
import { describe, expect, it } from 'vitest';
import { ORG_ROLES } from '../authz/matrix.ts';
import { decideItemDecision, followReviewsDecision, managesReviews, receivesReviewEvent, reviewerFor, seesReviewItem } from './policy.ts';

describe('access review policy', () => {
  it('lets ADMIN and OWNER manage reviews, and no one else', () => {
    expect(Object.fromEntries(ORG_ROLES.map((r) => [r, managesReviews(r)]))).toEqual({ VIEWER: false, EDITOR: false, ADMIN: true, OWNER: true });
  });

  it("assigns an item to the value's delegated approver first, then the creator, then another manager, never to its subject", () => {
    const base = { creatorId: 'creator', delegates: ['delegate', 'wildcard'], managers: ['creator', 'admin2', 'owner'] };
    expect(reviewerFor('subject', base)).toBe('delegate');
    // The delegate reviewing their own scope: the next delegate.
    expect(reviewerFor('delegate', base)).toBe('wildcard');
    expect(reviewerFor('subject', { ...base, delegates: [] })).toBe('creator');
    // The creator's own access: another ADMIN or OWNER.
    expect(reviewerFor('creator', { ...base, delegates: [] })).toBe('admin2');
    expect(reviewerFor('creator', { creatorId: 'creator', delegates: [], managers: ['creator', 'owner'] })).toBe('owner');
    // Nobody but the subject: left out.
    expect(reviewerFor('creator', { creatorId: 'creator', delegates: ['creator'], managers: ['creator'] })).toBeNull();
  });

  it('lets the assigned reviewer decide, whatever their role', () => {
    for (const role of ORG_ROLES)
      expect(decideItemDecision({ role, userId: 'me', reviewerId: 'me', subjectUserId: 'them' })).toEqual({
        allowed: true,
        rule: 'reviews.assigned',
        reason: 'You are the reviewer of this item.',
        nextStep: null,
      });
  });

  it('lets ADMIN and OWNER decide any item, and VIEWER and EDITOR only theirs', () => {
    for (const role of ['ADMIN', 'OWNER'] as const)
      expect(decideItemDecision({ role, userId: 'me', reviewerId: 'someone', subjectUserId: 'them' })).toMatchObject({ allowed: true, rule: 'reviews.manage' });
    for (const role of ['VIEWER', 'EDITOR'] as const)
      expect(decideItemDecision({ role, userId: 'me', reviewerId: 'someone', subjectUserId: 'them' })).toEqual({
        allowed: false,
        rule: 'reviews.decide',
        reason: `This item is assigned to another reviewer; a ${role} decides only the items assigned to them.`,
        nextStep: 'Its reviewer, or an ADMIN or OWNER, decides it. `myReviewItems` lists yours.',
        approvers: ['ADMIN', 'OWNER'],
      });
  });

  it('never lets anyone decide an item about their own access, even when assigned to it', () => {
    for (const role of ORG_ROLES)
      for (const reviewerId of ['me', 'someone'])
        expect(decideItemDecision({ role, userId: 'me', reviewerId, subjectUserId: 'me' })).toEqual({
          allowed: false,
          rule: 'reviews.no-self-review',
          reason: 'Nobody reviews their own access.',
          nextStep: 'Its reviewer, or another ADMIN or OWNER, decides it.',
          approvers: ['ADMIN', 'OWNER'],
        });
  });

  it('shows every item to ADMIN and OWNER, and only their own to a reviewer', () => {
    expect(ORG_ROLES.map((r) => seesReviewItem(r, 'me', 'someone'))).toEqual([false, false, true, true]);
    expect(ORG_ROLES.map((r) => seesReviewItem(r, 'me', 'me'))).toEqual([true, true, true, true]);
  });

  it('streams every event to ADMIN and OWNER; to a reviewer their reviews opening and closing and their items', () => {
    const opened = { itemReviewerId: null, reviewerIds: ['me', 'other'] };
    const notMine = { itemReviewerId: null, reviewerIds: ['other'] };
    const myItem = { itemReviewerId: 'me', reviewerIds: [] };
    const otherItem = { itemReviewerId: 'other', reviewerIds: [] };
    for (const role of ['VIEWER', 'EDITOR'] as const)
      expect([opened, notMine, myItem, otherItem].map((e) => receivesReviewEvent({ role, userId: 'me', ...e }))).toEqual([true, false, true, false]);
    for (const role of ['ADMIN', 'OWNER'] as const)
      expect([opened, notMine, myItem, otherItem].map((e) => receivesReviewEvent({ role, userId: 'me', ...e }))).toEqual([true, true, true, true]);
  });

  it('lets every active member follow review events, and ends the stream of any other membership', () => {
    expect(followReviewsDecision('ACTIVE', 'VIEWER')).toEqual({
      allowed: true,
      rule: 'reviews.follow',
      reason: 'Active members follow the reviews they take part in; ADMIN and OWNER follow every review.',
      nextStep: null,
    });
    for (const [status, again] of [['DISABLED', 're-enable it'], ['INVITED', 'invite you again'], ['NONE', 'invite you again']])
      expect(followReviewsDecision(status!, 'VIEWER')).toEqual({
        allowed: false,
        rule: 'membership.inactive',
        reason: 'Your membership in this organization is no longer active, so this subscription has ended.',
        nextStep: `Ask a member with the ADMIN and OWNER roles of this organization to ${again}.`,
        approvers: ['ADMIN', 'OWNER'],
      });
    expect(followReviewsDecision('DISABLED', 'OWNER')).toMatchObject({ approvers: ['OWNER'] });
  });
});
