// KPI access: who sees which KPIs and which of their rows (README "KPIs and row-level security").
//
// A caller's profile is computed once per request from the database (never from the token):
// ADMIN and OWNER have FULL on every KPI; everyone else gets the strongest grant of the custom
// roles they hold directly or through groups, each role inheriting its ancestors' grants, and an
// EDITOR has FULL on the KPIs they created. RESTRICTED shows a point only when, for every
// dimension of its KPI, the point's value is among the caller's active scopes for that dimension
// (`*` matches every value). The profile becomes Prisma `where` filters that the tenant extension
// adds to every query of KpiDataPoint, Kpi, Alert and AlertFiring: SQL, never a filter over rows.
import { allowsFully } from '../authz/capabilities.ts';
import type { OrgRole } from '../authz/matrix.ts';
import { ownsCreatedKpis, type KpiAccessLevel } from './policy.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import type { RowFilterProvider, RowFilterRequest } from '../db/row-filters.ts';

export type KpiAccess = KpiAccessLevel;
const STRENGTH: Record<KpiAccess, number> = { NONE: 0, RESTRICTED: 1, FULL: 2 };
export const stronger = (a: KpiAccess, b: KpiAccess): KpiAccess => (STRENGTH[a] >= STRENGTH[b] ? a : b);

export const MAX_DIMENSIONS = 4;
export const dimensionColumn = (index: number) => `d${index + 1}` as 'd1' | 'd2' | 'd3' | 'd4';

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

/** Matches no row: deny by default. */
const NOTHING = { id: { in: [] as string[] } };

/** The rows of one RESTRICTED KPI the profile may see, or null for none. */
export function restrictedPointFilter(profile: KpiProfile, kpiId: string): Prisma.KpiDataPointWhereInput | null {
  const dims = profile.dimensions.get(kpiId) ?? [];
  const conditions: Prisma.KpiDataPointWhereInput[] = [];
  for (const [i, key] of dims.entries()) {
    const values = profile.scopes.get(key);
    if (!values || values.size === 0) return null;
    if (!values.has('*')) conditions.push({ [dimensionColumn(i)]: { in: [...values].sort() } });
  }
  return { kpiId, AND: conditions };
}

/**
 * The rows of one KPI the profile may see: among that KPI's rows, exactly what
 * `rowFiltersOf(profile).KpiDataPoint` admits (its branch for the KPI, without the others). The
 * compiled data statement (data-sql.ts) reads through this; test/kpis-compiled-filter.test.ts
 * checks the two agree.
 */
export function visiblePointsOf(profile: KpiProfile, kpiId: string): Prisma.KpiDataPointWhereInput {
  let byKpi = pointFilters.get(profile);
  if (!byKpi) pointFilters.set(profile, (byKpi = new Map()));
  let filter = byKpi.get(kpiId);
  if (!filter) {
    const access = accessOf(profile, kpiId);
    filter = deepFreeze(access === 'FULL' ? { kpiId } : access === 'RESTRICTED' ? (restrictedPointFilter(profile, kpiId) ?? NOTHING) : NOTHING);
    byKpi.set(kpiId, filter);
  }
  return filter;
}

/**
 * Filters are built once per profile (a cached profile serves many requests; sorting 1,000 scope
 * values each time showed in profiles) and frozen, since every request of that profile shares them.
 */
const pointFilters = new WeakMap<KpiProfile, Map<string, Prisma.KpiDataPointWhereInput>>();
const modelFilters = new WeakMap<KpiProfile, ReturnType<typeof buildRowFilters>>();
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The row filters the tenant extension adds, by model. */
export function rowFiltersOf(profile: KpiProfile): ReturnType<typeof buildRowFilters> {
  let filters = modelFilters.get(profile);
  if (!filters) modelFilters.set(profile, (filters = deepFreeze(buildRowFilters(profile))));
  return filters;
}

function buildRowFilters(profile: KpiProfile): Record<string, Prisma.KpiDataPointWhereInput | Prisma.KpiWhereInput | Prisma.AlertWhereInput> {
  if (profile.all) return {};
  const visible = [...profile.access.keys()];
  const full = visible.filter((id) => profile.access.get(id) === 'FULL');
  const branches: Prisma.KpiDataPointWhereInput[] = full.length ? [{ kpiId: { in: full } }] : [];
  // Scopes are per dimension, not per KPI: RESTRICTED KPIs with the same dimensions share one
  // condition, so the filter stays small however many KPIs there are.
  const bySignature = new Map<string, string[]>();
  for (const id of visible) {
    if (profile.access.get(id) !== 'RESTRICTED') continue;
    const signature = JSON.stringify(profile.dimensions.get(id) ?? []);
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), id]);
  }
  for (const ids of bySignature.values()) {
    const filter = restrictedPointFilter(profile, ids[0]!);
    if (filter) branches.push({ ...filter, kpiId: ids.length === 1 ? ids[0]! : { in: ids } });
  }
  const kpiVisible = visible.length ? { kpiId: { in: visible } } : NOTHING;
  return {
    Kpi: visible.length ? { id: { in: visible } } : NOTHING,
    KpiDataPoint: branches.length === 0 ? NOTHING : branches.length === 1 ? branches[0]! : { OR: branches },
    Alert: kpiVisible,
    AlertFiring: kpiVisible,
  };
}

/** The Kpi row filter of the profile (none when FULL on every KPI). */
export const visibleKpisOf = (profile: KpiProfile) => rowFiltersOf(profile).Kpi as Prisma.KpiWhereInput | undefined;

/**
 * The Kpi row filter narrowed to one id, as `kpi(id)` reads through it: the same membership as
 * visibleKpisOf, without sending the caller's whole list of visible KPIs with every lookup.
 */
export const visibleKpiOf = (profile: KpiProfile, id: string): Prisma.KpiWhereInput | undefined =>
  profile.all ? undefined : profile.access.has(id) ? { id } : (NOTHING as Prisma.KpiWhereInput);

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
