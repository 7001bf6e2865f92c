// Pending requests past APPROVAL_TTL_SECONDS expire through the sweep, once, even with two
// instances sweeping the same database. The instances share a manual clock the test moves past the
// time limit; the sweep is its domain function `expireStale`, called by the test (the background
// one is an hour away).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireStale } from '../src/approvals/core.ts';
import { manualClock } from '../src/clock.ts';
import { claimOccurrence, pruneOccurrences } from '../src/db/occurrences.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { APPROVAL_EVENT, subscribe, warmUp, type Subscriber } from './live.ts';
import { ApprovalRequestQ, ApproveRequest, AuditEvents, CancelRequest } from './ops.ts';

const TTL_SECONDS = 60;
const env = { APPROVAL_TTL_SECONDS: String(TTL_SECONDS), APPROVAL_SWEEP_SECONDS: '3600' };
const clock = manualClock();
let one: TestServer;
let two: TestServer;
let o: OrgFixture;
const open: Subscriber[] = [];
beforeAll(async () => {
  one = await startTestServer(env, { approvalKinds: testApprovalKinds(), clock });
  // A second instance on the same database, sweeping too.
  two = await startTestServer(env, { approvalKinds: testApprovalKinds(), clock, database: { url: one.config.DATABASE_URL, drop: async () => {} } });
  o = await orgWithRoles(one, 'Expiry');
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await two?.close();
  await one?.close();
});

describe('expiry', () => {
  it('expires a pending request once, audits it without an actor, and tells the requester', async () => {
    // Whichever instance claims a sweep publishes its events: without Redis only to its own
    // subscribers, so the requester listens on both.
    const query = `subscription { myApprovalUpdates { ${APPROVAL_EVENT} } }`;
    const mine = [one, two].map(async (server) => subscribe(`ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`, { devUser: o.editor }, query));
    const subscribers = await Promise.all(mine);
    open.push(...subscribers);
    for (const [i, server] of [one, two].entries())
      await warmUp([subscribers[i]!], async () => {
        const id = await server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' }));
        await server.gql(CancelRequest, { id }, { as: o.editor });
        return id;
      });
    const ids = await Promise.all([0, 1, 2].map(() => one.raise(o.editor, request('WORKFLOW'))));

    // Not yet: the time limit is reached, not passed.
    clock.advance(TTL_SECONDS * 1000 - 1);
    expect([await expireStale(one.app.services), await expireStale(two.app.services)]).toEqual([0, 0]);
    for (const id of ids) expect((await one.gql(ApprovalRequestQ, { id }, { as: o.owner })).data?.approvalRequest?.status).toBe('PENDING');
    clock.advance(2);
    // One after the other, as the claimed slots of the background sweep run them: the second finds nothing left.
    expect([await expireStale(one.app.services), await expireStale(two.app.services)]).toEqual([3, 0]);
    for (const id of ids) expect((await one.gql(ApprovalRequestQ, { id }, { as: o.owner })).data?.approvalRequest?.status).toBe('EXPIRED');
    expect(codes(await one.gql(ApproveRequest, { id: ids[0]! }, { as: o.owner }))).toEqual(['CONFLICT']);

    const expired = await one.gql(AuditEvents, { action: 'approval.expire', first: 100 }, { as: o.owner });
    const events = expired.data!.auditEvents!.edges!.map((e) => e!.node!);
    for (const id of ids) {
      expect(events.filter((e) => e.targetId === id)).toHaveLength(1);
    }
    expect(events.every((e) => e.actorEmail === null)).toBe(true);

    await until(async () => new Set(subscribers.flatMap((s) => s.events.filter((e) => e.type === 'EXPIRED').map((e) => e.request.id))).size === 3);
    for (const s of subscribers) {
      const expiredIds = s.events.filter((e) => e.type === 'EXPIRED').map((e) => e.request.id);
      expect(new Set(expiredIds).size).toBe(expiredIds.length); // once each
    }
  });

  it('refuses a decision on a request past its age', async () => {
    // Whichever comes first, the sweep or this decision, the request is no longer decidable.
    const id = await one.raise(o.editor, request('WORKFLOW'));
    clock.advance(TTL_SECONDS * 1000);
    const r = await one.gql(ApproveRequest, { id }, { as: o.owner });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'approvals.expired' });
  });

  it('prunes claims older than a day, of every job, and keeps recent ones', async () => {
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await one.db.jobOccurrence.createMany({
      data: [
        { job: 'workflow:old', occurrence: 'a', claimedBy: 'test', claimedAt: old },
        { job: 'approvals.expire', occurrence: 'old', claimedBy: 'test', claimedAt: old },
        { job: 'workflow:recent', occurrence: 'b', claimedBy: 'test' },
      ],
    });
    expect(await pruneOccurrences(one.db, new Date())).toBeGreaterThanOrEqual(2);
    const left = await one.db.jobOccurrence.findMany({ where: { job: { in: ['workflow:old', 'approvals.expire', 'workflow:recent'] }, claimedBy: 'test' } });
    expect(left.map((r) => r.job)).toEqual(['workflow:recent']);
  });

  it('gives each occurrence of a job to one instance only', async () => {
    const claims = await Promise.all([one.db, two.db, one.db, two.db].map((db) => claimOccurrence(db, 'test.job', 'slot-1', new Date())));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimOccurrence(two.db, 'test.job', 'slot-2', new Date())).toBe(true);
  });
});
