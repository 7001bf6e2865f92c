// What an access review covers and who reviews each item, read in the opening transaction through
// the caller's tenant-scoped client: the scopes still in force (not revoked, not ended) and the
// direct role assignments, all of them, those that reach one KPI, or the scopes of one value.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { OrgRole } from '../authz/matrix.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { dimensionByKey, valuesOf } from '../kpis/dimensions.ts';
import { EVERY_VALUE, refuse } from '../kpis/input.ts';
import { dimensionKeysOf } from '../kpis/kpis.ts';
import { managesReviews, reviewerFor, type ReviewCoverage, type ReviewItemType } from './policy.ts';

export type Coverage =
  | { coverage: 'ALL' }
  | { coverage: 'KPI'; kpiId: string }
  | { coverage: 'DIMENSION_VALUE'; dimensionKey: string; value: string };

export const coverageOf = (c: Coverage): ReviewCoverage => c.coverage;

/** One piece of access under review, with its reviewer. */
export interface PlannedItem {
  itemType: ReviewItemType;
  scopeId: string | null;
  roleAssignmentId: string | null;
  roleId: string | null;
  subjectUserId: string;
  reviewerId: string;
}

interface Covered {
  itemType: ReviewItemType;
  scopeId: string | null;
  roleAssignmentId: string | null;
  roleId: string | null;
  subjectUserId: string;
  /** A scope's dimension and value: its delegated approvers review it. */
  dimensionKey: string | null;
  value: string | null;
}

/** Roles whose grants (their own or an ancestor's) reach the KPI with FULL or RESTRICTED. */
async function rolesReaching(tx: Tx, kpiId: string): Promise<string[]> {
  const [grants, roles] = await Promise.all([
    tx.kpiPermission.findMany({ where: { kpiId, access: { not: 'NONE' } }, select: { roleId: true } }),
    tx.customRole.findMany({ select: { id: true, parentId: true } }),
  ]);
  const granting = new Set(grants.map((g) => g.roleId));
  const parentOf = new Map(roles.map((r) => [r.id, r.parentId]));
  return roles
    .filter((r) => {
      const seen = new Set<string>();
      for (let id: string | null | undefined = r.id; id && !seen.has(id); id = parentOf.get(id)) {
        if (granting.has(id)) return true;
        seen.add(id);
      }
      return false;
    })
    .map((r) => r.id);
}

async function coveredAccess(tx: Tx, c: Coverage, now: Date): Promise<Covered[]> {
  const inForce: Prisma.AccessScopeWhereInput = { revokedAt: null, OR: [{ endsAt: null }, { endsAt: { gt: now } }] };
  let scopes: Prisma.AccessScopeWhereInput;
  let assignments: Prisma.RoleAssignmentWhereInput | null;
  switch (c.coverage) {
    case 'ALL':
      scopes = inForce;
      assignments = {};
      break;
    case 'KPI': {
      const kpi = await tx.kpi.findUnique({ where: { id: c.kpiId }, select: { dimensionKeys: true } });
      if (!kpi) throw notFound('KPI', encodeGlobalID('Kpi', c.kpiId));
      scopes = { AND: [inForce, { dimensionKey: { in: dimensionKeysOf(kpi) } }] };
      assignments = { roleId: { in: await rolesReaching(tx, c.kpiId) } };
      break;
    }
    case 'DIMENSION_VALUE': {
      const values = valuesOf(await dimensionByKey(tx, c.dimensionKey));
      if (c.value !== EVERY_VALUE && !values.includes(c.value)) throw refuse('value', `is not a value of dimension "${c.dimensionKey}".`);
      // A scope on every value covers this one too.
      scopes = { AND: [inForce, { dimensionKey: c.dimensionKey, value: { in: [...new Set([c.value, EVERY_VALUE])] } }] };
      assignments = null;
      break;
    }
  }
  const [scopeRows, assignmentRows] = await Promise.all([
    tx.accessScope.findMany({ where: scopes, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    assignments ? tx.roleAssignment.findMany({ where: assignments, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }) : [],
  ]);
  return [
    ...scopeRows.map((s) => ({ itemType: 'SCOPE' as const, scopeId: s.id, roleAssignmentId: null, roleId: null, subjectUserId: s.userId, dimensionKey: s.dimensionKey, value: s.value })),
    ...assignmentRows.map((a) => ({ itemType: 'ROLE_ASSIGNMENT' as const, scopeId: null, roleAssignmentId: a.id, roleId: a.roleId, subjectUserId: a.userId, dimensionKey: null, value: null })),
  ];
}

/**
 * The items of a new review, each with its reviewer (src/reviews/policy.ts `reviewerFor`), and how
 * many were skipped because nobody but their subject could review them.
 */
export async function planReview(tx: Tx, c: Coverage, creatorId: string, now: Date): Promise<{ items: PlannedItem[]; skipped: number }> {
  const covered = await coveredAccess(tx, c, now);
  const members = await tx.membership.findMany({ where: { status: 'ACTIVE' }, select: { userId: true, role: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const active = new Set(members.map((m) => m.userId));
  const managers = members.filter((m) => managesReviews(m.role as OrgRole)).map((m) => m.userId);
  const dimensions = [...new Set(covered.flatMap((i) => (i.dimensionKey ? [i.dimensionKey] : [])))];
  const approvers = dimensions.length
    ? await tx.scopeApprover.findMany({ where: { dimensionKey: { in: dimensions } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
    : [];
  const delegatesOf = (dimensionKey: string, value: string) => {
    const of = (v: string) => approvers.filter((a) => a.dimensionKey === dimensionKey && a.value === v && active.has(a.userId)).map((a) => a.userId);
    return value === EVERY_VALUE ? of(EVERY_VALUE) : [...of(value), ...of(EVERY_VALUE)];
  };
  const items: PlannedItem[] = [];
  let skipped = 0;
  for (const item of covered) {
    const delegates = item.dimensionKey && item.value ? delegatesOf(item.dimensionKey, item.value) : [];
    const reviewerId = reviewerFor(item.subjectUserId, { creatorId, delegates, managers });
    if (!reviewerId) {
      skipped++;
      continue;
    }
    const { dimensionKey: _d, value: _v, ...rest } = item;
    items.push({ ...rest, reviewerId });
  }
  return { items, skipped };
}

/** The reviews a member may see: all for ADMIN and OWNER; for anyone else, those with an item assigned to them. */
export async function visibleReviewsWhere(db: Db, role: OrgRole, userId: string): Promise<Prisma.AccessReviewWhereInput> {
  if (managesReviews(role)) return {};
  const mine = await db.accessReviewItem.findMany({ where: { reviewerId: userId }, distinct: ['reviewId'], select: { reviewId: true } });
  return { id: { in: mine.map((m) => m.reviewId) } };
}

/** The items a member may see: all for ADMIN and OWNER; for anyone else, those assigned to them. */
export const visibleItemsWhere = (role: OrgRole, userId: string): Prisma.AccessReviewItemWhereInput => (managesReviews(role) ? {} : { reviewerId: userId });

export interface ReviewProgress {
  total: number;
  undecided: number;
  kept: number;
  revoked: number;
  keptByDefault: number;
  revokedByDefault: number;
}

/** Counts of reviews' items by decision (and whether the deadline's default made it), one per review in the order of `reviewIds`. */
export async function progressOf(db: Db, reviewIds: readonly string[]): Promise<ReviewProgress[]> {
  const counts = await db.accessReviewItem.groupBy({ by: ['reviewId', 'decision', 'automatic'], where: { reviewId: { in: [...new Set(reviewIds)] } }, _count: { _all: true } });
  return reviewIds.map((reviewId) => {
    const count = (decision: string | null, automatic: boolean) =>
      counts
        .filter((c) => c.reviewId === reviewId && c.decision === decision && (decision === null || c.automatic === automatic))
        .reduce((n, c) => n + c._count._all, 0);
    const progress = {
      undecided: count(null, false),
      kept: count('KEEP', false),
      revoked: count('REVOKE', false),
      keptByDefault: count('KEEP', true),
      revokedByDefault: count('REVOKE', true),
    };
    return { total: Object.values(progress).reduce((a, b) => a + b, 0), ...progress };
  });
}

export interface ReviewerProgress {
  reviewerId: string;
  total: number;
  undecided: number;
}

/** Per review (in the order of `reviewIds`), per reviewer: how many items they hold and how many wait for them, most waiting first. */
export async function progressByReviewer(db: Db, reviewIds: readonly string[], where: Prisma.AccessReviewItemWhereInput = {}): Promise<ReviewerProgress[][]> {
  const counts = await db.accessReviewItem.groupBy({
    by: ['reviewId', 'reviewerId', 'decision'],
    where: { AND: [{ reviewId: { in: [...new Set(reviewIds)] } }, where] },
    _count: { _all: true },
  });
  return reviewIds.map((reviewId) => {
    const by = new Map<string, ReviewerProgress>();
    for (const c of counts) {
      if (c.reviewId !== reviewId) continue;
      const entry = by.get(c.reviewerId) ?? { reviewerId: c.reviewerId, total: 0, undecided: 0 };
      entry.total += c._count._all;
      if (c.decision === null) entry.undecided += c._count._all;
      by.set(c.reviewerId, entry);
    }
    return [...by.values()].sort((a, b) => b.undecided - a.undecided || a.reviewerId.localeCompare(b.reviewerId));
  });
}
