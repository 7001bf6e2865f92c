// Workflow governance (SPEC.md "Workflows: governance"): typed actions validated at create and
// update, risky definitions waiting for a WORKFLOW approval, runs that execute only approved (or
// non-risky), enabled workflows with the creator's current permissions, and a scheduler that runs
// each due occurrence once across instances.
import { Cron } from 'croner';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { publishApproval, raiseRequest, withdrawPending } from '../approvals/core.ts';
import { requestGlobalId } from '../approvals/events.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { appendAuditEvent } from '../audit/chain.ts';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { allows } from '../authz/capabilities.ts';
import { assertCapability } from '../authz/capabilities.ts';
import { contextFor, type Context } from '../context.ts';
import type { Services } from '../services.ts';
import type { ApprovalRequest, Db, Tx, Workflow, WorkflowRun } from '../db/client.ts';
import { AppError, ErrorCode, badInput, conflict, notFound } from '../errors.ts';
import { claimOccurrence } from '../jobs.ts';
import { accessOf, profileFor } from '../kpis/access.ts';
import { kpiSummary } from '../kpis/service.ts';

export const ACTION_KINDS = ['NOTIFY', 'SNAPSHOT_KPI', 'WEBHOOK', 'SET_KPI_TARGET'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
/** Actions with a side effect outside the organization, or a write. */
export const RISKY: ReadonlySet<ActionKind> = new Set(['WEBHOOK', 'SET_KPI_TARGET']);

const kpiKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'is a KPI key (lower-case letters, digits, _)');
const CONFIGS = {
  NOTIFY: z.object({ message: z.string().trim().min(1).max(500) }).strict(),
  SNAPSHOT_KPI: z.object({ kpiKey }).strict(),
  WEBHOOK: z.object({ url: z.string().url().max(2000), body: z.record(z.string(), z.unknown()).optional() }).strict(),
  SET_KPI_TARGET: z.object({ kpiKey, target: z.number().finite().refine((v) => Math.abs(v) <= 1e15, 'is within ±1e15') }).strict(),
} satisfies Record<ActionKind, z.ZodType>;

export interface Action {
  kind: ActionKind;
  config: Record<string, unknown>;
}

export interface WorkflowInput {
  name: string;
  description?: string | null;
  trigger?: 'MANUAL' | 'SCHEDULE' | null;
  schedule?: string | null;
  actions: readonly { kind: ActionKind; config?: unknown }[];
  enabled?: boolean | null;
}

const MAX_ACTIONS = 20;

/** Validates a whole definition; every problem is a BAD_USER_INPUT that names the action. */
export function validate(services: Services, input: WorkflowInput) {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 120) throw badInput('A workflow name has 1 to 120 characters.');
  const description = input.description?.trim() || null;
  if (description && description.length > 2000) throw badInput('A description has at most 2,000 characters.');
  const trigger = input.trigger ?? 'MANUAL';
  let schedule: string | null = null;
  if (trigger === 'SCHEDULE') {
    schedule = input.schedule?.trim() ?? '';
    if (!schedule) throw badInput('A SCHEDULE workflow needs `schedule`, a cron expression such as "0 */15 * * * *" (seconds field optional).');
    try {
      new Cron(schedule, { paused: true });
    } catch (error) {
      throw badInput(`"${schedule.slice(0, 80)}" is not a valid cron expression: ${(error as Error).message}`);
    }
  } else if (input.schedule) {
    throw badInput('`schedule` is only for SCHEDULE workflows; set trigger: SCHEDULE or leave it out.');
  }
  if (input.actions.length === 0) throw badInput('A workflow needs at least one action.');
  if (input.actions.length > MAX_ACTIONS) throw badInput(`A workflow has at most ${MAX_ACTIONS} actions.`);
  const actions: Action[] = input.actions.map((a, i) => {
    const parsed = CONFIGS[a.kind].safeParse(a.config ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badInput(`Action ${i + 1} (${a.kind}): ${issue.path.length ? `config.${issue.path.join('.')} ` : 'config '}${issue.message}.`);
    }
    const config = parsed.data as Record<string, unknown>;
    if (a.kind === 'WEBHOOK') {
      const url = new URL(config.url as string);
      if (!['http:', 'https:'].includes(url.protocol)) throw badInput(`Action ${i + 1} (WEBHOOK): only http and https URLs can be called.`);
      if (!services.config.WEBHOOK_ALLOWLIST.includes(url.origin))
        throw badInput(
          `Action ${i + 1} (WEBHOOK): ${url.origin} is not in WEBHOOK_ALLOWLIST${services.config.WEBHOOK_ALLOWLIST.length ? ` (${services.config.WEBHOOK_ALLOWLIST.join(', ')})` : ', which is empty'}; ask whoever runs this server to allow it.`,
        );
    }
    return { kind: a.kind, config };
  });
  const requiresApproval = actions.some((a) => RISKY.has(a.kind));
  const definitionHash = createHash('sha256').update(JSON.stringify({ trigger, schedule, actions })).digest('hex');
  return { name, description, trigger, schedule, actions, requiresApproval, definitionHash, enabled: input.enabled ?? true };
}

export const actionsOf = (w: Pick<Workflow, 'actions'>) => JSON.parse(w.actions) as Action[];
const nextOccurrence = (schedule: string, after = new Date()) => new Cron(schedule, { paused: true }).nextRun(after);

/** Saves a definition: APPROVED at once when not risky or by an OWNER, else PENDING with a request. */
async function save(ctx: Context, existing: Workflow | null, input: WorkflowInput) {
  assertCapability(ctx.member, existing ? 'workflows.manage' : 'workflows.create');
  const def = validate(ctx.services, input);
  const { role, organizationId } = ctx.member;
  const published: { type: 'REQUESTED' | 'CANCELLED'; row: ApprovalRequest }[] = [];
  const workflow = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const current = existing ? await tx.workflow.findUnique({ where: { id: existing.id } }) : null;
    if (existing && !current) throw notFound('workflow', existing.id);
    const unchangedApproval = current && current.definitionHash === def.definitionHash && current.approvalStatus === 'APPROVED';
    const data = {
      name: def.name,
      description: def.description,
      trigger: def.trigger,
      schedule: def.schedule,
      actions: JSON.stringify(def.actions),
      requiresApproval: def.requiresApproval,
      definitionHash: def.definitionHash,
      enabled: def.enabled,
      nextRunAt: def.trigger === 'SCHEDULE' && def.enabled ? nextOccurrence(def.schedule!) : null,
    };
    let row = current
      ? await tx.workflow.update({ where: { id: current.id }, data })
      : await tx.workflow.create({ data: { ...data, organizationId, approvalStatus: 'PENDING', createdById: ctx.user.id } });
    const definitionChanged = !current || current.definitionHash !== def.definitionHash;
    // An approval covers exactly one definition: a pending request for an older one is withdrawn.
    if (current?.approvalRequestId && definitionChanged) {
      const withdrawn = await withdrawPending(tx, { id: current.approvalRequestId }, 'Superseded by a newer definition of the workflow.', record);
      for (const row of withdrawn) published.push({ type: 'CANCELLED', row });
    }
    if (!def.requiresApproval || unchangedApproval) {
      row = await tx.workflow.update({ where: { id: row.id }, data: { approvalStatus: 'APPROVED', ...(definitionChanged ? { approvalRequestId: null } : {}) } });
    } else if (role === 'OWNER') {
      row = await tx.workflow.update({ where: { id: row.id }, data: { approvalStatus: 'APPROVED', approvalRequestId: null } });
      await record({ action: 'workflow.approve.owner', targetType: 'Workflow', targetId: row.id, metadata: { name: row.name, note: 'risky workflow approved at once: saved by an OWNER' } });
    } else if (definitionChanged || row.approvalStatus !== 'PENDING' || !current?.approvalRequestId) {
      const request = await raiseRequest(tx, ctx.services, { organizationId, userId: ctx.user.id }, { kind: 'WORKFLOW', workflowId: row.id, payload: { definitionHash: def.definitionHash, name: def.name, actions: def.actions.map((a) => a.kind) } }, record);
      published.push({ type: 'REQUESTED', row: request });
      row = await tx.workflow.update({ where: { id: row.id }, data: { approvalStatus: 'PENDING', approvalRequestId: request.id } });
    }
    await record({
      action: current ? 'workflow.update' : 'workflow.create',
      targetType: 'Workflow',
      targetId: row.id,
      metadata: { name: row.name, trigger: row.trigger, actions: def.actions.map((a) => a.kind), approvalStatus: row.approvalStatus },
    });
    return row;
  });
  for (const p of published) publishApproval(ctx.services, p.type, p.row);
  return workflow;
}

export const createWorkflow = (ctx: Context, input: WorkflowInput) => save(ctx, null, input);

export async function updateWorkflow(ctx: Context, id: string, input: WorkflowInput) {
  assertCapability(ctx.member, 'workflows.manage');
  const existing = await ctx.db.workflow.findUnique({ where: { id } });
  if (!existing) throw notFound('workflow', id);
  return save(ctx, existing, input);
}

// ---------------------------------------------------------------- the WORKFLOW approval kind

export const workflowKind: ApprovalKindHandler = {
  kind: 'WORKFLOW',
  summarize: (r) => {
    const p = r.payload as { name?: string; actions?: string[] } | undefined;
    return `Workflow "${(p?.name ?? '').slice(0, 80)}" with ${(p?.actions ?? []).join(', ')}`;
  },
  async apply(tx, request, decision) {
    const { definitionHash } = JSON.parse(request.payload) as { definitionHash: string };
    const workflow = await tx.workflow.findUnique({ where: { id: request.workflowId ?? '' } });
    if (!workflow) throw conflict('The workflow of this request no longer exists.', 'workflows.gone');
    if (workflow.definitionHash !== definitionHash)
      throw conflict('The workflow changed since this request was made; approve its newer request instead.', 'workflows.stale-request');
    await tx.workflow.update({ where: { id: workflow.id }, data: { approvalStatus: 'APPROVED' } });
    await decision.record({ action: 'workflow.approve', targetType: 'Workflow', targetId: workflow.id, metadata: { name: workflow.name, request: request.id } });
  },
  async close(tx, request, status, decision) {
    if (status !== 'REJECTED') return;
    const updated = await tx.workflow.updateMany({ where: { id: request.workflowId ?? '', approvalRequestId: request.id }, data: { approvalStatus: 'REJECTED' } });
    if (updated.count) await decision.record({ action: 'workflow.reject', targetType: 'Workflow', targetId: request.workflowId, metadata: { request: request.id } });
  },
};

// ---------------------------------------------------------------- running

class ActionFailure extends Error {}

/** The KPI with this key if the creator may see it (through their row-level security). */
async function visibleKpiByKey(ctx: Context, key: string) {
  const kpi = await ctx.db.kpi.findFirst({ where: { key } });
  if (!kpi) throw new ActionFailure(`KPI "${key}" does not exist or the creator may not see it`);
  return kpi;
}

async function runAction(ctx: Context, workflow: Workflow, runId: string, action: Action): Promise<unknown> {
  const { services } = ctx;
  switch (action.kind) {
    case 'NOTIFY':
      services.pubsub.publish('org:event', workflow.organizationId, { type: 'workflow.notify', id: runId });
      return { notified: true, message: action.config.message };
    case 'SNAPSHOT_KPI': {
      const kpi = await visibleKpiByKey(ctx, action.config.kpiKey as string);
      return { kpi: kpi.key, summary: await kpiSummary(ctx.db, { kpiId: kpi.id }) };
    }
    case 'SET_KPI_TARGET': {
      if (!allows('kpis.write', ctx.member.role)) throw new ActionFailure(`the creator's role ${ctx.member.role} may not change KPIs`);
      const kpi = await visibleKpiByKey(ctx, action.config.kpiKey as string);
      if (accessOf(await profileFor(ctx.rowRequest), kpi.id) !== 'FULL') throw new ActionFailure(`the creator needs FULL access to KPI "${kpi.key}" to change its target`);
      await auditedTransaction(callerActor(ctx), async (tx, record) => {
        await tx.kpi.update({ where: { id: kpi.id }, data: { target: action.config.target as number } });
        await record({ action: 'kpi.target.set', targetType: 'Kpi', targetId: kpi.id, metadata: { kpi: kpi.key, from: kpi.target, to: action.config.target, workflowId: workflow.id, runId } });
      });
      return { kpi: kpi.key, target: action.config.target };
    }
    case 'WEBHOOK': {
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
  }
}

const WHO_APPROVES = 'an ADMIN or OWNER other than the requester';

/**
 * Runs a workflow now, or stores a BLOCKED run when it may not run. Returns the run; `blocked`
 * tells the caller of runWorkflow to fail with APPROVAL_REQUIRED.
 */
export async function execute(
  services: Services,
  workflow: Workflow,
  trigger: 'MANUAL' | 'SCHEDULE',
  actor: { id: string; email: string } | null,
  occurrence: string | null,
) {
  const triggeredById = actor?.id ?? null;
  const db = services.system;
  const workflowId = workflow.id;
  const startedAt = new Date();
  const record = (tx: Tx): RecordEvent => async (event) => {
    await appendAuditEvent(tx, { ...event, organizationId: workflow.organizationId, actorId: triggeredById, actorEmail: actor?.email ?? null, requestId: null });
  };
  const approved = !workflow.requiresApproval || workflow.approvalStatus === 'APPROVED';
  if (!approved || !workflow.enabled) {
    const reason = !workflow.enabled
      ? 'The workflow is disabled.'
      : `The workflow needs an approved WORKFLOW request before it runs (status ${workflow.approvalStatus}).`;
    const run = await db.$transaction(async (tx) => {
      const row = await tx.workflowRun.create({
        data: { organizationId: workflow.organizationId, workflowId, status: 'BLOCKED', trigger, startedAt, finishedAt: startedAt, error: reason, triggeredById, occurrence },
      });
      await record(tx)({ action: 'workflow.run.blocked', targetType: 'WorkflowRun', targetId: row.id, metadata: { workflowId, trigger, approvalStatus: workflow.approvalStatus, enabled: workflow.enabled } });
      return row;
    });
    return { run, blocked: workflow, approved };
  }
  const runId = randomUUID();
  const outputs: unknown[] = [];
  let error: string | null = null;
  // The creator acting now, with their current membership: actions run with these permissions.
  const ctx = await contextFor(services, workflow.createdById, workflow.organizationId, `workflow-${workflow.id}`);
  if (!ctx) error = "the workflow's creator is no longer an active member of the organization";
  else {
    for (const [i, action] of actionsOf(workflow).entries()) {
      try {
        outputs.push({ kind: action.kind, ...((await runAction(ctx, workflow, runId, action)) as object) });
      } catch (failure) {
        if (!(failure instanceof ActionFailure)) services.log.error({ err: failure, workflowId }, 'workflow action failed unexpectedly');
        error = `Action ${i + 1} (${action.kind}): ${failure instanceof ActionFailure || failure instanceof AppError ? failure.message : 'unexpected error; see the server log'}`;
        break;
      }
    }
  }
  const run = await db.$transaction(async (tx) => {
    const row = await tx.workflowRun.create({
      data: {
        id: runId,
        organizationId: workflow.organizationId,
        workflowId,
        status: error ? 'FAILED' : 'SUCCEEDED',
        trigger,
        startedAt,
        finishedAt: new Date(),
        output: JSON.stringify(outputs),
        error,
        triggeredById,
        occurrence,
      },
    });
    await record(tx)({ action: 'workflow.run', targetType: 'WorkflowRun', targetId: row.id, metadata: { workflowId, trigger, status: row.status, actions: outputs.length } });
    return row;
  });
  return { run, blocked: null, approved };
}

export async function runWorkflow(ctx: Context, id: string): Promise<WorkflowRun> {
  assertCapability(ctx.member, 'workflows.manage');
  const workflow = await ctx.db.workflow.findUnique({ where: { id } });
  if (!workflow) throw notFound('workflow', id);
  const { run, blocked, approved } = await execute(ctx.services, workflow, 'MANUAL', ctx.user, null);
  if (blocked) {
    if (!approved) {
      const requestId = blocked.approvalRequestId ? requestGlobalId(blocked.approvalRequestId) : null;
      const request = requestId ? ` Approve request ${requestId}` : ' Save the workflow again to open a request';
      throw new AppError(
        ErrorCode.APPROVAL_REQUIRED,
        `Workflow "${blocked.name}" has a risky action and its definition is ${blocked.approvalStatus}, so it did not run (a BLOCKED run was recorded).${request}; ${WHO_APPROVES} may approve it.`,
        { rule: 'workflows.approval-required', details: { approvalRequestId: requestId, runId: run.id } },
      );
    }
    throw conflict(`Workflow "${blocked.name}" is disabled, so it did not run (a BLOCKED run was recorded). Enable it with updateWorkflow first.`, 'workflows.disabled');
  }
  return run;
}

// ---------------------------------------------------------------- scheduling

/** Runs the due occurrences of SCHEDULE workflows; each occurrence is claimed by one instance. */
export async function runDueWorkflows(services: Services, now = new Date()) {
  const db: Db = services.system;
  const due = await db.workflow.findMany({ where: { trigger: 'SCHEDULE', enabled: true, nextRunAt: { lte: now } }, take: 100 });
  for (const workflow of due) {
    const occurrence = workflow.nextRunAt!.toISOString();
    if (!(await claimOccurrence(db, `workflow:${workflow.id}`, occurrence))) continue;
    // Missed occurrences (the server was down) run once; the next one is the first after now.
    await db.workflow.updateMany({ where: { id: workflow.id, nextRunAt: workflow.nextRunAt }, data: { nextRunAt: nextOccurrence(workflow.schedule!, now) } });
    try {
      await execute(services, workflow, 'SCHEDULE', null, occurrence);
    } catch (error) {
      services.log.error({ err: error, workflowId: workflow.id }, 'scheduled workflow run failed');
    }
  }
}
