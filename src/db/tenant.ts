// The per-request Prisma extension that confines every query to the caller's organization.
// Built from the caller (`forCaller`), it rewrites each operation's arguments before they reach
// SQL: a top-level filter and, recursively, every nested `include`/`select`/`_count` of a list
// relation; to-one relations are checked on the way back. Row-level filters of later features hook
// into `rowFilters`. Anything it cannot confine (raw SQL, nested writes into tenant models) is
// refused: deny by default.
import { Prisma } from './generated/sqlite/client.ts';
import { datamodel } from './generated/datamodel.ts';

type Args = Record<string, any>;
type ModelName = keyof typeof datamodel;

export class TenantViolation extends Error {
  override name = 'TenantViolation';
}

/** How a model belongs to an organization. */
type Confinement =
  | { kind: 'tenant' } // has organizationId
  | { kind: 'organization' } // the Organization row itself
  | { kind: 'member' } // User: visible when a member of the organization
  | { kind: 'none' }; // not reachable through the scoped client

const confinementOf = (model: string): Confinement => {
  if (model === 'Organization') return { kind: 'organization' };
  if (model === 'User') return { kind: 'member' };
  const fields = (datamodel as Record<string, Record<string, unknown>>)[model];
  if (fields && 'organizationId' in fields) return { kind: 'tenant' };
  return { kind: 'none' };
};

interface Relation {
  model: string;
  list: boolean;
}
const relationsOf = (model: string): Record<string, Relation> => {
  const fields = (datamodel as Record<string, Record<string, { type: string; list: boolean }>>)[model] ?? {};
  const out: Record<string, Relation> = {};
  for (const [name, f] of Object.entries(fields)) if (f.type in datamodel) out[name] = { model: f.type, list: f.list };
  return out;
};

const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const FILTERED_WRITES = new Set(['update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany']);
const CREATES = new Set(['create', 'createMany', 'createManyAndReturn']);

export interface CallerScope {
  organizationId: string;
  /** Models that carry row-level filters beyond the tenant's (the registry's). */
  guarded?: ReadonlySet<string>;
  /**
   * Row-level filters beyond the tenant's, by model. Computed once per request from the caller's
   * grants, awaited before the first query that can reach a guarded model.
   */
  rowFilters?: () => Promise<Partial<Record<string, Args>>>;
}

/** The scope with its row filters resolved: what the synchronous rewriting works with. */
interface ResolvedScope extends CallerScope {
  rows?: Partial<Record<string, Args>>;
}

/** The WHERE that confines `model` to the caller's organization. */
export function tenantFilter(model: string, scope: ResolvedScope): Args | null {
  const c = confinementOf(model);
  switch (c.kind) {
    case 'tenant': {
      const rows = scope.rows?.[model];
      return rows ? { AND: [{ organizationId: scope.organizationId }, rows] } : { organizationId: scope.organizationId };
    }
    case 'organization':
      return { id: scope.organizationId };
    case 'member':
      return { memberships: { some: { organizationId: scope.organizationId } } };
    case 'none':
      return null;
  }
}

const withFilter = (where: Args | undefined, filter: Args): Args => {
  const and = where?.AND === undefined ? [] : Array.isArray(where.AND) ? where.AND : [where.AND];
  return { ...where, AND: [...and, filter] };
};

/** Rewrites nested include/select/_count so list relations only load rows of the organization. */
function confineNested(model: string, selection: Args | undefined, scope: CallerScope): Args | undefined {
  if (!selection) return selection;
  const relations = relationsOf(model);
  const out: Args = {};
  for (const [field, value] of Object.entries(selection)) {
    if (field === '_count' && value) {
      // `_count: true` counts every list relation: spell them out so each gets its filter.
      const wanted: Args =
        value === true
          ? Object.fromEntries(Object.entries(relations).filter(([, r]) => r.list).map(([name]) => [name, true]))
          : ((value.select ?? {}) as Args);
      const counts: Args = {};
      for (const [rel, v] of Object.entries(wanted)) {
        const target = relations[rel]?.model;
        const filter = target ? tenantFilter(target, scope) : null;
        if (!filter) throw new TenantViolation(`cannot confine _count of ${model}.${rel}`);
        counts[rel] = { where: withFilter(typeof v === 'object' ? v.where : undefined, filter) };
      }
      out[field] = { ...(value === true ? {} : value), select: counts };
      continue;
    }
    const relation = relations[field];
    if (!relation || !value) {
      out[field] = value;
      continue;
    }
    const filter = tenantFilter(relation.model, scope);
    if (!filter) throw new TenantViolation(`${relation.model} is not reachable through the tenant-scoped client`);
    const nested: Args = value === true ? {} : { ...value };
    if (nested.include) nested.include = confineNested(relation.model, nested.include, scope);
    if (nested.select) nested.select = confineNested(relation.model, nested.select, scope);
    if (relation.list) {
      nested.where = withFilter(nested.where, filter);
    } else if (confinementOf(relation.model).kind === 'tenant' && nested.select && !nested.select.organizationId) {
      // Needed to check the row on the way back; Prisma cannot filter a to-one include.
      nested.select.organizationId = true;
    }
    out[field] = Object.keys(nested).length === 0 ? true : nested;
  }
  return out;
}

/** Drops to-one related tenant rows of another organization from a result (defence in depth). */
function confineResult(model: string, result: unknown, scope: CallerScope): unknown {
  if (Array.isArray(result)) return result.map((r) => confineResult(model, r, scope));
  if (!result || typeof result !== 'object' || result instanceof Date) return result;
  const relations = relationsOf(model);
  const row = result as Args;
  for (const [field, relation] of Object.entries(relations)) {
    const value = row[field];
    if (value === undefined || value === null) continue;
    if (!relation.list && confinementOf(relation.model).kind === 'tenant' && value.organizationId !== scope.organizationId) {
      row[field] = null;
      continue;
    }
    row[field] = confineResult(relation.model, value, scope);
  }
  return row;
}

function refuseNestedTenantWrites(model: string, data: Args | undefined) {
  if (!data) return;
  const relations = relationsOf(model);
  for (const field of Object.keys(data)) {
    const relation = relations[field];
    if (relation && confinementOf(relation.model).kind !== 'none')
      throw new TenantViolation(`nested write ${model}.${field} is not supported by the tenant-scoped client; write the rows one by one`);
  }
}

function stampOrganization(model: string, data: Args, scope: CallerScope): Args {
  refuseNestedTenantWrites(model, data);
  if (data.organizationId !== undefined && data.organizationId !== scope.organizationId)
    throw new TenantViolation(`${model} row for another organization`);
  return { ...data, organizationId: scope.organizationId };
}

/** Whether an operation on `model` reads a guarded model, itself or through a nested include/select/_count. */
export function reachesGuarded(model: string, args: Args | undefined, guarded: ReadonlySet<string>, depth = 0): boolean {
  if (guarded.has(model)) return true;
  if (!args || depth > 8) return depth > 8;
  const relations = relationsOf(model);
  for (const selection of [args.include, args.select]) {
    if (!selection || typeof selection !== 'object') continue;
    for (const [field, value] of Object.entries(selection as Args)) {
      if (!value) continue;
      if (field === '_count') return true; // counts of list relations: treat as reaching, conservatively
      const relation = relations[field];
      if (relation && reachesGuarded(relation.model, value === true ? undefined : (value as Args), guarded, depth + 1)) return true;
    }
  }
  return false;
}

/** Rewrites one operation's arguments so it only reaches rows of the caller's organization. */
export function confineArgs(model: string, operation: string, args: Args, scope: CallerScope): Args {
  const c = confinementOf(model);
  if (c.kind === 'none') throw new TenantViolation(`${model} is not reachable through the tenant-scoped client`);
  const filter = tenantFilter(model, scope)!;
  const out: Args = { ...args };
  if (out.include) out.include = confineNested(model, out.include, scope);
  if (out.select) out.select = confineNested(model, out.select, scope);

  if (READS.has(operation) || FILTERED_WRITES.has(operation)) {
    out.where = withFilter(out.where, filter);
    if (out.data) {
      refuseNestedTenantWrites(model, out.data);
      if (out.data.organizationId !== undefined && out.data.organizationId !== scope.organizationId)
        throw new TenantViolation(`moving a ${model} to another organization`);
    }
    return out;
  }
  if (CREATES.has(operation)) {
    if (c.kind !== 'tenant') throw new TenantViolation(`${model} cannot be created through the tenant-scoped client`);
    out.data = Array.isArray(out.data) ? out.data.map((d: Args) => stampOrganization(model, d, scope)) : stampOrganization(model, out.data, scope);
    return out;
  }
  if (operation === 'upsert') {
    if (c.kind !== 'tenant') throw new TenantViolation(`${model} cannot be upserted through the tenant-scoped client`);
    out.where = withFilter(out.where, filter);
    out.create = stampOrganization(model, out.create, scope);
    refuseNestedTenantWrites(model, out.update);
    return out;
  }
  throw new TenantViolation(`operation ${operation} on ${model} is not supported by the tenant-scoped client`);
}

/**
 * Write statements of src/db/sql/ that the tenant-scoped client may run inside a caller's
 * transaction (the KPI rollups, which Prisma's model API cannot upsert atomically): only with the
 * caller's organization as their first parameter, which each puts in every row it writes or
 * matches. Anything else raw stays refused.
 */
const tenantStatements = new Set<string>();
const EXECUTE_UNSAFE = /^\$executeRawUnsafe$/;
export function tenantStatement(text: string): string {
  tenantStatements.add(text);
  return text;
}

/** The extension: every model operation confined, raw SQL refused but the fenced statements. */
export function forCaller(scope: CallerScope) {
  return Prisma.defineExtension({
    name: 'tenant',
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (!model) {
          // A fenced statement of src/db/sql/ (registered there) whose tenant parameter is the caller's organization.
          const raw = Array.isArray(args) ? (args as unknown[]) : [];
          if (EXECUTE_UNSAFE.test(operation) && tenantStatements.has(raw[0] as string) && raw[1] === scope.organizationId) return query(args);
          throw new TenantViolation(`raw ${operation} is not allowed through the tenant-scoped client`);
        }
        // Row filters are computed (once per request) only when the query can reach a guarded model.
        const reaches = Boolean(scope.guarded?.size) && reachesGuarded(model, args as Args | undefined, scope.guarded!);
        const resolved: ResolvedScope = { ...scope, rows: scope.rowFilters && reaches ? await scope.rowFilters() : undefined };
        const confined = confineArgs(model, operation, (args ?? {}) as Args, resolved);
        const result = await query(confined);
        return confineResult(model, result, resolved);
      },
    },
  });
}

/** Refuses UPDATE and DELETE of audit events at the data layer; the database triggers refuse them too. */
export const appendOnlyAudit = Prisma.defineExtension({
  name: 'append-only-audit',
  query: {
    auditEvent: {
      $allOperations({ operation, args, query }) {
        if (!['create', 'findFirst', 'findMany', 'findUnique', 'findUniqueOrThrow', 'findFirstOrThrow', 'count', 'aggregate'].includes(operation))
          throw new TenantViolation(`audit events are append-only: ${operation} is refused`);
        return query(args);
      },
    },
  },
});

export type { ModelName };

/**
 * KPI points are append-only and their rollups change only through src/db/sql/kpi-rollups.ts (in
 * the transaction that inserts the points): any other update or delete is refused at the data
 * layer, so the rollups cannot drift from the rows.
 */
const POINT_OPERATIONS = ['create', 'createMany', 'findFirst', 'findMany', 'findUnique', 'findUniqueOrThrow', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy'];
const READ_OPERATIONS = POINT_OPERATIONS.slice(2);
export const appendOnlyKpiData = Prisma.defineExtension({
  name: 'append-only-kpi-data',
  query: {
    kpiDataPoint: {
      $allOperations({ operation, args, query }) {
        if (!POINT_OPERATIONS.includes(operation)) throw new TenantViolation(`KPI data points are append-only: ${operation} is refused`);
        return query(args);
      },
    },
    kpiRollup: {
      $allOperations({ operation, args, query }) {
        if (!READ_OPERATIONS.includes(operation)) throw new TenantViolation(`KPI rollups change only with the points they sum: ${operation} is refused`);
        return query(args);
      },
    },
  },
});
