// KPI rules as pure functions: who gains FULL on the KPIs they created, who writes to a KPI, who may
// receive grants and who reads any member's scopes. Unit-tested in policy.test.ts.
import { allowsFully, capabilityDecision, cellOf, restorersOf, roleList, rolesAllowed } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import { ORG_ROLES, type OrgRole } from '../authz/matrix.ts';

/** A writer who is not FULL on every KPI gains FULL on the KPIs they create (an EDITOR). */
export const ownsCreatedKpis = (role: OrgRole) => cellOf('kpis.write', role) === 'limited';

export const KPI_ACCESS_LEVELS = ['FULL', 'RESTRICTED', 'NONE'] as const;
export type KpiAccessLevel = (typeof KPI_ACCESS_LEVELS)[number];

/** Recording data, setting a target: kpis.write, and FULL access to that KPI. */
export function writeKpiDecision(role: OrgRole, kpiKey: string, access: KpiAccessLevel): Decision {
  const capability = capabilityDecision('kpis.write', role);
  if (!capability.allowed) return capability;
  if (access === 'FULL') return allow('kpis.record-needs-full');
  return deny(
    'kpis.record-needs-full',
    `Writing to KPI "${kpiKey}" needs FULL access to it; yours is ${access}.`,
    'Ask an ADMIN to grant FULL through a custom role.',
    rolesAllowed('kpis.manage'),
  );
}

/** A member may receive roles, groups and scopes only once they have accepted their invitation. */
export function grantRecipientDecision(status: 'INVITED' | 'ACTIVE' | 'DISABLED'): Decision {
  if (status !== 'INVITED') return allow('kpis.grant-recipient');
  return deny(
    'kpis.grant-to-invited',
    'This person has not accepted their invitation yet: an invitation is inert until accepted.',
    'Grant roles, groups and scopes after they accept it.',
  );
}

/** Who reads any member's access scope by id; everyone else reads only their own. */
export const seesEveryScope = (role: OrgRole) => allowsFully('kpis.manage', role);

/** A scope's window and state, as the time-bound access rules read it. */
export interface HeldScope {
  startsAt: Date | null;
  endsAt: Date | null;
  revokedAt: Date | null;
}

/**
 * Whether a scope already held gives everything a new request asks for: then the request is a
 * CONFLICT (`scopes.already-held`). A held scope that ends before the requested end does not cover
 * it, so asking again before it ends is how access is extended.
 */
export function heldScopeCovers(held: HeldScope, requested: { startsAt: Date; endsAt: Date | null }, now: Date): boolean {
  if (held.revokedAt) return false;
  if (held.endsAt && held.endsAt <= now) return false;
  if (held.startsAt && held.startsAt > requested.startsAt) return false;
  if (!held.endsAt) return true;
  return requested.endsAt !== null && held.endsAt >= requested.endsAt;
}

// ---------------------------------------------------------------- explaining access

/** A custom-role grant on one KPI that reaches a member. */
export interface GrantPath {
  /** How the member holds the first role of `chain`: assigned to them, or to a group of theirs. */
  via: 'DIRECT' | 'GROUP';
  groupId: string | null;
  /** Role ids from the role held up through its parents to the one the KPI permission names. */
  chain: readonly string[];
  /** The permission of the last role of `chain` on the KPI. */
  access: KpiAccessLevel;
}

/** What a member's grants on one KPI are made of (read by src/kpis/explain.ts). */
export interface GrantFacts {
  direct: readonly string[];
  groups: readonly { groupId: string; roleIds: readonly string[] }[];
  parentOf: ReadonlyMap<string, string | null>;
  /** Role id → its permission on the KPI. */
  permissions: ReadonlyMap<string, KpiAccessLevel>;
}

const STRENGTH: Record<KpiAccessLevel, number> = { NONE: 0, RESTRICTED: 1, FULL: 2 };

/**
 * Every way a KPI permission reaches a member: each role they hold directly or through a group,
 * walked up its parents (a role inherits its ancestors' grants), stopping at every ancestor that
 * names the KPI. Strongest first, then the shortest path, direct before group.
 */
export function grantPaths(f: GrantFacts): GrantPath[] {
  const sources = [
    ...f.direct.map((roleId) => ({ via: 'DIRECT' as const, groupId: null, roleId })),
    ...f.groups.flatMap((g) => g.roleIds.map((roleId) => ({ via: 'GROUP' as const, groupId: g.groupId, roleId }))),
  ];
  const paths: GrantPath[] = [];
  for (const source of sources) {
    const chain: string[] = [];
    // A cycle cannot loop: `chain` doubles as the visited set.
    for (let id: string | null | undefined = source.roleId; id && !chain.includes(id); id = f.parentOf.get(id)) {
      chain.push(id);
      const access = f.permissions.get(id);
      if (access) paths.push({ via: source.via, groupId: source.groupId, chain: [...chain], access });
    }
  }
  return paths.sort((a, b) => STRENGTH[b.access] - STRENGTH[a.access] || a.chain.length - b.chain.length || (a.via === b.via ? 0 : a.via === 'DIRECT' ? -1 : 1));
}

/** A grant path as a person reads it, with the names of its roles and group. */
export function describeGrantPath(path: GrantPath, names: ReadonlyMap<string, string>): string {
  const name = (id: string) => `"${names.get(id) ?? id}"`;
  const [held, ...ancestors] = path.chain;
  const holder = path.via === 'GROUP' ? `through group ${name(path.groupId!)}, which holds role ${name(held!)}` : `through role ${name(held!)}, assigned to them`;
  if (ancestors.length === 0) return `${path.access} ${holder}`;
  return `${path.access} ${holder}, inheriting from ${ancestors.map(name).join(' → ')}`;
}

/** Why a member's access to a KPI is what it is. */
export type AccessBasis = 'ORG_ROLE' | 'CREATOR' | 'GRANT' | 'NO_GRANT' | 'INACTIVE';

export interface AccessFacts {
  role: OrgRole;
  status: 'INVITED' | 'ACTIVE' | 'DISABLED';
  /** The effective access, as the row filters enforce it (src/kpis/access.ts). */
  access: KpiAccessLevel;
  createdKpi: boolean;
  paths: readonly GrantPath[];
  /** `KPI "revenue"`, or `this KPI` where the reader may not see its key. */
  kpiLabel: string;
  /** Whom the explanation is about: "You" or the member's email. */
  who: string;
}

const managers = () => rolesAllowed('kpis.manage');

/**
 * The basis of the effective access and its decision: ADMIN and OWNER by their role, an EDITOR on
 * a KPI they created, else the strongest grant (`winner` indexes `paths`), else none.
 */
export function accessBasis(f: AccessFacts): { basis: AccessBasis; winner: number | null; decision: Decision } {
  if (f.status !== 'ACTIVE')
    return {
      basis: 'INACTIVE',
      winner: null,
      decision: deny('membership.inactive', `${f.who === 'You' ? 'Your' : `${f.who}'s`} membership here is ${f.status}: no access to anything in this organization.`, `A member with ${roleList(restorersOf(f.role, f.status))} may ${f.status === 'DISABLED' ? 're-enable it' : 'let them in again'}.`, restorersOf(f.role, f.status)),
    };
  if (allowsFully('kpis.read', f.role))
    return {
      basis: 'ORG_ROLE',
      winner: null,
      decision: allow('kpis.read', `Members with ${roleList(ORG_ROLES.filter((r) => allowsFully('kpis.read', r)))} read every KPI in full; ${f.who === 'You' ? 'your' : `${f.who}'s`} role here is ${f.role}.`),
    };
  if (f.createdKpi && ownsCreatedKpis(f.role) && f.access === 'FULL')
    return { basis: 'CREATOR', winner: null, decision: allow('kpis.creator', `An ${f.role} has FULL access to the KPIs they created, and ${f.who === 'You' ? 'you' : f.who} created ${f.kpiLabel}.`) };
  const winner = f.access === 'NONE' ? -1 : f.paths.findIndex((p) => p.access === f.access);
  if (winner >= 0) {
    const others = f.paths.length - 1;
    return {
      basis: 'GRANT',
      winner,
      decision: allow(
        'kpis.grant',
        `The strongest grant among the custom roles held directly or through groups (each with its parents) wins: ${f.access}${others > 0 ? `, over ${others} other grant${others === 1 ? '' : 's'}` : ''}.`,
      ),
    };
  }
  return {
    basis: 'NO_GRANT',
    winner: null,
    decision: deny(
      'kpis.no-grant',
      `No custom role ${f.who === 'You' ? 'you hold' : `${f.who} holds`} (directly or through groups, with their parents) grants RESTRICTED or FULL on ${f.kpiLabel}${f.paths.length ? ' (the grants that reach it are NONE)' : ''}.`,
      `Ask an ADMIN or OWNER to grant RESTRICTED or FULL on it to a custom role ${f.who === 'You' ? 'you hold' : 'they hold'} (setKpiPermission), or to give ${f.who === 'You' ? 'you' : 'them'} such a role (assignRole, addGroupMember).`,
      managers(),
    ),
  };
}

/** A scope as the explanation reads it; `active` comes from the access rule (src/kpis/access.ts isActive). */
export interface ScopeWindow {
  value: string;
  startsAt: Date | null;
  endsAt: Date | null;
  active: boolean;
}

/** The next time a scope window opens or closes after `now`, or null. */
export function nextBoundary(scopes: readonly ScopeWindow[], now: Date): Date | null {
  let next: Date | null = null;
  for (const s of scopes) for (const edge of [s.startsAt, s.endsAt]) if (edge && edge > now && (!next || edge < next)) next = edge;
  return next;
}

/** What would grant a missing scope: the member's pending request, or a new one and who decides it. */
export interface ScopeRemedy {
  /** The member may ask for scopes (kpis.requestAccess). */
  canRequest: boolean;
  /** Their pending request for the value (its global id), with its progress. */
  pending: { id: string; approvals: number; required: number } | null;
  /** A scope of theirs on the value that has not started yet. */
  startsAt: Date | null;
  /** Who may approve: delegated approvers (emails) first, then the roles. */
  approvers: readonly string[];
  /** approversSentence of the approvals policy, for the next step. */
  approversSentence: string;
}

function remedyStep(who: string, dimension: string, value: string, r: ScopeRemedy): string {
  const subject = `${dimension}=${value}`;
  if (r.startsAt) return `${who === 'You' ? 'Your' : 'Their'} scope on ${subject} starts at ${r.startsAt.toISOString()}; nothing to ask for.`;
  if (r.pending) return `${who === 'You' ? 'Your' : 'Their'} request ${r.pending.id} for ${subject} is pending (${r.pending.approvals} of ${r.pending.required} approvals). ${r.approversSentence}`;
  if (r.canRequest)
    return `${who === 'You' ? 'Request it' : 'They may request it'}: mutation { requestAccess(dimension: "${dimension}", value: "${value}", justification: "…") { id } }. ${r.approversSentence}`;
  return `Ask an ADMIN or OWNER to grant the scope (grantAccessScope).`;
}

/** Whether a member sees rows with `value` on `dimension` of a KPI, and if not, what would change that. */
export function scopeDecision(f: {
  access: KpiAccessLevel;
  basis: Decision;
  kpiLabel: string;
  who: string;
  dimension: string;
  value: string;
  activeValues: readonly string[];
  remedy: ScopeRemedy;
}): Decision {
  if (f.access !== 'RESTRICTED') return f.access === 'FULL' ? allow('kpis.full', `FULL access to ${f.kpiLabel} shows every row.`) : f.basis;
  if (f.activeValues.includes(f.value) || f.activeValues.includes('*'))
    return allow('kpis.scope', `An active scope on ${f.dimension} covers ${f.activeValues.includes(f.value) ? f.value : 'every value (*)'}.`);
  const held = f.activeValues.length ? `${f.who === 'You' ? 'yours' : 'theirs'}: ${f.activeValues.join(', ')}` : 'there is none';
  return deny(
    'kpis.scope-missing',
    `${f.kpiLabel} is RESTRICTED for ${f.who === 'You' ? 'you' : f.who}, and no active scope on ${f.dimension} covers ${f.value} (${held}).`,
    remedyStep(f.who, f.dimension, f.value, f.remedy),
    f.remedy.canRequest ? f.remedy.approvers : managers(),
  );
}

/** A dimension of a RESTRICTED KPI: no active scope on it means no row at all. */
export function dimensionDecision(f: { kpiLabel: string; who: string; dimension: string; activeValues: readonly string[]; remedy: ScopeRemedy }): Decision {
  if (f.activeValues.length) return allow('kpis.scope', `Rows whose ${f.dimension} is ${f.activeValues.includes('*') ? 'any value' : f.activeValues.join(' or ')} are visible.`);
  return deny(
    'kpis.scope-none',
    `${f.who === 'You' ? 'You hold' : `${f.who} holds`} no active scope on ${f.dimension}, so no row of ${f.kpiLabel} (RESTRICTED) is visible.`,
    f.remedy.canRequest
      ? `${f.who === 'You' ? 'Request' : 'They may request'} a value of it with requestAccess(dimension: "${f.dimension}", value: …). ${f.remedy.approversSentence}`
      : 'Ask an ADMIN or OWNER to grant a scope on it (grantAccessScope).',
    f.remedy.canRequest ? f.remedy.approvers : managers(),
  );
}

/** Whether a member may ask for access explanations of others (explainAccess). */
export const explainOthersDecision = (role: OrgRole): Decision => capabilityDecision('kpis.explainAccess', role);
