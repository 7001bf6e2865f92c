// The KPI statements through the driver: one KPI by id, a page of its data, the count and the
// summary, and which dimension values occur. Prisma's query interpreter costs about half a
// millisecond of CPU per statement, most of a data page's cost; these are prepared once. Each
// WHERE is the tenant's organization, then the caller's visible rows as the tenant extension
// applies them (`visiblePointsOf` / `visibleKpiOf` of src/kpis/access.ts, compiled by where.ts),
// then the caller's own conditions.
import { dateOf, type Kpi, type Prisma, type Provider, type SqlDriver } from '../client.ts';
import { compileTenantWhere, compileWhere, planOf, type Columns, type Where } from './where.ts';

const POINT_COLUMNS: Columns = {
  id: 'text',
  organizationId: 'text',
  kpiId: 'text',
  period: 'timestamp(3)',
  value: 'float8',
  d1: 'text',
  d2: 'text',
  d3: 'text',
  d4: 'text',
  createdAt: 'timestamp(3)',
};
const KPI_COLUMNS: Columns = { id: 'text', organizationId: 'text', key: 'text', createdById: 'text' };

/** How a points filter compiles, for the tests that hold the compiler to Prisma's meaning. */
export const compilePointWhere = (where: Prisma.KpiDataPointWhereInput, provider: Provider, params: unknown[]) =>
  compileWhere(where, { columns: POINT_COLUMNS, provider, params });

/**
 * One KPI by id in the organization, if `visible` (the caller's Kpi row filter, `visibleKpiOf`,
 * or none for FULL on every KPI) admits it; null otherwise.
 */
export async function readVisibleKpi(sql: SqlDriver, organizationId: string, id: string, visible: Prisma.KpiWhereInput | undefined): Promise<Kpi | null> {
  const params: unknown[] = [];
  const where = compileTenantWhere(organizationId, [{ id }, visible ?? {}], { columns: KPI_COLUMNS, provider: sql.provider, params });
  const [row] = await sql.all<Kpi>(
    `SELECT "id", "organizationId", "key", "name", "unit", "description", "target", "dimensionKeys", "createdById", "createdAt", "dataVersion" FROM "Kpi" WHERE ${where} LIMIT 1`,
    params,
    planOf(params),
  );
  if (!row) return null;
  row.createdAt = dateOf(row.createdAt);
  row.dataVersion = Number(row.dataVersion);
  return row;
}

export interface PointRow {
  id: string;
  period: Date;
  value: number;
  d1: string | null;
  d2: string | null;
  d3: string | null;
  d4: string | null;
}

/** What the point statements read, within the organization: the visible rows, then the caller's conditions. */
export interface PointQuery {
  /** The caller's visible rows of the KPI (`visiblePointsOf`). */
  visible: Prisma.KpiDataPointWhereInput;
  /** The caller's own conditions: the KPI, filter, cursor. */
  conditions: Prisma.KpiDataPointWhereInput[];
}

const pointsWhere = (organizationId: string, query: PointQuery, provider: Provider, params: unknown[], unindexed?: ReadonlySet<string>) =>
  compileTenantWhere(organizationId, [query.visible, ...query.conditions], { columns: POINT_COLUMNS, provider, params, unindexed });

const LEADING_DIMENSIONS = ['d1', 'd2'];
/** How many (d1, d2) combinations the conditions joined by AND allow, as the (kpiId, d1, d2, period) index would be probed. */
function combinations(where: Where): number {
  let n = 1;
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (key === 'AND') for (const w of (Array.isArray(value) ? value : [value]) as Where[]) n *= combinations(w);
    else if (LEADING_DIMENSIONS.includes(key) && value && typeof value === 'object' && Array.isArray((value as { in?: unknown }).in))
      n *= Math.max(1, (value as { in: unknown[] }).in.length);
  }
  return n;
}
/**
 * SQLite without statistics (we never ANALYZE) probes the (kpiId, d1, d2, period) index once per
 * combination and sorts every visible row when several combinations are allowed; walking
 * (kpiId, period) newest first and stopping after the page is cheaper then (u7 of the peer
 * benchmark: 0.44 instead of 1.2 ms). With one combination the composite index is already in
 * period order, and SQLite takes it.
 */
const UNINDEXED_DIMENSIONS: ReadonlySet<string> = new Set(['d1', 'd2', 'd3', 'd4']);
const pageHint = (query: PointQuery) => (combinations({ AND: [query.visible, ...query.conditions] }) > 1 ? UNINDEXED_DIMENSIONS : undefined);

/** One page, newest first, ties by id: the order of the (kpiId, period) index, read backwards. */
export async function readPoints(sql: SqlDriver, organizationId: string, query: PointQuery, take: number): Promise<PointRow[]> {
  const { text, params } = pageStatement(sql.provider, organizationId, query, take);
  const rows = await sql.all<PointRow>(text, params, planOf(params));
  for (const row of rows) row.period = dateOf(row.period);
  return rows;
}

/** The page's statement, with `?` placeholders (what `npm run bench -- kpis` explains). */
export function pageStatement(provider: Provider, organizationId: string, query: PointQuery, take: number) {
  const params: unknown[] = [];
  const where = pointsWhere(organizationId, query, provider, params, pageHint(query));
  params.push(take);
  return { text: `SELECT "id", "period", "value", "d1", "d2", "d3", "d4" FROM "KpiDataPoint" WHERE ${where} ORDER BY "period" DESC, "id" DESC LIMIT ?`, params };
}

export async function countPoints(sql: SqlDriver, organizationId: string, query: PointQuery): Promise<number> {
  const params: unknown[] = [];
  const where = pointsWhere(organizationId, query, sql.provider, params);
  const [row] = await sql.all<{ count: number }>(`SELECT COUNT(*) AS "count" FROM "KpiDataPoint" WHERE ${where}`, params, planOf(params));
  return Number(row!.count);
}

export interface PointSummary {
  count: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
}

export async function summarizePoints(sql: SqlDriver, organizationId: string, query: PointQuery): Promise<PointSummary> {
  const params: unknown[] = [];
  const where = pointsWhere(organizationId, query, sql.provider, params);
  const [row] = await sql.all<PointSummary>(
    `SELECT COUNT(*) AS "count", SUM("value") AS "sum", AVG("value") AS "avg", MIN("value") AS "min", MAX("value") AS "max" FROM "KpiDataPoint" WHERE ${where}`,
    params,
    planOf(params),
  );
  const number = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { count: Number(row!.count), sum: number(row!.sum), avg: number(row!.avg), min: number(row!.min), max: number(row!.max) };
}

export type DimensionColumn = 'd1' | 'd2' | 'd3' | 'd4';
const DIMENSION_COLUMNS: readonly string[] = ['d1', 'd2', 'd3', 'd4'];

/**
 * The values that occur in one dimension column among a KPI's points in the organization, of
 * every caller's visibility: only ever used to narrow a caller's own scope list
 * (src/kpis/present-values.ts), never shown.
 */
export async function occurringDimensionValues(sql: SqlDriver, organizationId: string, kpiId: string, column: DimensionColumn): Promise<Set<string>> {
  // The column's name goes into the text: it must be one of ours.
  if (!DIMENSION_COLUMNS.includes(column)) throw new Error(`not a dimension column: ${column}`);
  const params: unknown[] = [];
  const where = compileTenantWhere(organizationId, [{ kpiId }], { columns: POINT_COLUMNS, provider: sql.provider, params });
  const rows = await sql.all<{ v: string | null }>(`SELECT DISTINCT "${column}" AS "v" FROM "KpiDataPoint" WHERE ${where}`, params);
  return new Set(rows.flatMap((r) => (r.v === null ? [] : [r.v])));
}
