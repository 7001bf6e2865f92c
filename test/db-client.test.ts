// The database client: large parameter lists work on both providers (row-level filters with
// many scope values), and the limit the SQLite client reports is the bundled SQLite's.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, providerOf, SQLITE_MAX_BIND_VALUES, type Db } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { freshDatabase, type TestDatabase } from './harness.ts';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await freshDatabase();
  await migrateDatabase(database.url);
  db = openDatabase(database.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('database client', () => {
  it('runs a query with 5,000 bound values', async () => {
    const values = Array.from({ length: 5000 }, (_, i) => `v${i}`);
    await expect(db.kpiDataPoint.count({ where: { OR: [{ d1: { in: values } }, { d2: { in: values } }] } })).resolves.toBe(0);
  });

  it.runIf(providerOf(process.env.TEST_DATABASE_URL ?? 'file:') === 'sqlite')('reports the bound-value limit SQLite was compiled with', () => {
    const options = new Database(':memory:').pragma('compile_options') as { compile_options: string }[];
    expect(options.map((o) => o.compile_options)).toContain(`MAX_VARIABLE_NUMBER=${SQLITE_MAX_BIND_VALUES}`);
  });
});
