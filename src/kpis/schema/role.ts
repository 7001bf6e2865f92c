// Custom roles (with inheritance), their assignment to members and their KPI permissions: ADMIN
// and OWNER only.
import { builder } from '../../builder.ts';
import type { CustomRole, KpiPermission } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { recordById, required } from '../../loaders.ts';
import type { KpiAccess } from '../access.ts';
import { assignRole, createRole, setKpiPermission, setRoleParent } from '../grants.ts';
import { KpiAccessEnum, KpiRef } from './kpi.ts';

const RoleBase = builder.objectRef<CustomRole>('Role');
export const RoleRef = builder.node(RoleBase, {
  id: { resolve: (r) => r.id },
  authScopes: { can: 'kpis.manage' },
  loadMany: (ids, ctx) => ctx.db.customRole.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    parent: t.field({ type: RoleBase, nullable: true, resolve: (r, _a, ctx) => (r.parentId ? recordById.customRole(ctx).load(r.parentId) : null) }),
  }),
});

// Roles and KPIs are never deleted, and only ADMIN and OWNER (who see every KPI) reach a permission.
const KpiPermissionRef = builder.objectRef<KpiPermission>('KpiPermission').implement({
  fields: (t) => ({
    role: t.field({ type: RoleRef, resolve: (p, _a, ctx) => required(recordById.customRole(ctx).load(p.roleId), `role ${p.roleId}`) }),
    kpi: t.field({ type: KpiRef, resolve: (p, _a, ctx) => required(recordById.kpi(ctx).load(p.kpiId), `KPI ${p.kpiId}`) }),
    access: t.field({ type: KpiAccessEnum, resolve: (p) => p.access as KpiAccess }),
  }),
});

builder.queryField('roles', (t) =>
  t.field({ type: [RoleRef], authScopes: { can: 'kpis.manage' }, resolve: (_r, _a, ctx) => ctx.db.customRole.findMany({ orderBy: { name: 'asc' } }) }),
);

const roleAndUser = builder.args((t) => ({
  roleId: t.globalID({ required: true, for: RoleRef }),
  userId: t.globalID({ required: true, for: UserRef }),
}));

builder.mutationFields((t) => ({
  createRole: t.field({
    type: RoleRef,
    authScopes: { can: 'kpis.manage' },
    args: { name: t.arg.string({ required: true }), description: t.arg.string(), parentRoleId: t.arg.globalID({ for: RoleRef }) },
    resolve: (_r, a, ctx) => createRole(ctx, a.name, a.description, a.parentRoleId?.id),
  }),
  setRoleParent: t.field({
    type: RoleRef,
    description: 'Makes a role inherit from another (or from none); a cycle is refused.',
    authScopes: { can: 'kpis.manage' },
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), parentRoleId: t.arg.globalID({ for: RoleRef }) },
    resolve: (_r, a, ctx) => setRoleParent(ctx, a.roleId.id, a.parentRoleId?.id),
  }),
  assignRole: t.field({
    type: RoleRef,
    description: 'Gives a member a role; FORBIDDEN (kpis.grant-to-invited) until they have accepted their invitation.',
    authScopes: { can: 'kpis.manage' },
    args: roleAndUser,
    resolve: (_r, a, ctx) => assignRole(ctx, a.roleId.id, a.userId.id, true),
  }),
  unassignRole: t.field({
    type: RoleRef,
    authScopes: { can: 'kpis.manage' },
    args: roleAndUser,
    resolve: (_r, a, ctx) => assignRole(ctx, a.roleId.id, a.userId.id, false),
  }),
  setKpiPermission: t.field({
    type: KpiPermissionRef,
    authScopes: { can: 'kpis.manage' },
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), kpiId: t.arg.globalID({ required: true, for: KpiRef }), access: t.arg({ type: KpiAccessEnum, required: true }) },
    resolve: (_r, a, ctx) => setKpiPermission(ctx, a.roleId.id, a.kpiId.id, a.access),
  }),
}));
