// Quorum approvals through the API, with the domains' own kinds: approval policies (OWNER only,
// audited, checked), the policy in force when a request is raised snapshotted on it, partial
// approvals recorded, audited and streamed as APPROVAL_PROGRESS, the effect applied by the approval
// that completes the quorum, one rejection ending a request, the requester never counting, a member
// approving once, and only the policy's roles counting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { real, subscribe, warmUp, type Subscriber } from './live.ts';
import { AuditEvents, CreateCustomer, CreateDimension, CreateKpi, CreateWorkflow, CustomerQ, DeleteCustomer, MyAccessScopes, RejectRequest, RequestAccess, SetScopeApprover } from './ops.ts';

const SetPolicy = graphql(`
  mutation QuorumSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {
    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) {
      kind subject requiredApprovals countedRoles updatedBy { email }
    }
  }
`);
const Policies = graphql(`
  query QuorumPolicies { approvalPolicies { kind subject requiredApprovals countedRoles } }
`);
const Approve = graphql(`
  mutation QuorumApprove($id: ID!, $comment: String) {
    approveRequest(id: $id, comment: $comment) {
      id status requiredApprovals countedRoles approvalCount decidedBy { email }
      approvals { approver { email } role comment }
    }
  }
`);
const Progress = graphql(`
  query QuorumProgress($id: ID!) {
    approvalRequest(id: $id) { id status requiredApprovals countedRoles approvalCount approvals { approver { email } role } }
  }
`);

let server: TestServer;
let url: string;
let o: OrgFixture;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startTestServer();
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
  o = await orgWithRoles(server, 'Quorum', { owner2: 'OWNER', admin2: 'ADMIN' });
  await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: [] } }, { as: o.owner });
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const customer = async (name = 'Jane') => (await server.gql(CreateCustomer, { input: { name, email: `${name.toLowerCase()}@example.com` } }, { as: o.owner })).data!.createCustomer!.id;
/** An ADMIN's hard delete: a PII_CHANGE request. */
const hardDeleteRequest = async (id: string, as = o.admin) => (await server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as })).data!.deleteCustomer!.pendingChange!.id;
/** An EDITOR's or ADMIN's risky workflow: a WORKFLOW request. */
const workflowRequest = async (as: string, name: string) =>
  (await server.gql(CreateWorkflow, { input: { name, actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'revenue', target: 5 } }] } }, { as })).data!.createWorkflow!.approvalRequest!.id;
const progress = async (id: string, as = o.owner) => (await server.gql(Progress, { id }, { as })).data!.approvalRequest!;
const auditOf = async (id: string) =>
  (await server.gql(AuditEvents, { targetId: rawId(id), first: 50 }, { as: o.owner })).data!.auditEvents!.edges!.map((e) => ({ action: e!.node!.action, metadata: e!.node!.metadata })).reverse();
const setPolicy = (kind: 'WORKFLOW' | 'ACCESS_SCOPE' | 'PII_CHANGE', requiredApprovals: number, countedRoles: ('OWNER' | 'ADMIN' | 'EDITOR' | 'VIEWER')[] = [], subject?: string, as = o.owner) =>
  server.gql(SetPolicy, { kind, subject, requiredApprovals, countedRoles }, { as });

describe('approval policies', () => {
  it('are set by an OWNER only, audited, and listed to every member', async () => {
    const r = await setPolicy('PII_CHANGE', 2, ['OWNER'], 'HARD_DELETE');
    expect(r.errors).toBeUndefined();
    expect(r.data!.setApprovalPolicy).toEqual({ kind: 'PII_CHANGE', subject: 'HARD_DELETE', requiredApprovals: 2, countedRoles: ['OWNER'], updatedBy: { email: o.owner } });
    const audit = await server.gql(AuditEvents, { action: 'approval.policy.set', first: 5 }, { as: o.owner });
    expect(audit.data!.auditEvents!.edges![0]!.node).toMatchObject({
      actorEmail: o.owner,
      targetType: 'ApprovalPolicy',
      metadata: { kind: 'PII_CHANGE', subject: 'HARD_DELETE', requiredApprovals: 2, countedRoles: ['OWNER'], before: { requiredApprovals: 1, countedRoles: [] } },
    });
    for (const as of [o.viewer, o.editor, o.admin]) expect((await server.gql(Policies, undefined, { as })).data!.approvalPolicies).toEqual([
      { kind: 'PII_CHANGE', subject: 'HARD_DELETE', requiredApprovals: 2, countedRoles: ['OWNER'] },
    ]);
    const admin = await setPolicy('PII_CHANGE', 1, [], 'HARD_DELETE', o.admin);
    expect(admin.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'approvals.setPolicy',
      reason: 'Permission to set approval policies (how many distinct approvals a kind of request needs, and whose count) belongs to the OWNER role; your role here is ADMIN.',
      nextStep: 'Ask a member with the OWNER role if you need it.',
      approvers: ['OWNER'],
    });
  });

  it('checks every argument', async () => {
    const field = async (r: Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>) => (await r).errors?.[0]?.extensions?.field;
    expect(await field(setPolicy('PII_CHANGE', 2, ['ADMIN']))).toBe('countedRoles');
    expect(await field(setPolicy('PII_CHANGE', 2, [], 'region'))).toBe('subject');
    expect(await field(setPolicy('WORKFLOW', 2, [], 'anything'))).toBe('subject');
    expect(await field(setPolicy('WORKFLOW', 0))).toBe('requiredApprovals');
    expect(await field(setPolicy('WORKFLOW', 11))).toBe('requiredApprovals');
    expect(await field(setPolicy('ACCESS_SCOPE', 2, [], 'x'.repeat(41)))).toBe('subject');
    expect((await server.gql(Policies, undefined, { as: o.owner })).data!.approvalPolicies).toHaveLength(1);
  });
});

describe('a PII hard delete that needs two owners', () => {
  it('records the first approval, streams its progress, and deletes on the second', async () => {
    const watching = subscribe(url, { devUser: o.emails.owner2! }, 'subscription { approvalEvents(kinds: [PII_CHANGE]) { type request { id status approvalCount requiredApprovals approvals { approver { email } } } } }');
    const requester = subscribe(url, { devUser: o.admin }, 'subscription { myApprovalUpdates { type request { id status approvalCount } } }');
    open.push(watching, requester);
    await warmUp([watching], async () => hardDeleteRequest(await customer(`Warm${Date.now()}`)));
    await warmUp([requester], async () => {
      const id = await hardDeleteRequest(await customer(`Own${Date.now()}`));
      await server.gql(RejectRequest, { id, reason: 'warm-up' }, { as: o.owner });
      return id;
    });

    const customerId = await customer('Doomed');
    const id = await hardDeleteRequest(customerId);
    expect(await progress(id)).toEqual({ id, status: 'PENDING', requiredApprovals: 2, countedRoles: ['OWNER'], approvalCount: 0, approvals: [] });

    const first = await server.gql(Approve, { id, comment: 'agreed' }, { as: o.owner });
    expect(first.errors).toBeUndefined();
    expect(first.data!.approveRequest).toEqual({
      id,
      status: 'PENDING',
      requiredApprovals: 2,
      countedRoles: ['OWNER'],
      approvalCount: 1,
      decidedBy: null,
      approvals: [{ approver: { email: o.owner }, role: 'OWNER', comment: 'agreed' }],
    });
    expect((await server.gql(CustomerQ, { id: customerId }, { as: o.owner })).data!.customer).not.toBeNull();
    const streamed = await watching.waitFor((e) => e.request.id === id && e.type === 'APPROVAL_PROGRESS');
    expect(streamed.request).toEqual({ id, status: 'PENDING', approvalCount: 1, requiredApprovals: 2, approvals: [{ approver: { email: o.owner } }] });
    expect((await requester.waitFor((e) => e.request.id === id)).type).toBe('APPROVAL_PROGRESS');

    // A member approves once.
    const again = await server.gql(Approve, { id }, { as: o.owner });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'approvals.approve-once' });

    const second = await server.gql(Approve, { id }, { as: o.emails.owner2! });
    expect(second.data!.approveRequest).toMatchObject({ status: 'APPROVED', approvalCount: 2, decidedBy: { email: o.emails.owner2 } });
    expect(second.data!.approveRequest!.approvals.map((a) => a.approver!.email)).toEqual([o.owner, o.emails.owner2]);
    expect((await server.gql(CustomerQ, { id: customerId }, { as: o.owner })).data!.customer).toBeNull();
    await requester.waitFor((e) => e.request.id === id && e.type === 'APPROVED');
    expect(real(requester).filter((e) => e.request.id === id).map((e) => [e.type, e.request.approvalCount])).toEqual([
      ['APPROVAL_PROGRESS', 1],
      ['APPROVED', 2],
    ]);
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['approval.request', 'approval.vote', 'approval.approve']);
    expect((await auditOf(id)).find((e) => e.action === 'approval.vote')!.metadata).toMatchObject({ kind: 'PII_CHANGE', approvals: 1, required: 2 });
  });

  it('keeps the policy a request was raised under', async () => {
    const underTwo = await hardDeleteRequest(await customer('Kept'));
    await setPolicy('PII_CHANGE', 1, [], 'HARD_DELETE');
    const underOne = await hardDeleteRequest(await customer('Quick'));
    expect((await progress(underTwo)).requiredApprovals).toBe(2);
    expect((await progress(underOne)).requiredApprovals).toBe(1);
    expect((await server.gql(Approve, { id: underTwo }, { as: o.owner })).data!.approveRequest!.status).toBe('PENDING');
    expect((await server.gql(Approve, { id: underOne }, { as: o.owner })).data!.approveRequest!.status).toBe('APPROVED');
    // And the other way: raised under one, approved once after the policy asks for two.
    const raisedUnderOne = await hardDeleteRequest(await customer('Early'));
    await setPolicy('PII_CHANGE', 2, ['OWNER'], 'HARD_DELETE');
    expect((await server.gql(Approve, { id: raisedUnderOne }, { as: o.owner })).data!.approveRequest!.status).toBe('APPROVED');
    expect((await server.gql(Approve, { id: underTwo }, { as: o.emails.owner2! })).data!.approveRequest!.status).toBe('APPROVED');
  });

  it('needs one owner where the organization has only one', async () => {
    const solo = await orgWithRoles(server, 'Solo');
    await setPolicy('PII_CHANGE', 2, ['OWNER'], 'HARD_DELETE', solo.owner);
    const customerId = (await server.gql(CreateCustomer, { input: { name: 'Alone' } }, { as: solo.owner })).data!.createCustomer!.id;
    const id = (await server.gql(DeleteCustomer, { id: customerId, mode: 'HARD' }, { as: solo.admin })).data!.deleteCustomer!.pendingChange!.id;
    expect(await progress(id, solo.owner)).toMatchObject({ requiredApprovals: 1, countedRoles: ['OWNER'] });
    expect((await server.gql(Approve, { id }, { as: solo.owner })).data!.approveRequest!.status).toBe('APPROVED');
  });
});

describe('quorum rules', () => {
  it('never counts the requester, and ends at one rejection', async () => {
    await setPolicy('WORKFLOW', 2);
    const id = await workflowRequest(o.admin, 'Two admins');
    // Besides the requesting admin, owner, owner2 and admin2 may approve: two are needed.
    expect(await progress(id)).toMatchObject({ requiredApprovals: 2, approvalCount: 0 });
    const self = await server.gql(Approve, { id }, { as: o.admin });
    expect(self.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'approvals.no-self-decision', approvers: ['ADMIN', 'OWNER'] });
    expect((await server.gql(Approve, { id }, { as: o.emails.admin2! })).data!.approveRequest!.approvalCount).toBe(1);
    const rejected = await server.gql(RejectRequest, { id, reason: 'not this quarter' }, { as: o.owner });
    expect(rejected.data!.rejectRequest).toMatchObject({ status: 'REJECTED', decidedBy: { email: o.owner } });
    expect(codes(await server.gql(Approve, { id }, { as: o.emails.owner2! }))).toEqual(['CONFLICT']);
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['approval.request', 'approval.vote', 'approval.reject']);
    await setPolicy('WORKFLOW', 1);
  });

  it('counts only the roles the policy names; the others may still reject', async () => {
    await setPolicy('WORKFLOW', 1, ['OWNER']);
    const id = await workflowRequest(o.editor, 'Owners only');
    const admin = await server.gql(Approve, { id }, { as: o.admin });
    expect(admin.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'approvals.quorum.counted-roles',
      reason: 'Approvals of this WORKFLOW request count only from the OWNER role (the approval policy in force when it was raised); your role here is ADMIN.',
      nextStep: 'Ask one of them to approve it; you may still reject it.',
      approvers: ['OWNER'],
    });
    expect((await server.gql(Approve, { id }, { as: o.owner })).data!.approveRequest!.status).toBe('APPROVED');
    const other = await workflowRequest(o.editor, 'Owners only, rejected');
    expect((await server.gql(RejectRequest, { id: other, reason: 'no' }, { as: o.admin })).data!.rejectRequest!.status).toBe('REJECTED');
    await setPolicy('WORKFLOW', 1);
  });

  it('keeps the default of one approval by whoever may decide', async () => {
    const id = await workflowRequest(o.editor, 'Default');
    expect(await progress(id)).toMatchObject({ requiredApprovals: 1, countedRoles: [] });
    const r = await server.gql(Approve, { id }, { as: o.admin });
    expect(r.data!.approveRequest).toMatchObject({ status: 'APPROVED', approvalCount: 1, approvals: [{ approver: { email: o.admin }, role: 'ADMIN' }] });
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['approval.request', 'approval.approve']);
  });

  it("counts a value's delegated approver toward an ACCESS_SCOPE quorum, and grants the scope on completion", async () => {
    const region = await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.owner });
    expect(region.errors).toBeUndefined();
    await server.gql(SetScopeApprover, { dimension: 'region', value: 'EMEA', userId: await userIdOf(server, o.owner, o.editor) }, { as: o.owner });
    await setPolicy('ACCESS_SCOPE', 2, [], 'region');
    const id = (await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'quarter review' }, { as: o.viewer })).data!.requestAccess!.id;
    // Eligible besides the viewer: the delegated editor, both admins and both owners; two are needed.
    expect(await progress(id)).toMatchObject({ requiredApprovals: 2, countedRoles: [] });
    const byDelegate = await server.gql(Approve, { id }, { as: o.editor });
    expect(byDelegate.data!.approveRequest).toMatchObject({ status: 'PENDING', approvalCount: 1, approvals: [{ approver: { email: o.editor }, role: 'EDITOR' }] });
    expect((await server.gql(MyAccessScopes, undefined, { as: o.viewer })).data!.myAccessScopes!.map((x) => x.value)).toEqual([]);
    expect((await server.gql(Approve, { id }, { as: o.admin })).data!.approveRequest!.status).toBe('APPROVED');
    expect((await server.gql(MyAccessScopes, undefined, { as: o.viewer })).data!.myAccessScopes!.map((x) => [x.dimension!.key, x.value])).toEqual([['region', 'EMEA']]);
  });
});
