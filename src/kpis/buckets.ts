// Time buckets of a KPI series in an IANA time zone's calendar: DAY, WEEK (ISO, Monday), MONTH,
// QUARTER and YEAR. Pure, with the runtime's Intl as the only source of zone rules (no library).
//
// A bucket of local date D starts at the first instant whose local date is D or later: local
// midnight, or, where a zone skips midnight (a daylight-saving change at 00:00), the instant the
// clock jumps into D. Buckets are the intervals between consecutive starts, so every instant is in
// exactly one and a bucket's `period` is its start.

export const TIME_BUCKETS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type TimeBucket = (typeof TIME_BUCKETS)[number];

export { truncateUtc } from '../db/utc-periods.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A calendar date (month 1-12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

const isUtc = (zone: string) => zone === 'UTC';

/** Whether the runtime knows the IANA zone. */
/** The zone's canonical IANA name (as Intl spells it), from the cached formatter. */
export const canonicalZone = (zone: string): string => formatter(zone).resolvedOptions().timeZone;

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

const WALL = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** The zone's wall-clock time at `t`, as the UTC instant with the same digits (ms). */
export function wallClock(t: number, zone: string): number {
  if (isUtc(zone)) return t;
  // format() and a pattern: formatToParts costs about six times as much.
  const m = WALL.exec(formatter(zone).format(t));
  if (!m) throw new Error(`unexpected date format for ${zone}`);
  const wall = new Date(0);
  wall.setUTCFullYear(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
  wall.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ((t % 1000) + 1000) % 1000);
  return wall.getTime();
}

/** The local date of instant `t` in `zone`. */
export function localDateOf(t: number, zone: string): LocalDate {
  const w = new Date(wallClock(t, zone));
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
}

const utcOf = (d: LocalDate) => {
  const x = new Date(0);
  x.setUTCFullYear(d.year, d.month - 1, d.day);
  return x.getTime();
};
const dateOfUtc = (t: number): LocalDate => {
  const x = new Date(t);
  return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
};

const starts = new Map<string, number>();
const STARTS_CACHED = 100_000;

/**
 * The first instant whose local date in `zone` is `d` or later. `offsetHint`: an offset (ms) the
 * zone had shortly before, tried first (one Intl call instead of six when it still holds).
 */
export function startOfLocalDate(d: LocalDate, zone: string, offsetHint?: number): number {
  const midnight = utcOf(d);
  if (isUtc(zone)) return midnight;
  const key = `${zone}\u0000${midnight}`;
  const cached = starts.get(key);
  if (cached !== undefined) return cached;
  let found = Infinity;
  // With the offset in force just before, local midnight is `midnight - offset`; when it falls back
  // across midnight the earlier offset gives the first of the two midnights, the one wanted.
  if (offsetHint !== undefined && wallClock(midnight - offsetHint, zone) === midnight) found = midnight - offsetHint;
  if (found === Infinity) {
    // Otherwise try the offsets around it, keeping the earliest that gives local midnight.
    for (const probe of [midnight - DAY, midnight, midnight + DAY]) {
      const t = midnight - (wallClock(probe, zone) - probe);
      if (t < found && wallClock(t, zone) === midnight) found = t;
    }
  }
  if (found === Infinity) {
    // Midnight does not exist here: the first instant past it, found by bisection (the jump is within a day).
    let lo = midnight - 15 * HOUR - DAY; // before d
    let hi = midnight + 15 * HOUR + DAY; // on d or later
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (wallClock(mid, zone) >= midnight) hi = mid;
      else lo = mid;
    }
    found = hi;
  }
  if (starts.size >= STARTS_CACHED) starts.clear();
  starts.set(key, found);
  return found;
}

/** The local date starting the bucket that holds local date `d`. */
export function bucketDateOf(d: LocalDate, bucket: TimeBucket): LocalDate {
  switch (bucket) {
    case 'DAY':
      return d;
    case 'WEEK': {
      const t = utcOf(d);
      const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
      return dateOfUtc(t - weekday * DAY);
    }
    case 'MONTH':
      return { year: d.year, month: d.month, day: 1 };
    case 'QUARTER':
      return { year: d.year, month: d.month - ((d.month - 1) % 3), day: 1 };
    case 'YEAR':
      return { year: d.year, month: 1, day: 1 };
  }
}

/** The local date starting the bucket after the one starting at `d`. */
export function nextBucketDate(d: LocalDate, bucket: TimeBucket): LocalDate {
  switch (bucket) {
    case 'DAY':
      return dateOfUtc(utcOf(d) + DAY);
    case 'WEEK':
      return dateOfUtc(utcOf(d) + 7 * DAY);
    case 'MONTH':
    case 'QUARTER': {
      const months = d.month - 1 + (bucket === 'MONTH' ? 1 : 3);
      return { year: d.year + Math.floor(months / 12), month: (months % 12) + 1, day: 1 };
    }
    case 'YEAR':
      return { year: d.year + 1, month: 1, day: 1 };
  }
}

/**
 * The start of the bucket holding instant `t`: the latest bucket start at or before `t`. (Where
 * a zone falls back across midnight, the repeated hour of the previous date lies after the next
 * day's start and so belongs to that day's bucket: buckets are intervals of time.)
 */
export function bucketStart(t: number, bucket: TimeBucket, zone: string): number {
  let d = bucketDateOf(localDateOf(t, zone), bucket);
  let start = startOfLocalDate(d, zone);
  for (;;) {
    const nextDate = nextBucketDate(d, bucket);
    const next = startOfLocalDate(nextDate, zone);
    if (next > t) return start;
    d = nextDate;
    start = next;
  }
}

/**
 * The bucket starts covering [a, b): the start of the bucket holding `a`, every start inside, and
 * the first start at or after `b` (so n + 1 boundaries for n buckets). At most `max` buckets;
 * null when there are more.
 */
export function bucketBoundaries(a: number, b: number, bucket: TimeBucket, zone: string, max: number): number[] | null {
  const first = bucketStart(a, bucket, zone);
  const out = [first];
  let d = bucketDateOf(localDateOf(first, zone), bucket);
  while (out[out.length - 1]! < b) {
    if (out.length > max) return null;
    const last = out[out.length - 1]!;
    const lastMidnight = utcOf(d);
    d = nextBucketDate(d, bucket);
    // The offset at the last start (where midnight existed), as the guess for the next one.
    const next = startOfLocalDate(d, zone, lastMidnight - last);
    if (next > last) out.push(next);
  }
  return out;
}

