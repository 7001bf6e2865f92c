// Row-level security against an independent oracle: random roles (with inheritance), groups,
// direct and group assignments, KPI grants, scopes with windows and data; every user's view of
// every KPI through the API (visibility, access, rows, totalCount, summary) must equal what the
// oracle computes from the rules of docs/authorization.md ("KPIs and row-level security") in plain code.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { dimensionsAndKpis, orgWithRoles, succeeded, userIdOf } from './fixtures.ts';
import { AddGroupMember, AssignGroupRole, AssignRole, CreateGroup, CreateRole, GrantAccessScope, KpiData, RecordKpiData, SetKpiPermission } from './ops.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const DIMS = { region: ['R1', 'R2', 'R3'], product: ['P1', 'P2', 'P3'] } as const;
type Dim = keyof typeof DIMS;
const KPIS: { key: string; dims: Dim[] }[] = [
  { key: 'ka', dims: ['region', 'product'] },
  { key: 'kb', dims: ['region'] },
];
const USERS = 3;
const ROLES = 3;
const GROUPS = 2;
type Access = 'FULL' | 'RESTRICTED' | 'NONE';
type Window = 'active' | 'past' | 'future' | 'open';

const model = fc.record({
  roles: fc.array(
    fc.record({
      parent: fc.option(fc.nat(ROLES - 1), { nil: null }),
      grants: fc.array(fc.option(fc.constantFrom<Access>('FULL', 'RESTRICTED', 'NONE'), { nil: null }), { minLength: KPIS.length, maxLength: KPIS.length }),
    }),
    { minLength: ROLES, maxLength: ROLES },
  ),
  groups: fc.array(fc.record({ roles: fc.subarray([0, 1, 2]), users: fc.subarray([0, 1, 2]) }), { minLength: GROUPS, maxLength: GROUPS }),
  direct: fc.array(fc.tuple(fc.nat(USERS - 1), fc.nat(ROLES - 1)), { maxLength: 4 }),
  scopes: fc.array(
    fc.record({
      user: fc.nat(USERS - 1),
      dim: fc.constantFrom<Dim>('region', 'product'),
      value: fc.nat(3), // 3 means '*'
      window: fc.constantFrom<Window>('active', 'past', 'future', 'open'),
    }),
    { maxLength: 8 },
  ),
  points: fc.array(
    fc.record({ kpi: fc.nat(KPIS.length - 1), region: fc.nat(2), product: fc.nat(2), month: fc.nat(5), value: fc.integer({ min: -1000, max: 1000 }) }),
    { maxLength: 25 },
  ),
});
type Model = typeof model extends fc.Arbitrary<infer T> ? T : never;

const rank: Record<Access, number> = { NONE: 0, RESTRICTED: 1, FULL: 2 };

/** The oracle: the rules of docs/authorization.md, written independently of src/kpis. */
function oracle(m: Model, user: number, kpi: number) {
  const held = new Set<number>();
  const direct = m.direct.filter(([u]) => u === user).map(([, r]) => r);
  const viaGroups = m.groups.filter((g) => g.users.includes(user)).flatMap((g) => g.roles);
  // Parents only point to lower indexes in this model (see setup), so the walk ends.
  for (let r of [...direct, ...viaGroups]) {
    for (let steps = 0; steps <= ROLES && r !== null && r !== undefined && !held.has(r); steps++) {
      held.add(r);
      const p = m.roles[r]!.parent;
      r = p !== null && p < r ? p : (undefined as unknown as number);
    }
  }
  let access: Access = 'NONE';
  for (const r of held) {
    const g = m.roles[r]!.grants[kpi];
    if (g && rank[g] > rank[access]) access = g;
  }
  if (access === 'NONE') return null;
  const active = (d: Dim) =>
    new Set(m.scopes.filter((s) => s.user === user && s.dim === d && (s.window === 'active' || s.window === 'open')).map((s) => (s.value === 3 ? '*' : DIMS[d][s.value]!)));
  const rows = m.points
    .filter((p) => p.kpi === kpi)
    .filter(
      (p) =>
        access === 'FULL' ||
        KPIS[kpi]!.dims.every((d) => {
          const values = active(d);
          return values.has('*') || values.has(d === 'region' ? DIMS.region[p.region]! : DIMS.product[p.product]!);
        }),
    );
  return { access, count: rows.length, sum: rows.reduce((s, p) => s + p.value, 0), values: rows.map((p) => p.value).sort((a, b) => a - b) };
}

const windowOf = (w: Window) => {
  const now = Date.now();
  const day = 86_400_000;
  switch (w) {
    case 'active':
      return { startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString() };
    case 'past':
      return { startsAt: new Date(now - 3 * day).toISOString(), endsAt: new Date(now - day).toISOString() };
    case 'future':
      return { startsAt: new Date(now + day).toISOString(), endsAt: new Date(now + 3 * day).toISOString() };
    case 'open':
      return {};
  }
};

async function build(m: Model) {
  const extras = Object.fromEntries(Array.from({ length: USERS }, (_, i) => [`u${i}`, 'VIEWER' as const]));
  const o = await orgWithRoles(server, 'Prop', extras);
  const as = { as: o.admin };
  const kpiIds = await dimensionsAndKpis(server, as, DIMS, KPIS);
  const userIds = await Promise.all(Array.from({ length: USERS }, (_, i) => userIdOf(server, o.owner, o.emails[`u${i}`]!)));
  const roleIds: string[] = [];
  for (const [i, r] of m.roles.entries()) {
    // A parent must exist first: only lower indexes are used as parents (others: no parent).
    const parent = r.parent !== null && r.parent < i ? roleIds[r.parent] : null;
    roleIds.push(succeeded(await server.gql(CreateRole, { name: `role${i}`, parentRoleId: parent }, as)).data!.createRole!.id);
    for (const [k, g] of r.grants.entries()) if (g) succeeded(await server.gql(SetKpiPermission, { roleId: roleIds[i]!, kpiId: kpiIds[k]!, access: g }, as));
  }
  for (const [i, g] of m.groups.entries()) {
    const groupId = succeeded(await server.gql(CreateGroup, { name: `group${i}` }, as)).data!.createGroup!.id;
    for (const r of g.roles) succeeded(await server.gql(AssignGroupRole, { groupId, roleId: roleIds[r]! }, as));
    for (const u of g.users) succeeded(await server.gql(AddGroupMember, { groupId, userId: userIds[u]! }, as));
  }
  for (const [u, r] of m.direct) succeeded(await server.gql(AssignRole, { roleId: roleIds[r]!, userId: userIds[u]! }, as));
  for (const s of m.scopes) succeeded(await server.gql(GrantAccessScope, { userId: userIds[s.user]!, dimension: s.dim, value: s.value === 3 ? '*' : DIMS[s.dim][s.value]!, ...windowOf(s.window) }, as));
  for (const [k, kpi] of KPIS.entries()) {
    const points = m.points
      .filter((p) => p.kpi === k)
      .map((p) => ({
        period: new Date(Date.UTC(2026, p.month, 1)).toISOString(),
        value: p.value,
        dimensions: kpi.dims.map((d) => ({ dimension: d, value: d === 'region' ? DIMS.region[p.region]! : DIMS.product[p.product]! })),
      }));
    if (points.length) succeeded(await server.gql(RecordKpiData, { kpiId: kpiIds[k]!, points }, as));
  }
  return { o, kpiIds };
}

describe('row-level security (property)', () => {
  it('matches the oracle for every user and KPI', async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const { o, kpiIds } = await build(m);
        for (let u = 0; u < USERS; u++) {
          for (let k = 0; k < KPIS.length; k++) {
            const want = oracle(m, u, k);
            const r = await server.gql(KpiData, { id: kpiIds[k]!, first: 100 }, { as: o.emails[`u${u}`]! });
            expect(r.errors).toBeUndefined();
            const kpi = r.data?.kpi;
            if (!want) {
              expect(kpi).toBeNull();
              continue;
            }
            expect(kpi?.access).toBe(want.access);
            const values = kpi!.data!.edges!.map((e) => e!.node!.value!).sort((a, b) => a - b);
            expect(values).toEqual(want.values);
            expect(kpi!.data!.totalCount).toBe(want.count);
            expect(kpi!.summary!.count).toBe(want.count);
            expect(kpi!.summary!.sum ?? 0).toBe(want.sum);
          }
        }
      }),
      { numRuns: 20 },
    );
    // 20 random models, each seeded and read by every user: well over the default 30 s on a busy PostgreSQL.
  }, 120_000);
});
