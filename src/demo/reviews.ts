// The time-bound access and access review stories of the demo seed (outside production), told
// through the same service functions and audit trail as the API: the analyst's US access becomes a
// 2-day grant from an approved request (announced as SCOPE_EXPIRING at the first sweep), and an
// access review of the whole organization is in progress, one item decided.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { approveRequest } from '../approvals/core.ts';
import { contextFor, type Context } from '../context.ts';
import { requestAccess, revokeAccessScope, setMaxAccessDays } from '../kpis/scopes.ts';
import { decideReviewItem, openAccessReview } from '../reviews/service.ts';
import type { Services } from '../services.ts';

const DAY_MS = 24 * 3600 * 1000;

/** Runs after the demo story (src/demo/index.ts), on its data; returns the lines it prints. */
export async function seedAccessReviewStory(services: Services): Promise<string[]> {
  const { system } = services;
  const { id: organizationId } = await system.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
  const as = async (email: string): Promise<Context> => {
    const user = await system.user.findUniqueOrThrow({ where: { email } });
    const ctx = await contextFor(services, user.id, organizationId, 'demo-seed');
    if (!ctx) throw new Error(`demo persona ${email} is not an active member of the demo organization`);
    return ctx;
  };
  const admin = await as('admin@demo.test');
  const analyst = await as('analyst@demo.test');

  // Time-bound access: requests run 90 days at most here; the analyst's US access now ends in 2 days.
  await setMaxAccessDays(await as('owner@demo.test'), 90);
  const permanent = await system.accessScope.findFirstOrThrow({ where: { organizationId, userId: analyst.user.id, dimensionKey: 'region', value: 'US', revokedAt: null } });
  await revokeAccessScope(admin, permanent.id);
  const request = await requestAccess(analyst, 'region', 'US', 'US pipeline review for the quarterly close', { durationDays: 2 });
  await approveRequest(admin, request.id, 'For the close only.');

  // An access review in progress: everything, two weeks, undecided items revoked at the deadline.
  const review = await openAccessReview(admin, {
    title: 'Q4 access recertification',
    deadline: new Date(services.clock.now().getTime() + 14 * DAY_MS),
    defaultOutcome: 'REVOKE',
  });
  const planners = await system.customRole.findFirstOrThrow({ where: { organizationId, name: 'Revenue planners' } });
  const plannerItem = await system.accessReviewItem.findFirstOrThrow({ where: { reviewId: review.id, roleId: planners.id } });
  await decideReviewItem(admin, plannerItem.id, 'KEEP');
  const items = await system.accessReviewItem.count({ where: { reviewId: review.id } });

  const reviewId = encodeGlobalID('AccessReview', review.id);
  return [
    `Time-bound access: analyst@demo.test's US access ends in 2 days (requestAccess(…, durationDays: 2), approved by admin@demo.test; requests run 90 days at most here).`,
    '  As the analyst, subscription { myApprovalUpdates { type request { scopeValue endsAt } } } receives SCOPE_EXPIRING at the first sweep (APPROVAL_SWEEP_SECONDS);',
    '  to extend, mutation { requestAccess(dimension: "region", value: "US", justification: "Close runs late", durationDays: 30) { id endsAt } }.',
    `Access review: admin@demo.test opened "Q4 access recertification" (${items} items, undecided ones revoked in 14 days) and kept the editor's "Revenue planners" role;`,
    `  as admin@demo.test, query { accessReview(id: "${reviewId}") { progress { total undecided kept } items(undecided: true) { edges { node { id itemType subject { email } scope { value } role { name } } } } } }`,
    '  then decideReviewItem(id: …, decision: KEEP | REVOKE); subscription { accessReviewEvents { type review { title progress { undecided } } item { decision } } } follows it live.',
  ];
}
