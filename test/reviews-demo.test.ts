// The demo seed's time-bound access and access review stories, as a newcomer would walk them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { until } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { MyAccessScopes } from './ops.ts';
import { AccessReviews, DecideItem, ok, ReviewItems } from './reviews-ops.ts';

const Extend = graphql(`
  mutation ReviewsDemoExtend { requestAccess(dimension: "region", value: "US", justification: "Close runs late", durationDays: 30) { id status endsAt } }
`);
const OrgMax = graphql(`
  query ReviewsDemoOrgMax { organization { maxAccessDays } }
`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1', APPROVAL_SWEEP_SECONDS: '0.2' });
});
afterAll(() => server?.close());

const DAY = 86_400_000;

describe('demo seed: time-bound access and an access review', () => {
  it("gives the analyst US access that ends in 2 days, announced once by the sweep, and lets them ask for more", async () => {
    const us = ok(await server.gql(MyAccessScopes, undefined, { as: 'analyst@demo.test' })).myAccessScopes!.filter((s) => s.value === 'US');
    expect(us).toHaveLength(1);
    expect(us[0]!.active).toBe(true);
    const left = Date.parse(us[0]!.endsAt!) - Date.now();
    expect(left).toBeGreaterThan(1.9 * DAY);
    expect(left).toBeLessThanOrEqual(2 * DAY);
    expect(ok(await server.gql(OrgMax, undefined, { as: 'analyst@demo.test' })).organization?.maxAccessDays).toBe(90);

    await until(async () => (await server.db.auditEvent.count({ where: { action: 'scope.expiry-notice' } })) === 1);
    const [notice] = await server.db.auditEvent.findMany({ where: { action: 'scope.expiry-notice' } });
    expect(JSON.parse(notice!.metadata)).toMatchObject({ dimension: 'region', value: 'US', extended: false, viaRequest: expect.any(String) });

    const extension = ok(await server.gql(Extend, undefined, { as: 'analyst@demo.test' })).requestAccess!;
    expect(extension.status).toBe('PENDING');
  });

  it('has a review in progress: the admin kept one item, the rest wait for them', async () => {
    const reviews = ok(await server.gql(AccessReviews, { status: 'OPEN' }, { as: 'admin@demo.test' })).accessReviews!.edges!.map((e) => e!.node!);
    expect(reviews.map((r) => r.title)).toEqual(['Q4 access recertification']);
    const review = ok(await server.gql(ReviewItems, { id: reviews[0]!.id }, { as: 'admin@demo.test' })).accessReview!;
    const total = review.progress.total;
    expect(review.progress).toEqual({ total, undecided: total - 1, kept: 1, revoked: 0, keptByDefault: 0, revokedByDefault: 0 });
    expect(review.reviewers).toEqual([{ reviewer: { email: 'admin@demo.test' }, total, undecided: total - 1 }]);
    const undecided = review.items!.edges!.map((e) => e!.node!).filter((i) => !i.decision);
    expect(undecided.map((i) => `${i.subject?.email} ${i.itemType} ${i.scope?.value ?? ''}`.trim()).sort()).toEqual(
      expect.arrayContaining(['analyst@demo.test ROLE_ASSIGNMENT', 'analyst@demo.test SCOPE US', 'analyst@demo.test SCOPE *']),
    );
    const decided = ok(await server.gql(DecideItem, { id: undecided[0]!.id, decision: 'KEEP' }, { as: 'admin@demo.test' })).decideReviewItem!;
    expect(decided.decidedBy?.email).toBe('admin@demo.test');
  });
});
