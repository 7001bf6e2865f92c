// GraphQL types, queries and mutations of workflows. VIEWER reads name and status; `actions` and
// `runs` need EDITOR or more (null with FORBIDDEN at their path otherwise).
import { userSelect } from '../context.ts';
import { findVisible } from '../approvals/core.ts';
import { ApprovalRequestRef } from '../approvals/schema.ts';
import { builder } from '../builder.ts';
import type { Workflow, WorkflowRun } from '../db/client.ts';
import { UserRef } from '../identity/schema.ts';
import { connectionOf, pageArgs, paginate, prismaPage } from '../pagination.ts';
import * as workflows from './service.ts';

const ActionKindEnum = builder.enumType('WorkflowActionKind', {
  values: {
    NOTIFY: { description: 'Publishes a notification inside the organization; no side effect outside it.' },
    SNAPSHOT_KPI: { description: "Computes a summary of a KPI into the run's output; reads only." },
    WEBHOOK: { description: 'Sends an HTTP POST to an allow-listed URL; a side effect.' },
    SET_KPI_TARGET: { description: "Changes a KPI's target; a write." },
  } as const,
});
const ApprovalStatusEnum = builder.enumType('WorkflowApprovalStatus', { values: ['PENDING', 'APPROVED', 'REJECTED'] as const });
const TriggerEnum = builder.enumType('WorkflowTriggerKind', { values: ['MANUAL', 'SCHEDULE'] as const });
const RunStatusEnum = builder.enumType('WorkflowRunStatus', { values: ['SUCCEEDED', 'FAILED', 'BLOCKED'] as const });
const RunTriggerEnum = builder.enumType('WorkflowRunTrigger', { values: ['MANUAL', 'SCHEDULE'] as const });

const ActionRef = builder.objectRef<workflows.Action>('WorkflowAction').implement({
  fields: (t) => ({
    kind: t.field({ type: ActionKindEnum, resolve: (a) => a.kind }),
    config: t.field({ type: 'JSON', resolve: (a) => a.config }),
  }),
});

const WorkflowBase = builder.objectRef<Workflow>('Workflow');
const details = { can: 'workflows.readDetails' } as const;

const WorkflowRunRef = builder.node(builder.objectRef<WorkflowRun>('WorkflowRun'), {
  id: { resolve: (r) => r.id },
  authScopes: details,
  loadMany: (ids, ctx) => ctx.db.workflowRun.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    workflow: t.field({ type: WorkflowBase, resolve: (r, _a, ctx) => ctx.db.workflow.findUnique({ where: { id: r.workflowId } }) }),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status as 'SUCCEEDED' | 'FAILED' | 'BLOCKED' }),
    trigger: t.field({ type: RunTriggerEnum, resolve: (r) => r.trigger as 'MANUAL' | 'SCHEDULE' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    output: t.field({ type: 'JSON', resolve: (r) => (r.output ? JSON.parse(r.output) : null) }),
    error: t.exposeString('error'),
  }),
});
const WorkflowRunConnection = connectionOf(WorkflowRunRef, 'WorkflowRun');

export const WorkflowRef = builder.node(WorkflowBase, {
  id: { resolve: (w) => w.id },
  authScopes: { can: 'workflows.read' },
  loadMany: (ids, ctx) => ctx.db.workflow.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    trigger: t.field({ type: TriggerEnum, resolve: (w) => w.trigger as 'MANUAL' | 'SCHEDULE' }),
    schedule: t.exposeString('schedule', { description: 'Cron expression (seconds field optional) when trigger is SCHEDULE.' }),
    actions: t.field({ type: [ActionRef], authScopes: details, resolve: (w) => workflows.actionsOf(w) }),
    requiresApproval: t.exposeBoolean('requiresApproval', { description: 'True when any action has a side effect or writes.' }),
    approvalStatus: t.field({ type: ApprovalStatusEnum, resolve: (w) => w.approvalStatus as 'PENDING' | 'APPROVED' | 'REJECTED' }),
    approvalRequest: t.field({
      type: ApprovalRequestRef,
      description: 'The request for the current definition, when the caller may see it (they made it or may decide it).',
      resolve: async (w, _a, ctx) => {
        if (!w.approvalRequestId) return null;
        return findVisible(ctx, w.approvalRequestId);
      },
    }),
    enabled: t.exposeBoolean('enabled'),
    createdBy: t.field({ type: UserRef, resolve: (w, _a, ctx) => ctx.db.user.findUnique({ where: { id: w.createdById }, select: userSelect }) }),
    runs: t.field({
      type: WorkflowRunConnection,
      authScopes: details,
      description: 'Newest first.',
      args: pageArgs,
      resolve: (w, args, ctx) =>
        paginate(
          ctx,
          args,
          (r: WorkflowRun) => r.id,
          (take, after) => ctx.db.workflowRun.findMany({ where: { workflowId: w.id }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], ...prismaPage(take, after) }),
          () => ctx.db.workflowRun.count({ where: { workflowId: w.id } }),
        ),
    }),
  }),
});
const WorkflowConnection = connectionOf(WorkflowRef, 'Workflow');

builder.objectField(ApprovalRequestRef, 'workflow', (t) =>
  t.field({ type: WorkflowRef, resolve: (r, _a, ctx) => (r.workflowId ? ctx.db.workflow.findUnique({ where: { id: r.workflowId } }) : null) }),
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
      paginate(
        ctx,
        args,
        (w: Workflow) => w.id,
        (take, after) => ctx.db.workflow.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...prismaPage(take, after) }),
        () => ctx.db.workflow.count(),
      ),
  }),
  workflow: t.field({
    type: WorkflowRef,
    authScopes: { can: 'workflows.read' },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }) },
    resolve: (_r, a, ctx) => ctx.db.workflow.findUnique({ where: { id: a.id.id } }),
  }),
}));

builder.mutationFields((t) => ({
  createWorkflow: t.field({
    type: WorkflowRef,
    authScopes: { member: true },
    args: { input: t.arg({ type: WorkflowInputRef, required: true }) },
    resolve: (_r, a, ctx) => workflows.createWorkflow(ctx, a.input),
  }),
  updateWorkflow: t.field({
    type: WorkflowRef,
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }), input: t.arg({ type: WorkflowInputRef, required: true }) },
    resolve: (_r, a, ctx) => workflows.updateWorkflow(ctx, a.id.id, a.input),
  }),
  runWorkflow: t.field({
    type: WorkflowRunRef,
    description: 'Runs an approved (or non-risky), enabled workflow now; otherwise records a BLOCKED run and fails with APPROVAL_REQUIRED.',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }) },
    resolve: (_r, a, ctx) => workflows.runWorkflow(ctx, a.id.id),
  }),
}));
