// Running workflows: the actions, performed with the permissions of the workflow's principal (who
// last defined it) as they are now; one BLOCKED run per refused definition version; and who reads
// what a run's output reveals.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { requestGlobalId } from '../approvals/events.ts';
import { countedRolesOf } from '../approvals/quorum.ts';
import { auditedTransaction, callerActor, type Actor } from '../audit/record.ts';
import { enforce, refusalError } from '../authz/decision.ts';
import { contextFor, type Context } from '../context.ts';
import { isUniqueViolation, type Workflow, type WorkflowRun } from '../db/client.ts';
import { instance } from '../db/occurrences.ts';
import { AppError, ErrorCode, notFound } from '../errors.ts';
import { accessOf, profileFor } from '../kpis/access.ts';
import { kpiSummary } from '../kpis/kpis.ts';
import { writeKpiDecision } from '../kpis/policy.ts';
import type { Services } from '../services.ts';
import { actionsOf, isSnapshotOutput, type Action, type SnapshotOutput } from './actions.ts';
import { RUN_STARTED } from './interrupted.ts';
import {
  RUN_NEEDS_APPROVAL, blockedRunDecision, manageDecision, outputDecision, runAsPrincipal, runBlock, type RevealedKpi, type RunBlock,
} from './policy.ts';

class ActionFailure extends Error {}

/** The KPI with this key if the principal may see it (through their row-level security). */
async function visibleKpiByKey(ctx: Context, key: string) {
  const kpi = await ctx.db.kpi.findFirst({ where: { key } });
  if (!kpi) throw new ActionFailure(`KPI "${key}" does not exist or the workflow's principal may not see it`);
  return kpi;
}

async function runAction(ctx: Context, workflow: Workflow, runId: string, action: Action): Promise<object> {
  const { services } = ctx;
  switch (action.kind) {
    case 'NOTIFY':
      services.pubsub.publish('org:event', workflow.organizationId, { type: 'workflow.notify', id: runId });
      return { notified: true, message: action.config.message };
    case 'SNAPSHOT_KPI': {
      const kpi = await visibleKpiByKey(ctx, action.config.kpiKey as string);
      // The id, not only the key: who may read the output is decided on it (keys can be reused).
      return { kpi: kpi.key, kpiId: kpi.id, summary: await kpiSummary(ctx.db, { kpiId: kpi.id }) } satisfies Omit<SnapshotOutput, 'kind'>;
    }
    case 'SET_KPI_TARGET': {
      const kpi = await visibleKpiByKey(ctx, action.config.kpiKey as string);
      const decision = writeKpiDecision(ctx.member.role, kpi.key, accessOf(await profileFor(ctx.rowRequest), kpi.id));
      if (!decision.allowed) throw new ActionFailure(`the workflow's principal may not change KPI "${kpi.key}": ${decision.reason}`);
      await auditedTransaction(callerActor(ctx), async (tx, record) => {
        await tx.kpi.update({ where: { id: kpi.id }, data: { target: action.config.target as number } });
        await record({ action: 'kpi.target.set', targetType: 'Kpi', targetId: kpi.id, metadata: { kpi: kpi.key, from: kpi.target, to: action.config.target, workflowId: workflow.id, runId } });
      });
      return { kpi: kpi.key, target: action.config.target };
    }
    case 'WEBHOOK':
      return callWebhook(services, workflow, runId, action);
  }
}

async function callWebhook(services: Services, workflow: Workflow, runId: string, action: Action) {
  const url = new URL(action.config.url as string);
  if (!services.config.WEBHOOK_ALLOWLIST.includes(url.origin)) throw new ActionFailure(`${url.origin} is no longer in WEBHOOK_ALLOWLIST`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'governance-api-webhook' },
      body: JSON.stringify({ workflowId: workflow.id, runId, organizationId: workflow.organizationId, payload: action.config.body ?? {} }),
      redirect: 'manual',
      signal: AbortSignal.timeout(services.config.WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${services.config.WEBHOOK_TIMEOUT_MS} ms` : (error as Error).message;
    throw new ActionFailure(`POST ${url.origin}${url.pathname} failed: ${reason}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new ActionFailure(`POST ${url.origin}${url.pathname} answered HTTP ${response.status}`);
  return { status: response.status };
}

/** Performs the actions in order as the principal, stopping at the first failure. */
async function performActions(services: Services, workflow: Workflow, runId: string): Promise<{ outputs: unknown[]; error: string | null }> {
  const outputs: unknown[] = [];
  // The principal acting now, with their current membership: a demoted or disabled definer's
  // workflow does no more than they could do themselves.
  const principal = await contextFor(services, runAsPrincipal(workflow), workflow.organizationId, `workflow-${workflow.id}`);
  if (!principal) return { outputs, error: "the member who last defined the workflow (its principal) is no longer an active member of the organization" };
  for (const [i, action] of actionsOf(workflow).entries()) {
    try {
      outputs.push({ kind: action.kind, ...(await runAction(principal, workflow, runId, action)) });
    } catch (failure) {
      if (!(failure instanceof ActionFailure)) services.log.error({ err: failure, workflowId: workflow.id }, 'workflow action failed unexpectedly');
      const reason = failure instanceof ActionFailure || failure instanceof AppError ? failure.message : 'unexpected error; see the server log';
      return { outputs, error: `Action ${i + 1} (${action.kind}): ${reason}` };
    }
  }
  return { outputs, error: null };
}

export interface RunRequest {
  trigger: 'MANUAL' | 'SCHEDULE';
  /** Who the run's audit event names: the caller of runWorkflow, or the system for a schedule. */
  actor: Actor;
  triggeredById: string | null;
  occurrence: string | null;
}

type RunFields = Pick<WorkflowRun, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'output' | 'error' | 'blockedVersion'>;

/**
 * Stores a BLOCKED run with its audit event. The event goes first (as in every run write): appending it locks the organization's
 * audit chain, which deleteWorkflow holds before deleting runs, so a run is either deleted with its
 * workflow or finds the workflow gone, never left pointing at a deleted one.
 */
function recordRun(workflow: Workflow, request: RunRequest, run: RunFields, metadata: Record<string, unknown>): Promise<WorkflowRun> {
  return auditedTransaction(request.actor, async (tx, record) => {
    await record({ action: run.blockedVersion ? 'workflow.run.blocked' : 'workflow.run', targetType: 'WorkflowRun', targetId: run.id, metadata: { workflowId: workflow.id, trigger: request.trigger, ...metadata } });
    if (!(await tx.workflow.findUnique({ where: { id: workflow.id }, select: { id: true } }))) throw notFound('workflow', encodeGlobalID('Workflow', workflow.id));
    const { trigger, triggeredById, occurrence } = request;
    return tx.workflowRun.create({ data: { ...run, organizationId: workflow.organizationId, workflowId: workflow.id, trigger, triggeredById, occurrence } });
  });
}

/** The one BLOCKED run of this definition version: recorded (and audited) by the first attempt, found by the others. */
async function blockedRun(services: Services, workflow: Workflow, request: RunRequest, block: RunBlock): Promise<WorkflowRun> {
  const existing = () => request.actor.client.workflowRun.findFirst({ where: { workflowId: workflow.id, blockedVersion: block.version } });
  const found = await existing();
  if (found) return found;
  const now = services.clock.now();
  const run = { id: randomUUID(), status: 'BLOCKED', startedAt: now, finishedAt: now, output: null, error: block.reason, blockedVersion: block.version };
  try {
    return await recordRun(workflow, request, run, { approvalStatus: workflow.approvalStatus, enabled: workflow.enabled });
  } catch (error) {
    // A concurrent attempt recorded it between our look and our insert.
    if (!isUniqueViolation(error)) throw error;
    return (await existing())!;
  }
}

/**
 * Records the run RUNNING, with its audit event naming the instance performing it, before any action
 * leaves the server (intent before effect): a process that dies mid-run leaves a run on record,
 * which src/workflows/interrupted.ts marks UNKNOWN.
 */
function startRun(services: Services, workflow: Workflow, request: RunRequest, id: string, startedAt: Date): Promise<WorkflowRun> {
  return auditedTransaction(request.actor, async (tx, record) => {
    await record({ action: RUN_STARTED, targetType: 'WorkflowRun', targetId: id, metadata: { workflowId: workflow.id, trigger: request.trigger, instance } });
    if (!(await tx.workflow.findUnique({ where: { id: workflow.id }, select: { id: true } }))) throw notFound('workflow', encodeGlobalID('Workflow', workflow.id));
    const { trigger, triggeredById, occurrence } = request;
    return tx.workflowRun.create({
      data: { id, status: 'RUNNING', startedAt, organizationId: workflow.organizationId, workflowId: workflow.id, trigger, triggeredById, occurrence },
    });
  });
}

class RunGone extends Error {}

/**
 * Completes a RUNNING run with its outcome and audit event. A run marked UNKNOWN meanwhile (a
 * shutdown gave up on it, or it outlived the limit interrupted.ts allows) stays UNKNOWN; its event
 * still records what the actions did, late.
 */
async function completeRun(services: Services, workflow: Workflow, request: RunRequest, id: string, outcome: { outputs: unknown[]; error: string | null }): Promise<WorkflowRun> {
  const status = outcome.error ? 'FAILED' : 'SUCCEEDED';
  try {
    return await auditedTransaction(request.actor, async (tx, record) => {
      await record({ action: 'workflow.run', targetType: 'WorkflowRun', targetId: id, metadata: { workflowId: workflow.id, trigger: request.trigger, status, actions: outcome.outputs.length } });
      const data = { status, finishedAt: services.clock.now(), output: JSON.stringify(outcome.outputs), error: outcome.error };
      const { count } = await tx.workflowRun.updateMany({ where: { id, status: 'RUNNING' }, data });
      const run = await tx.workflowRun.findUnique({ where: { id } });
      // Deleted with its workflow while it ran.
      if (!run) throw new RunGone();
      if (count === 0) services.log.warn({ runId: id, workflowId: workflow.id, status }, `workflow run finished (${status}) after it was recorded ${run.status}`);
      return run;
    });
  } catch (error) {
    if (error instanceof RunGone) throw notFound('workflow', encodeGlobalID('Workflow', workflow.id));
    throw error;
  }
}

/**
 * Runs a workflow now, or returns its BLOCKED run when it may not run; `block` then says why (the
 * caller of runWorkflow turns it into an error).
 */
export async function execute(services: Services, workflow: Workflow, request: RunRequest): Promise<{ run: WorkflowRun; block: RunBlock | null }> {
  const block = runBlock(workflow);
  if (block) return { run: await blockedRun(services, workflow, request, block), block };
  const id = randomUUID();
  await startRun(services, workflow, request, id, services.clock.now());
  const run = services.runsInFlight.track(
    { id, organizationId: workflow.organizationId, workflowId: workflow.id },
    performActions(services, workflow, id).then((outcome) => completeRun(services, workflow, request, id, outcome)),
  );
  return { run: await run, block: null };
}

export async function runWorkflow(ctx: Context, id: string): Promise<WorkflowRun> {
  const workflow = await ctx.db.workflow.findUnique({ where: { id } });
  if (!workflow) throw notFound('workflow', encodeGlobalID('Workflow', id));
  enforce(manageDecision(ctx.member.role, ctx.user.id, workflow.createdById));
  const { run, block } = await execute(ctx.services, workflow, { trigger: 'MANUAL', actor: callerActor(ctx), triggeredById: ctx.user.id, occurrence: null });
  if (!block) return run;
  const requestId = workflow.approvalRequestId ? requestGlobalId(workflow.approvalRequestId) : null;
  const pending = workflow.approvalRequestId ? await ctx.db.approvalRequest.findUnique({ where: { id: workflow.approvalRequestId }, select: { countedRoles: true } }) : null;
  throw refusalError(
    blockedRunDecision(workflow.name, block, workflow.approvalStatus, requestId, pending ? countedRolesOf(pending.countedRoles) : []),
    block.rule === RUN_NEEDS_APPROVAL ? ErrorCode.APPROVAL_REQUIRED : ErrorCode.CONFLICT,
    { approvalRequestId: requestId, runId: encodeGlobalID('WorkflowRun', run.id) },
  );
}

/** The KPIs an output summarises, with the reader's access to each now; older outputs name only the key. */
async function revealedKpis(ctx: Context, output: unknown): Promise<RevealedKpi[]> {
  const snapshots = (Array.isArray(output) ? output : []).filter(isSnapshotOutput);
  if (snapshots.length === 0) return [];
  const profile = await profileFor(ctx.rowRequest);
  const keysOnly = snapshots.filter((s) => !s.kpiId).map((s) => s.kpi);
  // A key the reader cannot see finds nothing here: NONE, as it should.
  const idByKey = new Map(keysOnly.length ? (await ctx.db.kpi.findMany({ where: { key: { in: keysOnly } }, select: { id: true, key: true } })).map((k) => [k.key, k.id]) : []);
  return snapshots.map((s) => {
    const kpiId = s.kpiId ?? idByKey.get(s.kpi);
    return { key: s.kpi, access: kpiId ? accessOf(profile, kpiId) : 'NONE' };
  });
}

/** A run's output, if the caller may see what it reveals; FORBIDDEN (at the field) otherwise. */
export async function readableOutput(ctx: Context, run: WorkflowRun): Promise<unknown> {
  if (!run.output) return null;
  const output: unknown = JSON.parse(run.output);
  enforce(outputDecision(ctx.member.role, await revealedKpis(ctx, output)));
  return output;
}
