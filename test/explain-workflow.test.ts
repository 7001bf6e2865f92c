// previewWorkflow through the API: what a save would do, said before saving (needs approval or not,
// which actions are risky and why, who may approve, whether the caller could run it afterwards, each
// action checked as its principal), and that a preview writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { CreateKpi, CreateWorkflow } from './ops.ts';

const Preview = graphql(`
  query PreviewWorkflow($input: WorkflowInput!, $id: ID) {
    previewWorkflow(input: $input, id: $id) {
      save { allowed rule reason nextStep approvers }
      outcome requiresApproval needsApproval
      riskyActions { position kind reason }
      approval { kind requiredApprovals countedRoles approverRoles description }
      principal { email }
      run { allowed rule reason nextStep approvers }
      runAfterApproval { allowed rule reason nextStep }
      actions { position kind decision { allowed rule reason } }
    }
  }
`);
const SetPolicy = graphql(`
  mutation PreviewSetPolicy($kind: ApprovalKind!, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {
    setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }
  }
`);

let server: TestServer;
let o: OrgFixture;
beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOWLIST: 'https://hooks.example.test' });
  o = await orgWithRoles(server, 'Preview', { admin2: 'ADMIN' });
  await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: [] } }, { as: o.owner });
});
afterAll(() => server?.close());

const risky = {
  name: 'Raise the target',
  actions: [
    { kind: 'NOTIFY' as const, config: { message: 'about to raise it' } },
    { kind: 'SET_KPI_TARGET' as const, config: { kpiKey: 'revenue', target: 10 } },
    { kind: 'WEBHOOK' as const, config: { url: 'https://hooks.example.test/raised' } },
  ],
};

/** Rows a save would write, and audit events: a preview must leave them as they were. */
const footprint = async () => [await server.db.workflow.count(), await server.db.approvalRequest.count(), await server.db.auditEvent.count(), await server.db.workflowRun.count()];

describe('previewWorkflow', () => {
  it("tells an EDITOR that their risky definition waits for approval, why, who approves, and that the target needs FULL", async () => {
    const before = await footprint();
    const r = await server.gql(Preview, { input: risky }, { as: o.editor });
    expect(r.errors).toBeUndefined();
    const p = r.data!.previewWorkflow;
    const sentence = "WORKFLOW requests need one approval, other than the requester's: any ADMIN or OWNER.";
    expect(p).toEqual({
      save: { allowed: true, rule: 'workflows.create', reason: 'Allowed.', nextStep: null, approvers: [] },
      outcome: 'NEEDS_APPROVAL',
      requiresApproval: true,
      needsApproval: true,
      riskyActions: [
        { position: 2, kind: 'SET_KPI_TARGET', reason: "changes a KPI's target (a write)" },
        { position: 3, kind: 'WEBHOOK', reason: 'sends data to a URL outside the organization (a side effect nobody can undo)' },
      ],
      approval: { kind: 'WORKFLOW', requiredApprovals: 1, countedRoles: [], approverRoles: ['ADMIN', 'OWNER'], description: sentence },
      principal: { email: o.editor },
      run: {
        allowed: false,
        rule: 'workflows.approval-required',
        reason:
          'Saved by you, "Raise the target" would wait for an approved WORKFLOW request (action 2, SET_KPI_TARGET, changes a KPI\'s target (a write); action 3, WEBHOOK, sends data to a URL outside the organization (a side effect nobody can undo)), so it could not run until then.',
        nextStep: sentence,
        approvers: ['ADMIN', 'OWNER'],
      },
      runAfterApproval: { allowed: true, rule: 'workflows.run', reason: 'Once approved, you could run it.', nextStep: null },
      actions: [
        { position: 1, kind: 'NOTIFY', decision: { allowed: true, rule: 'workflows.action.NOTIFY', reason: 'Nothing to check before it runs.' } },
        // The editor may not see revenue at all: the action would fail.
        { position: 2, kind: 'SET_KPI_TARGET', decision: { allowed: false, rule: 'workflows.kpi-unknown', reason: 'KPI "revenue" does not exist or the principal may not see it, so the action would fail.' } },
        { position: 3, kind: 'WEBHOOK', decision: { allowed: true, rule: 'workflows.action.WEBHOOK', reason: 'Nothing to check before it runs.' } },
      ],
    });
    expect(await footprint()).toEqual(before);
  });

  it('tells an OWNER the same definition is approved at once and could run', async () => {
    const p = (await server.gql(Preview, { input: risky }, { as: o.owner })).data!.previewWorkflow;
    expect(p).toMatchObject({
      outcome: 'APPROVED_BY_SAVER',
      requiresApproval: true,
      needsApproval: false,
      approval: null,
      run: { allowed: true, rule: 'workflows.run', reason: 'You could run it at once.' },
      runAfterApproval: { allowed: true, rule: 'workflows.run' },
    });
    expect(p.actions[1]!.decision).toEqual({ allowed: true, rule: 'kpis.record-needs-full', reason: 'Allowed.' });
  });

  it('agrees with what the save then does', async () => {
    const input = { name: 'Agree', actions: [{ kind: 'SET_KPI_TARGET' as const, config: { kpiKey: 'revenue', target: 1 } }] };
    for (const as of [o.editor, o.admin, o.owner]) {
      const preview = (await server.gql(Preview, { input }, { as })).data!.previewWorkflow;
      const saved = (await server.gql(CreateWorkflow, { input }, { as })).data!.createWorkflow!;
      expect([as, preview.needsApproval]).toEqual([as, saved.approvalStatus === 'PENDING']);
    }
  });

  it('shows the quorum of the policy in force', async () => {
    await server.gql(SetPolicy, { kind: 'WORKFLOW', requiredApprovals: 2, countedRoles: [] }, { as: o.owner });
    const p = (await server.gql(Preview, { input: risky }, { as: o.admin })).data!.previewWorkflow;
    // Besides the admin who would ask: the owner and admin2 may approve, so two is reachable.
    expect(p.approval).toEqual({
      kind: 'WORKFLOW',
      requiredApprovals: 2,
      countedRoles: [],
      approverRoles: ['ADMIN', 'OWNER'],
      description: "WORKFLOW requests need 2 approvals from distinct members, other than the requester's: any ADMIN or OWNER.",
    });
    await server.gql(SetPolicy, { kind: 'WORKFLOW', requiredApprovals: 1, countedRoles: [] }, { as: o.owner });
  });

  it("refuses an EDITOR's change of another member's workflow, and says so in the preview", async () => {
    const id = (await server.gql(CreateWorkflow, { input: { name: 'Owned', actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.owner })).data!.createWorkflow!.id;
    const p = (await server.gql(Preview, { input: { name: 'Owned', actions: [{ kind: 'NOTIFY', config: { message: 'changed' } }] }, id }, { as: o.editor })).data!.previewWorkflow;
    expect(p.save).toEqual({
      allowed: false,
      rule: 'workflows.manage-own-only',
      reason: "An EDITOR changes, runs and deletes only the workflows they created; this one is another member's.",
      nextStep: 'Ask its creator, an ADMIN or an OWNER.',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(p.run.rule).toBe('workflows.manage-own-only');
    // Renaming keeps the definition: it keeps its principal.
    const renamed = (await server.gql(Preview, { input: { name: 'Renamed', actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] }, id }, { as: o.admin })).data!.previewWorkflow;
    expect(renamed).toMatchObject({ outcome: 'APPROVED', principal: { email: o.owner }, save: { allowed: true } });
  });

  it('says a disabled definition could not run', async () => {
    const p = (await server.gql(Preview, { input: { name: 'Off', enabled: false, actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } }, { as: o.editor })).data!.previewWorkflow;
    expect(p.run).toMatchObject({ allowed: false, rule: 'workflows.disabled', reason: '"Off" would be saved disabled, so it could not run.', nextStep: 'Save it with enabled: true to run it.' });
  });

  it('fails on invalid input as a save would, and refuses a VIEWER with the decision', async () => {
    const bad = { name: 'Bad', actions: [{ kind: 'WEBHOOK' as const, config: { url: 'https://elsewhere.example.test/x' } }] };
    const preview = await server.gql(Preview, { input: bad }, { as: o.editor });
    const save = await server.gql(CreateWorkflow, { input: bad }, { as: o.editor });
    expect(preview.errors?.[0]?.message).toBe(save.errors?.[0]?.message);
    expect(codes(preview)).toEqual(['BAD_USER_INPUT']);
    const viewer = await server.gql(Preview, { input: risky }, { as: o.viewer });
    expect(viewer.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'workflows.create',
      reason: 'Permission to create workflows belongs to the EDITOR, ADMIN and OWNER roles; your role here is VIEWER.',
      // Those who may make a VIEWER an EDITOR or more; an EDITOR may not.
      nextStep: 'Ask a member with the ADMIN and OWNER roles if you need it.',
      approvers: ['ADMIN', 'OWNER'],
    });
  });
});
