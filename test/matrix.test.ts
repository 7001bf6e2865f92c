// Walks every cell of the permission matrix (src/authz/matrix.ts) through the public API: for each
// capability and role, a probe operation is allowed exactly when the cell is not `no`, and each
// `limited` cell is held to its limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX, ORG_ROLES, type CapabilityName, type OrgRole } from '../src/authz/matrix.ts';
import { codes, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { CreateCustomer, CustomerQ, Customers, DeleteCustomer, UpdateCustomer } from './ops.ts';
import { CreateWorkflow, RunWorkflow, UpdateWorkflow, WorkflowActions, WorkflowNameStatus, WorkflowRuns } from './ops.ts';
import { graphql } from './gql/index.ts';
import { DecideItem, inDays, itemsOf, OpenReview } from './reviews-ops.ts';
import { GrantAccessScope, SetScopeApprover } from './ops.ts';
import { ApproveRequest, AssignRole, AuditEvents, CreateDimension, CreateKpi, CreateRole, InviteMember, KpiData, Kpis, RecordKpiData, RequestAccess, SetKpiPermission, Members, OrganizationQ, SetMemberStatus, UpdateMemberRole, VerifyAuditChain } from './ops.ts';

const DeleteWorkflow = graphql(`
  mutation MatrixDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }
`);
const ExplainAccessProbe = graphql(`
  query MatrixExplainAccess($userId: ID!, $kpiId: ID!) { explainAccess(userId: $userId, kpiId: $kpiId) { access basis } }
`);
const SetApprovalPolicyProbe = graphql(`
  mutation MatrixSetApprovalPolicy($kind: ApprovalKind!, $requiredApprovals: Int!) { setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals) { requiredApprovals } }
`);
const PreviewWorkflowProbe = graphql(`
  query MatrixPreviewWorkflow($input: WorkflowInput!) { previewWorkflow(input: $input) { outcome } }
`);
const RunOutputs = graphql(`
  query MatrixRunOutputs($id: ID!) { workflow(id: $id) { id runs { edges { node { status output } } } } }
`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
});
afterAll(() => server?.close());

type Probe = (o: OrgFixture, as: string) => Promise<GqlResult<unknown>[]>;
let n = 0;

/** A region dimension and a KPI over it with one point, created by the owner. */
async function kpiSetup(o: OrgFixture) {
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.owner });
  const kpiId = (await server.gql(CreateKpi, { input: { key: `k${n++}`, name: 'K', dimensionKeys: ['region'] } }, { as: o.owner })).data!.createKpi!.id;
  await server.gql(RecordKpiData, { kpiId, points: [{ period: '2026-01-01T00:00:00Z', value: 1, dimensions: [{ dimension: 'region', value: 'US' }] }] }, { as: o.owner });
  return kpiId;
}

/** Grants `as` the access through a custom role (what the limited cells of kpis.read rest on). */
async function grant(o: OrgFixture, as: string, kpiId: string, access: 'FULL' | 'RESTRICTED') {
  const roleId = (await server.gql(CreateRole, { name: `r${n++}` }, { as: o.owner })).data!.createRole!.id;
  await server.gql(SetKpiPermission, { roleId, kpiId, access }, { as: o.owner });
  await server.gql(AssignRole, { roleId, userId: await userIdOf(server, o.owner, as) }, { as: o.owner });
}

const notify = (name: string) => ({ name, actions: [{ kind: 'NOTIFY' as const, config: { message: 'm' } }] });
type WorkflowInput = NonNullable<Parameters<typeof server.gql<unknown, { input: object }>>[1]>['input'];
const workflowOf = async (as: string, input: WorkflowInput) => (await server.gql(CreateWorkflow, { input } as never, { as })).data!.createWorkflow!.id;

/** Update, run and delete of one workflow. */
async function manage(id: string, as: string) {
  return [
    await server.gql(UpdateWorkflow, { id, input: notify(`renamed${n++}`) }, { as }),
    await server.gql(RunWorkflow, { id }, { as }),
    await server.gql(DeleteWorkflow, { id }, { as }),
  ];
}

/** A SNAPSHOT_KPI workflow of the owner's, run once by the owner: its output reveals the KPI. */
async function snapshotRun(o: OrgFixture) {
  const kpiId = await kpiSetup(o);
  const key = (await server.gql(KpiData, { id: kpiId }, { as: o.owner })).data!.kpi!.key;
  const id = await workflowOf(o.owner, { name: `snap${n++}`, actions: [{ kind: 'SNAPSHOT_KPI', config: { kpiKey: key } }] });
  expect((await server.gql(RunWorkflow, { id }, { as: o.owner })).data?.runWorkflow?.status).toBe('SUCCEEDED');
  return { id, kpiId };
}

/** A region dimension; `holders` get a scope on `[email, value]`; `delegate` approves US. Opens a review as `opener`; its items. */
async function reviewOf(o: OrgFixture, opener: string, holders: [string, string][], delegate?: string) {
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.owner });
  for (const [email, value] of holders)
    await server.gql(GrantAccessScope, { userId: await userIdOf(server, o.owner, email), dimension: 'region', value }, { as: o.owner });
  if (delegate) await server.gql(SetScopeApprover, { dimension: 'region', value: 'US', userId: await userIdOf(server, o.owner, delegate) }, { as: o.owner });
  const id = (await server.gql(OpenReview, { input: { title: `r${n++}`, deadline: inDays(3), defaultOutcome: 'KEEP' } }, { as: opener })).data!.openAccessReview!.id;
  return itemsOf(server, o.owner, id);
}

const UserNode = graphql(`
  query MatrixUserNode($id: ID!) { node(id: $id) { id ... on User { email displayName } } }
`);

/** What a VIEWER or EDITOR may not read of the member list: anyone but themselves. */
async function otherProfiles(o: OrgFixture, as: string) {
  const listed = await server.gql(Members, { first: 100 }, { as });
  expect(listed.data?.members?.edges?.map((e) => e!.node!.user!.email)).toEqual([as]);
  expect(listed.data?.members?.totalCount).toBe(1);
  const owner = await server.gql(UserNode, { id: await userIdOf(server, o.admin, o.owner) }, { as });
  expect(owner.data?.node ?? null).toBeNull();
  return [];
}

/** One operation (or a few) that exercises each capability on an unrestricted target. */
const probes: Record<CapabilityName, Probe> = {
  'organization.read': async (_o, as) => [await server.gql(OrganizationQ, undefined, { as })],
  'members.read': async (o, as) => {
    const r = await server.gql(Members, { first: 100 }, { as });
    const emails = r.data?.members?.edges?.map((e) => e!.node!.user!.email) ?? [];
    // The allowed case of the limited cells: oneself.
    expect(emails).toContain(as);
    if (as === o.owner || as === o.admin) expect(emails).toEqual(expect.arrayContaining([o.owner, o.admin, o.editor, o.viewer]));
    return [r];
  },
  'members.invite': async (_o, as) => [await server.gql(InviteMember, { email: `probe${n++}@matrix.test`, role: 'VIEWER' }, { as })],
  'members.setRole': async (o, as) => [await server.gql(UpdateMemberRole, { userId: await userIdOf(server, o.owner, o.emails.target!), role: 'EDITOR' }, { as })],
  'members.setStatus': async (o, as) => [
    await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, o.emails.target!), status: 'DISABLED' }, { as }),
  ],
  'audit.read': async (_o, as) => [await server.gql(AuditEvents, {}, { as }), await server.gql(VerifyAuditChain, undefined, { as })],
  // Requests raised by another member (`target`), decided by the role under test.
  'approvals.decide.WORKFLOW': async (o, as) => [await server.gql(ApproveRequest, { id: await server.raise(o.emails.target!, request('WORKFLOW')) }, { as })],
  'approvals.decide.ACCESS_SCOPE': async (o, as) => {
    // The allowed case of the limited cells: the decider is a delegated approver of the value.
    const delegate = rawId(await userIdOf(server, o.owner, as));
    const id = await server.raise(o.emails.target!, request('ACCESS_SCOPE', { delegates: [delegate] }));
    return [await server.gql(ApproveRequest, { id }, { as })];
  },
  'kpis.read': async (o, as) => {
    const kpiId = await kpiSetup(o);
    if (as === o.viewer || as === o.editor) await grant(o, as, kpiId, 'FULL');
    const r = await server.gql(KpiData, { id: kpiId }, { as });
    expect(r.data?.kpi?.data?.totalCount).toBe(1);
    return [r];
  },
  'kpis.write': async (_o, as) => [await server.gql(CreateKpi, { input: { key: `w${n++}`, name: 'W', dimensionKeys: [] } }, { as })],
  'kpis.manage': async (_o, as) => [await server.gql(CreateDimension, { key: `d${n++}`, name: 'D', values: ['a'] }, { as })],
  'kpis.requestAccess': async (o, as) => {
    await kpiSetup(o);
    return [await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'matrix probe' }, { as })];
  },
  'reviews.manage': async (o, as) => {
    await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US'] }, { as: o.owner });
    await server.gql(GrantAccessScope, { userId: await userIdOf(server, o.owner, o.emails.target!), dimension: 'region', value: 'US' }, { as: o.owner });
    const r = await server.gql(OpenReview, { input: { title: `r${n++}`, deadline: inDays(3), defaultOutcome: 'KEEP' } }, { as });
    if (!r.errors) expect(r.data?.openAccessReview?.progress).toMatchObject({ total: 1, undecided: 1 });
    return [r];
  },
  // The allowed case of every cell: an item assigned to the decider (the value's delegated approver).
  'reviews.decide': async (o, as) => {
    const [item] = await reviewOf(o, o.owner, [[o.emails.target!, 'US']], as);
    expect(item!.reviewer?.email).toBe(as);
    return [await server.gql(DecideItem, { id: item!.id, decision: 'KEEP' }, { as })];
  },
  'kpis.explainAccess': async (o, as) => {
    const kpiId = await kpiSetup(o);
    const r = await server.gql(ExplainAccessProbe, { userId: await userIdOf(server, o.owner, o.emails.target!), kpiId }, { as });
    if (!r.errors) expect(r.data?.explainAccess).toEqual({ access: 'NONE', basis: 'NO_GRANT' });
    return [r];
  },
  'workflows.read': async (o, as) => {
    const id = (await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.owner })).data!.createWorkflow!.id;
    return [await server.gql(WorkflowNameStatus, { id }, { as })];
  },
  'workflows.readDetails': async (o, as) => {
    const id = (await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.owner })).data!.createWorkflow!.id;
    return [await server.gql(WorkflowActions, { id }, { as }), await server.gql(WorkflowRuns, { id }, { as })];
  },
  'workflows.create': async (_o, as) => {
    const preview = await server.gql(PreviewWorkflowProbe, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as });
    if (!preview.errors) expect(preview.data?.previewWorkflow?.outcome).toBe('APPROVED');
    const created = await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as });
    if (created.errors) return [preview, created];
    return [preview, created, await server.gql(RunWorkflow, { id: created.data!.createWorkflow!.id }, { as })];
  },
  'workflows.manage': async (o, as) => {
    // The allowed case of an EDITOR's limited cell is a workflow of their own; the others manage the owner's.
    const creator = as === o.editor ? as : o.owner;
    return manage(await workflowOf(creator, notify(`wf${n++}`)), as);
  },
  'workflows.readOutput': async (o, as) => {
    const { id, kpiId } = await snapshotRun(o);
    // The allowed case of an EDITOR's limited cell: FULL on the KPI the output reveals.
    if (as === o.editor) await grant(o, as, kpiId, 'FULL');
    const r = await server.gql(RunOutputs, { id }, { as });
    if (!r.errors) expect(r.data?.workflow?.runs?.edges?.[0]?.node?.output).toMatchObject([{ kind: 'SNAPSHOT_KPI', kpiId }]);
    return [r];
  },
  'records.read': async (o, as) => {
    const id = (await server.gql(CreateCustomer, { input: { name: 'C', email: 'carol@example.com', phone: '555 1234' } }, { as: o.owner })).data!.createCustomer!.id;
    const r = await server.gql(CustomerQ, { id }, { as });
    if (as === o.admin || as === o.owner) expect(r.data?.customer?.email).toBe('carol@example.com');
    return [r];
  },
  'records.write': async (_o, as) => [await server.gql(CreateCustomer, { input: { name: 'W' } }, { as })],
  'records.changePii': async (o, as) => {
    const id = (await server.gql(CreateCustomer, { input: { name: 'P', email: 'p@example.com' } }, { as: o.owner })).data!.createCustomer!.id;
    return [await server.gql(UpdateCustomer, { id, input: { email: `p${n++}@example.com` } }, { as })];
  },
  'records.delete': async (o, as) => {
    const id = (await server.gql(CreateCustomer, { input: { name: 'D' } }, { as: o.owner })).data!.createCustomer!.id;
    return [await server.gql(DeleteCustomer, { id, mode: 'SOFT' }, { as })];
  },
  'records.readDeleted': async (_o, as) => [await server.gql(Customers, { includeDeleted: true }, { as })],
  'approvals.decide.PII_CHANGE': async (o, as) => [await server.gql(ApproveRequest, { id: await server.raise(o.emails.target!, request('PII_CHANGE')) }, { as })],
  'approvals.setPolicy': async (_o, as) => {
    const r = await server.gql(SetApprovalPolicyProbe, { kind: 'WORKFLOW', requiredApprovals: 1 }, { as });
    if (!r.errors) expect(r.data?.setApprovalPolicy?.requiredApprovals).toBe(1);
    return [r];
  },
};

/** The limit each `limited` cell stands for, probed with what the limit forbids. */
const limits: Partial<Record<CapabilityName, Partial<Record<OrgRole, Probe>>>> = {
  'members.invite': {
    ADMIN: async (_o, as) => [
      await server.gql(InviteMember, { email: `lim${n++}@matrix.test`, role: 'ADMIN' }, { as }),
      await server.gql(InviteMember, { email: `lim${n++}@matrix.test`, role: 'OWNER' }, { as }),
    ],
  },
  'members.setRole': {
    ADMIN: async (o, as) => [
      await server.gql(UpdateMemberRole, { userId: await userIdOf(server, o.owner, o.emails.target!), role: 'ADMIN' }, { as }),
      await server.gql(UpdateMemberRole, { userId: await userIdOf(server, o.owner, o.owner), role: 'EDITOR' }, { as }),
    ],
  },
  'members.setStatus': {
    ADMIN: async (o, as) => [await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, o.owner), status: 'DISABLED' }, { as })],
  },
  'kpis.read': {
    // A KPI no custom role of theirs grants is invisible: null, not listed.
    VIEWER: async (o, as) => {
      const kpiId = await kpiSetup(o);
      expect((await server.gql(KpiData, { id: kpiId }, { as })).data?.kpi).toBeNull();
      expect((await server.gql(Kpis, {}, { as })).data?.kpis?.edges?.map((e) => e!.node!.id)).not.toContain(kpiId);
      return [];
    },
    EDITOR: async (o, as) => {
      const kpiId = await kpiSetup(o);
      expect((await server.gql(KpiData, { id: kpiId }, { as })).data?.kpi).toBeNull();
      return [];
    },
  },
  'kpis.write': {
    EDITOR: async (o, as) => {
      const kpiId = await kpiSetup(o);
      await grant(o, as, kpiId, 'RESTRICTED');
      return [await server.gql(RecordKpiData, { kpiId, points: [{ period: '2026-02-01T00:00:00Z', value: 2, dimensions: [{ dimension: 'region', value: 'US' }] }] }, { as })];
    },
  },
  'records.read': { VIEWER: async (o, as) => {
      const id = (await server.gql(CreateCustomer, { input: { name: 'M', email: 'mia@example.com', phone: '555 9876' } }, { as: o.owner })).data!.createCustomer!.id;
      expect((await server.gql(CustomerQ, { id }, { as })).data?.customer).toMatchObject({ email: 'm***@example.com', phone: '***76' });
      return [];
    }, EDITOR: async (o, as) => {
      const id = (await server.gql(CreateCustomer, { input: { name: 'M', email: 'mia@example.com', phone: '555 9876' } }, { as: o.owner })).data!.createCustomer!.id;
      expect((await server.gql(CustomerQ, { id }, { as })).data?.customer).toMatchObject({ email: 'm***@example.com', phone: '***76' });
      return [];
    } },
  'records.changePii': { EDITOR: async (o, as) => {
      // The change is only requested: the record keeps its email until an OWNER approves.
      const id = (await server.gql(CreateCustomer, { input: { name: 'R', email: 'r@example.com' } }, { as: o.owner })).data!.createCustomer!.id;
      const r = await server.gql(UpdateCustomer, { id, input: { email: 'changed@example.com' } }, { as });
      expect(r.data?.updateCustomer?.pendingChange?.piiAction).toBe('UPDATE_PII');
      expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data?.customer?.email).toBe('r@example.com');
      return [];
    }, ADMIN: async (o, as) => {
      // The change is only requested: the record keeps its email until an OWNER approves.
      const id = (await server.gql(CreateCustomer, { input: { name: 'R', email: 'r@example.com' } }, { as: o.owner })).data!.createCustomer!.id;
      const r = await server.gql(UpdateCustomer, { id, input: { email: 'changed@example.com' } }, { as });
      expect(r.data?.updateCustomer?.pendingChange?.piiAction).toBe('UPDATE_PII');
      expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data?.customer?.email).toBe('r@example.com');
      return [];
    } },
  'records.delete': {
    ADMIN: async (o, as) => {
      const id = (await server.gql(CreateCustomer, { input: { name: 'X' } }, { as: o.owner })).data!.createCustomer!.id;
      const r = await server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as });
      expect(r.data?.deleteCustomer).toMatchObject({ deleted: false, pendingChange: { piiAction: 'HARD_DELETE' } });
      expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data?.customer).not.toBeNull();
      return [];
    },
  },
  'workflows.create': {
    EDITOR: async (_o, as) => {
      // A risky workflow of theirs waits: it cannot run until someone else approves it.
      const wf = (await server.gql(CreateWorkflow, { input: { name: `risky${n++}`, actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'k', target: 1 } }] } }, { as })).data!.createWorkflow!;
      expect(wf.approvalStatus).toBe('PENDING');
      expect(codes(await server.gql(RunWorkflow, { id: wf.id }, { as }))).toEqual(['APPROVAL_REQUIRED']);
      expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as }))).toEqual(['FORBIDDEN']);
      return [];
    },
    ADMIN: async (_o, as) => {
      // A risky workflow of theirs waits: it cannot run until someone else approves it.
      const wf = (await server.gql(CreateWorkflow, { input: { name: `risky${n++}`, actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'k', target: 1 } }] } }, { as })).data!.createWorkflow!;
      expect(wf.approvalStatus).toBe('PENDING');
      expect(codes(await server.gql(RunWorkflow, { id: wf.id }, { as }))).toEqual(['APPROVAL_REQUIRED']);
      expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as }))).toEqual(['FORBIDDEN']);
      return [];
    },
  },
  'members.read': {
    // Anyone else's membership and profile: not listed, and not found by id.
    VIEWER: async (o, as) => otherProfiles(o, as),
    EDITOR: async (o, as) => otherProfiles(o, as),
  },
  'workflows.manage': {
    // An EDITOR may not touch a workflow someone else created.
    EDITOR: async (o, as) => manage(await workflowOf(o.owner, notify(`wf${n++}`)), as),
    // An ADMIN's risky change waits for approval by someone else: it does not run meanwhile.
    ADMIN: async (o, as) => {
      const id = await workflowOf(o.owner, notify(`wf${n++}`));
      const updated = await server.gql(UpdateWorkflow, { id, input: { name: 'risky', actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'k', target: 1 } }] } }, { as });
      expect(updated.data?.updateWorkflow?.approvalStatus).toBe('PENDING');
      expect(codes(await server.gql(RunWorkflow, { id }, { as }))).toEqual(['APPROVAL_REQUIRED']);
      return [];
    },
  },
  'workflows.readOutput': {
    // No grant on the KPI the output reveals: the output is withheld, the run itself is not.
    EDITOR: async (o, as) => {
      const { id } = await snapshotRun(o);
      const r = await server.gql(RunOutputs, { id }, { as });
      expect(r.data?.workflow?.runs?.edges?.[0]?.node).toEqual({ status: 'SUCCEEDED', output: null });
      expect(r.errors?.[0]?.path).toEqual(['workflow', 'runs', 'edges', 0, 'node', 'output']);
      return [r];
    },
  },
  'reviews.decide': {
    // Someone else's item, and an item about their own access (even where they are the value's delegate).
    VIEWER: async (o, as) => {
      const items = (await reviewOf(o, o.owner, [[o.emails.target!, 'EMEA'], [as, 'US']], as)).filter((i) => i.reviewer?.email !== as || i.subject?.email === as);
      expect(items).toHaveLength(2);
      return Promise.all(items.map((i) => server.gql(DecideItem, { id: i.id, decision: 'REVOKE' }, { as })));
    },
    EDITOR: async (o, as) => {
      const items = (await reviewOf(o, o.owner, [[o.emails.target!, 'EMEA'], [as, 'US']], as)).filter((i) => i.reviewer?.email !== as || i.subject?.email === as);
      expect(items).toHaveLength(2);
      return Promise.all(items.map((i) => server.gql(DecideItem, { id: i.id, decision: 'REVOKE' }, { as })));
    },
    // Their own access, opened by the other manager.
    ADMIN: async (o, as) => {
      const own = (await reviewOf(o, o.owner, [[as, 'EMEA']])).filter((i) => i.subject?.email === as);
      expect(own).toHaveLength(1);
      return [await server.gql(DecideItem, { id: own[0]!.id, decision: 'KEEP' }, { as })];
    },
    OWNER: async (o, as) => {
      const own = (await reviewOf(o, o.admin, [[as, 'EMEA']])).filter((i) => i.subject?.email === as);
      expect(own).toHaveLength(1);
      return [await server.gql(DecideItem, { id: own[0]!.id, decision: 'KEEP' }, { as })];
    },
  },
  'approvals.decide.ACCESS_SCOPE': {
    // Not a delegated approver of the requested value.
    VIEWER: async (o, as) => [await server.gql(ApproveRequest, { id: await server.raise(o.emails.target!, request('ACCESS_SCOPE')) }, { as })],
    EDITOR: async (o, as) => [await server.gql(ApproveRequest, { id: await server.raise(o.emails.target!, request('ACCESS_SCOPE')) }, { as })],
  },
};

describe('permission matrix', () => {
  for (const [capability, { cells }] of Object.entries(MATRIX) as [CapabilityName, (typeof MATRIX)[CapabilityName]][]) {
    for (const role of ORG_ROLES) {
      const cell = cells[role];
      it(`${capability} × ${role}: ${cell}`, async () => {
        const o = await orgWithRoles(server, 'Matrix', { target: 'VIEWER' });
        const as = { OWNER: o.owner, ADMIN: o.admin, EDITOR: o.editor, VIEWER: o.viewer }[role];
        const results = await probes[capability](o, as);
        for (const r of results) expect(codes(r)).toEqual(cell === 'no' ? ['FORBIDDEN'] : []);
        if (cell === 'limited') {
          const limit = limits[capability]?.[role];
          expect(limit, `a limited cell needs a limit probe`).toBeDefined();
          for (const r of await limit!(o, as)) expect(codes(r)).toEqual(['FORBIDDEN']);
        }
      });
    }
  }
});
