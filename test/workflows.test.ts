// Workflow governance through the public API: risky workflows wait for approval, blocked runs are
// recorded and audited, approved ones run (a local HTTP receiver gets the webhook), edits need a
// new approval, and field guards.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import {
  ApproveRequest, AuditEvents, CreateDimension, CreateKpi, CreateWorkflow, KpiData, RecordKpiData, RejectRequest, RunWorkflow, UpdateWorkflow,
  WorkflowNameStatus, WorkflowQ,
} from './ops.ts';

let receiver: Server;
let origin: string;
const received: { path: string; body: any }[] = [];
let failNext = 0;
let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || '{}') });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
      res.writeHead(failNext-- > 0 ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({ WEBHOOK_ALLOWLIST: origin, WEBHOOK_TIMEOUT_MS: '500' });
  o = await orgWithRoles(server, 'Flows', { editor2: 'EDITOR', admin2: 'ADMIN' });
});
afterAll(async () => {
  await server?.close();
  await new Promise((r) => receiver.close(r));
});

const webhook = (path = '/hook', body: Record<string, unknown> = { hello: 'world' }) => ({
  name: 'Ping the CRM',
  actions: [{ kind: 'WEBHOOK' as const, config: { url: `${origin}${path}`, body } }],
});
const auditActions = async (action: string) =>
  (await server.gql(AuditEvents, { action, first: 100 }, { as: o.owner })).data!.auditEvents!.edges!.map((e) => e!.node!);

describe('governance', () => {
  it('walks the story: pending, blocked, not self-approved, approved by an owner, runs, edit makes it pending again', async () => {
    expect(codes(await server.gql(CreateWorkflow, { input: webhook() }, { as: o.viewer }))).toEqual(['FORBIDDEN']);

    const created = await server.gql(CreateWorkflow, { input: webhook() }, { as: o.editor });
    expect(created.errors).toBeUndefined();
    const wf = created.data!.createWorkflow!;
    expect(wf).toMatchObject({ requiresApproval: true, approvalStatus: 'PENDING', approvalRequest: { status: 'PENDING', kind: 'WORKFLOW' } });

    const blocked = await server.gql(RunWorkflow, { id: wf.id }, { as: o.editor });
    expect(codes(blocked)).toEqual(['APPROVAL_REQUIRED']);
    expect(blocked.errors![0]!.message).toContain(wf.approvalRequest!.id);
    expect(blocked.errors![0]!.message).toMatch(/ADMIN or OWNER other than the requester/);
    const runs = (await server.gql(WorkflowQ, { id: wf.id }, { as: o.editor })).data!.workflow!.runs!;
    expect(runs.edges!.map((e) => e!.node!.status)).toEqual(['BLOCKED']);
    expect(blocked.errors![0]!.extensions).toMatchObject({ rule: 'workflows.approval-required', runId: runs.edges![0]!.node!.id, approvers: ['ADMIN', 'OWNER'] });
    expect((await auditActions('workflow.run.blocked')).length).toBeGreaterThan(0);
    expect(received).toHaveLength(0);

    expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: o.emails.editor2! }))).toEqual(['FORBIDDEN']);
    expect((await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: o.owner })).errors).toBeUndefined();
    expect((await server.gql(WorkflowQ, { id: wf.id }, { as: o.editor })).data!.workflow!.approvalStatus).toBe('APPROVED');

    const ran = await server.gql(RunWorkflow, { id: wf.id }, { as: o.editor });
    expect(ran.data?.runWorkflow).toMatchObject({ status: 'SUCCEEDED', trigger: 'MANUAL', error: null });
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({ payload: { hello: 'world' }, runId: expect.any(String) });

    // Renaming keeps the approval; changing what it does does not.
    const renamed = await server.gql(UpdateWorkflow, { id: wf.id, input: { ...webhook(), name: 'Ping the CRM (renamed)' } }, { as: o.editor });
    expect(renamed.data?.updateWorkflow?.approvalStatus).toBe('APPROVED');
    const edited = await server.gql(UpdateWorkflow, { id: wf.id, input: webhook('/hook', { hello: 'changed' }) }, { as: o.editor });
    expect(edited.data?.updateWorkflow).toMatchObject({ approvalStatus: 'PENDING', approvalRequest: { status: 'PENDING' } });
    expect(edited.data!.updateWorkflow!.approvalRequest!.id).not.toBe(wf.approvalRequest!.id);
    expect(codes(await server.gql(RunWorkflow, { id: wf.id }, { as: o.editor }))).toEqual(['APPROVAL_REQUIRED']);
    expect(received).toHaveLength(1);
    // The older request cannot be approved any more.
    expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: o.owner }))).toEqual(['CONFLICT']);
  });

  it('runs a NOTIFY-only workflow at once, and approves an owner’s risky one at once (audited)', async () => {
    const notify = await server.gql(CreateWorkflow, { input: { name: 'Tell the team', actions: [{ kind: 'NOTIFY', config: { message: 'Numbers are in' } }] } }, { as: o.editor });
    expect(notify.data?.createWorkflow).toMatchObject({ requiresApproval: false, approvalStatus: 'APPROVED', approvalRequest: null });
    const iterator = server.app.services.pubsub.subscribe('org:event', o.id)[Symbol.asyncIterator]();
    const next = iterator.next();
    const run = await server.gql(RunWorkflow, { id: notify.data!.createWorkflow!.id }, { as: o.editor });
    expect(run.data?.runWorkflow?.status).toBe('SUCCEEDED');
    expect((await next).value).toMatchObject({ type: 'workflow.notify' });
    await iterator.return?.();

    const owners = await server.gql(CreateWorkflow, { input: webhook('/owner') }, { as: o.owner });
    expect(owners.data?.createWorkflow).toMatchObject({ requiresApproval: true, approvalStatus: 'APPROVED' });
    expect((await auditActions('workflow.approve.owner')).some((e) => e.targetId === owners.data!.createWorkflow!.id)).toBe(true);
  });

  it('lets an ADMIN create (pending) but not approve their own; another ADMIN may', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: webhook() }, { as: o.admin })).data!.createWorkflow!;
    expect(wf.approvalStatus).toBe('PENDING');
    expect(codes(await server.gql(ApproveRequest, { id: wf.approvalRequest!.id }, { as: o.admin }))).toEqual(['FORBIDDEN']);
    expect((await server.gql(RejectRequest, { id: wf.approvalRequest!.id, reason: 'not this one' }, { as: o.emails.admin2! })).errors).toBeUndefined();
    expect((await server.gql(WorkflowQ, { id: wf.id }, { as: o.admin })).data!.workflow!.approvalStatus).toBe('REJECTED');
  });

  it('validates every action config at create and update with a clear error', async () => {
    const bad = [
      { kind: 'WEBHOOK', config: { url: 'https://evil.example.com/steal' } },
      { kind: 'WEBHOOK', config: { url: 'not a url' } },
      { kind: 'NOTIFY', config: {} },
      { kind: 'SET_KPI_TARGET', config: { kpiKey: 'revenue' } },
      { kind: 'SNAPSHOT_KPI', config: { kpiKey: 'revenue', extra: 1 } },
    ] as const;
    for (const action of bad) {
      const r = await server.gql(CreateWorkflow, { input: { name: 'x', actions: [action] } }, { as: o.editor });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.message).toMatch(/^Action 1/);
    }
    const disallowed = await server.gql(CreateWorkflow, { input: { name: 'x', actions: [bad[0]] } }, { as: o.owner });
    expect(disallowed.errors![0]!.message).toMatch(/not in WEBHOOK_ALLOWLIST/);
    expect(codes(await server.gql(CreateWorkflow, { input: { name: 'x', trigger: 'SCHEDULE', schedule: 'every day', actions: [{ kind: 'NOTIFY', config: { message: 'x' } }] } }, { as: o.editor }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(CreateWorkflow, { input: { name: 'x', actions: [] } }, { as: o.editor }))).toEqual(['BAD_USER_INPUT']);
  });

  it('records a failing or timed-out webhook as a FAILED run with the reason', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: webhook('/failing') }, { as: o.owner })).data!.createWorkflow!;
    failNext = 1;
    expect((await server.gql(RunWorkflow, { id: wf.id }, { as: o.owner })).data?.runWorkflow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/HTTP 500/) });
    const slow = (await server.gql(CreateWorkflow, { input: webhook('/slow') }, { as: o.owner })).data!.createWorkflow!;
    expect((await server.gql(RunWorkflow, { id: slow.id }, { as: o.owner })).data?.runWorkflow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/no answer within 500 ms/) });
  });
});

describe('field guards', () => {
  it('shows VIEWER name and status, not actions or runs', async () => {
    const wf = (await server.gql(CreateWorkflow, { input: { name: 'Visible', actions: [{ kind: 'NOTIFY', config: { message: 'x' } }] } }, { as: o.editor })).data!.createWorkflow!;
    const basic = await server.gql(WorkflowNameStatus, { id: wf.id }, { as: o.viewer });
    expect(basic.errors).toBeUndefined();
    expect(basic.data?.workflow).toMatchObject({ name: 'Visible', approvalStatus: 'APPROVED' });
    const full = await server.gql(WorkflowQ, { id: wf.id }, { as: o.viewer });
    expect(full.data?.workflow?.name).toBe('Visible');
    expect(full.data?.workflow?.actions).toBeNull();
    expect(full.data?.workflow?.runs).toBeNull();
    expect(full.errors!.map((e) => [e.path!.join('.'), e.extensions!.code]).sort()).toEqual([
      ['workflow.actions', 'FORBIDDEN'],
      ['workflow.runs', 'FORBIDDEN'],
    ]);
    expect((await server.gql(WorkflowQ, { id: wf.id }, { as: o.editor })).data?.workflow?.actions).toHaveLength(1);
  });
});

describe('actions with the principal’s permissions', () => {
  it('snapshots a KPI with the principal’s row-level security, and sets a target only with FULL', async () => {
    await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.admin });
    const kpiId = (await server.gql(CreateKpi, { input: { key: 'sales', name: 'Sales', dimensionKeys: ['region'] } }, { as: o.admin })).data!.createKpi!.id;
    const points = [['US', 10], ['EMEA', 32]].map(([value, v]) => ({ period: '2026-01-01T00:00:00Z', value: v as number, dimensions: [{ dimension: 'region', value: value as string }] }));
    await server.gql(RecordKpiData, { kpiId, points }, { as: o.admin });

    // An editor without grants on `sales`: the snapshot fails (cannot see it).
    const editors = (await server.gql(CreateWorkflow, { input: { name: 'Snap', actions: [{ kind: 'SNAPSHOT_KPI', config: { kpiKey: 'sales' } }] } }, { as: o.editor })).data!.createWorkflow!;
    expect((await server.gql(RunWorkflow, { id: editors.id }, { as: o.editor })).data?.runWorkflow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/may not see it/) });
    // An admin's: the editor may neither run it nor read its output (test/workflows-authz.test.ts has the rest).
    const admins = (await server.gql(CreateWorkflow, { input: { name: 'Snap', actions: [{ kind: 'SNAPSHOT_KPI', config: { kpiKey: 'sales' } }] } }, { as: o.admin })).data!.createWorkflow!;
    expect(codes(await server.gql(RunWorkflow, { id: admins.id }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    const snap = await server.gql(RunWorkflow, { id: admins.id }, { as: o.admin });
    expect(snap.data?.runWorkflow?.output).toEqual([{ kind: 'SNAPSHOT_KPI', kpi: 'sales', kpiId, summary: { count: 2, sum: 42, avg: 21, min: 10, max: 32 } }]);

    const target = (await server.gql(CreateWorkflow, { input: { name: 'Target', actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'sales', target: 99 } }] } }, { as: o.owner })).data!.createWorkflow!;
    expect((await server.gql(RunWorkflow, { id: target.id }, { as: o.owner })).data?.runWorkflow?.status).toBe('SUCCEEDED');
    const kpi = await server.db.kpi.findFirstOrThrow({ where: { organizationId: o.id, key: 'sales' } });
    expect(kpi.target).toBe(99);
    expect((await server.gql(KpiData, { id: kpiId }, { as: o.owner })).data?.kpi?.key).toBe('sales');
  });
});
