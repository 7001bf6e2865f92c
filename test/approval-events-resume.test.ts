// Resuming live approval events after a cursor (`approvalEvents(after:)`, `myApprovalUpdates(after:)`)
// over real graphql-ws connections: the events missed while away, exactly those the subscriber may
// see now, once and in order, then the live stream; CURSOR_INVALID for a cursor past the retention,
// forged, unknown or of another organization, before any event. Time is a manual clock the test
// moves past the retention; the prune is the sweep's own function, called by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneApprovalEvents } from '../src/approvals/event-log.ts';
import { manualClock } from '../src/clock.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { real, subscribe, warmUp, type Subscriber } from './live.ts';
import { ApproveRequest, CancelRequest, RejectRequest, UpdateMemberRole } from './ops.ts';

const RETENTION_HOURS = 2;
const clock = manualClock();
let server: TestServer;
let url: string;
let o: OrgFixture;
let other: OrgFixture;
const open: Subscriber[] = [];
beforeAll(async () => {
  server = await startTestServer({ APPROVAL_EVENT_RETENTION_HOURS: String(RETENTION_HOURS), APPROVAL_SWEEP_SECONDS: '3600' }, { approvalKinds: testApprovalKinds(), clock });
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
  o = await orgWithRoles(server, 'Resume', { demoted: 'OWNER' });
  other = await orgWithRoles(server, 'Elsewhere');
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const FIELDS = 'cursor type request { id kind status summary }';
const EVENTS = `subscription($after: String) { approvalEvents(after: $after) { ${FIELDS} } }`;
const MINE = `subscription($after: String) { myApprovalUpdates(after: $after) { ${FIELDS} } }`;

function watch(as: string, query: string, after?: string) {
  const s = subscribe(url, { devUser: as }, query, after === undefined ? {} : { after });
  open.push(s);
  return s;
}

/** What a subscriber received, as [type, request id], warm-ups left out. */
const seen = (s: Subscriber) => real(s).map((e) => [e.type, e.request.id]);
const warmRequest = (as: string) => () => server.raise(as, request('WORKFLOW', { label: 'warm-up' }));
const warmOwn = (as: string) => async () => {
  const id = await server.raise(as, request('WORKFLOW', { label: 'warm-up' }));
  await server.gql(CancelRequest, { id }, { as });
  return id;
};

/** Waits until `s` has received `count` events that are not warm-ups, then a little longer for any extra one. */
async function received(s: Subscriber, count: number) {
  await s.waitFor(() => real(s).length >= count);
  return seen(s);
}

describe('resuming approvalEvents', () => {
  it('gives the events missed that the subscriber may see now, once and in order, then the live ones', async () => {
    const owner = watch(o.owner, EVENTS);
    const demoted = watch(o.emails.demoted!, EVENTS);
    await warmUp([owner, demoted], warmRequest(o.editor));
    const one = await server.raise(o.editor, request('WORKFLOW', { label: 'one' }));
    const two = await server.raise(o.editor, request('WORKFLOW', { label: 'two' }));
    expect(await received(owner, 2)).toEqual([['REQUESTED', one], ['REQUESTED', two]]);
    expect(await received(demoted, 2)).toEqual([['REQUESTED', one], ['REQUESTED', two]]);
    const cursors = real(owner).map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(2);
    // Both saw event two under the same cursor: it is the event's, not the subscriber's.
    expect(real(demoted).map((e) => e.cursor)).toEqual(cursors);
    await Promise.all([owner.close(), demoted.close()]);

    // Away: events they may see, and some they may not (another organization; PII_CHANGE once demoted to ADMIN).
    const three = await server.raise(o.editor, request('WORKFLOW', { label: 'three' }));
    const pii = await server.raise(o.editor, request('PII_CHANGE', { label: 'pii' }));
    await server.raise(other.editor, request('WORKFLOW', { label: 'elsewhere' }));
    expect((await server.gql(RejectRequest, { id: one, reason: 'not this quarter' }, { as: o.owner })).errors).toBeUndefined();
    const five = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'five' }));
    const demotedId = await userIdOf(server, o.owner, o.emails.demoted!);
    expect((await server.gql(UpdateMemberRole, { userId: demotedId, role: 'ADMIN' }, { as: o.owner })).errors).toBeUndefined();

    const ownerBack = watch(o.owner, EVENTS, cursors[1]);
    const demotedBack = watch(o.emails.demoted!, EVENTS, cursors[1]);
    const missed = [['REQUESTED', three], ['REQUESTED', pii], ['REJECTED', one], ['REQUESTED', five]];
    expect(await received(ownerBack, 4)).toEqual(missed);
    // As of now: an ADMIN does not decide PII_CHANGE, whatever their role when it was raised.
    expect(await received(demotedBack, 3)).toEqual(missed.filter(([, id]) => id !== pii));

    // Then the live stream, with nothing given twice.
    const six = await server.raise(o.editor, request('WORKFLOW', { label: 'six' }));
    await Promise.all([ownerBack, demotedBack].map((s) => s.waitFor((e) => e.request.id === six)));
    expect(seen(ownerBack)).toEqual([...missed, ['REQUESTED', six]]);
    expect(seen(demotedBack)).toEqual([...missed.filter(([, id]) => id !== pii), ['REQUESTED', six]]);
    // Each event's cursor resumes after it: from event five's, only six.
    const fromFive = watch(o.owner, EVENTS, real(ownerBack)[3].cursor);
    expect(await received(fromFive, 1)).toEqual([['REQUESTED', six]]);
    expect(ownerBack.errors).toEqual([]);
  });

  it('neither loses nor repeats events committed while the replay is read', async () => {
    const owner = watch(o.owner, EVENTS);
    await warmUp([owner], warmRequest(o.editor));
    const from = owner.events[owner.events.length - 1].cursor;
    await owner.close();
    const missed: string[] = [];
    for (let i = 0; i < 30; i++) missed.push(await server.raise(o.editor, request('WORKFLOW', { label: `missed ${i}` })));
    const back = watch(o.owner, EVENTS, from);
    // Raised one after the other while the subscription opens, reads the log and replays it.
    const during: string[] = [];
    for (let i = 0; i < 10; i++) during.push(await server.raise(o.editor, request('WORKFLOW', { label: `during ${i}` })));
    await back.waitFor((e) => e.request.id === during[9]);
    expect(real(back).map((e) => e.request.id)).toEqual([...missed, ...during]);
  });

  it('resumes myApprovalUpdates with the decisions on the subscriber\'s own requests only', async () => {
    const mine = watch(o.editor, MINE);
    await warmUp([mine], warmOwn(o.editor));
    const first = await server.raise(o.editor, request('WORKFLOW', { label: 'first' }));
    expect((await server.gql(CancelRequest, { id: first }, { as: o.editor })).errors).toBeUndefined();
    expect(await received(mine, 1)).toEqual([['CANCELLED', first]]);
    const cursor = real(mine)[0].cursor;
    await mine.close();

    const theirs = await server.raise(o.admin, request('WORKFLOW', { label: 'theirs' }));
    const own = await server.raise(o.editor, request('WORKFLOW', { label: 'own' }));
    expect((await server.gql(RejectRequest, { id: theirs, reason: 'no' }, { as: o.owner })).errors).toBeUndefined();
    expect((await server.gql(RejectRequest, { id: own, reason: 'not now' }, { as: o.owner })).errors).toBeUndefined();
    // An approval whose effect fails rolls back, its event with it: nothing to resume.
    const failing = await server.raise(o.editor, request('WORKFLOW', { label: 'failing', fail: true }));
    expect(codes(await server.gql(ApproveRequest, { id: failing }, { as: o.owner }))).toEqual(['CONFLICT']);
    expect(await server.app.services.system.approvalEventLog.findMany({ where: { requestId: rawId(failing) }, select: { type: true } })).toEqual([{ type: 'REQUESTED' }]);

    const back = watch(o.editor, MINE, cursor);
    expect(await received(back, 1)).toEqual([['REJECTED', own]]);
    const later = await server.raise(o.editor, request('WORKFLOW', { label: 'later' }));
    expect((await server.gql(CancelRequest, { id: later }, { as: o.editor })).errors).toBeUndefined();
    await back.waitFor((e) => e.request.id === later);
    expect(seen(back)).toEqual([['REJECTED', own], ['CANCELLED', later]]);
  });
});

describe('cursors refused', () => {
  /** The error a subscription ended with, having received nothing. */
  async function refusal(as: string, query: string, after: string) {
    const s = watch(as, query, after);
    await s.ended();
    expect(s.events).toEqual([]);
    return s.errors.map((e) => ({ code: e.extensions?.code, rule: e.extensions?.rule, reason: e.extensions?.reason, nextStep: e.extensions?.nextStep }));
  }
  const NEXT = 'Subscribe without `after`, re-read the requests you follow (`approvalRequests`), and resume with the cursors of the new events.';
  let cursor: string;
  let foreign: string;
  beforeAll(async () => {
    for (const [fixture, into] of [
      [o, (c: string) => (cursor = c)],
      [other, (c: string) => (foreign = c)],
    ] as const) {
      const s = watch(fixture.owner, EVENTS);
      await warmUp([s], warmRequest(fixture.editor));
      into(s.events[s.events.length - 1].cursor);
      await s.close();
    }
  });

  it('refuses a forged or unknown cursor, and one of another organization, before any event', async () => {
    expect(await refusal(o.owner, EVENTS, 'not-a-cursor')).toEqual([
      { code: 'CURSOR_INVALID', rule: 'approvals.resume.malformed', reason: "This cursor is not one the server issued: pass an event's `cursor` unchanged.", nextStep: NEXT },
    ]);
    // Well formed, in the right organization, but never issued.
    const [prefix, organizationId] = Buffer.from(cursor, 'base64url').toString().split(':');
    const unknown = Buffer.from(`${prefix}:${organizationId}:999999999`).toString('base64url');
    expect(await refusal(o.owner, EVENTS, unknown)).toEqual([
      { code: 'CURSOR_INVALID', rule: 'approvals.resume.unknown', reason: 'No event of this organization has this cursor.', nextStep: NEXT },
    ]);
    for (const query of [EVENTS, MINE])
      expect(await refusal(o.owner, query, foreign)).toEqual([
        {
          code: 'CURSOR_INVALID',
          rule: 'approvals.resume.other-organization',
          reason: 'This cursor belongs to another organization than the one you are subscribed in.',
          nextStep: NEXT,
        },
      ]);
  });

  it('refuses a cursor older than the retention, before and after the sweep prunes its events', async () => {
    const expired = [
      {
        code: 'CURSOR_INVALID',
        rule: 'approvals.resume.expired',
        reason: `The events after this cursor are no longer all kept: events are kept ${RETENTION_HOURS} hours.`,
        nextStep: NEXT,
      },
    ];
    clock.advance(RETENTION_HOURS * 3600_000 - 1000);
    // Not yet: still within the retention.
    const still = watch(o.owner, EVENTS, cursor);
    await warmUp([still], warmRequest(o.editor));
    expect(still.errors).toEqual([]);
    await still.close();

    clock.advance(2000);
    expect(await refusal(o.owner, EVENTS, cursor)).toEqual(expired);
    const log = server.app.services.system.approvalEventLog;
    const cutoff = new Date(clock.now().getTime() - RETENTION_HOURS * 3600_000);
    const [old, kept] = await Promise.all([log.count({ where: { at: { lt: cutoff } } }), log.count({ where: { at: { gte: cutoff } } })]);
    expect(await pruneApprovalEvents(server.app.services)).toBe(old);
    expect([await log.count({ where: { at: { lt: cutoff } } }), await log.count({ where: { at: { gte: cutoff } } })]).toEqual([0, kept]);
    expect(await refusal(o.owner, EVENTS, cursor)).toEqual(expired);
  });
});
