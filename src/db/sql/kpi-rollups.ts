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

const DAY_MS = 86_400_000;
const compareDeltas = (a: RollupDelta, b: RollupDelta) =>
  a.period - b.period ||
  (a.d[0] < b.d[0] ? -1 : a.d[0] > b.d[0] ? 1 : 0) ||
  (a.d[1] < b.d[1] ? -1 : a.d[1] > b.d[1] ? 1 : 0) ||
  (a.d[2] < b.d[2] ? -1 : a.d[2] > b.d[2] ? 1 : 0) ||
  (a.d[3] < b.d[3] ? -1 : a.d[3] > b.d[3] ? 1 : 0);

/**
 * The batch's aggregates per (level, period, d1..d4), in key order: DAY, MONTH, YEAR, each by
 * period and dimension values (every writer locks rollups in the same order). A UTC day is
 * 86,400,000 ms (JavaScript time has no leap seconds), so a point's day is arithmetic; months and
 * years are looked up once per day. Kept per level in arrival order, which for an import in time
 * order is nearly sorted already (the sort then costs about one comparison per delta).
 */
function rollupDeltas(points: readonly RollupPoint[]): RollupDelta[] {
  const levels: Record<RollupLevel, Map<string, RollupDelta>> = { DAY: new Map(), MONTH: new Map(), YEAR: new Map() };
  const upper = new Map<number, [number, number]>();
  const add = (level: RollupLevel, period: number, d: RollupDelta['d'], dims: string, value: number) => {
    const key = `${period}${dims}`;
    const deltas = levels[level];
    const delta = deltas.get(key);
    if (!delta) deltas.set(key, { level, period, d, count: 1, sum: value, min: value, max: value });
    else {
      delta.count++;
      delta.sum += value;
      if (value < delta.min) delta.min = value;
      if (value > delta.max) delta.max = value;
    }
  };
  for (const p of points) {
    const day = Math.floor(p.period.getTime() / DAY_MS) * DAY_MS;
    let monthYear = upper.get(day);
    if (!monthYear) upper.set(day, (monthYear = [truncateUtc(day, 'MONTH'), truncateUtc(day, 'YEAR')]));
    const d: RollupDelta['d'] = [p.d1 ?? '', p.d2 ?? '', p.d3 ?? '', p.d4 ?? ''];
    // JSON keeps values with any character apart.
    const dims = JSON.stringify(d);
    add('DAY', day, d, dims, p.value);
    add('MONTH', monthYear[0], d, dims, p.value);
    add('YEAR', monthYear[1], d, dims, p.value);
  }
  return ROLLUP_LEVELS.flatMap((level) => [...levels[level].values()].sort(compareDeltas));
}

/**
 * A batch's rows travel as one parameter, not as a VALUES list of thousands of placeholders:
 * PostgreSQL takes one array per column (`unnest`), SQLite one JSON array of rows (`json_each`,
 * whose numbers SQLite reads back exactly). The statement's text is then fixed, so it is parsed
 * and planned like a small one, whatever the batch's size: with VALUES lists, parsing them took
 * most of a batch's time on PostgreSQL (docs/benchmarks.md, the run "issue 20 closed").
 */
const rowsParam = (rows: readonly unknown[][]) => JSON.stringify(rows);
/** A batch's periods as statement parameters, each made once (a batch in time order repeats them). */
function periodParams(provider: Provider): (ms: number) => string {
  const made = new Map<number, string>();
  return (ms) => {
    let text = made.get(ms);
    if (text === undefined) made.set(ms, (text = dateParam(provider, new Date(ms))));
    return text;
  };
}
/** PostgreSQL arrays, one per column, of `rows`. */
const columnsOf = (rows: readonly unknown[][], width: number) => Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));

const UPSERT_SET =
  `ON CONFLICT ("kpiId", "level", "period", "d1", "d2", "d3", "d4") DO UPDATE SET ` +
  `"count" = "KpiRollup"."count" + excluded."count", "sum" = "KpiRollup"."sum" + excluded."sum", `;
/** The rollups' upsert: the organization, the KPI, then the rows (level, period, d1..d4, count, sum, min, max; min and max null for one point). */
const UPSERT: Record<Provider, string> = {
  postgresql: tenantStatement(
    `INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max") ` +
      `SELECT $1::text, $2::text, "l", "p", "d1", "d2", "d3", "d4", "n", "s", COALESCE("lo", "s"), COALESCE("hi", "s") ` +
      `FROM unnest($3::text[], $4::timestamp(3)[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::float8[], $11::float8[], $12::float8[]) AS u("l", "p", "d1", "d2", "d3", "d4", "n", "s", "lo", "hi") ` +
      UPSERT_SET +
      `"min" = LEAST("KpiRollup"."min", excluded."min"), "max" = GREATEST("KpiRollup"."max", excluded."max")`,
  ),
  sqlite: tenantStatement(
    `INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max") ` +
      `SELECT ?, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, coalesce(value ->> 8, value ->> 7), coalesce(value ->> 9, value ->> 7) FROM json_each(?) WHERE true ` +
      UPSERT_SET +
      `"min" = min("KpiRollup"."min", excluded."min"), "max" = max("KpiRollup"."max", excluded."max")`,
  ),
};

/**
 * Adds a batch of a KPI's points to its rollups, through `tx`: call it in the transaction that
 * inserts the points. One statement; its rows are in key order, so concurrent batches on
 * PostgreSQL take their row locks in the same order and cannot deadlock on one another.
 */
export async function upsertRollups(tx: Db | Tx, organizationId: string, provider: Provider, kpiId: string, points: readonly RollupPoint[]): Promise<void> {
  const periodParam = periodParams(provider);
  // A rollup of one point has min = max = sum: sent once (the statement takes the sum for a null least and greatest).
  const rows = rollupDeltas(points).map((r) =>
    r.count === 1 ? [r.level, periodParam(r.period), r.d[0], r.d[1], r.d[2], r.d[3], 1, r.sum, null, null] : [r.level, periodParam(r.period), r.d[0], r.d[1], r.d[2], r.d[3], r.count, r.sum, r.min, r.max],
  );
  if (!rows.length) return;
  await (provider === 'postgresql'
    ? tx.$executeRawUnsafe(UPSERT.postgresql, organizationId, kpiId, ...columnsOf(rows, 10))
    : tx.$executeRawUnsafe(UPSERT.sqlite, organizationId, kpiId, rowsParam(rows)));
}

/** The points' insert: the organization, the KPI and the time of writing, then the rows (id, period, value, d1..d4). */
const INSERT: Record<Provider, string> = {
  postgresql: tenantStatement(
    `INSERT INTO "KpiDataPoint" ("organizationId", "kpiId", "createdAt", "id", "period", "value", "d1", "d2", "d3", "d4") ` +
      `SELECT $1::text, $2::text, $3::timestamp(3), * FROM unnest($4::text[], $5::timestamp(3)[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[])`,
  ),
  sqlite: tenantStatement(
    `INSERT INTO "KpiDataPoint" ("organizationId", "kpiId", "createdAt", "id", "period", "value", "d1", "d2", "d3", "d4") ` +
      `SELECT ?, ?, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?)`,
  ),
};

/**
 * Inserts a batch of one KPI's points, through `tx` (the transaction that also upserts their
 * rollups): one statement, the organization written once, first.
 */
export async function insertPoints(tx: Db | Tx, organizationId: string, provider: Provider, kpiId: string, createdAt: Date, points: readonly (RollupPoint & { id: string })[]): Promise<void> {
  if (!points.length) return;
  const periodParam = periodParams(provider);
  const rows = points.map((p) => [p.id, periodParam(p.period.getTime()), p.value, p.d1 ?? null, p.d2 ?? null, p.d3 ?? null, p.d4 ?? null]);
  const at = dateParam(provider, createdAt);
  await (provider === 'postgresql'
    ? tx.$executeRawUnsafe(INSERT.postgresql, organizationId, kpiId, at, ...columnsOf(rows, 7))
    : tx.$executeRawUnsafe(INSERT.sqlite, organizationId, kpiId, at, rowsParam(rows)));
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
  /** [from, to) ranges, in ms; each aligned to `level` for rollups; -Infinity and Infinity leave that side open. */
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
  // An unbounded side (±Infinity) is no condition: [-Infinity, Infinity) is every period.
  const period = (from: number, to: number) => ({ ...(from === -Infinity ? {} : { gte: new Date(from) }), ...(to === Infinity ? {} : { lt: new Date(to) }) });
  const ranges = { OR: read.ranges.map(([from, to]) => ({ kpiId, ...(level ? { level } : {}), period: period(from, to) })) };
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
