// Attack: every mutation of schema.graphql (the list is checked against the schema), as every role
// the matrix refuses (src/authz/matrix.ts), with ids of another organization, as a DISABLED member
// (an OWNER, the strongest role), as an INVITED-not-accepted member (invited as OWNER), as a member
// of another organization naming this one, anonymously and with forged tokens. Secure behaviour:
// none of these calls gets through (no data, an error), and the limited cells hold to their limits
// (a request instead of an effect, never the effect itself).
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type CallOptions, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
let other: OrgFixture;
const ids: Record<string, string> = {};
const INVITED = 'invited-owner@attack-matrix.test';

const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const as = (email: string): CallOptions => ({ as: email });
const field = (r: GqlResult<any>) => (r.data ? Object.values(r.data)[0] : null);
const gotThrough = (r: GqlResult<any>) => !r.errors?.length || (field(r) !== null && field(r) !== undefined);
const must = async (r: Promise<GqlResult<any>>, path: (d: any) => any) => {
  const x = await r;
  const v = path(x.data);
  if (v === undefined || v === null) throw new Error(`setup failed: ${JSON.stringify(x.errors)}`);
  return v as string;
};

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Matrix', { disabledOwner: 'OWNER', target: 'VIEWER', requester: 'EDITOR' });
  other = await orgWithRoles(server, 'Outside');
  const own = as(o.owner);
  for (const who of ['owner', 'admin', 'editor', 'viewer', 'disabledOwner', 'target', 'requester'])
    ids[who] = await userIdOf(server, o.owner, o.emails[who]!);
  await call(own, `mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA", "APAC"]) { id } }`);
  ids.kpi = await must(call(own, `mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: ["region"] }) { id } }`), (d) => d?.createKpi?.id);
  await call(own, `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-01-01T00:00:00Z", value: 5, dimensions: [{ dimension: "region", value: "US" }] }]) }`, { k: ids.kpi });
  ids.role = await must(call(own, `mutation { createRole(name: "Analysts") { id } }`), (d) => d?.createRole?.id);
  ids.role2 = await must(call(own, `mutation { createRole(name: "Seniors") { id } }`), (d) => d?.createRole?.id);
  ids.group = await must(call(own, `mutation { createGroup(name: "Team") { id } }`), (d) => d?.createGroup?.id);
  ids.scope = await must(call(own, `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "US") { id } }`, { u: ids.viewer }), (d) => d?.grantAccessScope?.id);
  ids.customer = await must(call(own, `mutation { createCustomer(input: { name: "Acme", email: "ceo@acme.example", phone: "+1 555 0100 42" }) { id } }`), (d) => d?.createCustomer?.id);
  ids.lead = await must(call(own, `mutation { createLead(input: { name: "Lead", email: "lead@acme.example", phone: "+1 555 0199 77" }) { id } }`), (d) => d?.createLead?.id);
  ids.wfOwner = await must(call(own, `mutation { createWorkflow(input: { name: "owner wf", actions: [{ kind: NOTIFY, config: { message: "hi" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
  ids.wfEditor = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "editor wf", actions: [{ kind: NOTIFY, config: { message: "hi" } }] }) { id } }`), (d) => d?.createWorkflow?.id);
  // Pending requests of each kind.
  ids.reqAccess = await must(call(as(o.emails.requester!), `mutation { requestAccess(dimension: "region", value: "EMEA", justification: "need it") { id } }`), (d) => d?.requestAccess?.id);
  ids.reqPii = await must(call(as(o.admin), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "new@acme.example" }) { pendingChange { id } } }`, { id: ids.customer }), (d) => d?.updateCustomer?.pendingChange?.id);
  ids.wfRisky = await must(
    call(as(o.emails.requester!), `mutation { createWorkflow(input: { name: "risky", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "revenue", target: 1 } }] }) { id approvalRequest { id } } }`),
    (d) => d?.createWorkflow?.id,
  );
  ids.reqWf = await must(call(as(o.owner), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: ids.wfRisky }), (d) => d?.workflow?.approvalRequest?.id);
  // The disabled OWNER (another active owner remains) and the invitation as OWNER, never accepted.
  await call(own, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.disabledOwner });
  await call(own, `mutation { inviteMember(email: "${INVITED}", role: OWNER) { id } }`);
  // A member elsewhere, invited here (INVITED, never accepted), who names this organization.
  await call(own, `mutation { inviteMember(email: "${other.admin}", role: OWNER) { id } }`);
  // An access review over the viewer's US scope; its item is about the viewer, so the viewer may not decide it.
  const review = `mutation($v: String!) { openAccessReview(input: { title: "Recertify", deadline: "${new Date(Date.now() + 7 * 86_400_000).toISOString()}", defaultOutcome: KEEP, dimension: "region", value: $v }) { id items(first: 10) { edges { node { id } } } } }`;
  ids.reviewItem = await must(call(own, review, { v: 'US' }), (d) => d?.openAccessReview?.items?.edges?.[0]?.node?.id);
  // The same in the other organization: its KPI and its review item are ids no member here may use.
  const theirs = as(other.owner);
  await call(theirs, `mutation { createDimension(key: "region", name: "Region", values: ["US"]) { id } }`);
  ids.otherKpi = await must(call(theirs, `mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: ["region"] }) { id } }`), (d) => d?.createKpi?.id);
  const theirViewer = await userIdOf(server, other.owner, other.viewer);
  await must(call(theirs, `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "US") { id } }`, { u: theirViewer }), (d) => d?.grantAccessScope?.id);
  ids.otherReviewItem = await must(
    call(theirs, `mutation($v: String!) { openAccessReview(input: { title: "Theirs", deadline: "${new Date(Date.now() + 7 * 86_400_000).toISOString()}", defaultOutcome: KEEP, dimension: "region", value: $v }) { items(first: 10) { edges { node { id } } } } }`, { v: 'US' }),
    (d) => d?.openAccessReview?.items?.edges?.[0]?.node?.id,
  );
});
afterAll(() => server?.close());

const EVERY_ROLE = ['viewer', 'editor', 'admin', 'owner'];
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

/**
 * Every mutation, with valid arguments, named `mutationField(case)`. `refused`: the members the
 * matrix (or a limit) refuses; `foreign`: the ids belong to another organization, so nobody here
 * gets through.
 */
const MUTATIONS: { name: string; refused: string[]; foreign?: true; run: (opts: CallOptions) => Promise<GqlResult<any>> }[] = [
  // kpis.manage: ADMIN, OWNER
  ...[
    ['createDimension', () => `mutation { createDimension(key: "d${Math.random().toString(36).slice(2, 8)}", name: "D", values: ["a"]) { id } }`, () => ({})],
    ['createRole', () => `mutation { createRole(name: "r${Math.random()}") { id } }`, () => ({})],
    ['createGroup', () => `mutation { createGroup(name: "g${Math.random()}") { id } }`, () => ({})],
    ['setRoleParent', () => `mutation($r: ID!, $p: ID) { setRoleParent(roleId: $r, parentRoleId: $p) { id } }`, () => ({ r: ids.role2, p: ids.role })],
    ['assignRole', () => `mutation($r: ID!, $u: ID!) { assignRole(roleId: $r, userId: $u) { id } }`, () => ({ r: ids.role, u: ids.viewer })],
    ['unassignRole', () => `mutation($r: ID!, $u: ID!) { unassignRole(roleId: $r, userId: $u) { id } }`, () => ({ r: ids.role, u: ids.viewer })],
    ['addGroupMember', () => `mutation($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }`, () => ({ g: ids.group, u: ids.viewer })],
    ['assignGroupRole', () => `mutation($g: ID!, $r: ID!) { assignGroupRole(groupId: $g, roleId: $r) { id } }`, () => ({ g: ids.group, r: ids.role })],
    ['setKpiPermission', () => `mutation($r: ID!, $k: ID!) { setKpiPermission(roleId: $r, kpiId: $k, access: FULL) { access } }`, () => ({ r: ids.role, k: ids.kpi })],
    ['grantAccessScope', () => `mutation($u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: "*") { id } }`, () => ({ u: ids.editor })],
    ['revokeAccessScope', () => `mutation($s: ID!) { revokeAccessScope(id: $s) { id } }`, () => ({ s: ids.scope })],
    ['setScopeApprover', () => `mutation($u: ID!) { setScopeApprover(dimension: "region", value: "*", userId: $u) }`, () => ({ u: ids.editor })],
  ].map(([name, q, v]) => ({ name: name as string, refused: ['viewer', 'editor'], run: (opts: CallOptions) => call(opts, (q as () => string)(), (v as () => object)() as Record<string, unknown>) })),
  // kpis.write: EDITOR (limited), ADMIN, OWNER
  { name: 'createKpi', refused: ['viewer'], run: (opts) => call(opts, `mutation { createKpi(input: { key: "k${Math.random().toString(36).slice(2, 8)}", name: "K", dimensionKeys: ["region"] }) { id } }`) },
  {
    name: 'recordKpiData',
    // EDITOR has no FULL access on the owner's KPI: the limit refuses it.
    refused: ['viewer', 'editor'],
    run: (opts) => call(opts, `mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-02-01T00:00:00Z", value: 666, dimensions: [{ dimension: "region", value: "EMEA" }] }]) }`, { k: ids.kpi }),
  },
  // kpis.manage, for the whole organization
  {
    name: 'setMaxAccessDays',
    refused: ['viewer', 'editor'],
    run: (opts) => call(opts, `mutation { setMaxAccessDays(days: 365) { id } }`),
  },
  { name: 'createAlert', refused: ['viewer'], run: (opts) => call(opts, `mutation($k: ID!) { createAlert(kpiId: $k, operator: GT, threshold: 1) { id } }`, { k: ids.kpi }) },
  // kpis.requestAccess: VIEWER, EDITOR only
  { name: 'requestAccess', refused: ['admin', 'owner'], run: (opts) => call(opts, `mutation { requestAccess(dimension: "region", value: "APAC", justification: "x") { id } }`) },
  // members
  { name: 'inviteMember(EDITOR)', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation { inviteMember(email: "x${Math.random().toString(36).slice(2, 8)}@matrix.test", role: EDITOR) { id token } }`) },
  { name: 'inviteMember(ADMIN)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation { inviteMember(email: "y${Math.random().toString(36).slice(2, 8)}@matrix.test", role: ADMIN) { id token } }`) },
  { name: 'inviteMember(OWNER)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation { inviteMember(email: "z${Math.random().toString(36).slice(2, 8)}@matrix.test", role: OWNER) { id token } }`) },
  { name: 'updateMemberRole(target→EDITOR)', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($u: ID!) { updateMemberRole(userId: $u, role: EDITOR) { role } }`, { u: ids.target }) },
  { name: 'updateMemberRole(target→ADMIN)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($u: ID!) { updateMemberRole(userId: $u, role: ADMIN) { role } }`, { u: ids.target }) },
  { name: 'updateMemberRole(owner→VIEWER)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }`, { u: ids.owner }) },
  { name: 'setMemberStatus(target)', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.target }) },
  { name: 'setMemberStatus(owner)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.owner }) },
  { name: 'setMemberStatus(disabledOwner→ACTIVE)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($u: ID!) { setMemberStatus(userId: $u, status: ACTIVE) { status } }`, { u: ids.disabledOwner }) },
  // records
  { name: 'createCustomer', refused: ['viewer'], run: (opts) => call(opts, `mutation { createCustomer(input: { name: "C" }) { id } }`) },
  { name: 'createLead', refused: ['viewer'], run: (opts) => call(opts, `mutation { createLead(input: { name: "L" }) { id } }`) },
  { name: 'updateCustomer(name)', refused: ['viewer'], run: (opts) => call(opts, `mutation($id: ID!) { updateCustomer(id: $id, input: { notes: "n" }) { customer { id } } }`, { id: ids.customer }) },
  { name: 'updateLead(name)', refused: ['viewer'], run: (opts) => call(opts, `mutation($id: ID!) { updateLead(id: $id, input: { source: "s" }) { lead { id } } }`, { id: ids.lead }) },
  { name: 'updateCustomer(email)', refused: ['viewer'], run: (opts) => call(opts, `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "evil@attacker.example" }) { customer { id } } }`, { id: ids.customer }) },
  { name: 'deleteCustomer', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { deleteCustomer(id: $id, mode: HARD) { deleted pendingChange { id } } }`, { id: ids.customer }) },
  { name: 'deleteLead', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { deleteLead(id: $id, mode: SOFT) { deleted pendingChange { id } } }`, { id: ids.lead }) },
  // workflows
  { name: 'createWorkflow', refused: ['viewer'], run: (opts) => call(opts, `mutation { createWorkflow(input: { name: "w", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`) },
  { name: "updateWorkflow(owner's)", refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { updateWorkflow(id: $id, input: { name: "hijacked", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`, { id: ids.wfOwner }) },
  { name: "runWorkflow(owner's)", refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: ids.wfOwner }) },
  { name: "runWorkflow(editor's)", refused: ['viewer'], run: (opts) => call(opts, `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: ids.wfEditor }) },
  // approvals (each decided by nobody in this test: refused roles only)
  { name: 'approveRequest(WORKFLOW)', refused: ['viewer', 'editor', 'requester'], run: (opts) => call(opts, `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqWf }) },
  { name: 'rejectRequest(WORKFLOW)', refused: ['viewer', 'editor', 'requester'], run: (opts) => call(opts, `mutation($id: ID!) { rejectRequest(id: $id, reason: "no") { status } }`, { id: ids.reqWf }) },
  { name: 'approveRequest(ACCESS_SCOPE)', refused: ['viewer', 'editor', 'requester'], run: (opts) => call(opts, `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqAccess }) },
  { name: 'approveRequest(PII_CHANGE)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqPii }) },
  { name: 'rejectRequest(PII_CHANGE)', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation($id: ID!) { rejectRequest(id: $id, reason: "no") { status } }`, { id: ids.reqPii }) },
  { name: 'cancelRequest(admin’s PII_CHANGE)', refused: ['viewer', 'editor', 'owner', 'requester'], run: (opts) => call(opts, `mutation($id: ID!) { cancelRequest(id: $id) { status } }`, { id: ids.reqPii }) },
  { name: 'cancelRequest(requester’s ACCESS_SCOPE)', refused: ['viewer', 'editor', 'admin', 'owner'], run: (opts) => call(opts, `mutation($id: ID!) { cancelRequest(id: $id) { status } }`, { id: ids.reqAccess }) },
  // approvals.setPolicy: OWNER only
  { name: 'setApprovalPolicy', refused: ['viewer', 'editor', 'admin'], run: (opts) => call(opts, `mutation { setApprovalPolicy(kind: ACCESS_SCOPE, requiredApprovals: 1) { requiredApprovals } }`) },
  // reviews.manage: ADMIN, OWNER; reviews.decide: limited (the viewer is the subject of the item)
  {
    name: 'openAccessReview',
    refused: ['viewer', 'editor'],
    run: (opts) => call(opts, `mutation { openAccessReview(input: { title: "Probe", deadline: "${inAWeek()}", defaultOutcome: KEEP }) { id } }`),
  },
  {
    name: 'openAccessReview(another organization’s KPI)',
    refused: EVERY_ROLE,
    foreign: true,
    run: (opts) => call(opts, `mutation($k: ID!) { openAccessReview(input: { title: "Theirs", deadline: "${inAWeek()}", defaultOutcome: REVOKE, kpiId: $k }) { id } }`, { k: ids.otherKpi }),
  },
  { name: 'decideReviewItem', refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { decideReviewItem(id: $id, decision: KEEP) { decision } }`, { id: ids.reviewItem }) },
  {
    name: 'decideReviewItem(another organization’s item)',
    refused: EVERY_ROLE,
    foreign: true,
    run: (opts) => call(opts, `mutation($id: ID!) { decideReviewItem(id: $id, decision: REVOKE) { decision } }`, { id: ids.otherReviewItem }),
  },
  // last: deletions
  { name: "deleteWorkflow(owner's)", refused: ['viewer', 'editor'], run: (opts) => call(opts, `mutation($id: ID!) { deleteWorkflow(id: $id) }`, { id: ids.wfOwner }) },
];

/** Callers who may do nothing in the organization at all. */
async function outsiders(): Promise<Record<string, CallOptions>> {
  const secretOther = new TextEncoder().encode('another-secret-another-secret-another-0123');
  const ownerRaw = Buffer.from(ids.owner!, 'base64').toString().split(':')[1]!;
  const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(ownerRaw).setIssuer('governance-api').setAudience('governance-api').setExpirationTime('1h').sign(secretOther);
  const b64 = (x: object) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ownerRaw, iss: 'governance-api', aud: 'governance-api', exp: 9999999999 })}.`;
  return {
    anonymous: {},
    'garbage token': { token: 'not-a-token' },
    'token signed with another secret': { token: foreign },
    'alg:none token': { token: none },
    'disabled OWNER': as(o.emails.disabledOwner!),
    'disabled OWNER naming the org': { as: o.emails.disabledOwner!, org: o.id },
    'invited-not-accepted OWNER': as(INVITED),
    'invited-not-accepted OWNER naming the org': { as: INVITED, org: o.id },
    'member elsewhere, invited here, naming this org': { as: other.admin, org: o.id },
    'member elsewhere naming this org (not invited)': { as: other.owner, org: o.id },
  };
}

/** Mutations this file does not probe, and where they are attacked instead. */
const PROBED_ELSEWHERE: Record<string, string> = {
  login: 'needs no membership: test/identity-throttle.test.ts, test/attack-http.test.ts',
  logout: 'ends only the session it is called with: test/sessions.test.ts',
  acceptInvite: 'needs no membership, only the invite token: test/attack-invite.test.ts',
  createOrganization: 'any signed-in user may create one: refused below to anonymous and forged callers',
};

describe('the list of mutations', () => {
  it('probes every mutation of schema.graphql, and only those', () => {
    const inSchema = Object.keys(buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8')).getMutationType()!.getFields()).sort();
    const probed = [...new Set(MUTATIONS.map((m) => m.name.replace(/\(.*$/, '')))].sort();
    expect(inSchema.filter((name) => !probed.includes(name) && !(name in PROBED_ELSEWHERE))).toEqual([]);
    expect([...probed, ...Object.keys(PROBED_ELSEWHERE)].filter((name) => !inSchema.includes(name))).toEqual([]);
  });
});

describe('every mutation as every refused caller', () => {
  it('lets no refused role through (matrix cells `no` and limits)', async () => {
    const through: string[] = [];
    for (const m of MUTATIONS)
      for (const who of m.refused) {
        const r = await m.run(as(o.emails[who]!));
        if (gotThrough(r)) through.push(`${m.name} as ${who}: ${JSON.stringify(r.data)}`);
        // Refused by authorization, not by a malformed probe.
        else if (!['FORBIDDEN', 'NOT_FOUND'].includes(r.errors?.[0]?.extensions?.code)) through.push(`${m.name} as ${who}: refused for another reason ${JSON.stringify(r.errors)}`);
      }
    expect(through).toEqual([]);
  });

  it('lets no disabled, invited, foreign, anonymous or forged caller through', async () => {
    const through: string[] = [];
    for (const [who, opts] of Object.entries(await outsiders()))
      for (const m of MUTATIONS) {
        const r = await m.run(opts);
        if (gotThrough(r)) through.push(`${m.name} as ${who}: ${JSON.stringify(r.data)}`);
        else if (!['FORBIDDEN', 'UNAUTHENTICATED'].includes(r.errors?.[0]?.extensions?.code)) through.push(`${m.name} as ${who}: refused for another reason ${JSON.stringify(r.errors)}`);
      }
    expect(through).toEqual([]);
  });

  it('refuses createOrganization to anonymous and forged callers', async () => {
    const callers = await outsiders();
    for (const who of ['anonymous', 'garbage token', 'token signed with another secret', 'alg:none token'])
      expect(gotThrough(await call(callers[who]!, `mutation { createOrganization(name: "Evil") { id } }`)), who).toBe(false);
  });
});

describe('limited cells hold to their limits', () => {
  it('an EDITOR or ADMIN asking to change PII only opens a request; the stored email stays', async () => {
    for (const who of [o.editor, o.admin]) {
      const r = await call(as(who), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "changed@x.example", phone: "+1 000 0000 00" }) { customer { email } pendingChange { id } } }`, { id: ids.customer });
      const request = await call(as(o.owner), `query($id: ID!) { approvalRequest(id: $id) { kind status requestedBy { email } } }`, { id: r.data?.updateCustomer?.pendingChange?.id });
      expect(request.data?.approvalRequest).toEqual({ kind: 'PII_CHANGE', status: 'PENDING', requestedBy: { email: who } });
    }
    const c = await call(as(o.owner), `query($id: ID!) { customer(id: $id) { email phone } }`, { id: ids.customer });
    expect(c.data?.customer).toEqual({ email: 'ceo@acme.example', phone: '+1 555 0100 42' });
  });

  it('an ADMIN deleting a record only opens a request; the record stays', async () => {
    const r = await call(as(o.admin), `mutation($id: ID!) { deleteCustomer(id: $id, mode: HARD) { deleted pendingChange { id } } }`, { id: ids.customer });
    expect(r.data?.deleteCustomer?.deleted).toBe(false);
    expect((await call(as(o.owner), `query($id: ID!) { customer(id: $id) { id } }`, { id: ids.customer })).data?.customer?.id).toBe(ids.customer);
  });

  it('an EDITOR or ADMIN saving a risky workflow cannot run it before approval', async () => {
    for (const who of [o.editor, o.admin]) {
      const w = await call(as(who), `mutation { createWorkflow(input: { name: "r${Math.random()}", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "revenue", target: 999 } }] }) { id approvalStatus } }`);
      expect(w.data?.createWorkflow?.approvalStatus).toBe('PENDING');
      const run = await call(as(who), `mutation($id: ID!) { runWorkflow(id: $id) { id status } }`, { id: w.data!.createWorkflow!.id });
      expect(run.errors?.[0]?.extensions?.code).toBe('APPROVAL_REQUIRED');
    }
    const k = await call(as(o.owner), `query($id: ID!) { kpi(id: $id) { target } }`, { id: ids.kpi });
    expect(k.data?.kpi?.target).not.toBe(999);
  });

  it('nobody decides their own request, changes their own role or status', async () => {
    expect(gotThrough(await call(as(o.emails.requester!), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqAccess }))).toBe(false);
    expect(gotThrough(await call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqPii }))).toBe(false);
    expect(gotThrough(await call(as(o.admin), `mutation($u: ID!) { updateMemberRole(userId: $u, role: OWNER) { role } }`, { u: ids.admin }))).toBe(false);
    expect(gotThrough(await call(as(o.owner), `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.owner }))).toBe(false);
  });

  it('a delegated approver of one value decides only that value', async () => {
    await call(as(o.owner), `mutation($u: ID!) { setScopeApprover(dimension: "region", value: "APAC", userId: $u) }`, { u: ids.viewer });
    // The requester's EMEA request: the APAC approver may not decide it.
    expect(gotThrough(await call(as(o.viewer), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: ids.reqAccess }))).toBe(false);
    // A `*` request is not an APAC request either.
    const star = await call(as(o.editor), `mutation { requestAccess(dimension: "region", value: "*", justification: "all") { id } }`);
    expect(gotThrough(await call(as(o.viewer), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: star.data!.requestAccess!.id }))).toBe(false);
  });
});

// Last: the owner's probes change the fixtures.
describe('the probes are valid', () => {
  it('each mutation goes through for a role the matrix allows (OWNER, or the requester/viewer where OWNER is refused)', async () => {
    const failed: string[] = [];
    for (const m of MUTATIONS) {
      if (m.foreign || m.name.startsWith('delete') || m.name.includes('setMemberStatus') || m.name.includes('updateMemberRole(owner') || m.name.includes('cancelRequest')) continue;
      const who = m.name === 'requestAccess' ? o.viewer : o.owner;
      const r = await m.run(as(who));
      if (!gotThrough(r) && !m.name.startsWith('approveRequest') && !m.name.startsWith('rejectRequest') && m.name !== 'revokeAccessScope') failed.push(`${m.name}: ${JSON.stringify(r.errors)}`);
    }
    expect(failed).toEqual([]);
  });
});
