// Live progress of access reviews over graphql-ws (accessReviewEvents): ADMIN and OWNER follow every
// review; a reviewer gets the opening and closing of the reviews they have items in and the
// decisions on their own items, nothing else; a disabled subscriber's stream ends with FORBIDDEN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, until, userIdOf, type OrgFixture } from './fixtures.ts';
import { subscribe, type Subscriber } from './live.ts';
import { GrantAccessScope, SetMemberStatus } from './ops.ts';
import { DecideItem, inDays, itemsOf, label, ok, OpenReview, scopesSetup } from './reviews-ops.ts';

const EVENTS = `subscription ($reviewId: ID) { accessReviewEvents(reviewId: $reviewId) {
  type review { id title status progress { total undecided revoked kept revokedByDefault } } item { id decision subject { email } }
} }`;

let server: TestServer;
let o: OrgFixture;
let url: string;
const open: Subscriber[] = [];
let warmUps = 0;

beforeAll(async () => {
  server = await startTestServer({ APPROVAL_SWEEP_SECONDS: '0.2' });
  o = await orgWithRoles(server, 'Live', { manager: 'EDITOR', apacer: 'VIEWER', analyst: 'VIEWER' });
  const { analyst, manager, apacer } = o.emails as Record<string, string>;
  await scopesSetup(server, o, [[analyst, 'EMEA'], [analyst, 'APAC'], [o.viewer, 'EMEA']], [[manager, 'EMEA'], [apacer, 'APAC']]);
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const follow = (as: string, reviewId?: string) => {
  const s = subscribe(url, { devUser: as }, EVENTS, reviewId ? { reviewId } : undefined);
  open.push(s);
  return s;
};

/** Opens a review of everything (every reviewer is in it) until each subscriber has its OPENED: they are all listening. */
async function warmUp(subscribers: Subscriber[]) {
  for (let attempt = 0; ; attempt++) {
    const title = `warm-up ${warmUps++}`;
    ok(await server.gql(OpenReview, { input: { title, deadline: inDays(30), defaultOutcome: 'KEEP' } }, { as: o.owner }));
    try {
      await Promise.all(subscribers.map((s) => s.waitFor((e) => e.review?.title === title, 300)));
      return title;
    } catch (error) {
      if (attempt >= 50) throw error;
    }
  }
}

/** Events other than the warm-ups' openings. */
const real = (s: Subscriber) => s.events.filter((e) => !(e.type === 'OPENED' && /^warm-up/.test(e.review?.title ?? '')));

describe('accessReviewEvents', () => {
  it('streams each event to those who may follow it, and nothing to the others', async () => {
    const { analyst, manager, apacer } = o.emails as Record<string, string>;
    const [admin, owner, delegate, other] = [o.admin, o.owner, manager, apacer].map((as) => follow(as!));
    const lastWarmUp = await warmUp([admin!, owner!, delegate!, other!]);

    const review = ok(
      await server.gql(OpenReview, { input: { title: 'EMEA live', deadline: new Date(Date.now() + 6000).toISOString(), defaultOutcome: 'REVOKE', dimension: 'region', value: 'EMEA' } }, { as: o.admin }),
    ).openAccessReview!;
    const items = await itemsOf(server, o.admin, review.id);
    const byLabel = (key: string) => items.find((i) => label(i) === key)!;
    ok(await server.gql(DecideItem, { id: byLabel(`${analyst} EMEA`).id, decision: 'REVOKE' }, { as: manager }));
    ok(await server.gql(DecideItem, { id: byLabel(`${o.viewer} EMEA`).id, decision: 'KEEP' }, { as: o.admin }));
    // The APAC delegate's item in the last warm-up review, decided by the owner.
    const warmUpReview = (await server.db.accessReview.findFirstOrThrow({ where: { organizationId: o.id, title: lastWarmUp } })).id;
    const apacItem = (await server.db.accessReviewItem.findFirstOrThrow({ where: { reviewId: warmUpReview, reviewerId: (await server.db.user.findUniqueOrThrow({ where: { email: apacer } })).id } })).id;
    ok(await server.gql(DecideItem, { id: Buffer.from(`AccessReviewItem:${apacItem}`).toString('base64'), decision: 'KEEP' }, { as: o.owner }));

    await until(async () => [admin, delegate].every((s) => real(s!).some((e) => e.type === 'CLOSED')));
    await warmUp([admin!, owner!, delegate!, other!]);

    const shape = (s: Subscriber) => real(s).map((e) => [e.type, e.review.title, e.item ? `${e.item.subject.email} ${e.item.decision}` : null]);
    const everything = [
      ['OPENED', 'EMEA live', null],
      ['ITEM_DECIDED', 'EMEA live', `${analyst} REVOKE`],
      ['ITEM_DECIDED', 'EMEA live', `${o.viewer} KEEP`],
      ['ITEM_DECIDED', lastWarmUp, `${analyst} KEEP`],
      ['CLOSED', 'EMEA live', null],
    ];
    expect(shape(admin!)).toEqual(everything);
    expect(shape(owner!)).toEqual(everything);
    // The EMEA delegate: their review's opening and closing, the decisions on their items (by whomever).
    expect(shape(delegate!)).toEqual([everything[0], everything[1], everything[2], everything[4]]);
    // The APAC delegate: only the decision on their own item; the EMEA review is none of theirs.
    expect(real(other!).map((e) => [e.type, e.review.title])).toEqual([['ITEM_DECIDED', lastWarmUp]]);
    const closed = real(admin!).find((e) => e.type === 'CLOSED');
    expect(closed.review).toMatchObject({ status: 'CLOSED', progress: { total: items.length, undecided: 0, revoked: 1, kept: 1, revokedByDefault: items.length - 2 } });
  });

  it('narrows to one review, which must be one the subscriber may see', async () => {
    const { analyst, manager } = o.emails as Record<string, string>;
    const editor = await userIdOf(server, o.owner, o.editor);
    for (let i = 0; i < 8; i++) ok(await server.gql(GrantAccessScope, { userId: editor, dimension: 'region', value: 'EMEA' }, { as: o.owner }));
    const review = ok(await server.gql(OpenReview, { input: { title: 'Narrow', deadline: inDays(3), defaultOutcome: 'KEEP', dimension: 'region', value: 'EMEA' } }, { as: o.admin }))
      .openAccessReview!;
    const refused = follow(analyst!, review.id);
    await refused.ended();
    expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

    const narrow = follow(manager!, review.id);
    const all = follow(manager!);
    const items = (await itemsOf(server, o.admin, review.id)).filter((i) => i.subject?.email === o.editor);
    expect(items).toHaveLength(8);
    // Decide items one by one until the narrow stream shows it is listening.
    const decided: string[] = [];
    for (const item of items) {
      ok(await server.gql(DecideItem, { id: item.id, decision: 'KEEP' }, { as: manager }));
      decided.push(item.id);
      if (await narrow.waitFor((e) => e.item?.id === item.id, 300).then(() => true, () => false)) break;
    }
    // Events of other reviews (the warm-ups, where the manager has items too) do not come through.
    await warmUp([all]);
    const last = items[decided.length]!;
    ok(await server.gql(DecideItem, { id: last.id, decision: 'REVOKE' }, { as: manager }));
    await narrow.waitFor((e) => e.item?.id === last.id);
    await warmUp([all]);
    expect(all.events.filter((e) => e.type === 'OPENED').length).toBeGreaterThanOrEqual(2);
    expect(narrow.events.every((e) => e.type === 'ITEM_DECIDED' && e.review.title === 'Narrow')).toBe(true);
    expect(narrow.events.at(-1)).toMatchObject({ type: 'ITEM_DECIDED', item: { id: last.id, decision: 'REVOKE', subject: { email: o.editor } } });
  });

  it('ends the stream with FORBIDDEN once the subscriber is disabled', async () => {
    const { apacer } = o.emails as Record<string, string>;
    const s = follow(apacer!);
    await warmUp([s]);
    ok(await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, apacer!), status: 'DISABLED' }, { as: o.owner }));
    ok(await server.gql(OpenReview, { input: { title: 'After', deadline: inDays(3), defaultOutcome: 'KEEP' } }, { as: o.owner }));
    await s.ended();
    expect(s.errors.map((e) => [e.extensions?.code, e.extensions?.rule])).toEqual([['FORBIDDEN', 'membership.inactive']]);
    expect(codes(await server.gql(OpenReview, { input: { title: 'x', deadline: inDays(3), defaultOutcome: 'KEEP' } }, { as: apacer }))).toEqual(['FORBIDDEN']);
  });
});
