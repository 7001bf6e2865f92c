// The approvals core through the public API, with the kinds of test/approval-kinds.ts: inbox,
// decisions, exactly-once under concurrency, self-decision, cancel, effects and audit in one
// transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { ApprovalRequestQ, ApprovalRequests, ApproveRequest, AuditEvents, CancelRequest, OrganizationQ, RejectRequest } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let other: OrgFixture;
beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  o = await orgWithRoles(server, 'Approvals', { admin2: 'ADMIN', owner2: 'OWNER', viewer2: 'VIEWER' });
  other = await orgWithRoles(server, 'Elsewhere');
});
afterAll(() => server?.close());

const inboxIds = async (as: string, variables: Record<string, unknown> = {}) => {
  const r = await server.gql(ApprovalRequests, { first: 100, ...variables }, { as });
  expect(r.errors).toBeUndefined();
  return r.data!.approvalRequests!.edges!.map((e) => e!.node!.id);
};

const auditActions = async (targetId: string) => {
  const r = await server.gql(AuditEvents, { targetId: rawId(targetId), first: 100 }, { as: o.owner });
  return r.data!.auditEvents!.edges!.map((e) => e!.node!.action);
};

describe('inbox', () => {
  it('shows each member the requests they may decide and the ones they made', async () => {
    const wf = await server.raise(o.editor, request('WORKFLOW'));
    const scope = await server.raise(o.viewer, request('ACCESS_SCOPE'));
    const pii = await server.raise(o.admin, request('PII_CHANGE'));
    const mine = await server.raise(o.emails.viewer2!, request('WORKFLOW'));

    const owner = await inboxIds(o.owner);
    expect(owner).toEqual(expect.arrayContaining([wf, scope, pii, mine]));
    const admin2 = await inboxIds(o.emails.admin2!);
    expect(admin2).toEqual(expect.arrayContaining([wf, scope, mine]));
    expect(admin2).not.toContain(pii);
    // The admin who asked for the PII change sees it, and its proposed values.
    expect(await inboxIds(o.admin)).toContain(pii);
    const asRequester = await server.gql(ApprovalRequestQ, { id: pii }, { as: o.admin });
    expect(asRequester.data?.approvalRequest?.proposedChanges).toEqual({ email: 'new.address@example.test', phone: '+1 555 0100' });
    // Editors and viewers see their own requests only.
    expect(await inboxIds(o.editor)).toEqual([wf]);
    expect(await inboxIds(o.emails.viewer2!)).toEqual([mine]);
    // Nothing crosses organizations.
    expect(await inboxIds(other.owner)).toEqual([]);
    // Null, as for an id that names no request (docs/errors.md, "Not found").
    const missing = await server.gql(ApprovalRequestQ, { id: Buffer.from('ApprovalRequest:nope').toString('base64') }, { as: o.emails.admin2! });
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toEqual({ approvalRequest: null });
    expect((await server.gql(ApprovalRequestQ, { id: wf }, { as: other.owner })).data).toEqual({ approvalRequest: null });
    expect(await server.gql(ApprovalRequestQ, { id: pii }, { as: o.emails.admin2! })).toEqual(missing);
  });

  it('filters by status and kind, newest first, and pages', async () => {
    const a = await server.raise(o.editor, request('WORKFLOW', { label: 'a' }));
    const b = await server.raise(o.editor, request('WORKFLOW', { label: 'b' }));
    await server.gql(RejectRequest, { id: a, reason: 'not now' }, { as: o.admin });
    const pending = await inboxIds(o.owner, { status: 'PENDING', kind: 'WORKFLOW' });
    expect(pending).toContain(b);
    expect(pending).not.toContain(a);
    expect(await inboxIds(o.owner, { status: 'REJECTED' })).toContain(a);
    const page = await server.gql(ApprovalRequests, { first: 1 }, { as: o.owner });
    expect(page.data!.approvalRequests!.edges).toHaveLength(1);
    expect(page.data!.approvalRequests!.pageInfo!.hasNextPage).toBe(true);
    const next = await server.gql(ApprovalRequests, { first: 1, after: page.data!.approvalRequests!.pageInfo!.endCursor }, { as: o.owner });
    expect(next.data!.approvalRequests!.edges![0]!.node!.id).not.toBe(page.data!.approvalRequests!.edges![0]!.node!.id);
    const summaries = (await server.gql(ApprovalRequests, { first: 2, kind: 'WORKFLOW' }, { as: o.owner })).data!.approvalRequests!.edges!.map((e) => e!.node!.summary);
    expect(summaries[0]).toBe('WORKFLOW test: b');
  });
});

describe('deciding', () => {
  it('approves, applies the effect and audits both in one transaction', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW', { rename: 'Approvals Renamed' }));
    const r = await server.gql(ApproveRequest, { id, comment: 'fine by me' }, { as: o.admin });
    expect(r.errors).toBeUndefined();
    expect(r.data?.approveRequest).toMatchObject({ status: 'APPROVED', reason: 'fine by me', decidedBy: { email: o.admin } });
    expect((await server.gql(OrganizationQ, undefined, { as: o.viewer })).data?.organization?.name).toBe('Approvals Renamed');
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['approval.request', 'test.applied', 'approval.approve']));
  });

  it('takes nothing when the effect refuses: still pending, no approval event', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW', { fail: true, rename: 'Never' }));
    expect(codes(await server.gql(ApproveRequest, { id }, { as: o.owner }))).toEqual(['CONFLICT']);
    expect((await server.gql(ApprovalRequestQ, { id }, { as: o.owner })).data?.approvalRequest?.status).toBe('PENDING');
    expect((await server.gql(OrganizationQ, undefined, { as: o.viewer })).data?.organization?.name).not.toBe('Never');
    expect(await auditActions(id)).toEqual(['approval.request']);
  });

  it('requires a reason to reject and changes nothing without one', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW'));
    expect(codes(await server.gql(RejectRequest, { id, reason: '   ' }, { as: o.admin }))).toEqual(['BAD_USER_INPUT']);
    expect((await server.gql(ApprovalRequestQ, { id }, { as: o.owner })).data?.approvalRequest?.status).toBe('PENDING');
    const r = await server.gql(RejectRequest, { id, reason: 'too risky this week' }, { as: o.admin });
    expect(r.data?.rejectRequest).toMatchObject({ status: 'REJECTED', reason: 'too risky this week' });
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['test.closed', 'approval.reject']));
    // The requester sees the decision and its reason.
    expect((await server.gql(ApprovalRequestQ, { id }, { as: o.editor })).data?.approvalRequest).toMatchObject({ status: 'REJECTED', reason: 'too risky this week' });
  });

  it('refuses self-decision, even to an OWNER, and audits the attempt', async () => {
    const id = await server.raise(o.owner, request('PII_CHANGE'));
    const r = await server.gql(ApproveRequest, { id }, { as: o.owner });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.rule).toBe('approvals.no-self-decision');
    expect(codes(await server.gql(RejectRequest, { id, reason: 'x' }, { as: o.owner }))).toEqual(['FORBIDDEN']);
    const denied = await server.gql(AuditEvents, { action: 'auth.denied', first: 100 }, { as: o.owner });
    expect(denied.data!.auditEvents!.edges!.some((e) => (e!.node!.metadata as any).rule === 'approvals.no-self-decision')).toBe(true);
    // Another owner may.
    expect((await server.gql(ApproveRequest, { id }, { as: o.emails.owner2! })).data?.approveRequest?.status).toBe('APPROVED');
  });

  it('refuses deciders the matrix does not name', async () => {
    const pii = await server.raise(o.editor, request('PII_CHANGE'));
    const ruleOf = async (as: string) => (await server.gql(ApproveRequest, { id: pii }, { as })).errors?.[0]?.extensions?.rule;
    expect(await ruleOf(o.admin)).toBe('approvals.decide.PII_CHANGE');
    const wf = await server.raise(o.admin, request('WORKFLOW'));
    expect(codes(await server.gql(ApproveRequest, { id: wf }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(ApproveRequest, { id: wf }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(ApproveRequest, { id: wf }, { as: other.owner }))).toEqual(['NOT_FOUND']);
    expect((await server.gql(ApprovalRequestQ, { id: wf }, { as: o.owner })).data?.approvalRequest?.status).toBe('PENDING');
  });

  it('lets a delegated approver decide the requests delegated to them, and no others', async () => {
    const viewer2 = await userIdOf(server, o.owner, o.emails.viewer2!);
    const rawViewer2 = rawId(viewer2);
    const delegated = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'region=EMEA', delegates: [rawViewer2] }));
    const notDelegated = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'region=US' }));
    expect(await inboxIds(o.emails.viewer2!)).toEqual(expect.arrayContaining([delegated]));
    expect(await inboxIds(o.emails.viewer2!)).not.toContain(notDelegated);
    expect(codes(await server.gql(ApproveRequest, { id: notDelegated }, { as: o.emails.viewer2! }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(ApproveRequest, { id: delegated }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect((await server.gql(ApproveRequest, { id: delegated }, { as: o.emails.viewer2! })).data?.approveRequest?.status).toBe('APPROVED');
  });

  it('decides exactly once under 20 concurrent approvals', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW', { label: 'race' }));
    const deciders = [o.owner, o.admin, o.emails.admin2!, o.emails.owner2!];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => server.gql(ApproveRequest, { id, comment: `#${i}` }, { as: deciders[i % deciders.length] })));
    const winners = results.filter((r) => r.data?.approveRequest?.status === 'APPROVED');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codes(r)[0] === 'CONFLICT')).toHaveLength(19);
    const actions = await auditActions(id);
    expect(actions.filter((a) => a === 'approval.approve')).toHaveLength(1);
    expect(actions.filter((a) => a === 'test.applied')).toHaveLength(1);
    const stored = (await server.gql(ApprovalRequestQ, { id }, { as: o.owner })).data!.approvalRequest!;
    expect(stored.reason).toBe(winners[0]!.data!.approveRequest!.reason);
  });

  it('decides once between approve, reject and cancel racing', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW'));
    const results = await Promise.all([
      server.gql(ApproveRequest, { id }, { as: o.owner }),
      server.gql(RejectRequest, { id, reason: 'no' }, { as: o.admin }),
      server.gql(CancelRequest, { id }, { as: o.editor }),
      server.gql(ApproveRequest, { id }, { as: o.emails.admin2! }),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codes(r)[0] === 'CONFLICT')).toHaveLength(3);
  });
});

describe('cancelling', () => {
  it('is for the requester only, and a cancelled request cannot be decided', async () => {
    const id = await server.raise(o.editor, request('WORKFLOW'));
    const byOwner = await server.gql(CancelRequest, { id }, { as: o.owner });
    expect(codes(byOwner)).toEqual(['FORBIDDEN']);
    expect(byOwner.errors![0]!.extensions!.rule).toBe('approvals.cancel-own-only');
    expect((await server.gql(CancelRequest, { id }, { as: o.editor })).data?.cancelRequest?.status).toBe('CANCELLED');
    expect(codes(await server.gql(CancelRequest, { id }, { as: o.editor }))).toEqual(['CONFLICT']);
    expect(codes(await server.gql(ApproveRequest, { id }, { as: o.owner }))).toEqual(['CONFLICT']);
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['approval.cancel', 'test.closed']));
  });

  it('answers unknown and malformed ids clearly', async () => {
    const unknown = Buffer.from('ApprovalRequest:nope').toString('base64');
    expect(codes(await server.gql(ApproveRequest, { id: unknown }, { as: o.owner }))).toEqual(['NOT_FOUND']);
    expect(codes(await server.gql(ApproveRequest, { id: '%%%' }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(RejectRequest, { id: unknown, reason: 'x' }, { as: o.owner }))).toEqual(['NOT_FOUND']);
  });
});
