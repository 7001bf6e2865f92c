// Attack: oversized input over real HTTP (the body cap lives in the node handler). Huge strings in
// every string argument, huge lists (100k KPI points, a 1 MB justification), deep, aliased, costly
// and fragment-amplified queries, batches, deeply nested JSON. Secure behaviour: refused quickly
// with BAD_USER_INPUT (or 413/400), nothing written, and the server keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let o: OrgFixture;
let base: string;
const ids: Record<string, string> = {};

async function http(body: unknown, as?: string, raw = false): Promise<{ status: number; json: any; ms: number }> {
  const started = Date.now();
  const response = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { 'x-dev-user': as } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, json, ms: Date.now() - started };
}
const q = (query: string, variables: Record<string, unknown> = {}, as = o.owner) => http({ query, variables }, as);
const codeOf = (r: { status: number; json: any }) => (Array.isArray(r.json) ? 'BATCH' : r.json?.errors?.[0]?.extensions?.code ?? (r.status >= 400 ? `HTTP ${r.status}` : 'OK'));
/** Refused as the caller's input: BAD_USER_INPUT, or OPERATION_LIMIT for operation-wide limits. */
const REFUSED = ['BAD_USER_INPUT', 'OPERATION_LIMIT'];
const alive = async () => expect((await q(`{ organization { name } }`)).json?.data?.organization?.name).toBe('Limits');
const counts = async () => ({
  requests: await server.db.approvalRequest.count({ where: { organizationId: o.id } }),
  points: await server.db.kpiDataPoint.count({ where: { organizationId: o.id } }),
  workflows: await server.db.workflow.count({ where: { organizationId: o.id } }),
  customers: await server.db.customer.count({ where: { organizationId: o.id } }),
  dimensions: await server.db.dimension.count({ where: { organizationId: o.id } }),
  users: await server.db.user.count(),
});

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Limits');
  base = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
  await q(`mutation { createDimension(key: "region", name: "Region", values: ["US", "EMEA"]) { id } }`);
  ids.kpi = (await q(`mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: [] }) { id } }`)).json.data.createKpi.id;
  ids.customer = (await q(`mutation { createCustomer(input: { name: "C" }) { id } }`)).json.data.createCustomer.id;
  ids.workflow = (await q(`mutation { createWorkflow(input: { name: "w", actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`)).json.data.createWorkflow.id;
  ids.viewer = (await q(`{ members { edges { node { user { id email } } } } }`)).json.data.members.edges.find((e: any) => e.node.user.email === o.viewer).node.user.id;
});
afterAll(() => server?.close());

describe('huge strings in every string argument', () => {
  const HUGE = 'A'.repeat(50_000);
  it('are refused before anything is written, anonymous or signed in', async () => {
    const before = await counts();
    const probes: [string, string, Record<string, unknown>, string?][] = [
      ['login.email', `mutation($s: String!) { login(email: $s, password: "x") { token } }`, { s: HUGE }, ''],
      ['login.password', `mutation($s: String!) { login(email: "a@b.co", password: $s) { token } }`, { s: HUGE }, ''],
      ['acceptInvite.token', `mutation($s: String!) { acceptInvite(token: $s, password: "password-password") { token } }`, { s: HUGE }, ''],
      ['acceptInvite.displayName', `mutation($s: String) { acceptInvite(token: "t", password: "password-password", displayName: $s) { token } }`, { s: HUGE }, ''],
      ['createOrganization.name', `mutation($s: String!) { createOrganization(name: $s) { id } }`, { s: HUGE }],
      ['inviteMember.email', `mutation($s: String!) { inviteMember(email: $s, role: VIEWER) { id } }`, { s: HUGE }],
      ['requestAccess.justification', `mutation($s: String!) { requestAccess(dimension: "region", value: "US", justification: $s) { id } }`, { s: HUGE }, 'viewer'],
      ['requestAccess.value', `mutation($s: String!) { requestAccess(dimension: "region", value: $s, justification: "x") { id } }`, { s: HUGE }, 'viewer'],
      ['requestAccess.dimension', `mutation($s: String!) { requestAccess(dimension: $s, value: "US", justification: "x") { id } }`, { s: HUGE }, 'viewer'],
      ['createDimension.values', `mutation($s: String!) { createDimension(key: "k2", name: "n", values: [$s]) { id } }`, { s: HUGE }],
      ['createDimension.name', `mutation($s: String!) { createDimension(key: "k3", name: $s) { id } }`, { s: HUGE }],
      ['createKpi.description', `mutation($s: String) { createKpi(input: { key: "k4", name: "n", description: $s, dimensionKeys: [] }) { id } }`, { s: HUGE }],
      ['createRole.description', `mutation($s: String) { createRole(name: "r", description: $s) { id } }`, { s: HUGE }],
      ['createGroup.name', `mutation($s: String!) { createGroup(name: $s) { id } }`, { s: HUGE }],
      ['grantAccessScope.value', `mutation($s: String!, $u: ID!) { grantAccessScope(userId: $u, dimension: "region", value: $s) { id } }`, { s: HUGE, u: ids.viewer }],
      ['setScopeApprover.value', `mutation($s: String!, $u: ID!) { setScopeApprover(dimension: "region", value: $s, userId: $u) }`, { s: HUGE, u: ids.viewer }],
      ['createCustomer.notes', `mutation($s: String) { createCustomer(input: { name: "n", notes: $s }) { id } }`, { s: HUGE }],
      ['createCustomer.name', `mutation($s: String) { createCustomer(input: { name: $s }) { id } }`, { s: HUGE }],
      ['createLead.source', `mutation($s: String) { createLead(input: { name: "n", source: $s }) { id } }`, { s: HUGE }],
      ['updateCustomer.phone', `mutation($s: String, $id: ID!) { updateCustomer(id: $id, input: { phone: $s }) { customer { id } } }`, { s: HUGE, id: ids.customer }],
      ['createWorkflow.NOTIFY message', `mutation($s: JSON) { createWorkflow(input: { name: "n", actions: [{ kind: NOTIFY, config: $s }] }) { id } }`, { s: { message: HUGE } }],
      ['createWorkflow.WEBHOOK body (many short strings)', `mutation($s: JSON) { createWorkflow(input: { name: "n", actions: [{ kind: WEBHOOK, config: $s }] }) { id } }`, { s: { url: 'https://x.example', body: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(100)])) } }],
      ['createWorkflow.schedule', `mutation($s: String) { createWorkflow(input: { name: "n", trigger: SCHEDULE, schedule: $s, actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`, { s: HUGE }],
      ['updateWorkflow.description', `mutation($s: String, $id: ID!) { updateWorkflow(id: $id, input: { name: "n", description: $s, actions: [{ kind: NOTIFY, config: { message: "m" } }] }) { id } }`, { s: HUGE, id: ids.workflow }],
      ['rejectRequest.reason', `mutation($s: String!) { rejectRequest(id: "QXBwcm92YWxSZXF1ZXN0Ong=", reason: $s) { id } }`, { s: HUGE }],
      ['approveRequest.comment', `mutation($s: String) { approveRequest(id: "QXBwcm92YWxSZXF1ZXN0Ong=", comment: $s) { id } }`, { s: HUGE }],
      ['node.id', `query($s: ID!) { node(id: $s) { id } }`, { s: HUGE }],
      ['auditEvents.action', `query($s: String) { auditEvents(action: $s) { totalCount } }`, { s: HUGE }],
      ['kpis.after', `query($s: String) { kpis(after: $s) { totalCount } }`, { s: HUGE }],
      ['X-literal', `mutation { createGroup(name: "${HUGE}") { id } }`, {}],
      ['variable key', `{ organization { name } }`, { [HUGE]: 1 }],
    ];
    const accepted: string[] = [];
    for (const [name, query, variables, who] of probes) {
      const caller = who === '' ? undefined : who === 'viewer' ? o.viewer : o.owner;
      const r = await http({ query, variables }, caller);
      if (!REFUSED.includes(codeOf(r)) || r.ms > 2000) accepted.push(`${name}: ${codeOf(r)} in ${r.ms} ms ${JSON.stringify(r.json).slice(0, 200)}`);
    }
    expect(accepted).toEqual([]);
    expect(await counts()).toEqual(before);
    await alive();
  });

  it('a 1 MB requestAccess justification is refused (not stored, not audited)', async () => {
    const before = await counts();
    const r = await q(`mutation($j: String!) { requestAccess(dimension: "region", value: "US", justification: $j) { id } }`, { j: 'j'.repeat(1_000_000) }, o.viewer);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });

  it('a justification just under the global cap but over the field limit is refused too', async () => {
    const r = await q(`mutation($j: String!) { requestAccess(dimension: "region", value: "US", justification: $j) { id } }`, { j: 'j'.repeat(9_999) }, o.viewer);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });
});

describe('huge lists', () => {
  it('recordKpiData with 100k points is refused by the body cap before it is parsed', async () => {
    const before = await counts();
    const points = Array.from({ length: 100_000 }, (_, i) => ({ period: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(), value: i, dimensions: [] }));
    const r = await q(`mutation($k: ID!, $p: [KpiPointInput!]!) { recordKpiData(kpiId: $k, points: $p) }`, { k: ids.kpi, p: points });
    expect(r.status).toBe(413);
    expect(r.ms).toBeLessThan(3000);
    expect(await counts()).toEqual(before);
    await alive();
  });

  it('recordKpiData with as many points as fit under the body cap is refused by the batch limit, quickly', async () => {
    const before = await counts();
    const points = Array.from({ length: 25_000 }, () => ({ period: '2026-01-01T00:00:00Z', value: 1, dimensions: [] }));
    const r = await q(`mutation($k: ID!, $p: [KpiPointInput!]!) { recordKpiData(kpiId: $k, points: $p) }`, { k: ids.kpi, p: points });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    // Generous: the machine is shared; the point is that nothing is stored or hashed.
    expect(r.ms).toBeLessThan(10_000);
    expect(await counts()).toEqual(before);
  });

  it('recordKpiData with 5,000 points, each with 5,000 dimension entries (under the cap) is refused quickly', async () => {
    const dims = Array.from({ length: 60_000 }, () => ({ dimension: 'region', value: 'US' }));
    const r = await q(`mutation($k: ID!, $p: [KpiPointInput!]!) { recordKpiData(kpiId: $k, points: $p) }`, { k: ids.kpi, p: [{ period: '2026-01-01T00:00:00Z', value: 1, dimensions: dims }] });
    expect(['BAD_USER_INPUT', 'HTTP 413']).toContain(codeOf(r));
    expect(r.ms).toBeLessThan(3000);
  });

  it('a data filter with 100k values, a dimension with 100k values and 10k workflow actions are refused', async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `v${i}`);
    const filter = await q(`query($k: ID!, $v: [String!]!) { kpi(id: $k) { data(filter: { dimensions: [{ dimension: "region", values: $v }] }) { totalCount } } }`, { k: ids.kpi, v: values });
    expect(['BAD_USER_INPUT', 'HTTP 413']).toContain(codeOf(filter));
    const dim = await q(`mutation($v: [String!]) { createDimension(key: "big", name: "Big", values: $v) { id } }`, { v: values });
    expect(['BAD_USER_INPUT', 'HTTP 413']).toContain(codeOf(dim));
    const actions = Array.from({ length: 10_000 }, () => ({ kind: 'NOTIFY', config: { message: 'm' } }));
    const wf = await q(`mutation($a: [WorkflowActionInput!]!) { createWorkflow(input: { name: "many", actions: $a }) { id } }`, { a: actions });
    expect(['BAD_USER_INPUT', 'HTTP 413']).toContain(codeOf(wf));
    await alive();
  });

  it('a page size over the maximum is refused', async () => {
    expect(REFUSED).toContain(codeOf(await q(`{ kpis(first: 100000) { totalCount } }`)));
    expect(REFUSED).toContain(codeOf(await q(`{ customers(first: -1) { totalCount } }`)));
  });
});

describe('deep, aliased, costly and amplified operations', () => {
  it('refuses depth over the limit, too many aliases, too many directives and a costly nesting', async () => {
    const deep = `{ workflows { edges { node { approvalRequest { workflow { approvalRequest { workflow { approvalRequest { workflow { approvalRequest { workflow { approvalRequest { workflow { name } } } } } } } } } } } } } }`;
    expect(REFUSED).toContain(codeOf(await q(deep)));
    const aliases = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: organization { name }`).join(' ')} }`;
    expect(REFUSED).toContain(codeOf(await q(aliases)));
    const directives = `{ organization { name ${Array.from({ length: 50 }, () => '@include(if: true)').join(' ')} } }`;
    expect(REFUSED).toContain(codeOf(await q(directives)));
    const costly = `{ kpis(first: 100) { edges { node { data(first: 100) { edges { node { dimensions { value } } } } summary { sum } } } } workflows(first: 100) { edges { node { runs(first: 100) { edges { node { output } } } } } } }`;
    expect(REFUSED).toContain(codeOf(await q(costly)));
    await alive();
  });

  it('a fragment bomb (each fragment spreading the previous one twice) is refused quickly', async () => {
    const n = 30;
    const frags = [`fragment F0 on Query { organization { name } me { role } }`];
    for (let i = 1; i <= n; i++) frags.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const r = await q(`query { ...F${n} } ${frags.join(' ')}`);
    expect(r.ms).toBeLessThan(2000);
    await alive();
  });

  it('a fragment bomb of aliased fields is refused quickly', async () => {
    const n = 20;
    const frags = [`fragment F0 on Query { a: organization { name } b: organization { slug } }`];
    for (let i = 1; i <= n; i++) frags.push(`fragment F${i} on Query { x${i}: organization { name } ...F${i - 1} ...F${i - 1} }`);
    const r = await q(`query { ...F${n} } ${frags.join(' ')}`);
    expect(r.ms).toBeLessThan(2000);
    expect(r.json?.data ?? null).toBeNull();
    await alive();
  });

  it('a batch of 100 operations in one body is refused', async () => {
    const r = await http(Array.from({ length: 100 }, () => ({ query: `mutation { createGroup(name: "g${Math.random()}") { id } }` })), o.owner);
    expect(codeOf(r)).not.toBe('BATCH');
    expect(r.status).toBeGreaterThanOrEqual(400);
  });

  it('deeply nested JSON (100k levels) in a JSON argument answers an error, and the server keeps answering', async () => {
    const depth = 100_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const body = `{"query":"mutation($c: JSON) { createWorkflow(input: { name: \\"n\\", actions: [{ kind: NOTIFY, config: $c }] }) { id } }","variables":{"c":{"message":"m","x":${nested}}}}`;
    const r = await http(body, o.owner, true);
    expect(r.status).toBeLessThan(500);
    expect(['BAD_USER_INPUT', 'HTTP 400']).toContain(codeOf(r));
    await alive();
  });

  it('an anonymous 10 kB body of nested arrays in an unused variable answers an input error, not an internal one', async () => {
    const depth = 5_000;
    const body = `{"query":"{ __typename }","variables":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const r = await http(body, undefined, true);
    expect(codeOf(r)).not.toBe('INTERNAL_SERVER_ERROR');
    await alive();
  });
});
