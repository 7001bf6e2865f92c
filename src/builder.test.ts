import { describe, expect, it } from 'vitest';
import { isoString } from './builder.ts';

describe('isoString', () => {
  it('writes what toISOString writes, for every day of four years at varied times and at the edges of its range', () => {
    const dates = [new Date(Date.UTC(1000, 0, 1)), new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), new Date(Date.UTC(999, 11, 31)), new Date(Date.UTC(10000, 0, 1)), new Date(-1)];
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000 + 3_723_457) dates.push(new Date(t));
    for (const date of dates) expect(isoString(date)).toBe(date.toISOString());
  });
});
