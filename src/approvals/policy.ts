// Who may decide, cancel, follow and read approval requests: pure rules over the matrix's
// `approvals.decide.<KIND>` cells, unit-tested in policy.test.ts. The core gathers the facts
// (is the caller a delegated approver of this request?) and asks these.
import { capabilityDecision, cellOf, rolesAllowed, roleList } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import { streamEndedByMembership } from '../authz/membership.ts';
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

/** Subscribing to approvalEvents: only members who may decide some request (else myApprovalUpdates). */
export function subscribeDecision(role: OrgRole, decidesSomething: boolean): Decision {
  if (decidesSomething) return allow('approvals.subscribe');
  // Who could make them a decider: delegate a dimension value to them (kpis.manage).
  return deny(
    'approvals.subscribe',
    `You may decide no approval requests in this organization (your role is ${role} and no dimension values are delegated to you), so this subscription has ended.`,
    'Use myApprovalUpdates to follow your own requests.',
    rolesAllowed('kpis.manage'),
  );
}

/** A live subscription ends when its subscriber's membership is no longer active. */
export function liveMembershipDecision(status: string, role: OrgRole): Decision {
  if (status === 'ACTIVE') return allow('membership.active');
  return streamEndedByMembership(status, role);
}

/** Whether an approvalEvents subscriber receives an event about this request. */
export function receivesEvent(f: DecisionFacts & { wanted: ReadonlySet<ApprovalKind> | null }): boolean {
  if (f.wanted && !f.wanted.has(f.kind)) return false;
  return decideDecision(f).allowed;
}

// ---------------------------------------------------------------- quorum

/** How many distinct approvals a request needs, and whose count (empty: whoever may decide its kind). */
export interface Quorum {
  requiredApprovals: number;
  countedRoles: readonly OrgRole[];
}

/** Without a policy of its organization, one approval by whoever may decide the kind. */
export const DEFAULT_QUORUM: Quorum = { requiredApprovals: 1, countedRoles: [] };
export const MAX_REQUIRED_APPROVALS = 10;

/**
 * The subject an approval policy may narrow a kind to: the PII action (UPDATE_PII, SOFT_DELETE,
 * HARD_DELETE) of a PII_CHANGE, the dimension of an ACCESS_SCOPE request; WORKFLOW has none ('').
 */
export function policySubjectOf(request: { kind: ApprovalKind; piiAction?: string | null; dimensionKey?: string | null }): string {
  if (request.kind === 'PII_CHANGE') return request.piiAction ?? '';
  if (request.kind === 'ACCESS_SCOPE') return request.dimensionKey ?? '';
  return '';
}

/** Why a subject cannot narrow a policy of `kind`, or null when it can. */
export function subjectProblem(kind: ApprovalKind, subject: string): string | null {
  if (subject === '') return null;
  if (kind === 'PII_CHANGE')
    return ['UPDATE_PII', 'SOFT_DELETE', 'HARD_DELETE'].includes(subject) ? null : 'names the PII action of a PII_CHANGE policy: UPDATE_PII, SOFT_DELETE or HARD_DELETE.';
  if (kind === 'ACCESS_SCOPE') return /^[a-z][a-z0-9_]{0,39}$/.test(subject) ? null : 'names the dimension key of an ACCESS_SCOPE policy (e.g. region).';
  return 'must be empty: WORKFLOW policies cover every workflow.';
}

/** Roles a policy may count: those that decide the kind at all (outright or as delegated approvers). */
export const countableRoles = (kind: ApprovalKind): OrgRole[] => rolesAllowed(decideCapability(kind));

/** The policy in force for a subject: the subject's own, else the kind's, else the default. */
export function quorumInForce(policies: readonly { subject: string; requiredApprovals: number; countedRoles: readonly OrgRole[] }[], subject: string): Quorum {
  const own = policies.find((p) => p.subject === subject) ?? policies.find((p) => p.subject === '');
  return own ? { requiredApprovals: own.requiredApprovals, countedRoles: own.countedRoles } : DEFAULT_QUORUM;
}

/**
 * What a request snapshots when it is raised: the policy's number, capped by the members who could
 * approve it then (active, not the requester, whose approval counts), never below one. "Two owners
 * for a hard delete" thus means two where the organization has two active owners besides the
 * requester, and does not leave a request nobody can complete in an organization with one.
 */
export function snapshotQuorum(policy: Quorum, eligibleApprovers: number): Quorum {
  return { requiredApprovals: Math.max(1, Math.min(policy.requiredApprovals, eligibleApprovers)), countedRoles: policy.countedRoles };
}

/** Whether a member's approval counts toward a request's quorum (besides never being the requester's). */
export function countsToward(f: { kind: ApprovalKind; role: OrgRole; delegated: boolean; countedRoles: readonly OrgRole[] }): boolean {
  const cell = cellFor(f.kind, f.role);
  const decides = cell === 'yes' || (cell === 'limited' && f.delegated);
  return decides && (f.countedRoles.length === 0 || f.countedRoles.includes(f.role));
}

/**
 * May this member approve (cast one of the approvals) of this request? Deciding it at all is
 * decideDecision's; the policy snapshotted on the request may further count only some roles.
 * Anyone who may decide it may still reject it.
 */
export function approveDecision(f: DecisionFacts & { countedRoles: readonly OrgRole[] }): Decision {
  const decide = decideDecision(f);
  if (!decide.allowed || countsToward(f)) return decide;
  return deny(
    'approvals.quorum.counted-roles',
    `Approvals of this ${f.kind} request count only from ${roleList(f.countedRoles)} (the approval policy in force when it was raised); your role here is ${f.role}.`,
    'Ask one of them to approve it; you may still reject it.',
    f.countedRoles,
  );
}

/** Whether the approvals recorded so far complete the request. */
export const quorumReached = (approvals: number, required: number) => approvals >= required;

/** Setting an approval policy: approvals.setPolicy. */
export const setPolicyDecision = (role: OrgRole): Decision => capabilityDecision('approvals.setPolicy', role);

/** The roles that approve a kind outright and whose approvals count under a quorum. */
export const approverRoles = (kind: ApprovalKind, quorum: Quorum): OrgRole[] =>
  decidersOf(kind).filter((r) => quorum.countedRoles.length === 0 || quorum.countedRoles.includes(r));

/** A sentence naming who may approve a kind under a quorum, for explanations and previews. */
export function approversSentence(kind: ApprovalKind, quorum: Quorum, delegates: readonly string[] = []): string {
  const roles = approverRoles(kind, quorum);
  const who = [...delegates, ...(roles.length ? [`any ${roles.join(' or ')}`] : [])].join(', or ');
  const count = quorum.requiredApprovals === 1 ? 'one approval' : `${quorum.requiredApprovals} approvals from distinct members`;
  return `${kind} requests${quorum.countedRoles.length ? ` (counting ${roleList(quorum.countedRoles)})` : ''} need ${count}, other than the requester's: ${who || 'nobody may approve them here'}.`;
}

/** Where a resume cursor (`after:`) stands, as event-log.ts found it. */
export type CursorStanding = 'current' | 'malformed' | 'other-organization' | 'unknown' | 'expired';

/** Resuming after a cursor: only after an event of the subscriber's organization that is still kept. */
export function resumeDecision(standing: CursorStanding, retentionHours: number): Decision {
  const again = 'Subscribe without `after`, re-read the requests you follow (`approvalRequests`), and resume with the cursors of the new events.';
  switch (standing) {
    case 'current':
      return allow('approvals.resume');
    case 'malformed':
      return deny('approvals.resume.malformed', 'This cursor is not one the server issued: pass an event\'s `cursor` unchanged.', again);
    case 'other-organization':
      return deny('approvals.resume.other-organization', 'This cursor belongs to another organization than the one you are subscribed in.', again);
    case 'unknown':
      return deny('approvals.resume.unknown', 'No event of this organization has this cursor.', again);
    case 'expired':
      return deny('approvals.resume.expired', `The events after this cursor are no longer all kept: events are kept ${retentionHours} hours.`, again);
  }
}
