// Walks every cell of the permission matrix (src/authz/matrix.ts) through the public API: for each
// capability and role, a probe operation is allowed exactly when the cell is not `no`, and each
// `limited` cell is held to its limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX, ORG_ROLES, type CapabilityName, type OrgRole } from '../src/authz/matrix.ts';
import { codes, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { CreateCustomer, CustomerQ, Customers, DeleteCustomer, UpdateCustomer } from './ops.ts';
import { CreateWorkflow, RunWorkflow, WorkflowActions, WorkflowNameStatus, WorkflowRuns } from './ops.ts';
import { ApproveRequest, AssignRole, AuditEvents, CreateDimension, CreateKpi, CreateRole, InviteMember, KpiData, Kpis, RecordKpiData, RequestAccess, SetKpiPermission, Members, OrganizationQ, SetMemberStatus, UpdateMemberRole, VerifyAuditChain } from './ops.ts';

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

/** One operation (or a few) that exercises each capability on an unrestricted target. */
const probes: Record<CapabilityName, Probe> = {
  'organization.read': async (_o, as) => [await server.gql(OrganizationQ, undefined, { as }), await server.gql(Members, {}, { as })],
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
  'workflows.read': async (o, as) => {
    const id = (await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.owner })).data!.createWorkflow!.id;
    return [await server.gql(WorkflowNameStatus, { id }, { as })];
  },
  'workflows.readDetails': async (o, as) => {
    const id = (await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.owner })).data!.createWorkflow!.id;
    return [await server.gql(WorkflowActions, { id }, { as }), await server.gql(WorkflowRuns, { id }, { as })];
  },
  'workflows.create': async (_o, as) => {
    const created = await server.gql(CreateWorkflow, { input: { name: `wf${n++}`, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as });
    if (created.errors) return [created];
    return [created, await server.gql(RunWorkflow, { id: created.data!.createWorkflow!.id }, { as })];
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
