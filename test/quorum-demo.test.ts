// The demo seed's governance stories, walked as the README tells them: the analyst's explained
// denial for EMEA, and the lead hard delete that needs both demo owners (one approval recorded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { userIdOf } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { Kpis, Leads } from './ops.ts';

const DemoMyAccess = graphql(`
  query DemoMyAccess($kpiId: ID!, $row: [KpiRowValue!]) {
    myAccess(kpiId: $kpiId, row: $row) { access basis grants { description wins } checks { decision { rule reason nextStep approvers } } }
  }
`);
const DemoExplainAccess = graphql(`
  query DemoExplainAccess($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) {
    explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { access checks { decision { rule reason approvers } } }
  }
`);
const DemoPendingPii = graphql(`
  query DemoPendingPii {
    approvalRequests(kind: PII_CHANGE, status: PENDING) {
      edges { node { id piiAction summary requiredApprovals countedRoles approvalCount approvals { approver { email } role comment } requestedBy { email } } }
    }
  }
`);
const DemoApprove = graphql(`
  mutation DemoApprove($id: ID!) { approveRequest(id: $id) { status approvalCount approvals { approver { email } } } }
`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1' });
});
afterAll(() => server?.close());

describe('demo governance stories', () => {
  it("explains the analyst's denial for EMEA, to the analyst and to an admin", async () => {
    const kpiId = (await server.gql(Kpis, {}, { as: 'owner@demo.test' })).data!.kpis!.edges!.find((e) => e!.node!.key === 'revenue')!.node!.id;
    const row = [{ dimension: 'region', value: 'EMEA' }];
    const mine = (await server.gql(DemoMyAccess, { kpiId, row }, { as: 'analyst@demo.test' })).data!.myAccess;
    expect(mine).toMatchObject({ access: 'RESTRICTED', basis: 'GRANT', grants: [{ description: 'RESTRICTED through role "Regional analysts", assigned to them', wins: true }] });
    expect(mine.checks[0]!.decision).toEqual({
      rule: 'kpis.scope-missing',
      reason: 'KPI "revenue" is RESTRICTED for you, and no active scope on region covers EMEA (yours: US).',
      nextStep:
        'Request it: mutation { requestAccess(dimension: "region", value: "EMEA", justification: "…") { id } }. ACCESS_SCOPE requests need one approval, other than the requester\'s: manager@demo.test, or any ADMIN or OWNER.',
      approvers: ['manager@demo.test', 'ADMIN', 'OWNER'],
    });
    const analyst = await userIdOf(server, 'admin@demo.test', 'analyst@demo.test');
    const explained = (await server.gql(DemoExplainAccess, { userId: analyst, kpiId, row }, { as: 'admin@demo.test' })).data!.explainAccess;
    expect(explained.checks[0]!.decision).toEqual({
      rule: 'kpis.scope-missing',
      reason: 'KPI "revenue" is RESTRICTED for analyst@demo.test, and no active scope on region covers EMEA (theirs: US).',
      approvers: ['manager@demo.test', 'ADMIN', 'OWNER'],
    });
  });

  it('completes the two-owner hard delete with the second owner', async () => {
    const pending = (await server.gql(DemoPendingPii, undefined, { as: 'owner@demo.test' })).data!.approvalRequests!.edges!.map((e) => e!.node!);
    const hardDelete = pending.find((r) => r.piiAction === 'HARD_DELETE')!;
    expect(hardDelete).toMatchObject({
      requestedBy: { email: 'admin@demo.test' },
      requiredApprovals: 2,
      countedRoles: ['OWNER'],
      approvalCount: 1,
      approvals: [{ approver: { email: 'owner2@demo.test' }, role: 'OWNER', comment: 'Agreed: Initech asked to be forgotten.' }],
    });
    const leads = async () => (await server.gql(Leads, {}, { as: 'owner@demo.test' })).data!.leads!.edges!.map((e) => e!.node!.name);
    expect(await leads()).toContain('Initech');
    const done = await server.gql(DemoApprove, { id: hardDelete.id }, { as: 'owner@demo.test' });
    expect(done.data!.approveRequest).toEqual({ status: 'APPROVED', approvalCount: 2, approvals: [{ approver: { email: 'owner2@demo.test' } }, { approver: { email: 'owner@demo.test' } }] });
    expect(await leads()).not.toContain('Initech');
  });
});
