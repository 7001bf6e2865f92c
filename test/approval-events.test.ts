// Live approval events over real graphql-ws connections (and once over SSE): who receives what,
// revocation when a role drops or a membership is disabled, and FORBIDDEN for whoever may decide
// nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { APPROVAL_EVENT, real, subscribe, warmUp, type Subscriber } from './live.ts';
import { ApproveRequest, CancelRequest, RejectRequest, SetMemberStatus, UpdateMemberRole } from './ops.ts';

let server: TestServer;
let url: string;
let port: number;
const open: Subscriber[] = [];
beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  port = await server.app.start(0, '127.0.0.1');
  url = `ws://127.0.0.1:${port}/graphql`;
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const EVENTS = `subscription($kinds: [ApprovalKind!]) { approvalEvents(kinds: $kinds) { ${APPROVAL_EVENT} } }`;
const MINE = `subscription { myApprovalUpdates { ${APPROVAL_EVENT} } }`;

function watch(as: string, query = EVENTS, variables?: Record<string, unknown>) {
  const s = subscribe(url, { devUser: as }, query, variables);
  open.push(s);
  return s;
}

const ids = (s: Subscriber) => real(s).map((e) => e.request.id);
/** A WORKFLOW request every decider of the organization receives. */
const warmRequest = (as: string) => () => server.raise(as, request('WORKFLOW', { label: 'warm-up' }));
/** A cancelled request of `as`: what their myApprovalUpdates receives. */
const warmOwn = (as: string) => async () => {
  const id = await server.raise(as, request('WORKFLOW', { label: 'warm-up' }));
  await server.gql(CancelRequest, { id }, { as });
  return id;
};

describe('approvalEvents', () => {
  let o: OrgFixture;
  let other: OrgFixture;
  beforeAll(async () => {
    o = await orgWithRoles(server, 'Live', { admin2: 'ADMIN', delegate: 'VIEWER' });
    other = await orgWithRoles(server, 'Afar');
  });

  it('reaches exactly the members who may decide the request, in its organization', async () => {
    const owner = watch(o.owner);
    const admin = watch(o.admin);
    const adminWorkflowOnly = watch(o.emails.admin2!, EVENTS, { kinds: ['WORKFLOW'] });
    const outsider = watch(other.owner);
    const requester = watch(o.emails.admin2!);
    await warmUp([owner, admin, adminWorkflowOnly, requester], warmRequest(o.editor));
    await warmUp([outsider], warmRequest(other.editor));

    const pii = await server.raise(o.editor, request('PII_CHANGE', { label: 'pii' }));
    const scope = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'scope' }));
    const own = await server.raise(o.emails.admin2!, request('WORKFLOW', { label: 'own' }));
    // A marker every decider of this organization receives, last: whatever was not delivered
    // before it was not delivered at all.
    const marker = await server.raise(o.editor, request('WORKFLOW', { label: 'marker' }));
    const otherMarker = await server.raise(other.editor, request('WORKFLOW', { label: 'other marker' }));

    const isMarker = (e: any) => e.request.id === marker;
    await Promise.all([owner.waitFor(isMarker), admin.waitFor(isMarker), adminWorkflowOnly.waitFor(isMarker), requester.waitFor(isMarker)]);
    await outsider.waitFor((e) => e.request.id === otherMarker);

    expect(ids(owner)).toEqual([pii, scope, own, marker]);
    expect(real(owner)[0]).toMatchObject({ type: 'REQUESTED', request: { kind: 'PII_CHANGE', status: 'PENDING', summary: 'PII_CHANGE test: pii', requestedBy: { email: o.editor } } });
    expect(ids(admin)).toEqual([scope, own, marker]); // not PII_CHANGE
    expect(ids(adminWorkflowOnly)).toEqual([marker]); // kinds filter, and not their own request
    expect(ids(requester)).toEqual([scope, marker]);
    expect(ids(outsider)).toEqual([otherMarker]);
  });

  it('streams decisions to deciders and to the requester', async () => {
    const owner = watch(o.owner);
    const mine = watch(o.editor, MINE);
    const othersMine = watch(o.viewer, MINE);
    await warmUp([owner], warmRequest(o.editor));
    await warmUp([mine], warmOwn(o.editor));
    await warmUp([othersMine], warmOwn(o.viewer));
    const approved = await server.raise(o.editor, request('WORKFLOW'));
    const rejected = await server.raise(o.editor, request('WORKFLOW'));
    const cancelled = await server.raise(o.editor, request('WORKFLOW'));
    expect((await server.gql(ApproveRequest, { id: approved }, { as: o.admin })).errors).toBeUndefined();
    expect((await server.gql(RejectRequest, { id: rejected, reason: 'no' }, { as: o.admin })).errors).toBeUndefined();
    expect((await server.gql(CancelRequest, { id: cancelled }, { as: o.editor })).errors).toBeUndefined();
    await mine.waitFor((e) => e.type === 'CANCELLED' && e.request.id === cancelled);
    expect(real(mine).map((e) => [e.type, e.request.id])).toEqual([
      ['APPROVED', approved],
      ['REJECTED', rejected],
      ['CANCELLED', cancelled],
    ]);
    await owner.waitFor((e) => e.type === 'CANCELLED' && e.request.id === cancelled);
    expect(real(owner).filter((e) => e.type !== 'REQUESTED').map((e) => e.type)).toEqual(['APPROVED', 'REJECTED', 'CANCELLED']);
    expect(real(othersMine)).toEqual([]);
  });

  it('delivers ACCESS_SCOPE requests to their delegated approver only', async () => {
    const delegateId = rawId(await userIdOf(server, o.owner, o.emails.delegate!));
    // The delegate needs a delegation before subscribing, or they may decide nothing.
    await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'first', delegates: [delegateId] }));
    const delegate = watch(o.emails.delegate!);
    const plainViewer = watch(o.viewer);
    await warmUp([delegate], () => server.raise(o.editor, request('ACCESS_SCOPE', { label: 'warm-up', delegates: [delegateId] })));
    const notTheirs = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'not theirs' }));
    const theirs = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'theirs', delegates: [delegateId] }));
    await delegate.waitFor((e) => e.request.id === theirs);
    expect(ids(delegate)).toEqual([theirs]);
    expect(ids(delegate)).not.toContain(notTheirs);
    await plainViewer.ended();
    expect(plainViewer.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN', rule: 'approvals.subscribe' } }]);
    expect(plainViewer.events).toEqual([]);
  });

  it('refuses a subscriber who may decide nothing, and one who is not signed in', async () => {
    for (const as of [o.viewer, o.editor]) {
      const s = watch(as);
      await s.ended();
      expect(s.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN', rule: 'approvals.subscribe' } }]);
      expect(s.events).toEqual([]);
    }
    const anonymous = subscribe(url, {}, EVENTS);
    open.push(anonymous);
    await anonymous.ended();
    // A socket without credentials is refused outright (4401), before any subscription.
    expect(anonymous.errors[0]).toMatchObject({ code: 4401 });
  });
});

describe('revocation', () => {
  it('ends the stream of an admin demoted to editor, and of a disabled owner', async () => {
    const o = await orgWithRoles(server, 'Revoke', { owner2: 'OWNER' });
    const admin = watch(o.admin);
    const owner2 = watch(o.emails.owner2!);
    await warmUp([admin, owner2], warmRequest(o.editor));
    const before = await server.raise(o.editor, request('WORKFLOW'));
    await admin.waitFor((e) => e.request.id === before);
    await owner2.waitFor((e) => e.request.id === before);

    const adminId = await userIdOf(server, o.owner, o.admin);
    expect((await server.gql(UpdateMemberRole, { userId: adminId, role: 'EDITOR' }, { as: o.owner })).errors).toBeUndefined();
    await admin.ended();
    expect(admin.errors[0]!.extensions.code).toBe('FORBIDDEN');

    const owner2Id = await userIdOf(server, o.owner, o.emails.owner2!);
    expect((await server.gql(SetMemberStatus, { userId: owner2Id, status: 'DISABLED' }, { as: o.owner })).errors).toBeUndefined();
    await owner2.ended();
    expect(owner2.errors[0]!.extensions.code).toBe('FORBIDDEN');

    const after = await server.raise(o.editor, request('WORKFLOW'));
    const owner = watch(o.owner);
    await warmUp([owner], warmRequest(o.editor));
    const marker = await server.raise(o.editor, request('WORKFLOW'));
    await owner.waitFor((e) => e.request.id === marker);
    expect(ids(admin)).toEqual([before]);
    expect(ids(owner2)).toEqual([before]);
    expect(ids(owner)).not.toContain(after);
  });

  it('keeps an owner demoted to admin subscribed, without PII_CHANGE events', async () => {
    const o = await orgWithRoles(server, 'Demote', { owner2: 'OWNER' });
    const s = watch(o.emails.owner2!);
    await warmUp([s], warmRequest(o.editor));
    const id = await userIdOf(server, o.owner, o.emails.owner2!);
    expect((await server.gql(UpdateMemberRole, { userId: id, role: 'ADMIN' }, { as: o.owner })).errors).toBeUndefined();
    const pii = await server.raise(o.editor, request('PII_CHANGE'));
    const marker = await server.raise(o.editor, request('WORKFLOW'));
    await s.waitFor((e) => e.request.id === marker);
    expect(ids(s)).toEqual([marker]);
    expect(ids(s)).not.toContain(pii);
    expect(s.completed).toBe(false);
  });
});

describe('over SSE', () => {
  it('streams the same events with the same rules', async () => {
    const o = await orgWithRoles(server, 'Sse');
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-dev-user': o.owner },
      body: JSON.stringify({ query: EVENTS }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    // Read in the background; raise until the stream shows one (the subscription registers asynchronously).
    let text = '';
    void (async () => {
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) return;
        text += new TextDecoder().decode(r.value);
      }
    })();
    const raised: string[] = [];
    for (let attempt = 0; attempt < 50 && !raised.some((id) => text.includes(id)); attempt++) {
      raised.push(await server.raise(o.editor, request('WORKFLOW', { label: 'over sse' })));
      for (let wait = 0; wait < 15 && !raised.some((id) => text.includes(id)); wait++) await new Promise((r) => setTimeout(r, 20));
    }
    expect(raised.some((id) => text.includes(id))).toBe(true);
    expect(text).toContain('WORKFLOW test: over sse');
    controller.abort();

    // A VIEWER decides nothing: the stream carries the refusal and completes.
    const refused = await server.app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-dev-user': o.viewer },
      body: JSON.stringify({ query: EVENTS }),
    });
    const frames = (await refused.text())
      .split('\n\n')
      .filter((frame) => frame.startsWith('event:'))
      .map((frame) => {
        const [event, data] = frame.split('\n').map((line) => line.slice(line.indexOf(':') + 1).trim());
        return { event, data: data ? JSON.parse(data) : null };
      });
    const reason = 'You may decide no approval requests in this organization (your role is VIEWER and no dimension values are delegated to you), so this subscription has ended.';
    const nextStep = 'Use myApprovalUpdates to follow your own requests.';
    expect(frames).toEqual([
      {
        event: 'next',
        data: {
          errors: [
            {
              message: `${reason} ${nextStep}`,
              locations: [{ line: 1, column: 41 }],
              path: ['approvalEvents'],
              extensions: { code: 'FORBIDDEN', rule: 'approvals.subscribe', reason, nextStep, approvers: ['ADMIN', 'OWNER'] },
            },
          ],
        },
      },
      { event: 'complete', data: null },
    ]);
  });
});
