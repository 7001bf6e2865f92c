import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './client.ts';

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
