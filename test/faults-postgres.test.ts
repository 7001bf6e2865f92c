// PostgreSQL faults: while the database is away, requests fail at once with SERVICE_UNAVAILABLE
// and their request id, /ready answers 503, and the log has one line per interval without a stack
// (not one per request or job tick); everything recovers without a restart. A start while it is
// away retries with backoff, one line per attempt naming DATABASE_URL, and comes up when it
// answers. With TEST_DATABASE_URL (CI's PostgreSQL suite), through a TCP proxy the test cuts; the
// rules that recognize a fault and the start's backoff run everywhere.
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { buildApp } from '../src/app.ts';
import { databaseFaultLog, faultReason, isDatabaseUnreachable } from '../src/db/faults.ts';
import { whenDatabaseAnswers } from '../src/db/wait.ts';
import { faultProxy, type FaultProxy } from './fault-proxy.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { freshDatabase, startTestServer, type TestDatabase, type TestServer } from './harness.ts';

interface Line {
  level: number;
  msg: string;
  err?: unknown;
  repeated?: number;
}

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Line[] = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, atLeastWarn: () => lines.filter((l) => l.level >= 40) };
}

/** An error as pg or Prisma throws it. */
const failure = (message: string, code?: string, cause?: unknown) => Object.assign(new Error(message, { cause }), code ? { code } : {});

describe('recognizing the database being away', () => {
  it('knows connection faults by their codes and pg messages, through causes, and nothing else', () => {
    const prismaP1001 = failure("\nInvalid `db.user.findFirst()` invocation in\n/app/src/x.ts:13:22\n\n  12 const a = 1;\n→ 13 await db.user.findFirst()\n\nCan't reach database server at `db:5432`", 'P1001');
    const cases = [
      prismaP1001,
      failure('Connection terminated unexpectedly'),
      failure('timeout exceeded when trying to connect'),
      failure('terminating connection due to administrator command', '57P01'),
      failure('connection failure', '08006'),
      failure('wrapped', undefined, failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')),
      Object.assign(new AggregateError([failure('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''), { code: undefined }),
      failure('Unique constraint failed', 'P2002'),
      failure('password authentication failed for user "app"', '28P01'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
    ];
    expect(cases.map(isDatabaseUnreachable)).toEqual([true, true, true, true, true, true, true, false, false, false]);
    expect(faultReason(prismaP1001)).toBe("P1001 Can't reach database server at `db:5432`");
    expect(faultReason(cases[5])).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('logs the database being away once per interval across requests and jobs, and reports nothing else', () => {
    const { log, lines } = capturedLog();
    let t = 0;
    const faults = databaseFaultLog('postgresql://app:secret-password@db.internal:6432/governance', log, 1000, () => t);
    const reported = [
      faults.report(failure('Connection terminated unexpectedly'), 'a request'),
      faults.report(failure('connect ECONNREFUSED 10.0.0.5:6432', 'ECONNREFUSED'), 'the background job workflows.schedule'),
      faults.report(failure('Unique constraint failed', 'P2002'), 'a request'),
    ];
    t = 1500;
    reported.push(faults.report(failure('connect ECONNREFUSED 10.0.0.5:6432', 'ECONNREFUSED'), 'a request'));
    expect(reported).toEqual([true, true, false, true]);
    expect(lines.map(({ level, msg, repeated }) => ({ level, msg, repeated }))).toEqual([
      {
        level: 40,
        msg: 'PostgreSQL (DATABASE_URL, db.internal:6432) unreachable during a request: Connection terminated unexpectedly. Requests fail with SERVICE_UNAVAILABLE and /ready answers 503 until it answers again.',
        repeated: undefined,
      },
      {
        level: 40,
        msg: 'PostgreSQL (DATABASE_URL, db.internal:6432) unreachable during a request: connect ECONNREFUSED 10.0.0.5:6432. Requests fail with SERVICE_UNAVAILABLE and /ready answers 503 until it answers again.',
        repeated: 1,
      },
    ]);
  });
});

describe('waiting for PostgreSQL at start', () => {
  const URL = 'postgresql://app:secret-password@db.internal:5432/governance';

  /** A clock that sleeping moves: the backoff without waiting for it. */
  function fakeTime() {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  }

  it('retries with backoff while unreachable, one line per attempt naming DATABASE_URL and the next delay', async () => {
    const { log, lines } = capturedLog();
    let attempts = 0;
    const result = await whenDatabaseAnswers(
      URL,
      async () => {
        if (++attempts <= 6) throw failure('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED');
        return 'migrated';
      },
      { log, timeoutSeconds: 0, ...fakeTime() },
    );
    expect(result).toBe('migrated');
    const retry = (n: number, delay: string) => `PostgreSQL (DATABASE_URL, db.internal:5432) unreachable (attempt ${n}): connect ECONNREFUSED 10.0.0.5:5432. Retrying in ${delay}.`;
    expect(lines.map(({ level, msg, err }) => ({ level, msg, err }))).toEqual([
      ...[retry(1, '0.5 s'), retry(2, '1 s'), retry(3, '2 s'), retry(4, '4 s'), retry(5, '8 s'), retry(6, '10 s')].map((msg) => ({ level: 40, msg, err: undefined })),
      { level: 30, msg: 'PostgreSQL (DATABASE_URL, db.internal:5432) answers after 7 attempts: starting', err: undefined },
    ]);
  });

  it('gives up after DATABASE_START_TIMEOUT_SECONDS with one message naming the setting', async () => {
    const { log, lines } = capturedLog();
    const waiting = whenDatabaseAnswers(URL, async () => Promise.reject(failure('Connection terminated unexpectedly')), { log, timeoutSeconds: 5, ...fakeTime() });
    await expect(waiting).rejects.toThrow(ConfigError);
    await expect(waiting).rejects.toThrow(
      'PostgreSQL (DATABASE_URL, db.internal:5432) did not answer within 5 s (DATABASE_START_TIMEOUT_SECONDS), 4 attempts: Connection terminated unexpectedly. Start PostgreSQL or fix DATABASE_URL.',
    );
    expect(lines.map((l) => l.msg)).toEqual(
      ['0.5 s', '1 s', '2 s'].map((delay, i) => `PostgreSQL (DATABASE_URL, db.internal:5432) unreachable (attempt ${i + 1}): Connection terminated unexpectedly. Retrying in ${delay}, for up to 5 s in all (DATABASE_START_TIMEOUT_SECONDS).`),
    );
  });

  it('stops at once, without retrying, when PostgreSQL answers but refuses, and lets other errors through', async () => {
    const { log, lines } = capturedLog();
    const refused = whenDatabaseAnswers(URL, async () => Promise.reject(failure('password authentication failed for user "app"', '28P01')), { log, timeoutSeconds: 0, ...fakeTime() });
    await expect(refused).rejects.toThrow(new ConfigError('PostgreSQL (DATABASE_URL, db.internal:5432) refused the connection: 28P01 password authentication failed for user "app". Check DATABASE_URL.'));
    const edited = failure('Migration "x" was edited after it was applied.');
    await expect(whenDatabaseAnswers(URL, async () => Promise.reject(edited), { log, timeoutSeconds: 0, ...fakeTime() })).rejects.toBe(edited);
    expect(lines).toEqual([]);
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;

/** The database's URL with its host and port replaced by the proxy's. */
function through(proxy: FaultProxy, url: string): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

async function proxiedDatabase(): Promise<{ database: TestDatabase; proxy: FaultProxy }> {
  const database = await freshDatabase();
  const target = new URL(database.url);
  const proxy = await faultProxy(target.hostname, Number(target.port || 5432));
  return { database: { url: through(proxy, database.url), drop: database.drop }, proxy };
}

const ME = '{ me { memberships { role } } }';

describe.runIf(Boolean(databaseUrl))('a PostgreSQL outage in the middle of a run', () => {
  let proxy: FaultProxy;
  let database: TestDatabase;
  let server: TestServer;
  let o: OrgFixture;
  let base: string;
  const captured = capturedLog();
  const METRICS_TOKEN = 'metrics-token-for-faults-0123';

  beforeAll(async () => {
    ({ database, proxy } = await proxiedDatabase());
    // The scheduler looks for due workflows every 50 ms: an outage fails every one of its ticks.
    server = await startTestServer({ SCHEDULER_TICK_SECONDS: '0.05', METRICS_TOKEN }, { database, log: captured.log });
    o = await orgWithRoles(server, 'PgDown');
    base = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  const ready = async () => {
    const response = await fetch(`${base}/ready`);
    return { status: response.status, body: await response.json() };
  };
  const me = async (requestId: string) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-user': o.viewer, 'x-request-id': requestId },
      body: JSON.stringify({ query: ME }),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() };
  };
  const scrape = async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status;
  /** A graphql-ws socket's close code and reason after its connection_init. */
  /** A graphql-ws socket acknowledged as `o.viewer`; `next` resolves with the next message. */
  const openSocket = async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: unknown[] = [];
    const waiting: ((message: unknown) => void)[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    // A socket the server closes answers every later wait with its close code.
    socket.on('close', (code) => {
      messages.push({ closed: code });
      for (const waiter of waiting.splice(0)) waiter({ closed: code });
    });
    const next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiting.push(resolve)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { devUser: o.viewer } }));
    expect(await next()).toEqual({ type: 'connection_ack' });
    return { socket, next };
  };
  const socketClose = () =>
    new Promise<{ code: number; reason: string }>((resolve) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { devUser: o.viewer } })));
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });

  it('fails requests at once with their request id, turns /ready 503, logs one line without a stack, and recovers', async () => {
    expect(await me('before-outage')).toEqual({ status: 200, requestId: 'before-outage', body: { data: { me: { memberships: [{ role: 'VIEWER' }] } }, extensions: { cost: { requested: 11, actual: 2, limit: 5000 } } } });
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', liveEvents: process.env.TEST_REDIS_URL ? 'redis' : 'in-process' } });
    const before = captured.lines.length;
    const opened = await openSocket();

    proxy.cut();
    for (let i = 1; i <= 5; i++) {
      const requestId = `during-outage-${i}`;
      expect(await me(requestId)).toEqual({
        status: 503,
        requestId,
        body: {
          errors: [
            {
              message: `The database cannot be reached at the moment: retry shortly. Quote request id ${requestId} if it lasts.`,
              extensions: { code: 'SERVICE_UNAVAILABLE', requestId },
            },
          ],
        },
      });
    }
    expect((await ready()).status).toBe(503);
    expect(await scrape()).toBe(200);
    expect(await socketClose()).toEqual({ code: 1013, reason: 'Try again later: the database cannot be reached' });
    opened.socket.send(JSON.stringify({ id: 'during', type: 'subscribe', payload: { query: ME } }));
    expect(await opened.next()).toEqual({
      id: 'during',
      type: 'error',
      payload: [{ message: expect.stringMatching(/^The database cannot be reached at the moment: retry shortly\. Quote request id \S+ if it lasts\.$/), extensions: { code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) } }],
    });
    opened.socket.close();
    // The fault needs this much real time: a few dozen scheduler ticks, each failing.
    await new Promise((r) => setTimeout(r, 1000));
    const during = captured.lines.slice(before);
    expect(during.filter((l) => l.level >= 40).map(({ msg, err }) => ({ msg: msg.replace(/during .*?: .*?\. Requests/, 'during …: …. Requests'), err }))).toEqual([
      {
        msg: `PostgreSQL (DATABASE_URL, 127.0.0.1:${proxy.port}) unreachable during …: …. Requests fail with SERVICE_UNAVAILABLE and /ready answers 503 until it answers again.`,
        err: undefined,
      },
    ]);

    proxy.restore();
    await until(async () => (await ready()).status === 200);
    expect(await me('after-outage')).toEqual({ status: 200, requestId: 'after-outage', body: { data: { me: { memberships: [{ role: 'VIEWER' }] } }, extensions: { cost: { requested: 11, actual: 2, limit: 5000 } } } });
    expect(captured.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe.runIf(Boolean(databaseUrl))('PostgreSQL unreachable at start', () => {
  let proxy: FaultProxy;
  let database: TestDatabase;
  let server: TestServer | undefined;

  beforeAll(async () => {
    ({ database, proxy } = await proxiedDatabase());
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('retries with one line per attempt naming DATABASE_URL, and comes up once PostgreSQL answers', async () => {
    const { log, lines, atLeastWarn } = capturedLog();
    proxy.cut();
    let started = false;
    const starting = startTestServer({}, { database, log }).then((s) => {
      started = true;
      return s;
    });
    const where = `PostgreSQL (DATABASE_URL, 127.0.0.1:${proxy.port})`;
    const retries = () => atLeastWarn().filter((l) => l.msg.startsWith(`${where} unreachable`));
    await until(async () => retries().length >= 2);
    expect(started).toBe(false);
    proxy.restore();
    server = await starting;
    const attempts = retries();
    expect(attempts.map(({ msg, err }) => ({ msg, err }))).toEqual(
      attempts.map((_, i) => ({ msg: `${where} unreachable (attempt ${i + 1}): Connection terminated unexpectedly. Retrying in ${['0.5 s', '1 s', '2 s', '4 s'][i]}.`, err: undefined })),
    );
    expect(lines.find((l) => l.msg.startsWith(`${where} answers after`))?.msg).toBe(`${where} answers after ${attempts.length + 1} attempts: starting`);
    const base = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('refuses at once, with one message naming DATABASE_URL, a database that does not exist', async () => {
    const missing = new URL(databaseUrl!);
    missing.pathname = '/gov_test_missing_database';
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: missing.toString(), JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789', SEED_DEMO: '0', LOG_LEVEL: 'silent' });
    await expect(buildApp(config, { log: pino({ level: 'silent' }) })).rejects.toThrow(
      new ConfigError(`PostgreSQL (DATABASE_URL, ${missing.hostname}:${missing.port || 5432}) refused the connection: 3D000 database "gov_test_missing_database" does not exist. Check DATABASE_URL.`),
    );
  });
});
