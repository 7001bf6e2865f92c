// Attack: parallel requests against check-then-act invariants (meant for PostgreSQL, where
// transactions really overlap; also run on SQLite). Secure behaviour: the last active owner stays,
// one pending request per subject, a request is decided once, a stale PII request never applies,
// an invite is accepted once, one BLOCKED run per definition, at most 5 password checks per email
// and address.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type CallOptions, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf } from './fixtures.ts';

let server: TestServer;
const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const as = (email: string): CallOptions => ({ as: email });
const code = (r: GqlResult<any>) => (r.errors?.length ? String(r.errors[0]!.extensions?.code) : 'OK');
const tally = (rs: GqlResult<any>[]) => rs.reduce<Record<string, number>>((t, r) => ((t[code(r)] = (t[code(r)] ?? 0) + 1), t), {});
const must = async (r: Promise<GqlResult<any>>, path: (d: any) => any) => {
  const x = await r;
  const v = path(x.data);
  if (v === undefined || v === null) throw new Error(`setup failed: ${JSON.stringify(x.errors)}`);
  return v as string;
};
const tag = () => randomBytes(3).toString('hex');

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' });
});
afterAll(() => server?.close());

describe('last active owner', () => {
  it('three owners demoting and disabling each other all at once leave at least one active owner (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const o = await orgWithRoles(server, `Owners${round}`, { owner2: 'OWNER', owner3: 'OWNER' });
      const owners = [o.owner, o.emails.owner2!, o.emails.owner3!];
      const uid = Object.fromEntries(await Promise.all(owners.map(async (e) => [e, await userIdOf(server, o.owner, e)] as const)));
      const attempts: Promise<GqlResult<any>>[] = [];
      for (const actor of owners)
        for (const victim of owners)
          if (actor !== victim) {
            attempts.push(call(as(actor), `mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }`, { u: uid[victim] }));
            attempts.push(call(as(actor), `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: uid[victim] }));
          }
      await Promise.all(attempts);
      const active = await server.db.membership.count({ where: { organizationId: o.id, role: 'OWNER', status: 'ACTIVE' } });
      expect(active, `round ${round}`).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('one pending request per subject', () => {
  it('12 parallel requestAccess for one value open exactly one request', async () => {
    const o = await orgWithRoles(server, 'Pending');
    await call(as(o.owner), `mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA"]) { id } }`);
    // Warm the caller's KPI profile, so that this probes the invariant (a cold burst is the pool attack below).
    await call(as(o.viewer), `{ kpis { totalCount } }`);
    const results = await Promise.all(Array.from({ length: 12 }, () => call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "EMEA", justification: "x") { id } }`)));
    expect(tally(results)).toEqual({ OK: 1, CONFLICT: 11 });
    expect(await server.db.approvalRequest.count({ where: { organizationId: o.id, kind: 'ACCESS_SCOPE', status: 'PENDING' } })).toBe(1);
  });

  it('a requestAccess racing the approval of the same value leaves no pending request beside the held scope (5 rounds)', async () => {
    const o = await orgWithRoles(server, 'HeldRace');
    await call(as(o.owner), `mutation { createDimension(key: "region", name: "Region", values: ["A", "B", "C", "D", "E"]) { id } }`);
    const viewer = await userIdOf(server, o.owner, o.viewer);
    for (const value of ['A', 'B', 'C', 'D', 'E']) {
      const id = await must(call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "${value}", justification: "x") { id } }`), (d) => d?.requestAccess?.id);
      await Promise.all([
        call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id }),
        ...Array.from({ length: 4 }, () => call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "${value}", justification: "again") { id } }`)),
      ]);
      const held = await server.db.accessScope.count({ where: { organizationId: o.id, userId: rawId(viewer), value, revokedAt: null } });
      const pending = await server.db.approvalRequest.count({ where: { organizationId: o.id, scopeValue: value, status: 'PENDING' } });
      expect(held + pending, `value ${value}: held ${held}, pending ${pending}`).toBe(1);
    }
  });

  it('8 parallel identical PII change requests open exactly one', async () => {
    const o = await orgWithRoles(server, 'PiiDup');
    const c = await must(call(as(o.owner), `mutation { createCustomer(input: { name: "C", email: "a@c.example" }) { id } }`), (d) => d?.createCustomer?.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => call(as(o.admin), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "b@c.example" }) { pendingChange { id } } }`, { id: c })));
    expect(tally(results)).toEqual({ OK: 1, CONFLICT: 7 });
  });
});

describe('the connection pool (PostgreSQL: 10 connections)', () => {
  it("an EDITOR's burst of 12 parallel saves right after a grant change neither fails nor stalls anyone else", async () => {
    const o = await orgWithRoles(server, 'PoolBurst');
    await call(as(o.owner), `mutation { createDimension(key: "region", name: "Region", values: ["US"]) { id } }`);
    // A server that has been busy: its pool has all its connections open.
    await Promise.all(Array.from({ length: 12 }, () => call(as(o.owner), `mutation { createGroup(name: "g${tag()}") { id } }`)));
    // Any grant change bumps the organization's access version: every cached KPI profile is cold. An EDITOR may do it.
    expect(code(await call(as(o.editor), `mutation { createKpi(input: { key: "k${tag()}", name: "K", dimensionKeys: [] }) { id } }`))).toBe('OK');
    const started = Date.now();
    const [ownerQuery, ...saves] = await Promise.all([
      new Promise<GqlResult<any>>((resolve) => setTimeout(() => resolve(call(as(o.owner), `{ organization { name } }`)), 50)),
      ...Array.from({ length: 12 }, (_, i) => call(as(o.editor), `mutation { createWorkflow(input: { name: "w${i}", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`)),
    ]);
    expect(tally(saves)).toEqual({ OK: 12 });
    expect(code(ownerQuery!)).toBe('OK');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("a VIEWER's burst of 12 parallel requestAccess with a cold profile all succeed", async () => {
    const o = await orgWithRoles(server, 'PoolViewer');
    const values = Array.from({ length: 12 }, (_, i) => `v${i}`);
    await call(as(o.owner), `mutation($v: [String!]) { createDimension(key: "region", name: "Region", values: $v) { id } }`, { v: values });
    await Promise.all(Array.from({ length: 12 }, () => call(as(o.owner), `mutation { createGroup(name: "g${tag()}") { id } }`)));
    const results = await Promise.all(values.map((v) => call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "${v}", justification: "x") { id } }`)));
    expect(tally(results)).toEqual({ OK: 12 });
  });
});

describe('deciding a request once', () => {
  it('approve, approve, reject and cancel racing on one request: exactly one wins, one scope at most (5 rounds)', async () => {
    const o = await orgWithRoles(server, 'Decide', { admin2: 'ADMIN' });
    await call(as(o.owner), `mutation { createDimension(key: "region", name: "Region", values: ["A", "B", "C", "D", "E"]) { id } }`);
    for (const value of ['A', 'B', 'C', 'D', 'E']) {
      const id = await must(call(as(o.viewer), `mutation { requestAccess(dimension: "region", value: "${value}", justification: "x") { id } }`), (d) => d?.requestAccess?.id);
      const results = await Promise.all([
        call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id }),
        call(as(o.emails.admin2!), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id }),
        call(as(o.owner), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id }),
        call(as(o.owner), `mutation($id: ID!) { rejectRequest(id: $id, reason: "no") { status } }`, { id }),
        call(as(o.viewer), `mutation($id: ID!) { cancelRequest(id: $id) { status } }`, { id }),
      ]);
      expect(tally(results).OK, `value ${value}: ${JSON.stringify(tally(results))}`).toBe(1);
      const scopes = await server.db.accessScope.count({ where: { organizationId: o.id, value } });
      expect(scopes).toBeLessThanOrEqual(1);
      const decided = await server.db.auditEvent.count({ where: { organizationId: o.id, targetId: rawId(id), action: { in: ['approval.approve', 'approval.reject', 'approval.cancel'] } } });
      expect(decided).toBe(1);
    }
  });
});

describe('stale PII change requests', () => {
  it('two requests made on the same version, approved in parallel: only one applies, the other is a CONFLICT (5 rounds)', async () => {
    const o = await orgWithRoles(server, 'StalePii', { owner2: 'OWNER' });
    for (let round = 0; round < 5; round++) {
      const c = await must(call(as(o.owner), `mutation { createCustomer(input: { name: "C${round}", email: "orig${round}@c.example" }) { id } }`), (d) => d?.createCustomer?.id);
      const r1 = await must(call(as(o.admin), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "admin${round}@c.example" }) { pendingChange { id } } }`, { id: c }), (d) => d?.updateCustomer?.pendingChange?.id);
      const r2 = await must(call(as(o.editor), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "editor${round}@c.example" }) { pendingChange { id } } }`, { id: c }), (d) => d?.updateCustomer?.pendingChange?.id);
      const results = await Promise.all([
        call(as(o.owner), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: r1 }),
        call(as(o.emails.owner2!), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: r2 }),
      ]);
      expect(tally(results), `round ${round}`).toEqual({ OK: 1, CONFLICT: 1 });
    }
  });

  it("an owner's direct change racing the approval of an older request: the older request does not overwrite it (5 rounds)", async () => {
    const o = await orgWithRoles(server, 'DirectPii', { owner2: 'OWNER' });
    for (let round = 0; round < 5; round++) {
      const c = await must(call(as(o.owner), `mutation { createCustomer(input: { name: "D${round}", email: "orig${round}@d.example" }) { id } }`), (d) => d?.createCustomer?.id);
      const req = await must(call(as(o.admin), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "stale${round}@d.example" }) { pendingChange { id } } }`, { id: c }), (d) => d?.updateCustomer?.pendingChange?.id);
      const [approve, direct] = await Promise.all([
        call(as(o.emails.owner2!), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req }),
        call(as(o.owner), `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "direct${round}@d.example" }) { customer { email } } }`, { id: c }),
      ]);
      expect(code(direct)).toBe('OK');
      const email = (await call(as(o.owner), `query($id: ID!) { customer(id: $id) { email } }`, { id: c })).data?.customer?.email;
      // Either the direct change came last, or the approval came first and the direct change then applied over it.
      if (code(approve) === 'OK') expect([`direct${round}@d.example`], `round ${round}: approval applied after the direct change (${email})`).toContain(email);
      else expect(email).toBe(`direct${round}@d.example`);
    }
  });
});

describe('invite acceptance', () => {
  it('8 parallel acceptances of one token: exactly one', async () => {
    const o = await orgWithRoles(server, 'Accept');
    const token = await must(call(as(o.owner), `mutation { inviteMember(email: "new-${tag()}@accept.test", role: VIEWER) { token } }`), (d) => d?.inviteMember?.token);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call({}, `mutation($t: String!, $p: String!) { acceptInvite(token: $t, password: $p) { token } }`, { t: token, p: `password-number-${i}` })));
    expect(tally(results).OK).toBe(1);
  });

  it('an acceptance racing a re-invite (which revokes the token) never leaves two usable invitations', async () => {
    const o = await orgWithRoles(server, 'Reinvite');
    const email = `race-${tag()}@reinvite.test`;
    const first = await must(call(as(o.owner), `mutation { inviteMember(email: "${email}", role: ADMIN) { token } }`), (d) => d?.inviteMember?.token);
    const [accept, reinvite] = await Promise.all([
      call({}, `mutation($t: String!) { acceptInvite(token: $t, password: "a-long-password-1") { token } }`, { t: first }),
      call(as(o.admin), `mutation { inviteMember(email: "${email}", role: VIEWER) { token } }`),
    ]);
    const membership = await server.db.membership.findFirst({ where: { organizationId: o.id, user: { email } } });
    if (code(accept) === 'OK') {
      // Accepted as ADMIN: the re-invite must not have silently changed the active member's role.
      expect(membership?.status).toBe('ACTIVE');
      if (code(reinvite) === 'OK') expect(membership?.role, 'an ADMIN re-invite rewrote an accepted member').toBe('ADMIN');
    } else expect(membership?.status).toBe('INVITED');
    const usable = await server.db.invite.count({ where: { organizationId: o.id, email, acceptedAt: null, revokedAt: null } });
    if (membership?.status === 'ACTIVE') expect(usable, 'a usable invite for an active member').toBe(0);
  });
});

describe('blocked runs', () => {
  it('10 parallel runs of a pending risky workflow: all APPROVAL_REQUIRED, exactly one BLOCKED run', async () => {
    const o = await orgWithRoles(server, 'Blocked');
    const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "r", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "k", target: 1 } }] }) { id } }`), (d) => d?.createWorkflow?.id);
    const results = await Promise.all(Array.from({ length: 10 }, () => call(as(o.editor), `mutation($id: ID!) { runWorkflow(id: $id) { id } }`, { id: wf })));
    expect(tally(results)).toEqual({ APPROVAL_REQUIRED: 10 });
    expect(await server.db.workflowRun.count({ where: { workflowId: rawId(wf) } })).toBe(1);
  });

  it('an approval racing a change of the definition never leaves the new definition approved without a request for it (5 rounds)', async () => {
    const o = await orgWithRoles(server, 'ApproveVsChange');
    for (let round = 0; round < 5; round++) {
      const wf = await must(call(as(o.editor), `mutation { createWorkflow(input: { name: "r${round}", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "k", target: 1 } }] }) { id } }`), (d) => d?.createWorkflow?.id);
      const req = await must(call(as(o.admin), `query($id: ID!) { workflow(id: $id) { approvalRequest { id } } }`, { id: wf }), (d) => d?.workflow?.approvalRequest?.id);
      await Promise.all([
        call(as(o.admin), `mutation($id: ID!) { approveRequest(id: $id) { status } }`, { id: req }),
        call(as(o.editor), `mutation($id: ID!) { updateWorkflow(id: $id, input: { name: "r${round}", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "k", target: 666 } }] }) { id } }`, { id: wf }),
      ]);
      const w = await call(as(o.owner), `query($id: ID!) { workflow(id: $id) { approvalStatus actions { config } } }`, { id: wf });
      if (w.data?.workflow?.approvalStatus === 'APPROVED') expect(w.data.workflow.actions[0].config.target, `round ${round}`).toBe(1);
    }
  });
});

describe('login throttling', () => {
  let n = 0;
  const address = () => `203.0.113.${++n}`;
  const guess = (email: string, from: string, password = `wrong-${tag()}`) =>
    call({ headers: { 'x-forwarded-for': from } }, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: password });

  it('12 parallel wrong passwords for one email, spelled in different cases and spacing: at most 5 verified', async () => {
    const o = await orgWithRoles(server, 'Throttle');
    const from = address();
    const spellings = [o.viewer, o.viewer.toUpperCase(), ` ${o.viewer} `, o.viewer.replace(/^./, (c) => c.toUpperCase())];
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => guess(spellings[i % spellings.length]!, from)));
    const t = tally(results);
    expect(t.UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(5);
    expect((t.UNAUTHENTICATED ?? 0) + (t.RATE_LIMITED ?? 0)).toBe(12);
    // The lock holds for the right password too.
    expect(code(await guess(o.viewer, from, PASSWORD))).toBe('RATE_LIMITED');
  });

  it('wrong passwords through login and acceptInvite (existing account) share the limit', async () => {
    const o = await orgWithRoles(server, 'Shared');
    const other = await orgWithRoles(server, 'SharedElsewhere');
    const token = await must(call(as(other.owner), `mutation { inviteMember(email: "${o.viewer}", role: VIEWER) { token } }`), (d) => d?.inviteMember?.token);
    const from = address();
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => guess(o.viewer, from)),
      ...Array.from({ length: 6 }, () =>
        call({ headers: { 'x-forwarded-for': from } }, `mutation($t: String!, $p: String!) { acceptInvite(token: $t, password: $p) { token } }`, { t: token, p: `wrong-${tag()}` }),
      ),
    ]);
    expect(tally(results).UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(5);
  });

  it('a spoofed X-Forwarded-For prefix does not give a fresh address (TRUST_PROXY=1)', async () => {
    const o = await orgWithRoles(server, 'Spoof');
    const from = address();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => guess(o.viewer, `10.0.0.${i}, ${from}`)));
    expect(tally(results).UNAUTHENTICATED ?? 0).toBeLessThanOrEqual(5);
  });
});
