// Live approval events. Each instance receives every event of an organization once (in memory, or
// through Redis), works out its audience once per event (the organization's current memberships
// and the kind's delegated approvers), and each subscription passes on only what its subscriber
// may decide (approvalEvents) or requested (myApprovalUpdates). A subscriber whose membership is
// disabled, or who may decide nothing any more, gets FORBIDDEN and the stream ends.
import { filter, map, pipe } from 'graphql-yoga';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { refusalError } from '../authz/decision.ts';
import type { Services } from '../services.ts';
import { mayDecideAnything } from './core.ts';
import { revive, type ApprovalEventShape, type ApprovalMessage } from './events.ts';
import type { ApprovalKind } from './kinds.ts';
import { liveMembershipDecision, receivesEvent, subscribeDecision } from './policy.ts';

interface Audience {
  members: Map<string, { role: OrgRole; status: string }>;
  /** Delegated approvers of the event's request (kinds whose cell is `limited`). */
  delegates: Set<string>;
}

/** One audience lookup per event per instance, shared by all its subscriptions. */
const audiences = new Map<string, Promise<Audience>>();

function audienceOf(services: Services, organizationId: string, message: ApprovalMessage): Promise<Audience> {
  let audience = audiences.get(message.id);
  if (!audience) {
    audience = (async () => {
      const rows = await services.system.membership.findMany({ where: { organizationId }, select: { userId: true, role: true, status: true } });
      const members = new Map(rows.map((m) => [m.userId, { role: m.role as OrgRole, status: m.status }]));
      let delegates = new Set<string>();
      if (message.type !== 'MEMBERSHIP') {
        const handler = services.approvals.get(message.request.kind);
        if (handler?.extraDeciders) {
          // Events carry no payload: the kind reads the stored request.
          const stored = await services.system.approvalRequest.findUnique({ where: { id: message.request.id } });
          if (stored) delegates = new Set(await handler.extraDeciders(services.system, stored));
        }
      }
      return { members, delegates };
    })();
    audiences.set(message.id, audience);
    setTimeout(() => audiences.delete(message.id), 10_000).unref();
  }
  return audience;
}

const revoked = () => refusalError(liveMembershipDecision('INACTIVE'));
const nothingToDecide = (role: OrgRole) => refusalError(subscribeDecision(role, false));

interface StreamOptions {
  /** approvalEvents: the kinds wanted (all when empty). myApprovalUpdates: null. */
  kinds: readonly ApprovalKind[] | null;
}

/** The event stream of one subscription; throws FORBIDDEN at once when the caller may receive nothing. */
export async function approvalStream(ctx: Context, options: StreamOptions) {
  const { services } = ctx;
  const { organizationId } = ctx.member;
  const userId = ctx.user.id;
  const mine = options.kinds === null;
  let role = ctx.member.role;
  if (!mine && !(await mayDecideAnything(services, services.system, role, userId, organizationId))) throw nothingToDecide(role);
  const wanted = options.kinds?.length ? new Set(options.kinds) : null;

  const source = services.pubsub.subscribe('approval:event', organizationId);
  return pipe(
    source,
    filter(async (message: ApprovalMessage) => {
      const audience = await audienceOf(services, organizationId, message);
      const me = audience.members.get(userId);
      if (!me || me.status !== 'ACTIVE') throw revoked();
      if (me.role !== role) {
        role = me.role;
        if (!mine && !(await mayDecideAnything(services, services.system, role, userId, organizationId))) throw nothingToDecide(role);
      }
      if (message.type === 'MEMBERSHIP') return false;
      const { request } = message;
      if (mine) return request.requestedById === userId && message.type !== 'REQUESTED';
      // A scope's coming end is news for its holder only.
      if (message.type === 'SCOPE_EXPIRING') return false;
      return receivesEvent({ kind: request.kind, role, userId, requestedById: request.requestedById, delegated: audience.delegates.has(userId), wanted });
    }),
    map((message: ApprovalMessage): ApprovalEventShape => {
      if (message.type === 'MEMBERSHIP') throw new Error('unreachable: membership messages are filtered out');
      return { type: message.type, at: new Date(message.at), request: revive(message.request) };
    }),
  );
}
