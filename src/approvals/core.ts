// The approvals core: raising requests, who sees and decides them, deciding exactly once,
// cancelling, expiring. Every state change commits with its effect, its audit event and its
// logged approval event (event-log.ts), and that event is published after the commit. The rules themselves are in policy.ts.
import type { OrgRole } from '../authz/matrix.ts';
import { refusalError } from '../authz/decision.ts';
import { auditedTransaction, callerActor, systemActor, type RecordEvent } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { isUniqueViolation, type ApprovalRequest, type Db, type Prisma, type Tx } from '../db/client.ts';
import { lockOrganization } from '../db/locks.ts';
import { distinct, inOrderOf, requestLoader } from '../loaders.ts';
import { badInput, conflict, notFound, tooLong } from '../errors.ts';
import type { Services } from '../services.ts';
import { logApprovalEvent, takeLogged } from './event-log.ts';
import { requestGlobalId, type ApprovalEventType } from './events.ts';
import type { ApprovalKind, ApprovalKindHandler, DecisionContext, NewApprovalRequest } from './kinds.ts';
import { approveDecision, cancelDecision, cellFor, decideDecision, kindsByCell, quorumReached } from './policy.ts';
import { countedRolesOf, snapshotPolicy } from './quorum.ts';

function handlerOf(services: Services, kind: ApprovalKind): ApprovalKindHandler {
  const handler = services.approvals.get(kind);
  if (!handler) throw new Error(`no handler is registered for approval kind ${kind}`);
  return handler;
}

export const JUSTIFICATION_MAX = 2000;

const text = (value: string | null | undefined, field: string, max: number, required = false) => {
  const v = value?.trim() ?? '';
  if (required && !v) throw badInput(`\`${field}\` is required: say why, in a few words.`);
  if (v.length > max) throw tooLong(field, max, v.length);
  return v || null;
};

/** One pending request per subject: the pending requests that make a new one a duplicate, and the error to give. */
export interface UnlessPending {
  where: Prisma.ApprovalRequestWhereInput;
  conflict: () => Error;
  /** Another reason to refuse, checked under the same lock (e.g. the access is already held). */
  alsoRefuse?: (tx: Tx) => Promise<Error | null>;
}

/**
 * Opens a request in the caller's transaction, records `approval.request` and logs the REQUESTED
 * event; the caller publishes it after its transaction commits (`publishApproval`). With `unlessPending`, a
 * matching PENDING request refuses it; the check runs under the organization's lock, so among
 * concurrent duplicates exactly one opens (on PostgreSQL as on SQLite).
 */
export async function raiseRequest(
  tx: Tx,
  services: Services,
  requester: { organizationId: string; userId: string },
  input: NewApprovalRequest,
  record: RecordEvent,
  unlessPending?: UnlessPending,
): Promise<ApprovalRequest> {
  if (unlessPending) {
    await lockOrganization(tx, requester.organizationId);
    if (await tx.approvalRequest.findFirst({ where: { AND: [unlessPending.where, { status: 'PENDING' }] }, select: { id: true } })) throw unlessPending.conflict();
    const refusal = await unlessPending.alsoRefuse?.(tx);
    if (refusal) throw refusal;
  }
  const handler = handlerOf(services, input.kind);
  const summary = handler.summarize(input);
  const created = await tx.approvalRequest.create({
    data: {
      organizationId: requester.organizationId,
      kind: input.kind,
      summary,
      justification: text(input.justification, 'justification', JUSTIFICATION_MAX),
      requestedById: requester.userId,
      workflowId: input.workflowId ?? null,
      dimensionKey: input.dimensionKey ?? null,
      scopeValue: input.scopeValue ?? null,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      piiAction: input.piiAction ?? null,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      proposedChanges: input.proposedChanges === undefined ? null : JSON.stringify(input.proposedChanges),
      payload: JSON.stringify(input.payload ?? {}),
      // The clock's time, not the database's: expiry compares it with the clock.
      createdAt: services.clock.now(),
    },
  });
  // The approval policy in force now is the one that applies to this request, whatever changes later.
  const row = await snapshotPolicy(tx, services, created);
  await record({
    organizationId: requester.organizationId,
    action: 'approval.request',
    targetType: 'ApprovalRequest',
    targetId: row.id,
    metadata: { kind: row.kind, summary, ...(row.requiredApprovals > 1 ? { requiredApprovals: row.requiredApprovals, countedRoles: countedRolesOf(row.countedRoles) } : {}) },
  });
  await logApprovalEvent(tx, services.clock.now(), 'REQUESTED', row);
  return row;
}

/** Opens a request on its own (its own transaction), then publishes REQUESTED. */
export async function requestApproval(ctx: Context, input: NewApprovalRequest, unlessPending?: UnlessPending): Promise<ApprovalRequest> {
  const { organizationId } = ctx.member;
  const row = await auditedTransaction(callerActor(ctx), (tx, record) =>
    raiseRequest(tx, ctx.services, { organizationId, userId: ctx.user.id }, input, record, unlessPending),
  );
  publishApproval(ctx.services, 'REQUESTED', row);
  return row;
}

/**
 * Withdraws the pending requests a change made moot (CANCELLED, with the reason) in the caller's
 * transaction, each with its audit event and logged event; returns them for publishing after the commit.
 */
export async function withdrawPending(tx: Tx, at: Date, where: Prisma.ApprovalRequestWhereInput, reason: string, record: RecordEvent): Promise<ApprovalRequest[]> {
  const withdrawn: ApprovalRequest[] = [];
  for (const request of await tx.approvalRequest.findMany({ where: { AND: [where, { status: 'PENDING' }] } })) {
    const decidedAt = at;
    const won = await tx.approvalRequest.updateMany({ where: { id: request.id, status: 'PENDING' }, data: { status: 'CANCELLED', decidedAt, reason } });
    if (won.count !== 1) continue;
    await record({ action: 'approval.supersede', targetType: 'ApprovalRequest', targetId: request.id, metadata: { kind: request.kind, reason } });
    const row: ApprovalRequest = { ...request, status: 'CANCELLED', decidedAt, reason };
    await logApprovalEvent(tx, at, 'CANCELLED', row);
    withdrawn.push(row);
  }
  return withdrawn;
}

// ---------------------------------------------------------------- who sees and decides

/** The requests a member may decide (not counting their own), as filters. */
export async function decidableWhere(services: Services, db: Db | Tx, role: OrgRole, userId: string, organizationId: string): Promise<Prisma.ApprovalRequestWhereInput[]> {
  const { full, limited } = kindsByCell(role);
  const or: Prisma.ApprovalRequestWhereInput[] = full.length ? [{ kind: { in: full } }] : [];
  for (const kind of limited) {
    const extra = await services.approvals.get(kind)?.extraInboxWhere?.(db, userId, organizationId);
    if (extra) or.push({ AND: [{ kind }, extra] });
  }
  return or;
}

/** The inbox: requests the member may decide, and those they made. */
export async function visibleWhere(services: Services, db: Db | Tx, role: OrgRole, userId: string, organizationId: string): Promise<Prisma.ApprovalRequestWhereInput> {
  return { OR: [{ requestedById: userId }, ...(await decidableWhere(services, db, role, userId, organizationId))] };
}

/** The caller's inbox filter. */
export const callerVisibleWhere = (ctx: Context) => visibleWhere(ctx.services, ctx.db, ctx.member.role, ctx.user.id, ctx.member.organizationId);

export async function mayDecideAnything(services: Services, db: Db | Tx, role: OrgRole, userId: string, organizationId: string) {
  return (await decidableWhere(services, db, role, userId, organizationId)).length > 0;
}

/** Whether `userId` is a delegated approver of the request (asked only where the role's cell is `limited`). */
export async function isDelegated(services: Services, db: Db | Tx, role: OrgRole, userId: string, request: ApprovalRequest): Promise<boolean> {
  if (cellFor(request.kind, role) !== 'limited') return false;
  const extra = (await services.approvals.get(request.kind)?.extraDeciders?.(db, request)) ?? [];
  return extra.includes(userId);
}

/** Requests by id that the caller made or may decide: those a page refers to, in one statement. */
const visibleRequests = requestLoader(
  async (ctx: Context, ids: readonly string[]) =>
    inOrderOf(ids, await ctx.db.approvalRequest.findMany({ where: { AND: [{ id: { in: distinct(ids) } }, await callerVisibleWhere(ctx)] } }), (row) => row.id),
  { cache: false },
);

export function findVisible(ctx: Context, id: string): Promise<ApprovalRequest | null> {
  return visibleRequests(ctx).load(id);
}

// ---------------------------------------------------------------- deciding

const expiredBefore = (services: Services, now = services.clock.now()) => new Date(now.getTime() - services.config.APPROVAL_TTL_SECONDS * 1000);

type Closing = 'REJECTED' | 'CANCELLED';

const decisionContext = (services: Services, actorId: string | null, record: RecordEvent, effects: (() => void)[]): DecisionContext => ({
  actorId,
  at: services.clock.now(),
  record,
  afterCommit: (effect) => effects.push(effect),
  publish: (type, request) => publishApproval(services, type, request),
});

/** A request may still be decided: PENDING, and not past the approval time limit. */
function assertOpen(services: Services, request: ApprovalRequest) {
  if (request.status !== 'PENDING') throw conflict(`This request is already ${request.status}; nothing was changed.`, 'approvals.decided-once');
  if (request.createdAt <= expiredBefore(services))
    throw conflict('This request has expired (it was pending longer than the approval time limit); nothing was changed. Ask for it again.', 'approvals.expired');
}

const decidedElsewhere = () => conflict('Someone else decided this request a moment ago; nothing was changed.', 'approvals.decided-once');

/**
 * Moves a PENDING request to REJECTED or CANCELLED exactly once: the conditional update lets one
 * concurrent caller win (SQLite serialises writers; PostgreSQL re-checks the row after the winner
 * commits); everyone else gets CONFLICT. One rejection ends a request whatever approvals it has.
 */
async function close(ctx: Context, id: string, status: Closing, reason: string | null): Promise<ApprovalRequest> {
  const { services } = ctx;
  const member = ctx.member;
  const userId = ctx.user.id;
  const effects: (() => void)[] = [];
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    effects.length = 0;
    const request = await tx.approvalRequest.findUnique({ where: { id } });
    if (!request) throw notFound('approval request', requestGlobalId(id));
    const decision =
      status === 'CANCELLED'
        ? cancelDecision(userId, request.requestedById)
        : decideDecision({ kind: request.kind, role: member.role, userId, requestedById: request.requestedById, delegated: await isDelegated(services, tx, member.role, userId, request) });
    if (!decision.allowed) throw refusalError(decision);
    assertOpen(services, request);
    const decidedAt = services.clock.now();
    const won = await tx.approvalRequest.updateMany({ where: { id, status: 'PENDING' }, data: { status, decidedById: userId, decidedAt, reason } });
    if (won.count !== 1) throw decidedElsewhere();
    const row: ApprovalRequest = { ...request, status, decidedById: userId, decidedAt, reason };
    await handlerOf(services, request.kind).close?.(tx, row, status, decisionContext(services, userId, record, effects));
    await record({
      action: { REJECTED: 'approval.reject', CANCELLED: 'approval.cancel' }[status],
      targetType: 'ApprovalRequest',
      targetId: id,
      metadata: { kind: request.kind, summary: request.summary, ...(request.approvalCount ? { approvals: request.approvalCount, required: request.requiredApprovals } : {}) },
    });
    await logApprovalEvent(tx, decidedAt, status, row);
    return row;
  });
  publishApproval(services, status, updated);
  for (const effect of effects) effect();
  return updated;
}

/**
 * Records one member's approval (an ApprovalVote, unique per member and request) and, when it
 * completes the quorum the request snapshotted when it was raised, approves the request and applies
 * its effect in the same transaction. Counting is a conditional increment on the PENDING row:
 * concurrent approvals queue on that row (SQLite serialises writers; PostgreSQL re-checks the row
 * after the previous writer commits), each reads the count its own increment made, so exactly one
 * of them reaches the quorum and applies the effect; one arriving after it gets CONFLICT.
 */
async function approve(ctx: Context, id: string, comment: string | null): Promise<ApprovalRequest> {
  const { services } = ctx;
  const member = ctx.member;
  const userId = ctx.user.id;
  const effects: (() => void)[] = [];
  const outcome = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    effects.length = 0;
    const request = await tx.approvalRequest.findUnique({ where: { id } });
    if (!request) throw notFound('approval request', requestGlobalId(id));
    const delegated = await isDelegated(services, tx, member.role, userId, request);
    const decision = approveDecision({ kind: request.kind, role: member.role, userId, requestedById: request.requestedById, delegated, countedRoles: countedRolesOf(request.countedRoles) });
    if (!decision.allowed) throw refusalError(decision);
    assertOpen(services, request);
    const approvedOnce = () =>
      conflict(
        `You approved this request already, and a member's approval counts once; it needs ${request.requiredApprovals} from distinct members, so another member has to approve it.`,
        'approvals.approve-once',
      );
    if (await tx.approvalVote.findUnique({ where: { requestId_userId: { requestId: id, userId } }, select: { id: true } })) throw approvedOnce();
    try {
      await tx.approvalVote.create({ data: { organizationId: request.organizationId, requestId: id, userId, role: member.role, comment } });
    } catch (error) {
      // The same member approving twice at once: the unique (request, member) keeps one.
      if (isUniqueViolation(error)) throw approvedOnce();
      throw error;
    }
    const counted = await tx.approvalRequest.updateMany({ where: { id, status: 'PENDING' }, data: { approvalCount: { increment: 1 } } });
    if (counted.count !== 1) throw decidedElsewhere();
    const { approvalCount } = await tx.approvalRequest.findUniqueOrThrow({ where: { id }, select: { approvalCount: true } });
    const progress = { kind: request.kind, summary: request.summary, approvals: approvalCount, required: request.requiredApprovals };
    if (!quorumReached(approvalCount, request.requiredApprovals)) {
      await record({ action: 'approval.vote', targetType: 'ApprovalRequest', targetId: id, metadata: progress });
      const row = { ...request, approvalCount };
      await logApprovalEvent(tx, services.clock.now(), 'APPROVAL_PROGRESS', row);
      return { type: 'APPROVAL_PROGRESS' as const, row };
    }
    const decidedAt = services.clock.now();
    const won = await tx.approvalRequest.updateMany({ where: { id, status: 'PENDING' }, data: { status: 'APPROVED', decidedById: userId, decidedAt, reason: comment } });
    if (won.count !== 1) throw decidedElsewhere();
    const row: ApprovalRequest = { ...request, approvalCount, status: 'APPROVED', decidedById: userId, decidedAt, reason: comment };
    await handlerOf(services, request.kind).apply(tx, row, decisionContext(services, userId, record, effects));
    await record({
      action: 'approval.approve',
      targetType: 'ApprovalRequest',
      targetId: id,
      metadata: request.requiredApprovals > 1 ? progress : { kind: request.kind, summary: request.summary },
    });
    await logApprovalEvent(tx, decidedAt, 'APPROVED', row);
    return { type: 'APPROVED' as const, row };
  });
  publishApproval(services, outcome.type, outcome.row);
  for (const effect of effects) effect();
  return outcome.row;
}

export const REASON_MAX = 2000;
export const approveRequest = (ctx: Context, id: string, comment?: string | null) => approve(ctx, id, text(comment, 'comment', REASON_MAX));
export const rejectRequest = (ctx: Context, id: string, reason: string) => close(ctx, id, 'REJECTED', text(reason, 'reason', REASON_MAX, true));
export const cancelRequest = (ctx: Context, id: string) => close(ctx, id, 'CANCELLED', null);

// ---------------------------------------------------------------- expiry

/**
 * Expires requests pending longer than APPROVAL_TTL_SECONDS, each in its own transaction with its
 * audit event; the conditional update makes a request expire once even if two sweeps overlap.
 */
export async function expireStale(services: Services): Promise<number> {
  const db = services.system;
  const now = services.clock.now();
  const stale = await db.approvalRequest.findMany({
    where: { status: 'PENDING', createdAt: { lte: expiredBefore(services, now) } },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  let expired = 0;
  for (const request of stale) {
    const effects: (() => void)[] = [];
    const row = await auditedTransaction(systemActor(db, services.clock, request.organizationId), async (tx, record) => {
      const won = await tx.approvalRequest.updateMany({ where: { id: request.id, status: 'PENDING' }, data: { status: 'EXPIRED', decidedAt: now } });
      if (won.count !== 1) return null;
      const closed: ApprovalRequest = { ...request, status: 'EXPIRED', decidedAt: now };
      await services.approvals.get(request.kind)?.close?.(tx, closed, 'EXPIRED', decisionContext(services, null, record, effects));
      await record({
        action: 'approval.expire',
        targetType: 'ApprovalRequest',
        targetId: request.id,
        metadata: { kind: request.kind, summary: request.summary, ttlSeconds: services.config.APPROVAL_TTL_SECONDS },
      });
      await logApprovalEvent(tx, now, 'EXPIRED', closed);
      return closed;
    });
    if (row) {
      expired++;
      publishApproval(services, 'EXPIRED', row);
      for (const effect of effects) effect();
    }
  }
  return expired;
}

// ---------------------------------------------------------------- events

/**
 * Publishes, after its transaction committed, the event logged for this row in it
 * (`logApprovalEvent`, event-log.ts), with its position: subscribers resume from it.
 */
export function publishApproval(services: Services, type: ApprovalEventType, request: ApprovalRequest) {
  services.pubsub.publish('approval:event', request.organizationId, takeLogged(type, request));
}
