// Attack: an OWNER of organization A (the strongest role there) passes ids of organization B to
// every query and mutation that takes an id. Secure behaviour: NOT_FOUND or null, and nothing in
// B changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type CallOptions, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let a: OrgFixture;
let b: OrgFixture;
const A: Record<string, string> = {};
const B: Record<string, string> = {};

const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const field = (r: GqlResult<any>) => (r.data ? Object.values(r.data)[0] : null);
const must = async (r: Promise<GqlResult<any>>, path: (d: any) => any) => {
  const x = await r;
  const v = path(x.data);
  if (v === undefined || v === null) throw new Error(`setup failed: ${JSON.stringify(x.errors)}`);
  return v as string;
};

/** What B's owner sees of B: compared before and after the attack. */
async function snapshotOfB() {
  const r = await call(
    { as: b.owner },
    `{
      members(first: 50) { edges { node { role status user { email } } } }
      kpis { edges { node { key target data(first: 50) { totalCount } } } }
      roles { name parent { name } }
      groups { name members { email } roles { name } }
      customers(includeDeleted: true) { edges { node { name email phone status notes } } }
      leads(includeDeleted: true) { edges { node { name email status } } }
      workflows { edges { node { name approvalStatus enabled runs { totalCount } } } }
      approvalRequests(first: 50) { edges { node { kind status } } }
      dimensions { key values }
    }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data;
}

beforeAll(async () => {
  server = await startTestServer();
  a = await orgWithRoles(server, 'Attacker');
  b = await orgWithRoles(server, 'Victim');
  for (const [o, ids] of [[a, A], [b, B]] as const) {
    const own = { as: o.owner };
    ids.viewer = await userIdOf(server, o.owner, o.viewer);
    ids.editor = await userIdOf(server, o.owner, o.editor);
    ids.admin = await userIdOf(server, o.owner, o.admin);
    ids.ownerUser = await userIdOf(server, o.owner, o.owner);
    ids.membership = await must(call(own, `{ members { edges { node { id } } } }`), (d) => d?.members?.edges?.[1]?.node?.id);
    ids.organization = await must(call(own, `{ organization { id } }`), (d) => d?.organization?.id);
    ids.dimension = await must(call(own, `mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA"]) { id } }`), (d) => d?.createDimension?.id);
    ids.kpi = await must(call(own, `mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: ["region"], target: 10 }) { id } }`), (d) => d?.createKpi?.id);
    await call(own, `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-01-01T00:00:00Z", value: 5, dimensions: [{ dimension: "region", value: "US" }] }]) }`, { k: ids.kpi });
    ids.alert = await must(call(own, `mutation($k: ID!) { createAlert(kpiId: $k, operator: GT, threshold: 100) { id } }`, { k: ids.kpi }), (d) => d?.createAlert?.id);
    ids.role = await must(call(own, `mutation { createRole(name: "Role") { id } }`), (d) => d?.createRole?.id);
    ids.group = await must(call(own, `mutation { createGroup(name: "Group") { id } }`), (d) => d?.createGroup?.id);
    ids.scope = await must(call(own, `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "US") { id } }`, { u: ids.viewer }), (d) => d?.grantAccessScope?.id);
    ids.customer = await must(call(own, `mutation { createCustomer(input: { name: "Customer", email: "secret@victim.example", phone: "+1 555 0000 11" }) { id } }`), (d) => d?.createCustomer?.id);
    ids.lead = await must(call(own, `mutation { createLead(input: { name: "Lead", email: "lead@victim.example" }) { id } }`), (d) => d?.createLead?.id);
    ids.workflow = await must(call(own, `mutation { createWorkflow(input: { name: "Snap", actions: [{ kind: SNAPSHOT_KPI, config: { kpiKey: "revenue" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
    ids.run = await must(call(own, `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: ids.workflow }), (d) => d?.runWorkflow?.id);
    ids.riskyWorkflow = await must(
      call({ as: o.editor }, `mutation { createWorkflow(input: { name: "Risky", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "revenue", target: 1 } }] }) { id } }`),
      (d) => d?.createWorkflow?.id,
    );
    ids.reqWorkflow = await must(call(own, `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: ids.riskyWorkflow }), (d) => d?.workflow?.approvalRequest?.id);
    ids.reqAccess = await must(call({ as: o.viewer }, `mutation { requestAccess(dimension: "region", value: "EMEA", justification: "q") { id } }`), (d) => d?.requestAccess?.id);
    ids.reqPii = await must(call({ as: o.admin }, `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "changed@victim.example" }) { pendingChange { id } } }`, { id: ids.customer }), (d) => d?.updateCustomer?.pendingChange?.id);
    ids.audit = await must(call(own, `{ auditEvents(first: 1) { edges { node { id } } } }`), (d) => d?.auditEvents?.edges?.[0]?.node?.id);
    ids.invite = await must(call(own, `mutation { inviteMember(email: "pending-${o.id.slice(0, 6)}@x.test", role: VIEWER) { id } }`), (d) => d?.inviteMember?.id);
  }
});
afterAll(() => server?.close());

describe("ids of another organization, used by A's OWNER", () => {
  it('node(id) is null for every object of B', async () => {
    const leaked: string[] = [];
    for (const [name, id] of Object.entries(B)) {
      const r = await call({ as: a.owner }, `query($id: ID!) { node(id: $id) { id __typename } }`, { id });
      if (r.data?.node) leaked.push(`${name}: ${JSON.stringify(r.data.node)}`);
    }
    expect(leaked).toEqual([]);
  });

  it("the lookups by id answer null or NOT_FOUND for B's objects", async () => {
    const leaked: string[] = [];
    const lookups: [string, string, string][] = [
      ['kpi', `query($id: ID!) { kpi(id: $id) { id key } }`, B.kpi!],
      ['workflow', `query($id: ID!) { workflow(id: $id) { id name } }`, B.workflow!],
      ['customer', `query($id: ID!) { customer(id: $id) { id email } }`, B.customer!],
      ['lead', `query($id: ID!) { lead(id: $id) { id email } }`, B.lead!],
      ['approvalRequest', `query($id: ID!) { approvalRequest(id: $id) { id summary } }`, B.reqPii!],
      ['approvalRequest(access)', `query($id: ID!) { approvalRequest(id: $id) { id summary } }`, B.reqAccess!],
      ['approvalRequest(workflow)', `query($id: ID!) { approvalRequest(id: $id) { id summary } }`, B.reqWorkflow!],
    ];
    for (const [name, q, id] of lookups) {
      const r = await call({ as: a.owner }, q, { id });
      if (field(r)) leaked.push(`${name}: ${JSON.stringify(r.data)}`);
    }
    const audit = await call({ as: a.owner }, `query($u: ID!, $t: String) { byActor: auditEvents(actorId: $u) { totalCount } byTarget: auditEvents(targetId: $t) { totalCount } }`, {
      u: B.ownerUser,
      t: Buffer.from(B.customer!, 'base64').toString().split(':')[1],
    });
    expect(audit.data).toEqual({ byActor: { totalCount: 0 }, byTarget: { totalCount: 0 } });
    expect(leaked).toEqual([]);
  });

  it('every mutation with an id of B is refused and changes nothing in B', async () => {
    const before = await snapshotOfB();
    const attempts: [string, string, Record<string, unknown>][] = [
      ['approveRequest(WORKFLOW)', `mutation($id: ID!) { approveRequest(id: $id) { id status } }`, { id: B.reqWorkflow }],
      ['approveRequest(ACCESS_SCOPE)', `mutation($id: ID!) { approveRequest(id: $id) { id status } }`, { id: B.reqAccess }],
      ['approveRequest(PII_CHANGE)', `mutation($id: ID!) { approveRequest(id: $id) { id status } }`, { id: B.reqPii }],
      ['rejectRequest', `mutation($id: ID!) { rejectRequest(id: $id, reason: "x") { id status } }`, { id: B.reqPii }],
      ['cancelRequest', `mutation($id: ID!) { cancelRequest(id: $id) { id status } }`, { id: B.reqAccess }],
      ['updateWorkflow', `mutation($id: ID!) { updateWorkflow(id: $id, input: { name: "pwned", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`, { id: B.workflow }],
      ['runWorkflow', `mutation($id: ID!) { runWorkflow(id: $id) { id output } }`, { id: B.workflow }],
      ['runWorkflow(risky)', `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: B.riskyWorkflow }],
      ['deleteWorkflow', `mutation($id: ID!) { deleteWorkflow(id: $id) }`, { id: B.riskyWorkflow }],
      ['updateCustomer(plain)', `mutation($id: ID!) { updateCustomer(id: $id, input: { notes: "pwned" }) { customer { id email } } }`, { id: B.customer }],
      ['updateCustomer(pii)', `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "pwned@a.example" }) { customer { id } } }`, { id: B.customer }],
      ['deleteCustomer', `mutation($id: ID!) { deleteCustomer(id: $id, mode: HARD) { deleted } }`, { id: B.customer }],
      ['updateLead', `mutation($id: ID!) { updateLead(id: $id, input: { name: "pwned" }) { lead { id } } }`, { id: B.lead }],
      ['deleteLead', `mutation($id: ID!) { deleteLead(id: $id, mode: SOFT) { deleted } }`, { id: B.lead }],
      ['recordKpiData', `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-03-01T00:00:00Z", value: 1, dimensions: [{ dimension: "region", value: "US" }] }]) }`, { k: B.kpi }],
      ['createAlert', `mutation($k: ID!) { createAlert(kpiId: $k, operator: GT, threshold: 0) { id } }`, { k: B.kpi }],
      ['setKpiPermission(A role, B kpi)', `mutation($r: ID!, $k: ID!) { setKpiPermission(roleId: $r, kpiId: $k, access: FULL) { access } }`, { r: A.role, k: B.kpi }],
      ['setKpiPermission(B role, A kpi)', `mutation($r: ID!, $k: ID!) { setKpiPermission(roleId: $r, kpiId: $k, access: FULL) { access } }`, { r: B.role, k: A.kpi }],
      ['assignRole(A role, B user)', `mutation($r: ID!, $u: ID!) { assignRole(roleId: $r, userId: $u) { id } }`, { r: A.role, u: B.viewer }],
      ['assignRole(B role, A user)', `mutation($r: ID!, $u: ID!) { assignRole(roleId: $r, userId: $u) { id } }`, { r: B.role, u: A.viewer }],
      ['unassignRole(B role, B user)', `mutation($r: ID!, $u: ID!) { unassignRole(roleId: $r, userId: $u) { id } }`, { r: B.role, u: B.viewer }],
      ['setRoleParent(B role)', `mutation($r: ID!, $p: ID) { setRoleParent(roleId: $r, parentRoleId: $p) { id } }`, { r: B.role, p: null }],
      ['setRoleParent(A role → B parent)', `mutation($r: ID!, $p: ID) { setRoleParent(roleId: $r, parentRoleId: $p) { id } }`, { r: A.role, p: B.role }],
      ['createRole(parent in B)', `mutation($p: ID) { createRole(name: "child", parentRoleId: $p) { id } }`, { p: B.role }],
      ['addGroupMember(A group, B user)', `mutation($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }`, { g: A.group, u: B.viewer }],
      ['addGroupMember(B group, A user)', `mutation($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }`, { g: B.group, u: A.viewer }],
      ['assignGroupRole(A group, B role)', `mutation($g: ID!, $r: ID!) { assignGroupRole(groupId: $g, roleId: $r) { id } }`, { g: A.group, r: B.role }],
      ['assignGroupRole(B group, A role)', `mutation($g: ID!, $r: ID!) { assignGroupRole(groupId: $g, roleId: $r) { id } }`, { g: B.group, r: A.role }],
      ['grantAccessScope(B user)', `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "*") { id } }`, { u: B.viewer }],
      ['revokeAccessScope(B scope)', `mutation($s: ID!) { revokeAccessScope(id: $s) { id } }`, { s: B.scope }],
      ['setScopeApprover(B user)', `mutation($u: ID!) { setScopeApprover(dimension: "region", value: "*", userId: $u) }`, { u: B.viewer }],
      ['updateMemberRole(B user)', `mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { id role } }`, { u: B.ownerUser }],
      ['setMemberStatus(B user)', `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { id status } }`, { u: B.ownerUser }],
    ];
    const through: string[] = [];
    for (const [name, q, v] of attempts) {
      const r = await call({ as: a.owner }, q, v);
      if (!r.errors?.length || field(r)) through.push(`${name}: ${JSON.stringify(r.data)}`);
      else if (!['NOT_FOUND', 'BAD_USER_INPUT'].includes(r.errors[0]!.extensions?.code)) through.push(`${name}: unexpected ${JSON.stringify(r.errors[0])}`);
    }
    expect(through).toEqual([]);
    expect(await snapshotOfB()).toEqual(before);
  });

  it('ids of the wrong type are refused too (a Lead id where a Customer is expected, a Kpi id as a role)', async () => {
    const r1 = await call({ as: a.owner }, `mutation($id: ID!) { updateCustomer(id: $id, input: { notes: "x" }) { customer { id } } }`, { id: A.lead });
    expect(field(r1)).toBeFalsy();
    const r2 = await call({ as: a.owner }, `mutation($r: ID!, $u: ID!) { assignRole(roleId: $r, userId: $u) { id } }`, { r: A.kpi, u: A.viewer });
    expect(field(r2)).toBeFalsy();
  });

  it("X-Organization-Id of B gives A's owner nothing in B", async () => {
    const r = await call({ as: a.owner, org: b.id }, `{ customers { edges { node { email } } } }`);
    expect(r.data?.customers ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
