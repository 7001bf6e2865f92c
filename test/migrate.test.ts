// The migration runner, on the provider of this suite (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, providerOf, type Db } from '../src/db/client.ts';
import { migrateDatabase, readMigrations, type Migration } from '../src/db/migrate.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });

let database: TestDatabase;
let db: Db | undefined;
afterEach(async () => {
  await db?.$disconnect();
  db = undefined;
  await database.drop();
});

const tables = async (client: Db) =>
  providerOf(database.url) === 'sqlite'
    ? (await client.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map((r) => r.name)
    : (await client.$queryRawUnsafe<{ name: string }[]>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.name);

describe('migrateDatabase', () => {
  it('applies the repository migrations once, with Prisma-compatible bookkeeping', async () => {
    database = await freshDatabase();
    const all = readMigrations(providerOf(database.url));
    expect(all.length).toBeGreaterThan(0);
    expect((await migrateDatabase(database.url)).applied).toEqual(all.map((m) => m.name));
    expect((await migrateDatabase(database.url)).applied).toEqual([]);

    db = openDatabase(database.url);
    expect(await tables(db)).toEqual(expect.arrayContaining(['User', 'Organization', 'Membership', 'AuditEvent', '_prisma_migrations']));
    const rows = await db.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: unknown }[]>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(all.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it('installs the append-only triggers of the audit trail', async () => {
    database = await freshDatabase();
    await migrateDatabase(database.url);
    db = openDatabase(database.url);
    await db.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (id, chain, seq, at, action, metadata, "prevHash", hash) VALUES ('e1', 'global', 99, CURRENT_TIMESTAMP, 'x', '{}', 'a', 'b')`,
    );
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'y' WHERE id = 'e1'`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE id = 'e1'`)).rejects.toThrow(/append-only/);
  });

  it('applies a failing migration not at all, and the next start retries it', async () => {
    database = await freshDatabase();
    const base = readMigrations(providerOf(database.url));
    await migrateDatabase(database.url, base);
    const broken = migration('99990101000000_broken', 'CREATE TABLE "Half" (id TEXT PRIMARY KEY);\nTHIS IS NOT SQL;');
    await expect(migrateDatabase(database.url, [...base, broken])).rejects.toThrow();
    db = openDatabase(database.url);
    expect(await tables(db)).not.toContain('Half');
    const fixed = migration('99990101000000_broken', 'CREATE TABLE "Half" (id TEXT PRIMARY KEY);');
    expect((await migrateDatabase(database.url, [...base, fixed])).applied).toEqual(['99990101000000_broken']);
    expect(await tables(db)).toContain('Half');
  });

  it('refuses a database whose applied migration was edited, or which is newer than the code', async () => {
    database = await freshDatabase();
    const base = readMigrations(providerOf(database.url));
    const extra = migration('99990101000000_extra', 'CREATE TABLE "Extra" (id TEXT PRIMARY KEY);');
    await migrateDatabase(database.url, [...base, extra]);
    const edited = { ...extra, sql: extra.sql + '\n-- edited', checksum: 'f'.repeat(64) };
    await expect(migrateDatabase(database.url, [...base, edited])).rejects.toThrow(/was edited after it was applied/);
    await expect(migrateDatabase(database.url, base)).rejects.toThrow(/does not know/);
  });

  it('walks a KPI’s points newest first by an index that, on SQLite, also carries the dimensions', async () => {
    database = await freshDatabase();
    await migrateDatabase(database.url);
    db = openDatabase(database.url);
    const columns =
      providerOf(database.url) === 'sqlite'
        ? (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_index_info('KpiDataPoint_kpiId_period_idx') ORDER BY seqno`)).map((r) => r.name)
        : (
            await db.$queryRawUnsafe<{ name: string }[]>(
              `SELECT a.attname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE c.relname = 'KpiDataPoint_kpiId_period_idx' ORDER BY k.n`,
            )
          ).map((r) => r.name);
    // SQLite checks scope conditions in the index entry; PostgreSQL cannot, and keeps the heap order within a period.
    expect(columns).toEqual(providerOf(database.url) === 'sqlite' ? ['kpiId', 'period', 'd1', 'd2', 'd3', 'd4'] : ['kpiId', 'period']);
  });

  it('lets concurrent starts apply each migration once', async () => {
    database = await freshDatabase();
    const results = await Promise.all([migrateDatabase(database.url), migrateDatabase(database.url), migrateDatabase(database.url)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(readMigrations(providerOf(database.url)).map((m) => m.name).sort());
  });
});
