// Explained KPI access through the API: myAccess for anyone, explainAccess for ADMIN and OWNER. The
// effective access must be the one the row filters enforce (`kpi.access`), the grant paths must name
// role → parent role → group and which one wins, RESTRICTED must list the scopes with their windows
// and next boundary, and a missing value must name the request that would grant it and its approvers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { subscribe } from './live.ts';
import {
  AddGroupMember, AssignGroupRole, AssignRole, CreateDimension, CreateGroup, CreateKpi, CreateRole, GrantAccessScope, KpiData, RecordKpiData, RequestAccess,
  SetKpiPermission, SetScopeApprover,
} from './ops.ts';

const Explanation = graphql(`
  fragment ExplanationFields on KpiAccessExplanation {
    user { email }
    kpi { key }
    access
    basis
    decision { allowed rule reason nextStep approvers }
    grants { access via group { id name } roles { id name } wins description }
    dimensions {
      dimension values nextBoundary
      scopes { value startsAt endsAt active }
      decision { allowed rule reason nextStep approvers }
      request { requiredApprovals approverRoles delegatedApprovers { email } }
    }
    nextBoundary
    checks {
      dimension value
      decision { allowed rule reason nextStep approvers }
      request { kind requiredApprovals countedRoles approverRoles delegatedApprovers { email } description }
      pendingRequest { id approvalCount requiredApprovals }
    }
    rowVisible
  }
`);

const MyAccess = graphql(`
  query ExplainMyAccess($kpiId: ID!, $row: [KpiRowValue!]) { myAccess(kpiId: $kpiId, row: $row) { ...ExplanationFields } }
`);
const ExplainAccess = graphql(`
  query ExplainAccessOf($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) { explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { ...ExplanationFields } }
`);
void Explanation;

let server: TestServer;
let o: OrgFixture;
let kpiId: string;
/** Global ids of the custom roles and the group, by name. */
const ids: Record<string, string> = {};
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().replace(/\.\d{3}Z$/, '.000Z');
const usEnds = inDays(10);
const apacStarts = inDays(2);

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Explain', { manager: 'EDITOR', newcomer: 'VIEWER', full: 'VIEWER', author: 'EDITOR' });
  const as = { as: o.owner };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA', 'APAC'] }, as);
  await server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['Core', 'Cloud'] }, as);
  kpiId = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  await server.gql(RecordKpiData, { kpiId, points: [{ period: '2026-01-01T00:00:00Z', value: 1, dimensions: [{ dimension: 'region', value: 'US' }, { dimension: 'product', value: 'Core' }] }] }, as);
  const user = (email: string) => userIdOf(server, o.owner, email);

  // The viewer: group "EMEA team" holds role "Analysts", whose parent "Regional" is RESTRICTED on revenue.
  const regional = (ids.Regional = (await server.gql(CreateRole, { name: 'Regional' }, as)).data!.createRole!.id);
  const analysts = (ids.Analysts = (await server.gql(CreateRole, { name: 'Analysts', parentRoleId: regional }, as)).data!.createRole!.id);
  await server.gql(SetKpiPermission, { roleId: regional, kpiId, access: 'RESTRICTED' }, as);
  const group = (ids['EMEA team'] = (await server.gql(CreateGroup, { name: 'EMEA team' }, as)).data!.createGroup!.id);
  await server.gql(AssignGroupRole, { groupId: group, roleId: analysts }, as);
  await server.gql(AddGroupMember, { groupId: group, userId: await user(o.viewer) }, as);
  await server.gql(GrantAccessScope, { userId: await user(o.viewer), dimension: 'region', value: 'US', endsAt: usEnds }, as);
  await server.gql(GrantAccessScope, { userId: await user(o.viewer), dimension: 'region', value: 'APAC', startsAt: apacStarts }, as);
  await server.gql(GrantAccessScope, { userId: await user(o.viewer), dimension: 'product', value: '*' }, as);
  await server.gql(SetScopeApprover, { dimension: 'region', value: 'EMEA', userId: await user(o.emails.manager!) }, as);

  // `full`: RESTRICTED through the group and FULL through a role of their own: the strongest wins.
  const planners = (ids.Planners = (await server.gql(CreateRole, { name: 'Planners' }, as)).data!.createRole!.id);
  await server.gql(SetKpiPermission, { roleId: planners, kpiId, access: 'FULL' }, as);
  await server.gql(AssignRole, { roleId: planners, userId: await user(o.emails.full!) }, as);
  await server.gql(AddGroupMember, { groupId: group, userId: await user(o.emails.full!) }, as);
  // `newcomer`: RESTRICTED through the group, no scope at all.
  await server.gql(AddGroupMember, { groupId: group, userId: await user(o.emails.newcomer!) }, as);
});
afterAll(() => server?.close());

const step = (name: string) => ({ id: ids[name], name });
const restrictedPath = () => ({
  access: 'RESTRICTED',
  via: 'GROUP',
  group: step('EMEA team'),
  roles: [step('Analysts'), step('Regional')],
  description: 'RESTRICTED through group "EMEA team", which holds role "Analysts", inheriting from "Regional"',
});

describe('myAccess', () => {
  it('explains a RESTRICTED grant: the path, the scopes with their windows, the next boundary, and what EMEA needs', async () => {
    const r = await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'EMEA' }, { dimension: 'product', value: 'Core' }] }, { as: o.viewer });
    expect(r.errors).toBeUndefined();
    const e = r.data!.myAccess;
    expect(e).toMatchObject({ user: { email: o.viewer }, kpi: { key: 'revenue' }, access: 'RESTRICTED', basis: 'GRANT', nextBoundary: apacStarts, rowVisible: false });
    expect(e.decision).toEqual({
      allowed: true,
      rule: 'kpis.grant',
      reason: 'The strongest grant among the custom roles held directly or through groups (each with its parents) wins: RESTRICTED.',
      nextStep: null,
      approvers: [],
    });
    expect(e.grants).toEqual([{ ...restrictedPath(), wins: true }]);
    expect(e.dimensions).toEqual([
      {
        dimension: 'region',
        values: ['US'],
        nextBoundary: apacStarts,
        scopes: [
          { value: 'APAC', startsAt: apacStarts, endsAt: null, active: false },
          { value: 'US', startsAt: null, endsAt: usEnds, active: true },
        ],
        decision: { allowed: true, rule: 'kpis.scope', reason: 'Rows whose region is US are visible.', nextStep: null, approvers: [] },
        request: null,
      },
      {
        dimension: 'product',
        values: ['*'],
        nextBoundary: null,
        scopes: [{ value: '*', startsAt: null, endsAt: null, active: true }],
        decision: { allowed: true, rule: 'kpis.scope', reason: 'Rows whose product is any value are visible.', nextStep: null, approvers: [] },
        request: null,
      },
    ]);
    const [emea, core] = e.checks;
    expect(core).toMatchObject({ dimension: 'product', value: 'Core', decision: { allowed: true, rule: 'kpis.scope', reason: 'An active scope on product covers every value (*).' }, request: null });
    const sentence = `ACCESS_SCOPE requests need one approval, other than the requester's: ${o.emails.manager}, or any ADMIN or OWNER.`;
    expect(emea).toEqual({
      dimension: 'region',
      value: 'EMEA',
      decision: {
        allowed: false,
        rule: 'kpis.scope-missing',
        reason: 'KPI "revenue" is RESTRICTED for you, and no active scope on region covers EMEA (yours: US).',
        nextStep: `Request it: mutation { requestAccess(dimension: "region", value: "EMEA", justification: "…") { id } }. ${sentence}`,
        approvers: [o.emails.manager, 'ADMIN', 'OWNER'],
      },
      request: { kind: 'ACCESS_SCOPE', requiredApprovals: 1, countedRoles: [], approverRoles: ['ADMIN', 'OWNER'], delegatedApprovers: [{ email: o.emails.manager }], description: sentence },
      pendingRequest: null,
    });
  });

  it('says a scope that has not started yet will open, and that US rows are visible', async () => {
    const r = await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'APAC' }] }, { as: o.viewer });
    expect(r.data!.myAccess.checks[0]!.decision).toMatchObject({ allowed: false, rule: 'kpis.scope-missing', nextStep: `Your scope on region=APAC starts at ${apacStarts}; nothing to ask for.` });
    const us = await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'US' }, { dimension: 'product', value: 'Cloud' }] }, { as: o.viewer });
    expect(us.data!.myAccess.rowVisible).toBe(true);
    expect(us.data!.myAccess.checks.map((c) => c.decision.allowed)).toEqual([true, true]);
  });

  it('points at the pending request, with its progress, once the member asked', async () => {
    const asked = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Q3 review' }, { as: o.viewer });
    expect(asked.errors).toBeUndefined();
    const id = asked.data!.requestAccess!.id;
    const check = (await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'EMEA' }] }, { as: o.viewer })).data!.myAccess.checks[0]!;
    expect(check.pendingRequest).toEqual({ id, approvalCount: 0, requiredApprovals: 1 });
    expect(check.decision.nextStep).toBe(
      `Your request ${id} for region=EMEA is pending (0 of 1 approvals). ACCESS_SCOPE requests need one approval, other than the requester's: ${o.emails.manager}, or any ADMIN or OWNER.`,
    );
  });

  it('names the dimension without any scope: no row of the KPI is visible', async () => {
    const e = (await server.gql(MyAccess, { kpiId }, { as: o.emails.newcomer! })).data!.myAccess;
    expect(e.access).toBe('RESTRICTED');
    expect(e.dimensions.map((d) => [d.dimension, d.values, d.decision.rule, d.decision.allowed])).toEqual([
      ['region', [], 'kpis.scope-none', false],
      ['product', [], 'kpis.scope-none', false],
    ]);
    expect(e.dimensions[0]!.decision.reason).toBe('You hold no active scope on region, so no row of KPI "revenue" (RESTRICTED) is visible.');
    expect(e.dimensions[0]!.request).toEqual({ requiredApprovals: 1, approverRoles: ['ADMIN', 'OWNER'], delegatedApprovers: [] });
    expect((await server.gql(KpiData, { id: kpiId }, { as: o.emails.newcomer! })).data!.kpi!.data!.totalCount).toBe(0);
  });

  it('lets the strongest grant win and says which', async () => {
    const e = (await server.gql(MyAccess, { kpiId }, { as: o.emails.full! })).data!.myAccess;
    expect(e).toMatchObject({ access: 'FULL', basis: 'GRANT', dimensions: [], nextBoundary: null, rowVisible: true });
    expect(e.decision.reason).toBe('The strongest grant among the custom roles held directly or through groups (each with its parents) wins: FULL, over 1 other grant.');
    expect(e.grants).toEqual([
      { access: 'FULL', via: 'DIRECT', group: null, roles: [step('Planners')], wins: true, description: 'FULL through role "Planners", assigned to them' },
      { ...restrictedPath(), wins: false },
    ]);
  });

  it('gives ADMIN and OWNER FULL by their role, and an EDITOR FULL on what they created', async () => {
    for (const as of [o.admin, o.owner]) {
      const e = (await server.gql(MyAccess, { kpiId }, { as })).data!.myAccess;
      expect(e).toMatchObject({ access: 'FULL', basis: 'ORG_ROLE', decision: { allowed: true, rule: 'kpis.read' } });
    }
    expect((await server.gql(MyAccess, { kpiId }, { as: o.admin })).data!.myAccess.decision.reason).toBe(
      'Members with the ADMIN and OWNER roles read every KPI in full; your role here is ADMIN.',
    );
    const own = (await server.gql(CreateKpi, { input: { key: 'pipeline', name: 'Pipeline', dimensionKeys: [] } }, { as: o.emails.author! })).data!.createKpi!.id;
    const e = (await server.gql(MyAccess, { kpiId: own }, { as: o.emails.author! })).data!.myAccess;
    expect(e).toMatchObject({ access: 'FULL', basis: 'CREATOR', decision: { rule: 'kpis.creator', reason: 'An EDITOR has FULL access to the KPIs they created, and you created KPI "pipeline".' } });
  });

  it('explains NONE without revealing the KPI, and says whom to ask', async () => {
    const e = (await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'EMEA' }] }, { as: o.editor })).data!.myAccess;
    expect(e).toMatchObject({ kpi: null, access: 'NONE', basis: 'NO_GRANT', grants: [], dimensions: [], rowVisible: false });
    expect(e.decision).toEqual({
      allowed: false,
      rule: 'kpis.no-grant',
      reason: 'No custom role you hold (directly or through groups, with their parents) grants RESTRICTED or FULL on this KPI.',
      nextStep: 'Ask an ADMIN or OWNER to grant RESTRICTED or FULL on it to a custom role you hold (setKpiPermission), or to give you such a role (assignRole, addGroupMember).',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(e.checks[0]!.decision.rule).toBe('kpis.no-grant');
  });

  it('answers a KPI that does not exist exactly as one the member may not see; NOT_FOUND only to a role that sees every KPI', async () => {
    const secret = (await server.gql(CreateKpi, { input: { key: 'secret', name: 'Secret', dimensionKeys: ['region'] } }, { as: o.owner })).data!.createKpi!.id;
    // A NONE grant reaches the viewer (through "EMEA team" → Analysts → Regional): not to be told either.
    await server.gql(SetKpiPermission, { roleId: ids.Regional!, kpiId: secret, access: 'NONE' }, { as: o.owner });
    const missing = Buffer.from('Kpi:no-such-kpi').toString('base64');
    for (const as of [o.viewer, o.editor]) {
      const row = [{ dimension: 'region', value: 'EMEA' }];
      const hidden = await server.gql(MyAccess, { kpiId: secret, row }, { as });
      expect(hidden.errors).toBeUndefined();
      expect(hidden.data!.myAccess).toMatchObject({ kpi: null, access: 'NONE', basis: 'NO_GRANT', grants: [], dimensions: [], rowVisible: false });
      expect(hidden.data!.myAccess.decision.reason).toBe('No custom role you hold (directly or through groups, with their parents) grants RESTRICTED or FULL on this KPI.');
      expect(await server.gql(MyAccess, { kpiId: missing, row }, { as })).toEqual(hidden);
    }
    for (const as of [o.admin, o.owner]) expect(codes(await server.gql(MyAccess, { kpiId: missing }, { as }))).toEqual(['NOT_FOUND']);
  });

  it('agrees with the access the row filters enforce, for every member', async () => {
    for (const as of Object.values(o.emails)) {
      const explained = (await server.gql(MyAccess, { kpiId }, { as })).data!.myAccess.access;
      const enforced = (await server.gql(KpiData, { id: kpiId }, { as })).data!.kpi?.access ?? 'NONE';
      expect([as, explained]).toEqual([as, enforced]);
    }
  });

  it('checks its input before any I/O', async () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((d) => ({ dimension: d, value: 'x' }));
    const tooMany = await server.gql(MyAccess, { kpiId, row: five }, { as: o.viewer });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'row' });
    const unknown = await server.gql(MyAccess, { kpiId, row: [{ dimension: 'color', value: 'red' }] }, { as: o.viewer });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'row[0].dimension' });
    expect(unknown.errors?.[0]?.message).toBe('`row[0].dimension` names "color", which KPI "revenue" does not have; its dimensions are region, product.');
    const long = await server.gql(MyAccess, { kpiId, row: [{ dimension: 'region', value: 'x'.repeat(101) }] }, { as: o.viewer });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'row[0].value' });
  });
});

describe('explainAccess', () => {
  it("lets ADMIN and OWNER see a member's explanation, the same as the member's own", async () => {
    const viewerId = await userIdOf(server, o.owner, o.viewer);
    const row = [{ dimension: 'region', value: 'US' }];
    const theirs = (await server.gql(MyAccess, { kpiId, row }, { as: o.viewer })).data!.myAccess;
    for (const as of [o.admin, o.owner]) {
      const r = await server.gql(ExplainAccess, { userId: viewerId, kpiId, row }, { as });
      expect(r.errors).toBeUndefined();
      expect(r.data!.explainAccess).toEqual(theirs);
    }
  });

  it("words another member's NONE about them, naming the KPI to the admin", async () => {
    const e = (await server.gql(ExplainAccess, { userId: await userIdOf(server, o.owner, o.editor), kpiId }, { as: o.admin })).data!.explainAccess;
    expect(e).toMatchObject({ kpi: { key: 'revenue' }, access: 'NONE', basis: 'NO_GRANT' });
    expect(e.decision.reason).toBe(`No custom role ${o.editor} holds (directly or through groups, with their parents) grants RESTRICTED or FULL on KPI "revenue".`);
  });

  it('refuses VIEWER and EDITOR with the decision in the error', async () => {
    const viewerId = await userIdOf(server, o.owner, o.viewer);
    for (const as of [o.viewer, o.editor]) {
      const r = await server.gql(ExplainAccess, { userId: viewerId, kpiId }, { as });
      expect(r.errors?.[0]?.extensions).toEqual({
        code: 'FORBIDDEN',
        rule: 'kpis.explainAccess',
        reason: `Permission to explain any member's access to a KPI (explainAccess) belongs to the ADMIN and OWNER roles; your role here is ${as === o.viewer ? 'VIEWER' : 'EDITOR'}.`,
        // Only an OWNER may make a member ADMIN or OWNER.
        nextStep: 'Ask a member with the OWNER role if you need it.',
        approvers: ['OWNER'],
      });
    }
  });

  it('finds no member of another organization', async () => {
    const other = await orgWithRoles(server, 'Elsewhere');
    const stranger = await userIdOf(server, other.owner, other.viewer);
    expect(codes(await server.gql(ExplainAccess, { userId: stranger, kpiId }, { as: o.admin }))).toEqual(['NOT_FOUND']);
    // Nor a KPI of another organization.
    const theirs = (await server.gql(CreateKpi, { input: { key: 'theirs', name: 'T', dimensionKeys: [] } }, { as: other.owner })).data!.createKpi!.id;
    // To a VIEWER, as any KPI that does not exist here: NONE, nothing of it shown; to an ADMIN, NOT_FOUND.
    const viewers = await server.gql(MyAccess, { kpiId: theirs }, { as: o.viewer });
    expect(viewers.data!.myAccess).toMatchObject({ kpi: null, access: 'NONE', basis: 'NO_GRANT', grants: [] });
    expect(viewers).toEqual(await server.gql(MyAccess, { kpiId: Buffer.from('Kpi:no-such-kpi').toString('base64') }, { as: o.viewer }));
    expect(codes(await server.gql(MyAccess, { kpiId: theirs }, { as: o.admin }))).toEqual(['NOT_FOUND']);
  });
});

describe('refusals carry their decision', () => {
  it('ends an approvalEvents subscription of a member who may decide nothing with the rule, reason and next step', async () => {
    const port = await server.app.start(0, '127.0.0.1');
    const s = subscribe(`ws://127.0.0.1:${port}/graphql`, { devUser: o.editor }, 'subscription { approvalEvents { type } }');
    try {
      await s.ended();
      expect(s.errors.map((e) => e.extensions)).toEqual([
        {
          code: 'FORBIDDEN',
          rule: 'approvals.subscribe',
          reason: 'You may decide no approval requests in this organization (your role is EDITOR and no dimension values are delegated to you), so this subscription has ended.',
          nextStep: 'Use myApprovalUpdates to follow your own requests.',
          approvers: ['ADMIN', 'OWNER'],
        },
      ]);
    } finally {
      await s.close();
    }
  });
});
