// The WorkflowRun type, a workflow's runs and the runWorkflow mutation. Runs need
// workflows.readDetails; a run's output also needs the right to see what it reveals.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.ts';
import type { WorkflowRun } from '../../db/client.ts';
import { recordById, required } from '../../loaders.ts';
import { connectionOf, pageArgs, pageOfRows } from '../../pagination.ts';
import { isSnapshotOutput } from '../actions.ts';
import { readableOutput, runWorkflow } from '../runs.ts';
import { WorkflowRef } from './workflow.ts';

const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'UNKNOWN'] as const;
const RunStatusEnum = builder.enumType('WorkflowRunStatus', {
  values: {
    RUNNING: { description: 'Recorded before its first action left the server; its actions are under way.' },
    SUCCEEDED: { description: 'Every action succeeded.' },
    FAILED: { description: 'An action failed; `error` says which and why. The actions after it did not run.' },
    BLOCKED: { description: 'The definition may not run (approval or enabled state); nothing was done.' },
    UNKNOWN: {
      description:
        'The process performing the run stopped (or shut down) before it finished: its actions may or may not have taken effect. Never run again by the server; `error` says what happened.',
    },
  } satisfies Record<(typeof RUN_STATUSES)[number], object>,
});
const RunTriggerEnum = builder.enumType('WorkflowRunTrigger', { values: ['MANUAL', 'SCHEDULE'] as const });

/** A run's output as stored, with the KPI a snapshot names shown by its global id. */
const publicOutput = (output: unknown) =>
  Array.isArray(output) ? output.map((entry) => (isSnapshotOutput(entry) && entry.kpiId ? { ...entry, kpiId: encodeGlobalID('Kpi', entry.kpiId) } : entry)) : output;

const WorkflowRunRef = builder.node(builder.objectRef<WorkflowRun>('WorkflowRun'), {
  id: { resolve: (r) => r.id },
  authScopes: { can: 'workflows.readDetails' },
  loadMany: (ids, ctx) => ctx.db.workflowRun.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    // A workflow's runs are deleted with it.
    workflow: t.field({ type: WorkflowRef, resolve: (r, _a, ctx) => required(recordById.workflow(ctx).load(r.workflowId), `workflow ${r.workflowId}`) }),
    status: t.field({ type: RunStatusEnum, resolve: (r) => r.status as (typeof RUN_STATUSES)[number] }),
    trigger: t.field({ type: RunTriggerEnum, resolve: (r) => r.trigger as 'MANUAL' | 'SCHEDULE' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    output: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the actions produced; null with FORBIDDEN unless the caller may see what it reveals (a KPI summary: FULL access to that KPI).',
      authScopes: { can: 'workflows.readOutput' },
      resolve: async (r, _a, ctx) => publicOutput(await readableOutput(ctx, r)),
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why a FAILED or BLOCKED run did not do its work, or why an UNKNOWN one has no outcome.' }),
  }),
});
const WorkflowRunConnection = connectionOf(WorkflowRunRef, 'WorkflowRun');

builder.objectField(WorkflowRef, 'runs', (t) =>
  t.field({
    type: WorkflowRunConnection,
    nullable: true,
    authScopes: { can: 'workflows.readDetails' },
    description: 'Newest first; null with FORBIDDEN at its path for a VIEWER.',
    args: pageArgs,
    resolve: (w, args, ctx) =>
      pageOfRows<WorkflowRun>(ctx, args, ctx.db.workflowRun, { where: { workflowId: w.id }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }
      ),
  }),
);

builder.mutationField('runWorkflow', (t) =>
  t.field({
    type: WorkflowRunRef,
    description:
      'Only its creator, an ADMIN or an OWNER. Runs an approved (or non-risky), enabled workflow now as its principal (`definedBy`); otherwise fails with APPROVAL_REQUIRED (or CONFLICT when disabled), naming the one BLOCKED run recorded for this definition.',
    authScopes: { can: 'workflows.manage' },
    args: { id: t.arg.globalID({ required: true, for: WorkflowRef }) },
    resolve: (_r, a, ctx) => runWorkflow(ctx, a.id.id),
  }),
);
