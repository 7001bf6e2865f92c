// Capability checks over the matrix: the coarse tier of authorization. Scope-auth's `can:` scope
// and the domain policies call these; nothing else reads a role's cells.
import { deny, allow, enforce, type Decision } from './decision.ts';
import { MATRIX, ORG_ROLES, type CapabilityName, type Cell, type OrgRole } from './matrix.ts';

export const cellOf = (capability: CapabilityName, role: OrgRole): Cell => MATRIX[capability].cells[role];

export const allows = (capability: CapabilityName, role: OrgRole) => cellOf(capability, role) !== 'no';

/** Allowed outright, with no limit to check. */
export const allowsFully = (capability: CapabilityName, role: OrgRole) => cellOf(capability, role) === 'yes';

export const rolesAllowed = (capability: CapabilityName) => ORG_ROLES.filter((r) => allows(capability, r));

export const roleList = (roles: readonly OrgRole[]) =>
  roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.slice(0, -1).join(', ')} and ${roles.at(-1)} roles`;

/** Whether `role` has the capability at all (its limit, if any, is the domain policy's to check). */
export function capabilityDecision(capability: CapabilityName, role: OrgRole): Decision {
  if (allows(capability, role)) return allow(capability);
  const holders = rolesAllowed(capability);
  return deny(
    capability,
    `Permission to ${MATRIX[capability].describe} belongs to ${roleList(holders)}; your role here is ${role}.`,
    'Ask an OWNER or ADMIN of this organization if you need it.',
    holders,
  );
}

/** Throws FORBIDDEN naming the matrix rule unless the member's role has the capability. */
export function assertCapability(member: { role: OrgRole }, capability: CapabilityName): true {
  enforce(capabilityDecision(capability, member.role));
  return true;
}

/** Roles an actor may hand out, by invite or role change. */
export const GRANTABLE_ROLES: Record<OrgRole, readonly OrgRole[]> = {
  VIEWER: [],
  EDITOR: [],
  ADMIN: ['EDITOR', 'VIEWER'],
  OWNER: ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER'],
};

/** Members whose role or status an actor may change (besides never themselves). */
export const MANAGEABLE_ROLES: Record<OrgRole, readonly OrgRole[]> = {
  VIEWER: [],
  EDITOR: [],
  ADMIN: ['ADMIN', 'EDITOR', 'VIEWER'],
  OWNER: ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER'],
};
