import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './ids.ts';

describe('timeOrderedId', () => {
  it('is a UUID of version 7 and RFC 9562 variant, with the time in its first 48 bits', () => {
    const ms = Date.UTC(2026, 11, 7, 9, 30, 0, 123);
    const id = timeOrderedId(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts by time across milliseconds, and never repeats within one', () => {
    const ids = [timeOrderedId(1_000), timeOrderedId(1_001), timeOrderedId(65_536), timeOrderedId(2 ** 40)];
    expect([...ids].sort()).toEqual(ids);
    const same = Array.from({ length: 10_000 }, () => timeOrderedId(5_000));
    expect(new Set(same).size).toBe(10_000);
    expect(new Set(same.map((id) => id.slice(0, 15)))).toEqual(new Set(['00000000-1388-7']));
  });
});
