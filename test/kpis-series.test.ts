// `Kpi.series` through HTTP: exact figures per bucket and group in several time zones (a DST
// change, quarter-hour offsets), `top`, row-level security (a restricted analyst sees their scopes
// only, and a grant, scope or revocation shows at the next request), batches recorded once under
// a key, and clear refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, restrictedAnalyst, type OrgFixture } from './fixtures.ts';
import { CreateDimension, CreateKpi, GrantAccessScope, KpiSeries, RecordKpiBatch, RecordKpiData, RevokeAccessScope } from './ops.ts';

const clock = manualClock();
let server: TestServer;
let o: OrgFixture;
let sales: string;
let analystId: string;

const point = (period: string, value: number, region: string, product: string) => ({
  period,
  value,
  dimensions: [{ dimension: 'region', value: region }, { dimension: 'product', value: product }],
});

/**
 * Around New York's spring-forward (2024-03-10, 02:00 EST -> 03:00 EDT) and a Kathmandu day
 * (+05:45), with values that are multiples of 1/8.
 */
const POINTS = [
  point('2024-01-15T12:00:00.000Z', 10, 'US', 'p1'),
  point('2024-01-31T23:30:00.000Z', 2.5, 'EMEA', 'p1'), // Feb 1 in Berlin, Jan 31 in New York
  point('2024-02-10T08:00:00.000Z', 4, 'US', 'p2'),
  point('2024-03-10T04:30:00.000Z', 1.125, 'US', 'p1'), // Mar 9 23:30 EST
  point('2024-03-10T05:30:00.000Z', 3, 'US', 'p1'), // Mar 10 00:30 EST
  point('2024-03-11T03:30:00.000Z', 5, 'EMEA', 'p2'), // Mar 10 23:30 EDT
  point('2024-03-11T04:30:00.000Z', 7, 'APAC', 'p2'), // Mar 11 00:30 EDT
  point('2024-03-10T18:14:00.000Z', 0.25, 'APAC', 'p1'), // Mar 10 23:59 in Kathmandu
  point('2024-03-10T18:15:00.000Z', 0.5, 'APAC', 'p1'), // Mar 11 00:00 in Kathmandu
  point('2025-06-30T23:00:00.000Z', 100, 'EMEA', 'p1'),
];

const series = async (input: Record<string, unknown>, as = o.admin, filter?: Record<string, unknown>) => {
  const r = await server.gql(KpiSeries, { id: sales, input, filter: (filter ?? input.filter) as never }, { as });
  return r;
};
const ok = async (input: Record<string, unknown>, as = o.admin) => {
  const r = await series(input, as);
  expect(r.errors).toBeUndefined();
  return r.data!.kpi!;
};
const sum = (...xs: number[]) => xs.reduce((a, b) => a + b, 0);
const figures = (values: number[]) => ({ count: values.length, sum: sum(...values), avg: sum(...values) / values.length, min: Math.min(...values), max: Math.max(...values) });

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  o = await orgWithRoles(server, 'Charts', { analyst: 'VIEWER' });
  const as = { as: o.admin };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA', 'APAC'] }, as);
  await server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['p1', 'p2'] }, as);
  sales = (await server.gql(CreateKpi, { input: { key: 'sales', name: 'Sales', dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  expect((await server.gql(RecordKpiData, { kpiId: sales, points: POINTS }, as)).data?.recordKpiData).toBe(POINTS.length);
  analystId = await restrictedAnalyst(server, o, o.admin, sales, o.emails.analyst!, [['region', 'US'], ['product', '*']]);
});
afterAll(() => server?.close());

describe('series', () => {
  it('without bucket and groups: one group whose total equals summary', async () => {
    const k = await ok({});
    const all = figures(POINTS.map((p) => p.value));
    expect(k.series).toEqual({ bucket: null, timeZone: 'UTC', groupBy: [], total: all, groups: [{ key: [], total: all, points: [] }] });
    expect(k.summary).toEqual(all);
  });

  it('by UTC month and region: sparse points, groups by key', async () => {
    const k = await ok({ bucket: 'MONTH', groupBy: ['region'] });
    const month = (m: string, values: number[]) => ({ period: `${m}-01T00:00:00.000Z`, ...figures(values) });
    expect(k.series!.groups).toEqual([
      { key: ['APAC'], total: figures([7, 0.25, 0.5]), points: [month('2024-03', [7, 0.25, 0.5])] },
      { key: ['EMEA'], total: figures([2.5, 5, 100]), points: [month('2024-01', [2.5]), month('2024-03', [5]), month('2025-06', [100])] },
      { key: ['US'], total: figures([10, 4, 1.125, 3]), points: [month('2024-01', [10]), month('2024-02', [4]), month('2024-03', [1.125, 3])] },
    ]);
  });

  it('cuts days in New York across the spring-forward change (a 23-hour day)', async () => {
    const k = await ok({ bucket: 'DAY', timeZone: 'America/New_York', filter: { from: '2024-03-09T00:00:00Z', to: '2024-03-12T00:00:00Z' } });
    expect(k.series!.groups[0]!.points).toEqual([
      { period: '2024-03-09T05:00:00.000Z', ...figures([1.125]) },
      { period: '2024-03-10T05:00:00.000Z', ...figures([3, 0.25, 0.5, 5]) },
      { period: '2024-03-11T04:00:00.000Z', ...figures([7]) },
    ]);
    expect(k.series!.total).toEqual(k.summary);
  });

  it('cuts days in Kathmandu (+05:45) and months in Berlin', async () => {
    const kathmandu = await ok({ bucket: 'DAY', timeZone: 'Asia/Kathmandu', groupBy: ['region'], filter: { from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' } });
    expect(kathmandu.series!.groups.find((g) => g.key[0] === 'APAC')!.points).toEqual([
      { period: '2024-03-09T18:15:00.000Z', ...figures([0.25]) },
      { period: '2024-03-10T18:15:00.000Z', ...figures([7, 0.5]) },
    ]);
    const berlin = await ok({ bucket: 'MONTH', timeZone: 'Europe/Berlin', groupBy: ['region'] });
    expect(berlin.series!.groups.find((g) => g.key[0] === 'EMEA')!.points.map((p) => [p.period, p.sum])).toEqual([
      ['2024-01-31T23:00:00.000Z', 2.5],
      ['2024-02-29T23:00:00.000Z', 5],
      ['2025-06-30T22:00:00.000Z', 100],
    ]);
  });

  it('weeks start on Monday, quarters and years in the zone', async () => {
    const weeks = await ok({ bucket: 'WEEK', filter: { from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' } });
    expect(weeks.series!.groups[0]!.points.map((p) => [p.period, p.count])).toEqual([
      ['2024-03-04T00:00:00.000Z', 4],
      ['2024-03-11T00:00:00.000Z', 2],
    ]);
    const quarters = await ok({ bucket: 'QUARTER', timeZone: 'Asia/Kolkata' });
    expect(quarters.series!.groups[0]!.points.map((p) => [p.period, p.count])).toEqual([
      ['2023-12-31T18:30:00.000Z', 9],
      ['2025-06-30T18:30:00.000Z', 1], // 2025-07-01 04:30 in Kolkata: the third quarter
    ]);
    const years = await ok({ bucket: 'YEAR' });
    expect(years.series!.groups[0]!.points.map((p) => [p.period, p.sum])).toEqual([
      ['2024-01-01T00:00:00.000Z', sum(10, 2.5, 4, 1.125, 3, 5, 7, 0.25, 0.5)],
      ['2025-01-01T00:00:00.000Z', 100],
    ]);
  });

  it('top: the N largest groups by SUM, largest first; two group keys', async () => {
    const k = await ok({ groupBy: ['region', 'product'], top: 2 });
    expect(k.series!.groups.map((g) => [g.key, g.total.sum])).toEqual([
      [['EMEA', 'p1'], 102.5],
      [['US', 'p1'], 14.125],
    ]);
  });

  it('a restricted analyst sees only their scopes; a new scope and a revocation show at the next request', async () => {
    const as = o.emails.analyst!;
    const us = await ok({ groupBy: ['region'] }, as);
    expect(us.series!.groups.map((g) => g.key)).toEqual([['US']]);
    expect(us.series!.total).toEqual(figures([10, 4, 1.125, 3]));
    expect(us.series!.total).toEqual(us.summary);
    const granted = await server.gql(GrantAccessScope, { userId: analystId, dimension: 'region', value: 'EMEA' }, { as: o.admin });
    const both = await ok({ groupBy: ['region'] }, as);
    expect(both.series!.groups.map((g) => [g.key[0], g.total.count])).toEqual([['EMEA', 3], ['US', 4]]);
    await server.gql(RevokeAccessScope, { id: granted.data!.grantAccessScope!.id }, { as: o.admin });
    expect((await ok({ groupBy: ['region'] }, as)).series!.groups.map((g) => g.key)).toEqual([['US']]);
  });

  it('records a batch once under its key, and the rollups follow new points', async () => {
    const as = { as: o.admin };
    const batch = [point('2026-01-05T10:00:00Z', 1, 'US', 'p1'), point('2026-01-06T10:00:00Z', 2, 'US', 'p2')];
    expect((await server.gql(RecordKpiBatch, { kpiId: sales, points: batch, batchKey: 'file.csv:1' }, as)).data?.recordKpiData).toBe(2);
    expect((await server.gql(RecordKpiBatch, { kpiId: sales, points: [...batch, ...batch], batchKey: 'file.csv:1' }, as)).data?.recordKpiData).toBe(2);
    const k = await ok({ bucket: 'YEAR', filter: { from: '2026-01-01T00:00:00Z' } });
    expect(k.series!.groups[0]!.points).toEqual([{ period: '2026-01-01T00:00:00.000Z', ...figures([1, 2]) }]);
    const blank = await server.gql(RecordKpiBatch, { kpiId: sales, points: batch, batchKey: ' ' }, as);
    expect([codes(blank), blank.errors?.[0]?.extensions?.field]).toEqual([['BAD_USER_INPUT'], 'batchKey']);
  });

  it('refuses bad input naming the argument, before reading anything', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ groupBy: ['region', 'product', 'region'] }, 'input.groupBy'],
      [{ groupBy: ['colour'] }, 'input.groupBy[0]'],
      [{ groupBy: ['region', 'region'] }, 'input.groupBy[1]'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'input.timeZone'],
      [{ top: 0 }, 'input.top'],
      [{ filter: { from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } }, 'input.filter.to'],
      [{ filter: { from: '2024-02-01T00:00:00Z', to: '2024-02-01T00:00:00Z' } }, 'input.filter.to'],
      [{ filter: { dimensions: [{ dimension: 'colour', values: ['red'] }] } }, 'input.filter.dimensions[0].dimension'],
    ];
    for (const [input, field] of cases) {
      const r = await series(input, o.admin, {});
      expect({ input, codes: codes(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ input, codes: ['BAD_USER_INPUT'], field });
    }
  });

  it('refuses a series over the cell limit with OPERATION_LIMIT, measured and limit', async () => {
    // 1,700 more days of US/p1: 6 groups × 1,708 days with rows = 10,248 cells, over 10,000; the top 5 (8,540) pass.
    const days = Array.from({ length: 1700 }, (_, i) => point(new Date(Date.UTC(2030, 0, 1 + i)).toISOString(), 0.125, 'US', 'p1'));
    expect((await server.gql(RecordKpiData, { kpiId: sales, points: days }, { as: o.admin })).data?.recordKpiData).toBe(1700);
    const five = await ok({ bucket: 'DAY', groupBy: ['region', 'product'], top: 5 });
    expect(five.series!.groups.map((g) => g.points.length)).toEqual([1703, 2, 1, 2, 1]);
    const over = await series({ bucket: 'DAY', groupBy: ['region', 'product'] });
    expect(codes(over)).toEqual(['OPERATION_LIMIT']);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT', rule: 'series.cells', measured: 6 * 1708, limit: 10_000 });
    // A DAY series spanning more than 50,000 days between its first and last row is refused before reading it.
    await server.gql(RecordKpiData, { kpiId: sales, points: [point('1800-01-01T00:00:00Z', 1, 'US', 'p1')] }, { as: o.admin });
    const r = await series({ bucket: 'DAY' });
    expect(codes(r)).toEqual(['OPERATION_LIMIT']);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT', rule: 'series.buckets', limit: 50_000 });
  });
});
