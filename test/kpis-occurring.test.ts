// A caller with many scope values on a dimension (src/kpis/present-values.ts narrows the list to
// the values the KPI's data has): the same rows as the rule says, in the same order, and a value
// that first occurs after the narrowed list was cached shows up on the next read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, restrictedAnalyst, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { CreateDimension, CreateKpi, RecordKpiData } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let kpi: string;
const statements: string[] = [];
const PRODUCTS = Array.from({ length: 40 }, (_, i) => `p${i}`);
// The analyst holds 30 products (p0…p29), of which the data has p1 and p5 at first.
const HELD = PRODUCTS.slice(0, 30);

const point = (month: number, product: string, value: number) => ({
  period: new Date(Date.UTC(2026, month, 1)).toISOString(),
  value,
  dimensions: [
    { dimension: 'region', value: 'US' },
    { dimension: 'product', value: product },
  ],
});

beforeAll(async () => {
  server = await startTestServer({}, { onQuery: (sql) => statements.push(sql) });
  o = await orgWithRoles(server, 'Occurring', { analyst: 'VIEWER' });
  const as = { as: o.admin };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, as);
  await server.gql(CreateDimension, { key: 'product', name: 'Product', values: PRODUCTS }, as);
  kpi = (await server.gql(CreateKpi, { input: { key: 'units', name: 'Units', dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  const points = [point(0, 'p1', 1), point(1, 'p5', 2), point(2, 'p35', 3), point(3, 'p1', 4)];
  expect((await server.gql(RecordKpiData, { kpiId: kpi, points }, as)).data?.recordKpiData).toBe(4);
  await restrictedAnalyst(server, o, o.admin, kpi, o.emails.analyst!, [['region', 'US'], ...HELD.map((value) => ['product', value] as const)]);
});
afterAll(() => server?.close());

const PAGE = 'query($id: ID!) { kpi(id: $id) { data(first: 50) { totalCount nodes { value dimensionValues } } summary { count sum } } }';
const read = async () => (await server.raw({ query: PAGE, variables: { id: kpi } }, { as: o.emails.analyst! })).data!.kpi;

describe('a caller with many scope values', () => {
  it('sees exactly the rows of their scopes, and the statements carry only the values that occur', async () => {
    statements.length = 0;
    const kpiData = await read();
    expect(kpiData.data.nodes).toEqual([
      { value: 4, dimensionValues: ['US', 'p1'] },
      { value: 2, dimensionValues: ['US', 'p5'] },
      { value: 1, dimensionValues: ['US', 'p1'] },
    ]);
    expect(kpiData.data.totalCount).toBe(3);
    expect(kpiData.summary).toEqual({ count: 3, sum: 7 });
    // The page statement lists two products, not thirty.
    const page = statements.find((s) => s.includes('FROM "KpiDataPoint"') && s.includes('ORDER BY'))!;
    expect((page.match(/\?|\$\d+/g) ?? []).length).toBeLessThan(12);
  });

  it('sees a held value that first occurs after the last read, and still not an unheld one', async () => {
    await read();
    expect((await server.gql(RecordKpiData, { kpiId: kpi, points: [point(4, 'p20', 10), point(5, 'p36', 20)] }, { as: o.admin })).data?.recordKpiData).toBe(2);
    const kpiData = await read();
    expect(kpiData.data.nodes[0]).toEqual({ value: 10, dimensionValues: ['US', 'p20'] });
    expect(kpiData.data.totalCount).toBe(4);
    expect(kpiData.summary).toEqual({ count: 4, sum: 17 });
    // The owner sees all six, the unheld p35 and p36 among them.
    const owner = (await server.raw({ query: PAGE, variables: { id: kpi } }, { as: o.owner })).data!.kpi;
    expect(owner.data.totalCount).toBe(6);
  });
});
