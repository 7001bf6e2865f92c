// Test harness: a fresh database per test file (SQLite file, or a new PostgreSQL database when
// TEST_DATABASE_URL is set), the app built on it, and a typed GraphQL client over its HTTP API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pg from 'pg';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { buildApp, type App } from '../src/app.ts';
import type { Clock } from '../src/clock.ts';
import { requestApproval } from '../src/approvals/core.ts';
import type { ApprovalKindHandler, NewApprovalRequest } from '../src/approvals/kinds.ts';
import { createContext, newRequestId, type Context } from '../src/context.ts';
import { resolveCaller } from '../src/identity/caller.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createOrganizationWith, type SeedMember } from '../src/identity/bootstrap.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { createLogger, type Logger } from '../src/logger.ts';

export const PASSWORD = 'correct-horse-battery';
let passwordHash: Promise<string> | undefined;
/** One scrypt hash shared by every fixture user, at the test cost (the servers here hash at it too). */
export const fixturePasswordHash = () => (passwordHash ??= hashPassword(PASSWORD, 'test'));

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database nobody else uses. PostgreSQL when TEST_DATABASE_URL is set (CI's PostgreSQL suite). */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'gov-test-'));
    return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gov_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface CallOptions {
  token?: string;
  /** Act as this user through X-Dev-User (AUTH_DEV_HEADERS is on in tests). */
  as?: string;
  org?: string;
  headers?: Record<string, string>;
}

export interface GqlResult<R> {
  status: number;
  data?: R | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  /** `cost` on every query and mutation (docs/errors.md, "Cost of an answer"). */
  extensions?: Record<string, any>;
}

export interface TestServer {
  app: App;
  config: Config;
  db: App['services']['system'];
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, options?: CallOptions): Promise<GqlResult<R>>;
  raw(body: unknown, options?: CallOptions & { method?: string; contentType?: string }): Promise<GqlResult<any>>;
  seedOrg(name: string, members: SeedMember[]): Promise<{ id: string; slug: string }>;
  /** Opens an approval request as `as`, the way a domain mutation does; returns its global id. */
  raise(as: string, input: NewApprovalRequest): Promise<string>;
  /** The context a request of `as` would get (X-Dev-User), for calling the core directly. */
  contextOf(as: string): Promise<Context>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Approval kinds to serve instead of the domains' (the approvals core's own tests). */
  approvalKinds?: ApprovalKindHandler[];
  /** Share this database instead of creating one (a second instance); the first server drops it. */
  database?: TestDatabase;
  /** Receives every SQL statement the server sends. */
  onQuery?: (sql: string, params: string) => void;
  /** Domain time (a manualClock the test advances instead of sleeping); the system clock by default. */
  clock?: Clock;
  /** The server's log (tests that read it); silent unless TEST_LOG_LEVEL says otherwise. */
  log?: Logger;
}

export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const ownDatabase = !options.database;
  const database = options.database ?? (await freshDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    AUTH_DEV_HEADERS: '1',
    SEED_DEMO: '0',
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_COST: 'test',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });
  const app = await buildApp(config, { log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), approvalKinds: options.approvalKinds, onQuery: options.onQuery, clock: options.clock });
  const contextOf = async (as: string) =>
    createContext(app.services, await resolveCaller(app.services, { authorization: null, organizationId: null, devUser: as }), newRequestId(), 'test');

  const send = async (body: unknown, options: CallOptions & { method?: string; contentType?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.as) headers['x-dev-user'] = options.as;
    if (options.org) headers['x-organization-id'] = options.org;
    const response = await app.fetch('/graphql', {
      method: options.method ?? 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: response.status, ...json };
  };

  return {
    app,
    config,
    db: app.services.system,
    gql: (doc, variables, options) => send({ query: print(doc), variables }, options),
    raw: send,
    async seedOrg(name, members) {
      const hash = await fixturePasswordHash();
      const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`;
      return createOrganizationWith(app.services.system, app.services.clock, name, slug, members.map((m) => ({ passwordHash: hash, ...m })));
    },
    contextOf,
    async raise(as, input) {
      const row = await requestApproval(await contextOf(as), input);
      return encodeGlobalID('ApprovalRequest', row.id);
    },
    async close() {
      await app.stop();
      if (ownDatabase) await database.drop();
    },
  };
}

/** The codes of a result's errors, for compact assertions. */
export const codes = (r: GqlResult<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);
