// Refusals of live subscriptions come from the deciding domain's policy, whichever stream it is
// (src/streams/live.ts): the error a subscriber gets carries the code, the rule, the reason, the
// next step and the approvers of the policy's decision, exactly, at subscribe time and when a
// re-check on an event ends the stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveMembershipDecision, subscribeDecision } from '../src/approvals/policy.ts';
import { refusalError } from '../src/authz/decision.ts';
import { followReviewsDecision } from '../src/reviews/policy.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { APPROVAL_EVENT, devSubscriptions, warmUp } from './live.ts';
import { SetMemberStatus } from './ops.ts';
import { inDays, ok, OpenReview, scopesSetup } from './reviews-ops.ts';

const REVIEW_EVENTS = 'subscription { accessReviewEvents { type review { title } } }';
const APPROVAL_EVENTS = `subscription { approvalEvents { ${APPROVAL_EVENT} } }`;

let server: TestServer;
let o: OrgFixture;
let url: string;

beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  o = await orgWithRoles(server, 'Refusals', { follower: 'ADMIN', decider: 'ADMIN' });
  // A scope in force: something for every review to cover.
  await scopesSetup(server, o, [[o.viewer, 'EMEA']]);
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await subscriptions.closeAll();
  await server?.close();
});

const subscriptions = devSubscriptions(() => url);
const { watch } = subscriptions;

/** What the client reads of a refusal: the message and every extension the policy's decision gives. */
const asReceived = (error: { message: string; extensions?: Record<string, unknown> }) => ({ message: error.message, extensions: error.extensions });
const expected = (decision: Parameters<typeof refusalError>[0]) => {
  const error = refusalError(decision);
  return { message: error.message, extensions: { ...error.extensions } };
};

let reviews = 0;
const openReview = async () => {
  const title = `review ${reviews++}`;
  ok(await server.gql(OpenReview, { input: { title, deadline: inDays(30), defaultOutcome: 'KEEP' } }, { as: o.owner }));
  return title;
};

describe('refusals of live subscriptions', () => {
  it('ends accessReviewEvents of a member disabled meanwhile with the reviews policy’s decision', async () => {
    const follower = watch(o.emails.follower!, REVIEW_EVENTS);
    // Reviews until the subscriber has one: it is listening.
    for (let attempt = 0; ; attempt++) {
      const title = await openReview();
      if (await follower.waitFor((e) => e.review?.title === title, 300).then(() => true, () => attempt >= 50)) break;
    }
    ok(await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, o.emails.follower!), status: 'DISABLED' }, { as: o.owner }));
    await openReview();
    await follower.ended();

    const decision = followReviewsDecision('DISABLED', 'ADMIN');
    expect(decision).toEqual({
      allowed: false,
      rule: 'membership.inactive',
      reason: 'Your membership in this organization is no longer active, so this subscription has ended.',
      nextStep: 'Ask a member with the ADMIN and OWNER roles of this organization to re-enable it.',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(follower.errors.map(asReceived)).toEqual([
      {
        message: `${decision.reason} ${decision.nextStep}`,
        extensions: { code: 'FORBIDDEN', rule: decision.rule, reason: decision.reason, nextStep: decision.nextStep, approvers: decision.approvers },
      },
    ]);
  });

  it('refuses approvalEvents at subscribe time with the approvals policy’s decision', async () => {
    const viewer = watch(o.viewer, APPROVAL_EVENTS);
    await viewer.ended();
    expect(viewer.events).toEqual([]);
    expect(viewer.errors.map(asReceived)).toEqual([expected(subscribeDecision('VIEWER', false))]);
    expect(viewer.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'approvals.subscribe', nextStep: 'Use myApprovalUpdates to follow your own requests.' });
  });

  it('ends approvalEvents of a member disabled meanwhile with the approvals policy’s decision', async () => {
    const decider = watch(o.emails.decider!, APPROVAL_EVENTS);
    await warmUp([decider], () => server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
    // Disabling publishes a membership message: the stream ends without waiting for a request.
    ok(await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, o.emails.decider!), status: 'DISABLED' }, { as: o.owner }));
    await decider.ended();
    expect(decider.errors.map(asReceived)).toEqual([expected(liveMembershipDecision('DISABLED', 'ADMIN'))]);
    expect(decider.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'membership.inactive' });
  });
});
