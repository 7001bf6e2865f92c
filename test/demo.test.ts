// The demo seed tells the stories a newcomer walks in GraphiQL: here, the KPI access story.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { ApprovalRequestQ, ApprovalRequests, ApproveRequest, Customers, KpiData, Kpis, Login, RequestAccess, RunWorkflow } from './ops.ts';
import { graphql } from './gql/index.ts';

const DemoWorkflows = graphql(`
  query DemoWorkflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }
`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1' });
});
afterAll(() => server?.close());

const regions = async (as: string) => {
  const id = (await server.gql(Kpis, {}, { as })).data!.kpis!.edges![0]!.node!.id;
  const r = await server.gql(KpiData, { id, first: 100 }, { as });
  return [...new Set(r.data!.kpi!.data!.edges!.map((e) => e!.node!.dimensions![0]!.value))].sort();
};

describe('demo seed', () => {
  it('logs in the demo personas with the documented password', async () => {
    const r = await server.gql(Login, { email: 'owner@demo.test', password: 'demo-password-2026' });
    // A session token: a signed JWT (header.payload.signature).
    expect(r.data?.login?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('walks the KPI story: US only, request EMEA, the manager approves, EMEA visible', async () => {
    expect(await regions('analyst@demo.test')).toEqual(['US']);
    expect(await regions('owner@demo.test')).toEqual(['APAC', 'EMEA', 'LATAM', 'US']);
    const requested = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Q3 review' }, { as: 'analyst@demo.test' });
    expect(requested.errors).toBeUndefined();
    const approved = await server.gql(ApproveRequest, { id: requested.data!.requestAccess!.id }, { as: 'manager@demo.test' });
    expect(approved.data?.approveRequest?.status).toBe('APPROVED');
    expect(await regions('analyst@demo.test')).toEqual(['EMEA', 'US']);
  });

  it('walks the workflow story: pending until approved, then it runs', async () => {
    const list = (await server.gql(DemoWorkflows, undefined, { as: 'editor@demo.test' })).data!.workflows!.edges!.map((e) => e!.node!);
    const risky = list.find((w) => w.name === 'Raise the revenue target')!;
    const digest = list.find((w) => w.name === 'Weekly revenue digest')!;
    expect(risky.approvalStatus).toBe('PENDING');
    expect((await server.gql(RunWorkflow, { id: digest.id }, { as: 'editor@demo.test' })).data?.runWorkflow?.status).toBe('SUCCEEDED');
    expect((await server.gql(RunWorkflow, { id: risky.id }, { as: 'editor@demo.test' })).errors?.[0]?.extensions?.code).toBe('APPROVAL_REQUIRED');
    const inbox = (await server.gql(ApprovalRequests, { kind: 'WORKFLOW', status: 'PENDING' }, { as: 'owner@demo.test' })).data!.approvalRequests!.edges!.map((e) => e!.node!.id);
    expect(inbox).toContain(risky.approvalRequest!.id);
    expect((await server.gql(ApproveRequest, { id: risky.approvalRequest!.id }, { as: 'owner@demo.test' })).errors).toBeUndefined();
    expect((await server.gql(RunWorkflow, { id: risky.id }, { as: 'editor@demo.test' })).data?.runWorkflow?.status).toBe('SUCCEEDED');
  });

  it('walks the PII story: masked for the analyst, the owner approves the pending email change', async () => {
    const forAnalyst = (await server.gql(Customers, {}, { as: 'analyst@demo.test' })).data!.customers!.edges!.map((e) => e!.node!);
    expect(forAnalyst.find((c) => c.name === 'Acme Industries')!.email).toBe('j***@acme.example');
    const inbox = (await server.gql(ApprovalRequests, { kind: 'PII_CHANGE', status: 'PENDING' }, { as: 'owner@demo.test' })).data!.approvalRequests!.edges!;
    // The email change, beside the two-owner hard delete of the quorum story.
    const changes = inbox.filter((e) => e!.node!.summary!.startsWith('Change of'));
    expect(changes).toHaveLength(1);
    expect(inbox).toHaveLength(2);
    const id = changes[0]!.node!.id;
    expect((await server.gql(ApprovalRequestQ, { id }, { as: 'owner@demo.test' })).data!.approvalRequest!.proposedChanges).toEqual({ email: 'procurement@acme.example' });
    expect((await server.gql(ApproveRequest, { id }, { as: 'owner@demo.test' })).errors).toBeUndefined();
    const forOwner = (await server.gql(Customers, {}, { as: 'owner@demo.test' })).data!.customers!.edges!.map((e) => e!.node!);
    expect(forOwner.find((c) => c.name === 'Acme Industries')!.email).toBe('procurement@acme.example');
  });
});
