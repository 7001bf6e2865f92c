// KPI access: who sees which KPIs and which of their rows (README "KPIs and row-level security").
//
// A caller's profile is computed once per request from the database (never from the token):
// ADMIN and OWNER have FULL on every KPI; everyone else gets the strongest grant of the custom
// roles they hold directly or through groups, each role inheriting its ancestors' grants, and an
// EDITOR has FULL on the KPIs they created. RESTRICTED shows a point only when, for every
// dimension of its KPI, the point's value is among the caller's active scopes for that dimension
// (`*` matches every value). The profile is declared as the caller's visible rows
// (`visibleRowsOf`), rendered as the Prisma `where` filters that the tenant extension adds to every
// query of KpiDataPoint, Kpi, Alert and AlertFiring and compiled into the WHERE of the driver's
// statements (src/db/sql/kpi-points.ts): SQL, never a filter over rows.
import { allowsFully } from '../authz/capabilities.ts';
import type { OrgRole } from '../authz/matrix.ts';
import { ownsCreatedKpis, type KpiAccessLevel } from './policy.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import type { RowFilterProvider, RowFilterRequest } from '../db/row-filters.ts';
import type { DimensionColumn } from '../db/sql/kpi-points.ts';

export type KpiAccess = KpiAccessLevel;
const STRENGTH: Record<KpiAccess, number> = { NONE: 0, RESTRICTED: 1, FULL: 2 };
export const stronger = (a: KpiAccess, b: KpiAccess): KpiAccess => (STRENGTH[a] >= STRENGTH[b] ? a : b);

export const MAX_DIMENSIONS = 4;
export const dimensionColumn = (index: number) => `d${index + 1}` as DimensionColumn;

export interface KpiProfile {
  /** FULL on every KPI of the organization (ADMIN, OWNER). */
  all: boolean;
  /** Effective access per KPI id, when not `all`; absent means NONE. */
  access: Map<string, KpiAccess>;
  /** Active scope values per dimension key; `*` means every value. */
  scopes: Map<string, Set<string>>;
  /** Dimension keys of each KPI the profile restricts. */
  dimensions: Map<string, string[]>;
  /** When a scope of the user starts or ends next: the profile is exact until then (ms). */
  validUntil: number;
}

export function isActive(scope: { startsAt: Date | null; endsAt: Date | null; revokedAt: Date | null }, now: Date) {
  return !scope.revokedAt && (!scope.startsAt || scope.startsAt <= now) && (!scope.endsAt || now < scope.endsAt);
}

/** Role ids the user holds, directly or through groups, with every ancestor of each. */
export async function effectiveRoleIds(db: Db | Tx, organizationId: string, userId: string): Promise<Set<string>> {
  const [direct, memberships, roles] = await Promise.all([
    db.roleAssignment.findMany({ where: { organizationId, userId }, select: { roleId: true } }),
    db.groupMember.findMany({ where: { organizationId, userId }, select: { groupId: true } }),
    db.customRole.findMany({ where: { organizationId }, select: { id: true, parentId: true } }),
  ]);
  const viaGroups = memberships.length
    ? await db.groupRole.findMany({ where: { organizationId, groupId: { in: memberships.map((m) => m.groupId) } }, select: { roleId: true } })
    : [];
  const parentOf = new Map(roles.map((r) => [r.id, r.parentId]));
  const held = new Set<string>();
  for (const { roleId } of [...direct, ...viaGroups]) {
    // Walk up the parent chain; `held` doubles as the visited set, so a cycle cannot loop.
    for (let id: string | null | undefined = roleId; id && !held.has(id); id = parentOf.get(id)) held.add(id);
  }
  return held;
}

export async function loadKpiProfile(db: Db | Tx, organizationId: string, userId: string, role: OrgRole, now: Date): Promise<KpiProfile> {
  const profile: KpiProfile = { all: allowsFully('kpis.read', role), access: new Map(), scopes: new Map(), dimensions: new Map(), validUntil: Infinity };
  if (profile.all) return profile;
  const roleIds = [...(await effectiveRoleIds(db, organizationId, userId))];
  const [grants, own, scopes] = await Promise.all([
    roleIds.length ? db.kpiPermission.findMany({ where: { organizationId, roleId: { in: roleIds } }, select: { kpiId: true, access: true } }) : [],
    ownsCreatedKpis(role) ? db.kpi.findMany({ where: { organizationId, createdById: userId }, select: { id: true } }) : [],
    db.accessScope.findMany({ where: { organizationId, userId, revokedAt: null } }),
  ]);
  for (const g of grants) profile.access.set(g.kpiId, stronger(profile.access.get(g.kpiId) ?? 'NONE', g.access as KpiAccess));
  for (const k of own) profile.access.set(k.id, 'FULL');
  for (const [id, access] of profile.access) if (access === 'NONE') profile.access.delete(id);
  for (const s of scopes) {
    for (const edge of [s.startsAt, s.endsAt]) if (edge && edge > now) profile.validUntil = Math.min(profile.validUntil, edge.getTime());
    if (!isActive(s, now)) continue;
    const values = profile.scopes.get(s.dimensionKey) ?? new Set<string>();
    values.add(s.value);
    profile.scopes.set(s.dimensionKey, values);
  }
  const restricted = [...profile.access].filter(([, a]) => a === 'RESTRICTED').map(([id]) => id);
  if (restricted.length) {
    const kpis = await db.kpi.findMany({ where: { organizationId, id: { in: restricted } }, select: { id: true, dimensionKeys: true } });
    for (const k of kpis) profile.dimensions.set(k.id, JSON.parse(k.dimensionKeys) as string[]);
  }
  return profile;
}

/**
 * Profiles by organization, user, role and the organization's access version. Every change to
 * grants bumps the version in its own transaction (`bumpAccessVersion`), and a profile is also
 * dropped when one of the user's scope windows opens or closes, so a cached profile is always the
 * one a fresh read would give. Bounded; oldest entries go first.
 */
const cache = new Map<string, KpiProfile>();
const CACHE_LIMIT = 10_000;

export async function cachedKpiProfile(db: Db | Tx, organizationId: string, userId: string, role: OrgRole, version: number | null, now: Date): Promise<KpiProfile> {
  if (version === null) return loadKpiProfile(db, organizationId, userId, role, now);
  const key = `${organizationId}:${userId}:${role}:${version}`;
  const hit = cache.get(key);
  if (hit && now.getTime() < hit.validUntil) return hit;
  const profile = await loadKpiProfile(db, organizationId, userId, role, now);
  cache.delete(key);
  cache.set(key, profile);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return profile;
}

/** Invalidates every cached profile of the organization; call inside the transaction of the change. */
export async function bumpAccessVersion(tx: Db | Tx, organizationId: string) {
  await tx.organization.update({ where: { id: organizationId }, data: { accessVersion: { increment: 1 } } });
}

export const accessOf = (profile: KpiProfile, kpiId: string): KpiAccess => (profile.all ? 'FULL' : (profile.access.get(kpiId) ?? 'NONE'));

/**
 * Which KPI rows a profile sees, declared once as data. Every row filter is rendered from it and
 * from nothing else: the Prisma `where`s the tenant extension adds to every query (rowFiltersOf),
 * and the per-KPI and Kpi filters that the statements of src/db/sql/kpi-points.ts compile into
 * their WHERE (visiblePointsOf, visibleKpiOf). test/kpis-compiled-filter.test.ts holds the
 * renderings to one another, test/kpis-compiled.test.ts the compiled SQL to Prisma.
 */
export interface VisibleKpiRows {
  /** FULL on every KPI of the organization: nothing to filter. */
  all: boolean;
  /** The KPIs seen (access other than NONE): their Kpi, Alert and AlertFiring rows. */
  kpiIds: readonly string[];
  /**
   * Which of their points: a branch admits the points of its KPIs whose dimension columns each
   * hold one of the listed values (no column listed: every point). Scopes are per dimension, not
   * per KPI, so KPIs restricted on the same dimensions share one branch and the filter stays small
   * however many KPIs there are. A visible KPI in no branch shows none of its points.
   */
  pointBranches: readonly PointBranch[];
}

export interface PointBranch {
  kpiIds: readonly string[];
  columns: readonly { column: DimensionColumn; values: readonly string[] }[];
}

/** The column conditions of a RESTRICTED KPI, or null when a dimension has no active scope (no row). */
function restrictedColumns(profile: KpiProfile, kpiId: string): PointBranch['columns'] | null {
  const columns: { column: DimensionColumn; values: readonly string[] }[] = [];
  for (const [i, key] of (profile.dimensions.get(kpiId) ?? []).entries()) {
    const values = profile.scopes.get(key);
    if (!values || values.size === 0) return null;
    if (!values.has('*')) columns.push({ column: dimensionColumn(i), values: [...values].sort() });
  }
  return columns;
}

function declareVisibleRows(profile: KpiProfile): VisibleKpiRows {
  if (profile.all) return { all: true, kpiIds: [], pointBranches: [] };
  const kpiIds = [...profile.access.keys()];
  // FULL KPIs in one branch; RESTRICTED ones by their dimensions, whose conditions are computed once.
  const groups = new Map<string, string[]>();
  for (const id of kpiIds) {
    const signature = profile.access.get(id) === 'FULL' ? '' : JSON.stringify(profile.dimensions.get(id) ?? []);
    const group = groups.get(signature);
    if (group) group.push(id);
    else groups.set(signature, [id]);
  }
  const pointBranches: PointBranch[] = [];
  for (const [signature, ids] of groups) {
    const columns = signature === '' ? [] : restrictedColumns(profile, ids[0]!);
    if (columns) pointBranches.push({ kpiIds: ids, columns });
  }
  return { all: false, kpiIds, pointBranches };
}

/** Lookups into a declaration, for the per-KPI renderings. */
interface Declared {
  rows: VisibleKpiRows;
  visible: ReadonlySet<string>;
  branchOf: ReadonlyMap<string, PointBranch>;
}

/**
 * Declarations and renderings are made once per profile (a cached profile serves many requests;
 * sorting 1,000 scope values each time showed in profiles) and frozen, since every request of
 * that profile shares them.
 */
const declarations = new WeakMap<KpiProfile, Declared>();
const pointFilters = new WeakMap<KpiProfile, Map<string, Prisma.KpiDataPointWhereInput>>();
const modelFilters = new WeakMap<KpiProfile, RowFilters>();
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function declared(profile: KpiProfile): Declared {
  let d = declarations.get(profile);
  if (!d) {
    const rows = deepFreeze(declareVisibleRows(profile));
    const branchOf = new Map<string, PointBranch>();
    for (const branch of rows.pointBranches) for (const id of branch.kpiIds) branchOf.set(id, branch);
    declarations.set(profile, (d = { rows, visible: new Set(rows.kpiIds), branchOf }));
  }
  return d;
}

/** The profile's visible rows: the declaration every row filter is rendered from. */
export const visibleRowsOf = (profile: KpiProfile): VisibleKpiRows => declared(profile).rows;

/** Matches no row: deny by default. */
const NOTHING = { id: { in: [] as string[] } };

/** A branch as Prisma's `where`, for the given KPIs of it. */
function branchWhere(branch: PointBranch, kpiIds: readonly string[]): Prisma.KpiDataPointWhereInput {
  const kpiId = kpiIds.length === 1 ? kpiIds[0]! : { in: kpiIds as string[] };
  if (!branch.columns.length) return { kpiId };
  return { kpiId, AND: branch.columns.map(({ column, values }) => ({ [column]: { in: values as string[] } })) };
}

type RowFilters = Record<string, Prisma.KpiDataPointWhereInput | Prisma.KpiWhereInput | Prisma.AlertWhereInput>;

/** The row filters the tenant extension adds, by model: the declaration rendered for Prisma. */
export function rowFiltersOf(profile: KpiProfile): RowFilters {
  let filters = modelFilters.get(profile);
  if (!filters) {
    const { rows } = declared(profile);
    filters = {};
    if (!rows.all) {
      const branches = rows.pointBranches.map((b) => branchWhere(b, b.kpiIds));
      const kpiVisible = rows.kpiIds.length ? { kpiId: { in: rows.kpiIds as string[] } } : NOTHING;
      filters = {
        Kpi: rows.kpiIds.length ? { id: { in: rows.kpiIds as string[] } } : NOTHING,
        KpiDataPoint: branches.length === 0 ? NOTHING : branches.length === 1 ? branches[0]! : { OR: branches },
        Alert: kpiVisible,
        AlertFiring: kpiVisible,
      };
    }
    modelFilters.set(profile, (filters = deepFreeze(filters)));
  }
  return filters;
}

/**
 * The rows of one KPI the profile may see: among that KPI's rows, exactly what
 * `rowFiltersOf(profile).KpiDataPoint` admits (the KPI's branch, rendered for it alone). The
 * compiled data statements (src/db/sql/kpi-points.ts) read through this.
 */
export function visiblePointsOf(profile: KpiProfile, kpiId: string): Prisma.KpiDataPointWhereInput {
  let byKpi = pointFilters.get(profile);
  if (!byKpi) pointFilters.set(profile, (byKpi = new Map()));
  let filter = byKpi.get(kpiId);
  if (!filter) {
    const { rows, branchOf } = declared(profile);
    const branch = branchOf.get(kpiId);
    filter = deepFreeze(rows.all ? { kpiId } : branch ? branchWhere(branch, [kpiId]) : NOTHING);
    byKpi.set(kpiId, filter);
  }
  return filter;
}

/** The Kpi row filter of the profile (none when FULL on every KPI). */
export const visibleKpisOf = (profile: KpiProfile) => rowFiltersOf(profile).Kpi as Prisma.KpiWhereInput | undefined;

/**
 * The Kpi row filter narrowed to one id, as `kpi(id)` reads through it: the same membership as
 * visibleKpisOf, without sending the caller's whole list of visible KPIs with every lookup.
 */
export function visibleKpiOf(profile: KpiProfile, id: string): Prisma.KpiWhereInput | undefined {
  const { rows, visible } = declared(profile);
  return rows.all ? undefined : visible.has(id) ? { id } : (NOTHING as Prisma.KpiWhereInput);
}

/** The caller's profile, read once per request (memoised in the request's row-filter memo). */
export function profileFor(request: RowFilterRequest): Promise<KpiProfile> {
  let profile = request.memo.get('kpi.profile') as Promise<KpiProfile> | undefined;
  if (!profile) {
    // Read with the system client (the scoped one needs the profile to exist), confined by hand.
    profile = cachedKpiProfile(request.system, request.organizationId, request.userId, request.role, request.accessVersion, request.clock.now());
    request.memo.set('kpi.profile', profile);
  }
  return profile;
}

/** KPI row-level security as the tenant extension applies it: registered by src/app.ts. */
export const kpiRowFilters: RowFilterProvider = {
  models: ['Kpi', 'KpiDataPoint', 'Alert', 'AlertFiring'],
  filters: async (request) => rowFiltersOf(await profileFor(request)),
};
