// Who may change KPI grants, and who may receive them: every KPI mutation refused by the matrix
// names its capability and writes nothing; an invited member receives no role, group, scope or
// approver delegation until they accept; scopes by id are one's own unless one manages them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { kpiFootprint } from './kpis-footprint.ts';
import { graphql } from './gql/index.ts';
import {
  AcceptInvite, AddGroupMember, AssignGroupRole, AssignRole, CreateAlert, CreateDimension, CreateGroup, CreateKpi, CreateRole, GrantAccessScope,
  InviteMember, Members, RecordKpiData, RequestAccess, RevokeAccessScope, SetKpiPermission, SetRoleParent, SetScopeApprover, UnassignRole,
} from './ops.ts';

const ScopeNode = graphql(`
  query KpisScopeNode($id: ID!) { node(id: $id) { id ... on AccessScope { value user { email } } } }
`);

let server: TestServer;
let o: OrgFixture;
let kpi: string;
let role: string;
let group: string;
let editorId: string;

const ok = <R>(r: GqlResult<R>): R => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

const footprint = () => kpiFootprint(server, o.id);

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Grants');
  const admin = { as: o.admin };
  ok(await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, admin));
  kpi = ok(await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region'] } }, admin)).createKpi!.id;
  role = ok(await server.gql(CreateRole, { name: 'Analysts' }, admin)).createRole!.id;
  group = ok(await server.gql(CreateGroup, { name: 'Finance' }, admin)).createGroup!.id;
  editorId = await userIdOf(server, o.owner, o.editor);
});
afterAll(() => server?.close());

describe('KPI mutations declare their capability', () => {
  const point = { period: '2026-01-01T00:00:00Z', value: 1, dimensions: [{ dimension: 'region', value: 'US' }] };
  const calls: [string, (as: string) => Promise<GqlResult<unknown>>][] = [
    ['kpis.manage', (as) => server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['p1'] }, { as })],
    ['kpis.manage', (as) => server.gql(CreateRole, { name: 'Sneaky' }, { as })],
    ['kpis.manage', (as) => server.gql(SetRoleParent, { roleId: role, parentRoleId: null }, { as })],
    ['kpis.manage', (as) => server.gql(AssignRole, { roleId: role, userId: editorId }, { as })],
    ['kpis.manage', (as) => server.gql(UnassignRole, { roleId: role, userId: editorId }, { as })],
    ['kpis.manage', (as) => server.gql(CreateGroup, { name: 'Sneaky' }, { as })],
    ['kpis.manage', (as) => server.gql(AddGroupMember, { groupId: group, userId: editorId }, { as })],
    ['kpis.manage', (as) => server.gql(AssignGroupRole, { groupId: group, roleId: role }, { as })],
    ['kpis.manage', (as) => server.gql(SetKpiPermission, { roleId: role, kpiId: kpi, access: 'FULL' }, { as })],
    ['kpis.manage', (as) => server.gql(GrantAccessScope, { userId: editorId, dimension: 'region', value: '*' }, { as })],
    ['kpis.manage', (as) => server.gql(SetScopeApprover, { dimension: 'region', value: '*', userId: editorId }, { as })],
    ['kpis.write', (as) => server.gql(CreateKpi, { input: { key: 'sneaky', name: 'Sneaky', dimensionKeys: [] } }, { as })],
    ['kpis.write', (as) => server.gql(RecordKpiData, { kpiId: kpi, points: [point] }, { as })],
    ['kpis.write', (as) => server.gql(CreateAlert, { kpiId: kpi, operator: 'GT', threshold: 1 }, { as })],
  ];

  it('refuses each one to the roles the matrix excludes, with the capability as the rule, writing nothing', async () => {
    const before = await footprint();
    for (const [capability, call] of calls) {
      const refused = capability === 'kpis.write' ? [o.viewer] : [o.viewer, o.editor];
      for (const as of refused) {
        const r = await call(as);
        expect({ capability, as, codes: codes(r), rule: r.errors?.[0]?.extensions?.rule }).toEqual({ capability, as, codes: ['FORBIDDEN'], rule: capability });
      }
    }
    expect(await footprint()).toEqual(before);
  });

  it('refuses requestAccess to ADMIN and OWNER, and revoking to EDITOR', async () => {
    const before = await footprint();
    for (const as of [o.admin, o.owner]) {
      const r = await server.gql(RequestAccess, { dimension: 'region', value: 'US', justification: 'why not' }, { as });
      expect([codes(r), r.errors?.[0]?.extensions?.rule]).toEqual([['FORBIDDEN'], 'kpis.requestAccess']);
    }
    const scope = ok(await server.gql(GrantAccessScope, { userId: editorId, dimension: 'region', value: 'US' }, { as: o.admin })).grantAccessScope!.id;
    const r = await server.gql(RevokeAccessScope, { id: scope }, { as: o.editor });
    expect([codes(r), r.errors?.[0]?.extensions?.rule]).toEqual([['FORBIDDEN'], 'kpis.manage']);
    expect(await footprint()).toMatchObject({ ...before, scopes: before.scopes + 1, revoked: before.revoked, changes: before.changes + 1 });
  });
});

describe('an invitation is inert until accepted', () => {
  it('refuses roles, groups, scopes and approver delegation to an invited member, then allows them once accepted', async () => {
    const email = `invitee.${Date.now()}@grants.test`;
    const invite = ok(await server.gql(InviteMember, { email, role: 'VIEWER' }, { as: o.owner })).inviteMember!;
    const members = ok(await server.gql(Members, { first: 100 }, { as: o.owner })).members!.edges!.map((e) => e!.node!);
    const invited = members.find((m) => m.user!.email === email)!;
    expect(invited).toMatchObject({ status: 'INVITED', role: 'VIEWER' });
    const userId = invited.user!.id;

    const grants = [
      () => server.gql(AssignRole, { roleId: role, userId }, { as: o.admin }),
      () => server.gql(AddGroupMember, { groupId: group, userId }, { as: o.owner }),
      () => server.gql(GrantAccessScope, { userId, dimension: 'region', value: 'US' }, { as: o.admin }),
      () => server.gql(SetScopeApprover, { dimension: 'region', value: 'EMEA', userId }, { as: o.owner }),
    ];
    const before = await footprint();
    for (const grant of grants) {
      const r = await grant();
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions).toMatchObject({
        rule: 'kpis.grant-to-invited',
        reason: 'This person has not accepted their invitation yet: an invitation is inert until accepted.',
        nextStep: 'Grant roles, groups and scopes after they accept it.',
      });
    }
    expect(await footprint()).toEqual(before);

    // Taking away what they could not have been given is harmless, and allowed.
    expect(ok(await server.gql(UnassignRole, { roleId: role, userId }, { as: o.admin })).unassignRole).toEqual({ id: role });

    ok(await server.gql(AcceptInvite, { token: invite.token!, password: PASSWORD }));
    for (const grant of grants) expect((await grant()).errors).toBeUndefined();
    const after = await footprint();
    expect(after).toMatchObject({ assignments: before.assignments + 1, groupMembers: before.groupMembers + 1, scopes: before.scopes + 1, approvers: before.approvers + 1 });
  });

  it('does not find someone who is no member of the organization at all', async () => {
    const stranger = await orgWithRoles(server, 'Elsewhere');
    const strangerId = await userIdOf(server, stranger.owner, stranger.viewer);
    expect(codes(await server.gql(AssignRole, { roleId: role, userId: strangerId }, { as: o.admin }))).toEqual(['NOT_FOUND']);
  });
});

describe('access scopes by id', () => {
  it('shows a scope to its holder and to those who manage scopes, to nobody else', async () => {
    const scope = ok(await server.gql(GrantAccessScope, { userId: editorId, dimension: 'region', value: 'EMEA' }, { as: o.admin })).grantAccessScope!.id;
    const seen = async (as: string) => (await server.gql(ScopeNode, { id: scope }, { as })).data?.node ?? null;
    const mine = { id: scope, value: 'EMEA', user: { email: o.editor } };
    expect(await seen(o.editor)).toEqual(mine);
    expect(await seen(o.admin)).toEqual(mine);
    expect(await seen(o.owner)).toEqual(mine);
    expect(await seen(o.viewer)).toBeNull();
  });
});
