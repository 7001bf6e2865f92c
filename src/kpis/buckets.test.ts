// Buckets in time zones, against instants known from the zones' rules (IANA tzdata).
import { describe, expect, it } from 'vitest';
import { bucketBoundaries, bucketStart, isTimeZone, startOfLocalDate, type TimeBucket } from './buckets.ts';

const T = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const start = (at: string, bucket: TimeBucket, zone: string) => iso(bucketStart(T(at), bucket, zone));
const bounds = (a: string, b: string, bucket: TimeBucket, zone: string) => bucketBoundaries(T(a), T(b), bucket, zone, 1000)!.map(iso);

describe('bucketStart', () => {
  it('cuts UTC days, ISO weeks (Monday, across a year), months, quarters and years', () => {
    expect(start('2024-03-10T15:00:00Z', 'DAY', 'UTC')).toBe('2024-03-10T00:00:00.000Z');
    expect(start('2021-01-01T12:00:00Z', 'WEEK', 'UTC')).toBe('2020-12-28T00:00:00.000Z');
    expect(start('2024-01-07T23:59:59.999Z', 'WEEK', 'UTC')).toBe('2024-01-01T00:00:00.000Z');
    expect(start('2024-02-29T12:00:00Z', 'MONTH', 'UTC')).toBe('2024-02-01T00:00:00.000Z');
    expect(start('2024-06-30T23:59:59Z', 'QUARTER', 'UTC')).toBe('2024-04-01T00:00:00.000Z');
    expect(start('2024-12-31T23:59:59Z', 'YEAR', 'UTC')).toBe('2024-01-01T00:00:00.000Z');
  });

  it('follows daylight saving: Berlin months and quarters, New York years', () => {
    expect(start('2024-04-15T00:00:00Z', 'MONTH', 'Europe/Berlin')).toBe('2024-03-31T22:00:00.000Z');
    expect(start('2024-03-15T00:00:00Z', 'MONTH', 'Europe/Berlin')).toBe('2024-02-29T23:00:00.000Z');
    expect(start('2024-05-20T12:00:00Z', 'QUARTER', 'Europe/Berlin')).toBe('2024-03-31T22:00:00.000Z');
    expect(start('2024-06-01T12:00:00Z', 'YEAR', 'America/New_York')).toBe('2024-01-01T05:00:00.000Z');
    // 2024-03-31T21:59:59.999Z is still March in Berlin.
    expect(start('2024-03-31T21:59:59.999Z', 'MONTH', 'Europe/Berlin')).toBe('2024-02-29T23:00:00.000Z');
  });

  it('handles half- and quarter-hour offsets and Lord Howe’s 30-minute daylight saving', () => {
    expect(start('2024-01-05T10:00:00Z', 'DAY', 'Asia/Kolkata')).toBe('2024-01-04T18:30:00.000Z');
    expect(start('2024-01-05T10:00:00Z', 'DAY', 'Asia/Kathmandu')).toBe('2024-01-04T18:15:00.000Z');
    expect(start('2024-01-05T18:14:59.999Z', 'DAY', 'Asia/Kathmandu')).toBe('2024-01-04T18:15:00.000Z');
    expect(start('2024-01-05T18:15:00Z', 'DAY', 'Asia/Kathmandu')).toBe('2024-01-05T18:15:00.000Z');
    expect(start('2024-01-10T12:00:00Z', 'DAY', 'Australia/Lord_Howe')).toBe('2024-01-09T13:00:00.000Z'); // +11
    expect(start('2024-07-10T12:00:00Z', 'DAY', 'Australia/Lord_Howe')).toBe('2024-07-09T13:30:00.000Z'); // +10:30
  });
});

describe('bucketBoundaries', () => {
  it('gives a 23-hour day at New York’s spring-forward and a 23.5-hour one at Lord Howe’s', () => {
    expect(bounds('2024-03-09T12:00:00Z', '2024-03-11T12:00:00Z', 'DAY', 'America/New_York')).toEqual([
      '2024-03-09T05:00:00.000Z',
      '2024-03-10T05:00:00.000Z',
      '2024-03-11T04:00:00.000Z',
      '2024-03-12T04:00:00.000Z',
    ]);
    expect(bounds('2024-10-05T12:00:00Z', '2024-10-07T12:00:00Z', 'DAY', 'Australia/Lord_Howe')).toEqual([
      '2024-10-04T13:30:00.000Z',
      '2024-10-05T13:30:00.000Z',
      '2024-10-06T13:00:00.000Z',
      '2024-10-07T13:00:00.000Z',
    ]);
  });

  it('starts a day whose midnight does not exist at the first instant of it (Santiago, 2024-09-08 00:00 -> 01:00)', () => {
    expect(iso(startOfLocalDate({ year: 2024, month: 9, day: 8 }, 'America/Santiago'))).toBe('2024-09-08T04:00:00.000Z');
    expect(bounds('2024-09-07T12:00:00Z', '2024-09-09T12:00:00Z', 'DAY', 'America/Santiago')).toEqual([
      '2024-09-07T04:00:00.000Z',
      '2024-09-08T04:00:00.000Z',
      '2024-09-09T03:00:00.000Z',
      '2024-09-10T03:00:00.000Z',
    ]);
  });

  it('skips a day a zone skipped (Apia, 2011-12-30)', () => {
    expect(bounds('2011-12-29T12:00:00Z', '2011-12-31T12:00:00Z', 'DAY', 'Pacific/Apia')).toEqual([
      '2011-12-29T10:00:00.000Z', // Dec 29 (-10)
      '2011-12-30T10:00:00.000Z', // Dec 31 (+14): Dec 30 did not happen
      '2011-12-31T10:00:00.000Z', // Jan 1
      '2012-01-01T10:00:00.000Z', // Jan 2: the first start at or after the end
    ]);
  });

  it('ends at the first start at or after the end, and refuses more than `max` buckets', () => {
    expect(bounds('2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z', 'MONTH', 'UTC')).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(bucketBoundaries(T('2024-01-01T00:00:00Z'), T('2025-01-01T00:00:00Z'), 'DAY', 'UTC', 100)).toBeNull();
  });
});

it('knows IANA zones and refuses others', () => {
  expect(['Europe/Berlin', 'Asia/Kathmandu', 'UTC', 'Mars/Olympus_Mons', 'Europe/Berln'].map(isTimeZone)).toEqual([true, true, true, false, false]);
});
