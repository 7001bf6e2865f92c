// Member-administration rules as pure functions over the matrix (SPEC.md "Permission matrix").
import { GRANTABLE_ROLES, MANAGEABLE_ROLES, allows } from '../authz/capabilities.ts';
import type { OrgRole } from '../authz/matrix.ts';

export interface Refusal {
  rule: string;
  message: string;
}

export interface MemberFacts {
  userId: string;
  role: OrgRole;
  status: 'INVITED' | 'ACTIVE' | 'DISABLED';
}

export function inviteRefusal(actorRole: OrgRole, role: OrgRole): Refusal | null {
  if (!allows('members.invite', actorRole))
    return { rule: 'members.invite', message: `Inviting members needs the ADMIN or OWNER role; yours is ${actorRole}.` };
  if (!GRANTABLE_ROLES[actorRole].includes(role))
    return {
      rule: 'members.invite.grant',
      message: `An ${actorRole} may invite ${GRANTABLE_ROLES[actorRole].join(' or ')} members only, not ${role}. Ask an OWNER to invite this person.`,
    };
  return null;
}

function manageRefusal(actor: MemberFacts, target: MemberFacts, capability: 'members.setRole' | 'members.setStatus'): Refusal | null {
  if (actor.userId === target.userId)
    return { rule: 'members.self', message: 'Nobody changes their own role or status. Ask another ADMIN or OWNER.' };
  if (!allows(capability, actor.role))
    return { rule: capability, message: `Changing members needs the ADMIN or OWNER role; yours is ${actor.role}.` };
  if (!MANAGEABLE_ROLES[actor.role].includes(target.role))
    return {
      rule: 'members.owner-immutable',
      message: `An ${actor.role} may not change an ${target.role}. Only an OWNER may change another OWNER.`,
    };
  return null;
}

/** `activeOwners` counts the organization's ACTIVE owners, the target included. */
function lastOwnerRefusal(target: MemberFacts, remainsActiveOwner: boolean, activeOwners: number): Refusal | null {
  if (target.role === 'OWNER' && target.status === 'ACTIVE' && !remainsActiveOwner && activeOwners <= 1)
    return {
      rule: 'members.last-owner',
      message: 'This is the last active OWNER: an organization always keeps one. Make another member OWNER first.',
    };
  return null;
}

export function roleChangeRefusal(actor: MemberFacts, target: MemberFacts, role: OrgRole, activeOwners: number): Refusal | null {
  const refusal = manageRefusal(actor, target, 'members.setRole');
  if (refusal) return refusal;
  if (!GRANTABLE_ROLES[actor.role].includes(role))
    return {
      rule: 'members.setRole.grant',
      message: `An ${actor.role} may grant ${GRANTABLE_ROLES[actor.role].join(' or ')} only, not ${role}. Ask an OWNER.`,
    };
  return lastOwnerRefusal(target, role === 'OWNER', activeOwners);
}

export function statusChangeRefusal(
  actor: MemberFacts,
  target: MemberFacts,
  status: MemberFacts['status'],
  activeOwners: number,
): Refusal | null {
  const refusal = manageRefusal(actor, target, 'members.setStatus');
  if (refusal) return refusal;
  return lastOwnerRefusal(target, status === 'ACTIVE', activeOwners);
}
