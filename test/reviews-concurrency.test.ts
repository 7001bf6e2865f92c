// Each access review item is decided exactly once under concurrency (a conditional update), on
// SQLite and on PostgreSQL alike: reviewers racing each other, and reviewers racing the deadline
// job run twice at once. The winner's effect (a revoked scope, one access version bump) and its
// audit event happen once; the review closes once. On PostgreSQL the racers are spread over two
// instances sharing the database (SQLite is one instance's embedded file: one writer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { closeDueReviews } from '../src/reviews/service.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { GrantAccessScope } from './ops.ts';
import { DecideItem, inDays, itemsOf, ok, OpenReview, scopesSetup } from './reviews-ops.ts';

let one: TestServer;
let two: TestServer;
let o: OrgFixture;
let holders: string[];

beforeAll(async () => {
  one = await startTestServer();
  two = one.config.provider === 'postgresql' ? await startTestServer({}, { database: { url: one.config.DATABASE_URL, drop: async () => {} } }) : one;
  o = await orgWithRoles(one, 'Racing', { manager: 'EDITOR', h1: 'VIEWER', h2: 'VIEWER', h3: 'VIEWER' });
  holders = [o.emails.h1!, o.emails.h2!, o.emails.h3!];
  const scopes = holders.flatMap((h) => [[h, 'EMEA'], [h, 'EMEA'], [h, 'US']] as [string, string][]);
  await scopesSetup(one, o, scopes, [[o.emails.manager!, 'EMEA'], [o.emails.manager!, 'US']]);
});
afterAll(async () => {
  if (two !== one) await two?.close();
  await one?.close();
});

const audited = (action: string, targetId: string) => one.db.auditEvent.count({ where: { organizationId: o.id, action, targetId } });
const accessVersion = async () => (await one.db.organization.findUniqueOrThrow({ where: { id: o.id } })).accessVersion;

describe('deciding review items under concurrency', () => {
  it('gives each item to exactly one of three racing deciders (reviewer, ADMIN, OWNER); the others get CONFLICT', async () => {
    const review = ok(await one.gql(OpenReview, { input: { title: 'Race', deadline: inDays(3), defaultOutcome: 'KEEP' } }, { as: o.admin })).openAccessReview!;
    const items = await itemsOf(one, o.admin, review.id);
    expect(items).toHaveLength(9);
    const before = await accessVersion();
    const deciders: [string, 'KEEP' | 'REVOKE'][] = [[o.emails.manager!, 'REVOKE'], [o.admin, 'KEEP'], [o.owner, 'REVOKE']];
    // Every decision of every item at once, across both instances.
    const results = await Promise.all(
      items.flatMap((item) => deciders.map(([as, decision], i) => (i % 2 ? two : one).gql(DecideItem, { id: item.id, decision }, { as }).then((r) => ({ item: item.id, as, decision, r })))),
    );
    let revokes = 0;
    for (const item of items) {
      const mine = results.filter((x) => x.item === item.id);
      const won = mine.filter((x) => !x.r.errors);
      expect(won).toHaveLength(1);
      expect(mine.filter((x) => x.r.errors).map((x) => [codes(x.r)[0], x.r.errors![0]!.extensions!.rule])).toEqual([
        ['CONFLICT', 'reviews.decided-once'],
        ['CONFLICT', 'reviews.decided-once'],
      ]);
      const row = await one.db.accessReviewItem.findUniqueOrThrow({ where: { id: rawId(item.id) } });
      expect({ decision: row.decision, automatic: row.automatic }).toEqual({ decision: won[0]!.decision, automatic: false });
      expect(await audited('review.item.decide', rawId(item.id))).toBe(1);
      const scope = await one.db.accessScope.findUniqueOrThrow({ where: { id: row.scopeId! } });
      expect(scope.revokedAt !== null).toBe(won[0]!.decision === 'REVOKE');
      expect(await audited('scope.revoke', scope.id)).toBe(won[0]!.decision === 'REVOKE' ? 1 : 0);
      if (won[0]!.decision === 'REVOKE') revokes++;
    }
    expect(await accessVersion()).toBe(before + revokes);
  });

  it('decides each item once when reviewers race two runs of the deadline job, and closes the review once', async () => {
    // Fresh scopes for a second review: the first one revoked some.
    for (const h of holders) {
      const userId = await userIdOf(one, o.owner, h);
      for (let i = 0; i < 2; i++) ok(await one.gql(GrantAccessScope, { userId, dimension: 'region', value: 'EMEA' }, { as: o.owner }));
    }
    const review = ok(
      await one.gql(OpenReview, { input: { title: 'Race the deadline', deadline: inDays(1), defaultOutcome: 'REVOKE', dimension: 'region', value: 'EMEA' } }, { as: o.admin }),
    ).openAccessReview!;
    const items = await itemsOf(one, o.admin, review.id);
    expect(items.length).toBeGreaterThan(0);
    const before = await accessVersion();
    // The jobs act as if the deadline had passed; the reviewers, still before it, keep every item.
    const afterDeadline = new Date(Date.parse(review.deadline!) + 1);
    const [, , ...humans] = await Promise.all([
      closeDueReviews({ ...one.app.services, clock: manualClock(afterDeadline) }),
      closeDueReviews({ ...two.app.services, clock: manualClock(afterDeadline) }),
      ...items.map((item, i) => (i % 2 ? two : one).gql(DecideItem, { id: item.id, decision: 'KEEP' }, { as: i % 3 ? o.emails.manager! : o.owner })),
    ]);
    for (const r of humans.filter((h) => h.errors)) {
      expect(codes(r)).toEqual(['CONFLICT']);
      expect(r.errors![0]!.extensions!.rule).toBe('reviews.decided-once');
    }

    const rows = await one.db.accessReviewItem.findMany({ where: { reviewId: rawId(review.id) } });
    let automatic = 0;
    for (const row of rows) {
      expect(await audited('review.item.decide', row.id)).toBe(1);
      // Whoever won: a reviewer's KEEP, or the deadline's REVOKE, never both.
      expect([row.decision, row.automatic, row.decidedById === null]).toEqual(row.automatic ? ['REVOKE', true, true] : ['KEEP', false, false]);
      const scope = await one.db.accessScope.findUniqueOrThrow({ where: { id: row.scopeId! } });
      expect(await audited('scope.revoke', scope.id)).toBe(row.automatic ? 1 : 0);
      if (row.automatic) automatic++;
    }
    expect(humans.filter((r) => !r.errors)).toHaveLength(rows.length - automatic);
    expect(await accessVersion()).toBe(before + automatic);
    const closed = await one.db.accessReview.findUniqueOrThrow({ where: { id: rawId(review.id) } });
    expect(closed.status).toBe('CLOSED');
    expect(await audited('review.close', closed.id)).toBe(1);
  });
});
