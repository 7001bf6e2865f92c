// GraphQL types, inbox, decisions and subscriptions of the approvals core (all kinds).
import { userSelect } from '../context.ts';
import { builder } from '../builder.ts';
import { notFound } from '../errors.ts';
import type { ApprovalRequest } from '../db/client.ts';
import { UserRef } from '../identity/schema.ts';
import { connectionOf, pageArgs, pageOfRows } from '../pagination.ts';
import * as approvals from './core.ts';
import { requestGlobalId, type ApprovalEventShape } from './events.ts';
import { APPROVAL_KINDS } from './kinds.ts';
import { seesProposedChanges } from './policy.ts';
import { approvalStream } from './stream.ts';

export const ApprovalKindEnum = builder.enumType('ApprovalKind', { values: APPROVAL_KINDS });
export const ApprovalStatusEnum = builder.enumType('ApprovalStatus', { values: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const });
export const PiiChangeActionEnum = builder.enumType('PiiChangeAction', { values: ['UPDATE_PII', 'SOFT_DELETE', 'HARD_DELETE'] as const });
const ApprovalEventTypeEnum = builder.enumType('ApprovalEventType', { values: ['REQUESTED', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const });


export const ApprovalRequestRef = builder.node(builder.objectRef<ApprovalRequest>('ApprovalRequest'), {
  id: { resolve: (r) => r.id },
  authScopes: { member: true },
  // By id: only requests the caller may decide or made.
  loadMany: async (ids, ctx) => {
    return ctx.db.approvalRequest.findMany({ where: { AND: [{ id: { in: ids } }, await approvals.callerVisibleWhere(ctx)] } });
  },
  fields: (t) => ({
    kind: t.field({ type: ApprovalKindEnum, resolve: (r) => r.kind }),
    status: t.field({ type: ApprovalStatusEnum, resolve: (r) => r.status }),
    summary: t.exposeString('summary', { description: 'One line a person can read, with no PII in it.' }),
    requestedBy: t.field({ type: UserRef, resolve: (r, _a, ctx) => ctx.db.user.findUnique({ where: { id: r.requestedById }, select: userSelect }) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    decidedBy: t.field({
      type: UserRef,
      resolve: (r, _a, ctx) => (r.decidedById ? ctx.db.user.findUnique({ where: { id: r.decidedById }, select: userSelect }) : null),
    }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    justification: t.exposeString('justification', { description: "The requester's justification." }),
    reason: t.exposeString('reason', { description: "The approver's comment or rejection reason." }),
    scopeValue: t.exposeString('scopeValue'),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true }),
    piiAction: t.field({ type: PiiChangeActionEnum, resolve: (r) => r.piiAction as 'UPDATE_PII' | 'SOFT_DELETE' | 'HARD_DELETE' | null }),
    targetType: t.exposeString('targetType', { description: 'Customer or Lead; null once hard-deleted.' }),
    targetId: t.exposeID('targetId'),
    proposedChanges: t.field({
      type: 'JSON',
      description: 'The proposed PII values: visible to OWNER and the requester only (null for everyone else).',
      resolve: async (r, _a, ctx) => {
        if (!seesProposedChanges(ctx.member.role, ctx.user.id, r.requestedById)) return null;
        // Events carry no proposed values: read them from the database.
        const row = await ctx.db.approvalRequest.findUnique({ where: { id: r.id }, select: { proposedChanges: true } });
        return row?.proposedChanges ? JSON.parse(row.proposedChanges) : null;
      },
    }),
  }),
});

const ApprovalRequestConnection = connectionOf(ApprovalRequestRef, 'ApprovalRequest');

const ApprovalEventRef = builder.objectRef<ApprovalEventShape>('ApprovalEvent').implement({
  fields: (t) => ({
    type: t.field({ type: ApprovalEventTypeEnum, resolve: (e) => e.type }),
    request: t.field({ type: ApprovalRequestRef, resolve: (e) => e.request }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  approvalRequests: t.field({
    type: ApprovalRequestConnection,
    description: 'Requests the caller may decide, or made, filtered by status and kind; newest first.',
    authScopes: { member: true },
    args: { status: t.arg({ type: ApprovalStatusEnum }), kind: t.arg({ type: ApprovalKindEnum }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const visible = await approvals.callerVisibleWhere(ctx);
      const where = { AND: [visible, ...(args.status ? [{ status: args.status }] : []), ...(args.kind ? [{ kind: args.kind }] : [])] };
      return pageOfRows<ApprovalRequest>(ctx, args, ctx.db.approvalRequest, { where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },
  }),
  approvalRequest: t.field({
    type: ApprovalRequestRef,
    description: 'One request the caller may decide or made; NOT_FOUND otherwise.',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: ApprovalRequestRef }) },
    resolve: async (_root, args, ctx) => {
      const row = await approvals.findVisible(ctx, args.id.id);
      if (!row) throw notFound('approval request you made or may decide', requestGlobalId(args.id.id));
      return row;
    },
  }),
}));

builder.mutationFields((t) => ({
  approveRequest: t.field({
    type: ApprovalRequestRef,
    description: 'Approves a pending request and applies it, in one transaction. CONFLICT when it was already decided.',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: ApprovalRequestRef }), comment: t.arg.string() },
    resolve: (_root, args, ctx) => approvals.approveRequest(ctx, args.id.id, args.comment),
  }),
  rejectRequest: t.field({
    type: ApprovalRequestRef,
    description: 'Rejects a pending request; the reason is required and shown to the requester.',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: ApprovalRequestRef }), reason: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => approvals.rejectRequest(ctx, args.id.id, args.reason),
  }),
  cancelRequest: t.field({
    type: ApprovalRequestRef,
    description: 'Withdraws a pending request; only its requester may.',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: ApprovalRequestRef }) },
    resolve: (_root, args, ctx) => approvals.cancelRequest(ctx, args.id.id),
  }),
}));

builder.subscriptionFields((t) => ({
  approvalEvents: t.field({
    type: ApprovalEventRef,
    description:
      'Events about requests the subscriber may decide: all kinds for OWNER, WORKFLOW and ACCESS_SCOPE for ADMIN, ACCESS_SCOPE of their values for delegated approvers.',
    authScopes: { member: true },
    args: { kinds: t.arg({ type: [ApprovalKindEnum], required: false }) },
    subscribe: (_root, args, ctx) => approvalStream(ctx, { kinds: args.kinds ?? [] }),
    resolve: (event) => event,
  }),
  myApprovalUpdates: t.field({
    type: ApprovalEventRef,
    description: "Decisions on the subscriber's own requests.",
    authScopes: { member: true },
    subscribe: (_root, _args, ctx) => approvalStream(ctx, { kinds: null }),
    resolve: (event) => event,
  }),
}));
