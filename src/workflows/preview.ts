// previewWorkflow: what saving a definition would do, without saving it. It validates as a save
// does, then asks the workflow policy the same questions a save and a run ask (may the caller save
// it, would it wait for approval, who may approve it, could the caller run it afterwards, could each
// action do its work as the principal), and answers with their decisions. Nothing here writes.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { approverRoles } from '../approvals/policy.ts';
import { routeFor, type ApprovalRoute } from '../approvals/quorum.ts';
import { capabilityDecision } from '../authz/capabilities.ts';
import { allow, deny, firstRefusal, type Decision } from '../authz/decision.ts';
import { contextFor, type Context } from '../context.ts';
import type { Workflow } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { accessOf, profileFor } from '../kpis/access.ts';
import { writeKpiDecision } from '../kpis/policy.ts';
import type { ActionKind } from './actions.ts';
import { validate, type WorkflowInput } from './definitions.ts';
import { RISKY, RUN_DISABLED, RUN_NEEDS_APPROVAL, manageDecision, runAsPrincipal, runBlock, saveOutcome, type SaveOutcome } from './policy.ts';

/** Why an action kind needs approval: the reason RISKY holds it. */
const RISK_REASONS: Partial<Record<ActionKind, string>> = {
  WEBHOOK: 'sends data to a URL outside the organization (a side effect nobody can undo)',
  SET_KPI_TARGET: "changes a KPI's target (a write)",
};

export interface RiskyAction {
  /** 1-based, as validation errors count actions. */
  position: number;
  kind: ActionKind;
  reason: string;
}

export interface ActionCheck {
  position: number;
  kind: ActionKind;
  decision: Decision;
}

export interface WorkflowPreview {
  /** May the caller save this definition (create, or update the given workflow)? */
  save: Decision;
  outcome: SaveOutcome;
  /** The definition has a risky action. */
  requiresApproval: boolean;
  /** Saved by the caller now, it would wait for an approved WORKFLOW request. */
  needsApproval: boolean;
  riskyActions: RiskyAction[];
  /** Who would decide its request and how many approvals it would need; null when none is needed. */
  approval: ApprovalRoute | null;
  /** Whom its actions would run as (who last changed the definition). */
  principalId: string;
  /** Could the caller run it right after saving? */
  run: Decision;
  /** Could the caller run it once its request is approved? (Equals `run` when no approval is needed.) */
  runAfterApproval: Decision;
  /** Each action checked as the principal would run it now. */
  actions: ActionCheck[];
}

/** Each action as the principal would perform it now: a KPI it names must be visible, a target needs FULL. */
async function checkActions(principal: Context | null, actions: ReturnType<typeof validate>['actions']): Promise<ActionCheck[]> {
  const checks: ActionCheck[] = [];
  for (const [i, action] of actions.entries()) {
    const position = i + 1;
    let decision: Decision = allow(`workflows.action.${action.kind}`, 'Nothing to check before it runs.');
    if (!principal) decision = deny('membership.inactive', "The workflow's principal is no longer an active member: no action would run.", 'Save the definition again as an active member.');
    else if (action.kind === 'SNAPSHOT_KPI' || action.kind === 'SET_KPI_TARGET') {
      const key = action.config.kpiKey as string;
      const kpi = await principal.db.kpi.findFirst({ where: { key } });
      if (!kpi)
        decision = deny('workflows.kpi-unknown', `KPI "${key}" does not exist or the principal may not see it, so the action would fail.`, 'Name a KPI the principal may see.');
      else if (action.kind === 'SET_KPI_TARGET') decision = writeKpiDecision(principal.member.role, kpi.key, accessOf(await profileFor(principal.rowRequest), kpi.id));
      else decision = allow('kpis.read', `The principal sees KPI "${key}": the snapshot summarises the rows they may see.`);
    }
    checks.push({ position, kind: action.kind, decision });
  }
  return checks;
}

/** What saving `input` (as a new workflow, or over workflow `existingId`) would do; BAD_USER_INPUT as a save would give. */
export async function previewWorkflow(ctx: Context, input: WorkflowInput, existingId?: string | null): Promise<WorkflowPreview> {
  const def = validate(ctx.services, input);
  const { role } = ctx.member;
  const userId = ctx.user.id;
  let current: Workflow | null = null;
  if (existingId) {
    current = await ctx.db.workflow.findUnique({ where: { id: existingId } });
    if (!current) throw notFound('workflow', encodeGlobalID('Workflow', existingId));
  }
  const save = current
    ? firstRefusal(
        () => capabilityDecision('workflows.manage', role),
        () => manageDecision(role, userId, current.createdById),
      )
    : capabilityDecision('workflows.create', role);
  const definitionChanged = !current || current.definitionHash !== def.definitionHash;
  const outcome = saveOutcome(role, { risky: def.requiresApproval, definitionChanged, status: current?.approvalStatus ?? null, hasRequest: Boolean(current?.approvalRequestId) });
  const needsApproval = outcome === 'NEEDS_APPROVAL' || outcome === 'STILL_PENDING';
  const riskyActions = def.actions.flatMap((a, i) => (RISKY.has(a.kind) ? [{ position: i + 1, kind: a.kind, reason: RISK_REASONS[a.kind] ?? 'is risky' }] : []));
  const approval = needsApproval ? await routeFor(ctx.db, ctx.member.organizationId, 'WORKFLOW', '', userId) : null;

  // Whoever changes what it does becomes its principal; an unchanged definition keeps its own.
  const principalId = definitionChanged || !current ? userId : runAsPrincipal(current);
  const principal = principalId === userId ? ctx : await contextFor(ctx.services, principalId, ctx.member.organizationId, ctx.requestId);
  const manage = manageDecision(role, userId, current?.createdById ?? userId);
  const facts = { requiresApproval: def.requiresApproval, enabled: def.enabled, definitionHash: def.definitionHash };
  const runAs = (approvalStatus: string): Decision => {
    if (!save.allowed) return save;
    if (!manage.allowed) return manage;
    const block = runBlock({ ...facts, approvalStatus });
    if (block?.rule === RUN_NEEDS_APPROVAL)
      return deny(
        RUN_NEEDS_APPROVAL,
        `Saved by you, "${def.name}" would wait for an approved WORKFLOW request (${riskyActions.map((a) => `action ${a.position}, ${a.kind}, ${a.reason}`).join('; ')}), so it could not run until then.`,
        approval?.description ?? null,
        approval ? approverRoles('WORKFLOW', approval.quorum) : undefined,
      );
    if (block) return deny(RUN_DISABLED, `"${def.name}" would be saved disabled, so it could not run.`, 'Save it with enabled: true to run it.');
    return allow('workflows.run', approvalStatus === 'APPROVED' && needsApproval ? 'Once approved, you could run it.' : 'You could run it at once.');
  };
  const run = runAs(needsApproval ? 'PENDING' : 'APPROVED');
  const runAfterApproval = needsApproval ? runAs('APPROVED') : run;
  return {
    save,
    outcome,
    requiresApproval: def.requiresApproval,
    needsApproval,
    riskyActions,
    approval,
    principalId,
    run,
    runAfterApproval,
    actions: await checkActions(principal, def.actions),
  };
}
