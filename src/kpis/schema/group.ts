// Groups of members that hold roles together: ADMIN and OWNER only.
import { builder } from '../../builder.ts';
import { userSelect } from '../../context.ts';
import type { Group } from '../../db/client.ts';
import { UserRef } from '../../identity/schema.ts';
import { addGroupMember, assignGroupRole, createGroup } from '../grants.ts';
import { RoleRef } from './role.ts';

const GroupRef = builder.node(builder.objectRef<Group>('Group'), {
  id: { resolve: (g) => g.id },
  authScopes: { can: 'kpis.manage' },
  loadMany: (ids, ctx) => ctx.db.group.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    members: t.field({
      type: [UserRef],
      resolve: async (g, _a, ctx) => {
        const rows = await ctx.db.groupMember.findMany({ where: { groupId: g.id }, select: { userId: true } });
        return ctx.db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: userSelect, orderBy: { email: 'asc' } });
      },
    }),
    roles: t.field({
      type: [RoleRef],
      resolve: async (g, _a, ctx) => {
        const rows = await ctx.db.groupRole.findMany({ where: { groupId: g.id }, select: { roleId: true } });
        return ctx.db.customRole.findMany({ where: { id: { in: rows.map((r) => r.roleId) } }, orderBy: { name: 'asc' } });
      },
    }),
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
