// Redis faults: the server starts and serves with Redis unreachable, says so on /ready and
// /metrics, logs a fault once per interval instead of once per attempt, and never ends the
// process. With TEST_REDIS_URL (CI's service suite), two instances through a TCP proxy the test
// cuts: publishes during the outage crash neither, and events flow again when Redis returns.
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oncePerInterval } from '../src/logger.ts';
import { openPubSub, type PubSubHandle } from '../src/pubsub.ts';
import { faultProxy, type FaultProxy } from './fault-proxy.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { PASSWORD, startTestServer, type TestServer } from './harness.ts';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: { level: number; msg: string; repeated?: number }[] = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

describe('oncePerInterval', () => {
  it('logs a fault the first time in an interval, then how often it recurred', () => {
    const { log, lines } = capturedLog();
    let t = 0;
    const report = oncePerInterval(log, 1000, () => t);
    report('a', 'A is down');
    report('a', 'A is down');
    report('b', 'B is down');
    t = 500;
    report('a', 'A is down');
    t = 1500;
    report('a', 'A is down');
    expect(lines.map(({ msg, repeated }) => ({ msg, repeated }))).toEqual([
      { msg: 'A is down', repeated: undefined },
      { msg: 'B is down', repeated: undefined },
      { msg: 'A is down', repeated: 2 },
    ]);
  });
});

describe('Redis unreachable from the start', () => {
  let server: TestServer;
  let o: OrgFixture;
  let base: string;
  let redisPort: number;
  const METRICS_TOKEN = 'metrics-token-for-faults-0123';

  beforeAll(async () => {
    redisPort = await closedPort();
    server = await startTestServer({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, METRICS_TOKEN });
    o = await orgWithRoles(server, 'RedisDown');
    base = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
  });
  afterAll(async () => server?.close());

  it('serves requests, and /ready stays ready while saying live events are degraded', async () => {
    const ready = await fetch(`${base}/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready', liveEvents: 'degraded' } });
  });

  it('takes a mutation that publishes, counts the publish Redis could not take, and shows both on /metrics', async () => {
    const login = await server.raw({ query: `mutation { login(email: "${o.viewer}", password: "${PASSWORD}") { token } }` });
    const token = login.data.login.token as string;
    // logout publishes session:revoked for the other instances' sockets.
    expect((await server.raw({ query: 'mutation { logout }' }, { token })).data).toEqual({ logout: true });
    const scrape = async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    await until(async () => /^pubsub_publish_failures_total [1-9]/m.test(await scrape()));
    expect((await scrape()).match(/^pubsub_redis_up .*$/m)?.[0]).toBe('pubsub_redis_up 0');
  });
});

describe('a pub/sub whose Redis cannot be reached', () => {
  it('logs the fault once per interval naming REDIS_URL, never the password, and reports lost publishes', async () => {
    const port = await closedPort();
    const { log, warnings } = capturedLog();
    const handle = openPubSub(`redis://:secret-password@127.0.0.1:${port}`, log, 60_000);
    try {
      for (let i = 0; i < 3; i++) handle.pubsub.publish('org:event', 'org-1', { type: 'ping', id: String(i) });
      await until(async () => handle.failedPublishes() === 3);
      expect(handle.delivery()).toBe('degraded');
      // Dozens of reconnection attempts and three lost publishes: one line per fault and client.
      expect(warnings().sort()).toEqual([
        `Redis (REDIS_URL, 127.0.0.1:${port}) did not take a publish: Reached the max retries per request limit (which is 5). Refer to "maxRetriesPerRequest" option for details.`,
        `Redis (REDIS_URL, 127.0.0.1:${port}) unreachable for the publisher: connect ECONNREFUSED 127.0.0.1:${port}. Retrying; live events do not reach other instances meanwhile.`,
        `Redis (REDIS_URL, 127.0.0.1:${port}) unreachable for the subscriber: connect ECONNREFUSED 127.0.0.1:${port}. Retrying; live events do not reach other instances meanwhile.`,
      ]);
      expect(warnings().join('\n')).not.toContain('secret-password');
    } finally {
      await handle.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(Boolean(redisUrl))('a Redis outage in the middle of a run, two instances', () => {
  let proxy: FaultProxy;
  let one: PubSubHandle;
  let two: PubSubHandle;
  const quiet = pino({ level: 'silent' });

  beforeAll(async () => {
    const target = new URL(redisUrl!);
    proxy = await faultProxy(target.hostname, Number(target.port || 6379));
    const through = `redis://127.0.0.1:${proxy.port}`;
    one = openPubSub(through, quiet);
    two = openPubSub(through, quiet);
    await until(async () => one.delivery() === 'redis' && two.delivery() === 'redis');
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await proxy?.close();
  });

  /** Publishes on `one` until `two` receives: a subscription reaches Redis asynchronously. */
  async function deliveredAcross(organizationId: string) {
    const iterator = two.pubsub.subscribe('org:event', organizationId)[Symbol.asyncIterator]();
    let received: unknown;
    void iterator.next().then((r) => (received = r.value));
    await until(async () => {
      one.pubsub.publish('org:event', organizationId, { type: 'ping', id: 'after' });
      await new Promise((r) => setTimeout(r, 20));
      return received !== undefined;
    });
    await iterator.return?.();
    return received;
  }

  it('crashes neither instance while Redis is away, and delivers again when it returns', async () => {
    expect(await deliveredAcross('org-before')).toEqual({ type: 'ping', id: 'after' });
    proxy.cut();
    await until(async () => one.delivery() === 'degraded' && two.delivery() === 'degraded');
    // Publishes on both instances during the outage: retried over reconnections, then reported.
    for (let i = 0; i < 5; i++) {
      one.pubsub.publish('org:event', 'org-during', { type: 'ping', id: `one-${i}` });
      two.pubsub.publish('org:event', 'org-during', { type: 'ping', id: `two-${i}` });
    }
    // A subscription opened during the outage waits for Redis, then receives.
    const waiting = two.pubsub.subscribe('org:event', 'org-resumed')[Symbol.asyncIterator]();
    const first = waiting.next();
    await until(async () => one.failedPublishes() + two.failedPublishes() === 10);
    proxy.restore();
    await until(async () => one.delivery() === 'redis' && two.delivery() === 'redis');
    expect(await deliveredAcross('org-after')).toEqual({ type: 'ping', id: 'after' });
    await until(async () => {
      one.pubsub.publish('org:event', 'org-resumed', { type: 'ping', id: 'resumed' });
      return Promise.race([first.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
    });
    expect((await first).value).toEqual({ type: 'ping', id: 'resumed' });
    await waiting.return?.();
  });
});
