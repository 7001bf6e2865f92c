// A KPI's data connection and summary compiled to one prepared statement through the driver,
// instead of Prisma's query interpreter (about half a millisecond of CPU per statement, most of a
// page's cost). What it compiles are the same Prisma `where` objects the Prisma path would send:
// the tenant's `organizationId`, the caller's visible rows of that KPI from their profile
// (`visiblePointsOf`, the per-KPI branch of `rowFiltersOf`), the caller's filter and the keyset
// cursor. The compiler knows only the few shapes those use; anything else is refused, never
// dropped, so a condition can make a statement fail but never widen it.
import { dateOf, dateParam, type Provider, type SqlDriver } from '../db/client.ts';
import type { Kpi, Prisma } from '../db/client.ts';

/** A Prisma `where` of either table, as the compiler walks it. */
type Where = object;
/** Columns a condition may name, by table, with the PostgreSQL array type for `in`. */
type Columns = Record<string, string>;

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
const COMPARISONS: Record<string, string> = { equals: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

export class UncompilableFilter extends Error {
  override name = 'UncompilableFilter';
}

const scalar = (provider: Provider, value: unknown): unknown => {
  if (value instanceof Date) return dateParam(provider, value);
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new UncompilableFilter(`cannot compare with ${typeof value}`);
};

/** What one compilation appends to and how it spells columns. */
interface Compilation {
  columns: Columns;
  provider: Provider;
  params: unknown[];
  /** SQLite: columns written `+"col"`, which keeps the planner from choosing an index on them. */
  unindexed?: ReadonlySet<string>;
}

function column(c: Compilation, name: string, condition: unknown): string {
  const { provider, params } = c;
  const type = c.columns[name];
  if (!type) throw new UncompilableFilter(`unknown column ${name}`);
  const sqlName = provider === 'sqlite' && c.unindexed?.has(name) ? `+"${name}"` : `"${name}"`;
  if (condition === null) return `${sqlName} IS NULL`;
  if (typeof condition !== 'object' || condition instanceof Date) {
    params.push(scalar(provider, condition));
    return `${sqlName} = ?`;
  }
  const parts: string[] = [];
  for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (op === 'in') {
      if (!Array.isArray(value)) throw new UncompilableFilter(`${name}.in is not a list`);
      if (value.length === 0) {
        parts.push('1 = 0');
      } else if (provider === 'postgresql') {
        params.push(value.map((v) => scalar(provider, v)));
        parts.push(`${sqlName} = ANY(?::${type}[])`);
      } else {
        params.push(...value.map((v) => scalar(provider, v)));
        parts.push(`${sqlName} IN (${value.map(() => '?').join(', ')})`);
      }
    } else if (COMPARISONS[op]) {
      params.push(scalar(provider, value));
      parts.push(`${sqlName} ${COMPARISONS[op]} ?`);
    } else {
      throw new UncompilableFilter(`operator ${op} on ${name}`);
    }
  }
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

/** A Prisma `where` as SQL with `?` placeholders, appending its parameters. */
function compileWhere(where: Where, c: Compilation): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      const compiled = list.map((w) => `(${compileWhere(w, c)})`);
      if (key === 'AND') parts.push(compiled.length ? compiled.join(' AND ') : '1 = 1');
      // Prisma: an empty OR matches nothing.
      else parts.push(compiled.length ? `(${compiled.join(' OR ')})` : '1 = 0');
    } else {
      parts.push(column(c, key, value));
    }
  }
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

/** What the data statements compile, exported for the tests that hold the compiler to Prisma's meaning. */
export const compilePointWhere = (where: Prisma.KpiDataPointWhereInput, provider: Provider, params: unknown[]) =>
  compileWhere(where, { columns: POINT_COLUMNS, provider, params });

/**
 * One KPI by id in the caller's organization, if `visible` (the Kpi row filter of their profile,
 * `rowFiltersOf(profile).Kpi`, or none for FULL on every KPI) admits it; null otherwise.
 */
export async function readVisibleKpi(sql: SqlDriver, organizationId: string, id: string, visible: Prisma.KpiWhereInput | undefined): Promise<Kpi | null> {
  if (!organizationId) throw new UncompilableFilter('no organization');
  const params: unknown[] = [];
  const where = compileWhere({ AND: [{ organizationId }, { id }, visible ?? {}] }, { columns: KPI_COLUMNS, provider: sql.provider, params });
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

/** What every statement here needs: the organization first, then the visible rows, then the caller's conditions. */
export interface PointQuery {
  organizationId: string;
  /** The caller's visible rows of the KPI (`visiblePointsOf`). */
  visible: Prisma.KpiDataPointWhereInput;
  /** The caller's own conditions: the KPI, filter, cursor. */
  conditions: Prisma.KpiDataPointWhereInput[];
}

function whereOf(query: PointQuery, provider: Provider, params: unknown[], unindexed?: ReadonlySet<string>) {
  if (!query.organizationId) throw new UncompilableFilter('no organization');
  const where = { AND: [{ organizationId: query.organizationId }, query.visible, ...query.conditions] };
  return compileWhere(where, { columns: POINT_COLUMNS, provider, params, unindexed });
}

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

/**
 * PostgreSQL hashes an `= ANY(list)` of 9 or more values only when it plans with the list known;
 * a reused generic plan compares every row with every value (1,000 scopes: 9 ms instead of 1).
 */
export const LONG_LIST = 9;
const planOf = (params: unknown[]) => ({ planEachTime: params.some((p) => Array.isArray(p) && p.length >= LONG_LIST) });

/** One page, newest first, ties by id: the order of the (kpiId, period) index, read backwards. */
export async function readPoints(sql: SqlDriver, query: PointQuery, take: number): Promise<PointRow[]> {
  const { text, params } = pageStatement(sql.provider, query, take);
  const rows = await sql.all<PointRow>(text, params, planOf(params));
  for (const row of rows) row.period = dateOf(row.period);
  return rows;
}

/** The page's statement, with `?` placeholders (what `npm run bench -- kpis` explains). */
export function pageStatement(provider: Provider, query: PointQuery, take: number) {
  const params: unknown[] = [];
  const where = whereOf(query, provider, params, pageHint(query));
  params.push(take);
  return { text: `SELECT "id", "period", "value", "d1", "d2", "d3", "d4" FROM "KpiDataPoint" WHERE ${where} ORDER BY "period" DESC, "id" DESC LIMIT ?`, params };
}

export async function countPoints(sql: SqlDriver, query: PointQuery): Promise<number> {
  const params: unknown[] = [];
  const where = whereOf(query, sql.provider, params);
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

export async function summarizePoints(sql: SqlDriver, query: PointQuery): Promise<PointSummary> {
  const params: unknown[] = [];
  const where = whereOf(query, sql.provider, params);
  const [row] = await sql.all<PointSummary>(
    `SELECT COUNT(*) AS "count", SUM("value") AS "sum", AVG("value") AS "avg", MIN("value") AS "min", MAX("value") AS "max" FROM "KpiDataPoint" WHERE ${where}`,
    params,
    planOf(params),
  );
  const number = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { count: Number(row!.count), sum: number(row!.sum), avg: number(row!.avg), min: number(row!.min), max: number(row!.max) };
}
