// Members of the caller's organization: role and status changes under the organization lock, and
// the member list and profiles as far as the identity policy lets the caller see them. Everything
// here runs through the caller's tenant-scoped client.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { enforce, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { userSelect, type CallerMembership, type CallerUser } from '../context.ts';
import type { Membership, Tx } from '../db/client.ts';
import { lockOrganization } from '../db/locks.ts';
import { badInput, notFound } from '../errors.ts';
import { distinct, inOrderOf, requestLoader, required } from '../loaders.ts';
import { paginate, prismaPage, type PageArgs } from '../pagination.ts';
import { publishMembershipChange } from './events.ts';
import { assertWithinLimits } from './limits.ts';
import {
  profileView,
  readsEveryMember,
  refusesViewer,
  roleChangeDecision,
  statusChangeDecision,
  type MemberFacts,
  type MembershipStatus,
} from './policy.ts';

async function loadMember(tx: Tx, userId: string) {
  // `tx` is tenant-scoped: a user of another organization is simply not found.
  const member = await tx.membership.findFirst({ where: { userId }, include: { user: { select: userSelect } } });
  if (!member) throw notFound('member', encodeGlobalID('User', userId));
  return member;
}

type LoadedMember = Awaited<ReturnType<typeof loadMember>>;

/**
 * One change of a member, decided and applied under the organization's lock, so that concurrent
 * changes (two owners demoting each other) run one after the other: each counts the active owners
 * that the other left, and sees the actor's own role and status as they are by then.
 */
async function changeMember(
  ctx: Context,
  userId: string,
  decide: (actor: MemberFacts, target: MemberFacts, activeOwners: number) => Decision,
  apply: (tx: Tx, target: LoadedMember, record: RecordEvent) => Promise<Membership>,
): Promise<Membership> {
  assertWithinLimits({ userId: [userId, 'userId'] });
  const { organizationId } = ctx.member;
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    await lockOrganization(tx, organizationId);
    const actor = await loadMember(tx, ctx.user.id);
    const target = await loadMember(tx, userId);
    enforce(decide(actor, target, await tx.membership.count({ where: { role: 'OWNER', status: 'ACTIVE' } })));
    return apply(tx, target, record);
  });
  // Live subscriptions of that member re-check what they may still receive.
  publishMembershipChange(ctx.services, updated.organizationId, updated.userId);
  return updated;
}

export function updateMemberRole(ctx: Context, userId: string, role: OrgRole) {
  return changeMember(
    ctx,
    userId,
    (actor, target, activeOwners) => roleChangeDecision(actor, target, role, activeOwners),
    async (tx, target, record) => {
      if (target.role === role) return target;
      const updated = await tx.membership.update({ where: { id: target.id }, data: { role } });
      await record({
        action: 'member.role.update',
        targetType: 'Membership',
        targetId: target.id,
        metadata: { email: target.user.email, from: target.role, to: role },
      });
      return updated;
    },
  );
}

export function setMemberStatus(ctx: Context, userId: string, status: MembershipStatus) {
  if (status === 'INVITED') throw badInput('A status can be set to ACTIVE or DISABLED; INVITED is set by `inviteMember`.');
  return changeMember(
    ctx,
    userId,
    (actor, target, activeOwners) => statusChangeDecision(actor, target, status, activeOwners),
    async (tx, target, record) => {
      if (target.status === status) return target;
      const updated = await tx.membership.update({ where: { id: target.id }, data: { status } });
      if (status === 'DISABLED')
        await tx.invite.updateMany({ where: { email: target.user.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: ctx.services.clock.now() } });
      await record({
        action: status === 'DISABLED' ? 'member.disable' : 'member.enable',
        targetType: 'Membership',
        targetId: target.id,
        metadata: { email: target.user.email, from: target.status, to: status },
      });
      return updated;
    },
  );
}

/** The caller's membership when the request acts in an organization; null while they have none to act in. */
function actingMembership(ctx: Context): CallerMembership | null {
  const m = ctx.caller.membership;
  return m && m.status === 'ACTIVE' && !ctx.caller.organizationProblem ? m : null;
}

/** `me`: answered while the caller chooses an organization, refused when their membership is disabled. */
export function viewerOf(ctx: Context) {
  const problem = ctx.caller.organizationProblem;
  if (problem && refusesViewer(problem.rule)) throw problem;
  const acting = actingMembership(ctx);
  return { user: ctx.user, organizationId: acting?.organizationId ?? null, role: acting?.role ?? null };
}

/** A user as far as the caller may see them, given their membership status here (null: not a member). */
function shownProfile(ctx: Context, user: CallerUser, status: MembershipStatus | null): CallerUser | null {
  const viewer = { userId: ctx.user.id, role: actingMembership(ctx)?.role ?? null };
  const view = profileView(viewer, { userId: user.id, status });
  if (view === 'none') return null;
  return view === 'email' ? { id: user.id, email: user.email, displayName: null } : { id: user.id, email: user.email, displayName: user.displayName };
}

/** A user of the organization with their membership's status in it (null: the membership is another organization's). */
interface MemberRow extends CallerUser {
  status: MembershipStatus | null;
}

/**
 * Users by id as the tenant-scoped client finds them (members of the organization), in batches,
 * remembered for the request: no operation changes a user's email or name, or turns an invitation
 * into a membership (accepting one is a request of its own, before the invitee has a context).
 */
const memberRows = requestLoader<string, MemberRow | null>(
  async (ctx, ids) => {
    const rows = await ctx.db.user.findMany({ where: { id: { in: distinct(ids) } }, select: { ...userSelect, memberships: { select: { status: true } } } });
    return inOrderOf(ids, rows.map(({ memberships, ...user }) => ({ ...user, status: memberships[0]?.status ?? null })), (row) => row.id);
  },
  { cache: true },
);

/**
 * A member referenced by a record the caller may read (who created, requested, decided, acted):
 * their email always, as the record's own data; their display name only where the caller may read
 * their profile (themselves; ADMIN and OWNER for members who joined). Read in one statement for a
 * page's references, once per request and id.
 */
export async function referencedUser(ctx: Context, userId: string | null | undefined): Promise<CallerUser | null> {
  if (!userId) return null;
  const row = await memberRows(ctx).load(userId);
  if (!row) return null;
  const view = profileView({ userId: ctx.user.id, role: actingMembership(ctx)?.role ?? null }, { userId: row.id, status: row.status });
  return { id: row.id, email: row.email, displayName: view === 'full' ? row.displayName : null };
}

/**
 * `referencedUser` for a reference that always names someone (a requester, creator, reviewer,
 * approver): users and memberships are never deleted, so the member is always there.
 */
export async function referencedMember(ctx: Context, userId: string): Promise<CallerUser> {
  const user = await referencedUser(ctx, userId);
  if (!user) throw new Error(`user ${userId}, referenced by a record of this organization, is not a member of it`);
  return user;
}

/**
 * `Membership.user`: the member's profile, of which an invitation shows the email only. Whoever may
 * read a membership (their own; any, for ADMIN and OWNER) may see its member.
 */
export async function membershipUser(ctx: Context, membership: Membership & { user?: CallerUser }): Promise<CallerUser> {
  const user = membership.user ?? (await required(memberRows(ctx).load(membership.userId), `user of membership ${membership.id}`));
  const shown = shownProfile(ctx, user, membership.status);
  if (!shown) throw new Error(`membership ${membership.id} was read by a caller who may not see its member`);
  return shown;
}

/** `node(id)` of users: members of the organization, as far as the caller may see them; null otherwise. */
export async function profilesByIds(ctx: Context, ids: readonly string[]) {
  const rows = await Promise.all(ids.map((id) => memberRows(ctx).load(id)));
  return rows.map((row) => (row ? shownProfile(ctx, { id: row.id, email: row.email, displayName: row.displayName }, row.status) : null));
}

/** Memberships the caller may read: everyone's outright, or only their own (the limited cell of members.read). */
const visibleMemberships = (ctx: Context) => (readsEveryMember(ctx.member.role) ? {} : { userId: ctx.user.id });

export function memberPage(ctx: Context, args: PageArgs) {
  const where = visibleMemberships(ctx);
  // With its user included: a page of rows keyed by id, read by hand because of the include's type.
  return paginate(
    ctx,
    args,
    (m: Membership) => m.id,
    (take, after) =>
      ctx.db.membership.findMany({ where, include: { user: { select: userSelect } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...prismaPage(take, after) }),
    () => ctx.db.membership.count({ where }),
  );
}

export async function membershipsByIds(ctx: Context, ids: readonly string[]) {
  const rows = await ctx.db.membership.findMany({
    where: { id: { in: [...ids] }, ...visibleMemberships(ctx) },
    include: { user: { select: userSelect }, organization: true },
  });
  return inOrderOf(ids, rows, (row) => row.id);
}
