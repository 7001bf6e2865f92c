// The dashboard's pure rules (console/src/dashboard.ts): months cut in a time zone, the monthly
// table both the line chart and its text alternative draw, the target tile, the restricted badge.
import { describe, expect, it } from 'vitest';
import { groupLabel, monthLabel, monthlyTable, monthOf, scopesShaping, targetTile } from '../console/src/dashboard.ts';

describe('months', () => {
  it('cuts an instant by the calendar of a time zone', () => {
    // 23:30 UTC on 31 May is already June in Berlin, still May in New York.
    expect(monthOf('2026-05-31T23:30:00Z', 'Europe/Berlin')).toBe('2026-06');
    expect(monthOf('2026-05-31T23:30:00Z', 'America/New_York')).toBe('2026-05');
    expect(monthOf(new Date('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01');
    expect(monthLabel('2026-06')).toBe('Jun 2026');
  });
});

describe('monthlyTable', () => {
  it('lines up every group on the months any of them has, with a gap where one has no row', () => {
    const groups = [
      { key: ['EMEA'], total: { sum: 5 }, points: [{ period: '2026-02-01T00:00:00Z', count: 1, sum: 5 }] },
      {
        key: ['US'],
        total: { sum: 3 },
        points: [
          { period: '2026-01-01T00:00:00Z', count: 1, sum: 1 },
          { period: '2026-02-01T00:00:00Z', count: 2, sum: 2 },
        ],
      },
    ];
    expect(monthlyTable(groups, 'UTC')).toEqual({
      months: ['2026-01', '2026-02'],
      columns: ['EMEA', 'US'],
      sums: [
        [null, 5],
        [1, 2],
      ],
      starts: [Date.parse('2026-01-01T00:00:00Z') / 1000, Date.parse('2026-02-01T00:00:00Z') / 1000],
    });
    expect(monthlyTable([], 'UTC')).toEqual({ months: [], columns: [], sums: [], starts: [] });
    expect([groupLabel([]), groupLabel(['EMEA', 'Cloud'])]).toEqual(['All rows', 'EMEA / Cloud']);
  });
});

describe('targetTile', () => {
  const points = [
    { period: '2026-05-01T00:00:00Z', count: 3, sum: 90_000 },
    { period: '2026-06-01T00:00:00Z', count: 3, sum: 99_000 },
  ];

  it('shows this month against the target', () => {
    expect(targetTile(points, 120_000, new Date('2026-06-15T12:00:00Z'), 'UTC')).toEqual({ month: '2026-06', current: true, sum: 99_000, target: 120_000, percent: 83 });
  });

  it('shows the latest month with rows when this one has none yet, and says it is not this month', () => {
    expect(targetTile(points, 120_000, new Date('2026-12-07T12:00:00Z'), 'UTC')).toEqual({ month: '2026-06', current: false, sum: 99_000, target: 120_000, percent: 83 });
  });

  it('has no percentage without a target, and nothing without rows', () => {
    expect(targetTile(points, null, new Date('2026-06-15T12:00:00Z'), 'UTC')?.percent).toBeNull();
    expect(targetTile([], 120_000, new Date('2026-06-15T12:00:00Z'), 'UTC')).toBeNull();
  });
});

describe('scopesShaping', () => {
  const names = { region: 'Region', product: 'Product' };

  it('names the scopes of each dimension of a restricted KPI', () => {
    expect(
      scopesShaping(
        'RESTRICTED',
        [
          { dimension: 'product', values: ['*'] },
          { dimension: 'region', values: ['US', 'EMEA'] },
        ],
        names,
      ),
    ).toBe('Product: every value; Region: EMEA, US');
    expect(scopesShaping('RESTRICTED', [{ dimension: 'region', values: [] }], names)).toBe('Region: none');
    expect(scopesShaping('RESTRICTED', [], names)).toBe('no scope: no row is visible');
  });

  it('says nothing when no scope restricts what is shown', () => {
    expect(scopesShaping('FULL', [{ dimension: 'region', values: ['US'] }], names)).toBeNull();
    expect(scopesShaping(null, [], names)).toBeNull();
  });
});
