// Explains a member's access to one KPI: the effective access and the rule that gives it, the grant
// paths that reach it (role → parent role → group, which one wins), the active scopes per dimension
// with their windows and the next boundary, and for the dimension values asked about, what is
// missing and the request that would grant it with who may approve it. The effective access and
// the active scopes are loadKpiProfile's, the very profile the row filters enforce; what is read
// beside it only attributes and explains them. Nothing here writes.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { ApprovalRequest, Db, Kpi } from '../db/client.ts';
import { approverRoles } from '../approvals/policy.ts';
import { routeFor, type ApprovalRoute } from '../approvals/quorum.ts';
import { allowsFully, capabilityDecision } from '../authz/capabilities.ts';
import { enforce, type Decision } from '../authz/decision.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Context } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { accessOf, isActive, loadKpiProfile, MAX_DIMENSIONS } from './access.ts';
import { dimensionValue, EVERY_VALUE, key } from './input.ts';
import {
  accessBasis, describeGrantPath, dimensionDecision, explainOthersDecision, grantPaths, nextBoundary, scopeDecision,
  type AccessBasis, type KpiAccessLevel, type ScopeRemedy, type ScopeWindow,
} from './policy.ts';

export interface RowValue {
  dimension: string;
  value: string;
}

export interface GrantPathView {
  access: KpiAccessLevel;
  via: 'DIRECT' | 'GROUP';
  group: { id: string; name: string } | null;
  /** From the role held up to the role whose permission it is. */
  roles: { id: string; name: string }[];
  wins: boolean;
  description: string;
}

export interface DimensionAccessView {
  dimension: string;
  /** Active values (`*`: every value). */
  values: string[];
  scopes: ScopeWindow[];
  nextBoundary: Date | null;
  decision: Decision;
  /** How to ask for a value of it, when the member may ask and holds none. */
  request: ApprovalRoute | null;
}

export interface ValueCheck {
  dimension: string;
  value: string;
  decision: Decision;
  /** The request that would grant it and who may approve it, when the member may ask for it. */
  request: ApprovalRoute | null;
  pendingRequest: ApprovalRequest | null;
}

export interface AccessExplanation {
  userId: string;
  /** The KPI, when the reader may see it (null on a NONE answer to the member themselves). */
  kpi: Kpi | null;
  access: KpiAccessLevel;
  basis: AccessBasis;
  decision: Decision;
  grants: GrantPathView[];
  dimensions: DimensionAccessView[];
  nextBoundary: Date | null;
  checks: ValueCheck[];
  /** With every dimension of the KPI given: whether such a row is visible. */
  rowVisible: boolean | null;
}

interface Subject {
  userId: string;
  email: string;
  role: OrgRole;
  status: 'INVITED' | 'ACTIVE' | 'DISABLED';
}

/** The asked row, checked before any I/O. */
function checkRow(row: readonly RowValue[] | null | undefined): RowValue[] {
  const values = row ?? [];
  if (values.length > MAX_DIMENSIONS) throw badInput(`\`row\` names at most ${MAX_DIMENSIONS} dimension values (a KPI has at most ${MAX_DIMENSIONS} dimensions).`, { field: 'row' });
  const checked = values.map((v, i) => ({ dimension: key(`row[${i}].dimension`, v.dimension), value: dimensionValue(`row[${i}].value`, v.value) }));
  if (new Set(checked.map((v) => v.dimension)).size !== checked.length) throw badInput('`row` names each dimension once.', { field: 'row' });
  return checked;
}

/** Reads the grants of one KPI that reach the member, with the names of their roles and groups. */
async function grantsOf(db: Db, userId: string, kpiId: string) {
  const [direct, memberships, roles, permissions] = await Promise.all([
    db.roleAssignment.findMany({ where: { userId }, select: { roleId: true } }),
    db.groupMember.findMany({ where: { userId }, select: { groupId: true } }),
    db.customRole.findMany({ select: { id: true, name: true, parentId: true } }),
    db.kpiPermission.findMany({ where: { kpiId }, select: { roleId: true, access: true } }),
  ]);
  const groupIds = memberships.map((m) => m.groupId);
  const [groupRoles, groups] = groupIds.length
    ? await Promise.all([
        db.groupRole.findMany({ where: { groupId: { in: groupIds } }, select: { groupId: true, roleId: true } }),
        db.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } }),
      ])
    : [[], []];
  const paths = grantPaths({
    direct: direct.map((d) => d.roleId),
    groups: groupIds.map((groupId) => ({ groupId, roleIds: groupRoles.filter((g) => g.groupId === groupId).map((g) => g.roleId) })),
    parentOf: new Map(roles.map((r) => [r.id, r.parentId])),
    permissions: new Map(permissions.map((p) => [p.roleId, p.access as KpiAccessLevel])),
  });
  const names = new Map([...roles.map((r) => [r.id, r.name] as const), ...groups.map((g) => [g.id, g.name] as const)]);
  return { paths, names };
}

/**
 * `missingAsHidden`: a KPI that does not exist is explained as one the subject may not see (access
 * NONE, nothing of it shown), so that the answer cannot tell the two apart (docs/errors.md, "Not found").
 */
async function explain(
  ctx: Context,
  subject: Subject,
  kpiId: string,
  asked: RowValue[],
  revealKpi: (access: KpiAccessLevel) => boolean,
  missingAsHidden = false,
): Promise<AccessExplanation> {
  const { organizationId } = ctx.member;
  const { system } = ctx.services;
  const db = ctx.db;
  const now = ctx.services.clock.now();
  // The KPI by hand-confined system read: the scoped client hides a KPI from a member without
  // access, and "why can't I see it" is the question being answered.
  const found = await system.kpi.findFirst({ where: { id: kpiId, organizationId } });
  if (!found && !missingAsHidden) throw notFound('KPI', encodeGlobalID('Kpi', kpiId));
  const kpi = found ?? { id: kpiId, key: '', createdById: null as string | null, dimensionKeys: '[]' };
  // The rule itself: the profile the row filters are built from.
  const profile = await loadKpiProfile(system, organizationId, subject.userId, subject.role, now);
  const access: KpiAccessLevel = found && subject.status === 'ACTIVE' ? accessOf(profile, kpi.id) : 'NONE';
  const shown = revealKpi(access);
  const kpiLabel = shown ? `KPI "${kpi.key}"` : 'this KPI';
  const who = subject.userId === ctx.user.id ? 'You' : subject.email;

  const { paths, names } = await grantsOf(db, subject.userId, kpi.id);
  // Grants that reach a KPI the reader may not see (all NONE) would tell it exists: not counted then.
  const basis = accessBasis({ role: subject.role, status: subject.status, access, createdKpi: kpi.createdById === subject.userId, paths: shown ? paths : [], kpiLabel, who });
  const grants: GrantPathView[] = shown
    ? paths.map((p, i) => ({
        access: p.access,
        via: p.via,
        group: p.groupId ? { id: p.groupId, name: names.get(p.groupId) ?? p.groupId } : null,
        roles: p.chain.map((id) => ({ id, name: names.get(id) ?? id })),
        wins: i === basis.winner,
        description: describeGrantPath(p, names),
      }))
    : [];

  const dimensionKeys = JSON.parse(kpi.dimensionKeys) as string[];
  if (shown)
    for (const [i, v] of asked.entries())
      if (!dimensionKeys.includes(v.dimension))
        throw badInput(`\`row[${i}].dimension\` names "${v.dimension}", which KPI "${kpi.key}" does not have; its dimensions are ${dimensionKeys.join(', ') || 'none'}.`, { field: `row[${i}].dimension` });

  const restricted = access === 'RESTRICTED';
  const scopes = restricted ? await db.accessScope.findMany({ where: { userId: subject.userId, revokedAt: null, dimensionKey: { in: dimensionKeys } }, orderBy: [{ dimensionKey: 'asc' }, { value: 'asc' }] }) : [];
  const pending = restricted
    ? await db.approvalRequest.findMany({ where: { kind: 'ACCESS_SCOPE', requestedById: subject.userId, status: 'PENDING', dimensionKey: { in: dimensionKeys } }, orderBy: { createdAt: 'desc' } })
    : [];
  const canRequest = capabilityDecision('kpis.requestAccess', subject.role).allowed;

  const routeOf = async (dimension: string, value: string) => {
    const delegates = await db.scopeApprover.findMany({ where: { dimensionKey: dimension, value: { in: [value, EVERY_VALUE] } }, select: { userId: true } });
    return routeFor(db, organizationId, 'ACCESS_SCOPE', dimension, subject.userId, delegates.map((d) => d.userId));
  };
  const remedyOf = (route: ApprovalRoute | null, dimension: string, value: string | null, request: ApprovalRequest | null): ScopeRemedy => {
    const upcoming = value === null ? null : scopes.find((s) => s.dimensionKey === dimension && (s.value === value || s.value === EVERY_VALUE) && s.startsAt && s.startsAt > now);
    return {
      canRequest,
      pending: request ? { id: encodeGlobalID('ApprovalRequest', request.id), approvals: request.approvalCount, required: request.requiredApprovals } : null,
      startsAt: upcoming?.startsAt ?? null,
      approvers: route ? [...route.delegates.map((d) => d.email), ...approverRoles('ACCESS_SCOPE', route.quorum)] : [],
      approversSentence: route?.description ?? '',
    };
  };

  const dimensions: DimensionAccessView[] = [];
  for (const dimension of restricted ? dimensionKeys : []) {
    const windows: ScopeWindow[] = scopes.filter((s) => s.dimensionKey === dimension).map((s) => ({ value: s.value, startsAt: s.startsAt, endsAt: s.endsAt, active: isActive(s, now) }));
    const values = [...(profile.scopes.get(dimension) ?? [])].sort();
    const route = values.length === 0 && canRequest ? await routeFor(db, organizationId, 'ACCESS_SCOPE', dimension, subject.userId) : null;
    dimensions.push({
      dimension,
      values,
      scopes: windows,
      nextBoundary: nextBoundary(windows, now),
      decision: dimensionDecision({ kpiLabel, who, dimension, activeValues: values, remedy: remedyOf(route, dimension, null, null) }),
      request: route,
    });
  }

  const checks: ValueCheck[] = [];
  for (const { dimension, value } of asked) {
    const activeValues = [...(profile.scopes.get(dimension) ?? [])];
    const covered = !restricted || activeValues.includes(value) || activeValues.includes(EVERY_VALUE);
    const request = covered ? null : (pending.find((p) => p.dimensionKey === dimension && p.scopeValue === value) ?? null);
    const route = !covered && canRequest ? await routeOf(dimension, value) : null;
    const decision = scopeDecision({ access, basis: basis.decision, kpiLabel, who, dimension, value, activeValues, remedy: remedyOf(route, dimension, value, request) });
    checks.push({ dimension, value, decision, request: route, pendingRequest: request });
  }
  const everyDimension = dimensionKeys.length > 0 && dimensionKeys.every((d) => asked.some((v) => v.dimension === d));
  const rowVisible = access === 'FULL' ? true : access === 'NONE' ? false : everyDimension ? checks.every((c) => c.decision.allowed) : null;

  return {
    userId: subject.userId,
    kpi: shown && found ? found : null,
    access,
    basis: basis.basis,
    decision: basis.decision,
    grants,
    dimensions,
    nextBoundary: restricted ? nextBoundary(dimensions.flatMap((d) => d.scopes), now) : null,
    checks,
    rowVisible,
  };
}

/**
 * The caller's own access to a KPI. The KPI itself is shown only where they may see it; a KPI that
 * does not exist answers as one they may not see (NONE), except to a role that reads every KPI, for
 * whom nothing is hidden (NOT_FOUND).
 */
export async function myAccess(ctx: Context, kpiId: string, row?: readonly RowValue[] | null): Promise<AccessExplanation> {
  const asked = checkRow(row);
  const { member } = ctx;
  const subject: Subject = { userId: ctx.user.id, email: ctx.user.email, role: member.role, status: member.status as Subject['status'] };
  return explain(ctx, subject, kpiId, asked, (access) => access !== 'NONE', !allowsFully('kpis.read', member.role));
}

/** Any member's access to a KPI, for ADMIN and OWNER (kpis.explainAccess). */
export async function explainAccess(ctx: Context, userId: string, kpiId: string, row?: readonly RowValue[] | null): Promise<AccessExplanation> {
  const asked = checkRow(row);
  enforce(explainOthersDecision(ctx.member.role));
  const membership = await ctx.db.membership.findFirst({ where: { userId }, select: { role: true, status: true, user: { select: { email: true } } } });
  if (!membership?.user) throw notFound('member', encodeGlobalID('User', userId));
  const subject: Subject = { userId, email: membership.user.email, role: membership.role as OrgRole, status: membership.status as Subject['status'] };
  return explain(ctx, subject, kpiId, asked, () => true);
}
