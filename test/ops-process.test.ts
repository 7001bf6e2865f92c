// The server as an operator runs it: `npm run build`, then `npm start` with NODE_ENV=production
// in a process of its own. It answers; it refuses an empty production database without the
// bootstrap settings; on SIGTERM it ends SSE streams with `complete` and graphql-ws operations with
// `complete` messages before closing their sockets with 1001, then exits 0.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceDigest } from '../scripts/source-digest.mjs';
import { freshDatabase, type TestDatabase } from './harness.ts';
import { spawnServer, type RunningServer } from './server-process.ts';

const ROOT = join(import.meta.dirname, '..');
const OWNER = 'ops-owner@example.test';
const OWNER_PASSWORD = 'operator-password-2026';

const productionEnv = (database: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  DATABASE_URL: database.url,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  JWT_SECRET: randomBytes(32).toString('base64url'),
  AUDIT_KEY: randomBytes(48).toString('base64url'),
  AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  ...extra,
});

/** `npm start`'s script (what `npm start` runs), as a process of its own; resolves once it listens. */
const startServer = (env: NodeJS.ProcessEnv) => spawnServer(['scripts/start.mjs'], env);

async function gql(port: number, query: string, variables: object = {}, token?: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const login = async (port: number) =>
  (await gql(port, 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }', { email: OWNER, password: OWNER_PASSWORD })).body.data.login
    .token as string;

/** The value of one series on the metrics listener. */
async function series(metricsPort: number, name: string): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : null;
}

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the production build', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }, 300_000);

  it('compiles src/ into dist/ and records the digest of the sources it was built from', () => {
    expect(existsSync(join(ROOT, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'dist/db/generated/sqlite/client.js'))).toBe(true);
    expect(JSON.parse(readFileSync(join(ROOT, 'dist/build-info.json'), 'utf8')).sources).toBe(sourceDigest(ROOT));
    // Without the demo seeding: production never seeds the demo (test/build.test.ts).
    expect(existsSync(join(ROOT, 'dist/app.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'dist/demo'))).toBe(false);
  });

  describe('started with npm start and NODE_ENV=production', () => {
    let database: TestDatabase;
    let server: RunningServer;
    beforeAll(async () => {
      database = await freshDatabase();
      server = await startServer(
        productionEnv(database, { BOOTSTRAP_OWNER_EMAIL: OWNER, BOOTSTRAP_OWNER_PASSWORD: OWNER_PASSWORD, BOOTSTRAP_ORG_NAME: 'Operations', METRICS_PORT: '0' }),
      );
    }, 90_000);
    afterAll(async () => {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await database?.drop();
    });

    it('runs the compiled code, migrates, bootstraps the owner and answers', async () => {
      expect(server.output()).toMatch(/"database migrated"/);
      // HOST=127.0.0.1: the start log names that address, not localhost.
      expect(server.output()).toContain(`"msg":"Governance API listening on http://127.0.0.1:${server.port}/graphql (`);
      expect(server.output()).toMatch(/bootstrap: created the organization and its owner/);
      const token = await login(server.port);
      const me = await gql(server.port, '{ me { user { email } } }', {}, token);
      expect(me).toEqual({ status: 200, body: { data: { me: { user: { email: OWNER } } }, extensions: { cost: { requested: 2, limit: 5000 } } } });
      // Production: no GraphiQL page, no introspection.
      const page = await fetch(`http://127.0.0.1:${server.port}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/graphiql/i);
      const introspection = await gql(server.port, '{ __schema { queryType { name } } }', {}, token);
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('on SIGTERM ends SSE streams with complete, graphql-ws operations with complete and close 1001, then exits 0', async () => {
      const token = await login(server.port);
      const metricsPort = Number(server.output().match(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/)?.[1]);

      // An SSE subscription: the response starts once the subscription is registered.
      const sse = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'subscription { approvalEvents { type } }' }),
      });
      expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const sseText = sse.text();

      // A graphql-ws subscription, recording what ends it.
      let closeCode: number | null = null;
      let completed = false;
      const errors: unknown[] = [];
      const client = createClient({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { token },
        retryAttempts: 0,
        on: { closed: (event) => (closeCode = (event as { code: number }).code) },
      });
      client.subscribe(
        { query: 'subscription { myApprovalUpdates { type } }' },
        { next: () => {}, error: (e) => errors.push(e), complete: () => (completed = true) },
      );
      await until(async () => (await series(metricsPort, 'graphql_subscriptions_open{transport="ws"}')) === 1);
      expect(await series(metricsPort, 'graphql_subscriptions_open{transport="sse"}')).toBe(1);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const streamed = await sseText;
      expect(streamed).toMatch(/event: complete\ndata:\n\n$/);
      await until(async () => closeCode !== null);
      expect({ completed, closeCode, errors }).toEqual({ completed: true, closeCode: 1001, errors: [] });
      expect(server.output()).toMatch(/"msg":"stopped"/);
      await client.dispose();
    });
  });

  it('refuses to start in production on an empty database without the BOOTSTRAP_* settings, naming them', async () => {
    const database = await freshDatabase();
    try {
      // The compiled entry point itself, as a container would run it.
      const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env: productionEnv(database), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Refusing to start: the database has no organization, so nobody could ever sign in\./);
      for (const variable of ['BOOTSTRAP_OWNER_EMAIL', 'BOOTSTRAP_OWNER_PASSWORD', 'BOOTSTRAP_ORG_NAME']) expect(stderr).toContain(variable);
    } finally {
      await database.drop();
    }
  }, 60_000);

  it('asked for the demo outside production, refuses naming what to set: the build has no demo seeding', async () => {
    const database = await freshDatabase();
    try {
      const env = { PATH: process.env.PATH, DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: '1', JWT_SECRET: randomBytes(32).toString('base64url') };
      const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect({ code, stderr }).toEqual({
        code: 1,
        stderr:
          'This build has no demo seeding (the production build leaves it out): set BOOTSTRAP_OWNER_EMAIL, BOOTSTRAP_OWNER_PASSWORD and BOOTSTRAP_ORG_NAME, or SEED_DEMO=0, or run the sources with `npm start`.\n',
      });
    } finally {
      await database.drop();
    }
  }, 60_000);
});

describe('npm start in production, before and after a build', () => {
  // A copy of the start script beside a stand-in dist/ and src/: the checks, without a real build.
  let root: string;
  const start = () => {
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { env: { PATH: process.env.PATH, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gov-start-'));
    mkdirSync(join(root, 'scripts'));
    for (const file of ['start.mjs', 'source-digest.mjs']) cpSync(join(ROOT, 'scripts', file), join(root, 'scripts', file));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/main.ts'), 'export {};\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses without dist/', async () => {
    expect(await start()).toEqual({ code: 1, output: 'NODE_ENV=production runs the compiled server, and dist/main.js does not exist: run `npm run build` first.\n' });
  });

  it('refuses a dist/ built from other sources, and runs one built from these', async () => {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/main.js'), "console.log('compiled server ran');\n");
    writeFileSync(join(root, 'dist/build-info.json'), JSON.stringify({ sources: sourceDigest(root) }));
    expect(await start()).toEqual({ code: 0, output: 'compiled server ran\n' });
    writeFileSync(join(root, 'src/main.ts'), 'export const changed = true;\n');
    expect(await start()).toEqual({
      code: 1,
      output: 'dist/ was built from other sources than those in src/ (they changed since `npm run build`, or it was not built by it): run `npm run build` again.\n',
    });
  });
});

describe('the Node version', () => {
  it('is checked before anything else loads: an older Node than `engines` stops with a message', async () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node).toBe('>=20.19');
    const pretendOld = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.18.1"})';
    const child = spawn(process.execPath, ['--import', pretendOld, '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, output }).toEqual({ code: 1, output: 'Node 20.18.1 is too old: this server needs Node 20.19 or newer (package.json "engines").\n' });
  });
});
