// The KPI rollups stay exact: parallel batches into the same buckets lose no update (rollups equal
// the rows), the same batch key sent in parallel records one batch, the rollups refuse any write
// but the recording path, and an upgraded database gets its rollups from the rows it had. On
// SQLite, or on PostgreSQL with TEST_DATABASE_URL (where the batches really run concurrently).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, providerOf } from '../src/db/client.ts';
import { migrateDatabase, readMigrations } from '../src/db/migrate.ts';
import { freshDatabase, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { CreateDimension, CreateKpi, KpiSeries, RecordKpiBatch, RecordKpiData } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let kpiId: string;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Rollups');
  const as = { as: o.admin };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, as);
  kpiId = (await server.gql(CreateKpi, { input: { key: 'orders', name: 'Orders', dimensionKeys: ['region'] } }, as)).data!.createKpi!.id;
});
afterAll(() => server?.close());

/** Rollups as [level, period, d1, count, sum, min, max], in order. */
async function rollups(id: string) {
  const rows = await server.db.kpiRollup.findMany({ where: { kpiId: id }, orderBy: [{ level: 'asc' }, { period: 'asc' }, { d1: 'asc' }] });
  return rows.map((r) => [r.level, r.period.toISOString(), r.d1, r.count, r.sum, r.min, r.max]);
}
/** The same computed from the rows. */
async function fromRows(id: string) {
  const points = await server.db.kpiDataPoint.findMany({ where: { kpiId: id } });
  const cells = new Map<string, { level: string; period: string; d1: string; values: number[] }>();
  for (const p of points) {
    const t = p.period;
    const starts = {
      DAY: new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate())),
      MONTH: new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1)),
      YEAR: new Date(Date.UTC(t.getUTCFullYear(), 0, 1)),
    };
    for (const [level, start] of Object.entries(starts)) {
      const key = `${level}|${start.toISOString()}|${p.d1}`;
      const cell = cells.get(key) ?? { level, period: start.toISOString(), d1: p.d1 ?? '', values: [] };
      cell.values.push(p.value);
      cells.set(key, cell);
    }
  }
  return [...cells.values()]
    .sort((a, b) => (a.level + a.period + a.d1 < b.level + b.period + b.d1 ? -1 : 1))
    .map((c) => [c.level, c.period, c.d1, c.values.length, c.values.reduce((x, y) => x + y, 0), Math.min(...c.values), Math.max(...c.values)]);
}

describe('rollups under concurrency', () => {
  it('8 parallel batches into the same buckets: rollups equal the rows, no update lost', async () => {
    const batch = (b: number) =>
      Array.from({ length: 40 }, (_, i) => ({
        period: new Date(Date.UTC(2024, i % 3, 1 + (i % 5), i % 24)).toISOString(),
        value: (b * 40 + i) / 8,
        dimensions: [{ dimension: 'region', value: i % 2 ? 'US' : 'EMEA' }],
      }));
    const results = await Promise.all(Array.from({ length: 8 }, (_, b) => server.gql(RecordKpiData, { kpiId, points: batch(b) }, { as: o.admin })));
    expect(results.map((r) => [r.errors, r.data?.recordKpiData])).toEqual(Array.from({ length: 8 }, () => [undefined, 40]));
    const id = rawId(kpiId);
    expect(await server.db.kpiDataPoint.count({ where: { kpiId: id } })).toBe(320);
    const want = await fromRows(id);
    expect(want).toHaveLength(3 * 5 * 2 + 3 * 2 + 2);
    expect(await rollups(id)).toEqual(want);
    const all = Array.from({ length: 320 }, (_, i) => i / 8);
    const series = await server.gql(KpiSeries, { id: kpiId, input: {} }, { as: o.admin });
    expect(series.data!.kpi!.series!.total).toEqual({ count: 320, sum: all.reduce((a, b) => a + b, 0), avg: all.reduce((a, b) => a + b, 0) / 320, min: 0, max: 319 / 8 });
  });

  it('the same batch key sent 4 times in parallel records one batch, and every call answers its count', async () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ period: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(), value: 1, dimensions: [{ dimension: 'region', value: 'US' }] }));
    const id = rawId(kpiId);
    const before = await server.db.kpiDataPoint.count({ where: { kpiId: id } });
    const results = await Promise.all(Array.from({ length: 4 }, () => server.gql(RecordKpiBatch, { kpiId, points, batchKey: 'import-2025.csv:1-10' }, { as: o.admin })));
    expect(results.map((r) => [r.errors, r.data?.recordKpiData])).toEqual(Array.from({ length: 4 }, () => [undefined, 10]));
    expect(await server.db.kpiDataPoint.count({ where: { kpiId: id } })).toBe(before + 10);
    expect(await server.db.kpiBatch.findMany({ where: { kpiId: id }, select: { key: true, points: true } })).toEqual([{ key: 'import-2025.csv:1-10', points: 10 }]);
    const events = await server.db.auditEvent.findMany({ where: { organizationId: o.id, action: 'kpi.data.record' } });
    expect(events.filter((e) => (e.metadata as string).includes('import-2025.csv')).length).toBe(1);
    expect(await rollups(id)).toEqual(await fromRows(id));
  });

  it('stores every value exactly, in its point and in its rollups, one point to a rollup or several', async () => {
    // Values whose decimal form is not their binary one, the least double, the bounds of a value, and a day with two points.
    const values = [0.1, 0.2, 1 / 3, 123456789.123456789, 999999999999999.9, 1e-300, -2.5e-308, 5e-324, -1e15, 7.000000000000001];
    const points = values.map((value, i) => ({ period: new Date(Date.UTC(2030, 0, 1 + i, 6)).toISOString(), value, dimensions: [{ dimension: 'region', value: 'US' }] }));
    points.push({ period: new Date(Date.UTC(2030, 0, 1, 18)).toISOString(), value: 0.7, dimensions: [{ dimension: 'region', value: 'US' }] });
    const k = (await server.gql(CreateKpi, { input: { key: 'exact', name: 'Exact', dimensionKeys: ['region'] } }, { as: o.admin })).data!.createKpi!.id;
    const recorded = await server.gql(RecordKpiData, { kpiId: k, points }, { as: o.admin });
    expect([recorded.errors, recorded.data]).toEqual([undefined, { recordKpiData: 11 }]);
    const id = rawId(k);
    const stored = await server.db.kpiDataPoint.findMany({ where: { kpiId: id }, orderBy: { period: 'asc' } });
    expect(stored.map((p) => p.value)).toEqual([values[0], 0.7, ...values.slice(1)]);
    const days = (await rollups(id)).filter((r) => r[0] === 'DAY');
    expect(days).toEqual([
      ['DAY', '2030-01-01T00:00:00.000Z', 'US', 2, 0.1 + 0.7, 0.1, 0.7],
      ...values.slice(1).map((v, i) => ['DAY', new Date(Date.UTC(2030, 0, 2 + i)).toISOString(), 'US', 1, v, v, v]),
    ]);
    // Month and year: the same count, least and greatest as the rows (sums of such values depend on the order of addition).
    const strip = (rows: unknown[][]) => rows.filter((r) => r[0] !== 'DAY').map((r) => [r[0], r[1], r[2], r[3], r[5], r[6]]);
    expect(strip(await rollups(id))).toEqual(strip(await fromRows(id)));
  });

  it('refuses updates and deletes of points and rollups outside the recording path', async () => {
    const id = rawId(kpiId);
    await expect(server.db.kpiDataPoint.updateMany({ where: { kpiId: id }, data: { value: 0 } })).rejects.toThrow(/append-only/);
    await expect(server.db.kpiDataPoint.deleteMany({ where: { kpiId: id } })).rejects.toThrow(/append-only/);
    await expect(server.db.kpiRollup.updateMany({ where: { kpiId: id }, data: { count: 0 } })).rejects.toThrow(/change only with the points/);
    await expect(server.db.kpiRollup.deleteMany({ where: { kpiId: id } })).rejects.toThrow(/change only with the points/);
    expect(await rollups(id)).toEqual(await fromRows(id));
  });
});

describe('the kpi_rollups migration', () => {
  it('gives an upgraded database exact rollups of the points it had', async () => {
    const database = await freshDatabase();
    const all = readMigrations(providerOf(database.url));
    const at = all.findIndex((m) => m.name.endsWith('_kpi_rollups'));
    await migrateDatabase(database.url, all.slice(0, at));
    const db = openDatabase(database.url);
    try {
      const org = await db.organization.create({ data: { name: 'Old', slug: 'old' } });
      const user = await db.user.create({ data: { email: 'old@example.test' } });
      const kpi = await db.kpi.create({ data: { organizationId: org.id, key: 'old', name: 'Old', dimensionKeys: JSON.stringify(['region', 'product']), createdById: user.id } });
      const periods = ['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2024-01-01T10:00:00.000Z', '2024-02-29T12:00:00.000Z', '2025-07-04T00:00:00.000Z'];
      await db.kpiDataPoint.createMany({
        data: periods.flatMap((p, i) => [
          { organizationId: org.id, kpiId: kpi.id, period: new Date(p), value: i + 0.5, d1: 'US', d2: 'p1' },
          { organizationId: org.id, kpiId: kpi.id, period: new Date(p), value: -i, d1: 'US', d2: 'p1' },
          { organizationId: org.id, kpiId: kpi.id, period: new Date(p), value: 10 * i, d1: 'EMEA', d2: 'p2' },
        ]),
      });
      await db.$disconnect();
      await migrateDatabase(database.url);
      const upgraded = openDatabase(database.url);
      if (providerOf(database.url) === 'sqlite') {
        // 20261207090000_kpi_rollups_without_rowid: one B-tree per rollup, rows kept.
        const [table] = await upgraded.$queryRawUnsafe<{ sql: string }[]>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'KpiRollup'`);
        expect(table!.sql).toMatch(/\) WITHOUT ROWID$/);
      }
      const rows = await upgraded.kpiRollup.findMany({ where: { kpiId: kpi.id, d1: 'US' }, orderBy: [{ level: 'asc' }, { period: 'asc' }] });
      await upgraded.$disconnect();
      expect(rows.map((r) => [r.level, r.period.toISOString(), r.d2, r.d3, r.count, r.sum, r.min, r.max])).toEqual([
        ['DAY', '2023-12-31T00:00:00.000Z', 'p1', '', 2, 0.5, 0, 0.5],
        ['DAY', '2024-01-01T00:00:00.000Z', 'p1', '', 4, 1.5 + 2.5 - 1 - 2, -2, 2.5],
        ['DAY', '2024-02-29T00:00:00.000Z', 'p1', '', 2, 3.5 - 3, -3, 3.5],
        ['DAY', '2025-07-04T00:00:00.000Z', 'p1', '', 2, 4.5 - 4, -4, 4.5],
        ['MONTH', '2023-12-01T00:00:00.000Z', 'p1', '', 2, 0.5, 0, 0.5],
        ['MONTH', '2024-01-01T00:00:00.000Z', 'p1', '', 4, 1, -2, 2.5],
        ['MONTH', '2024-02-01T00:00:00.000Z', 'p1', '', 2, 0.5, -3, 3.5],
        ['MONTH', '2025-07-01T00:00:00.000Z', 'p1', '', 2, 0.5, -4, 4.5],
        ['YEAR', '2023-01-01T00:00:00.000Z', 'p1', '', 2, 0.5, 0, 0.5],
        ['YEAR', '2024-01-01T00:00:00.000Z', 'p1', '', 6, 1.5, -3, 3.5],
        ['YEAR', '2025-01-01T00:00:00.000Z', 'p1', '', 2, 0.5, -4, 4.5],
      ]);
    } finally {
      await database.drop();
    }
  });
});
