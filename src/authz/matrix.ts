// The permission matrix as data: one place, read by src/authz/capabilities.ts (scope checks) and
// the domain policies, printed in docs/authorization.md and walked cell by cell by test/matrix.test.ts.

export const ORG_ROLES = ['VIEWER', 'EDITOR', 'ADMIN', 'OWNER'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** yes: allowed; no: refused; limited: allowed within the rule named in `limit`. */
export type Cell = 'yes' | 'no' | 'limited';

export interface Capability {
  describe: string;
  cells: Record<OrgRole, Cell>;
  limit?: string;
}

const only = (...roles: OrgRole[]): Record<OrgRole, Cell> =>
  Object.fromEntries(ORG_ROLES.map((r) => [r, roles.includes(r) ? 'yes' : 'no'])) as Record<OrgRole, Cell>;

export const MATRIX = {
  'organization.read': { describe: 'read the organization', cells: only('VIEWER', 'EDITOR', 'ADMIN', 'OWNER') },
  'members.read': {
    describe: 'list members and read their profiles',
    cells: { VIEWER: 'limited', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'a VIEWER or EDITOR reads only their own membership and profile',
  },
  'members.invite': {
    describe: 'invite members',
    cells: { VIEWER: 'no', EDITOR: 'no', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an ADMIN may invite EDITOR and VIEWER members only',
  },
  'members.setRole': {
    describe: "change a member's role",
    cells: { VIEWER: 'no', EDITOR: 'no', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an ADMIN may not change an OWNER, nor grant OWNER or ADMIN',
  },
  'members.setStatus': {
    describe: 'disable or re-enable a member',
    cells: { VIEWER: 'no', EDITOR: 'no', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an ADMIN may not disable or re-enable an OWNER',
  },
  'audit.read': { describe: 'read the audit log and verify its chain', cells: only('ADMIN', 'OWNER') },
  'kpis.read': {
    describe: 'read KPI definitions and data',
    cells: { VIEWER: 'limited', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'a VIEWER or EDITOR reads the KPIs their custom roles grant, RESTRICTED to their scopes; an EDITOR also has FULL on the KPIs they created',
  },
  'kpis.write': {
    describe: 'create KPIs, record data and create alerts',
    cells: { VIEWER: 'no', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'an EDITOR records data only into KPIs they have FULL access to',
  },
  'kpis.manage': {
    describe: 'manage dimensions, custom roles, groups, KPI permissions, scopes and scope approvers',
    cells: only('ADMIN', 'OWNER'),
  },
  'kpis.requestAccess': { describe: 'request a KPI access scope', cells: only('VIEWER', 'EDITOR') },
  'reviews.manage': { describe: "open access reviews and follow every review's progress", cells: only('ADMIN', 'OWNER') },
  'reviews.decide': {
    describe: 'keep or revoke an item of an access review',
    cells: { VIEWER: 'limited', EDITOR: 'limited', ADMIN: 'limited', OWNER: 'limited' },
    limit: 'a VIEWER or EDITOR decides only the items assigned to them (ADMIN and OWNER may decide any item); nobody decides an item about their own access',
  },
  'kpis.explainAccess': { describe: "explain any member's access to a KPI (explainAccess)", cells: only('ADMIN', 'OWNER') },
  'workflows.read': { describe: 'list workflows and read their name and status', cells: only('VIEWER', 'EDITOR', 'ADMIN', 'OWNER') },
  'workflows.readDetails': { describe: "read a workflow's actions and runs", cells: only('EDITOR', 'ADMIN', 'OWNER') },
  'workflows.create': {
    describe: 'create workflows',
    cells: { VIEWER: 'no', EDITOR: 'limited', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'a risky workflow (WEBHOOK, SET_KPI_TARGET) of an EDITOR or ADMIN waits for approval by an ADMIN or OWNER other than its requester before it runs',
  },
  'workflows.manage': {
    describe: 'update, run and delete workflows',
    cells: { VIEWER: 'no', EDITOR: 'limited', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an EDITOR changes, runs and deletes only the workflows they created; risky changes by an EDITOR or ADMIN wait for approval',
  },
  'workflows.readOutput': {
    describe: "read a workflow run's output",
    // ADMIN has FULL on every KPI, so every output reveals only what an ADMIN may see.
    cells: { VIEWER: 'no', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'an EDITOR reads an output only where they may see what it reveals (SNAPSHOT_KPI: FULL access to that KPI)',
  },
  'records.read': {
    describe: 'read customers and leads',
    cells: { VIEWER: 'limited', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'email and phone are masked for VIEWER and EDITOR',
  },
  'records.write': { describe: 'create customers and leads and edit their non-PII fields', cells: only('EDITOR', 'ADMIN', 'OWNER') },
  'records.changePii': {
    describe: 'change the email or phone of a customer or lead',
    cells: { VIEWER: 'no', EDITOR: 'limited', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an EDITOR or ADMIN only requests the change: it applies when an OWNER approves it',
  },
  'records.delete': {
    describe: 'soft- or hard-delete customers and leads',
    cells: { VIEWER: 'no', EDITOR: 'no', ADMIN: 'limited', OWNER: 'yes' },
    limit: 'an ADMIN only requests the deletion: it applies when an OWNER approves it',
  },
  'records.readDeleted': { describe: 'see deleted customers and leads (includeDeleted)', cells: only('ADMIN', 'OWNER') },
  'approvals.decide.WORKFLOW': { describe: 'approve or reject WORKFLOW requests', cells: only('ADMIN', 'OWNER') },
  'approvals.decide.ACCESS_SCOPE': {
    describe: 'approve or reject ACCESS_SCOPE requests',
    cells: { VIEWER: 'limited', EDITOR: 'limited', ADMIN: 'yes', OWNER: 'yes' },
    limit: 'a VIEWER or EDITOR decides only requests for the dimension values delegated to them',
  },
  'approvals.decide.PII_CHANGE': { describe: 'approve or reject PII_CHANGE requests', cells: only('OWNER') },
  'approvals.setPolicy': {
    describe: 'set approval policies (how many distinct approvals a kind of request needs, and whose count)',
    cells: only('OWNER'),
  },
} as const satisfies Record<string, Capability>;

export type CapabilityName = keyof typeof MATRIX;
