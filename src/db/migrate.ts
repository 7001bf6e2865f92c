// Applies the migrations kept in prisma/<provider>/migrations at server start and from
// `npm run db:migrate`, offline.
//
// Prisma's CLI cannot run here (it downloads its engine), and its WebAssembly engine kept the
// SQLite file locked after applying until its connections closed. This runner reads the same folder
// layout and keeps Prisma's `_prisma_migrations` bookkeeping (name, sha256 checksum, timestamps,
// applied steps), so `prisma migrate deploy` and `prisma migrate status` stay usable wherever
// Prisma's engines can be downloaded. Each migration applies in one transaction with its
// bookkeeping row: a failure leaves the database as it was. Concurrent starts serialise on a lock
// (PostgreSQL advisory lock; SQLite's write lock), and an edited applied migration stops the start.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteFilePath } from '../config.ts';
import { providerOf, type Provider } from './client.ts';

export interface Migration { name: string; sql: string; checksum: string }

export function migrationsDir(provider: Provider): string {
  return fileURLToPath(new URL(`../../prisma/${provider}/migrations`, import.meta.url));
}

export function readMigrations(provider: Provider): Migration[] {
  const dir = migrationsDir(provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => {
      const sql = readFileSync(join(dir, entry.name, 'migration.sql'), 'utf8');
      return { name: entry.name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const BOOKKEEPING = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`,
};

interface Applied { migration_name: string; checksum: string }

/** What is pending, refusing a database whose applied migrations differ from the repository's. */
export function plan(all: Migration[], applied: Applied[]): Migration[] {
  const known = new Map(all.map((m) => [m.name, m]));
  for (const row of applied) {
    const local = known.get(row.migration_name);
    if (!local) {
      throw new Error(`The database has migration "${row.migration_name}", which this version of the server does not know. Run the newer server version, or restore a matching backup.`);
    }
    if (local.checksum !== row.checksum) {
      throw new Error(`Migration "${row.migration_name}" was edited after it was applied. Restore its original migration.sql and add a new migration instead.`);
    }
  }
  const done = new Set(applied.map((row) => row.migration_name));
  return all.filter((m) => !done.has(m.name));
}

export async function migrateDatabase(databaseUrl: string, migrations = readMigrations(providerOf(databaseUrl))): Promise<{ applied: string[] }> {
  return providerOf(databaseUrl) === 'postgresql'
    ? migratePostgres(databaseUrl, migrations)
    : migrateSqlite(sqliteFilePath(databaseUrl), migrations);
}

async function migrateSqlite(path: string, migrations: Migration[]): Promise<{ applied: string[] }> {
  const { default: Database } = await import('better-sqlite3');
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 30_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(BOOKKEEPING.sqlite);
    const applied: string[] = [];
    // BEGIN IMMEDIATE takes the write lock first, so a second process starting at the same
    // moment waits and then sees this one's work instead of applying it again.
    const run = db.transaction(() => {
      const rows = db.prepare('SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL').all() as Applied[];
      for (const migration of plan(migrations, rows)) {
        const started = new Date().toISOString();
        db.exec(migration.sql);
        db.prepare('INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)')
          .run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, started);
        applied.push(migration.name);
      }
    });
    run.immediate();
    return { applied };
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<{ applied: string[] }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    // One starter at a time across instances; the lock ends with the transaction.
    await client.query('SELECT pg_advisory_xact_lock(72707369)');
    await client.query(BOOKKEEPING.postgresql);
    const { rows } = await client.query<Applied>('SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL');
    const applied: string[] = [];
    for (const migration of plan(migrations, rows)) {
      const started = new Date();
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)',
        [randomUUID(), migration.checksum, migration.name, started],
      );
      applied.push(migration.name);
    }
    await client.query('COMMIT');
    return { applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
