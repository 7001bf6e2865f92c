// The one precondition of every authorization in an organization: a member acts only while their
// membership is ACTIVE. Below the context, which applies it on every use of `ctx.member`, and below
// identity, whose caller resolution applies it first.
import { restorersOf, roleList } from './capabilities.ts';
import { allow, deny, type Decision } from './decision.ts';
import type { OrgRole } from './matrix.ts';

export type MembershipStatus = 'INVITED' | 'ACTIVE' | 'DISABLED';

/** Whether a membership lets its user act in its organization at all. */
export function membershipDecision(status: MembershipStatus | null, email: string, role: OrgRole | null): Decision {
  switch (status) {
    case 'ACTIVE':
      return allow('membership.active');
    case 'DISABLED': {
      // A disabled OWNER is re-enabled by another OWNER only.
      const restorers = restorersOf(role ?? 'VIEWER', 'DISABLED');
      return deny('membership.disabled', 'Your membership in this organization is disabled.', `Ask a member with ${roleList(restorers)} to re-enable it.`, restorers);
    }
    case 'INVITED':
      return deny('membership.invited', 'Your membership in this organization awaits acceptance of its invite.', 'Accept it with `acceptInvite`.');
    default:
      return deny('membership.inactive', `${email} has no active membership here.`, 'Check `me { memberships }` for yours.');
  }
}

/** A live stream's subscriber whose membership is no longer active: the stream ends, saying who can restore it. */
export function streamEndedByMembership(status: string, role: OrgRole): Decision {
  const restorers = restorersOf(role, status);
  return deny(
    'membership.inactive',
    'Your membership in this organization is no longer active, so this subscription has ended.',
    `Ask a member with ${roleList(restorers)} of this organization to ${status === 'DISABLED' ? 're-enable it' : 'invite you again'}.`,
    restorers,
  );
}
