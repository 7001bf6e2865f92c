// The KPI rollups: exact COUNT, SUM, MIN and MAX of a KPI's points per UTC DAY, MONTH and YEAR and
// combination of dimension values (prisma/models.prisma, KpiRollup), and the statements of
// `Kpi.series` that read them (and rows, where a bucket cuts a UTC day).
//
// Written only here: `upsertRollups` adds a batch's aggregates in the transaction that inserts its
// points (an upsert that adds counts and sums and keeps the least and greatest, so concurrent
// batches into the same rollup lose nothing), and `rebuildRollups` recomputes a KPI's rollups from
// its rows (bulk loaders). The tenant-scoped client runs these statements only with the caller's
// organization as their first parameter (src/db/tenant.ts, `tenantStatement`); every other update
// or delete of KpiDataPoint and KpiRollup is refused at the data layer (`appendOnlyKpiData`).
import { dateOf, dateParam, numberedPlaceholders, type Db, type Prisma, type Provider, type SqlDriver, type Tx } from '../client.ts';
import { tenantStatement } from '../tenant.ts';
import { compileTenantWhere, planOf, type Columns } from './where.ts';
import { truncateUtc, type RollupLevel } from '../utc-periods.ts';

const ROLLUP_LEVELS = ['DAY', 'MONTH', 'YEAR'] as const satisfies readonly RollupLevel[];

/**
 * Columns the visible-rows filters and the caller's conditions may name on KpiRollup: the same
 * names as KpiDataPoint's, so the same Prisma `where` objects compile against it. `id` is there
 * only so that the deny-all filter (`id in []`, compiled `1 = 0`) compiles; any other condition on
 * it fails in the database (no such column), never widening a statement.
 */
const ROLLUP_COLUMNS: Columns = { id: 'text', organizationId: 'text', kpiId: 'text', level: 'text', period: 'timestamp(3)', d1: 'text', d2: 'text', d3: 'text', d4: 'text' };
const POINT_COLUMNS: Columns = { id: 'text', organizationId: 'text', kpiId: 'text', period: 'timestamp(3)', d1: 'text', d2: 'text', d3: 'text', d4: 'text' };

/** A point as the rollups see it: its period, value and dimension columns. */
export interface RollupPoint {
  period: Date;
  value: number;
  d1?: string | null;
  d2?: string | null;
  d3?: string | null;
  d4?: string | null;
}

interface RollupDelta {
  level: RollupLevel;
  period: number;
  d: [string, string, string, string];
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** The batch's aggregates per (level, period, d1..d4), in key order (every writer locks rollups in the same order). */
function rollupDeltas(points: readonly RollupPoint[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const p of points) {
    const t = p.period.getTime();
    const d: RollupDelta['d'] = [p.d1 ?? '', p.d2 ?? '', p.d3 ?? '', p.d4 ?? ''];
    for (const level of ROLLUP_LEVELS) {
      const period = truncateUtc(t, level);
      const key = JSON.stringify([level, period, ...d]);
      const delta = byKey.get(key);
      if (delta) {
        delta.count++;
        delta.sum += p.value;
        if (p.value < delta.min) delta.min = p.value;
        if (p.value > delta.max) delta.max = p.value;
      } else {
        byKey.set(key, { level, period, d, count: 1, sum: p.value, min: p.value, max: p.value });
      }
    }
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** Rows per upsert statement: 11 parameters each, within SQLite's 32,766 and PostgreSQL's 65,535. */
const UPSERT_ROWS = 500;

const upsertTexts = new Map<string, string>();
/** The upsert of `rows` rollups: the organization first, then 11 values per row. */
function upsertText(provider: Provider, rows: number): string {
  const key = `${provider}:${rows}`;
  let text = upsertTexts.get(key);
  if (!text) {
    const pg = provider === 'postgresql';
    const row = pg ? '(?::text, ?::text, ?::timestamp(3), ?::text, ?::text, ?::text, ?::text, ?::int, ?::float8, ?::float8, ?::float8)' : '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const values = Array.from({ length: rows }, () => row).join(', ');
    const source = pg
      ? `(VALUES ${values}) AS v("kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")`
      : `(SELECT column1 AS "kpiId", column2 AS "level", column3 AS "period", column4 AS "d1", column5 AS "d2", column6 AS "d3", column7 AS "d4", column8 AS "count", column9 AS "sum", column10 AS "min", column11 AS "max" FROM (VALUES ${values})) AS v`;
    const least = pg ? 'LEAST' : 'min';
    const greatest = pg ? 'GREATEST' : 'max';
    text =
      `INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max") ` +
      `SELECT ${pg ? '?::text' : '?'}, "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max" FROM ${source} WHERE true ` +
      `ON CONFLICT ("kpiId", "level", "period", "d1", "d2", "d3", "d4") DO UPDATE SET ` +
      `"count" = "KpiRollup"."count" + excluded."count", "sum" = "KpiRollup"."sum" + excluded."sum", ` +
      `"min" = ${least}("KpiRollup"."min", excluded."min"), "max" = ${greatest}("KpiRollup"."max", excluded."max")`;
    upsertTexts.set(key, (text = tenantStatement(numbered(provider, text))));
  }
  return text;
}

/**
 * Adds a batch of a KPI's points to its rollups, through `tx`: call it in the transaction that
 * inserts the points. Rollups are upserted in key order, so concurrent batches on PostgreSQL take
 * their row locks in the same order and cannot deadlock on one another.
 */
export async function upsertRollups(tx: Db | Tx, organizationId: string, provider: Provider, kpiId: string, points: readonly RollupPoint[]): Promise<void> {
  const deltas = rollupDeltas(points);
  for (let i = 0; i < deltas.length; i += UPSERT_ROWS) {
    const chunk = deltas.slice(i, i + UPSERT_ROWS);
    const params: unknown[] = [organizationId];
    for (const r of chunk) params.push(kpiId, r.level, dateParam(provider, new Date(r.period)), ...r.d, r.count, r.sum, r.min, r.max);
    await tx.$executeRawUnsafe(upsertText(provider, chunk.length), ...params);
  }
}

/** Points per insert statement: 8 parameters each, within SQLite's 32,766 and PostgreSQL's 65,535. */
const INSERT_ROWS = 1000;
const insertTexts = new Map<string, string>();
/** The insert of `rows` points of one KPI: the organization, the KPI and the time first, then 7 values per point. */
function insertText(provider: Provider, rows: number): string {
  const key = `${provider}:${rows}`;
  let text = insertTexts.get(key);
  if (!text) {
    const pg = provider === 'postgresql';
    const row = pg ? '(?::text, ?::timestamp(3), ?::float8, ?::text, ?::text, ?::text, ?::text)' : '(?, ?, ?, ?, ?, ?, ?)';
    const values = Array.from({ length: rows }, () => row).join(', ');
    const source = pg
      ? `(VALUES ${values}) AS v("id", "period", "value", "d1", "d2", "d3", "d4")`
      : `(SELECT column1 AS "id", column2 AS "period", column3 AS "value", column4 AS "d1", column5 AS "d2", column6 AS "d3", column7 AS "d4" FROM (VALUES ${values})) AS v`;
    text =
      `INSERT INTO "KpiDataPoint" ("organizationId", "kpiId", "createdAt", "id", "period", "value", "d1", "d2", "d3", "d4") ` +
      `SELECT ${pg ? '?::text, ?::text, ?::timestamp(3)' : '?, ?, ?'}, "id", "period", "value", "d1", "d2", "d3", "d4" FROM ${source}`;
    insertTexts.set(key, (text = tenantStatement(numbered(provider, text))));
  }
  return text;
}

/**
 * Inserts a batch of one KPI's points, through `tx` (the transaction that also upserts their
 * rollups): one multi-row statement per thousand points instead of Prisma's createMany, whose
 * query building took most of a large batch's time. The organization is written once, first.
 */
export async function insertPoints(tx: Db | Tx, organizationId: string, provider: Provider, kpiId: string, createdAt: Date, points: readonly (RollupPoint & { id: string })[]): Promise<void> {
  const at = dateParam(provider, createdAt);
  for (let i = 0; i < points.length; i += INSERT_ROWS) {
    const chunk = points.slice(i, i + INSERT_ROWS);
    const params: unknown[] = [organizationId, kpiId, at];
    for (const p of chunk) params.push(p.id, dateParam(provider, p.period), p.value, p.d1 ?? null, p.d2 ?? null, p.d3 ?? null, p.d4 ?? null);
    await tx.$executeRawUnsafe(insertText(provider, chunk.length), ...params);
  }
}

const TRUNCATED: Record<Provider, Record<RollupLevel, string>> = {
  sqlite: {
    DAY: `substr("period", 1, 10) || 'T00:00:00.000+00:00'`,
    MONTH: `substr("period", 1, 7) || '-01T00:00:00.000+00:00'`,
    YEAR: `substr("period", 1, 4) || '-01-01T00:00:00.000+00:00'`,
  },
  postgresql: { DAY: `date_trunc('day', "period")`, MONTH: `date_trunc('month', "period")`, YEAR: `date_trunc('year', "period")` },
};

/**
 * Recomputes one KPI's rollups from its rows (what the migration's backfill does for every KPI):
 * for bulk loaders that insert points without `upsertRollups`. Run it in a transaction with the
 * insert, or while nothing else writes the KPI.
 */
export async function rebuildRollups(db: Db | Tx, organizationId: string, provider: Provider, kpiId: string): Promise<void> {
  await db.$executeRawUnsafe(tenantStatement(numbered(provider, `DELETE FROM "KpiRollup" WHERE "organizationId" = ? AND "kpiId" = ?`)), organizationId, kpiId);
  for (const level of ROLLUP_LEVELS) {
    const text =
      `INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max") ` +
      `SELECT "organizationId", "kpiId", '${level}', ${TRUNCATED[provider][level]}, COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value") ` +
      `FROM "KpiDataPoint" WHERE "organizationId" = ? AND "kpiId" = ? GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
    await db.$executeRawUnsafe(tenantStatement(numbered(provider, text)), organizationId, kpiId);
  }
}

/** Prisma's raw statements take `$1`… on PostgreSQL, `?` on SQLite. */
function numbered(provider: Provider, text: string): string {
  return provider === 'postgresql' ? numberedPlaceholders(text) : text;
}

/**
 * The UTC days holding the KPI's first and last points (any caller's: only ever used to bound which
 * buckets a series looks at, never shown); null without points.
 */
export async function rollupDayRange(sql: SqlDriver, organizationId: string, kpiId: string): Promise<{ first: Date; last: Date } | null> {
  const params: unknown[] = [];
  const where = compileTenantWhere(organizationId, [{ kpiId }, { level: 'DAY' }], { columns: ROLLUP_COLUMNS, provider: sql.provider, params });
  const [row] = await sql.all<{ first: unknown; last: unknown }>(
    `SELECT (SELECT MIN("period") FROM "KpiRollup" WHERE ${where}) AS "first", (SELECT MAX("period") FROM "KpiRollup" WHERE ${where}) AS "last"`,
    [...params, ...params],
  );
  if (!row || row.first === null || row.first === undefined) return null;
  return { first: dateOf(row.first), last: dateOf(row.last) };
}

/** Aggregates of one piece of a series: a rollup, or the rows of one instant, of one group. */
export interface SeriesPiece {
  period: Date;
  g1: string | null;
  g2: string | null;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** What a series reads: the caller's visible rows, their conditions (the KPI, dimension filters), the group columns and the time ranges. */
export interface SeriesRead {
  visible: Prisma.KpiDataPointWhereInput;
  conditions: Prisma.KpiDataPointWhereInput[];
  groupColumns: readonly ('d1' | 'd2' | 'd3' | 'd4')[];
  /** Whether the pieces are needed per period (a time axis), or per group only. */
  byPeriod: boolean;
  /** [from, to) ranges, in ms; each aligned to `level` for rollups. */
  ranges: readonly (readonly [number, number])[];
}

const GROUP_COLUMNS = new Set(['d1', 'd2', 'd3', 'd4']);

/**
 * The aggregates of the visible rows within the ranges, per (period, group) when `byPeriod`,
 * otherwise per group (with a null period): from the rollups at `level`, or from the rows (`level`
 * null). One statement: WHERE = the organization, the visible rows, the caller's conditions and
 * the ranges OR'ed (each carrying the KPI and level, so both databases walk an index per range).
 */
export async function readSeriesPieces(sql: SqlDriver, organizationId: string, kpiId: string, level: RollupLevel | null, read: SeriesRead): Promise<SeriesPiece[]> {
  if (!read.ranges.length) return [];
  for (const c of read.groupColumns) if (!GROUP_COLUMNS.has(c)) throw new Error(`not a dimension column: ${c}`);
  const params: unknown[] = [];
  const ranges = { OR: read.ranges.map(([from, to]) => ({ kpiId, ...(level ? { level } : {}), period: { gte: new Date(from), lt: new Date(to) } })) };
  const where = compileTenantWhere(organizationId, [read.visible, ...read.conditions, ranges], { columns: level ? ROLLUP_COLUMNS : POINT_COLUMNS, provider: sql.provider, params });
  const groups = read.groupColumns.map((c, i) => `"${c}" AS "g${i + 1}"`);
  const groupBy = [...(read.byPeriod ? ['"period"'] : []), ...read.groupColumns.map((c) => `"${c}"`)];
  const aggregates = level
    ? `SUM("count") AS "count", SUM("sum") AS "sum", MIN("min") AS "min", MAX("max") AS "max"`
    : `COUNT(*) AS "count", SUM("value") AS "sum", MIN("value") AS "min", MAX("value") AS "max"`;
  const select = [read.byPeriod ? '"period"' : 'NULL AS "period"', ...groups, aggregates].join(', ');
  const rows = await sql.all<Record<string, unknown>>(
    `SELECT ${select} FROM "${level ? 'KpiRollup' : 'KpiDataPoint'}" WHERE ${where}${groupBy.length ? ` GROUP BY ${groupBy.join(', ')}` : ''}`,
    params,
    planOf(params),
  );
  // Without GROUP BY an aggregate over no row is one row of count 0: not a piece.
  return rows.filter((r) => Number(r.count) > 0).map((r) => ({
    period: r.period === null || r.period === undefined ? new Date(NaN) : dateOf(r.period),
    g1: (r.g1 as string | undefined) ?? null,
    g2: (r.g2 as string | undefined) ?? null,
    count: Number(r.count),
    sum: Number(r.sum),
    min: Number(r.min),
    max: Number(r.max),
  }));
}
