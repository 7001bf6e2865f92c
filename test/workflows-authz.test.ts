// Who may change, run, delete and read workflows (issue 10): only the creator, an ADMIN or an OWNER
// manage one; its actions run as whoever last defined it; a run's output shows only to who may see
// what it reveals; input limits answer before any I/O.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import type { WorkflowInput } from './gql/graphql.ts';
import {
  ApprovalRequestQ, AssignRole, AuditEvents, CreateDimension, CreateKpi, CreateRole, CreateWorkflow, RecordKpiData, RunWorkflow, SetKpiPermission,
  UpdateWorkflow, WorkflowQ,
} from './ops.ts';

const WorkflowPrincipal = graphql(`
  query WorkflowPrincipal($id: ID!) {
    workflow(id: $id) { id approvalStatus createdBy { email } definedBy { email } actions { kind config } }
  }
`);

const DeleteWorkflow = graphql(`
  mutation DeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }
`);

const RunOutputs = graphql(`
  query RunOutputs($id: ID!) {
    workflow(id: $id) { id runs(first: 10) { edges { node { id status output } } } }
  }
`);

let server: TestServer;
let o: OrgFixture;
let kpiId: string;
const SUMMARY = { count: 2, sum: 42, avg: 21, min: 10, max: 32 };

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOWLIST: 'http://127.0.0.1:9' });
  o = await orgWithRoles(server, 'Deputy', { full: 'EDITOR', restricted: 'EDITOR' });
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.owner });
  kpiId = (await server.gql(CreateKpi, { input: { key: 'sales', name: 'Sales', dimensionKeys: ['region'] } }, { as: o.admin })).data!.createKpi!.id;
  const points = (['US', 'EMEA'] as const).map((region, i) => ({ period: '2026-01-01T00:00:00Z', value: [10, 32][i]!, dimensions: [{ dimension: 'region', value: region }] }));
  await server.gql(RecordKpiData, { kpiId, points }, { as: o.admin });
  for (const [who, access] of [['full', 'FULL'], ['restricted', 'RESTRICTED']] as const) {
    const roleId = (await server.gql(CreateRole, { name: `${who} role` }, { as: o.owner })).data!.createRole!.id;
    await server.gql(SetKpiPermission, { roleId, kpiId, access }, { as: o.owner });
    await server.gql(AssignRole, { roleId, userId: await userIdOf(server, o.owner, o.emails[who]!) }, { as: o.owner });
  }
});
afterAll(() => server?.close());

const snapshot = (name = 'Snap sales') => ({ name, actions: [{ kind: 'SNAPSHOT_KPI' as const, config: { kpiKey: 'sales' } }] });
const notify = (name = 'Tell') => ({ name, actions: [{ kind: 'NOTIFY' as const, config: { message: 'hello' } }] });
const create = async (input: WorkflowInput, as: string) => {
  const r = await server.gql(CreateWorkflow, { input }, { as });
  expect(r.errors).toBeUndefined();
  return r.data!.createWorkflow!;
};
const runCount = (id: string) => server.db.workflowRun.count({ where: { workflowId: rawId(id) } });
const errorAt = (r: { errors?: { path?: (string | number)[]; extensions?: Record<string, any> }[] }) =>
  (r.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule]);

describe('confused deputy', () => {
  it('refuses an EDITOR running, changing or deleting another member’s workflow', async () => {
    const admins = await create(snapshot(), o.admin);
    const run = await server.gql(RunWorkflow, { id: admins.id }, { as: o.editor });
    expect(errorAt(run)).toEqual([['runWorkflow', 'FORBIDDEN', 'workflows.manage-own-only']]);
    expect(run.data).toBeNull(); // runWorkflow is non-null: its refusal leaves no data
    expect(await runCount(admins.id)).toBe(0);

    // Turning an ADMIN's harmless workflow into a KPI snapshot (not risky, so it would apply at once).
    const harmless = await create(notify(), o.admin);
    const update = await server.gql(UpdateWorkflow, { id: harmless.id, input: snapshot('hijacked') }, { as: o.editor });
    expect(errorAt(update)).toEqual([['updateWorkflow', 'FORBIDDEN', 'workflows.manage-own-only']]);
    expect((await server.gql(WorkflowPrincipal, { id: harmless.id }, { as: o.owner })).data?.workflow?.actions).toEqual([{ kind: 'NOTIFY', config: { message: 'hello' } }]);

    expect(errorAt(await server.gql(DeleteWorkflow, { id: harmless.id }, { as: o.editor }))).toEqual([['deleteWorkflow', 'FORBIDDEN', 'workflows.manage-own-only']]);
    expect(codes(await server.gql(RunWorkflow, { id: harmless.id }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
  });

  it('shows a KPI snapshot in a run’s output only to readers with FULL access to that KPI now', async () => {
    const admins = await create(snapshot(), o.admin);
    const ran = await server.gql(RunWorkflow, { id: admins.id }, { as: o.admin });
    expect(ran.data?.runWorkflow).toMatchObject({ status: 'SUCCEEDED', output: [{ kind: 'SNAPSHOT_KPI', kpi: 'sales', kpiId, summary: SUMMARY }] });

    const asEditor = await server.gql(RunOutputs, { id: admins.id }, { as: o.editor });
    expect(asEditor.data?.workflow?.runs?.edges?.[0]?.node).toMatchObject({ status: 'SUCCEEDED', output: null });
    expect(errorAt(asEditor)).toEqual([['workflow.runs.edges.0.node.output', 'FORBIDDEN', 'workflows.output-reveals-kpi']]);
    const restricted = await server.gql(RunOutputs, { id: admins.id }, { as: o.emails.restricted! });
    expect(errorAt(restricted)).toEqual([['workflow.runs.edges.0.node.output', 'FORBIDDEN', 'workflows.output-reveals-kpi']]);

    for (const reader of [o.emails.full!, o.owner]) {
      const r = await server.gql(RunOutputs, { id: admins.id }, { as: reader });
      expect(r.errors).toBeUndefined();
      expect(r.data?.workflow?.runs?.edges?.[0]?.node?.output).toEqual([{ kind: 'SNAPSHOT_KPI', kpi: 'sales', kpiId, summary: SUMMARY }]);
    }
  });

  it('decides outputs stored before the KPI id was, by their key', async () => {
    const admins = await create(snapshot('Old snapshot'), o.admin);
    await server.db.workflowRun.create({
      data: {
        organizationId: o.id,
        workflowId: rawId(admins.id),
        status: 'SUCCEEDED',
        trigger: 'MANUAL',
        startedAt: new Date(),
        output: JSON.stringify([{ kind: 'SNAPSHOT_KPI', kpi: 'sales', summary: SUMMARY }]),
      },
    });
    expect(errorAt(await server.gql(RunOutputs, { id: admins.id }, { as: o.editor }))).toEqual([['workflow.runs.edges.0.node.output', 'FORBIDDEN', 'workflows.output-reveals-kpi']]);
    const full = await server.gql(RunOutputs, { id: admins.id }, { as: o.emails.full! });
    expect(full.data?.workflow?.runs?.edges?.[0]?.node?.output).toEqual([{ kind: 'SNAPSHOT_KPI', kpi: 'sales', summary: SUMMARY }]);
  });
});

describe('the principal', () => {
  it('runs the actions as whoever last changed the definition, and shows the run only to who may read it', async () => {
    const editors = await create(notify('Editor’s'), o.editor);
    const changed = await server.gql(UpdateWorkflow, { id: editors.id, input: snapshot('Editor’s, changed by an admin') }, { as: o.admin });
    expect(changed.data?.updateWorkflow).toMatchObject({ approvalStatus: 'APPROVED' });
    expect((await server.gql(WorkflowPrincipal, { id: editors.id }, { as: o.owner })).data?.workflow).toMatchObject({
      createdBy: { email: o.editor },
      definedBy: { email: o.admin },
    });

    // The creator may still run it: it runs as the ADMIN (who sees `sales`), and the output stays hidden from the creator.
    const ran = await server.gql(RunWorkflow, { id: editors.id }, { as: o.editor });
    expect(ran.data?.runWorkflow).toMatchObject({ status: 'SUCCEEDED', error: null, output: null });
    expect(errorAt(ran)).toEqual([['runWorkflow.output', 'FORBIDDEN', 'workflows.output-reveals-kpi']]);

    // A rename is no change of what it does: the principal stays.
    await server.gql(UpdateWorkflow, { id: editors.id, input: snapshot('Renamed by its creator') }, { as: o.editor });
    expect((await server.gql(WorkflowPrincipal, { id: editors.id }, { as: o.owner })).data?.workflow?.definedBy).toEqual({ email: o.admin });

    // Defined by the EDITOR again, it runs with the EDITOR's permissions: they cannot see `sales`.
    await server.gql(UpdateWorkflow, { id: editors.id, input: { ...snapshot('Editor’s again'), actions: [...snapshot().actions, notify().actions[0]!] } }, { as: o.editor });
    expect((await server.gql(WorkflowPrincipal, { id: editors.id }, { as: o.owner })).data?.workflow?.definedBy).toEqual({ email: o.editor });
    expect((await server.gql(RunWorkflow, { id: editors.id }, { as: o.admin })).data?.runWorkflow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/may not see it/) });
  });

  it('makes an ADMIN’s risky change wait for approval, and an OWNER’s apply at once', async () => {
    const editors = await create(notify('To be made risky'), o.editor);
    const risky = { name: 'Risky now', actions: [{ kind: 'WEBHOOK' as const, config: { url: 'http://127.0.0.1:9/hook' } }] };
    expect((await server.gql(UpdateWorkflow, { id: editors.id, input: risky }, { as: o.admin })).data?.updateWorkflow).toMatchObject({ approvalStatus: 'PENDING', approvalRequest: { status: 'PENDING' } });
    expect(codes(await server.gql(RunWorkflow, { id: editors.id }, { as: o.editor }))).toEqual(['APPROVAL_REQUIRED']);
    const owners = await server.gql(UpdateWorkflow, { id: editors.id, input: { ...risky, actions: [{ kind: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/other' } }] } }, { as: o.owner });
    expect(owners.data?.updateWorkflow).toMatchObject({ approvalStatus: 'APPROVED', approvalRequest: null });
    expect((await server.gql(WorkflowPrincipal, { id: editors.id }, { as: o.owner })).data?.workflow?.definedBy).toEqual({ email: o.owner });
  });

  it('treats a workflow saved before definers were recorded as defined by its creator', async () => {
    const old = await create(snapshot('From before'), o.editor);
    await server.db.workflow.update({ where: { id: rawId(old.id) }, data: { definedById: null } });
    expect((await server.gql(WorkflowPrincipal, { id: old.id }, { as: o.owner })).data?.workflow?.definedBy).toEqual({ email: o.editor });
    expect((await server.gql(RunWorkflow, { id: old.id }, { as: o.admin })).data?.runWorkflow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/may not see it/) });
  });
});

describe('deleteWorkflow', () => {
  it('deletes a workflow with its runs, withdraws its pending request, and is audited', async () => {
    const wf = await create({ name: 'Doomed', actions: [{ kind: 'WEBHOOK' as const, config: { url: 'http://127.0.0.1:9/x' } }] }, o.editor);
    expect(codes(await server.gql(RunWorkflow, { id: wf.id }, { as: o.editor }))).toEqual(['APPROVAL_REQUIRED']);
    expect(await runCount(wf.id)).toBe(1);
    expect(codes(await server.gql(DeleteWorkflow, { id: wf.id }, { as: o.viewer }))).toEqual(['FORBIDDEN']);

    expect(await server.gql(DeleteWorkflow, { id: wf.id }, { as: o.editor })).toMatchObject({ data: { deleteWorkflow: true } });
    expect((await server.gql(WorkflowQ, { id: wf.id }, { as: o.owner })).data?.workflow).toBeNull();
    expect(await runCount(wf.id)).toBe(0);
    expect((await server.gql(ApprovalRequestQ, { id: wf.approvalRequest!.id }, { as: o.editor })).data?.approvalRequest).toMatchObject({
      status: 'CANCELLED',
      reason: 'The workflow was deleted.',
    });
    const events = (await server.gql(AuditEvents, { action: 'workflow.delete', targetId: rawId(wf.id) }, { as: o.owner })).data!.auditEvents!.edges!;
    expect(events.map((e) => e!.node)).toMatchObject([{ actorEmail: o.editor, metadata: { name: 'Doomed', approvalStatus: 'PENDING' } }]);
    expect(codes(await server.gql(DeleteWorkflow, { id: wf.id }, { as: o.editor }))).toEqual(['NOT_FOUND']);
  });

  it('lets an ADMIN delete an EDITOR’s workflow', async () => {
    const wf = await create(notify('Editor’s to go'), o.editor);
    expect(await server.gql(DeleteWorkflow, { id: wf.id }, { as: o.admin })).toMatchObject({ data: { deleteWorkflow: true } });
  });
});

describe('input limits', () => {
  const refused = async (input: unknown, pattern: RegExp) => {
    const r = await server.gql(CreateWorkflow, { input: input as never }, { as: o.editor });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toMatch(pattern);
  };

  it('refuses overlong names, descriptions, schedules, messages, URLs and bodies, and too many actions', async () => {
    await refused({ ...notify('n'.repeat(121)) }, /1 to 120 characters/);
    await refused({ ...notify(), description: 'd'.repeat(2001) }, /`input.description` has at most 2000 characters/);
    await refused({ ...notify(), trigger: 'SCHEDULE', schedule: `* * * * * *${' '.repeat(190)}*` }, /at most 200 characters/);
    await refused({ name: 'x', actions: [{ kind: 'NOTIFY', config: { message: 'm'.repeat(501) } }] }, /^Action 1 \(NOTIFY\): config\.message/);
    await refused({ name: 'x', actions: [{ kind: 'WEBHOOK', config: { url: `http://127.0.0.1:9/${'p'.repeat(2000)}` } }] }, /^Action 1 \(WEBHOOK\): config\.url/);
    const body = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, 'v'.repeat(50)]));
    await refused({ name: 'x', actions: [{ kind: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/x', body } }] }, /^Action 1 \(WEBHOOK\): config\.body is at most 10 kB as JSON/);
    await refused({ name: 'x', actions: Array.from({ length: 21 }, () => notify().actions[0]) }, /at most 20 actions/);
  });

  it('checks the input before looking the workflow up', async () => {
    const wf = await create(notify('Soon gone'), o.editor);
    await server.gql(DeleteWorkflow, { id: wf.id }, { as: o.editor });
    const r = await server.gql(UpdateWorkflow, { id: wf.id, input: notify('n'.repeat(121)) }, { as: o.editor });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  });
});
