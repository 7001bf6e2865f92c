// The periods of the KPI rollups: UTC calendar days, months and years (src/db/sql/kpi-rollups.ts).

export type RollupLevel = 'DAY' | 'MONTH' | 'YEAR';

/** The UTC start of the day, month or year holding `t` (ms). */
export function truncateUtc(t: number, level: RollupLevel): number {
  const d = new Date(t);
  if (level === 'DAY') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (level === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

/** The UTC start of the day, month or year after the one starting at `t`. */
export function nextUtc(t: number, level: RollupLevel): number {
  const d = new Date(t);
  if (level === 'DAY') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  if (level === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}
