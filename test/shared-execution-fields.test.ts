// Every field approval events may share (SHAREABLE_FIELDS, src/approvals/stream.ts) is proven
// shareable here: subscribers whose key is the same get the same bytes of it, and every subscriber
// gets from the shared execution exactly what executing for them alone gives (an inline fragment
// turns sharing off), whatever their key. The cases are checked against the set itself: a field
// added to the set without a case here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAREABLE_FIELDS } from '../src/approvals/stream.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { devSubscriptions, type Subscriber } from './live.ts';
import { ApproveRequest } from './ops.ts';

/** For each shareable coordinate, a selection under `approvalEvents` that resolves it. */
const CASES: Record<string, string> = {
  'ApprovalEvent.type': 'type',
  'ApprovalEvent.at': 'at',
  'ApprovalEvent.cursor': 'cursor',
  'ApprovalEvent.request': 'request { id }',
  'ApprovalRequest.id': 'request { id }',
  'ApprovalRequest.kind': 'request { kind }',
  'ApprovalRequest.status': 'request { status }',
  'ApprovalRequest.summary': 'request { summary }',
  'ApprovalRequest.createdAt': 'request { createdAt }',
  'ApprovalRequest.decidedAt': 'request { decidedAt }',
  'ApprovalRequest.justification': 'request { justification }',
  'ApprovalRequest.reason': 'request { reason }',
  'ApprovalRequest.scopeValue': 'request { scopeValue }',
  'ApprovalRequest.startsAt': 'request { startsAt }',
  'ApprovalRequest.endsAt': 'request { endsAt }',
  'ApprovalRequest.piiAction': 'request { piiAction }',
  'ApprovalRequest.targetType': 'request { targetType }',
  'ApprovalRequest.targetId': 'request { targetId }',
  'ApprovalRequest.requestedBy': 'request { requestedBy { id } }',
  'ApprovalRequest.decidedBy': 'request { decidedBy { id } }',
  'ApprovalRequest.proposedChanges': 'request { proposedChanges }',
  'User.id': 'request { requestedBy { id } decidedBy { id } }',
  'User.email': 'request { requestedBy { email } decidedBy { email } }',
  'User.displayName': 'request { requestedBy { displayName } decidedBy { displayName } }',
};
const coordinates = Object.keys(CASES);
const alias = (i: number) => `f${i}`;
/** Every case under its own alias: one operation per subscriber, each field's share compared on its own. */
const selection = coordinates.map((c, i) => `${alias(i)}: ${CASES[c]}`).join(' ');
const SHARED = `subscription { approvalEvents { request { id } ${selection} } }`;
const ALONE = `subscription { approvalEvents { ... on ApprovalEvent { request { id } ${selection} } } }`;

let server: TestServer;
let o: OrgFixture;
let url: string;
const subscriptions = devSubscriptions(() => url);

beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  o = await orgWithRoles(server, 'SharedFields', { boss: 'OWNER', admin2: 'ADMIN', delegate1: 'EDITOR', delegate2: 'EDITOR' });
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await subscriptions.closeAll();
  await server?.close();
});

describe('the shareable fields of approval events', () => {
  it('each have a case here', () => {
    expect([...coordinates].sort()).toEqual([...SHAREABLE_FIELDS].sort());
  });

  it('give same-key subscribers the same bytes, and every subscriber what executing for them alone gives', async () => {
    const ids = async (...emails: string[]) => Promise.all(emails.map(async (email) => (await server.db.user.findUniqueOrThrow({ where: { email } })).id));
    const delegates = await ids(o.emails.delegate1!, o.emails.delegate2!);
    // The owner decides (their key says so on the decision's event); the boss is an OWNER who does not.
    const viewers = { owner: o.owner, boss: o.emails.boss!, admin: o.admin, admin2: o.emails.admin2!, delegate1: o.emails.delegate1!, delegate2: o.emails.delegate2! };
    // The EDITOR delegates may decide something before they subscribe (a pending request naming
    // them), or their subscriptions are refused at once.
    await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'delegated before subscribing', delegates }));
    const shared: Record<string, Subscriber> = {};
    const alone: Record<string, Subscriber> = {};
    for (const [who, email] of Object.entries(viewers)) {
      shared[who] = subscriptions.watch(email, SHARED);
      alone[who] = subscriptions.watch(email, ALONE);
    }
    const everyone = [...Object.values(shared), ...Object.values(alone)];
    // Raised until every subscription has one: they are all listening.
    let scope: string;
    for (let attempt = 0; ; attempt++) {
      scope = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'shared fields', delegates }));
      if (await Promise.all(everyone.map((s) => s.waitFor((e) => e.request.id === scope, 400))).then(() => true, () => attempt > 30)) break;
    }
    const pii = await server.raise(o.editor, request('PII_CHANGE', { label: 'shared fields' }));
    expect((await server.gql(ApproveRequest, { id: scope }, { as: o.owner })).errors).toBeUndefined();
    const eventOf = (s: Subscriber, e: { request: string; type: string }) => s.waitFor((got) => got.request.id === e.request && got[alias(0)] === e.type);
    // The PII change (the one with proposedChanges) goes to whom its kind's deciders are: OWNERs at least.
    await eventOf(shared.owner!, { request: pii, type: 'REQUESTED' });
    await eventOf(shared.owner!, { request: scope, type: 'APPROVED' });
    const received = await Promise.all(Object.keys(viewers).map((who) => shared[who]!.waitFor((e) => e.request.id === pii, 1500).then(() => who, () => null)));
    const piiViewers = received.filter((who): who is string => who !== null);
    expect(piiViewers).toEqual(expect.arrayContaining(['owner', 'boss']));
    const events = [
      { request: scope, type: 'REQUESTED', viewers: Object.keys(viewers) },
      { request: pii, type: 'REQUESTED', viewers: piiViewers },
      { request: scope, type: 'APPROVED', viewers: Object.keys(viewers) },
    ];
    for (const e of events) {
      const got: Record<string, { shared: any; alone: any }> = {};
      for (const who of e.viewers) got[who] = { shared: await eventOf(shared[who]!, e), alone: await eventOf(alone[who]!, e) };
      for (const [i, coordinate] of coordinates.entries()) {
        const bytes = (who: string, how: 'shared' | 'alone') => JSON.stringify(got[who]![how][alias(i)]);
        // Whatever the key: the shared execution gives what executing alone gives.
        for (const who of e.viewers) expect(bytes(who, 'shared'), `${coordinate} for ${who} on ${e.type}`).toBe(bytes(who, 'alone'));
        // Same key (same role, same relation to the request): the same bytes, executed alone.
        const sameKey = [['admin', 'admin2'], ['delegate1', 'delegate2'], ...(e.type === 'REQUESTED' ? [['owner', 'boss']] : [])];
        for (const [a, b] of sameKey) if (e.viewers.includes(a!) && e.viewers.includes(b!)) expect(bytes(a!, 'alone'), `${coordinate}: ${a} and ${b} on ${e.type}`).toBe(bytes(b!, 'alone'));
      }
    }
    // Keys that differ do see differently: an EDITOR delegate is not shown the requester's display name.
    const names = coordinates.indexOf('User.displayName');
    const first = (who: string) => shared[who]!.events.find((ev) => ev.request.id === scope)[alias(names)].requestedBy.displayName;
    expect([first('admin'), first('delegate1')]).toEqual(['editor of SharedFields', null]);
  }, 60_000);
});
