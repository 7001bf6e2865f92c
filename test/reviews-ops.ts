// Typed operations and fixtures of the access review tests (reviews*.test.ts, the matrix probes).
import { expect } from 'vitest';
import type { GqlResult, TestServer } from './harness.ts';
import { graphql } from './gql/index.ts';
import { CreateDimension, GrantAccessScope, SetScopeApprover } from './ops.ts';
import { userIdOf, type OrgFixture } from './fixtures.ts';

export const OpenReview = graphql(`
  mutation ReviewsOpen($input: OpenAccessReviewInput!) {
    openAccessReview(input: $input) {
      id title coverage status deadline defaultOutcome value dimension { key } kpi { key }
      progress { total undecided kept revoked keptByDefault revokedByDefault }
    }
  }
`);

export const ReviewItems = graphql(`
  query ReviewsItems($id: ID!, $undecided: Boolean) {
    accessReview(id: $id) {
      id status closedAt
      progress { total undecided kept revoked keptByDefault revokedByDefault }
      reviewers { reviewer { email } total undecided }
      items(first: 100, undecided: $undecided) {
        totalCount
        edges { node { id itemType decision automatic subject { email } reviewer { email } decidedBy { email } scope { value active dimension { key } } } }
      }
    }
  }
`);

export const ReviewRoleItems = graphql(`
  query ReviewsRoleItems($id: ID!) {
    accessReview(id: $id) { items(first: 100) { edges { node { id itemType decision subject { email } role { name } } } } }
  }
`);

export const MyReviewItems = graphql(`
  query ReviewsMine($reviewId: ID, $undecided: Boolean) {
    myReviewItems(reviewId: $reviewId, undecided: $undecided, first: 100) {
      totalCount
      edges { node { id itemType decision subject { email } scope { value } review { id title } } }
    }
  }
`);

export const AccessReviews = graphql(`
  query ReviewsList($status: AccessReviewStatus) { accessReviews(status: $status, first: 100) { totalCount edges { node { id title status } } } }
`);

export const DecideItem = graphql(`
  mutation ReviewsDecide($id: ID!, $decision: ReviewOutcome!) {
    decideReviewItem(id: $id, decision: $decision) { id decision automatic decidedAt decidedBy { email } }
  }
`);

export const ok = <R>(r: GqlResult<R>): R => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export type ItemNode = { id: string; itemType: string | null; subject?: { email: string | null } | null; scope?: { value: string | null } | null };

/** Every item of a review as ADMIN/OWNER see it, keyed `<subject> <value or ROLE>`. */
export async function itemsOf(server: TestServer, as: string, reviewId: string) {
  const review = ok(await server.gql(ReviewItems, { id: reviewId }, { as })).accessReview!;
  return review.items!.edges!.map((e) => e!.node!);
}

export const label = (i: ItemNode) => `${i.subject?.email} ${i.itemType === 'SCOPE' ? i.scope?.value : 'ROLE'}`;

/** A region dimension, with `scopes` granted (`[holderEmail, value]`) and `delegates` (`[approverEmail, value]`). */
export async function scopesSetup(server: TestServer, o: OrgFixture, scopes: [string, string][], delegates: [string, string][] = []) {
  ok(await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA', 'APAC'] }, { as: o.owner }));
  const ids: Record<string, string> = {};
  for (const [email, value] of scopes) {
    const userId = await userIdOf(server, o.owner, email);
    ids[`${email} ${value}`] = ok(await server.gql(GrantAccessScope, { userId, dimension: 'region', value }, { as: o.owner })).grantAccessScope!.id;
  }
  for (const [email, value] of delegates)
    ok(await server.gql(SetScopeApprover, { dimension: 'region', value, userId: await userIdOf(server, o.owner, email) }, { as: o.owner }));
  return ids;
}
