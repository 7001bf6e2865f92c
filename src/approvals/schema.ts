// GraphQL types, inbox, decisions and subscriptions of the approvals core (all kinds).
import { brandWithType, type ObjectRef } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import type { ApprovalRequest } from '../db/client.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { ApprovalPolicy } from '../db/client.ts';
import { OrgRoleEnum, UserRef } from '../identity/schema.ts';
import { distinct, groupedBy, inOrderOf, requestLoader } from '../loaders.ts';
import { connectionOf, pageArgs, pageOfRows } from '../pagination.ts';
import * as approvals from './core.ts';
import type { ApprovalEventShape } from './events.ts';
import { APPROVAL_KINDS } from './kinds.ts';
import { approverRoles, seesProposedChanges } from './policy.ts';
import { approvalPolicies, countedRolesOf, setApprovalPolicy, votesOfRequests, type ApprovalRoute } from './quorum.ts';
import { approvalStream } from './stream.ts';
import { referencedMember, referencedUser } from '../identity/members.ts';

export const ApprovalKindEnum = builder.enumType('ApprovalKind', { values: APPROVAL_KINDS });
export const ApprovalStatusEnum = builder.enumType('ApprovalStatus', { values: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const });
const PII_ACTIONS = ['UPDATE_PII', 'SOFT_DELETE', 'HARD_DELETE'] as const;
const isPiiAction = (value: string | null): value is (typeof PII_ACTIONS)[number] => (PII_ACTIONS as readonly (string | null)[]).includes(value);
export const PiiChangeActionEnum = builder.enumType('PiiChangeAction', { values: PII_ACTIONS });
// One enum for both subscriptions: the contract gives approvalEvents and myApprovalUpdates the same
// ApprovalEvent and its type, so a second enum would break it; each value says which sends it.
const ApprovalEventTypeEnum = builder.enumType('ApprovalEventType', {
  description: 'What happened to a request. approvalEvents sends every value but SCOPE_EXPIRING; myApprovalUpdates sends every value.',
  values: {
    REQUESTED: { description: 'Raised (both subscriptions).' },
    APPROVAL_PROGRESS: { description: 'An approval was recorded and more are needed (both subscriptions).' },
    APPROVED: { description: 'Approved, its effect applied (both subscriptions).' },
    REJECTED: { description: 'Rejected (both subscriptions).' },
    CANCELLED: { description: 'Cancelled by its requester (both subscriptions).' },
    EXPIRED: { description: 'Expired undecided (both subscriptions).' },
    SCOPE_EXPIRING: { description: 'myApprovalUpdates only: the scope an approved ACCESS_SCOPE request gave the subscriber ends soon; approvalEvents never sends it.' },
  } as const,
});


/**
 * The record a request is about, for a UI to link to: the workflow of a WORKFLOW request, the
 * customer or lead of a PII_CHANGE request. Its domain implements the interface on its type and
 * says how the caller reads one (`approvalTargetType`).
 */
export const ApprovalTargetRef = builder.interfaceRef<{ id: string; name: string }>('ApprovalTarget').implement({
  description: 'The record an approval request is about (a Workflow, Customer or Lead): a Node, so `id` works with node(id:).',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({ name: t.exposeString('name') }),
});

const targetLoaders = new Map<string, { ref: ObjectRef<any, any>; load: (ctx: Context, id: string) => Promise<object | null> }>();

/** Makes a domain's type a possible `target` of requests: `load` reads one as the caller may see it, null otherwise. */
export function approvalTargetType<T extends object>(ref: ObjectRef<any, T>, load: (ctx: Context, id: string) => Promise<T | null>) {
  targetLoaders.set(ref.name, { ref, load });
}

/** What a request is about: its workflow, or the record of a PII change; an ACCESS_SCOPE request has none (its dimension and value say what it asks). */
function targetOf(r: ApprovalRequest): { type: string; id: string } | null {
  if (r.workflowId) return { type: 'Workflow', id: r.workflowId };
  return r.targetType && r.targetId ? { type: r.targetType, id: r.targetId } : null;
}

async function loadTarget(ctx: Context, r: ApprovalRequest) {
  const target = targetOf(r);
  const loader = target && targetLoaders.get(target.type);
  if (!target || !loader) return null;
  const row = await loader.load(ctx, target.id);
  if (!row) return null;
  brandWithType(row, loader.ref); // tells the interface which type it is
  return row as { id: string; name: string };
}

/** The stored proposed values of requests (JSON text), for a page's requests at once. */
const proposedChangesOf = requestLoader(
  async (ctx: Context, ids: readonly string[]) => {
    const rows = await ctx.db.approvalRequest.findMany({ where: { id: { in: distinct(ids) } }, select: { id: true, proposedChanges: true } });
    return inOrderOf(ids, rows, (row) => row.id).map((row) => row?.proposedChanges ?? null);
  },
  { cache: false },
);

/** The approvals of requests so far, in order, for a page's requests at once. */
const votesByRequest = requestLoader(
  async (ctx: Context, requestIds: readonly string[]) =>
    groupedBy(requestIds, await votesOfRequests(ctx.db, distinct(requestIds)), (vote) => vote.requestId),
  { cache: false },
);

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
    summary: t.exposeString('summary', { description: 'One line a person can read, with no PII and no internal id in it.' }),
    requestedBy: t.field({ type: UserRef, resolve: (r, _a, ctx) => referencedMember(ctx, r.requestedById) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    decidedBy: t.field({
      type: UserRef,
      nullable: true,
      resolve: (r, _a, ctx) => referencedUser(ctx, r.decidedById),
    }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    justification: t.exposeString('justification', { nullable: true, description: "The requester's justification." }),
    reason: t.exposeString('reason', { nullable: true, description: "The approver's comment or rejection reason." }),
    scopeValue: t.exposeString('scopeValue', { nullable: true }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true }),
    piiAction: t.field({ type: PiiChangeActionEnum, nullable: true, resolve: (r) => (isPiiAction(r.piiAction) ? r.piiAction : null) }),
    targetType: t.string({
      nullable: true,
      description: 'The type of `target`: Workflow, Customer or Lead; null for ACCESS_SCOPE requests (see `dimension` and `scopeValue`).',
      resolve: (r) => targetOf(r)?.type ?? null,
    }),
    targetId: t.id({
      nullable: true,
      description: "The global id of `target` (for node(id:)), kept after the record is gone; null for ACCESS_SCOPE requests.",
      resolve: (r) => {
        const target = targetOf(r);
        return target ? encodeGlobalID(target.type, target.id) : null;
      },
    }),
    target: t.field({
      type: ApprovalTargetRef,
      nullable: true,
      description:
        'The record the request is about, as the caller may read it: null for ACCESS_SCOPE requests, once the record is deleted for good, and for a soft-deleted one unless the caller may see deleted records.',
      resolve: (r, _a, ctx) => loadTarget(ctx, r),
    }),
    proposedChanges: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The proposed PII values: visible to OWNER and the requester only (null for everyone else).',
      resolve: (r, _a, ctx) => proposedChangesFor(ctx, r),
    }),
    details: t.field({
      type: ApprovalDetailsUnion,
      description:
        "What this kind of request is about, one type per kind (narrow on `__typename`): the flat fields' values, non-null where the kind always has them, under the same rules of who may read them.",
      resolve: (r) => r,
    }),
  }),
});

/** The proposed PII values of a request, for the requester and the roles that decide PII changes; null for everyone else. */
async function proposedChangesFor(ctx: Context, r: ApprovalRequest): Promise<unknown> {
  if (!seesProposedChanges(ctx.member.role, ctx.user.id, r.requestedById)) return null;
  // Events carry no proposed values: read them from the database.
  const proposed = await proposedChangesOf(ctx).load(r.id);
  return proposed ? JSON.parse(proposed) : null;
}

// ---------------------------------------------------------------- details per kind
// The same request row under a type per kind; the domains add what only they can resolve
// (`workflow`, `dimension`) to these, as they do to ApprovalRequest.

export const WorkflowApprovalDetailsRef = builder.objectRef<ApprovalRequest>('WorkflowApprovalDetails');
WorkflowApprovalDetailsRef.implement({
  description: 'A WORKFLOW request: approving it lets the saved definition of its workflow run.',
  fields: (t) => ({
    workflowId: t.id({
      description: "The workflow's global id (for node(id:)), kept after it is deleted.",
      resolve: (r) => encodeGlobalID('Workflow', r.workflowId ?? ''),
    }),
  }),
});

export const AccessScopeApprovalDetailsRef = builder.objectRef<ApprovalRequest>('AccessScopeApprovalDetails');
AccessScopeApprovalDetailsRef.implement({
  description: 'An ACCESS_SCOPE request: approving it gives the requester a scope on a dimension value for a window.',
  fields: (t) => ({
    dimensionKey: t.string({ description: 'The dimension asked for, by key.', resolve: (r) => r.dimensionKey ?? '' }),
    scopeValue: t.string({ description: 'The value asked for (`*`: every value).', resolve: (r) => r.scopeValue ?? '' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true, description: 'When the scope would start; null: when approved.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true, description: "When the scope would end; null: no end (the organization sets no maximum)." }),
  }),
});

export const PiiChangeApprovalDetailsRef = builder.objectRef<ApprovalRequest>('PiiChangeApprovalDetails');
PiiChangeApprovalDetailsRef.implement({
  description: 'A PII_CHANGE request: a change of the email or phone of a customer or lead, or its deletion.',
  fields: (t) => ({
    piiAction: t.field({ type: PiiChangeActionEnum, resolve: (r) => (isPiiAction(r.piiAction) ? r.piiAction : 'UPDATE_PII') }),
    targetType: t.string({ description: 'Customer or Lead.', resolve: (r) => targetOf(r)?.type ?? '' }),
    targetId: t.id({
      description: "The record's global id (for node(id:)), kept after it is gone.",
      resolve: (r) => {
        const target = targetOf(r);
        return target ? encodeGlobalID(target.type, target.id) : '';
      },
    }),
    target: t.field({
      type: ApprovalTargetRef,
      nullable: true,
      description: 'The record as the caller may read it: null once deleted for good, and for a soft-deleted one unless the caller may see deleted records.',
      resolve: (r, _a, ctx) => loadTarget(ctx, r),
    }),
    proposedChanges: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The proposed values: visible to OWNER and the requester only (null for everyone else, and for deletions).',
      resolve: (r, _a, ctx) => proposedChangesFor(ctx, r),
    }),
  }),
});

const DETAILS_BY_KIND = { WORKFLOW: WorkflowApprovalDetailsRef, ACCESS_SCOPE: AccessScopeApprovalDetailsRef, PII_CHANGE: PiiChangeApprovalDetailsRef } as const;

const ApprovalDetailsUnion = builder.unionType('ApprovalDetails', {
  description: 'The kind-specific part of an approval request, one type per kind.',
  types: [WorkflowApprovalDetailsRef, AccessScopeApprovalDetailsRef, PiiChangeApprovalDetailsRef],
  resolveType: (r) => DETAILS_BY_KIND[r.kind as keyof typeof DETAILS_BY_KIND],
});

const ApprovalRequestConnection = connectionOf(ApprovalRequestRef, 'ApprovalRequest');

const ApprovalEventRef = builder.objectRef<ApprovalEventShape>('ApprovalEvent').implement({
  fields: (t) => ({
    type: t.field({ type: ApprovalEventTypeEnum, resolve: (e) => e.type }),
    request: t.field({ type: ApprovalRequestRef, resolve: (e) => e.request }),
    at: t.expose('at', { type: 'DateTime' }),
    cursor: t.exposeString('cursor', {
      description: "Where this event stands in the subscriber's stream: pass it as `after` when resubscribing to receive, first, every event since.",
    }),
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
    nullable: true,
    description: 'One request the caller may decide or made; null for any other id, whether it names no request or one the caller may not see (docs/errors.md, "Not found").',
    authScopes: { member: true },
    args: { id: t.arg.globalID({ required: true, for: ApprovalRequestRef }) },
    resolve: async (_root, args, ctx) => (await approvals.findVisible(ctx, args.id.id)) ?? null,
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

const AFTER =
  "The cursor of the last event received: first every later event you may see now, in order, then the live ones. CURSOR_INVALID when it is older than the events kept (APPROVAL_EVENT_RETENTION_HOURS), unknown, or another organization's.";

builder.subscriptionFields((t) => ({
  approvalEvents: t.field({
    type: ApprovalEventRef,
    description:
      'Events about requests the subscriber may decide: all kinds for OWNER, WORKFLOW and ACCESS_SCOPE for ADMIN, ACCESS_SCOPE of their values for delegated approvers.',
    authScopes: { member: true },
    args: { kinds: t.arg({ type: [ApprovalKindEnum], required: false }), after: t.arg.string({ required: false, description: AFTER }) },
    subscribe: (_root, args, ctx) => approvalStream(ctx, { kinds: args.kinds ?? [], after: args.after }),
    resolve: (event) => event,
  }),
  myApprovalUpdates: t.field({
    type: ApprovalEventRef,
    description: "Decisions on the subscriber's own requests.",
    authScopes: { member: true },
    args: { after: t.arg.string({ required: false, description: AFTER }) },
    subscribe: (_root, args, ctx) => approvalStream(ctx, { kinds: null, after: args.after }),
    resolve: (event) => event,
  }),
}));

// ---------------------------------------------------------------- quorum: policies and progress

type VoteShape = Awaited<ReturnType<typeof votesOfRequests>>[number];

const ApprovalVoteRef = builder.objectRef<VoteShape>('ApprovalVote').implement({
  description: "One member's approval of a request that needs several.",
  fields: (t) => ({
    approver: t.field({ type: UserRef, resolve: (v, _a, ctx) => referencedMember(ctx, v.userId) }),
    role: t.field({ type: OrgRoleEnum, description: 'Their role when they approved.', resolve: (v) => v.role as OrgRole }),
    comment: t.exposeString('comment', { nullable: true }),
    at: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(ApprovalRequestRef, (t) => ({
  requiredApprovals: t.exposeInt('requiredApprovals', {
    description: 'Distinct approvals this request needs: the approval policy in force when it was raised, capped by the members who could approve it then.',
  }),
  countedRoles: t.field({
    type: [OrgRoleEnum],
    description: 'Roles whose approvals count, from the policy in force when it was raised; empty: whoever may decide its kind.',
    resolve: (r) => countedRolesOf(r.countedRoles),
  }),
  approvalCount: t.exposeInt('approvalCount', { description: 'Approvals recorded so far.' }),
  approvals: t.field({
    type: [ApprovalVoteRef],
    description: 'Who approved so far, in order (the requester never counts, a member approves once).',
    resolve: (r, _a, ctx) => votesByRequest(ctx).load(r.id),
  }),
}));

const ApprovalPolicyRef = builder.objectRef<ApprovalPolicy>('ApprovalPolicy').implement({
  description: 'How many distinct approvals a kind of request (optionally one subject of it) needs in this organization, and whose count.',
  fields: (t) => ({
    kind: t.field({ type: ApprovalKindEnum, resolve: (p) => p.kind }),
    subject: t.string({
      nullable: true,
      description: 'PII_CHANGE: the PII action (e.g. HARD_DELETE); ACCESS_SCOPE: the dimension key; null: every request of the kind.',
      resolve: (p) => p.subject || null,
    }),
    requiredApprovals: t.exposeInt('requiredApprovals'),
    countedRoles: t.field({ type: [OrgRoleEnum], resolve: (p) => countedRolesOf(p.countedRoles) }),
    updatedBy: t.field({ type: UserRef, nullable: true, resolve: (p, _a, ctx) => referencedUser(ctx, p.updatedById) }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const ApprovalRouteRef = builder.objectRef<ApprovalRoute>('ApprovalRoute').implement({
  description: 'Who may approve a request of this kind, and how many distinct approvals it needs under the policy in force now.',
  fields: (t) => ({
    kind: t.field({ type: ApprovalKindEnum, resolve: (r) => r.kind }),
    requiredApprovals: t.int({ resolve: (r) => r.quorum.requiredApprovals }),
    countedRoles: t.field({ type: [OrgRoleEnum], resolve: (r) => [...r.quorum.countedRoles] }),
    approverRoles: t.field({
      type: [OrgRoleEnum],
      description: 'Roles that may approve it outright (whose approvals count).',
      resolve: (r) => approverRoles(r.kind, r.quorum),
    }),
    delegatedApprovers: t.field({ type: [UserRef], description: 'Members the value is delegated to, who may approve it too.', resolve: (r) => r.delegates }),
    description: t.exposeString('description'),
  }),
});

builder.queryFields((t) => ({
  approvalPolicies: t.field({
    type: [ApprovalPolicyRef],
    description: "The organization's approval policies; a kind without one needs one approval by whoever may decide it.",
    authScopes: { member: true },
    resolve: (_root, _args, ctx) => approvalPolicies(ctx),
  }),
}));

builder.mutationFields((t) => ({
  setApprovalPolicy: t.field({
    type: ApprovalPolicyRef,
    description:
      'OWNER only (audited). Sets how many distinct approvals requests of a kind (and optional subject) need from now on, and which roles count; requests already raised keep the policy they were raised under. A request never needs more approvals than there are members (besides its requester) whose approval counts.',
    authScopes: { can: 'approvals.setPolicy' },
    args: {
      kind: t.arg({ type: ApprovalKindEnum, required: true }),
      subject: t.arg.string({ description: 'PII_CHANGE: UPDATE_PII, SOFT_DELETE or HARD_DELETE; ACCESS_SCOPE: a dimension key; omitted: the whole kind.' }),
      requiredApprovals: t.arg.int({ required: true }),
      countedRoles: t.arg({ type: [OrgRoleEnum], description: 'Roles whose approvals count; omitted or empty: whoever may decide the kind.' }),
    },
    resolve: (_root, args, ctx) => setApprovalPolicy(ctx, args),
  }),
}));
