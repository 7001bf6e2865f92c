// Identity rules as pure functions over the matrix (docs/authorization.md, "Permission matrix"): inviting,
// changing a member's role or status, whose profile a member may read, and when a password check
// may run. The use cases gather the facts under the right lock and ask these; policy.test.ts
// tests them unit by unit.
import { GRANTABLE_ROLES, MANAGEABLE_ROLES, allowsFully, capabilityDecision, invitersOf, managersOf, roleList } from '../authz/capabilities.ts';
import { allow, deny, firstRefusal, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';

import type { MembershipStatus } from '../authz/membership.ts';

export type { MembershipStatus };

export interface MemberFacts {
  userId: string;
  role: OrgRole;
  status: MembershipStatus;
}

/** Roles that may hand out `role` (for `approvers`). */
const grantersOf = invitersOf;

function grantDecision(rule: string, actorRole: OrgRole, role: OrgRole, verb: 'invite' | 'grant'): Decision {
  if (GRANTABLE_ROLES[actorRole].includes(role)) return allow(rule);
  return deny(
    rule,
    `An ${actorRole} may ${verb} ${GRANTABLE_ROLES[actorRole].join(' or ')} only, not ${role}.`,
    `Ask a member with ${roleList(grantersOf(role))}.`,
    grantersOf(role),
  );
}

export function inviteDecision(actorRole: OrgRole, role: OrgRole): Decision {
  return firstRefusal(
    () => capabilityDecision('members.invite', actorRole),
    () => grantDecision('members.invite.grant', actorRole, role, 'invite'),
  );
}

/**
 * Re-inviting someone whose invitation is still pending replaces it: the actor must be able to
 * hand out the pending role too, so an ADMIN cannot downgrade or revoke an OWNER's invitation.
 */
export function reinviteDecision(actorRole: OrgRole, pendingRole: OrgRole, role: OrgRole): Decision {
  return firstRefusal(
    () => inviteDecision(actorRole, role),
    () => grantDecision('members.invite.replace', actorRole, pendingRole, 'invite'),
  );
}

/**
 * An account without a password is claimed (its password set) only through the earliest pending
 * invitation for its email: an inviter holds their token, so anyone who can create an organization
 * could otherwise set the password of an account another organization invited.
 */
export function claimAccountDecision(inviteId: string, earliestPendingInviteId: string | null): Decision {
  if (!earliestPendingInviteId || earliestPendingInviteId === inviteId) return allow('invites.claim-account');
  return deny(
    'invites.claim-account',
    'This invitation cannot set the password of this account.',
    'The invitee accepts their first invitation, which sets their password, and then this one with that password.',
  );
}

function manageDecision(actor: MemberFacts, target: MemberFacts, capability: 'members.setRole' | 'members.setStatus'): Decision {
  if (actor.userId === target.userId)
    // Those who may change a member of the actor's role: an OWNER only by another OWNER.
    return deny('members.self', 'Nobody changes their own role or status.', `Ask another member with ${roleList(managersOf(actor.role))}.`, managersOf(actor.role));
  // The actor's facts are read again under the organization lock: a concurrent change may have
  // disabled them since the request began.
  if (actor.status !== 'ACTIVE')
    return deny('membership.inactive', `Your membership here is ${actor.status} now.`, 'Ask an ADMIN or OWNER of this organization.');
  const held = capabilityDecision(capability, actor.role);
  if (!held.allowed) return held;
  if (MANAGEABLE_ROLES[actor.role].includes(target.role)) return allow(capability);
  const managers = managersOf(target.role);
  return deny(
    'members.owner-immutable',
    `An ${actor.role} may not change an ${target.role}.`,
    `Only ${roleList(managers)} may: ask one of them.`,
    managers,
  );
}

/** `activeOwners` counts the organization's ACTIVE owners, the target included. */
function lastOwnerDecision(target: MemberFacts, remainsActiveOwner: boolean, activeOwners: number): Decision {
  if (target.role !== 'OWNER' || target.status !== 'ACTIVE' || remainsActiveOwner || activeOwners > 1) return allow('members.last-owner');
  return deny(
    'members.last-owner',
    'This is the last active OWNER: an organization always keeps one.',
    'Make another member OWNER first.',
  );
}

export function roleChangeDecision(actor: MemberFacts, target: MemberFacts, role: OrgRole, activeOwners: number): Decision {
  return firstRefusal(
    () => manageDecision(actor, target, 'members.setRole'),
    () => grantDecision('members.setRole.grant', actor.role, role, 'grant'),
    () => lastOwnerDecision(target, role === 'OWNER', activeOwners),
  );
}

/**
 * An invitation is inert until accepted: its membership's status is the invitee's to change (by
 * accepting), never an admin's. Disabling and re-enabling it would otherwise activate someone who
 * never accepted.
 */
function invitationDecision(target: MemberFacts): Decision {
  if (target.status !== 'INVITED') return allow('members.invitation');
  return deny(
    'members.invitation-pending',
    'This member has not accepted their invitation yet: only accepting it activates the membership.',
    'Wait for them to accept, or let the invitation expire (7 days); a new invite replaces it.',
  );
}

export function statusChangeDecision(actor: MemberFacts, target: MemberFacts, status: MembershipStatus, activeOwners: number): Decision {
  return firstRefusal(
    () => manageDecision(actor, target, 'members.setStatus'),
    () => invitationDecision(target),
    () => lastOwnerDecision(target, status === 'ACTIVE', activeOwners),
  );
}

/** `members.read` outright (ADMIN, OWNER): every membership; the limited cell: one's own only. */
export const readsEveryMember = (role: OrgRole) => allowsFully('members.read', role);

/**
 * How much of a user's profile a member sees (`role`: theirs in the organization the request acts
 * in; `status`: the target's membership there): all of it for themselves and, for those who read
 * every member, for members who joined; of an invitee only the email the inviter typed (the
 * invitation is inert until accepted, and the account may carry a name from elsewhere); nothing
 * of anyone else.
 */
export type ProfileView = 'full' | 'email' | 'none';

export function profileView(
  viewer: { userId: string; role: OrgRole | null },
  target: { userId: string; status: MembershipStatus | null },
): ProfileView {
  if (viewer.userId === target.userId) return 'full';
  if (!viewer.role || !readsEveryMember(viewer.role) || !target.status) return 'none';
  return target.status === 'INVITED' ? 'email' : 'full';
}

/**
 * `me` answers a caller who has not chosen an organization yet (none, or several and no header),
 * so they can choose; a disabled member is refused in their organization, `me` included.
 */
export const refusesViewer = (organizationProblemRule: string | undefined) => organizationProblemRule === 'membership.disabled';

/** One key's count of password checks in its window, as stored in LoginThrottle. */
export interface ThrottleCount {
  /** Failed checks in the window. */
  attempts: number;
  /** Checks running now, whose outcome is not known yet. */
  inFlight: number;
  windowStartAt: Date;
  lockedUntil: Date | null;
}

export const THROTTLE = {
  windowMs: 15 * 60_000,
  /** Failed checks a key allows per window before it locks: one email from one address; one address, any email. */
  limits: { pair: 5, address: 50 },
  /** First lock once a key's failures reach its limit; doubles with each further failure, up to maxLockMs. */
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
};

/** What a throttle key counts: checks of one email from one address, or all checks from one address. */
export type ThrottleScope = keyof typeof THROTTLE.limits;

const THROTTLED = { pair: 'for this email from your address', address: 'from your address' } satisfies Record<ThrottleScope, string>;

export interface ThrottleDecision extends Decision {
  retryAfterSeconds: number;
  /** The count to store when allowed: this check's slot taken (and a new window when the old one passed). */
  count: ThrottleCount | null;
}

/**
 * Whether a password check may take the slot that `reserved` (the key's count, its `inFlight`
 * just incremented for this check) holds. Only failures lock. The checks running at once are
 * bounded by the failures the key may still have before it locks (one at a time once it has
 * locked before), so parallel guesses cannot pass the limit; a check over that bound is refused
 * without a lock, and without being called a failure: correct passwords sent at once never lock.
 */
export function passwordCheckDecision(scope: ThrottleScope, reserved: ThrottleCount, now: Date): ThrottleDecision {
  const rule = `auth.throttle.${scope}`;
  if (reserved.lockedUntil && reserved.lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((reserved.lockedUntil.getTime() - now.getTime()) / 1000);
    return {
      ...deny(rule, `Too many failed sign-ins ${THROTTLED[scope]}. Try again in ${retryAfterSeconds} seconds.`, 'Or ask an admin to reset the password.'),
      retryAfterSeconds,
      count: null,
    };
  }
  const fresh = now.getTime() - reserved.windowStartAt.getTime() > THROTTLE.windowMs;
  const failures = fresh ? 0 : reserved.attempts;
  // The failure that reached the limit is counted by one statement and its lock written by the
  // next: in between, the key is locked all the same (a lock that has passed, one check at a time).
  if (failures >= THROTTLE.limits[scope] && !reserved.lockedUntil) {
    const retryAfterSeconds = Math.ceil(THROTTLE.baseLockMs / 1000);
    return {
      ...deny(rule, `Too many failed sign-ins ${THROTTLED[scope]}. Try again in ${retryAfterSeconds} seconds.`, 'Or ask an admin to reset the password.'),
      retryAfterSeconds,
      count: null,
    };
  }
  // A new window forgets checks a stopped process left counted; a count below one (checks of the
  // old window settling after it) is this check alone.
  const inFlight = fresh ? 1 : Math.max(1, reserved.inFlight);
  if (inFlight > Math.max(1, THROTTLE.limits[scope] - failures))
    return { ...deny(`${rule}.in-flight`, `Too many sign-ins at once ${THROTTLED[scope]}.`, 'Try again in a second.'), retryAfterSeconds: 1, count: null };
  return { ...allow(rule), retryAfterSeconds: 0, count: { attempts: failures, inFlight, windowStartAt: fresh ? now : reserved.windowStartAt, lockedUntil: null } };
}

/** The lock a key's `failures` (this one counted) earn: none under the limit, then doubling up to the maximum. */
export function failureLock(scope: ThrottleScope, failures: number, now: Date): Date | null {
  const over = failures - THROTTLE.limits[scope];
  return over >= 0 ? new Date(now.getTime() + Math.min(THROTTLE.baseLockMs * 2 ** over, THROTTLE.maxLockMs)) : null;
}

// ---------------------------------------------------------------- the organization a request acts in

/** The request names an organization the caller is no member of. */
export const notMemberDecision = (named: string): Decision =>
  deny('tenant.not-member', `You are not a member of the organization named by X-Organization-Id (${named.slice(0, 80)}).`, 'Check `me { memberships }` for yours.');

/** The caller has no membership that could be the default. */
export const noMembershipDecision = (): Decision =>
  deny('tenant.no-membership', 'You are not a member of any organization yet.', 'Accept an invite, or create one with `createOrganization`.');
