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

/**
 * Whether `role` has the capability at all (its limit, if any, is the domain policy's to check).
 * `approvers` are the roles of the members who could give it to this member (grantersOf); none
 * where only lower roles hold it (requesting a scope: an ADMIN or OWNER already reads every KPI).
 */
export function capabilityDecision(capability: CapabilityName, role: OrgRole): Decision {
  if (allows(capability, role)) return allow(capability);
  const holders = rolesAllowed(capability);
  const granters = grantersOf(capability, role);
  if (!granters.length)
    return deny(
      capability,
      `Permission to ${MATRIX[capability].describe} belongs to ${roleList(holders)} only; your role here is ${role}, which does not need it: there is nothing to ask anyone for.`,
      null,
      [],
    );
  return deny(
    capability,
    `Permission to ${MATRIX[capability].describe} belongs to ${roleList(holders)}; your role here is ${role}.`,
    `Ask a member with ${roleList(granters)} if you need it.`,
    granters,
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

const rank = (role: OrgRole) => ORG_ROLES.indexOf(role);

/** Roles of the members who may change the role or status of a member of `role` (re-enable them, among others). */
export const managersOf = (role: OrgRole): OrgRole[] => ORG_ROLES.filter((r) => MANAGEABLE_ROLES[r].includes(role));

/** Roles of the members who may hand out `role`, by invite or role change. */
export const invitersOf = (role: OrgRole): OrgRole[] => ORG_ROLES.filter((r) => GRANTABLE_ROLES[r].includes(role));

/**
 * Roles of the members who could give a member of `role` a capability their role lacks: those who
 * may change that member's role to a higher one holding it. Empty where only lower roles hold it.
 */
export function grantersOf(capability: CapabilityName, role: OrgRole): OrgRole[] {
  const higher = rolesAllowed(capability).filter((h) => rank(h) > rank(role));
  return managersOf(role).filter((r) => GRANTABLE_ROLES[r].some((g) => higher.includes(g)));
}

/** Who may let a member of `role` act again: re-enable them (DISABLED), or invite them again (removed, or any other status). */
export const restorersOf = (role: OrgRole, status: string): OrgRole[] => (status === 'DISABLED' ? managersOf(role) : invitersOf(role));
