// KPI mutations: dimensions, KPIs, data, alerts, custom roles, groups, permissions, scopes,
// delegated approvers and access requests. Every change commits with its audit event.
import { requestApproval } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor } from '../audit/record.ts';
import { assertCapability } from '../authz/capabilities.ts';
import type { Context } from '../context.ts';
import { isUniqueViolation, type Db, type Prisma, type Tx } from '../db/client.ts';
import { badInput, conflict, forbidden, notFound } from '../errors.ts';
import { accessOf, profileFor, bumpAccessVersion, dimensionColumn, isActive, MAX_DIMENSIONS, type KpiAccess } from './access.ts';

const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const keyProblem = (what: string, key: string) =>
  KEY.test(key) ? null : `A ${what} key is 1 to 40 lower-case letters, digits or _, starting with a letter; "${key.slice(0, 60)}" is not.`;
const name = (value: string, what = 'name') => {
  const v = value.trim();
  if (v.length < 1 || v.length > 120) throw badInput(`A ${what} has 1 to 120 characters.`);
  return v;
};
const optionalText = (value: string | null | undefined, max = 1000) => {
  const v = value?.trim();
  if (v && v.length > max) throw badInput(`A description has at most ${max} characters.`);
  return v || null;
};
const finite = (value: number | null | undefined, what: string) => {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || Math.abs(value) > 1e15) throw badInput(`${what} must be a finite number within ±1e15; it was ${value}.`);
  return value;
};

export const valuesOf = (dimension: { values: string }) => JSON.parse(dimension.values) as string[];
export const dimensionKeysOf = (kpi: { dimensionKeys: string }) => JSON.parse(kpi.dimensionKeys) as string[];

async function uniquely<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message);
    throw error;
  }
}

async function memberUserId(db: Db | Tx, userId: string) {
  // Through the tenant-scoped client: only members of the organization are found.
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) throw notFound('member', userId);
  return user;
}

async function dimensionByKey(db: Db | Tx, key: string) {
  const dimension = await db.dimension.findFirst({ where: { key } });
  if (!dimension) throw badInput(`There is no dimension "${key.slice(0, 60)}" here. \`dimensions\` lists them; ADMIN and OWNER create them with createDimension.`);
  return dimension;
}

function checkWindow(startsAt?: Date | null, endsAt?: Date | null) {
  if (startsAt && endsAt && endsAt <= startsAt) throw badInput('`endsAt` must be after `startsAt`: a scope is active inside [startsAt, endsAt).');
}

// ---------------------------------------------------------------- dimensions and KPIs

export async function createDimension(ctx: Context, key: string, dimensionName: string, values: readonly string[] | null | undefined) {
  assertCapability(ctx.member, 'kpis.manage');
  const problem = keyProblem('dimension', key);
  if (problem) throw badInput(problem);
  const list = (values ?? []).map((v) => v.trim());
  if (list.length > 500) throw badInput('A dimension has at most 500 values.');
  for (const v of list) if (!v || v.length > 100 || v === '*') throw badInput(`Dimension values have 1 to 100 characters and are not "*" (which means every value); "${v.slice(0, 60)}" is not valid.`);
  if (new Set(list).size !== list.length) throw badInput('Dimension values must be distinct.');
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        const row = await tx.dimension.create({ data: { organizationId: ctx.member.organizationId, key, name: name(dimensionName), values: JSON.stringify(list) } });
        await record({ action: 'dimension.create', targetType: 'Dimension', targetId: row.id, metadata: { key, values: list.length } });
        return row;
      }),
    `A dimension with key "${key}" already exists here.`,
  );
}

export interface CreateKpiInput {
  key: string;
  name: string;
  unit?: string | null;
  description?: string | null;
  target?: number | null;
  dimensionKeys: readonly string[];
}

export async function createKpi(ctx: Context, input: CreateKpiInput) {
  assertCapability(ctx.member, 'kpis.write');
  // The creator gains FULL on it: the rest of this request must see that.
  try {
    return await createKpiRow(ctx, input);
  } finally {
    ctx.refreshRowFilters();
  }
}

async function createKpiRow(ctx: Context, input: CreateKpiInput) {
  const problem = keyProblem('KPI', input.key);
  if (problem) throw badInput(problem);
  if (input.dimensionKeys.length > MAX_DIMENSIONS) throw badInput(`A KPI has at most ${MAX_DIMENSIONS} dimensions.`);
  if (new Set(input.dimensionKeys).size !== input.dimensionKeys.length) throw badInput('A KPI names each dimension once.');
  const unit = input.unit?.trim() || null;
  if (unit && unit.length > 20) throw badInput('A unit has at most 20 characters.');
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        for (const key of input.dimensionKeys) await dimensionByKey(tx, key);
        const row = await tx.kpi.create({
          data: {
            organizationId: ctx.member.organizationId,
            key: input.key,
            name: name(input.name),
            unit,
            description: optionalText(input.description),
            target: finite(input.target, 'target'),
            dimensionKeys: JSON.stringify(input.dimensionKeys),
            createdById: ctx.user.id,
          },
        });
        await bumpAccessVersion(tx, row.organizationId);
        await record({ action: 'kpi.create', targetType: 'Kpi', targetId: row.id, metadata: { key: row.key, dimensions: input.dimensionKeys } });
        return row;
      }),
    `A KPI with key "${input.key}" already exists here.`,
  );
}

/** Aggregates over the points the caller's client may see (row-level security applies). */
export async function kpiSummary(db: Db, where: Prisma.KpiDataPointWhereInput) {
  const r = await db.kpiDataPoint.aggregate({ where, _count: { _all: true }, _sum: { value: true }, _avg: { value: true }, _min: { value: true }, _max: { value: true } });
  return { count: r._count._all, sum: r._sum.value, avg: r._avg.value, min: r._min.value, max: r._max.value };
}

/** The KPI if the caller may see it; NOT_FOUND otherwise (the row filter decides). */
export async function visibleKpi(ctx: Context, kpiId: string) {
  const kpi = await ctx.db.kpi.findUnique({ where: { id: kpiId } });
  if (!kpi) throw notFound('KPI', kpiId);
  return kpi;
}

export interface PointInput {
  period: Date;
  value: number;
  dimensions: readonly { dimension: string; value: string }[];
}

const MAX_BATCH = 5000;
const crosses = (operator: string, value: number, threshold: number) =>
  operator === 'GT' ? value > threshold : operator === 'GTE' ? value >= threshold : operator === 'LT' ? value < threshold : value <= threshold;

/** Validates and stores a batch of points, all or nothing; fires alerts and publishes them after commit. */
export async function recordKpiData(ctx: Context, kpiId: string, points: readonly PointInput[]) {
  assertCapability(ctx.member, 'kpis.write');
  const kpi = await visibleKpi(ctx, kpiId);
  if (accessOf(await profileFor(ctx.rowRequest), kpi.id) !== 'FULL')
    throw forbidden(`Recording data into KPI "${kpi.key}" needs FULL access to it; yours is RESTRICTED. Ask an ADMIN to grant FULL through a custom role.`, 'kpis.record-needs-full');
  if (points.length === 0) throw badInput('Send at least one point.');
  if (points.length > MAX_BATCH) throw badInput(`A batch has at most ${MAX_BATCH} points; it had ${points.length}. Split it.`);
  const keys = dimensionKeysOf(kpi);
  const dimensions = await ctx.db.dimension.findMany({ where: { key: { in: keys } } });
  const allowed = new Map(dimensions.map((d) => [d.key, new Set(valuesOf(d))]));
  const rows = points.map((p, i) => {
    const where = `Point ${i + 1}`;
    if (!(p.period instanceof Date) || Number.isNaN(p.period.getTime())) throw badInput(`${where}: period is not a valid date-time.`);
    if (!Number.isFinite(p.value) || Math.abs(p.value) > 1e15) throw badInput(`${where}: value must be a finite number within ±1e15.`);
    const given = new Map<string, string>();
    for (const d of p.dimensions) {
      if (given.has(d.dimension)) throw badInput(`${where}: dimension "${d.dimension}" is given twice.`);
      if (!keys.includes(d.dimension)) throw badInput(`${where}: KPI "${kpi.key}" has no dimension "${d.dimension.slice(0, 60)}"; its dimensions are ${keys.join(', ') || 'none'}.`);
      if (!allowed.get(d.dimension)?.has(d.value)) throw badInput(`${where}: "${d.value.slice(0, 60)}" is not a value of dimension "${d.dimension}".`);
      given.set(d.dimension, d.value);
    }
    const missing = keys.filter((k) => !given.has(k));
    if (missing.length) throw badInput(`${where}: every dimension of KPI "${kpi.key}" needs exactly one value; missing ${missing.join(', ')}.`);
    const row: Prisma.KpiDataPointCreateManyInput = { organizationId: kpi.organizationId, kpiId: kpi.id, period: p.period, value: p.value };
    keys.forEach((k, index) => (row[dimensionColumn(index)] = given.get(k)!));
    return row;
  });
  const fired = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    await tx.kpiDataPoint.createMany({ data: rows });
    const alerts = await tx.alert.findMany({ where: { kpiId: kpi.id } });
    const firings: { id: string; alertId: string }[] = [];
    for (const alert of alerts) {
      for (const row of rows) {
        if (!crosses(alert.operator, row.value, alert.threshold)) continue;
        const firing = await tx.alertFiring.create({
          data: { organizationId: kpi.organizationId, alertId: alert.id, kpiId: kpi.id, period: row.period as Date, value: row.value },
        });
        firings.push({ id: firing.id, alertId: alert.id });
      }
    }
    await record({ action: 'kpi.data.record', targetType: 'Kpi', targetId: kpi.id, metadata: { key: kpi.key, points: rows.length, alertsFired: firings.length } });
    return firings;
  });
  for (const f of fired) ctx.services.pubsub.publish('org:event', kpi.organizationId, { type: 'alert.fired', id: f.id });
  return rows.length;
}

export async function createAlert(ctx: Context, kpiId: string, operator: 'GT' | 'GTE' | 'LT' | 'LTE', threshold: number) {
  assertCapability(ctx.member, 'kpis.write');
  const kpi = await visibleKpi(ctx, kpiId);
  finite(threshold, 'threshold');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const row = await tx.alert.create({ data: { organizationId: kpi.organizationId, kpiId: kpi.id, operator, threshold, createdById: ctx.user.id } });
    await record({ action: 'alert.create', targetType: 'Alert', targetId: row.id, metadata: { kpi: kpi.key, operator, threshold } });
    return row;
  });
}

// ---------------------------------------------------------------- roles, groups, permissions

async function roleById(db: Db | Tx, id: string) {
  const role = await db.customRole.findUnique({ where: { id } });
  if (!role) throw notFound('role', id);
  return role;
}

export async function createRole(ctx: Context, roleName: string, description: string | null | undefined, parentRoleId: string | null | undefined) {
  assertCapability(ctx.member, 'kpis.manage');
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        if (parentRoleId) await roleById(tx, parentRoleId);
        const row = await tx.customRole.create({
          data: { organizationId: ctx.member.organizationId, name: name(roleName, 'role name'), description: optionalText(description), parentId: parentRoleId ?? null },
        });
        await record({ action: 'role.create', targetType: 'CustomRole', targetId: row.id, metadata: { name: row.name, parentId: row.parentId } });
        return row;
      }),
    `A role named "${roleName.trim()}" already exists here.`,
  );
}

/** Re-parents a role; refuses a cycle (a role cannot inherit from itself through its descendants). */
export async function setRoleParent(ctx: Context, roleId: string, parentRoleId: string | null | undefined) {
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    if (parentRoleId) {
      await roleById(tx, parentRoleId);
      const roles = await tx.customRole.findMany({ select: { id: true, parentId: true } });
      const parentOf = new Map(roles.map((r) => [r.id, r.parentId]));
      const seen = new Set<string>();
      for (let id: string | null | undefined = parentRoleId; id && !seen.has(id); id = parentOf.get(id)) {
        if (id === roleId) throw badInput(`Role "${role.name}" cannot inherit from that role: it would inherit from itself (a cycle).`);
        seen.add(id);
      }
    }
    const row = await tx.customRole.update({ where: { id: roleId }, data: { parentId: parentRoleId ?? null } });
    await bumpAccessVersion(tx, row.organizationId);
    await record({ action: 'role.reparent', targetType: 'CustomRole', targetId: roleId, metadata: { from: role.parentId, to: row.parentId } });
    return row;
  });
}

export async function assignRole(ctx: Context, roleId: string, userId: string, assign: boolean) {
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    const user = await memberUserId(tx, userId);
    if (assign) {
      const existing = await tx.roleAssignment.findFirst({ where: { roleId, userId } });
      if (!existing) await tx.roleAssignment.create({ data: { organizationId: role.organizationId, roleId, userId } });
    } else {
      await tx.roleAssignment.deleteMany({ where: { roleId, userId } });
    }
    await bumpAccessVersion(tx, role.organizationId);
    await record({ action: assign ? 'role.assign' : 'role.unassign', targetType: 'CustomRole', targetId: roleId, metadata: { role: role.name, email: user.email } });
    return role;
  });
}

async function groupById(db: Db | Tx, id: string) {
  const group = await db.group.findUnique({ where: { id } });
  if (!group) throw notFound('group', id);
  return group;
}

export async function createGroup(ctx: Context, groupName: string) {
  assertCapability(ctx.member, 'kpis.manage');
  return uniquely(
    () =>
      auditedTransaction(callerActor(ctx), async (tx, record) => {
        const row = await tx.group.create({ data: { organizationId: ctx.member.organizationId, name: name(groupName, 'group name') } });
        await record({ action: 'group.create', targetType: 'Group', targetId: row.id, metadata: { name: row.name } });
        return row;
      }),
    `A group named "${groupName.trim()}" already exists here.`,
  );
}

export async function addGroupMember(ctx: Context, groupId: string, userId: string) {
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const group = await groupById(tx, groupId);
    const user = await memberUserId(tx, userId);
    if (!(await tx.groupMember.findFirst({ where: { groupId, userId } })))
      await tx.groupMember.create({ data: { organizationId: group.organizationId, groupId, userId } });
    await bumpAccessVersion(tx, group.organizationId);
    await record({ action: 'group.member.add', targetType: 'Group', targetId: groupId, metadata: { group: group.name, email: user.email } });
    return group;
  });
}

export async function assignGroupRole(ctx: Context, groupId: string, roleId: string) {
  assertCapability(ctx.member, 'kpis.manage');
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
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const role = await roleById(tx, roleId);
    const kpi = await tx.kpi.findUnique({ where: { id: kpiId } });
    if (!kpi) throw notFound('KPI', kpiId);
    const existing = await tx.kpiPermission.findFirst({ where: { roleId, kpiId } });
    const row = existing
      ? await tx.kpiPermission.update({ where: { id: existing.id }, data: { access } })
      : await tx.kpiPermission.create({ data: { organizationId: role.organizationId, roleId, kpiId, access } });
    await bumpAccessVersion(tx, role.organizationId);
    await record({ action: 'kpi.permission.set', targetType: 'Kpi', targetId: kpiId, metadata: { role: role.name, kpi: kpi.key, access, from: existing?.access ?? null } });
    return row;
  });
}

// ---------------------------------------------------------------- scopes

async function checkScopeValue(db: Db | Tx, dimensionKey: string, value: string) {
  const dimension = await dimensionByKey(db, dimensionKey);
  if (value !== '*' && !valuesOf(dimension).includes(value))
    throw badInput(`"${value.slice(0, 60)}" is not a value of dimension "${dimensionKey}"; use one of ${valuesOf(dimension).slice(0, 20).join(', ')} or * for all.`);
  return dimension;
}

export async function grantAccessScope(ctx: Context, userId: string, dimensionKey: string, value: string, startsAt?: Date | null, endsAt?: Date | null) {
  assertCapability(ctx.member, 'kpis.manage');
  checkWindow(startsAt, endsAt);
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    await checkScopeValue(tx, dimensionKey, value);
    const user = await memberUserId(tx, userId);
    const row = await tx.accessScope.create({
      data: { organizationId: ctx.member.organizationId, userId, dimensionKey, value, startsAt: startsAt ?? null, endsAt: endsAt ?? null, grantedById: ctx.user.id },
    });
    await bumpAccessVersion(tx, row.organizationId);
    await record({ action: 'scope.grant', targetType: 'AccessScope', targetId: row.id, metadata: { email: user.email, dimension: dimensionKey, value, startsAt: row.startsAt, endsAt: row.endsAt } });
    return row;
  });
}

export async function revokeAccessScope(ctx: Context, id: string) {
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const scope = await tx.accessScope.findUnique({ where: { id } });
    if (!scope) throw notFound('access scope', id);
    const won = await tx.accessScope.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (won.count !== 1) throw conflict('This scope was already revoked.');
    await bumpAccessVersion(tx, scope.organizationId);
    await record({ action: 'scope.revoke', targetType: 'AccessScope', targetId: id, metadata: { dimension: scope.dimensionKey, value: scope.value } });
    return { ...scope, revokedAt: new Date() };
  });
}

export async function setScopeApprover(ctx: Context, dimensionKey: string, value: string, userId: string) {
  assertCapability(ctx.member, 'kpis.manage');
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    await checkScopeValue(tx, dimensionKey, value);
    const user = await memberUserId(tx, userId);
    if (!(await tx.scopeApprover.findFirst({ where: { dimensionKey, value, userId } })))
      await tx.scopeApprover.create({ data: { organizationId: ctx.member.organizationId, dimensionKey, value, userId } });
    await record({ action: 'scope.approver.set', targetType: 'ScopeApprover', targetId: userId, metadata: { email: user.email, dimension: dimensionKey, value } });
    return true;
  });
}

/** VIEWER or EDITOR asks for a scope: an ACCESS_SCOPE request for the value's approvers. */
export async function requestAccess(ctx: Context, dimensionKey: string, value: string, justification: string, startsAt?: Date | null, endsAt?: Date | null) {
  assertCapability(ctx.member, 'kpis.requestAccess');
  checkWindow(startsAt, endsAt);
  if (!justification.trim()) throw badInput('`justification` is required: say why you need this access.');
  const db = ctx.db;
  await checkScopeValue(db, dimensionKey, value);
  const userId = ctx.user.id;
  const held = await db.accessScope.findMany({ where: { userId, dimensionKey, revokedAt: null, value: { in: [value, '*'] } } });
  if (held.some((s) => isActive(s, new Date())))
    throw conflict(`You already hold an active scope on ${dimensionKey}=${value}.`, 'scopes.already-held');
  const pending = await db.approvalRequest.findFirst({ where: { kind: 'ACCESS_SCOPE', status: 'PENDING', requestedById: userId, dimensionKey, scopeValue: value } });
  if (pending) throw conflict(`You already have a pending request for ${dimensionKey}=${value}; wait for its decision or cancel it.`, 'scopes.duplicate-request');
  return requestApproval(ctx, {
    kind: 'ACCESS_SCOPE',
    justification,
    dimensionKey,
    scopeValue: value,
    startsAt: startsAt ?? null,
    endsAt: endsAt ?? null,
  });
}

/** ACCESS_SCOPE: decided by ADMIN, OWNER or the value's delegated approvers; approval creates the scope. */
export const accessScopeKind: ApprovalKindHandler = {
  kind: 'ACCESS_SCOPE',
  summarize: (r) => `Access to KPI rows where ${r.dimensionKey}=${r.scopeValue}${r.endsAt ? ` until ${r.endsAt.toISOString().slice(0, 10)}` : ''}`,
  async extraDeciders(db, request) {
    const rows = await db.scopeApprover.findMany({
      where: { organizationId: request.organizationId, dimensionKey: request.dimensionKey ?? '', value: { in: [request.scopeValue ?? '', '*'] } },
      select: { userId: true },
    });
    return rows.map((r) => r.userId);
  },
  async extraInboxWhere(db, userId, organizationId) {
    const rows = await db.scopeApprover.findMany({ where: { organizationId, userId }, select: { dimensionKey: true, value: true } });
    if (!rows.length) return null;
    return { OR: rows.map((r) => (r.value === '*' ? { dimensionKey: r.dimensionKey } : { dimensionKey: r.dimensionKey, scopeValue: r.value })) };
  },
  async apply(tx, request, decision) {
    const scope = await tx.accessScope.create({
      data: {
        organizationId: request.organizationId,
        userId: request.requestedById,
        dimensionKey: request.dimensionKey!,
        value: request.scopeValue!,
        startsAt: request.startsAt,
        endsAt: request.endsAt,
        grantedById: decision.actorId,
      },
    });
    await bumpAccessVersion(tx, request.organizationId);
    await decision.record({
      action: 'scope.grant',
      targetType: 'AccessScope',
      targetId: scope.id,
      metadata: { dimension: scope.dimensionKey, value: scope.value, viaRequest: request.id, startsAt: scope.startsAt, endsAt: scope.endsAt },
    });
  },
};
