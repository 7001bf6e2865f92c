// Input limits of the KPI API: every string and list argument is bounded, checked before any I/O
// (an over-long value is refused even where the target does not exist), refused as BAD_USER_INPUT
// naming the field, and nothing is written.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { kpiFootprint } from './kpis-footprint.ts';
import {
  CreateAlert, CreateDimension, CreateGroup, CreateKpi, CreateRole, GrantAccessScope, KpiData, RecordKpiData, RequestAccess, SetScopeApprover,
} from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let kpi: string;
let viewerId: string;
const long = (n: number) => 'x'.repeat(n);
const missingKpi = encodeGlobalID('Kpi', 'no-such-kpi');
const point = (value = 'US', extra: object = {}) => ({ period: '2026-01-01T00:00:00Z', value: 1, dimensions: [{ dimension: 'region', value }], ...extra });

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Limits');
  expect((await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.admin })).errors).toBeUndefined();
  kpi = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region'] } }, { as: o.admin })).data!.createKpi!.id;
  viewerId = await userIdOf(server, o.owner, o.viewer);
});
afterAll(() => server?.close());

type Case = [field: string, call: () => Promise<GqlResult<unknown>>];
const admin = () => ({ as: o.admin });
const kpiInput = (input: object) => ({ input: { key: 'fresh', name: 'Fresh', dimensionKeys: ['region'], ...input } });

const cases: Case[] = [
  ['key', () => server.gql(CreateDimension, { key: long(41), name: 'Product', values: [] }, admin())],
  ['name', () => server.gql(CreateDimension, { key: 'product', name: long(121), values: [] }, admin())],
  ['name', () => server.gql(CreateDimension, { key: 'product', name: '   ', values: [] }, admin())],
  ['values', () => server.gql(CreateDimension, { key: 'product', name: 'Product', values: Array.from({ length: 501 }, (_, i) => `v${i}`) }, admin())],
  ['values[1]', () => server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['p1', long(101)] }, admin())],
  ['values[0]', () => server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['*'] }, admin())],
  ['values', () => server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['p1', 'p1'] }, admin())],
  ['input.key', () => server.gql(CreateKpi, kpiInput({ key: 'Not A Key' }), admin())],
  // The name is checked before the unknown dimension is looked up.
  ['input.name', () => server.gql(CreateKpi, kpiInput({ name: long(121), dimensionKeys: ['nowhere'] }), admin())],
  ['input.unit', () => server.gql(CreateKpi, kpiInput({ unit: long(21) }), admin())],
  ['input.description', () => server.gql(CreateKpi, kpiInput({ description: long(1001) }), admin())],
  ['input.target', () => server.gql(CreateKpi, kpiInput({ target: 1e300 }), admin())],
  ['input.dimensionKeys', () => server.gql(CreateKpi, kpiInput({ dimensionKeys: ['a', 'b', 'c', 'd', 'e'] }), admin())],
  ['input.dimensionKeys[0]', () => server.gql(CreateKpi, kpiInput({ dimensionKeys: [long(41)] }), admin())],
  // Points are checked before the KPI is looked up: no NOT_FOUND for a KPI that does not exist.
  ['points', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: [] }, admin())],
  ['points', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: Array.from({ length: 10_001 }, () => point()) }, admin())],
  ['points[1].dimensions[0].value', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: [point(), point(long(101))] }, admin())],
  ['points[0].dimensions[0].dimension', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: [point('US', { dimensions: [{ dimension: long(41), value: 'US' }] })] }, admin())],
  ['points[0].dimensions', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: [point('US', { dimensions: Array.from({ length: 5 }, () => ({ dimension: 'region', value: 'US' })) })] }, admin())],
  ['points[0].value', () => server.gql(RecordKpiData, { kpiId: missingKpi, points: [point('US', { value: -1e300 })] }, admin())],
  ['threshold', () => server.gql(CreateAlert, { kpiId: missingKpi, operator: 'GT', threshold: 1e300 }, admin())],
  ['name', () => server.gql(CreateRole, { name: long(121) }, admin())],
  ['name', () => server.gql(CreateGroup, { name: long(121) }, admin())],
  ['dimension', () => server.gql(GrantAccessScope, { userId: viewerId, dimension: long(41), value: 'US' }, admin())],
  ['value', () => server.gql(GrantAccessScope, { userId: viewerId, dimension: 'region', value: long(101) }, admin())],
  ['endsAt', () => server.gql(GrantAccessScope, { userId: viewerId, dimension: 'region', value: 'US', startsAt: '2027-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }, admin())],
  ['value', () => server.gql(SetScopeApprover, { dimension: 'region', value: long(101), userId: viewerId }, admin())],
  ['value', () => server.gql(RequestAccess, { dimension: 'region', value: long(101), justification: 'why' }, { as: o.viewer })],
  ['justification', () => server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: long(2001) }, { as: o.viewer })],
  ['justification', () => server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: ' ' }, { as: o.viewer })],
];

describe('KPI input limits', () => {
  it('refuses each over-long or malformed argument as BAD_USER_INPUT naming its field, writing nothing', async () => {
    const before = await kpiFootprint(server, o.id);
    for (const [field, call] of cases) {
      const r = await call();
      const error = r.errors?.[0];
      expect({ field, codes: codes(r), named: error?.extensions?.field, message: error?.message.startsWith(`\`${field}\``) }).toEqual({
        field,
        codes: ['BAD_USER_INPUT'],
        named: field,
        message: true,
      });
    }
    expect(await kpiFootprint(server, o.id)).toEqual(before);
  });

  it('accepts the longest allowed values', async () => {
    const r = await server.gql(CreateKpi, kpiInput({ key: `k${long(39)}`, name: long(120), unit: long(20), description: long(1000) }), admin());
    expect(r.errors).toBeUndefined();
    expect(r.data?.createKpi).toMatchObject({ key: `k${long(39)}`, name: long(120), unit: long(20) });
    const values = Array.from({ length: 500 }, (_, i) => `${i}${long(97)}`);
    expect((await server.gql(CreateDimension, { key: 'wide', name: 'Wide', values }, admin())).data?.createDimension?.values).toEqual(values);
  });

  it('bounds the data filter: at most 4 dimensions, 500 values each, each a dimension value', async () => {
    const filtered = (dimensions: { dimension: string; values: string[] }[]) => server.gql(KpiData, { id: kpi, filter: { dimensions } }, admin());
    const refused = async (dimensions: { dimension: string; values: string[] }[], field: string) => {
      const r = await filtered(dimensions);
      expect([...new Set(codes(r))]).toEqual(['BAD_USER_INPUT']);
      expect(r.errors!.map((e) => e.extensions!.field)).toContain(field);
    };
    await refused([{ dimension: 'region', values: Array.from({ length: 501 }, () => 'US') }], 'filter.dimensions[0].values');
    await refused([{ dimension: 'region', values: [long(101)] }], 'filter.dimensions[0].values[0]');
    await refused(Array.from({ length: 5 }, () => ({ dimension: 'region', values: ['US'] })), 'filter.dimensions');
    await refused([{ dimension: 'planet', values: ['x'] }], 'filter.dimensions[0].dimension');
    const ok = await filtered([{ dimension: 'region', values: Array.from({ length: 500 }, () => 'US') }]);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.kpi?.data?.totalCount).toBe(0);
  });
});
