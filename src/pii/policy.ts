// Rules of customers and leads as pure functions over the matrix's `records.*` cells: who sees PII
// in full, how a PII change or a deletion takes effect, who sees deleted records, and which PII a
// change carries. Unit-tested in policy.test.ts.
import { allowsFully, capabilityDecision, cellOf } from '../authz/capabilities.ts';
import type { Decision } from '../authz/decision.ts';
import type { CapabilityName, OrgRole } from '../authz/matrix.ts';
import { PII_FIELDS, type PiiValues } from './fields.ts';

/** Email and phone in full; masked otherwise. */
export const seesPii = (role: OrgRole) => allowsFully('records.read', role);

/** A change applied at once, or a PII_CHANGE request that applies when an OWNER approves it. */
export type ChangeRoute = 'direct' | 'request';

// Asked once the capability is allowed (scope-auth or the decision below): a `yes` cell applies
// the change, a `limited` one only requests it.
const routeOf = (capability: CapabilityName, role: OrgRole): ChangeRoute => (cellOf(capability, role) === 'yes' ? 'direct' : 'request');

/** May the member change (or request a change of) email and phone at all? */
export const piiChangeDecision = (role: OrgRole): Decision => capabilityDecision('records.changePii', role);

export const piiChangeOutcome = (role: OrgRole): ChangeRoute => routeOf('records.changePii', role);

export const deleteOutcome = (role: OrgRole): ChangeRoute => routeOf('records.delete', role);

/** `includeDeleted`: listing and looking up soft-deleted records. */
export const readDeletedDecision = (role: OrgRole): Decision => capabilityDecision('records.readDeleted', role);

/**
 * The PII a change carries, in field order. A request carries every field given, equal to the
 * stored value or not: a requester may not see the stored values, and whether a request opened
 * would tell them that they guessed one. A direct change writes only the values that differ.
 */
export function piiChangeOf(route: ChangeRoute, given: PiiValues, stored: Record<(typeof PII_FIELDS)[number], string | null>): PiiValues {
  const fields = PII_FIELDS.filter((f) => f in given && (route === 'request' || given[f] !== stored[f]));
  return Object.fromEntries(fields.map((f) => [f, given[f] ?? null]));
}
