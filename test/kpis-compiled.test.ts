// The KPI data connection and summary compiled to one statement through the driver
// (src/db/sql/kpi-points.ts): on this database (SQLite, or PostgreSQL with TEST_DATABASE_URL) it
// answers as Prisma does through the tenant-scoped client with the same row filters, it never
// reads another organization's rows or rows outside the caller's scopes — whatever ids, filters
// and cursors are passed — and the API's data fields go through it (so the property test of
// row-level security, which asks the API, exercises it).
import fc from 'fast-check';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.ts';
import type { Db, Prisma } from '../src/db/client.ts';
import { forCaller } from '../src/db/tenant.ts';
import { kpiRowFilters, loadKpiProfile, visibleKpisOf, visiblePointsOf, type KpiProfile } from '../src/kpis/access.ts';
import { countPoints, readPoints, readVisibleKpi, summarizePoints } from '../src/db/sql/kpi-points.ts';
import { orgWithRoles, rawId, restrictedAnalyst, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { CreateDimension, CreateKpi, KpiData, RecordKpiData } from './ops.ts';

const statements: { sql: string; params: string }[] = [];
let server: TestServer;
let a: OrgFixture;
let b: OrgFixture;
let revenueA: string;
let revenueB: string;
let analystA: string;
const REGIONS = ['US', 'EMEA', 'APAC'];
const PRODUCTS = ['p1', 'p2'];

/** 3 regions × 2 products × 8 months; several points share a period, so ties are ordered by id. */
const points = (base: number) =>
  REGIONS.flatMap((region, r) =>
    PRODUCTS.flatMap((product, p) =>
      Array.from({ length: 8 }, (_, month) => ({
        period: new Date(Date.UTC(2026, month, 1)).toISOString(),
        value: base + 100 * r + 10 * p + month,
        dimensions: [
          { dimension: 'region', value: region },
          { dimension: 'product', value: product },
        ],
      })),
    ),
  );

async function seed(o: OrgFixture, base: number) {
  const as = { as: o.admin };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: REGIONS }, as);
  await server.gql(CreateDimension, { key: 'product', name: 'Product', values: PRODUCTS }, as);
  const kpi = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  expect((await server.gql(RecordKpiData, { kpiId: kpi, points: points(base) }, as)).data?.recordKpiData).toBe(48);
  return kpi;
}

beforeAll(async () => {
  // Background work kept out of the statement log's way (the last test asserts what one request sends).
  const quiet = { SCHEDULER_TICK_SECONDS: '60', APPROVAL_SWEEP_SECONDS: '3600', AUDIT_CHECKPOINT_SECONDS: '3600' };
  server = await startTestServer(quiet, { onQuery: (sql, params) => statements.push({ sql, params }) });
  a = await orgWithRoles(server, 'Compiled', { analyst: 'VIEWER' });
  b = await orgWithRoles(server, 'Elsewhere', { analyst: 'VIEWER' });
  revenueA = await seed(a, 1000);
  revenueB = await seed(b, 5000);
  // A's analyst: RESTRICTED on revenue, scoped to region US and every product.
  analystA = await restrictedAnalyst(server, a, a.admin, revenueA, a.emails.analyst!, [['region', 'US'], ['product', '*']]);
});
afterAll(() => server?.close());

const profileOf = (organizationId: string, userId: string, role: 'VIEWER' | 'OWNER') => loadKpiProfile(server.db, organizationId, userId, role, new Date());

describe('the compiled statements answer as Prisma does', () => {
  it('for random filters, cursors and page sizes: the same rows in the same order, the same count and aggregates', async () => {
    const { sql } = server.app.services;
    const kpiId = rawId(revenueA);
    const analyst: KpiProfile = await profileOf(a.id, rawId(analystA), 'VIEWER');
    const owner: KpiProfile = await profileOf(a.id, 'nobody', 'OWNER');
    const month = (m: number) => new Date(Date.UTC(2026, m, 1));
    const pieces = fc.record({
      profile: fc.constantFrom(analyst, owner),
      from: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      to: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      regions: fc.option(fc.subarray(REGIONS), { nil: null }),
      products: fc.option(fc.subarray(PRODUCTS), { nil: null }),
      skip: fc.integer({ min: 0, max: 47 }),
      take: fc.integer({ min: 1, max: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(pieces, async (p) => {
        const filter: Prisma.KpiDataPointWhereInput[] = [{ kpiId }];
        if (p.from !== null) filter.push({ period: { gte: month(p.from) } });
        if (p.to !== null) filter.push({ period: { lt: month(p.to) } });
        if (p.regions) filter.push({ d1: { in: p.regions } });
        if (p.products) filter.push({ d2: { in: p.products } });
        const scoped = server.db.$extends(
          forCaller({ organizationId: a.id, guarded: new Set(kpiRowFilters.models), rowFilters: async () => kpiRowFilters.filters({ system: server.db, organizationId: a.id, userId: 'x', role: 'VIEWER', accessVersion: null, clock: systemClock, memo: new Map([['kpi.profile', Promise.resolve(p.profile)]]) }) }),
        ) as unknown as Db;
        const order = [{ period: 'desc' as const }, { id: 'desc' as const }];
        const all = await scoped.kpiDataPoint.findMany({ where: { AND: filter }, orderBy: order });
        // A cursor taken from a row of the full answer, as a page's endCursor would be.
        const anchor = all[Math.min(p.skip, all.length - 1)];
        const cursor: Prisma.KpiDataPointWhereInput[] = anchor ? [{ period: { lte: anchor.period }, OR: [{ period: { lt: anchor.period } }, { id: { lt: anchor.id } }] }] : [];
        const want = await scoped.kpiDataPoint.findMany({ where: { AND: [...filter, ...cursor] }, orderBy: order, take: p.take });
        const query = { visible: visiblePointsOf(p.profile, kpiId), conditions: filter };
        const got = await readPoints(sql, a.id, { ...query, conditions: [...filter, ...cursor] }, p.take);
        expect(got.map((r) => [r.id, r.period.toISOString(), r.value, r.d1, r.d2])).toEqual(want.map((r) => [r.id, r.period.toISOString(), r.value, r.d1, r.d2]));
        expect(await countPoints(sql, a.id, query)).toBe(all.length);
        const aggregate = await scoped.kpiDataPoint.aggregate({ where: { AND: filter }, _count: { _all: true }, _sum: { value: true }, _avg: { value: true }, _min: { value: true }, _max: { value: true } });
        const summary = await summarizePoints(sql, a.id, query);
        expect(summary).toEqual({ count: aggregate._count._all, sum: aggregate._sum.value, avg: summary.avg === null ? null : expect.closeTo(aggregate._avg.value!, 9), min: aggregate._min.value, max: aggregate._max.value });
      }),
      { numRuns: 40 },
    );
  });
});

describe('the compiled statements stay in the caller’s tenant and scopes', () => {
  it('reads nothing of another organization, even when its ids are passed', async () => {
    const { sql } = server.app.services;
    const owner = await profileOf(a.id, 'nobody', 'OWNER');
    const foreignKpi = rawId(revenueB);
    // FULL on every KPI, in A: B's KPI id finds no KPI and none of its rows.
    expect(await readVisibleKpi(sql, a.id, foreignKpi, visibleKpisOf(owner))).toBeNull();
    const intoB = { visible: visiblePointsOf(owner, foreignKpi), conditions: [{ kpiId: foreignKpi }] };
    expect(await readPoints(sql, a.id, intoB, 100)).toEqual([]);
    expect(await countPoints(sql, a.id, intoB)).toBe(0);
    expect(await summarizePoints(sql, a.id, intoB)).toEqual({ count: 0, sum: null, avg: null, min: null, max: null });
    // The same statements in B's own organization do see them: the organization is what kept them out.
    expect(await countPoints(sql, b.id, intoB)).toBe(48);
    // Through the API: A's owner asking for B's KPI gets null, and B's rows never appear in A's pages.
    const r = await server.gql(KpiData, { id: revenueB, first: 100 }, { as: a.owner });
    expect(r.errors).toBeUndefined();
    expect(r.data!.kpi).toBeNull();
    const own = await server.gql(KpiData, { id: revenueA, first: 100 }, { as: a.owner });
    expect(own.data!.kpi!.data!.totalCount).toBe(48);
    expect(own.data!.kpi!.data!.edges!.every((e) => e!.node!.value! < 5000)).toBe(true);
    expect(own.data!.kpi!.summary).toMatchObject({ count: 48, max: 1000 + 200 + 10 + 7 });
  });

  it('refuses to run without an organization', async () => {
    const owner = await profileOf(a.id, 'nobody', 'OWNER');
    await expect(readPoints(server.app.services.sql, '', { visible: visiblePointsOf(owner, rawId(revenueA)), conditions: [] }, 10)).rejects.toThrow(/no organization/);
  });

  it('shows a RESTRICTED analyst only their scope, through every page, filter and cursor', async () => {
    const as = { as: a.emails.analyst! };
    const us = points(1000).filter((p) => p.dimensions[0]!.value === 'US');
    const seen: { value: number; region: string }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r: Awaited<ReturnType<typeof server.gql<any, any>>> = await server.gql(KpiData, { id: revenueA, first: 5, after }, as);
      expect(r.errors).toBeUndefined();
      const data = r.data!.kpi!.data!;
      expect(data.totalCount).toBe(us.length);
      seen.push(...data.edges.map((e: any) => ({ value: e.node.value, region: e.node.dimensions[0].value })));
      if (!data.pageInfo.hasNextPage) break;
      after = data.pageInfo.endCursor;
    }
    expect(seen.map((s) => s.region)).toEqual(us.map(() => 'US'));
    expect(seen.map((s) => s.value).sort((x, y) => x - y)).toEqual(us.map((p) => p.value).sort((x, y) => x - y));
    // A filter can narrow, never widen: naming EMEA shows nothing, naming US and EMEA shows US.
    const emea = await server.gql(KpiData, { id: revenueA, first: 100, filter: { dimensions: [{ dimension: 'region', values: ['EMEA'] }] } }, as);
    expect(emea.data!.kpi!.data!.totalCount).toBe(0);
    expect(emea.data!.kpi!.summary).toMatchObject({ count: 0, sum: null });
    const both = await server.gql(KpiData, { id: revenueA, first: 100, filter: { dimensions: [{ dimension: 'region', values: ['US', 'EMEA'] }] } }, as);
    expect(both.data!.kpi!.data!.totalCount).toBe(us.length);
    expect(both.data!.kpi!.summary!.sum).toBe(us.reduce((s, p) => s + p.value, 0));
    // A cursor is only a position: one built from B's rows still pages A's visible rows.
    const forged = Buffer.from(`k:${new Date(Date.UTC(2026, 7, 1)).toISOString()}|zzzzzzzz`).toString('base64url');
    const fromForged = await server.gql(KpiData, { id: revenueA, first: 100, after: forged }, as);
    expect(fromForged.data!.kpi!.data!.edges!.every((e) => e!.node!.dimensions![0]!.value === 'US')).toBe(true);
    // B's analyst holds no grant in A: A's KPI is not there for them.
    const stranger = await server.gql(KpiData, { id: revenueA, first: 100 }, { as: b.emails.analyst! });
    expect(stranger.data?.kpi ?? null).toBeNull();
    // A global id of another type or a made-up KPI id: null, not an error that tells anything.
    const madeUp = await server.gql(KpiData, { id: encodeGlobalID('Kpi', 'no-such-kpi'), first: 1 }, as);
    expect(madeUp.data!.kpi).toBeNull();
  });
});

describe('the API reads KPI data through the compiled statements', () => {
  it('sends the page, the count and the summary as driver statements carrying the organization and the scope, and no Prisma read of data points', async () => {
    await server.gql(KpiData, { id: revenueA, first: 10 }, { as: a.emails.analyst! }); // the profile is cached from here on
    statements.length = 0;
    const r = await server.gql(KpiData, { id: revenueA, first: 10 }, { as: a.emails.analyst! });
    expect(r.data!.kpi!.data!.edges).toHaveLength(10);
    const reads = statements.filter((s) => s.sql.includes('KpiDataPoint'));
    // Ours are written `FROM "KpiDataPoint" WHERE`; Prisma's name the schema or alias the table.
    expect(reads.map((s) => /^SELECT (COUNT\(\*\) AS "count"|"id", "period")/.test(s.sql) && / FROM "KpiDataPoint" WHERE /.test(s.sql))).toEqual([true, true, true]);
    for (const read of reads) {
      expect(read.params).toContain(a.id);
      expect(read.params).toContain('US');
      expect(read.params).not.toContain('EMEA');
    }
    // The caller, the KPI and the data: no statement through Prisma at all for this page.
    expect(statements.filter((s) => !/^SELECT /.test(s.sql) || /"public"\.|`main`|"main"\./.test(s.sql))).toEqual([]);
  });
});
