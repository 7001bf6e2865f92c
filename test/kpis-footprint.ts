// What KPI mutations may write in an organization, counted: equal before and after a refusal.
import type { TestServer } from './harness.ts';

export async function kpiFootprint(server: TestServer, organizationId: string) {
  const where = { where: { organizationId } };
  const { db } = server;
  return {
    dimensions: await db.dimension.count(where),
    kpis: await db.kpi.count(where),
    points: await db.kpiDataPoint.count(where),
    alerts: await db.alert.count(where),
    roles: await db.customRole.count(where),
    assignments: await db.roleAssignment.count(where),
    groups: await db.group.count(where),
    groupMembers: await db.groupMember.count(where),
    groupRoles: await db.groupRole.count(where),
    permissions: await db.kpiPermission.count(where),
    scopes: await db.accessScope.count(where),
    revoked: await db.accessScope.count({ where: { organizationId, revokedAt: { not: null } } }),
    approvers: await db.scopeApprover.count(where),
    requests: await db.approvalRequest.count(where),
    // Refusals are audited as auth.denied; changes are everything else.
    changes: await db.auditEvent.count({ where: { organizationId, action: { not: 'auth.denied' } } }),
  };
}
