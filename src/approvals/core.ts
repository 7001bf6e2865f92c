// The approvals core: raising requests, who sees and decides them, deciding exactly once,
// cancelling, expiring. Every state change commits with its effect and its audit event, and its
// event is published after the commit.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { MATRIX, rolesAllowed, type CapabilityName, type OrgRole } from '../authz/matrix.ts';
import { roleList } from '../builder.ts';
import { appendAuditEvent } from '../audit/chain.ts';
import { auditedTransaction, type RecordEvent } from '../audit/record.ts';
import type { Context, Services } from '../context.ts';
import type { ApprovalRequest, Db, Prisma, Tx } from '../db/client.ts';
import { badInput, conflict, forbidden, notFound } from '../errors.ts';
import { APPROVAL_KINDS, type ApprovalKind, type ApprovalKindHandler, type DecisionContext, type NewApprovalRequest } from './kinds.ts';

export type ApprovalEventType = 'REQUESTED' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';

/** A request as published: no proposed values, no payload; dates as ISO text (it may cross Redis). */
export type PublishedRequest = Omit<ApprovalRequest, 'proposedChanges' | 'payload' | 'createdAt' | 'decidedAt' | 'startsAt' | 'endsAt'> & {
  createdAt: string;
  decidedAt: string | null;
  startsAt: string | null;
  endsAt: string | null;
};

export type ApprovalMessage =
  | { type: ApprovalEventType; id: string; at: string; request: PublishedRequest }
  /** A member's role or status changed: their live subscriptions re-check what they may receive. */
  | { type: 'MEMBERSHIP'; id: string; at: string; userId: string };

export const requestGlobalId = (id: string) => encodeGlobalID('ApprovalRequest', id);

const capabilityOf = (kind: ApprovalKind) => `approvals.decide.${kind}` as CapabilityName;
export const cellFor = (kind: ApprovalKind, role: OrgRole) => MATRIX[capabilityOf(kind)].cells[role];

function handlerOf(services: Services, kind: ApprovalKind): ApprovalKindHandler {
  const handler = services.approvals.get(kind);
  if (!handler) throw new Error(`no handler is registered for approval kind ${kind}`);
  return handler;
}

const text = (value: string | null | undefined, field: string, max: number, required = false) => {
  const v = value?.trim() ?? '';
  if (required && !v) throw badInput(`\`${field}\` is required: say why, in a few words.`);
  if (v.length > max) throw badInput(`\`${field}\` has at most ${max} characters; it had ${v.length}.`);
  return v || null;
};

/**
 * Opens a request in the caller's transaction and records `approval.request`. The caller publishes
 * the REQUESTED event after its transaction commits (`publishApproval`).
 */
export async function raiseRequest(
  tx: Tx,
  services: Services,
  requester: { organizationId: string; userId: string },
  input: NewApprovalRequest,
  record: RecordEvent,
): Promise<ApprovalRequest> {
  const handler = handlerOf(services, input.kind);
  const summary = handler.summarize(input);
  const row = await tx.approvalRequest.create({
    data: {
      organizationId: requester.organizationId,
      kind: input.kind,
      summary,
      justification: text(input.justification, 'justification', 2000),
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
    },
  });
  await record({
    organizationId: requester.organizationId,
    action: 'approval.request',
    targetType: 'ApprovalRequest',
    targetId: row.id,
    metadata: { kind: row.kind, summary },
  });
  return row;
}

/** Opens a request on its own (its own transaction), then publishes REQUESTED. */
export async function requestApproval(ctx: Context, input: NewApprovalRequest): Promise<ApprovalRequest> {
  const { organizationId } = ctx.member;
  const row = await auditedTransaction(ctx, ctx.db, (tx, record) =>
    raiseRequest(tx, ctx.services, { organizationId, userId: ctx.user.id }, input, record),
  );
  publishApproval(ctx.services, 'REQUESTED', row);
  return row;
}

/**
 * Withdraws the pending requests a change made moot (CANCELLED, with the reason) in the caller's
 * transaction, each with its audit event; returns them for publishing after the commit.
 */
export async function withdrawPending(tx: Tx, where: Prisma.ApprovalRequestWhereInput, reason: string, record: RecordEvent): Promise<ApprovalRequest[]> {
  const withdrawn: ApprovalRequest[] = [];
  for (const request of await tx.approvalRequest.findMany({ where: { AND: [where, { status: 'PENDING' }] } })) {
    const decidedAt = new Date();
    const won = await tx.approvalRequest.updateMany({ where: { id: request.id, status: 'PENDING' }, data: { status: 'CANCELLED', decidedAt, reason } });
    if (won.count !== 1) continue;
    await record({ action: 'approval.supersede', targetType: 'ApprovalRequest', targetId: request.id, metadata: { kind: request.kind, reason } });
    withdrawn.push({ ...request, status: 'CANCELLED', decidedAt, reason });
  }
  return withdrawn;
}

// ---------------------------------------------------------------- who sees and decides

/** Kinds a role decides outright, and kinds it decides only as a delegated approver. */
const kindsByCell = (role: OrgRole) => ({
  full: APPROVAL_KINDS.filter((k) => cellFor(k, role) === 'yes'),
  limited: APPROVAL_KINDS.filter((k) => cellFor(k, role) === 'limited'),
});

/** The requests a member may decide (not counting their own). */
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

export async function mayDecideAnything(services: Services, db: Db | Tx, role: OrgRole, userId: string, organizationId: string) {
  return (await decidableWhere(services, db, role, userId, organizationId)).length > 0;
}

/** Whether a member with `role` may decide `request` (self-decision is refused separately). */
export async function mayDecide(services: Services, db: Db | Tx, role: OrgRole, userId: string, request: ApprovalRequest) {
  const cell = cellFor(request.kind, role);
  if (cell === 'yes') return true;
  if (cell === 'no') return false;
  const extra = (await services.approvals.get(request.kind)?.extraDeciders?.(db, request)) ?? [];
  return extra.includes(userId);
}

function refusal(request: ApprovalRequest, role: OrgRole) {
  const capability = capabilityOf(request.kind);
  const { limit } = MATRIX[capability] as { limit?: string };
  return forbidden(
    `Deciding ${request.kind} requests belongs to ${roleList(rolesAllowed(capability).filter((r) => cellFor(request.kind, r) === 'yes'))}${
      limit ? ` (and: ${limit})` : ''
    }; your role here is ${role}. The request stays pending for someone who may decide it.`,
    capability,
  );
}

// ---------------------------------------------------------------- reading

export async function findVisible(ctx: Context, id: string): Promise<ApprovalRequest | null> {
  const where = await visibleWhere(ctx.services, ctx.db, ctx.member.role, ctx.user.id, ctx.member.organizationId);
  return ctx.db.approvalRequest.findFirst({ where: { AND: [{ id }, where] } });
}

// ---------------------------------------------------------------- deciding

const expiredBefore = (services: Services, now = Date.now()) => new Date(now - services.config.APPROVAL_TTL_SECONDS * 1000);

type Closing = 'APPROVED' | 'REJECTED' | 'CANCELLED';

/**
 * Moves a PENDING request to `status` exactly once: the conditional update lets one concurrent
 * caller win (SQLite serialises writers; PostgreSQL re-checks the row after the winner commits);
 * everyone else gets CONFLICT. The kind's effect and the audit event share the transaction.
 */
async function close(ctx: Context, id: string, status: Closing, reason: string | null): Promise<ApprovalRequest> {
  const { services } = ctx;
  const member = ctx.member;
  const userId = ctx.user.id;
  const effects: (() => void)[] = [];
  const updated = await auditedTransaction(ctx, ctx.db, async (tx, record) => {
    effects.length = 0;
    const request = await tx.approvalRequest.findUnique({ where: { id } });
    if (!request) throw notFound('approval request', requestGlobalId(id));
    const own = request.requestedById === userId;
    if (status === 'CANCELLED') {
      if (!own) throw forbidden('Only the member who made a request may cancel it. Reject it instead if you may decide it.', 'approvals.cancel-own-only');
    } else {
      if (own) throw forbidden('No one decides their own request: another member who may decide it has to.', 'approvals.no-self-decision');
      if (!(await mayDecide(services, tx, member.role, userId, request))) throw refusal(request, member.role);
    }
    if (request.status !== 'PENDING') throw conflict(`This request is already ${request.status}; nothing was changed.`, 'approvals.decided-once');
    if (request.createdAt <= expiredBefore(services))
      throw conflict('This request has expired (it was pending longer than the approval time limit); nothing was changed. Ask for it again.', 'approvals.expired');
    const decidedAt = new Date();
    const won = await tx.approvalRequest.updateMany({
      where: { id, status: 'PENDING' },
      data: { status, decidedById: userId, decidedAt, reason },
    });
    if (won.count !== 1) throw conflict('Someone else decided this request a moment ago; nothing was changed.', 'approvals.decided-once');
    const row: ApprovalRequest = { ...request, status, decidedById: userId, decidedAt, reason };
    const handler = handlerOf(services, request.kind);
    const decision: DecisionContext = { services, actorId: userId, record, afterCommit: (effect) => effects.push(effect) };
    if (status === 'APPROVED') await handler.apply(tx, row, decision);
    else await handler.close?.(tx, row, status, decision);
    await record({
      action: { APPROVED: 'approval.approve', REJECTED: 'approval.reject', CANCELLED: 'approval.cancel' }[status],
      targetType: 'ApprovalRequest',
      targetId: id,
      metadata: { kind: request.kind, summary: request.summary },
    });
    return row;
  });
  publishApproval(services, status, updated);
  for (const effect of effects) effect();
  return updated;
}

export const approveRequest = (ctx: Context, id: string, comment?: string | null) => close(ctx, id, 'APPROVED', text(comment, 'comment', 2000));
export const rejectRequest = (ctx: Context, id: string, reason: string) => close(ctx, id, 'REJECTED', text(reason, 'reason', 2000, true));
export const cancelRequest = (ctx: Context, id: string) => close(ctx, id, 'CANCELLED', null);

// ---------------------------------------------------------------- expiry

/**
 * Expires requests pending longer than APPROVAL_TTL_SECONDS, each in its own transaction with its
 * audit event; the conditional update makes a request expire once even if two sweeps overlap.
 */
export async function expireStale(services: Services, now = Date.now()): Promise<number> {
  const db = services.system;
  const stale = await db.approvalRequest.findMany({
    where: { status: 'PENDING', createdAt: { lte: expiredBefore(services, now) } },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  let expired = 0;
  for (const request of stale) {
    const effects: (() => void)[] = [];
    const row = await db.$transaction(async (tx) => {
      const won = await tx.approvalRequest.updateMany({ where: { id: request.id, status: 'PENDING' }, data: { status: 'EXPIRED', decidedAt: new Date(now) } });
      if (won.count !== 1) return null;
      const closed: ApprovalRequest = { ...request, status: 'EXPIRED', decidedAt: new Date(now) };
      const record: RecordEvent = async (event) => {
        await appendAuditEvent(tx, { ...event, organizationId: event.organizationId ?? request.organizationId, actorId: null, actorEmail: null, requestId: null });
      };
      await services.approvals.get(request.kind)?.close?.(tx, closed, 'EXPIRED', { services, actorId: null, record, afterCommit: (effect) => effects.push(effect) });
      await record({
        action: 'approval.expire',
        targetType: 'ApprovalRequest',
        targetId: request.id,
        metadata: { kind: request.kind, summary: request.summary, ttlSeconds: services.config.APPROVAL_TTL_SECONDS },
      });
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function publishApproval(services: Services, type: ApprovalEventType, request: ApprovalRequest) {
  const { proposedChanges: _p, payload: _q, ...rest } = request;
  const published: PublishedRequest = {
    ...rest,
    createdAt: request.createdAt.toISOString(),
    decidedAt: iso(request.decidedAt),
    startsAt: iso(request.startsAt),
    endsAt: iso(request.endsAt),
  };
  services.pubsub.publish('approval:event', request.organizationId, { type, id: randomUUID(), at: new Date().toISOString(), request: published });
}

/** Tells live subscriptions of `userId` to re-check their rights (role or status changed). */
export function publishMembershipChange(services: Services, organizationId: string, userId: string) {
  services.pubsub.publish('approval:event', organizationId, { type: 'MEMBERSHIP', id: randomUUID(), at: new Date().toISOString(), userId });
}

/** A published request back as the row shape the GraphQL type reads. */
export const revive = (r: PublishedRequest): ApprovalRequest => ({
  ...r,
  createdAt: new Date(r.createdAt),
  decidedAt: r.decidedAt ? new Date(r.decidedAt) : null,
  startsAt: r.startsAt ? new Date(r.startsAt) : null,
  endsAt: r.endsAt ? new Date(r.endsAt) : null,
  proposedChanges: null,
  payload: '{}',
});
