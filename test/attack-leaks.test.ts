// Attack: information leaks. PII of customers and leads for VIEWER and EDITOR anywhere; other
// members' profiles for VIEWER and EDITOR (members.read is limited to themselves); an invitee's
// display name; workflow run outputs for an EDITOR without FULL access on the KPI; existence of
// KPIs one may not see. Secure behaviour: none of it reaches the caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type CallOptions, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
const ids: Record<string, string> = {};
const PII = {
  customerEmail: 'ceo.private@acme-secret.example',
  customerPhone: '+1 555 0100 4242',
  leadEmail: 'lead.private@lead-secret.example',
  leadPhone: '+44 20 7946 0958',
  proposedEmail: 'proposed.private@acme-secret.example',
  proposedPhone: '+1 555 0199 8877',
};
const secrets = Object.values(PII);

const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const as = (email: string): CallOptions => ({ as: email });
const must = async (r: Promise<GqlResult<any>>, path: (d: any) => any) => {
  const x = await r;
  const v = path(x.data);
  if (v === undefined || v === null) throw new Error(`setup failed: ${JSON.stringify(x.errors)}`);
  return v as string;
};
/** The secrets found anywhere in a response (data or errors). */
const found = (r: unknown) => {
  const text = JSON.stringify(r).toLowerCase();
  return secrets.filter((s) => text.includes(s.toLowerCase()) || text.includes(s.replace(/\D/g, '')) && s.startsWith('+'));
};

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Leaks', { approver: 'EDITOR' });
  const own = as(o.owner);
  for (const who of ['owner', 'admin', 'editor', 'viewer', 'approver']) ids[who] = await userIdOf(server, o.owner, o.emails[who]!);
  await call(own, `mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA"]) { id } }`);
  ids.kpi = await must(call(own, `mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: ["region"] }) { id } }`), (d) => d?.createKpi?.id);
  ids.hiddenKpi = await must(call(own, `mutation { createKpi(input: { key: "board_secret_merger", name: "Secret", dimensionKeys: [] }) { id } }`), (d) => d?.createKpi?.id);
  await call(own, `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [
    { period: "2026-01-01T00:00:00Z", value: 100, dimensions: [{ dimension: "region", value: "US" }] },
    { period: "2026-01-01T00:00:00Z", value: 9000, dimensions: [{ dimension: "region", value: "EMEA" }] }]) }`, { k: ids.kpi });
  // VIEWER and EDITOR: RESTRICTED on revenue, US only.
  ids.role = await must(call(own, `mutation { createRole(name: "Analysts") { id } }`), (d) => d?.createRole?.id);
  await call(own, `mutation($r: ID!, $k: ID!) { setKpiPermission(roleId: $r, kpiId: $k, access: RESTRICTED) { access } }`, { r: ids.role, k: ids.kpi });
  for (const who of ['viewer', 'editor', 'approver']) {
    await call(own, `mutation($r: ID!, $u: ID!) { assignRole(roleId: $r, userId: $u) { id } }`, { r: ids.role, u: ids[who] });
    await call(own, `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "US") { id } }`, { u: ids[who] });
  }
  await call(own, `mutation($k: ID!) { createAlert(kpiId: $k, operator: GT, threshold: 1000) { id } }`, { k: ids.kpi });
  // The delegated EMEA approver is an EDITOR.
  await call(own, `mutation($u: ID!) { setScopeApprover(dimension: "region", value: "EMEA", userId: $u) }`, { u: ids.approver });
  ids.customer = await must(call(own, `mutation($e: String, $p: String) { createCustomer(input: { name: "Acme", email: $e, phone: $p }) { id } }`, { e: PII.customerEmail, p: PII.customerPhone }), (d) => d?.createCustomer?.id);
  ids.lead = await must(call(own, `mutation($e: String, $p: String) { createLead(input: { name: "Lead", email: $e, phone: $p }) { id } }`, { e: PII.leadEmail, p: PII.leadPhone }), (d) => d?.createLead?.id);
  // The ADMIN's PII change request (proposed values are secret to OWNER and the ADMIN).
  ids.reqPii = await must(
    call(as(o.admin), `mutation($id: ID!, $e: String, $p: String) { updateCustomer(id: $id, input: { email: $e, phone: $p }) { pendingChange { id } } }`, { id: ids.customer, e: PII.proposedEmail, p: PII.proposedPhone }),
    (d) => d?.updateCustomer?.pendingChange?.id,
  );
  // An owner's SNAPSHOT of revenue (all regions), run once; and a workflow by the EDITOR.
  ids.snap = await must(call(own, `mutation { createWorkflow(input: { name: "Owner snapshot", actions: [{ kind: SNAPSHOT_KPI, config: { kpiKey: "revenue" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
  ids.snapRun = await must(call(own, `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: ids.snap }), (d) => d?.runWorkflow?.id);
  // The viewer asks for EMEA; the admin rejects it.
  ids.reqAccess = await must(call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "EMEA", justification: "q3") { id } }`), (d) => d?.requestAccess?.id);
  await call(as(o.admin), `mutation($id: ID!) { rejectRequest(id: $id, reason: "no") { id } }`, { id: ids.reqAccess });
  ids.reqAccess2 = await must(call(as(o.editor), `mutation { requestAccess(dimension: "region", value: "EMEA", justification: "q4") { id } }`), (d) => d?.requestAccess?.id);
});
afterAll(() => server?.close());

describe('PII of customers and leads', () => {
  it('reaches no VIEWER or EDITOR through lists, lookups, nodes, pending changes, inbox or mutation results', async () => {
    const leaks: string[] = [];
    const probes: [string, string, Record<string, unknown>][] = [
      ['customers', `{ customers(first: 100) { edges { node { id name email phone pendingChanges { id summary proposedChanges requestedBy { email } } } } } }`, {}],
      ['leads', `{ leads(first: 100) { edges { node { id email phone pendingChanges { proposedChanges } } } } }`, {}],
      ['customer(id)', `query($id: ID!) { customer(id: $id) { email phone pendingChanges { proposedChanges summary } } }`, { id: ids.customer }],
      ['lead(id)', `query($id: ID!) { lead(id: $id) { email phone } }`, { id: ids.lead }],
      ['node(customer)', `query($id: ID!) { node(id: $id) { ... on Customer { email phone } } }`, { id: ids.customer }],
      ['node(lead)', `query($id: ID!) { node(id: $id) { ... on Lead { email phone } } }`, { id: ids.lead }],
      ['approvalRequests', `{ approvalRequests(first: 100) { edges { node { summary justification reason proposedChanges targetId } } } }`, {}],
      ['node(request)', `query($id: ID!) { node(id: $id) { ... on ApprovalRequest { summary proposedChanges } } }`, { id: ids.reqPii }],
      ['approvalRequest', `query($id: ID!) { approvalRequest(id: $id) { summary proposedChanges } }`, { id: ids.reqPii }],
      ['updateCustomer result', `mutation($id: ID!) { updateCustomer(id: $id, input: { notes: "touched" }) { customer { email phone pendingChanges { proposedChanges } } } }`, { id: ids.customer }],
      ['updateLead result', `mutation($id: ID!) { updateLead(id: $id, input: { source: "web" }) { lead { email phone } } }`, { id: ids.lead }],
      ['bad PII input echo', `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "not an email ${PII.customerEmail}" }) { customer { email } } }`, { id: ids.customer }],
    ];
    for (const who of [o.viewer, o.editor, o.emails.approver!])
      for (const [name, q, v] of probes) {
        const r = await call(as(who), q, v);
        // The echo probe carries the secret in the request itself: only the answer's data counts.
        const hits = name === 'bad PII input echo' ? found(r.data ?? null) : found(r);
        if (hits.length) leaks.push(`${name} as ${who}: ${hits.join(', ')}`);
      }
    expect(leaks).toEqual([]);
  });

  it('never puts PII values into audit metadata (read as OWNER)', async () => {
    await call(as(o.owner), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqPii });
    await call(as(o.owner), `mutation($id: ID!) { updateLead(id: $id, input: { phone: "+1 555 0123 9999" }) { lead { id } } }`, { id: ids.lead });
    const r = await call(as(o.owner), `{ auditEvents(first: 100) { edges { node { action metadata } } } }`);
    expect(found(r.data?.auditEvents?.edges?.map((e: any) => e.node.metadata))).toEqual([]);
    expect(JSON.stringify(r.data)).not.toContain('0123 9999');
  });
});

// Decided: a record the caller may read names who created, requested or decided it by email (the
// record's own data, needed to decide a request); the profile beyond it (the display name) is read
// only by the member themselves and by ADMIN and OWNER (members.read).
describe("other members' profiles for VIEWER and EDITOR (members.read: themselves only)", () => {
  const otherDisplayNames = () => [' of ']; // fixture display names read "<role> of <organization>"

  it("Workflow.createdBy and definedBy show no one else's profile", async () => {
    const leaks: string[] = [];
    for (const who of [o.viewer, o.editor]) {
      const r = await call(as(who), `{ workflows { edges { node { name createdBy { email displayName } definedBy { email displayName } } } } }`);
      for (const e of otherDisplayNames()) if (JSON.stringify(r.data).includes(e)) leaks.push(`${who} sees ${e} in ${JSON.stringify(r.data)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('Alert.createdBy shows no one else’s profile', async () => {
    const leaks: string[] = [];
    for (const who of [o.viewer, o.editor]) {
      const alerts = await server.db.alert.findMany({ where: { organizationId: o.id } });
      for (const a of alerts) {
        const id = Buffer.from(`Alert:${a.id}`).toString('base64');
        const r = await call(as(who), `query($id: ID!) { node(id: $id) { ... on Alert { threshold createdBy { email displayName } } } }`, { id });
        for (const e of otherDisplayNames()) if (JSON.stringify(r.data).includes(e)) leaks.push(`${who} sees ${e} in ${JSON.stringify(r.data)}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("ApprovalRequest.decidedBy (the VIEWER's own rejected request) shows no one else's profile", async () => {
    const r = await call(as(o.viewer), `query($id: ID!) { approvalRequest(id: $id) { status decidedBy { email displayName } } }`, { id: ids.reqAccess });
    expect(r.data?.approvalRequest?.status).toBe('REJECTED');
    expect(r.data?.approvalRequest?.decidedBy).toEqual({ email: o.admin, displayName: null });
  });

  it("ApprovalRequest.requestedBy (a delegated EDITOR approver's inbox) shows no one else's profile", async () => {
    const r = await call(as(o.emails.approver!), `{ approvalRequests(first: 50) { edges { node { scopeValue requestedBy { email displayName } } } } }`);
    expect(r.data?.approvalRequests?.edges?.length).toBeGreaterThan(0);
    expect(JSON.stringify(r.data)).not.toContain(' of ');
    expect(JSON.stringify(r.data)).toContain(o.editor);
  });
});

describe('an invitee is inert until they accept', () => {
  it("does not reveal the display name their account carries elsewhere, even through the audit log's actor", async () => {
    const elsewhere = await orgWithRoles(server, 'Elsewhere');
    // The ADMIN invites an existing user of another organization (display name "editor of Elsewhere").
    await call(as(o.admin), `mutation { inviteMember(email: "${elsewhere.editor}", role: VIEWER) { id } }`);
    // The invitee, not having accepted, names this organization: refused (and audited here).
    const refused = await call({ as: elsewhere.editor, org: o.id }, `{ customers { totalCount } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const r = await call(as(o.admin), `{ auditEvents(first: 100) { edges { node { action actorEmail actor { email displayName } } } } }`);
    expect(JSON.stringify(r.data)).not.toContain('editor of Elsewhere');
    const members = await call(as(o.admin), `{ members(first: 100) { edges { node { status user { email displayName } } } } }`);
    expect(JSON.stringify(members.data)).not.toContain('editor of Elsewhere');
  });
});

describe('workflow run outputs', () => {
  it("an EDITOR with RESTRICTED access reads no output of the owner's snapshot (runs, node)", async () => {
    const viaRuns = await call(as(o.editor), `query($id: ID!) { workflow(id: $id) { runs { edges { node { status output error } } } } }`, { id: ids.snap });
    expect(viaRuns.data?.workflow?.runs?.edges?.[0]?.node?.output ?? null).toBeNull();
    expect(JSON.stringify(viaRuns.data)).not.toContain('9100');
    const viaNode = await call(as(o.editor), `query($id: ID!) { node(id: $id) { ... on WorkflowRun { output } } }`, { id: ids.snapRun });
    expect(viaNode.data?.node?.output ?? null).toBeNull();
    expect(JSON.stringify(viaNode)).not.toContain('9100');
  });

  it("an EDITOR running their own workflow that an ADMIN redefined reads no output computed with the ADMIN's rights", async () => {
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "Mine", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
    await call(as(o.admin), `mutation($id: ID!) { updateWorkflow(id: $id, input: { name: "Mine", actions: [{ kind: SNAPSHOT_KPI, config: { kpiKey: "revenue" } }] }) { id } }`, { id: wf });
    const run = await call(as(o.editor), `mutation($id: ID!) { runWorkflow(id: $id) { status output error } }`, { id: wf });
    expect(JSON.stringify(run)).not.toContain('9100');
    expect(run.data?.runWorkflow?.output ?? null).toBeNull();
  });

  it('a VIEWER reads no runs at all', async () => {
    const r = await call(as(o.viewer), `query($id: ID!) { workflow(id: $id) { name runs { totalCount edges { node { output } } } } }`, { id: ids.snap });
    expect(r.data?.workflow?.runs ?? null).toBeNull();
    expect(JSON.stringify(r.data)).not.toContain('9100');
  });
});

describe('KPIs one may not see', () => {
  it('KPI rows of other regions never reach the RESTRICTED EDITOR (data, summary, alerts)', async () => {
    const r = await call(as(o.editor), `query($id: ID!) { kpi(id: $id) { data(first: 100) { totalCount edges { node { value } } } summary { count sum max } } }`, { id: ids.kpi });
    expect(r.data?.kpi?.summary).toMatchObject({ count: 1, sum: 100, max: 100 });
    expect(JSON.stringify(r.data)).not.toContain('9000');
  });

  // Not a finding kept: KPI keys are unique in an organization, so creating a taken key must be
  // refused whoever can see the KPI; the refusal names only the key the caller chose.
});
