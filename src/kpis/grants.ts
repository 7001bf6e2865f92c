// Custom roles (with inheritance), groups, role assignments and KPI permissions: what a member's
// access to each KPI is made of. Every change bumps the organization's access version, so cached
// profiles are dropped, and commits with its audit event.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { refusalError } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import type { CustomRole, Db, Tx } from '../db/client.ts';
import { badInput, notFound } from '../errors.ts';
import { bumpAccessVersion, type KpiAccess } from './access.ts';
import { LIMITS, optionalText, requiredText, uniquely } from './input.ts';
import { grantRecipientDecision } from './policy.ts';

async function memberUser(db: Db | Tx, userId: string) {
  // Through the tenant-scoped client: only members of this organization are found.
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) throw notFound('member', encodeGlobalID('User', userId));
  return user;
}

/** The member about to receive a role, group, scope or delegation: FORBIDDEN while they are only invited. */
export async function grantRecipient(db: Db | Tx, userId: string) {
  // Through the tenant-scoped client: only memberships of this organization are found.
  const membership = await db.membership.findFirst({ where: { userId }, select: { status: true, user: { select: { email: true } } } });
  if (!membership) throw notFound('member', encodeGlobalID('User', userId));
  const decision = grantRecipientDecision(membership.status);
  if (!decision.allowed) throw refusalError(decision);
  return membership.user;
}

async function roleById(db: Db | Tx, id: string) {
  const role = await db.customRole.findUnique({ where: { id } });
  if (!role) throw notFound('role', encodeGlobalID('Role', id));
  return role;
}

export async function createRole(ctx: Context, roleName: string, description: string | null | undefined, parentRoleId: string | null | undefined) {
  const name = requiredText('name', roleName, LIMITS.name);
  const about = optionalText('description', description, LIMITS.description);
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        if (parentRoleId) await roleById(tx, parentRoleId);
        const row = await tx.customRole.create({ data: { organizationId: ctx.member.organizationId, name, description: about, parentId: parentRoleId ?? null } });
        await record({ action: 'role.create', targetType: 'CustomRole', targetId: row.id, metadata: { name: row.name, parentId: row.parentId } });
        return row;
      }),
    `A role named "${name}" already exists here.`,
  );
}

/** Re-parents a role; refuses a cycle (a role cannot inherit from itself through its descendants). */
export async function setRoleParent(ctx: Context, roleId: string, parentRoleId: string | null | undefined) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    if (parentRoleId) {
      await roleById(tx, parentRoleId);
      const roles = await tx.customRole.findMany({ select: { id: true, parentId: true } });
      const parentOf = new Map(roles.map((r) => [r.id, r.parentId]));
      const seen = new Set<string>();
      for (let id: string | null | undefined = parentRoleId; id && !seen.has(id); id = parentOf.get(id)) {
        if (id === roleId) throw badInput(`Role "${role.name}" cannot inherit from that role: it would inherit from itself (a cycle).`, { field: 'parentRoleId' });
        seen.add(id);
      }
    }
    const row = await tx.customRole.update({ where: { id: roleId }, data: { parentId: parentRoleId ?? null } });
    await bumpAccessVersion(tx, row.organizationId);
    await record({ action: 'role.reparent', targetType: 'CustomRole', targetId: roleId, metadata: { from: role.parentId, to: row.parentId } });
    return row;
  });
}

/**
 * Takes a role away from a member in the caller's transaction: the one effect of unassignRole and of
 * an access review's REVOKE. Bumps the access version and records `role.unassign`.
 */
export async function unassignRoleIn(tx: Tx, record: RecordEvent, role: CustomRole, userId: string, email: string, metadata: Record<string, unknown> = {}) {
  await tx.roleAssignment.deleteMany({ where: { roleId: role.id, userId } });
  await bumpAccessVersion(tx, role.organizationId);
  await record({ organizationId: role.organizationId, action: 'role.unassign', targetType: 'CustomRole', targetId: role.id, metadata: { role: role.name, email, ...metadata } });
}

/** Gives (or takes away) a role; only giving needs a member who has accepted their invitation. */
export async function assignRole(ctx: Context, roleId: string, userId: string, assign: boolean) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    const user = assign ? await grantRecipient(tx, userId) : await memberUser(tx, userId);
    if (!assign) {
      await unassignRoleIn(tx, record, role, userId, user.email);
      return role;
    }
    if (!(await tx.roleAssignment.findFirst({ where: { roleId, userId } })))
      await tx.roleAssignment.create({ data: { organizationId: role.organizationId, roleId, userId } });
    await bumpAccessVersion(tx, role.organizationId);
    await record({ action: 'role.assign', targetType: 'CustomRole', targetId: roleId, metadata: { role: role.name, email: user.email } });
    return role;
  });
}

async function groupById(db: Db | Tx, id: string) {
  const group = await db.group.findUnique({ where: { id } });
  if (!group) throw notFound('group', encodeGlobalID('Group', id));
  return group;
}

export async function createGroup(ctx: Context, groupName: string) {
  const name = requiredText('name', groupName, LIMITS.name);
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        const row = await tx.group.create({ data: { organizationId: ctx.member.organizationId, name } });
        await record({ action: 'group.create', targetType: 'Group', targetId: row.id, metadata: { name: row.name } });
        return row;
      }),
    `A group named "${name}" already exists here.`,
  );
}

export async function addGroupMember(ctx: Context, groupId: string, userId: string) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const group = await groupById(tx, groupId);
    const user = await grantRecipient(tx, userId);
    if (!(await tx.groupMember.findFirst({ where: { groupId, userId } })))
      await tx.groupMember.create({ data: { organizationId: group.organizationId, groupId, userId } });
    await bumpAccessVersion(tx, group.organizationId);
    await record({ action: 'group.member.add', targetType: 'Group', targetId: groupId, metadata: { group: group.name, email: user.email } });
    return group;
  });
}

export async function assignGroupRole(ctx: Context, groupId: string, roleId: string) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const group = await groupById(tx, groupId);
    const role = await roleById(tx, roleId);
    if (!(await tx.groupRole.findFirst({ where: { groupId, roleId } })))
      await tx.groupRole.create({ data: { organizationId: group.organizationId, groupId, roleId } });
    await bumpAccessVersion(tx, group.organizationId);
    await record({ action: 'group.role.assign', targetType: 'Group', targetId: groupId, metadata: { group: group.name, role: role.name } });
    return group;
  });
}

export async function setKpiPermission(ctx: Context, roleId: string, kpiId: string, access: KpiAccess) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    const kpi = await tx.kpi.findUnique({ where: { id: kpiId } });
    if (!kpi) throw notFound('KPI', encodeGlobalID('Kpi', kpiId));
    const existing = await tx.kpiPermission.findFirst({ where: { roleId, kpiId } });
    const row = existing
      ? await tx.kpiPermission.update({ where: { id: existing.id }, data: { access } })
      : await tx.kpiPermission.create({ data: { organizationId: role.organizationId, roleId, kpiId, access } });
    await bumpAccessVersion(tx, role.organizationId);
    await record({ action: 'kpi.permission.set', targetType: 'Kpi', targetId: kpiId, metadata: { role: role.name, kpi: kpi.key, access, from: existing?.access ?? null } });
    return row;
  });
}
