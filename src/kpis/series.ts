// `Kpi.series`: the aggregates of the rows a caller may see, split by time bucket (in a time zone's
// calendar) and by up to two dimensions, answered from the exact rollups wherever whole UTC days,
// months or years fall inside a bucket and from rows only for the parts of a UTC day a bucket or
// the filter cuts (docs/analytics.md). A chart's cost follows its groups and buckets, not the rows.
import type { Kpi, SqlDriver } from '../db/client.ts';
import { readSeriesPieces, rollupDayRange, type SeriesPiece, type SeriesRead } from '../db/sql/kpi-rollups.ts';
import type { DimensionColumn, PointQuery, PointSummary } from '../db/sql/kpi-points.ts';
import { nextUtc, truncateUtc, type RollupLevel } from '../db/utc-periods.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { dimensionColumn } from './access.ts';
import { bucketBoundaries, canonicalZone, isTimeZone, type TimeBucket } from './buckets.ts';
import { refuse } from './input.ts';
import { dimensionKeysOf } from './kpis.ts';

/** The largest series answered: its groups × the buckets they show. */
export const SERIES_CELL_LIMIT = 10_000;
/** The most buckets a series may span between its first and last row (or filter bounds). */
export const SERIES_BUCKET_LIMIT = 50_000;
export const MAX_GROUP_KEYS = 2;

export interface SeriesInput {
  bucket?: TimeBucket | null;
  timeZone?: string | null;
  groupBy?: readonly string[] | null;
  filter?: { from?: Date | null; to?: Date | null } | null;
  top?: number | null;
}

export interface SeriesPoint extends PointSummary {
  period: Date;
}
export interface SeriesGroup {
  key: string[];
  total: PointSummary;
  points: SeriesPoint[];
}
export interface Series {
  bucket: TimeBucket | null;
  timeZone: string;
  groupBy: string[];
  total: PointSummary;
  groups: SeriesGroup[];
}

/** The input checked against the KPI, before any I/O: BAD_USER_INPUT naming the argument. */
export function checkSeriesInput(kpi: Kpi, input: SeriesInput): { timeZone: string; groupColumns: DimensionColumn[]; groupBy: string[] } {
  const keys = dimensionKeysOf(kpi);
  const groupBy = [...(input.groupBy ?? [])];
  if (groupBy.length > MAX_GROUP_KEYS) throw refuse('input.groupBy', `lists at most ${MAX_GROUP_KEYS} dimension keys; it had ${groupBy.length}.`);
  const groupColumns = groupBy.map((key, i) => {
    const index = keys.indexOf(key);
    if (index < 0) throw refuse(`input.groupBy[${i}]`, `names "${key.slice(0, 60)}", which KPI "${kpi.key}" does not have; its dimensions are ${keys.join(', ') || 'none'}.`);
    if (groupBy.indexOf(key) !== i) throw refuse(`input.groupBy[${i}]`, `names "${key}" a second time: each key once.`);
    return dimensionColumn(index);
  });
  const zone = input.timeZone ?? 'UTC';
  if (zone.length > 100 || !isTimeZone(zone)) throw refuse('input.timeZone', `is not an IANA time zone this server knows (e.g. Europe/Berlin, America/New_York, Asia/Kolkata, UTC); "${zone.slice(0, 60)}" is not.`);
  if (input.top !== null && input.top !== undefined && input.top < 1) throw refuse('input.top', `is the number of groups to keep, at least 1; it was ${input.top}.`);
  const { from, to } = input.filter ?? {};
  if (from && to && to <= from) throw refuse('input.filter.to', 'must be after `input.filter.from`: the filter keeps periods in [from, to).');
  return { timeZone: canonicalZone(zone), groupColumns, groupBy };
}

type PieceLevel = RollupLevel | 'RAW';
const COARSER: readonly RollupLevel[] = ['YEAR', 'MONTH', 'DAY'];

/** [s, e) as maximal UTC-aligned pieces: YEAR, then MONTH, then DAY rollups, and rows for what is left of a UTC day. */
export function piecesOf(s: number, e: number, out: Map<PieceLevel, [number, number][]>, depth = 0): void {
  if (s >= e) return;
  const level = (COARSER[depth] as RollupLevel | undefined) ?? 'RAW';
  if (level === 'RAW') return add(out, level, s, e);
  const a = truncateUtc(s, level) === s ? s : nextUtc(truncateUtc(s, level), level);
  const b = truncateUtc(e, level);
  if (a >= b) return piecesOf(s, e, out, depth + 1);
  piecesOf(s, a, out, depth + 1);
  add(out, level, a, b);
  piecesOf(b, e, out, depth + 1);
}

function add(out: Map<PieceLevel, [number, number][]>, level: PieceLevel, s: number, e: number) {
  const list = out.get(level) ?? [];
  const last = list[list.length - 1];
  // Adjacent ranges of a level merge: consecutive whole months are one range of MONTH rollups.
  if (last && last[1] === s) last[1] = e;
  else list.push([s, e]);
  out.set(level, list);
}

/** Ranges per statement: each adds four parameters. */
const RANGES_PER_STATEMENT = 200;

const emptySummary = (): PointSummary => ({ count: 0, sum: null, avg: null, min: null, max: null });
function addPiece(into: PointSummary, p: SeriesPiece) {
  into.count += p.count;
  into.sum = (into.sum ?? 0) + p.sum;
  into.min = into.min === null ? p.min : Math.min(into.min, p.min);
  into.max = into.max === null ? p.max : Math.max(into.max, p.max);
  into.avg = into.sum / into.count;
}

const compareKeys = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** The index of the last boundary at or before `t`. */
function bucketIndex(bounds: readonly number[], t: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const limitError = (rule: string, message: string, measured: number, limit: number) =>
  new AppError(ErrorCode.OPERATION_LIMIT, message, { rule, details: { measured, limit } });

/**
 * The series of `kpi` for the caller whose confinement is `query` (their visible rows and the
 * filter's conditions without its time bounds, which the plan applies), in the organization.
 */
export async function kpiSeries(sql: SqlDriver, organizationId: string, kpi: Kpi, input: SeriesInput, query: PointQuery): Promise<Series> {
  const { timeZone, groupColumns, groupBy } = checkSeriesInput(kpi, input);
  const bucket = input.bucket ?? null;
  const from = input.filter?.from?.getTime() ?? -Infinity;
  const to = input.filter?.to?.getTime() ?? Infinity;
  const series: Series = { bucket, timeZone, groupBy, total: emptySummary(), groups: [] };
  // The time axis cut at bucket starts (or one segment without buckets), within the filter's bounds.
  let bounds: number[];
  const pieces = new Map<PieceLevel, [number, number][]>();
  if (!bucket && from === -Infinity && to === Infinity) {
    // No time axis, no time bound: every YEAR rollup, in one statement (no need to know where the data lies).
    bounds = [-Infinity, Infinity];
    pieces.set('YEAR', [[-Infinity, Infinity]]);
  } else {
    const range = await rollupDayRange(sql, organizationId, kpi.id);
    if (!range) return series;
    const dataFrom = range.first.getTime();
    const dataTo = nextUtc(range.last.getTime(), 'DAY');
    const lo = Math.max(dataFrom, from);
    const hi = Math.min(dataTo, to);
    if (lo >= hi) return series;
    if (bucket) {
      const found = bucketBoundaries(lo, hi, bucket, timeZone, SERIES_BUCKET_LIMIT);
      if (!found) throw limitError('series.buckets', `This series spans more than ${SERIES_BUCKET_LIMIT} ${bucket} buckets between its first and last row: narrow \`input.filter\` or take a larger bucket.`, SERIES_BUCKET_LIMIT + 1, SERIES_BUCKET_LIMIT);
      bounds = found;
    } else {
      // Widened to whole UTC years where the filter allows: no rows lie outside the data's days.
      bounds = [truncateUtc(lo, 'YEAR'), nextUtc(truncateUtc(hi - 1, 'YEAR'), 'YEAR')];
    }
    for (let i = 0; i + 1 < bounds.length; i++) piecesOf(Math.max(bounds[i]!, from), Math.min(bounds[i + 1]!, to), pieces);
  }

  const read = (level: PieceLevel, ranges: [number, number][]): SeriesRead => ({ ...query, groupColumns, byPeriod: bucket !== null, ranges });
  const statements: Promise<SeriesPiece[]>[] = [];
  for (const [level, ranges] of pieces)
    for (let i = 0; i < ranges.length; i += RANGES_PER_STATEMENT)
      statements.push(readSeriesPieces(sql, organizationId, kpi.id, level === 'RAW' ? null : level, read(level, ranges.slice(i, i + RANGES_PER_STATEMENT))));

  const groups = new Map<string, SeriesGroup & { byPeriod: Map<number, SeriesPoint> }>();
  for (const rows of await Promise.all(statements)) {
    for (const p of rows) {
      const key = groupColumns.map((_, i) => (i === 0 ? p.g1 : p.g2) ?? '');
      const id = JSON.stringify(key);
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { key, total: emptySummary(), points: [], byPeriod: new Map() }));
      addPiece(group.total, p);
      addPiece(series.total, p);
      if (bucket) {
        const start = bounds[bucketIndex(bounds, p.period.getTime())]!;
        let point = group.byPeriod.get(start);
        if (!point) group.byPeriod.set(start, (point = { period: new Date(start), ...emptySummary() }));
        addPiece(point, p);
      }
    }
  }
  let list = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  if (input.top) list = list.sort((a, b) => (b.total.sum ?? 0) - (a.total.sum ?? 0) || compareKeys(a.key, b.key)).slice(0, input.top);
  const periods = new Set<number>();
  for (const g of list) for (const t of g.byPeriod.keys()) periods.add(t);
  const cells = list.length * Math.max(1, periods.size);
  if (cells > SERIES_CELL_LIMIT)
    throw limitError('series.cells', `This series has ${list.length} groups × ${periods.size} buckets = ${cells} cells, more than the ${SERIES_CELL_LIMIT} a series may have: take a larger bucket, fewer groups (\`input.top\`) or a narrower \`input.filter\`.`, cells, SERIES_CELL_LIMIT);
  series.groups = list.map((g) => ({ key: g.key, total: g.total, points: [...g.byPeriod.values()].sort((a, b) => a.period.getTime() - b.period.getTime()) }));
  return series;
}
