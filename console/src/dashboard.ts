// The dashboard's pure rules: what each chart and its text alternative show, from one answer of
// `Kpi.series`, and what the restricted badge says. No DOM here, so the tests run them in Node.

export interface SeriesSummary {
  count?: number | null;
  sum?: number | null;
}
export interface SeriesPoint {
  period: string;
  count: number;
  sum?: number | null;
}
export interface SeriesGroup {
  key: readonly string[];
  total: SeriesSummary;
  points?: readonly SeriesPoint[] | null;
}

/** A group's name for a person: its values, or "All rows" without a split. */
export const groupLabel = (key: readonly string[]) => (key.length ? key.join(' / ') : 'All rows');

/** "2026-06" of an instant in a time zone's calendar: the month a bucket or the clock is in. */
export function monthOf(at: Date | string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(typeof at === 'string' ? new Date(at) : at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

/** "Jun 2026": a month for a person. */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('en', { timeZone: 'UTC', year: 'numeric', month: 'short' }).format(Date.UTC(year!, m! - 1, 1));
}

export interface MonthlyTable {
  /** The months that hold a row the caller sees, oldest first ("2026-06"). */
  months: string[];
  /** One column per group, in the series' order. */
  columns: string[];
  /** sums[column][month index]: null where the group has no row that month. */
  sums: (number | null)[][];
  /** The start of each month as the server cut it (seconds since the epoch), for the time axis. */
  starts: number[];
}

/** The monthly series as one table: a row per month, a column per group (what the line chart draws). */
export function monthlyTable(groups: readonly SeriesGroup[], timeZone: string): MonthlyTable {
  const starts = new Map<string, number>();
  for (const g of groups) for (const p of g.points ?? []) starts.set(monthOf(p.period, timeZone), Date.parse(p.period) / 1000);
  const months = [...starts.keys()].sort();
  const sums = groups.map((g) => {
    const byMonth = new Map((g.points ?? []).map((p) => [monthOf(p.period, timeZone), p.sum ?? null]));
    return months.map((m) => byMonth.get(m) ?? null);
  });
  return { months, columns: groups.map((g) => groupLabel(g.key)), sums, starts: months.map((m) => starts.get(m)!) };
}

export interface TargetTile {
  /** The month shown: this month, or the latest with rows when this month has none yet. */
  month: string;
  current: boolean;
  sum: number | null;
  target: number | null;
  /** The sum as a share of the target, in percent (rounded); null without a target. */
  percent: number | null;
}

/**
 * This month against the target, from the unsplit monthly series: the month the clock is in (in
 * the dashboard's time zone), or the latest month with rows when this one has none yet; null when
 * the caller sees no row at all.
 */
export function targetTile(points: readonly SeriesPoint[], target: number | null | undefined, now: Date, timeZone: string): TargetTile | null {
  if (!points.length) return null;
  const thisMonth = monthOf(now, timeZone);
  const byMonth = new Map(points.map((p) => [monthOf(p.period, timeZone), p.sum ?? null]));
  const latest = [...byMonth.keys()].sort().at(-1)!;
  const current = byMonth.has(thisMonth);
  const month = current ? thisMonth : latest;
  const sum = byMonth.get(month) ?? null;
  const goal = target ?? null;
  return { month, current, sum, target: goal, percent: goal && sum !== null ? Math.round((sum / goal) * 100) : null };
}

export interface DimensionAccess {
  dimension: string;
  values: readonly string[];
}

/**
 * What the restricted badge says: which scopes shape the rows shown ("Region: US; Product: every
 * value"), from the server's account of the caller's access to the KPI. Null when nothing restricts.
 */
export function scopesShaping(access: string | null | undefined, dimensions: readonly DimensionAccess[], names: Readonly<Record<string, string>>): string | null {
  if (access !== 'RESTRICTED') return null;
  if (!dimensions.length) return 'no scope: no row is visible';
  return dimensions
    .map((d) => {
      const name = names[d.dimension] ?? d.dimension;
      if (!d.values.length) return `${name}: none`;
      if (d.values.includes('*')) return `${name}: every value`;
      return `${name}: ${[...d.values].sort().join(', ')}`;
    })
    .join('; ');
}
