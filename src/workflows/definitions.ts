// Workflow definitions: typed actions validated (with their limits) before any I/O, saves that
// approve a definition at once or wait for a WORKFLOW request, deletion, and the WORKFLOW approval
// kind. Who may change which workflow is policy.ts's to say.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createHash } from 'node:crypto';
import { publishApproval, raiseRequest, withdrawPending } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { assertCapability } from '../authz/capabilities.ts';
import { enforce } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import type { ApprovalRequest, Tx } from '../db/client.ts';
import { lockOrganization } from '../db/locks.ts';
import { badInput, conflict, notFound, tooLong } from '../errors.ts';
import type { Services } from '../services.ts';
import { ACTION_CONFIGS, MAX_ACTIONS, type Action, type ActionKind } from './actions.ts';
import { isRisky, manageDecision, saveOutcome } from './policy.ts';
import { nextRunAtOf, parseSchedule } from './scheduler.ts';

export interface WorkflowInput {
  name: string;
  description?: string | null;
  trigger?: 'MANUAL' | 'SCHEDULE' | null;
  schedule?: string | null;
  actions: readonly { kind: ActionKind; config?: unknown }[];
  enabled?: boolean | null;
}

const NAME_MAX = 120;
const DESCRIPTION_MAX = 2000;
const SCHEDULE_MAX = 200;

function validateSchedule(input: WorkflowInput, trigger: 'MANUAL' | 'SCHEDULE'): string | null {
  if (trigger !== 'SCHEDULE') {
    if (input.schedule) throw badInput('`schedule` is only for SCHEDULE workflows; set trigger: SCHEDULE or leave it out.');
    return null;
  }
  const schedule = input.schedule?.trim() ?? '';
  if (!schedule) throw badInput('A SCHEDULE workflow needs `schedule`, a cron expression such as "0 */15 * * * *" (seconds field optional).');
  if (schedule.length > SCHEDULE_MAX) throw tooLong('input.schedule', SCHEDULE_MAX, schedule.length);
  try {
    parseSchedule(schedule);
  } catch (error) {
    throw badInput(`"${schedule.slice(0, 80)}" is not a valid cron expression: ${(error as Error).message}`);
  }
  return schedule;
}

function validateAction(services: Services, a: WorkflowInput['actions'][number], i: number): Action {
  const parsed = ACTION_CONFIGS[a.kind].safeParse(a.config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(`Action ${i + 1} (${a.kind}): ${issue.path.length ? `config.${issue.path.join('.')} ` : 'config '}${issue.message}.`);
  }
  const config = parsed.data as Record<string, unknown>;
  if (a.kind === 'WEBHOOK') {
    const url = new URL(config.url as string);
    if (!['http:', 'https:'].includes(url.protocol)) throw badInput(`Action ${i + 1} (WEBHOOK): only http and https URLs can be called.`);
    const allowlist = services.config.WEBHOOK_ALLOWLIST;
    if (!allowlist.includes(url.origin))
      throw badInput(
        `Action ${i + 1} (WEBHOOK): ${url.origin} is not in WEBHOOK_ALLOWLIST${allowlist.length ? ` (${allowlist.join(', ')})` : ', which is empty'}; ask whoever runs this server to allow it.`,
      );
  }
  return { kind: a.kind, config };
}

/** Validates a whole definition without touching the database; every problem is a BAD_USER_INPUT that names its field or action. */
export function validate(services: Services, input: WorkflowInput) {
  const name = input.name.trim();
  if (name.length < 1 || name.length > NAME_MAX) throw badInput(`A workflow name has 1 to ${NAME_MAX} characters.`);
  const description = input.description?.trim() || null;
  if (description && description.length > DESCRIPTION_MAX) throw tooLong('input.description', DESCRIPTION_MAX, description.length);
  const trigger = input.trigger ?? 'MANUAL';
  const schedule = validateSchedule(input, trigger);
  if (input.actions.length === 0) throw badInput('A workflow needs at least one action.');
  if (input.actions.length > MAX_ACTIONS) throw badInput(`A workflow has at most ${MAX_ACTIONS} actions.`);
  const actions = input.actions.map((a, i) => validateAction(services, a, i));
  const definitionHash = createHash('sha256').update(JSON.stringify({ trigger, schedule, actions })).digest('hex');
  return { name, description, trigger, schedule, actions, requiresApproval: isRisky(actions.map((a) => a.kind)), definitionHash, enabled: input.enabled ?? true };
}

type Definition = ReturnType<typeof validate>;
type Published = { type: 'REQUESTED' | 'CANCELLED'; row: ApprovalRequest }[];

/** Opens the WORKFLOW request of a definition in the save's transaction. */
async function requestApprovalOf(ctx: Context, tx: Tx, workflowId: string, def: Definition, record: RecordEvent) {
  const requester = { organizationId: ctx.member.organizationId, userId: ctx.user.id };
  const payload = { definitionHash: def.definitionHash, name: def.name, actions: def.actions.map((a) => a.kind) };
  return raiseRequest(tx, ctx.services, requester, { kind: 'WORKFLOW', workflowId, payload }, record);
}

/**
 * Saves a definition (the caller's right to is checked already): APPROVED at once when not risky
 * or saved by an OWNER, else PENDING with a request. Whoever changes what it does becomes its
 * principal; a schedule runs only once the workflow may run.
 */
async function save(ctx: Context, existingId: string | null, def: Definition) {
  const published: Published = [];
  const workflow = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    // One pending request per workflow, and no save racing a deletion.
    await lockOrganization(tx, ctx.member.organizationId);
    const current = existingId ? await tx.workflow.findUnique({ where: { id: existingId } }) : null;
    if (existingId && !current) throw notFound('workflow', encodeGlobalID('Workflow', existingId));
    if (current) enforce(manageDecision(ctx.member.role, ctx.user.id, current.createdById));
    const definitionChanged = !current || current.definitionHash !== def.definitionHash;
    const outcome = saveOutcome(ctx.member.role, {
      risky: def.requiresApproval,
      definitionChanged,
      status: current?.approvalStatus ?? null,
      hasRequest: Boolean(current?.approvalRequestId),
    });
    // An approval covers exactly one definition: a request for an older one, or one the save made moot, is withdrawn.
    const keepsRequest = !definitionChanged && (outcome === 'STILL_PENDING' || outcome === 'APPROVED');
    if (current?.approvalRequestId && !keepsRequest) {
      const reason = definitionChanged ? 'Superseded by a newer definition of the workflow.' : 'The workflow was saved again and approved at once.';
      for (const row of await withdrawPending(tx, ctx.services.clock.now(), { id: current.approvalRequestId }, reason, record)) published.push({ type: 'CANCELLED', row });
    }
    const approvalStatus = outcome === 'APPROVED' || outcome === 'APPROVED_BY_SAVER' ? 'APPROVED' : 'PENDING';
    const data = {
      name: def.name,
      description: def.description,
      trigger: def.trigger,
      schedule: def.schedule,
      actions: JSON.stringify(def.actions),
      requiresApproval: def.requiresApproval,
      definitionHash: def.definitionHash,
      enabled: def.enabled,
      approvalStatus,
      nextRunAt: nextRunAtOf({ ...def, approvalStatus }, ctx.services.clock.now()),
      ...(definitionChanged ? { definedById: ctx.user.id } : {}),
      ...(keepsRequest ? {} : { approvalRequestId: null }),
    };
    let row = current
      ? await tx.workflow.update({ where: { id: current.id }, data })
      : await tx.workflow.create({ data: { ...data, organizationId: ctx.member.organizationId, createdById: ctx.user.id } });
    if (outcome === 'APPROVED_BY_SAVER')
      await record({ action: 'workflow.approve.owner', targetType: 'Workflow', targetId: row.id, metadata: { name: row.name, note: 'risky workflow approved at once: saved by an OWNER' } });
    if (outcome === 'NEEDS_APPROVAL') {
      const request = await requestApprovalOf(ctx, tx, row.id, def, record);
      published.push({ type: 'REQUESTED', row: request });
      row = await tx.workflow.update({ where: { id: row.id }, data: { approvalRequestId: request.id } });
    }
    await record({
      action: current ? 'workflow.update' : 'workflow.create',
      targetType: 'Workflow',
      targetId: row.id,
      metadata: { name: row.name, trigger: row.trigger, actions: def.actions.map((a) => a.kind), approvalStatus: row.approvalStatus, definitionChanged },
    });
    return row;
  });
  for (const p of published) publishApproval(ctx.services, p.type, p.row);
  return workflow;
}

export function createWorkflow(ctx: Context, input: WorkflowInput) {
  assertCapability(ctx.member, 'workflows.create');
  const def = validate(ctx.services, input);
  return save(ctx, null, def);
}

export function updateWorkflow(ctx: Context, id: string, input: WorkflowInput) {
  assertCapability(ctx.member, 'workflows.manage');
  const def = validate(ctx.services, input);
  return save(ctx, id, def);
}

/**
 * Deletes a workflow with its runs (the audit trail keeps their history) and withdraws its pending
 * request. The audit event goes first: appending it locks the organization's audit chain, which a
 * run takes too before it is stored, so no run of the workflow lands after its runs are deleted.
 */
export async function deleteWorkflow(ctx: Context, id: string): Promise<boolean> {
  const withdrawn = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    await lockOrganization(tx, ctx.member.organizationId);
    const workflow = await tx.workflow.findUnique({ where: { id } });
    if (!workflow) throw notFound('workflow', encodeGlobalID('Workflow', id));
    enforce(manageDecision(ctx.member.role, ctx.user.id, workflow.createdById));
    await record({ action: 'workflow.delete', targetType: 'Workflow', targetId: id, metadata: { name: workflow.name, trigger: workflow.trigger, approvalStatus: workflow.approvalStatus } });
    const requests = await withdrawPending(tx, ctx.services.clock.now(), { kind: 'WORKFLOW', workflowId: id }, 'The workflow was deleted.', record);
    await tx.workflowRun.deleteMany({ where: { workflowId: id } });
    await tx.workflow.delete({ where: { id } });
    return requests;
  });
  for (const row of withdrawn) publishApproval(ctx.services, 'CANCELLED', row);
  return true;
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
    // Approved, a SCHEDULE workflow gets its first occurrence: it was not scheduled while it waited.
    await tx.workflow.update({ where: { id: workflow.id }, data: { approvalStatus: 'APPROVED', nextRunAt: nextRunAtOf({ ...workflow, approvalStatus: 'APPROVED' }, decision.at) } });
    await decision.record({ action: 'workflow.approve', targetType: 'Workflow', targetId: workflow.id, metadata: { name: workflow.name, request: request.id } });
  },
  async close(tx, request, status, decision) {
    if (status !== 'REJECTED') return;
    const updated = await tx.workflow.updateMany({ where: { id: request.workflowId ?? '', approvalRequestId: request.id }, data: { approvalStatus: 'REJECTED', nextRunAt: null } });
    if (updated.count) await decision.record({ action: 'workflow.reject', targetType: 'Workflow', targetId: request.workflowId, metadata: { request: request.id } });
  },
};
