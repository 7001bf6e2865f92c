// Attack: confused deputy. Can an EDITOR make a workflow act with someone else's permissions (the
// ADMIN who approves it, the ADMIN who runs it, a principal demoted since)? Secure behaviour: a
// workflow acts with the rights its principal (the member who last defined it) holds at run time,
// never with those of whoever approves or presses run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type CallOptions, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
const ids: Record<string, string> = {};

const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const as = (email: string): CallOptions => ({ as: email });
const must = async (r: Promise<GqlResult<any>>, path: (d: any) => any) => {
  const x = await r;
  const v = path(x.data);
  if (v === undefined || v === null) throw new Error(`setup failed: ${JSON.stringify(x.errors)}`);
  return v as string;
};
const target = async () => (await call(as(o.owner), `query($id: ID!) { kpi(id: $id) { target } }`, { id: ids.kpi })).data?.kpi?.target;
const setTarget = (value: number) => `{ name: "t${value}", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "secret", target: ${value} } }] }`;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Deputy', { admin2: 'ADMIN' });
  for (const who of ['owner', 'admin', 'admin2', 'editor', 'viewer']) ids[who] = await userIdOf(server, o.owner, o.emails[who]!);
  await call(as(o.owner), `mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA"]) { id } }`);
  // A KPI the EDITOR may not see at all.
  ids.kpi = await must(call(as(o.owner), `mutation { createKpi(input: { key: "secret", name: "Secret", dimensionKeys: ["region"], target: 1 }) { id } }`), (d) => d?.createKpi?.id);
  await call(as(o.owner), `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-01-01T00:00:00Z", value: 4242, dimensions: [{ dimension: "region", value: "EMEA" }] }]) }`, { k: ids.kpi });
});
afterAll(() => server?.close());

describe("an EDITOR borrowing someone else's rights through a workflow", () => {
  it("an EDITOR's risky workflow approved by an ADMIN still runs with the EDITOR's rights (the target of a KPI they cannot see stays)", async () => {
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: ${setTarget(777)}) { id approvalRequest { id } } }`), (d) => d?.createWorkflow?.id);
    const req = await must(call(as(o.admin), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
    expect((await call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req })).data?.approveRequest?.status).toBe('APPROVED');
    for (const runner of [o.editor, o.admin, o.owner]) {
      const run = await call(as(runner), `mutation($id: ID!) { runWorkflow(id: $id) { status error } }`, { id: wf });
      expect(run.data?.runWorkflow?.status, runner).toBe('FAILED');
    }
    expect(await target()).toBe(1);
  });

  it("an ADMIN pressing run on an EDITOR's snapshot does not lend the ADMIN's FULL access", async () => {
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "peek", actions: [{ kind: SNAPSHOT_KPI, config: { kpiKey: "secret" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
    const run = await call(as(o.admin), `mutation($id: ID!) { runWorkflow(id: $id) { status output error } }`, { id: wf });
    expect(run.data?.runWorkflow?.status).toBe('FAILED');
    expect(JSON.stringify(run)).not.toContain('4242');
    const runs = await call(as(o.editor), `query($id: ID!) { workflow(id: $id) { runs { edges { node { status output error } } } } }`, { id: wf });
    expect(JSON.stringify(runs)).not.toContain('4242');
  });

  it("an EDITOR cannot re-point an ADMIN-defined, approved workflow and keep the ADMIN as principal or the approval", async () => {
    // The EDITOR's workflow, redefined by an ADMIN (risky) and approved by another ADMIN: it runs as the first ADMIN.
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "mine", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
    await call(as(o.admin), `mutation($id: ID!) { updateWorkflow(id: $id, input: ${setTarget(5)}) { id } }`, { id: wf });
    const req = await must(call(as(o.emails.admin2!), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
    await call(as(o.emails.admin2!), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req });
    // The EDITOR now changes the target value and renames; the definition changed, so it must wait again and run as the EDITOR.
    const upd = await call(as(o.editor), `mutation($id: ID!) { updateWorkflow(id: $id, input: ${setTarget(999_999)}) { approvalStatus definedBy { id } } }`, { id: wf });
    expect(upd.data?.updateWorkflow?.approvalStatus).toBe('PENDING');
    const run = await call(as(o.editor), `mutation($id: ID!) { runWorkflow(id: $id) { status } }`, { id: wf });
    expect(run.errors?.[0]?.extensions?.code).toBe('APPROVAL_REQUIRED');
    expect(await target()).not.toBe(999_999);
    // Even once approved, it runs with the EDITOR's rights: FAILED, target kept.
    const req2 = await must(call(as(o.admin), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
    await call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req2 });
    const run2 = await call(as(o.editor), `mutation($id: ID!) { runWorkflow(id: $id) { status } }`, { id: wf });
    expect(run2.data?.runWorkflow?.status).toBe('FAILED');
    expect(await target()).not.toBe(999_999);
  });

  it('a workflow whose principal was demoted or disabled since does no more than they now could', async () => {
    const wf = await must(call(as(o.emails.admin2!), `mutation { createWorkflow(input: ${setTarget(31337)}) { id } }`), (d) => d?.createWorkflow?.id);
    const req = await must(call(as(o.owner), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
    await call(as(o.owner), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req });
    await call(as(o.owner), `mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }`, { u: ids.admin2 });
    const run = await call(as(o.owner), `mutation($id: ID!) { runWorkflow(id: $id) { status error } }`, { id: wf });
    expect(run.data?.runWorkflow?.status).toBe('FAILED');
    await call(as(o.owner), `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.admin2 });
    const run2 = await call(as(o.owner), `mutation($id: ID!) { runWorkflow(id: $id) { status error } }`, { id: wf });
    expect(run2.data?.runWorkflow?.status).toBe('FAILED');
    expect(await target()).not.toBe(31337);
  });

  it("approving a request for an older definition does not approve the newer one (stale approval)", async () => {
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: ${setTarget(11)}) { id } }`), (d) => d?.createWorkflow?.id);
    const old = await must(call(as(o.admin), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
    await call(as(o.editor), `mutation($id: ID!) { updateWorkflow(id: $id, input: ${setTarget(12)}) { id } }`, { id: wf });
    const r = await call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: old });
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const w = await call(as(o.admin), `query($id: ID!) { workflow(id: $id) { approvalStatus } }`, { id: wf });
    expect(w.data?.workflow?.approvalStatus).toBe('PENDING');
  });
});
