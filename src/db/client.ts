// Opens the Prisma client for the configured provider: embedded SQLite (better-sqlite3) by default,
// PostgreSQL when DATABASE_URL is a postgresql:// URL. One set of models, two generated clients.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteFilePath } from '../config.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { PrismaClient as SqliteClient, Prisma } from './generated/sqlite/client.ts';
import { appendOnlyAudit } from './tenant.ts';

export { Prisma };
export type * from './generated/sqlite/client.ts';

/**
 * The SQLite client's type stands for both: the generated clients differ only in transaction
 * isolation levels, which this code base does not name.
 */
export type Db = SqliteClient;
export type Provider = 'sqlite' | 'postgresql';

export function providerOf(databaseUrl: string): Provider {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/**
 * The better-sqlite3 adapter does not report its connection's limits, so Prisma assumes SQLite's
 * historical 999 bound parameters and refuses larger queries (P2029), e.g. a row-level filter with
 * 1,000 scope values. The SQLite that better-sqlite3 bundles is compiled with
 * MAX_VARIABLE_NUMBER=32766 (test/db-client.test.ts checks it): report that.
 */
export const SQLITE_MAX_BIND_VALUES = 32766;
function withSqliteBindLimit(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const withInfo = adapter as typeof adapter & { getConnectionInfo?: () => { maxBindValues: number; supportsRelationJoins: boolean } };
    withInfo.getConnectionInfo ??= () => ({ maxBindValues: SQLITE_MAX_BIND_VALUES, supportsRelationJoins: false });
    return adapter;
  };
  return factory;
}

export interface OpenOptions {
  /** Receives every SQL statement with its parameters (tests that assert a filter reached SQL). */
  onQuery?: (sql: string, params: string) => void;
}

export function openDatabase(databaseUrl: string, options: OpenOptions = {}): Db {
  const log = options.onQuery ? ([{ emit: 'event', level: 'query' }] as const) : undefined;
  let client;
  if (providerOf(databaseUrl) === 'sqlite') {
    mkdirSync(dirname(sqliteFilePath(databaseUrl)), { recursive: true });
    // Busy timeout: the sweepers of other processes sharing the file may briefly hold the write lock.
    const adapter = withSqliteBindLimit(new PrismaBetterSqlite3({ url: databaseUrl, timeout: 5000 }));
    client = new SqliteClient({ adapter, log: log ? [...log] : undefined });
  } else {
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
    client = new PostgresClient({ adapter, log: log ? [...log] : undefined }) as unknown as SqliteClient;
  }
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (client as unknown as { $on(event: 'query', cb: (e: { query: string; params: string }) => void): void }).$on('query', (e) => onQuery(e.query, e.params));
  }
  return client.$extends(appendOnlyAudit) as unknown as Db;
}

/** A transaction client: what `$transaction(async (tx) => …)` hands over. */
export type Tx = Prisma.TransactionClient;

/** True when the error is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  // By code, not class: the two generated clients each carry their own error classes.
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
