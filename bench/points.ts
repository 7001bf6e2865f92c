// KPI data points for the benchmarks, straight through the driver: Prisma's createMany took minutes
// for 200,000 rows on a busy machine. Stored as Prisma stores them (timestamp(3) on PostgreSQL, ISO
// text with +00:00 on SQLite), which the correctness checks then read back through the API.
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFilePath } from '../src/config.ts';
import { providerOf } from '../src/db/client.ts';

export interface BenchPoint {
  id: string;
  organizationId: string;
  kpiId: string;
  period: Date;
  value: number;
  d1: string;
  d2: string;
}

export async function insertPoints(url: string, points: readonly BenchPoint[]) {
  const now = new Date().toISOString();
  if (providerOf(url) === 'sqlite') {
    const raw = new Database(sqliteFilePath(url), { timeout: 5000 });
    const insert = raw.prepare('INSERT INTO "KpiDataPoint" (id, "organizationId", "kpiId", period, value, d1, d2, "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const iso = (d: string) => d.replace('Z', '+00:00');
    raw.transaction(() => {
      for (const p of points) insert.run(p.id, p.organizationId, p.kpiId, iso(p.period.toISOString()), p.value, p.d1, p.d2, iso(now));
    })();
    raw.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < points.length; i += 20_000) {
      const chunk = points.slice(i, i + 20_000);
      const column = <K extends keyof BenchPoint>(k: K) => chunk.map((p) => p[k]);
      await client.query(
        `INSERT INTO "KpiDataPoint" (id, "organizationId", "kpiId", period, value, d1, d2)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], $5::float8[], $6::text[], $7::text[])`,
        [column('id'), column('organizationId'), column('kpiId'), chunk.map((p) => p.period.toISOString().slice(0, 23).replace('T', ' ')), column('value'), column('d1'), column('d2')],
      );
    }
  } finally {
    await client.end();
  }
}
