import { describe, expect, it } from 'vitest';
import { LONG_LIST } from '../db/sql/where.ts';
import { longLists, narrowToOccurring } from './present-values.ts';

const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('narrowing scope lists to the values that occur', () => {
  it('narrows only top-level dimension lists of LONG_LIST values or more', () => {
    const short = many('s', LONG_LIST - 1);
    const long = many('l', LONG_LIST);
    const visible = { kpiId: 'k', AND: [{ d1: { in: short } }, { d2: { in: long } }] };
    expect(longLists(visible)).toEqual(['d2']);
    const narrowed = narrowToOccurring(visible, { d2: new Set(['l3', 'zz']) });
    expect(narrowed).toEqual({ kpiId: 'k', AND: [{ d1: { in: short } }, { d2: { in: ['l3'] } }] });
    // The input (shared, frozen in real use) is left as it was.
    expect(visible.AND[1]).toEqual({ d2: { in: long } });
  });

  it('narrows to nothing when no listed value occurs, and leaves other shapes whole', () => {
    const long = many('l', 20);
    expect(narrowToOccurring({ kpiId: 'k', AND: [{ d1: { in: long } }] }, { d1: new Set(['other']) })).toEqual({ kpiId: 'k', AND: [{ d1: { in: [] } }] });
    for (const visible of [{ kpiId: 'k' }, { kpiId: 'k', AND: [{ d1: { in: long, not: 'x' } }] }, { kpiId: 'k', AND: [{ d1: { in: long }, d2: 'x' }] }, { OR: [{ d1: { in: long } }] }, { kpiId: 'k', AND: [{ period: { in: long } }] }]) {
      expect(longLists(visible as never)).toEqual([]);
      expect(narrowToOccurring(visible as never, { d1: new Set() })).toBe(visible);
    }
  });

  it('admits exactly the same rows as the list it narrows, for any rows whose values are among those occurring', () => {
    const list = many('v', 30);
    const rows = ['v1', 'v7', 'w2', 'v29', 'w9'];
    const occurring = new Set(rows);
    const narrowed = narrowToOccurring({ kpiId: 'k', AND: [{ d1: { in: list } }] }, { d1: occurring }).AND as { d1: { in: string[] } }[];
    for (const value of rows) expect(narrowed[0]!.d1.in.includes(value)).toBe(list.includes(value));
  });
});
