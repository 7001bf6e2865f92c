// Workflow rules as pure functions: who changes, runs and deletes a workflow, whose permissions its
// actions run with, what a save needs before the workflow may run, when a run is refused, and who
// reads a run's output. Unit-tested in policy.test.ts.
import { allowsFully, capabilityDecision, rolesAllowed } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { KpiAccessLevel } from '../kpis/policy.ts';
import type { ActionKind } from './actions.ts';

/** Actions with a side effect outside the organization, or a write. */
export const RISKY: ReadonlySet<ActionKind> = new Set(['WEBHOOK', 'SET_KPI_TARGET']);
export const isRisky = (kinds: readonly ActionKind[]) => kinds.some((kind) => RISKY.has(kind));

/** The roles that change, run and delete anyone's workflow: the limit of workflows.manage leaves an EDITOR their own. */
const MANAGES_ANY_WORKFLOW: readonly OrgRole[] = ['ADMIN', 'OWNER'];

/** Changing, running or deleting one workflow. */
export function manageDecision(role: OrgRole, userId: string, createdById: string): Decision {
  const capability = capabilityDecision('workflows.manage', role);
  if (!capability.allowed) return capability;
  if (userId === createdById) return allow('workflows.manage', 'You created this workflow.');
  if (MANAGES_ANY_WORKFLOW.includes(role)) return allow('workflows.manage');
  return deny(
    'workflows.manage-own-only',
    `An ${role} changes, runs and deletes only the workflows they created; this one is another member's.`,
    'Ask its creator, an ADMIN or an OWNER.',
    MANAGES_ANY_WORKFLOW,
  );
}

/**
 * The member whose permissions the actions run with: whoever last changed the definition (they
 * chose what it does), or its creator for workflows saved before that was recorded.
 */
export const runAsPrincipal = (w: { createdById: string; definedById: string | null }) => w.definedById ?? w.createdById;

export type SaveOutcome =
  /** Runs as saved: nothing risky, or the same definition that was approved. */
  | 'APPROVED'
  /** Risky, approved at once: the saver holds workflows.create outright (an OWNER). */
  | 'APPROVED_BY_SAVER'
  /** Unchanged and already waiting on its request. */
  | 'STILL_PENDING'
  /** Risky and new (or refused before): waits for a WORKFLOW request. */
  | 'NEEDS_APPROVAL';

export interface SaveFacts {
  risky: boolean;
  definitionChanged: boolean;
  /** The saved workflow's approval status before this save; null when creating. */
  status: string | null;
  hasRequest: boolean;
}

export function saveOutcome(role: OrgRole, f: SaveFacts): SaveOutcome {
  if (!f.risky || (!f.definitionChanged && f.status === 'APPROVED')) return 'APPROVED';
  if (allowsFully('workflows.create', role)) return 'APPROVED_BY_SAVER';
  if (!f.definitionChanged && f.status === 'PENDING' && f.hasRequest) return 'STILL_PENDING';
  return 'NEEDS_APPROVAL';
}

export interface RunFacts {
  requiresApproval: boolean;
  approvalStatus: string;
  enabled: boolean;
  definitionHash: string;
}

export const RUN_NEEDS_APPROVAL = 'workflows.approval-required';
export const RUN_DISABLED = 'workflows.disabled';

/** Why a workflow may not run now; `version` names the refused definition and state (one BLOCKED run each). */
export interface RunBlock {
  rule: typeof RUN_NEEDS_APPROVAL | typeof RUN_DISABLED;
  version: string;
  /** Stored as the BLOCKED run's error. */
  reason: string;
}

export function runBlock(w: RunFacts): RunBlock | null {
  if (w.requiresApproval && w.approvalStatus !== 'APPROVED')
    return {
      rule: RUN_NEEDS_APPROVAL,
      version: `${w.definitionHash}:${w.approvalStatus}`,
      reason: `The workflow needs an approved WORKFLOW request before it runs (status ${w.approvalStatus}).`,
    };
  if (!w.enabled) return { rule: RUN_DISABLED, version: `${w.definitionHash}:disabled`, reason: 'The workflow is disabled.' };
  return null;
}

/** A runnable SCHEDULE workflow has a next occurrence; a blocked one is not scheduled at all. */
export const isScheduled = (w: RunFacts & { trigger: string }) => w.trigger === 'SCHEDULE' && runBlock(w) === null;

/** The refusal runWorkflow answers with; `requestId` is the pending request's id, when there is one. */
export function blockedRunDecision(name: string, block: RunBlock, status: string, requestId: string | null, countedRoles: readonly OrgRole[] = []): Decision {
  if (block.rule === RUN_DISABLED)
    return deny(RUN_DISABLED, `Workflow "${name}" is disabled, so it did not run (a BLOCKED run was recorded).`, 'Enable it with updateWorkflow first.');
  // Those whose approval of the pending request counts (its snapshotted policy may count fewer roles).
  const approvers = rolesAllowed('approvals.decide.WORKFLOW').filter((r) => countedRoles.length === 0 || countedRoles.includes(r));
  const who = `an ${approvers.join(' or ')} other than the requester may approve it`;
  return deny(
    RUN_NEEDS_APPROVAL,
    `Workflow "${name}" has a risky action and its definition is ${status}, so it did not run (a BLOCKED run was recorded).`,
    requestId ? `Approve request ${requestId}; ${who}.` : `Save the workflow again to open a request; ${who}.`,
    approvers,
  );
}

/** A KPI a run's output summarises, with the reader's access to it now. */
export interface RevealedKpi {
  key: string;
  access: KpiAccessLevel;
}

/** Reading a run's output: only where the reader may see what it reveals (a KPI summary needs FULL on that KPI). */
export function outputDecision(role: OrgRole, revealed: readonly RevealedKpi[]): Decision {
  const capability = capabilityDecision('workflows.readOutput', role);
  if (!capability.allowed || allowsFully('workflows.readOutput', role)) return capability;
  const hidden = revealed.filter((k) => k.access !== 'FULL');
  if (hidden.length === 0) return allow('workflows.output-reveals-kpi');
  return deny(
    'workflows.output-reveals-kpi',
    `This run's output summarises ${hidden.map((k) => `KPI "${k.key}" (your access: ${k.access})`).join(', ')}; reading it needs FULL access to each.`,
    'Ask an ADMIN to grant FULL access through a custom role.',
    rolesAllowed('kpis.manage'),
  );
}
