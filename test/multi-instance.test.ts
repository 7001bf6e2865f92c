// Two server instances sharing one database and Redis (CI's service suite: TEST_DATABASE_URL and
// TEST_REDIS_URL set; then this fails, never skips, when a service is unreachable). An event raised
// on one instance reaches the subscribers of the other, with the same audience rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { APPROVAL_EVENT, real, subscribe, warmUp, type Subscriber } from './live.ts';
import { ApproveRequest, CancelRequest, UpdateMemberRole } from './ops.ts';

const services = Boolean(process.env.TEST_REDIS_URL);

describe.runIf(services)('two instances with Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let urlA: string;
  let urlB: string;
  let o: OrgFixture;
  let other: OrgFixture;
  const open: Subscriber[] = [];
  beforeAll(async () => {
    a = await startTestServer({}, { approvalKinds: testApprovalKinds() });
    b = await startTestServer({}, { approvalKinds: testApprovalKinds(), database: { url: a.config.DATABASE_URL, drop: async () => {} } });
    urlA = `ws://127.0.0.1:${await a.app.start(0, '127.0.0.1')}/graphql`;
    urlB = `ws://127.0.0.1:${await b.app.start(0, '127.0.0.1')}/graphql`;
    o = await orgWithRoles(a, 'Twin');
    other = await orgWithRoles(a, 'Stranger');
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await b?.close();
    await a?.close();
  });
  const watch = (url: string, as: string, query: string) => {
    const s = subscribe(url, { devUser: as }, query);
    open.push(s);
    return s;
  };
  const EVENTS = `subscription { approvalEvents { ${APPROVAL_EVENT} } }`;

  it('delivers a request raised on one instance to deciders on both, and nobody else', async () => {
    const ownerOnB = watch(urlB, o.owner, EVENTS);
    const adminOnA = watch(urlA, o.admin, EVENTS);
    const strangerOnB = watch(urlB, other.owner, EVENTS);
    const requesterOnB = watch(urlB, o.editor, `subscription { myApprovalUpdates { ${APPROVAL_EVENT} } }`);
    // Warm-ups raised on A prove the subscriptions on both instances are registered through Redis.
    await warmUp([ownerOnB, adminOnA], () => a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
    await warmUp([strangerOnB], () => a.raise(other.editor, request('WORKFLOW', { label: 'warm-up' })));
    await warmUp([requesterOnB], async () => {
      const id = await a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' }));
      await a.gql(CancelRequest, { id }, { as: o.editor });
    });

    const pii = await a.raise(o.editor, request('PII_CHANGE'));
    const wf = await a.raise(o.editor, request('WORKFLOW'));
    await ownerOnB.waitFor((e) => e.request.id === wf);
    await adminOnA.waitFor((e) => e.request.id === wf);
    expect(real(ownerOnB).map((e) => e.request.id)).toEqual([pii, wf]);
    expect(real(adminOnA).map((e) => e.request.id)).toEqual([wf]);

    // Decided on A, seen by the requester on B.
    expect((await a.gql(ApproveRequest, { id: wf }, { as: o.owner })).errors).toBeUndefined();
    const decided = await requesterOnB.waitFor((e) => e.type === 'APPROVED');
    expect(decided.request).toMatchObject({ id: wf, status: 'APPROVED' });

    const marker = await b.raise(other.editor, request('WORKFLOW'));
    await strangerOnB.waitFor((e) => e.request.id === marker);
    expect(real(strangerOnB).map((e) => e.request.id)).toEqual([marker]);
  });

  it('ends a subscription on one instance when the role drops through the other', async () => {
    const adminOnB = watch(urlB, o.admin, EVENTS);
    await warmUp([adminOnB], () => a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
    const adminId = await userIdOf(a, o.owner, o.admin);
    expect((await a.gql(UpdateMemberRole, { userId: adminId, role: 'VIEWER' }, { as: o.owner })).errors).toBeUndefined();
    await adminOnB.ended();
    expect(adminOnB.errors[0]!.extensions.code).toBe('FORBIDDEN');
  });
});
