// The Workflow type with its queries and its create, update and delete mutations. VIEWER reads
// name and status; `actions` needs workflows.readDetails (null with FORBIDDEN at its path otherwise).
import { findVisible } from '../../approvals/core.ts';
import { ApprovalRequestRef, ApprovalRouteRef, ApprovalTargetRef, approvalTargetType, WorkflowApprovalDetailsRef } from '../../approvals/schema.ts';
import { DecisionRef } from '../../decision-schema.ts';
import { builder } from '../../builder.ts';
import type { Workflow } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { recordById } from '../../loaders.ts';
import { connectionOf, pageArgs, pageOfRows } from '../../pagination.ts';
import { actionsOf, type Action } from '../actions.ts';
import { createWorkflow, deleteWorkflow, updateWorkflow } from '../definitions.ts';
import { runAsPrincipal } from '../policy.ts';
import { previewWorkflow, type ActionCheck, type RiskyAction, type WorkflowPreview } from '../preview.ts';
import { referencedMember } from '../../identity/members.ts';

export const ActionKindEnum = builder.enumType('WorkflowActionKind', {
  values: {
    NOTIFY: { description: 'Publishes a notification inside the organization; no side effect outside it.' },
    SNAPSHOT_KPI: { description: "Computes a summary of a KPI into the run's output; reads only." },
    WEBHOOK: { description: 'Sends an HTTP POST to an allow-listed URL; a side effect.' },
    SET_KPI_TARGET: { description: "Changes a KPI's target; a write." },
  } as const,
});
const ApprovalStatusEnum = builder.enumType('WorkflowApprovalStatus', { values: ['PENDING', 'APPROVED', 'REJECTED'] as const });
const TriggerEnum = builder.enumType('WorkflowTriggerKind', { values: ['MANUAL', 'SCHEDULE'] as const });

const ActionRef = builder.objectRef<Action>('WorkflowAction').implement({
  fields: (t) => ({
    kind: t.field({ type: ActionKindEnum, resolve: (a) => a.kind }),
    config: t.field({ type: 'JSON', resolve: (a) => a.config }),
  }),
});


export const WorkflowRef = builder.node(builder.objectRef<Workflow>('Workflow'), {
  id: { resolve: (w) => w.id },
  interfaces: [ApprovalTargetRef],
  authScopes: { can: 'workflows.read' },
  loadMany: (ids, ctx) => ctx.db.workflow.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    trigger: t.field({ type: TriggerEnum, resolve: (w) => w.trigger as 'MANUAL' | 'SCHEDULE' }),
    schedule: t.exposeString('schedule', { nullable: true, description: 'Cron expression (seconds field optional) when trigger is SCHEDULE.' }),
    actions: t.field({
      type: [ActionRef],
      nullable: true,
      description: 'Null with FORBIDDEN at its path for a VIEWER.',
      authScopes: { can: 'workflows.readDetails' },
      resolve: (w) => actionsOf(w),
    }),
    requiresApproval: t.exposeBoolean('requiresApproval', { description: 'True when any action has a side effect or writes.' }),
    approvalStatus: t.field({ type: ApprovalStatusEnum, resolve: (w) => w.approvalStatus as 'PENDING' | 'APPROVED' | 'REJECTED' }),
    approvalRequest: t.field({
      type: ApprovalRequestRef,
      nullable: true,
      description: 'The request for the current definition, when the caller may see it (they made it or may decide it).',
      resolve: (w, _a, ctx) => (w.approvalRequestId ? findVisible(ctx, w.approvalRequestId) : null),
    }),
    enabled: t.exposeBoolean('enabled'),
    createdBy: t.field({ type: UserRef, resolve: (w, _a, ctx) => referencedMember(ctx, w.createdById) }),
    definedBy: t.field({
      type: UserRef,
      description: 'Who last changed what the workflow does (trigger, schedule, actions): its actions run with this member’s current permissions.',
      resolve: (w, _a, ctx) => referencedMember(ctx, runAsPrincipal(w)),
    }),
  }),
});
const WorkflowConnection = connectionOf(WorkflowRef, 'Workflow');
approvalTargetType(WorkflowRef, (ctx, id) => recordById.workflow(ctx).load(id));

// The same field, the same resolver, on the request and on its details.
for (const ref of [ApprovalRequestRef, WorkflowApprovalDetailsRef])
  builder.objectField(ref, 'workflow', (t) =>
    t.field({
      type: WorkflowRef,
      nullable: true,
      description: 'WORKFLOW requests: the workflow (as `target`); null once deleted.',
      resolve: (r, _a, ctx) => (r.workflowId ? recordById.workflow(ctx).load(r.workflowId) : null),
    }),
  );

const ActionInput = builder.inputType('WorkflowActionInput', {
  fields: (t) => ({ kind: t.field({ type: ActionKindEnum, required: true }), config: t.field({ type: 'JSON' }) }),
});
const WorkflowInputRef = builder.inputType('WorkflowInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    trigger: t.field({ type: TriggerEnum }),
    schedule: t.string(),
    actions: t.field({ type: [ActionInput], required: true }),
    enabled: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  workflows: t.field({
    type: WorkflowConnection,
    authScopes: { can: 'workflows.read' },
    args: pageArgs,
    resolve: (_r, args, ctx) =>
      pageOfRows<Workflow>(ctx, args, ctx.db.workflow, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  workflow: t.field({
    type: WorkflowRef,
    nullable: true,
    authScopes: { can: 'workflows.read' },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }) },
    resolve: (_r, a, ctx) => ctx.db.workflow.findUnique({ where: { id: a.id.id } }),
  }),
}));

builder.mutationFields((t) => ({
  createWorkflow: t.field({
    type: WorkflowRef,
    authScopes: { can: 'workflows.create' },
    args: { input: t.arg({ type: WorkflowInputRef, required: true }) },
    resolve: (_r, a, ctx) => createWorkflow(ctx, a.input),
  }),
  updateWorkflow: t.field({
    type: WorkflowRef,
    description: 'Only its creator, an ADMIN or an OWNER. A change of what it does makes the caller its principal (`definedBy`) and, when risky, waits for approval.',
    authScopes: { can: 'workflows.manage' },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }), input: t.arg({ type: WorkflowInputRef, required: true }) },
    resolve: (_r, a, ctx) => updateWorkflow(ctx, a.id.id, a.input),
  }),
  deleteWorkflow: t.boolean({
    description: 'Only its creator, an ADMIN or an OWNER. Its runs go with it (the audit trail keeps their history); its pending request is withdrawn.',
    authScopes: { can: 'workflows.manage' },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }) },
    resolve: (_r, a, ctx) => deleteWorkflow(ctx, a.id.id),
  }),
}));

// ---------------------------------------------------------------- preview (nothing is saved)

const SaveOutcomeEnum = builder.enumType('WorkflowSaveOutcome', {
  values: {
    APPROVED: { description: 'Runs as saved: nothing risky, or the definition already approved.' },
    APPROVED_BY_SAVER: { description: 'Risky, approved at once: the saver holds workflows.create outright (an OWNER).' },
    STILL_PENDING: { description: 'Unchanged and still waiting on its request.' },
    NEEDS_APPROVAL: { description: 'Risky: waits for an approved WORKFLOW request.' },
  } as const,
});

const RiskyActionRef = builder.objectRef<RiskyAction>('WorkflowRiskyAction').implement({
  fields: (t) => ({
    position: t.exposeInt('position', { description: '1 for the first action.' }),
    kind: t.field({ type: ActionKindEnum, resolve: (a) => a.kind }),
    reason: t.exposeString('reason'),
  }),
});

const ActionCheckRef = builder.objectRef<ActionCheck>('WorkflowActionCheck').implement({
  fields: (t) => ({
    position: t.exposeInt('position'),
    kind: t.field({ type: ActionKindEnum, resolve: (a) => a.kind }),
    decision: t.field({ type: DecisionRef, description: 'Whether the action could do its work as the principal now.', resolve: (a) => a.decision }),
  }),
});

const WorkflowPreviewRef = builder.objectRef<WorkflowPreview>('WorkflowPreview').implement({
  description: 'What saving a definition would do; nothing was saved.',
  fields: (t) => ({
    save: t.field({ type: DecisionRef, description: 'May the caller save it (create it, or update the given workflow)?', resolve: (p) => p.save }),
    outcome: t.field({ type: SaveOutcomeEnum, resolve: (p) => p.outcome }),
    requiresApproval: t.exposeBoolean('requiresApproval', { description: 'The definition has a risky action.' }),
    needsApproval: t.exposeBoolean('needsApproval', { description: 'Saved by the caller now, it would wait for an approved WORKFLOW request.' }),
    riskyActions: t.field({ type: [RiskyActionRef], resolve: (p) => p.riskyActions }),
    approval: t.field({ type: ApprovalRouteRef, nullable: true, description: 'Who would decide its request, and how many approvals it would need; null when none is needed.', resolve: (p) => p.approval }),
    principal: t.field({ type: UserRef, description: 'Whom its actions would run as.', resolve: (p, _a, ctx) => referencedMember(ctx, p.principalId) }),
    run: t.field({ type: DecisionRef, description: 'Could the caller run it right after saving?', resolve: (p) => p.run }),
    runAfterApproval: t.field({ type: DecisionRef, description: 'Could the caller run it once approved (equals `run` when no approval is needed)?', resolve: (p) => p.runAfterApproval }),
    actions: t.field({ type: [ActionCheckRef], description: 'Each action checked as the principal would run it now.', resolve: (p) => p.actions }),
  }),
});

builder.queryFields((t) => ({
  previewWorkflow: t.field({
    type: WorkflowPreviewRef,
    description:
      'Without saving: whether this definition (new, or replacing workflow `id`) would need approval, which actions are risky and why, who may approve it, and whether the caller could run it afterwards. Invalid input fails as a save would (BAD_USER_INPUT).',
    authScopes: { can: 'workflows.create' },
    args: { input: t.arg({ type: WorkflowInputRef, required: true }), id: t.arg.globalID({ for: WorkflowRef }) },
    resolve: (_r, a, ctx) => previewWorkflow(ctx, a.input, a.id?.id),
  }),
}));
