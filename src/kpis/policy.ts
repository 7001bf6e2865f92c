// KPI rules as pure functions: who gains FULL on the KPIs they created, who writes to a KPI, who may
// receive grants and who reads any member's scopes. Unit-tested in policy.test.ts.
import { allowsFully, capabilityDecision, cellOf, rolesAllowed } from '../authz/capabilities.ts';
import { allow, deny, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';

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
