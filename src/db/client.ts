// Opens the Prisma client for the configured provider: embedded SQLite (better-sqlite3) by default,
// PostgreSQL when DATABASE_URL is a postgresql:// URL. One set of models, two generated clients.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { sqliteFilePath } from '../config.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { PrismaClient as SqliteClient, Prisma } from './generated/sqlite/client.ts';
import { appendOnlyAudit, appendOnlyKpiData } from './tenant.ts';

export { Prisma };
export type * from './generated/sqlite/client.ts';

/**
 * The SQLite client's type stands for both: the generated clients differ only in transaction
 * isolation levels, which this code base does not name.
 */
export type Db = SqliteClient;
export type Provider = 'sqlite' | 'postgresql';

/** `?` placeholders as PostgreSQL numbers them: `$1`, `$2`… */
export function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

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
  return openDatabaseWithDriver(databaseUrl, options).db;
}

/**
 * Read statements straight through the driver (better-sqlite3 or pg), for the few hot paths that
 * Prisma's query interpreter makes slow (about half a millisecond of CPU per statement): the
 * caller of each request, a page of KPI data. Each statement is prepared once per SQL text (a
 * named statement per pg connection) and sees only committed data. The driver confines nothing
 * itself: its statements are written only in src/db/sql/, each taking the tenant as a required
 * parameter and putting it first in its WHERE (test/sql-fence.test.ts keeps them there).
 */
export interface SqlDriver {
  readonly provider: Provider;
  /**
   * Runs a SELECT with `?` placeholders (rewritten to $1… on PostgreSQL); rows as objects.
   * `planEachTime`: PostgreSQL plans it with the values every time instead of reusing a generic
   * plan, which matters for long `= ANY(list)` conditions (hashed only when the list is known).
   */
  all<T = Record<string, unknown>>(sql: string, params: readonly unknown[], options?: { planEachTime?: boolean }): Promise<T[]>;
  /** The PostgreSQL pool's clients (shared with Prisma's adapter); null on SQLite, which has no pool. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } | null;
  close(): Promise<void>;
}

/** A DateTime column as the driver returns it (Date from pg, ISO text from SQLite) as a Date. */
export const dateOf = (value: unknown): Date => (value instanceof Date ? value : typeof value === 'string' ? parseStoredDate(value) : new Date(value as string));
/** A DateTime parameter as Prisma stores it: ISO with +00:00 on SQLite, timestamp(3) UTC text on PostgreSQL. */
export const dateParam = (provider: Provider, date: Date): string =>
  provider === 'sqlite' ? date.toISOString().replace('Z', '+00:00') : date.toISOString().slice(0, 23).replace('T', ' ');

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
/** pg parsers for our statements: timestamps are stored in UTC without zone; counts as numbers. */
const digits = (text: string, from: number, to: number) => {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
};
/**
 * `timestamp(3)` text, `2024-09-06 00:00:00` or with up to 6 fraction digits, read by its digits
 * (a page of 100 rows parsed each through Date's string parser showed in profiles); anything
 * else (BC years, infinity) through the string parser.
 */
export function parseTimestamp(text: string): Date {
  const n = text.length;
  if (n < 19 || n === 20 || n > 26 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || (n > 19 && text.charCodeAt(19) !== 46))
    return new Date(`${text.replace(' ', 'T')}Z`);
  return utcOfDigits(text, n > 20 ? digits(`${text.slice(20)}00`, 0, 3) : 0) ?? new Date(`${text.replace(' ', 'T')}Z`);
}

/** `YYYY-MM-DD?hh:mm:ss` at the start of `text` (any separators), plus `ms`, as UTC; null for years before 100, which Date.UTC reads as 1900–1999. */
function utcOfDigits(text: string, ms: number): Date | null {
  const year = digits(text, 0, 4);
  if (year < 100) return null;
  return new Date(Date.UTC(year, digits(text, 5, 7) - 1, digits(text, 8, 10), digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19), ms));
}

/**
 * A DateTime as Prisma stores it in SQLite, `2024-09-06T00:00:00.000+00:00`, read by its digits
 * (Date's string parser showed in profiles of a page of 100 rows); any other text through the
 * string parser.
 */
export function parseStoredDate(text: string): Date {
  if (
    text.length !== 29 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 ||
    !text.endsWith('+00:00')
  )
    return new Date(text);
  for (const i of DIGIT_POSITIONS) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return new Date(text);
  }
  return utcOfDigits(text, digits(text, 20, 23)) ?? new Date(text);
}
const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * Rows of a better-sqlite3 statement in raw mode (arrays) made objects by a function written for
 * its columns: better-sqlite3 builds each row object property by property through V8's slow path
 * (a page of 100 rows: 290 µs as objects, 230 as arrays made objects here).
 */
export function rowMaker(columns: readonly string[]): (values: readonly unknown[]) => Record<string, unknown> {
  // Column names come from our own SQL text; JSON.stringify quotes them as property names.
  return new Function('v', `return { ${columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ')} };`) as (values: readonly unknown[]) => Record<string, unknown>;
}

const pgTypes = {
  getTypeParser: (oid: number, format?: string) => {
    if (oid === TIMESTAMP_OID) return parseTimestamp;
    if (oid === INT8_OID) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

const STATEMENT_CACHE = 500;

function sqliteDriver(databaseUrl: string, onQuery?: OpenOptions['onQuery']): SqlDriver {
  let raw: Database.Database | undefined;
  const statements = new Map<string, { statement: Database.Statement<unknown[], unknown[]>; row: (values: readonly unknown[]) => Record<string, unknown> }>();
  return {
    provider: 'sqlite',
    poolStats: () => null,
    async all<T>(sql: string, params: readonly unknown[]) {
      // Opened on first use, after the migrations: WAL lets it read while Prisma's connection writes.
      if (!raw) {
        raw = new Database(sqliteFilePath(databaseUrl), { timeout: 5000 });
        raw.pragma('query_only = ON');
      }
      let prepared = statements.get(sql);
      if (!prepared) {
        const statement = raw.prepare<unknown[], unknown[]>(sql).raw(true);
        prepared = { statement, row: rowMaker(statement.columns().map((c) => c.name)) };
        if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
        statements.set(sql, prepared);
      }
      onQuery?.(sql, JSON.stringify(params));
      return prepared.statement.all(...params).map(prepared.row) as T[];
    },
    async close() {
      raw?.close();
      raw = undefined;
    },
  };
}

function postgresDriver(pool: pg.Pool, onQuery?: OpenOptions['onQuery']): SqlDriver {
  const texts = new Map<string, { text: string; name: string }>();
  return {
    provider: 'postgresql',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }),
    async all<T>(sql: string, params: readonly unknown[], options?: { planEachTime?: boolean }) {
      let prepared = texts.get(sql);
      if (!prepared) {
        prepared = { text: numberedPlaceholders(sql), name: `gov_${texts.size.toString(36)}` };
        // Bounded: past the limit statements run unnamed (parsed each time) rather than piling up per connection.
        if (texts.size < STATEMENT_CACHE) texts.set(sql, prepared);
        else prepared = { text: prepared.text, name: '' };
      }
      onQuery?.(prepared.text, JSON.stringify(params));
      const name = options?.planEachTime ? undefined : prepared.name || undefined;
      const result = await pool.query({ text: prepared.text, name, values: params as unknown[], types: pgTypes });
      return result.rows as T[];
    },
    async close() {
      // The pool is Prisma's too: $disconnect ends it.
    },
  };
}

/** The Prisma client and the driver underneath it, sharing PostgreSQL's pool (10 connections). */
export function openDatabaseWithDriver(databaseUrl: string, options: OpenOptions = {}): { db: Db; sql: SqlDriver } {
  const log = options.onQuery ? ([{ emit: 'event', level: 'query' }] as const) : undefined;
  let client;
  let sql: SqlDriver;
  if (providerOf(databaseUrl) === 'sqlite') {
    mkdirSync(dirname(sqliteFilePath(databaseUrl)), { recursive: true });
    // Busy timeout: the sweepers of other processes sharing the file may briefly hold the write lock.
    const adapter = withSqliteBindLimit(new PrismaBetterSqlite3({ url: databaseUrl, timeout: 5000 }));
    client = new SqliteClient({ adapter, log: log ? [...log] : undefined });
    sql = sqliteDriver(databaseUrl, options.onQuery);
  } else {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle connection the server ended (restart, dropped database) leaves the pool; the next query opens another.
    pool.on('error', () => {});
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    client = new PostgresClient({ adapter, log: log ? [...log] : undefined }) as unknown as SqliteClient;
    sql = postgresDriver(pool, options.onQuery);
  }
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (client as unknown as { $on(event: 'query', cb: (e: { query: string; params: string }) => void): void }).$on('query', (e) => onQuery(e.query, e.params));
  }
  return { db: client.$extends(appendOnlyAudit).$extends(appendOnlyKpiData) as unknown as Db, sql };
}

/** A transaction client: what `$transaction(async (tx) => …)` hands over. */
export type Tx = Prisma.TransactionClient;

/** True when the error is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  // By code, not class: the two generated clients each carry their own error classes.
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
