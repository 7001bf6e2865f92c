// Row-level security reaches SQL: the statement Prisma sends for a restricted caller carries the
// scope conditions as WHERE clauses, and only visible rows come back (nothing is filtered in JS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/client.ts';
import { forCaller } from '../src/db/tenant.ts';
import { systemClock } from '../src/clock.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { kpiRowFilters, loadKpiProfile, rowFiltersOf } from '../src/kpis/access.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';

let database: TestDatabase;
let db: Db;
const statements: { sql: string; params: string }[] = [];
let organizationId: string;
let kpiId: string;
let analystId: string;

beforeAll(async () => {
  database = await freshDatabase();
  await migrateDatabase(database.url);
  db = openDatabase(database.url, { onQuery: (sql, params) => statements.push({ sql, params }) });
  organizationId = (await createOrganizationWith(db, systemClock, 'Sql', 'sql', [{ email: 'analyst@sql.test', role: 'VIEWER', passwordHash: 'x' }])).id;
  analystId = (await db.user.findUniqueOrThrow({ where: { email: 'analyst@sql.test' } })).id;
  await db.dimension.create({ data: { organizationId, key: 'region', name: 'Region', values: JSON.stringify(['US', 'EMEA']) } });
  kpiId = (await db.kpi.create({ data: { organizationId, key: 'k', name: 'K', dimensionKeys: JSON.stringify(['region']), createdById: analystId } })).id;
  await db.kpiDataPoint.createMany({ data: ['US', 'EMEA', 'US'].map((d1, i) => ({ organizationId, kpiId, period: new Date(Date.UTC(2026, i, 1)), value: i, d1 })) });
  const role = await db.customRole.create({ data: { organizationId, name: 'r' } });
  await db.kpiPermission.create({ data: { organizationId, roleId: role.id, kpiId, access: 'RESTRICTED' } });
  await db.roleAssignment.create({ data: { organizationId, roleId: role.id, userId: analystId } });
  await db.accessScope.create({ data: { organizationId, userId: analystId, dimensionKey: 'region', value: 'US' } });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('row-level security in SQL', () => {
  it('puts the scope into the WHERE of the statement, for top-level and nested reads', async () => {
    const profile = await loadKpiProfile(db, organizationId, analystId, 'VIEWER', new Date());
    const filters = rowFiltersOf(profile);
    const scoped = db.$extends(forCaller({ organizationId, guarded: new Set(kpiRowFilters.models), rowFilters: async () => filters })) as unknown as Db;

    statements.length = 0;
    const rows = await scoped.kpiDataPoint.findMany({ where: { kpiId } });
    expect(rows.map((r) => r.d1)).toEqual(['US', 'US']);
    const select = statements.find((s) => /SELECT/i.test(s.sql) && s.sql.includes('KpiDataPoint'))!;
    expect(select.sql).toMatch(/[`"]d1[`"]\s+IN\s*\(/i);
    expect(select.params).toContain('US');
    expect(select.params).not.toContain('EMEA');

    statements.length = 0;
    const kpi = await scoped.kpi.findUnique({ where: { id: kpiId }, include: { points: true } });
    expect(kpi!.points.map((p) => p.d1)).toEqual(['US', 'US']);
    expect(statements.some((s) => s.sql.includes('KpiDataPoint') && /[`"]d1[`"]\s+IN/i.test(s.sql))).toBe(true);

    statements.length = 0;
    const summary = await scoped.kpiDataPoint.aggregate({ where: { kpiId }, _count: { _all: true } });
    expect(summary._count._all).toBe(2);
    expect(statements.some((s) => /COUNT/i.test(s.sql) && /[`"]d1[`"]\s+IN/i.test(s.sql))).toBe(true);
  });
});

describe('queries per operation', () => {
  it('reads a page of KPI data in a bounded number of statements, whatever its size', async () => {
    const { startTestServer } = await import('./harness.ts');
    const { orgWithRoles } = await import('./fixtures.ts');
    const { CreateDimension, CreateKpi, KpiData, RecordKpiData } = await import('./ops.ts');
    let count = 0;
    // Background jobs slowed down, so that none of their statements falls into a measured request.
    const quiet = { SCHEDULER_TICK_SECONDS: '60', APPROVAL_SWEEP_SECONDS: '3600', AUDIT_CHECKPOINT_SECONDS: '3600' };
    const server = await startTestServer(quiet, { onQuery: () => count++ });
    try {
      const o = await orgWithRoles(server, 'Count');
      await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.owner });
      const id = (await server.gql(CreateKpi, { input: { key: 'k', name: 'K', dimensionKeys: ['region'] } }, { as: o.owner })).data!.createKpi!.id;
      const points = Array.from({ length: 150 }, (_, i) => ({ period: new Date(Date.UTC(2026, 0, 1, i)).toISOString(), value: i, dimensions: [{ dimension: 'region', value: i % 2 ? 'US' : 'EMEA' }] }));
      await server.gql(RecordKpiData, { kpiId: id, points }, { as: o.owner });
      const statements = async (first: number) => {
        await server.gql(KpiData, { id, first }, { as: o.owner }); // warm the profile cache
        count = 0;
        const r = await server.gql(KpiData, { id, first }, { as: o.owner });
        expect(r.data!.kpi!.data!.edges).toHaveLength(first);
        return count;
      };
      const small = await statements(5);
      const large = await statements(100);
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(8);
    } finally {
      await server.close();
    }
  });
});
