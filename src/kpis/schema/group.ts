// Groups of members that hold roles together: ADMIN and OWNER only.
import { builder } from '../../builder.ts';
import { userSelect, type Context } from '../../context.ts';
import type { Group } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { distinct, requestLoader } from '../../loaders.ts';
import { addGroupMember, assignGroupRole, createGroup } from '../grants.ts';
import { RoleRef } from './role.ts';

/** The members of groups, by email: a list of groups in two statements. */
const groupMembers = requestLoader(
  async (ctx: Context, groupIds: readonly string[]) => {
    const links = await ctx.db.groupMember.findMany({ where: { groupId: { in: distinct(groupIds) } }, select: { groupId: true, userId: true } });
    const users = await ctx.db.user.findMany({ where: { id: { in: distinct(links.map((l) => l.userId)) } }, select: userSelect, orderBy: { email: 'asc' } });
    return groupIds.map((groupId) => {
      const inGroup = new Set(links.filter((l) => l.groupId === groupId).map((l) => l.userId));
      return users.filter((u) => inGroup.has(u.id));
    });
  },
  { cache: false },
);

/** The roles groups hold, by name: a list of groups in two statements. */
const groupRoles = requestLoader(
  async (ctx: Context, groupIds: readonly string[]) => {
    const links = await ctx.db.groupRole.findMany({ where: { groupId: { in: distinct(groupIds) } }, select: { groupId: true, roleId: true } });
    const roles = await ctx.db.customRole.findMany({ where: { id: { in: distinct(links.map((l) => l.roleId)) } }, orderBy: { name: 'asc' } });
    return groupIds.map((groupId) => {
      const held = new Set(links.filter((l) => l.groupId === groupId).map((l) => l.roleId));
      return roles.filter((r) => held.has(r.id));
    });
  },
  { cache: false },
);

const GroupRef = builder.node(builder.objectRef<Group>('Group'), {
  id: { resolve: (g) => g.id },
  authScopes: { can: 'kpis.manage' },
  loadMany: (ids, ctx) => ctx.db.group.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    members: t.field({ type: [UserRef], resolve: (g, _a, ctx) => groupMembers(ctx).load(g.id) }),
    roles: t.field({ type: [RoleRef], resolve: (g, _a, ctx) => groupRoles(ctx).load(g.id) }),
  }),
});

builder.queryField('groups', (t) =>
  t.field({ type: [GroupRef], authScopes: { can: 'kpis.manage' }, resolve: (_r, _a, ctx) => ctx.db.group.findMany({ orderBy: { name: 'asc' } }) }),
);

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: GroupRef,
    authScopes: { can: 'kpis.manage' },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => createGroup(ctx, a.name),
  }),
  addGroupMember: t.field({
    type: GroupRef,
    description: 'FORBIDDEN (kpis.grant-to-invited) for a member who has not accepted their invitation.',
    authScopes: { can: 'kpis.manage' },
    args: { groupId: t.arg.globalID({ required: true, for: GroupRef }), userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => addGroupMember(ctx, a.groupId.id, a.userId.id),
  }),
  assignGroupRole: t.field({
    type: GroupRef,
    authScopes: { can: 'kpis.manage' },
    args: { groupId: t.arg.globalID({ required: true, for: GroupRef }), roleId: t.arg.globalID({ required: true, for: RoleRef }) },
    resolve: (_r, a, ctx) => assignGroupRole(ctx, a.groupId.id, a.roleId.id),
  }),
}));
