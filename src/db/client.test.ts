import { describe, expect, it } from 'vitest';
import { parseStoredDate, parseTimestamp, rowMaker } from './client.ts';

const byStringParser = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

describe('parseTimestamp', () => {
  it('reads timestamp text as the string parser does, with and without fractions', () => {
    const texts = ['2024-09-06 00:00:00', '2026-11-26 23:59:59.999', '2026-02-28 12:34:56.5', '2026-02-28 12:34:56.12', '2000-02-29 01:02:03.123456', '1970-01-01 00:00:00', '0100-01-01 00:00:00', '9999-12-31 23:59:59.9'];
    for (const text of texts) expect([text, parseTimestamp(text).toISOString()]).toEqual([text, byStringParser(text).toISOString()]);
  });

  it('agrees with the string parser on every day of four years and random times', () => {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000 + 3_723_456) {
      const iso = new Date(t).toISOString();
      const text = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
      expect(parseTimestamp(text).getTime()).toBe(t);
      expect(parseTimestamp(text.slice(0, 19)).getTime()).toBe(t - (t % 1000));
    }
  });

  it('leaves what it does not recognise to the string parser (years before 100, BC, infinity)', () => {
    for (const text of ['0050-06-01 00:00:00', '2024-09-06 00:00:00 BC', 'infinity', '2024-09-06T00:00:00'])
      expect(String(parseTimestamp(text).getTime())).toBe(String(byStringParser(text).getTime()));
  });
});

describe('parseStoredDate', () => {
  it('reads what Prisma stores in SQLite as the string parser does, every day of four years at varied times', () => {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000 + 3_723_457) {
      const text = new Date(t).toISOString().replace('Z', '+00:00');
      expect([text, parseStoredDate(text).getTime()]).toEqual([text, new Date(text).getTime()]);
    }
  });

  it('leaves other text to the string parser: other zones, no fraction, years before 100, non-digits', () => {
    for (const text of ['2024-09-06T00:00:00.000+02:00', '2024-09-06T00:00:00+00:00', '2024-09-06T00:00:00.000Z', '0050-06-01T00:00:00.000+00:00', '2024-0x-06T00:00:00.000+00:00', 'not a date'])
      expect(String(parseStoredDate(text).getTime())).toBe(String(new Date(text).getTime()));
  });
});

describe('rowMaker', () => {
  it('makes objects of raw rows in column order, whatever the names', () => {
    const row = rowMaker(['id', 'period', 'we"ird name', 'd1'])(['a', '2024', 3, null]);
    expect(row).toEqual({ id: 'a', period: '2024', 'we"ird name': 3, d1: null });
    expect(Object.keys(row)).toEqual(['id', 'period', 'we"ird name', 'd1']);
  });
});
