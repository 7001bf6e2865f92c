// The compiled KPI data path reads through visiblePointsOf (one KPI's branch of the row filter)
// and visibleKpisOf; these must admit exactly what rowFiltersOf — what the tenant extension adds
// to every Prisma query — admits. Checked over random profiles and rows with an evaluator of
// Prisma's `where` written here, independently of the SQL compiler. Also: the compiler refuses
// what it does not know instead of dropping it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessOf, rowFiltersOf, visibleKpiOf, visibleKpisOf, visiblePointsOf, visibleRowsOf, type KpiAccess, type KpiProfile } from '../src/kpis/access.ts';
import { compilePointWhere } from '../src/db/sql/kpi-points.ts';
import { UncompilableFilter } from '../src/db/sql/where.ts';

type Row = Record<string, string | number | Date | null>;

/** Prisma's meaning of the `where` shapes the row filters use (AND, OR, equality, in, comparisons, null). */
function matches(where: object, row: Row): boolean {
  return Object.entries(where as Record<string, unknown>).every(([key, condition]) => {
    if (condition === undefined) return true;
    if (key === 'AND') return (Array.isArray(condition) ? condition : [condition]).every((w) => matches(w, row));
    if (key === 'OR') return (condition as object[]).some((w) => matches(w, row));
    if (key === 'NOT') throw new Error('NOT is not used by the row filters');
    const value = row[key];
    if (condition === null) return value === null;
    if (typeof condition !== 'object' || condition instanceof Date) return value === condition;
    return Object.entries(condition as Record<string, unknown>).every(([op, operand]) => {
      if (op === 'in') return (operand as unknown[]).includes(value);
      if (value === null) return false;
      const [a, b] = [value, operand].map((v) => (v instanceof Date ? v.getTime() : v)) as [number | string, number | string];
      if (op === 'equals') return a === b;
      if (op === 'lt') return a < b;
      if (op === 'lte') return a <= b;
      if (op === 'gt') return a > b;
      if (op === 'gte') return a >= b;
      throw new Error(`operator ${op} is not used by the row filters`);
    });
  });
}

const KPIS = ['k1', 'k2', 'k3', 'k4'];
const DIMENSIONS = ['region', 'product', 'channel'];
const VALUES = ['a', 'b', 'c'];

const profiles = fc
  .record({
    all: fc.boolean(),
    access: fc.array(fc.constantFrom<KpiAccess | null>('FULL', 'RESTRICTED', 'NONE', null), { minLength: KPIS.length, maxLength: KPIS.length }),
    dimensions: fc.array(fc.subarray(DIMENSIONS), { minLength: KPIS.length, maxLength: KPIS.length }),
    scopes: fc.dictionary(fc.constantFrom(...DIMENSIONS), fc.subarray([...VALUES, '*'])),
  })
  .map(({ all, access, dimensions, scopes }): KpiProfile => {
    const profile: KpiProfile = { all, access: new Map(), scopes: new Map(), dimensions: new Map(), validUntil: Infinity };
    KPIS.forEach((id, i) => {
      if (all) return;
      const a = access[i];
      if (a && a !== 'NONE') profile.access.set(id, a);
      if (a === 'RESTRICTED') profile.dimensions.set(id, dimensions[i]!);
    });
    for (const [key, values] of Object.entries(scopes)) profile.scopes.set(key, new Set(values));
    return profile;
  });

const rows = fc.array(
  fc.record({
    kpiId: fc.constantFrom(...KPIS),
    d1: fc.option(fc.constantFrom(...VALUES), { nil: null }),
    d2: fc.option(fc.constantFrom(...VALUES), { nil: null }),
    d3: fc.option(fc.constantFrom(...VALUES), { nil: null }),
  }),
  { minLength: 1, maxLength: 30 },
);

describe('the compiled path reads through the same row filters', () => {
  it('visiblePointsOf(profile, kpi) admits exactly the rows of that KPI that rowFiltersOf admits', () => {
    fc.assert(
      fc.property(profiles, rows, (profile, sample) => {
        const all = rowFiltersOf(profile).KpiDataPoint ?? {};
        for (const row of sample) {
          const perKpi = visiblePointsOf(profile, row.kpiId);
          expect({ row, admitted: matches(perKpi, row) }).toEqual({ row, admitted: matches(all, row) });
          // Never a row of another KPI, whatever the profile.
          for (const other of KPIS) if (other !== row.kpiId) expect(matches(visiblePointsOf(profile, other), row)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('visibleKpisOf admits exactly the KPIs whose access is not NONE', () => {
    fc.assert(
      fc.property(profiles, (profile) => {
        for (const id of KPIS) expect(matches(visibleKpisOf(profile) ?? {}, { id })).toBe(accessOf(profile, id) !== 'NONE');
      }),
      { numRuns: 300 },
    );
  });

  it('visibleKpiOf(profile, id) admits that KPI exactly when visibleKpisOf does, and no other KPI unless the profile sees all', () => {
    fc.assert(
      fc.property(profiles, (profile) => {
        for (const id of KPIS) {
          const narrowed = visibleKpiOf(profile, id) ?? {};
          expect(matches(narrowed, { id })).toBe(matches(visibleKpisOf(profile) ?? {}, { id }));
          for (const other of KPIS) if (other !== id) expect(matches(narrowed, { id: other })).toBe(profile.all);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hands out the same frozen filter for a profile, so no request can change another one', () => {
    const profile: KpiProfile = { all: false, access: new Map([['k1', 'RESTRICTED']]), scopes: new Map([['region', new Set(['a'])]]), dimensions: new Map([['k1', ['region']]]), validUntil: Infinity };
    const filter = visiblePointsOf(profile, 'k1');
    expect(filter).toEqual({ kpiId: 'k1', AND: [{ d1: { in: ['a'] } }] });
    expect(visiblePointsOf(profile, 'k1')).toBe(filter);
    expect(() => ((filter.AND as object[]).push({ d2: 'x' }))).toThrow(TypeError);
    expect(rowFiltersOf(profile)).toBe(rowFiltersOf(profile));
  });
});

describe('one declaration of the visible rows', () => {
  const profile: KpiProfile = {
    all: false,
    access: new Map<string, KpiAccess>([['k1', 'FULL'], ['k2', 'RESTRICTED'], ['k3', 'RESTRICTED'], ['k4', 'RESTRICTED'], ['k5', 'FULL']]),
    scopes: new Map([['region', new Set(['b', 'a'])], ['product', new Set(['*'])]]),
    // k2 and k3 share their dimensions (one branch); k4's channel has no scope (no point).
    dimensions: new Map([['k2', ['region', 'product']], ['k3', ['region', 'product']], ['k4', ['channel']]]),
    validUntil: Infinity,
  };

  it('declares the KPIs seen and, grouped by their conditions, which of their points', () => {
    expect(visibleRowsOf(profile)).toEqual({
      all: false,
      kpiIds: ['k1', 'k2', 'k3', 'k4', 'k5'],
      pointBranches: [
        { kpiIds: ['k1', 'k5'], columns: [] },
        { kpiIds: ['k2', 'k3'], columns: [{ column: 'd1', values: ['a', 'b'] }] },
      ],
    });
    expect(visibleRowsOf({ ...profile, all: true })).toEqual({ all: true, kpiIds: [], pointBranches: [] });
  });

  it('renders it for the tenant extension and, per KPI, for the compiled statements', () => {
    const regions = { d1: { in: ['a', 'b'] } };
    expect(rowFiltersOf(profile)).toEqual({
      Kpi: { id: { in: ['k1', 'k2', 'k3', 'k4', 'k5'] } },
      KpiDataPoint: { OR: [{ kpiId: { in: ['k1', 'k5'] } }, { kpiId: { in: ['k2', 'k3'] }, AND: [regions] }] },
      Alert: { kpiId: { in: ['k1', 'k2', 'k3', 'k4', 'k5'] } },
      AlertFiring: { kpiId: { in: ['k1', 'k2', 'k3', 'k4', 'k5'] } },
    });
    expect(['k1', 'k3', 'k4', 'k9'].map((id) => visiblePointsOf(profile, id))).toEqual([{ kpiId: 'k1' }, { kpiId: 'k3', AND: [regions] }, { id: { in: [] } }, { id: { in: [] } }]);
    expect(['k4', 'k9'].map((id) => visibleKpiOf(profile, id))).toEqual([{ id: 'k4' }, { id: { in: [] } }]);
  });
});

describe('the SQL compiler', () => {
  const compile = (where: object, provider: 'sqlite' | 'postgresql' = 'sqlite') => {
    const params: unknown[] = [];
    return { sql: compilePointWhere(where, provider, params), params };
  };

  it('compiles the row filter shapes, with lists as IN on SQLite and = ANY on PostgreSQL', () => {
    const where = { AND: [{ organizationId: 'o1' }, { kpiId: 'k1', AND: [{ d1: { in: ['US', 'EMEA'] } }] }, { period: { gte: new Date('2026-01-01T00:00:00Z') } }] };
    expect(compile(where)).toEqual({
      sql: '("organizationId" = ?) AND ("kpiId" = ? AND ("d1" IN (?, ?))) AND ("period" >= ?)',
      params: ['o1', 'k1', 'US', 'EMEA', '2026-01-01T00:00:00.000+00:00'],
    });
    expect(compile(where, 'postgresql')).toEqual({
      sql: '("organizationId" = ?) AND ("kpiId" = ? AND ("d1" = ANY(?::text[]))) AND ("period" >= ?)',
      params: ['o1', 'k1', ['US', 'EMEA'], '2026-01-01 00:00:00.000'],
    });
  });

  it('matches nothing for an empty list or an empty OR, as Prisma does', () => {
    expect(compile({ id: { in: [] } }).sql).toBe('1 = 0');
    expect(compile({ OR: [] }).sql).toBe('1 = 0');
    expect(compile({ AND: [] }).sql).toBe('1 = 1');
  });

  it('refuses what it does not know rather than dropping it', () => {
    expect(() => compile({ d1: { not: 'US' } })).toThrow(UncompilableFilter);
    expect(() => compile({ d1: { contains: 'U' } })).toThrow(UncompilableFilter);
    expect(() => compile({ NOT: { d1: 'US' } })).toThrow(UncompilableFilter);
    expect(() => compile({ secret: 'x' })).toThrow(UncompilableFilter);
    expect(() => compile({ d1: { in: 'US' } })).toThrow(UncompilableFilter);
    expect(() => compile({ d1: { equals: { nested: true } } })).toThrow(UncompilableFilter);
  });
});
