// GraphQL types, queries and mutations of KPIs, custom roles, groups and scopes.
// Every read goes through ctx.db, whose extension adds the caller's row-level filters.
import { userSelect } from '../context.ts';
import { ApprovalRequestRef } from '../approvals/schema.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import type { AccessScope, Alert, CustomRole, Dimension, Group, Kpi, KpiDataPoint, KpiPermission, Prisma } from '../db/client.ts';
import { badInput } from '../errors.ts';
import { UserRef } from '../identity/schema.ts';
import { connectionOf, pageArgs, paginate, prismaPage } from '../pagination.ts';
import { accessOf, dimensionColumn, isActive, profileFor } from './access.ts';
import * as kpis from './service.ts';

const KpiAccessEnum = builder.enumType('KpiAccess', { values: ['FULL', 'RESTRICTED', 'NONE'] as const });
const AlertOperatorEnum = builder.enumType('AlertOperator', { values: ['GT', 'GTE', 'LT', 'LTE'] as const });

export const DimensionRef = builder.node(builder.objectRef<Dimension>('Dimension'), {
  id: { resolve: (d) => d.id },
  authScopes: { member: true },
  loadMany: (ids, ctx) => ctx.db.dimension.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    values: t.stringList({ resolve: (d) => kpis.valuesOf(d) }),
  }),
});

const RoleBase = builder.objectRef<CustomRole>('Role');
export const RoleRef = builder.node(RoleBase, {
  id: { resolve: (r) => r.id },
  authScopes: { can: 'kpis.manage' },
  loadMany: (ids, ctx) => ctx.db.customRole.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    parent: t.field({ type: RoleBase, resolve: (r, _a, ctx) => (r.parentId ? ctx.db.customRole.findUnique({ where: { id: r.parentId } }) : null) }),
  }),
});

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

const DimensionValueRef = builder.objectRef<{ dimension: string; value: string }>('DimensionValue').implement({
  fields: (t) => ({ dimension: t.exposeString('dimension'), value: t.exposeString('value') }),
});

type PointShape = KpiDataPoint & { keys: string[] };
const KpiDataPointRef = builder.objectRef<PointShape>('KpiDataPoint').implement({
  fields: (t) => ({
    period: t.expose('period', { type: 'DateTime' }),
    value: t.exposeFloat('value'),
    dimensions: t.field({
      type: [DimensionValueRef],
      resolve: (p) => p.keys.map((dimension, i) => ({ dimension, value: p[dimensionColumn(i)] ?? '' })),
    }),
  }),
});
const KpiDataPointConnection = connectionOf(KpiDataPointRef, 'KpiDataPoint');

const KpiSummaryRef = builder.objectRef<{ count: number; sum: number | null; avg: number | null; min: number | null; max: number | null }>('KpiSummary').implement({
  description: 'Aggregates over the rows that the caller may see, and no others.',
  fields: (t) => ({
    count: t.exposeInt('count'),
    sum: t.exposeFloat('sum', { nullable: true }),
    avg: t.exposeFloat('avg', { nullable: true }),
    min: t.exposeFloat('min', { nullable: true }),
    max: t.exposeFloat('max', { nullable: true }),
  }),
});

const DimensionFilterInput = builder.inputType('DimensionFilter', {
  fields: (t) => ({ dimension: t.string({ required: true }), values: t.stringList({ required: true }) }),
});
const KpiDataFilterInput = builder.inputType('KpiDataFilter', {
  fields: (t) => ({
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
    dimensions: t.field({ type: [DimensionFilterInput] }),
  }),
});

type DataFilter = { from?: Date | null; to?: Date | null; dimensions?: { dimension: string; values: string[] }[] | null } | null | undefined;

/** The caller's filter as SQL conditions; row-level security is added by the extension on top. */
function dataWhere(kpi: Kpi, filter: DataFilter): Prisma.KpiDataPointWhereInput {
  const keys = kpis.dimensionKeysOf(kpi);
  const and: Prisma.KpiDataPointWhereInput[] = [{ kpiId: kpi.id }];
  if (filter?.from) and.push({ period: { gte: filter.from } });
  if (filter?.to) and.push({ period: { lt: filter.to } });
  for (const d of filter?.dimensions ?? []) {
    const index = keys.indexOf(d.dimension);
    if (index < 0) throw badInput(`KPI "${kpi.key}" has no dimension "${d.dimension.slice(0, 60)}"; its dimensions are ${keys.join(', ') || 'none'}.`);
    and.push({ [dimensionColumn(index)]: { in: d.values } });
  }
  return { AND: and };
}

const encodePointKey = (p: KpiDataPoint) => `${p.period.toISOString()}|${p.id}`;
function afterPoint(key: string | null): Prisma.KpiDataPointWhereInput[] {
  if (!key) return [];
  const [period, id] = key.split('|');
  const at = new Date(period ?? '');
  if (!id || Number.isNaN(at.getTime())) throw badInput('This cursor does not come from this list: pass an endCursor it returned.');
  return [{ OR: [{ period: { lt: at } }, { period: at, id: { lt: id } }] }];
}

export const KpiRef = builder.node(builder.objectRef<Kpi>('Kpi'), {
  id: { resolve: (k) => k.id },
  authScopes: { member: true },
  loadMany: (ids, ctx) => ctx.db.kpi.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    unit: t.exposeString('unit'),
    description: t.exposeString('description'),
    target: t.exposeFloat('target', { nullable: true }),
    dimensions: t.field({
      type: [DimensionRef],
      resolve: async (k, _a, ctx) => {
        const keys = kpis.dimensionKeysOf(k);
        const rows = await ctx.db.dimension.findMany({ where: { key: { in: keys } } });
        return keys.map((key) => rows.find((r) => r.key === key)!).filter(Boolean);
      },
    }),
    access: t.field({ type: KpiAccessEnum, description: "The caller's effective access to this KPI.", resolve: async (k, _a, ctx) => accessOf(await profileFor(ctx.rowRequest), k.id) }),
    data: t.field({
      type: KpiDataPointConnection,
      description: 'Newest period first.',
      args: { filter: t.arg({ type: KpiDataFilterInput }), ...pageArgs },
      resolve: (k, args, ctx) => {
        const where = dataWhere(k, args.filter);
        const keys = kpis.dimensionKeysOf(k);
        return paginate(
          ctx,
          args,
          encodePointKey,
          async (take, after) => {
            const rows = await ctx.db.kpiDataPoint.findMany({ where: { AND: [where, ...afterPoint(after)] }, orderBy: [{ period: 'desc' }, { id: 'desc' }], take });
            return rows.map((r) => ({ ...r, keys }));
          },
          () => ctx.db.kpiDataPoint.count({ where }),
        );
      },
    }),
    summary: t.field({
      type: KpiSummaryRef,
      args: { filter: t.arg({ type: KpiDataFilterInput }) },
      resolve: (k, args, ctx) => kpis.kpiSummary(ctx.db, dataWhere(k, args.filter)),
    }),
  }),
});
const KpiConnection = connectionOf(KpiRef, 'Kpi');

const KpiPermissionRef = builder.objectRef<KpiPermission>('KpiPermission').implement({
  fields: (t) => ({
    role: t.field({ type: RoleRef, resolve: (p, _a, ctx) => ctx.db.customRole.findUnique({ where: { id: p.roleId } }) }),
    kpi: t.field({ type: KpiRef, resolve: (p, _a, ctx) => ctx.db.kpi.findUnique({ where: { id: p.kpiId } }) }),
    access: t.field({ type: KpiAccessEnum, resolve: (p) => p.access as 'FULL' | 'RESTRICTED' | 'NONE' }),
  }),
});

const AccessScopeRef = builder.node(builder.objectRef<AccessScope>('AccessScope'), {
  id: { resolve: (s) => s.id },
  authScopes: { member: true },
  // By id: one's own scopes, or any for those who manage scopes.
  loadMany: async (ids, ctx) => {
    const manage = ctx.member.role === 'ADMIN' || ctx.member.role === 'OWNER';
    return ctx.db.accessScope.findMany({ where: { id: { in: ids }, ...(manage ? {} : { userId: ctx.user.id }) } });
  },
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (s, _a, ctx) => ctx.db.user.findUnique({ where: { id: s.userId }, select: userSelect }) }),
    dimension: t.field({ type: DimensionRef, resolve: (s, _a, ctx) => ctx.db.dimension.findFirst({ where: { key: s.dimensionKey } }) }),
    value: t.exposeString('value', { description: 'A dimension value, or * for every value of the dimension.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true }),
    active: t.boolean({
      description: 'True while now is inside [startsAt, endsAt) and the scope is not revoked.',
      resolve: (s) => isActive(s, new Date()),
    }),
  }),
});

const AlertRef = builder.node(builder.objectRef<Alert>('Alert'), {
  id: { resolve: (a) => a.id },
  authScopes: { member: true },
  loadMany: (ids, ctx) => ctx.db.alert.findMany({ where: { id: { in: ids } } }),
  fields: (t) => ({
    kpi: t.field({ type: KpiRef, resolve: (a, _x, ctx) => ctx.db.kpi.findUnique({ where: { id: a.kpiId } }) }),
    operator: t.field({ type: AlertOperatorEnum, resolve: (a) => a.operator as 'GT' | 'GTE' | 'LT' | 'LTE' }),
    threshold: t.exposeFloat('threshold'),
    createdBy: t.field({ type: UserRef, resolve: (a, _x, ctx) => ctx.db.user.findUnique({ where: { id: a.createdById }, select: userSelect }) }),
  }),
});

builder.objectField(ApprovalRequestRef, 'dimension', (t) =>
  t.field({ type: DimensionRef, resolve: (r, _a, ctx) => (r.dimensionKey ? ctx.db.dimension.findFirst({ where: { key: r.dimensionKey } }) : null) }),
);

const CreateKpiInputRef = builder.inputType('CreateKpiInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    name: t.string({ required: true }),
    unit: t.string(),
    description: t.string(),
    target: t.float(),
    dimensionKeys: t.stringList({ required: true }),
  }),
});
const DimensionValueInput = builder.inputType('DimensionValueInput', {
  fields: (t) => ({ dimension: t.string({ required: true }), value: t.string({ required: true }) }),
});
const KpiPointInput = builder.inputType('KpiPointInput', {
  fields: (t) => ({
    period: t.field({ type: 'DateTime', required: true }),
    value: t.float({ required: true }),
    dimensions: t.field({ type: [DimensionValueInput], required: true }),
  }),
});

const member = { member: true } as const;
const manage = { can: 'kpis.manage' } as const;

builder.queryFields((t) => ({
  dimensions: t.field({ type: [DimensionRef], authScopes: member, resolve: (_r, _a, ctx) => ctx.db.dimension.findMany({ orderBy: { key: 'asc' } }) }),
  kpis: t.field({
    type: KpiConnection,
    description: 'The KPIs the caller may see (access other than NONE), by key.',
    authScopes: member,
    args: pageArgs,
    resolve: (_r, args, ctx: Context) =>
      paginate(
        ctx,
        args,
        (k: Kpi) => k.id,
        (take, after) => ctx.db.kpi.findMany({ orderBy: [{ key: 'asc' }, { id: 'asc' }], ...prismaPage(take, after) }),
        () => ctx.db.kpi.count(),
      ),
  }),
  kpi: t.field({
    type: KpiRef,
    description: 'Null for a KPI the caller may not see.',
    authScopes: member,
    args: { id: t.arg.globalID({ required: true, for: KpiRef }) },
    resolve: (_r, args, ctx) => ctx.db.kpi.findUnique({ where: { id: args.id.id } }),
  }),
  roles: t.field({ type: [RoleRef], authScopes: manage, resolve: (_r, _a, ctx) => ctx.db.customRole.findMany({ orderBy: { name: 'asc' } }) }),
  groups: t.field({ type: [GroupRef], authScopes: manage, resolve: (_r, _a, ctx) => ctx.db.group.findMany({ orderBy: { name: 'asc' } }) }),
  myAccessScopes: t.field({
    type: [AccessScopeRef],
    description: "The caller's scopes that are not revoked, active or not (see `active`).",
    authScopes: member,
    resolve: (_r, _a, ctx) => ctx.db.accessScope.findMany({ where: { userId: ctx.user.id, revokedAt: null }, orderBy: [{ dimensionKey: 'asc' }, { value: 'asc' }] }),
  }),
}));

builder.mutationFields((t) => ({
  createDimension: t.field({
    type: DimensionRef,
    authScopes: member,
    args: { key: t.arg.string({ required: true }), name: t.arg.string({ required: true }), values: t.arg.stringList() },
    resolve: (_r, a, ctx) => kpis.createDimension(ctx, a.key, a.name, a.values),
  }),
  createKpi: t.field({
    type: KpiRef,
    authScopes: member,
    args: { input: t.arg({ type: CreateKpiInputRef, required: true }) },
    resolve: (_r, a, ctx) => kpis.createKpi(ctx, a.input),
  }),
  recordKpiData: t.int({
    description: 'Stores a batch of points, all or none; returns how many were stored.',
    authScopes: member,
    args: { kpiId: t.arg.globalID({ required: true, for: KpiRef }), points: t.arg({ type: [KpiPointInput], required: true }) },
    resolve: (_r, a, ctx) => kpis.recordKpiData(ctx, a.kpiId.id, a.points),
  }),
  createAlert: t.field({
    type: AlertRef,
    authScopes: member,
    args: { kpiId: t.arg.globalID({ required: true, for: KpiRef }), operator: t.arg({ type: AlertOperatorEnum, required: true }), threshold: t.arg.float({ required: true }) },
    resolve: (_r, a, ctx) => kpis.createAlert(ctx, a.kpiId.id, a.operator, a.threshold),
  }),
  createRole: t.field({
    type: RoleRef,
    authScopes: member,
    args: { name: t.arg.string({ required: true }), description: t.arg.string(), parentRoleId: t.arg.globalID({ for: RoleRef }) },
    resolve: (_r, a, ctx) => kpis.createRole(ctx, a.name, a.description, a.parentRoleId?.id),
  }),
  setRoleParent: t.field({
    type: RoleRef,
    description: 'Makes a role inherit from another (or from none); a cycle is refused.',
    authScopes: member,
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), parentRoleId: t.arg.globalID({ for: RoleRef }) },
    resolve: (_r, a, ctx) => kpis.setRoleParent(ctx, a.roleId.id, a.parentRoleId?.id),
  }),
  assignRole: t.field({
    type: RoleRef,
    authScopes: member,
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => kpis.assignRole(ctx, a.roleId.id, a.userId.id, true),
  }),
  unassignRole: t.field({
    type: RoleRef,
    authScopes: member,
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => kpis.assignRole(ctx, a.roleId.id, a.userId.id, false),
  }),
  createGroup: t.field({ type: GroupRef, authScopes: member, args: { name: t.arg.string({ required: true }) }, resolve: (_r, a, ctx) => kpis.createGroup(ctx, a.name) }),
  addGroupMember: t.field({
    type: GroupRef,
    authScopes: member,
    args: { groupId: t.arg.globalID({ required: true, for: GroupRef }), userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => kpis.addGroupMember(ctx, a.groupId.id, a.userId.id),
  }),
  assignGroupRole: t.field({
    type: GroupRef,
    authScopes: member,
    args: { groupId: t.arg.globalID({ required: true, for: GroupRef }), roleId: t.arg.globalID({ required: true, for: RoleRef }) },
    resolve: (_r, a, ctx) => kpis.assignGroupRole(ctx, a.groupId.id, a.roleId.id),
  }),
  setKpiPermission: t.field({
    type: KpiPermissionRef,
    authScopes: member,
    args: { roleId: t.arg.globalID({ required: true, for: RoleRef }), kpiId: t.arg.globalID({ required: true, for: KpiRef }), access: t.arg({ type: KpiAccessEnum, required: true }) },
    resolve: (_r, a, ctx) => kpis.setKpiPermission(ctx, a.roleId.id, a.kpiId.id, a.access),
  }),
  grantAccessScope: t.field({
    type: AccessScopeRef,
    authScopes: member,
    args: {
      userId: t.arg.globalID({ required: true, for: UserRef }),
      dimension: t.arg.string({ required: true }),
      value: t.arg.string({ required: true }),
      startsAt: t.arg({ type: 'DateTime' }),
      endsAt: t.arg({ type: 'DateTime' }),
    },
    resolve: (_r, a, ctx) => kpis.grantAccessScope(ctx, a.userId.id, a.dimension, a.value, a.startsAt, a.endsAt),
  }),
  revokeAccessScope: t.field({
    type: AccessScopeRef,
    authScopes: member,
    args: { id: t.arg.globalID({ required: true, for: AccessScopeRef }) },
    resolve: (_r, a, ctx) => kpis.revokeAccessScope(ctx, a.id.id),
  }),
  setScopeApprover: t.boolean({
    authScopes: member,
    args: { dimension: t.arg.string({ required: true }), value: t.arg.string({ required: true }), userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => kpis.setScopeApprover(ctx, a.dimension, a.value, a.userId.id),
  }),
  requestAccess: t.field({
    type: ApprovalRequestRef,
    authScopes: member,
    args: {
      dimension: t.arg.string({ required: true }),
      value: t.arg.string({ required: true }),
      justification: t.arg.string({ required: true }),
      startsAt: t.arg({ type: 'DateTime' }),
      endsAt: t.arg({ type: 'DateTime' }),
    },
    resolve: (_r, a, ctx) => kpis.requestAccess(ctx, a.dimension, a.value, a.justification, a.startsAt, a.endsAt),
  }),
}));
