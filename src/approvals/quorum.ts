// Approval policies (quorum): the policy in force for a request, what a request snapshots when it is
// raised, setting a policy (OWNER, audited) and the approvals recorded on a request. The rules are
// policy.ts's; this file reads and writes their data.
import { auditedTransaction, callerActor } from '../audit/record.ts';
import { refusalError } from '../authz/decision.ts';
import { ORG_ROLES, type OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import type { ApprovalPolicy, ApprovalRequest, Db, Tx } from '../db/client.ts';
import { badInput } from '../errors.ts';
import type { Services } from '../services.ts';
import type { ApprovalKind } from './kinds.ts';
import {
  DEFAULT_QUORUM, MAX_REQUIRED_APPROVALS, approversSentence, countableRoles, countsToward, policySubjectOf, quorumInForce, setPolicyDecision, snapshotQuorum, subjectProblem,
  type Quorum,
} from './policy.ts';

/** The roles a stored policy or request counts (a JSON array; unknown names are dropped). */
export function countedRolesOf(stored: string): OrgRole[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? ORG_ROLES.filter((r) => parsed.includes(r)) : [];
  } catch {
    return [];
  }
}

/** The policy in force now for a kind and subject in an organization. */
export async function quorumFor(db: Db | Tx, organizationId: string, kind: ApprovalKind, subject: string): Promise<Quorum> {
  const rows = await db.approvalPolicy.findMany({ where: { organizationId, kind, subject: { in: [...new Set([subject, ''])] } } });
  return quorumInForce(rows.map((r) => ({ subject: r.subject, requiredApprovals: r.requiredApprovals, countedRoles: countedRolesOf(r.countedRoles) })), subject);
}

/** Active members other than the requester whose approval of `request` would count. */
export async function eligibleApprovers(db: Db | Tx, services: Services, request: ApprovalRequest, countedRoles: readonly OrgRole[]): Promise<string[]> {
  const members = await db.membership.findMany({
    where: { organizationId: request.organizationId, status: 'ACTIVE', userId: { not: request.requestedById } },
    select: { userId: true, role: true },
  });
  const handler = services.approvals.get(request.kind);
  const delegates = new Set(handler?.extraDeciders ? await handler.extraDeciders(db, request) : []);
  return members
    .filter((m) => countsToward({ kind: request.kind, role: m.role as OrgRole, delegated: delegates.has(m.userId), countedRoles }))
    .map((m) => m.userId);
}

/**
 * Snapshots the policy in force on a request just created in `tx`: the number it needs (capped by
 * who could approve it now) and the roles that count. The policy changing later does not touch it.
 */
export async function snapshotPolicy(tx: Tx, services: Services, request: ApprovalRequest): Promise<ApprovalRequest> {
  const policy = await quorumFor(tx, request.organizationId, request.kind, policySubjectOf(request));
  const snapshot =
    policy.requiredApprovals > 1
      ? snapshotQuorum(policy, (await eligibleApprovers(tx, services, request, policy.countedRoles)).length)
      : { requiredApprovals: 1, countedRoles: policy.countedRoles };
  const countedRoles = JSON.stringify(snapshot.countedRoles);
  if (snapshot.requiredApprovals === request.requiredApprovals && countedRoles === request.countedRoles) return request;
  return tx.approvalRequest.update({ where: { id: request.id }, data: { requiredApprovals: snapshot.requiredApprovals, countedRoles } });
}

export interface PolicyInput {
  kind: ApprovalKind;
  subject?: string | null;
  requiredApprovals: number;
  countedRoles?: readonly OrgRole[] | null;
}

/** Checks a policy before any I/O: every problem names its argument. */
function checkPolicy(input: PolicyInput): { kind: ApprovalKind; subject: string; requiredApprovals: number; countedRoles: OrgRole[] } {
  const subject = input.subject?.trim() ?? '';
  if (subject.length > 40) throw badInput('`subject` has at most 40 characters.', { field: 'subject', maxLength: 40 });
  const problem = subjectProblem(input.kind, subject);
  if (problem) throw badInput(`\`subject\` ${problem}`, { field: 'subject' });
  if (!Number.isInteger(input.requiredApprovals) || input.requiredApprovals < 1 || input.requiredApprovals > MAX_REQUIRED_APPROVALS)
    throw badInput(`\`requiredApprovals\` is a whole number from 1 to ${MAX_REQUIRED_APPROVALS}.`, { field: 'requiredApprovals' });
  const countedRoles = ORG_ROLES.filter((r) => input.countedRoles?.includes(r));
  const countable = countableRoles(input.kind);
  const stray = countedRoles.filter((r) => !countable.includes(r));
  if (stray.length)
    throw badInput(`\`countedRoles\` may name only roles that decide ${input.kind} requests (${countable.join(', ')}); ${stray.join(', ')} may not.`, { field: 'countedRoles' });
  return { kind: input.kind, subject, requiredApprovals: input.requiredApprovals, countedRoles };
}

/** Sets (or replaces) the organization's policy for a kind and subject: OWNER only, audited. Requests already raised keep theirs. */
export async function setApprovalPolicy(ctx: Context, input: PolicyInput): Promise<ApprovalPolicy> {
  const decision = setPolicyDecision(ctx.member.role);
  if (!decision.allowed) throw refusalError(decision);
  const policy = checkPolicy(input);
  const { organizationId } = ctx.member;
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const before = await tx.approvalPolicy.findUnique({ where: { organizationId_kind_subject: { organizationId, kind: policy.kind, subject: policy.subject } } });
    const data = { requiredApprovals: policy.requiredApprovals, countedRoles: JSON.stringify(policy.countedRoles), updatedById: ctx.user.id };
    const row = before
      ? await tx.approvalPolicy.update({ where: { id: before.id }, data })
      : await tx.approvalPolicy.create({ data: { organizationId, kind: policy.kind, subject: policy.subject, ...data } });
    await record({
      action: 'approval.policy.set',
      targetType: 'ApprovalPolicy',
      targetId: row.id,
      metadata: {
        kind: policy.kind,
        subject: policy.subject || null,
        requiredApprovals: policy.requiredApprovals,
        countedRoles: policy.countedRoles,
        before: before ? { requiredApprovals: before.requiredApprovals, countedRoles: countedRolesOf(before.countedRoles) } : DEFAULT_QUORUM,
      },
    });
    return row;
  });
}

/** The organization's policies, by kind and subject. */
export const approvalPolicies = (ctx: Context) => ctx.db.approvalPolicy.findMany({ orderBy: [{ kind: 'asc' }, { subject: 'asc' }] });

/** Who may approve a kind of request now: the quorum a request raised now would snapshot, and its delegated approvers. */
export interface ApprovalRoute {
  kind: ApprovalKind;
  subject: string;
  quorum: Quorum;
  /** Delegated approvers whose approval would count. */
  delegates: { id: string; email: string; displayName: string | null }[];
  description: string;
}

/**
 * The route a request of `kind` about `subject`, raised by `requesterId` now, would take: the policy
 * in force capped as raising it would cap it, the roles that decide it, and `delegates` (user ids
 * the kind delegates the request to) that are active members whose approval would count.
 */
export async function routeFor(db: Db | Tx, organizationId: string, kind: ApprovalKind, subject: string, requesterId: string, delegates: readonly string[] = []): Promise<ApprovalRoute> {
  const policy = await quorumFor(db, organizationId, kind, subject);
  const members = await db.membership.findMany({
    where: { organizationId, status: 'ACTIVE', userId: { not: requesterId } },
    select: { userId: true, role: true, user: { select: { id: true, email: true, displayName: true } } },
  });
  const delegated = new Set(delegates);
  const counting = members.filter((m) => countsToward({ kind, role: m.role as OrgRole, delegated: delegated.has(m.userId), countedRoles: policy.countedRoles }));
  const quorum = snapshotQuorum(policy, counting.length);
  const named = counting.filter((m) => delegated.has(m.userId)).map((m) => m.user).sort((a, b) => a.email.localeCompare(b.email));
  return { kind, subject, quorum, delegates: named, description: approversSentence(kind, quorum, named.map((u) => u.email)) };
}

/** The approvals recorded on requests, in the order they were cast (a page's requests in one statement). */
export const votesOfRequests = (db: Db, requestIds: string[]) =>
  db.approvalVote.findMany({ where: { requestId: { in: requestIds } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
