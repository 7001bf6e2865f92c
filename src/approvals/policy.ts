// Who may decide, cancel, follow and read approval requests: pure rules over the matrix's
// `approvals.decide.<KIND>` cells, unit-tested in policy.test.ts. The core gathers the facts
// (is the caller a delegated approver of this request?) and asks these.
import { cellOf, rolesAllowed, roleList } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import { MATRIX, type CapabilityName, type Cell, type OrgRole } from '../authz/matrix.ts';
import { APPROVAL_KINDS, type ApprovalKind } from './kinds.ts';

export const decideCapability = (kind: ApprovalKind) => `approvals.decide.${kind}` as CapabilityName;
export const cellFor = (kind: ApprovalKind, role: OrgRole): Cell => cellOf(decideCapability(kind), role);

/** Kinds a role decides outright, and kinds it decides only as a delegated approver. */
export const kindsByCell = (role: OrgRole) => ({
  full: APPROVAL_KINDS.filter((k) => cellFor(k, role) === 'yes'),
  limited: APPROVAL_KINDS.filter((k) => cellFor(k, role) === 'limited'),
});

/** Roles that decide a kind outright (for messages and `approvers`). */
export const decidersOf = (kind: ApprovalKind) => rolesAllowed(decideCapability(kind)).filter((r) => cellFor(kind, r) === 'yes');

export interface DecisionFacts {
  kind: ApprovalKind;
  role: OrgRole;
  userId: string;
  requestedById: string;
  /** The caller is a delegated approver of this request (only asked for `limited` cells). */
  delegated: boolean;
}

/** May this member approve or reject this request? */
export function decideDecision(f: DecisionFacts): Decision {
  if (f.userId === f.requestedById)
    return deny('approvals.no-self-decision', 'No one decides their own request.', 'Another member who may decide it has to.', decidersOf(f.kind));
  const cell = cellFor(f.kind, f.role);
  if (cell === 'yes') return allow(decideCapability(f.kind));
  if (cell === 'limited' && f.delegated) return allow('approvals.delegated', 'You are a delegated approver of this request.');
  const capability = decideCapability(f.kind);
  const { limit } = MATRIX[capability] as { limit?: string };
  return deny(
    capability,
    `Deciding ${f.kind} requests belongs to ${roleList(decidersOf(f.kind))}${limit ? ` (and: ${limit})` : ''}; your role here is ${f.role}.`,
    'The request stays pending for someone who may decide it.',
    decidersOf(f.kind),
  );
}

/** Only the requester withdraws a request. */
export function cancelDecision(userId: string, requestedById: string): Decision {
  if (userId === requestedById) return allow('approvals.cancel-own-only');
  return deny('approvals.cancel-own-only', 'Only the member who made a request may cancel it.', 'Reject it instead if you may decide it.');
}

/** The proposed PII values of a request: the roles that decide PII_CHANGE, and the requester. */
export const seesProposedChanges = (role: OrgRole, userId: string, requestedById: string) =>
  userId === requestedById || cellFor('PII_CHANGE', role) === 'yes';

/** Whether an approvalEvents subscriber receives an event about this request. */
export function receivesEvent(f: DecisionFacts & { wanted: ReadonlySet<ApprovalKind> | null }): boolean {
  if (f.wanted && !f.wanted.has(f.kind)) return false;
  return decideDecision(f).allowed;
}
