// The KPI story through the public API: roles, groups, scopes, row-level security, access
// requests decided by a delegated approver, data validation, alerts, and no leak across tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import {
  AddGroupMember, ApproveRequest, AssignGroupRole, AssignRole, CreateAlert, CreateDimension, CreateGroup, CreateKpi, CreateRole,
  GrantAccessScope, KpiData, Kpis, MyAccessScopes, RecordKpiData, RequestAccess, RevokeAccessScope, RolesAndGroups, SetKpiPermission,
  SetRoleParent, SetScopeApprover, UnassignRole,
} from './ops.ts';

/** The server's time, moved by the test where a scope's window must close. */
const clock = manualClock();
let server: TestServer;
let o: OrgFixture;
let other: OrgFixture;
let revenue: string;
let headcount: string;
const REGIONS = ['US', 'EMEA', 'APAC', 'LATAM'];
const PRODUCTS = ['p1', 'p2', 'p3'];
const user = (email: string) => userIdOf(server, o.owner, email);

/** Every point of revenue: value encodes region, product and period, so sums are checkable. */
const revenuePoints = REGIONS.flatMap((region, r) =>
  PRODUCTS.flatMap((product, p) =>
    [0, 1].map((month) => ({ period: new Date(Date.UTC(2026, month, 1)).toISOString(), value: 100 * (r + 1) + 10 * (p + 1) + month, dimensions: [{ dimension: 'region', value: region }, { dimension: 'product', value: product }] })),
  ),
);
const expected = (regions: string[]) => revenuePoints.filter((p) => regions.includes(p.dimensions[0]!.value));

async function visible(as: string, id = revenue) {
  const r = await server.gql(KpiData, { id, first: 100 }, { as });
  expect(r.errors).toBeUndefined();
  const kpi = r.data?.kpi;
  if (!kpi) return null;
  const rows = kpi.data!.edges!.map((e) => e!.node!);
  return { access: kpi.access, rows, totalCount: kpi.data!.totalCount, summary: kpi.summary!, regions: [...new Set(rows.map((n) => n.dimensions![0]!.value))].sort() };
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  o = await orgWithRoles(server, 'Metrics', { analyst: 'VIEWER', manager: 'EDITOR', viewer2: 'VIEWER', editor2: 'EDITOR' });
  other = await orgWithRoles(server, 'Rival');
  const as = { as: o.admin };
  expect((await server.gql(CreateDimension, { key: 'region', name: 'Region', values: REGIONS }, as)).errors).toBeUndefined();
  expect((await server.gql(CreateDimension, { key: 'product', name: 'Product', values: PRODUCTS }, as)).errors).toBeUndefined();
  revenue = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', unit: 'USD', target: 1000, dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  headcount = (await server.gql(CreateKpi, { input: { key: 'headcount', name: 'Headcount', dimensionKeys: ['region'] } }, as)).data!.createKpi!.id;
  expect((await server.gql(RecordKpiData, { kpiId: revenue, points: revenuePoints }, as)).data?.recordKpiData).toBe(24);
  const hc = REGIONS.map((region, i) => ({ period: '2026-01-01T00:00:00Z', value: i + 1, dimensions: [{ dimension: 'region', value: region }] }));
  expect((await server.gql(RecordKpiData, { kpiId: headcount, points: hc }, as)).data?.recordKpiData).toBe(4);
});
afterAll(() => server?.close());

describe('row-level security', () => {
  it('shows a user without roles no KPI at all', async () => {
    const r = await server.gql(Kpis, {}, { as: o.emails.analyst! });
    expect(r.data?.kpis?.totalCount).toBe(0);
    expect(await visible(o.emails.analyst!)).toBeNull();
  });

  it('shows an analyst scoped to US only US rows, and summary agrees with the rows', async () => {
    const analysts = (await server.gql(CreateRole, { name: 'Analysts' }, { as: o.admin })).data!.createRole!.id;
    await server.gql(SetKpiPermission, { roleId: analysts, kpiId: revenue, access: 'RESTRICTED' }, { as: o.admin });
    await server.gql(AssignRole, { roleId: analysts, userId: await user(o.emails.analyst!) }, { as: o.admin });
    // RESTRICTED without any scope: the KPI is listed, but no row is visible.
    const none = await visible(o.emails.analyst!);
    expect(none).toMatchObject({ access: 'RESTRICTED', rows: [], totalCount: 0, summary: { count: 0, sum: null } });

    const analyst = await user(o.emails.analyst!);
    await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'US' }, { as: o.admin });
    // One dimension scoped is not enough: product has no scope yet.
    expect((await visible(o.emails.analyst!))!.totalCount).toBe(0);
    await server.gql(GrantAccessScope, { userId: analyst, dimension: 'product', value: '*' }, { as: o.admin });

    const us = (await visible(o.emails.analyst!))!;
    expect(us.regions).toEqual(['US']);
    const want = expected(['US']);
    expect(us.totalCount).toBe(want.length);
    expect(us.summary).toMatchObject({ count: want.length, sum: want.reduce((s, p) => s + p.value, 0), min: Math.min(...want.map((p) => p.value)), max: Math.max(...want.map((p) => p.value)) });
    expect(us.rows.reduce((s, n) => s + n.value!, 0)).toBe(us.summary.sum);
    // Not granted at all: headcount stays invisible.
    expect(await visible(o.emails.analyst!, headcount)).toBeNull();
    expect((await server.gql(Kpis, {}, { as: o.emails.analyst! })).data!.kpis!.edges!.map((e) => e!.node!.key)).toEqual(['revenue']);
  });

  it('lets the analyst request EMEA, decided by the delegated EMEA approver, and then shows EMEA', async () => {
    await server.gql(SetScopeApprover, { dimension: 'region', value: 'EMEA', userId: await user(o.emails.manager!) }, { as: o.admin });
    const requested = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'quarterly review of EMEA' }, { as: o.emails.analyst! });
    expect(requested.errors).toBeUndefined();
    expect(requested.data?.requestAccess).toMatchObject({ kind: 'ACCESS_SCOPE', status: 'PENDING', scopeValue: 'EMEA', dimension: { key: 'region' } });
    const id = requested.data!.requestAccess!.id;
    // Asking twice, or for what one holds, conflicts.
    expect(codes(await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'again' }, { as: o.emails.analyst! }))).toEqual(['CONFLICT']);
    expect(codes(await server.gql(RequestAccess, { dimension: 'region', value: 'US', justification: 'have it' }, { as: o.emails.analyst! }))).toEqual(['CONFLICT']);
    // An approver of another value, and an admin requesting, are refused.
    expect(codes(await server.gql(ApproveRequest, { id }, { as: o.emails.editor2! }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(RequestAccess, { dimension: 'region', value: 'APAC', justification: 'x' }, { as: o.admin }))).toEqual(['FORBIDDEN']);
    expect((await visible(o.emails.analyst!))!.regions).toEqual(['US']);

    const approved = await server.gql(ApproveRequest, { id, comment: 'ok for Q3' }, { as: o.emails.manager! });
    expect(approved.data?.approveRequest?.status).toBe('APPROVED');
    const after = (await visible(o.emails.analyst!))!;
    expect(after.regions).toEqual(['EMEA', 'US']);
    expect(after.totalCount).toBe(expected(['US', 'EMEA']).length);
  });

  it('honours scope windows and revocation', async () => {
    const analyst = await user(o.emails.analyst!);
    const past = await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'APAC', startsAt: '2020-01-01T00:00:00Z', endsAt: '2021-01-01T00:00:00Z' }, { as: o.admin });
    expect(past.data?.grantAccessScope?.active).toBe(false);
    const future = await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'LATAM', startsAt: '2999-01-01T00:00:00Z' }, { as: o.admin });
    expect(future.data?.grantAccessScope?.active).toBe(false);
    expect((await visible(o.emails.analyst!))!.regions).toEqual(['EMEA', 'US']);
    const scopes = (await server.gql(MyAccessScopes, undefined, { as: o.emails.analyst! })).data!.myAccessScopes!;
    expect(scopes.filter((s) => s!.active).map((s) => s!.value).sort()).toEqual(['*', 'EMEA', 'US']);

    // An expiring scope: visible now, hidden once its end passes.
    const soon = await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'APAC', endsAt: new Date(clock.now().getTime() + 3000).toISOString() }, { as: o.admin });
    expect((await visible(o.emails.analyst!))!.regions).toEqual(['APAC', 'EMEA', 'US']);
    clock.advance(3100);
    expect((await visible(o.emails.analyst!))!.regions).toEqual(['EMEA', 'US']);
    expect(soon.errors).toBeUndefined();

    const us = scopes.find((s) => s!.value === 'US')!.id;
    expect((await server.gql(RevokeAccessScope, { id: us }, { as: o.admin })).data?.revokeAccessScope?.active).toBe(false);
    expect((await visible(o.emails.analyst!))!.regions).toEqual(['EMEA']);
    expect(codes(await server.gql(RevokeAccessScope, { id: us }, { as: o.admin }))).toEqual(['CONFLICT']);
    expect(codes(await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'MARS' }, { as: o.admin }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: 'US', startsAt: '2027-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }, { as: o.admin }))).toEqual(['BAD_USER_INPUT']);
  });

  it('grants through inherited roles and group roles; the strongest grant wins; cycles are refused', async () => {
    const base = (await server.gql(CreateRole, { name: 'Base' }, { as: o.admin })).data!.createRole!.id;
    await server.gql(SetKpiPermission, { roleId: base, kpiId: headcount, access: 'FULL' }, { as: o.admin });
    const child = (await server.gql(CreateRole, { name: 'Child', parentRoleId: base }, { as: o.admin })).data!.createRole!.id;
    await server.gql(AssignRole, { roleId: child, userId: await user(o.emails.viewer2!) }, { as: o.admin });
    const inherited = (await visible(o.emails.viewer2!, headcount))!;
    expect(inherited).toMatchObject({ access: 'FULL', totalCount: 4 });

    expect(codes(await server.gql(SetRoleParent, { roleId: base, parentRoleId: child }, { as: o.admin }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(SetRoleParent, { roleId: base, parentRoleId: base }, { as: o.admin }))).toEqual(['BAD_USER_INPUT']);

    const fullRevenue = (await server.gql(CreateRole, { name: 'Revenue full' }, { as: o.admin })).data!.createRole!.id;
    await server.gql(SetKpiPermission, { roleId: fullRevenue, kpiId: revenue, access: 'FULL' }, { as: o.admin });
    const group = (await server.gql(CreateGroup, { name: 'Finance' }, { as: o.admin })).data!.createGroup!.id;
    await server.gql(AssignGroupRole, { groupId: group, roleId: fullRevenue }, { as: o.admin });
    expect(await visible(o.emails.editor2!)).toBeNull();
    await server.gql(AddGroupMember, { groupId: group, userId: await user(o.emails.editor2!) }, { as: o.admin });
    expect(await visible(o.emails.editor2!)).toMatchObject({ access: 'FULL', totalCount: 24 });

    // The analyst holds RESTRICTED through Analysts; joining Finance makes it FULL.
    await server.gql(AddGroupMember, { groupId: group, userId: await user(o.emails.analyst!) }, { as: o.admin });
    expect(await visible(o.emails.analyst!)).toMatchObject({ access: 'FULL', totalCount: 24 });
    // And unassigning a direct role removes what it gave.
    await server.gql(UnassignRole, { roleId: child, userId: await user(o.emails.viewer2!) }, { as: o.admin });
    expect(await visible(o.emails.viewer2!, headcount)).toBeNull();
  });

  it('gives ADMIN and OWNER FULL on everything, and nothing to another organization', async () => {
    expect(await visible(o.owner)).toMatchObject({ access: 'FULL', totalCount: 24 });
    expect(await visible(o.admin, headcount)).toMatchObject({ access: 'FULL', totalCount: 4 });
    expect(await visible(other.owner)).toBeNull();
    expect((await server.gql(Kpis, {}, { as: other.owner })).data?.kpis?.totalCount).toBe(0);
    expect(codes(await server.gql(RecordKpiData, { kpiId: revenue, points: revenuePoints.slice(0, 1) }, { as: other.owner }))).toEqual(['NOT_FOUND']);
  });

  it('filters and pages the visible rows', async () => {
    const filtered = await server.gql(KpiData, { id: revenue, filter: { from: '2026-02-01T00:00:00Z', dimensions: [{ dimension: 'product', values: ['p1'] }] }, first: 2 }, { as: o.owner });
    expect(filtered.data!.kpi!.data!.totalCount).toBe(4);
    expect(filtered.data!.kpi!.summary!.count).toBe(4);
    const page2 = await server.gql(KpiData, { id: revenue, filter: { from: '2026-02-01T00:00:00Z', dimensions: [{ dimension: 'product', values: ['p1'] }] }, first: 2, after: filtered.data!.kpi!.data!.pageInfo!.endCursor }, { as: o.owner });
    const all = [...filtered.data!.kpi!.data!.edges!, ...page2.data!.kpi!.data!.edges!].map((e) => e!.node!.value);
    expect(new Set(all).size).toBe(4);
    const unknown = codes(await server.gql(KpiData, { id: revenue, filter: { dimensions: [{ dimension: 'planet', values: ['x'] }] } }, { as: o.owner }));
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((c) => c === 'BAD_USER_INPUT')).toBe(true);
  });
});

describe('writing KPIs', () => {
  it('lets an EDITOR create a KPI with FULL on it, and refuses VIEWER', async () => {
    const created = await server.gql(CreateKpi, { input: { key: 'nps', name: 'NPS', dimensionKeys: ['region'] } }, { as: o.editor });
    expect(created.data?.createKpi).toMatchObject({ key: 'nps', access: 'FULL' });
    expect(codes(await server.gql(CreateKpi, { input: { key: 'nps2', name: 'x', dimensionKeys: [] } }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(CreateKpi, { input: { key: 'nps', name: 'dup', dimensionKeys: [] } }, { as: o.editor }))).toEqual(['CONFLICT']);
    expect(codes(await server.gql(CreateKpi, { input: { key: 'Bad Key', name: 'x', dimensionKeys: [] } }, { as: o.editor }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(CreateKpi, { input: { key: 'x1', name: 'x', dimensionKeys: ['nope'] } }, { as: o.editor }))).toEqual(['BAD_USER_INPUT']);
    const kpiId = created.data!.createKpi!.id;
    expect((await server.gql(RecordKpiData, { kpiId, points: [{ period: '2026-01-01T00:00:00Z', value: 42, dimensions: [{ dimension: 'region', value: 'US' }] }] }, { as: o.editor })).data?.recordKpiData).toBe(1);
    // The other editor has no grant on it at all.
    expect(codes(await server.gql(RecordKpiData, { kpiId, points: [{ period: '2026-01-01T00:00:00Z', value: 1, dimensions: [{ dimension: 'region', value: 'US' }] }] }, { as: o.emails.manager! }))).toEqual(['NOT_FOUND']);
  });

  it('refuses recording without FULL access', async () => {
    const restricted = (await server.gql(CreateRole, { name: 'Restricted writers' }, { as: o.admin })).data!.createRole!.id;
    await server.gql(SetKpiPermission, { roleId: restricted, kpiId: revenue, access: 'RESTRICTED' }, { as: o.admin });
    await server.gql(AssignRole, { roleId: restricted, userId: await user(o.emails.manager!) }, { as: o.admin });
    const r = await server.gql(RecordKpiData, { kpiId: revenue, points: revenuePoints.slice(0, 1) }, { as: o.emails.manager! });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.rule).toBe('kpis.record-needs-full');
  });

  it('stores a batch whole or not at all, with a clear error per bad point', async () => {
    const before = (await visible(o.owner))!.totalCount;
    const good = revenuePoints[0]!;
    const bad = [
      { ...good, dimensions: [good.dimensions[0]!] }, // missing product
      { ...good, dimensions: [...good.dimensions, { dimension: 'region', value: 'US' }] }, // twice
      { ...good, dimensions: [{ dimension: 'region', value: 'MARS' }, good.dimensions[1]!] }, // unknown value
      { ...good, dimensions: [...good.dimensions, { dimension: 'planet', value: 'x' }] }, // unknown dimension
      { ...good, value: 1e300 }, // not sane
    ];
    for (const point of bad) {
      const r = await server.gql(RecordKpiData, { kpiId: revenue, points: [good, point] }, { as: o.owner });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      // The error names the second point's field.
      expect(r.errors![0]!.extensions!.field).toMatch(/^points\[1\]\./);
      expect(r.errors![0]!.message).toMatch(/^`points\[1\]\./);
    }
    expect(codes(await server.gql(RecordKpiData, { kpiId: revenue, points: [] }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
    expect((await visible(o.owner))!.totalCount).toBe(before);
  });

  it('fires alerts on crossing points, records them and publishes them to the organization', async () => {
    const alert = await server.gql(CreateAlert, { kpiId: headcount, operator: 'GT', threshold: 100 }, { as: o.editor });
    // The editor cannot see headcount: NOT_FOUND. An admin can.
    expect(codes(alert)).toEqual(['NOT_FOUND']);
    const created = await server.gql(CreateAlert, { kpiId: headcount, operator: 'GT', threshold: 100 }, { as: o.admin });
    expect(created.data?.createAlert).toMatchObject({ operator: 'GT', threshold: 100, kpi: { key: 'headcount' } });
    const iterator = server.app.services.pubsub.subscribe('org:event', o.id)[Symbol.asyncIterator]();
    const next = iterator.next();
    const points = [150, 50].map((value) => ({ period: '2026-03-01T00:00:00Z', value, dimensions: [{ dimension: 'region', value: 'US' }] }));
    expect((await server.gql(RecordKpiData, { kpiId: headcount, points }, { as: o.admin })).errors).toBeUndefined();
    expect((await next).value).toMatchObject({ type: 'alert.fired' });
    await iterator.return?.();
    expect(await server.db.alertFiring.count({ where: { organizationId: o.id } })).toBe(1);
  });

  it('keeps roles and groups to ADMIN and OWNER', async () => {
    expect(codes(await server.gql(RolesAndGroups, undefined, { as: o.editor }))).toContain('FORBIDDEN');
    const r = await server.gql(RolesAndGroups, undefined, { as: o.admin });
    expect(r.data?.roles?.map((x) => x!.name)).toContain('Analysts');
    expect(r.data?.groups?.map((x) => x!.name)).toEqual(['Finance']);
    expect(codes(await server.gql(CreateRole, { name: 'nope' }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(CreateDimension, { key: 'x', name: 'x', values: [] }, { as: o.editor }))).toEqual(['FORBIDDEN']);
  });
});
