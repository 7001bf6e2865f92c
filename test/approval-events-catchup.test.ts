// Catching up after a Redis outage (src/streams/live.ts): two instances on one database, A talking
// to Redis directly, B through a proxy the test cuts. What A raises while B's connection is down
// never reaches B through Redis; when it is back, B's open subscriptions are given those events
// from the event log, once and in order, as each subscriber may see them now, then live ones —
// without resubscribing; an event B raised itself meanwhile, whose publish Redis may also take
// late, comes once. Runs with TEST_REDIS_URL (CI's service suite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { faultProxy, type FaultProxy } from './fault-proxy.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { APPROVAL_EVENT, real, subscribe, warmUp, type Subscriber } from './live.ts';

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(Boolean(redisUrl))('an instance whose Redis connection was lost for a while', () => {
  let proxy: FaultProxy;
  let a: TestServer;
  let b: TestServer;
  let urlB: string;
  let portB: number;
  let o: OrgFixture;
  const open: Subscriber[] = [];

  beforeAll(async () => {
    const target = new URL(redisUrl!);
    proxy = await faultProxy(target.hostname, Number(target.port || 6379));
    a = await startTestServer({ REDIS_URL: redisUrl! }, { approvalKinds: testApprovalKinds() });
    b = await startTestServer(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}` },
      { approvalKinds: testApprovalKinds(), database: { url: a.config.DATABASE_URL, drop: async () => {} } },
    );
    portB = await b.app.start(0, '127.0.0.1');
    urlB = `ws://127.0.0.1:${portB}/graphql`;
    o = await orgWithRoles(a, 'CatchUp');
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await b?.close();
    await a?.close();
    await proxy?.close();
  });

  const EVENTS = `subscription { approvalEvents { ${APPROVAL_EVENT} } }`;
  const ids = (s: Subscriber) => real(s).map((e) => e.request.id);

  it('gives the events raised elsewhere meanwhile, once and in order, as each may see them, then live ones', async () => {
    const ownerOnB = subscribe(urlB, { devUser: o.owner }, EVENTS);
    // An ADMIN does not decide PII changes: the catch-up must not give them one.
    const adminOnB = subscribe(urlB, { devUser: o.admin }, EVENTS);
    open.push(ownerOnB, adminOnB);
    await warmUp([ownerOnB, adminOnB], () => a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));

    const first = await a.raise(o.editor, request('WORKFLOW'));
    await ownerOnB.waitFor((e) => e.request.id === first);
    await adminOnB.waitFor((e) => e.request.id === first);

    proxy.cut();
    await until(async () => (await liveEventsOf(portB)) === 'degraded');
    const second = await a.raise(o.editor, request('WORKFLOW'));
    // Raised on B itself: its publish is retried, and may reach Redis again besides the catch-up.
    const onB = await b.raise(o.editor, request('WORKFLOW'));
    const pii = await a.raise(o.editor, request('PII_CHANGE'));
    const third = await a.raise(o.editor, request('WORKFLOW'));
    // Through Redis, B hears none of them while its connection is down.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ids(ownerOnB)).toEqual([first]);

    proxy.restore();
    await ownerOnB.waitFor((e) => e.request.id === third, 15_000);
    await adminOnB.waitFor((e) => e.request.id === third, 15_000);
    const fourth = await a.raise(o.editor, request('WORKFLOW'));
    await ownerOnB.waitFor((e) => e.request.id === fourth);
    await adminOnB.waitFor((e) => e.request.id === fourth);

    expect(ids(ownerOnB)).toEqual([first, second, onB, pii, third, fourth]);
    expect(ids(adminOnB)).toEqual([first, second, onB, third, fourth]);
    expect([ownerOnB.errors, adminOnB.errors, ownerOnB.completed, adminOnB.completed]).toEqual([[], [], false, false]);
  });
});

/** What an instance's /ready says of live events. */
async function liveEventsOf(port: number): Promise<string> {
  return ((await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { liveEvents: string }).liveEvents;
}
