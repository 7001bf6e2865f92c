// A session's end ends every stream it opened, on both transports: logout (graphql-ws closes with
// 4401; an SSE stream gives a last UNAUTHENTICATED error, `session.logout`, then completes), the
// token's expiry by the services' clock (the same, `session.expired`), a membership disabled
// meanwhile; nothing published after the end reaches the subscriber. Streams read the subscriber's
// role as it is at each event, for the decision, the shared execution and every resolver. Each
// user has at most MAX_SUBSCRIPTIONS_PER_USER streams open on an instance, both transports together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { liveMembershipDecision } from '../src/approvals/policy.ts';
import { refusalError } from '../src/authz/decision.ts';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { APPROVAL_EVENT, real, subscribe, subscribeSse, warmUp, type Subscriber } from './live.ts';
import { SetMemberStatus, UpdateMemberRole } from './ops.ts';

const EVENTS = `subscription { approvalEvents { ${APPROVAL_EVENT} } }`;
const CAP = 4;
const clock = manualClock();

let server: TestServer;
let o: OrgFixture;
let url: string;
/** SSE over the listening port: a client that goes away is seen by the server as in production (an in-process fetch's abort is not). */
let overHttp: (input: string, init?: RequestInit) => Promise<Response>;
const opened: Subscriber[] = [];
const track = <S extends Subscriber>(s: S) => (opened.push(s), s);

beforeAll(async () => {
  server = await startTestServer({ JWT_TTL_SECONDS: '3600', MAX_SUBSCRIPTIONS_PER_USER: String(CAP) }, { approvalKinds: testApprovalKinds(), clock });
  o = await orgWithRoles(server, 'StreamEnds', { leaver: 'ADMIN', expiring: 'ADMIN', capped: 'ADMIN', disabled: 'ADMIN', boss: 'OWNER' });
  const port = await server.app.start(0, '127.0.0.1');
  url = `ws://127.0.0.1:${port}/graphql`;
  overHttp = (input, init) => fetch(`http://127.0.0.1:${port}${input}`, init);
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.close();
});

const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt } }';
const loginTo = async (to: TestServer, email: string) => {
  const r = await to.raw({ query: LOGIN, variables: { email, password: PASSWORD } });
  return { token: r.data.login.token as string, expiresAt: new Date(r.data.login.expiresAt) };
};
const login = (email: string) => loginTo(server, email);
const logout = async (token: string) => (await server.raw({ query: 'mutation { logout }' }, { token })).data?.logout;
const sse = (credentials: { token?: string; as?: string }, query = EVENTS) => track(subscribeSse(overHttp, credentials, query));
const ws = (params: Record<string, unknown>, query = EVENTS) => track(subscribe(url, params, query));
const warm = (subscribers: Subscriber[]) => warmUp(subscribers, () => server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
/** The frames an SSE subscriber got after the warm-up events, as sent. */
const afterWarmUp = (s: ReturnType<typeof sse>) => s.frames.filter((f) => !/warm-up/.test(f.data));

describe('logout', () => {
  it('ends the SSE streams and closes the graphql-ws sockets of the session, and nothing published after reaches them', async () => {
    const doomed = await login(o.emails.leaver!);
    const kept = await login(o.emails.leaver!);
    const overSse = sse({ token: doomed.token });
    const overWs = ws({ token: doomed.token });
    const otherSession = sse({ token: kept.token });
    await warm([overSse, overWs, otherSession]);

    expect(await logout(doomed.token)).toBe(true);
    // Published right after the logout answered: the ended session's streams never show it.
    const after = await server.raise(o.editor, request('WORKFLOW', { label: 'after logout' }));
    await Promise.all([overSse.ended(), overWs.ended(), otherSession.waitFor((e) => e.request.id === after)]);

    expect(afterWarmUp(overSse)).toEqual([
      {
        event: 'next',
        data: JSON.stringify({
          errors: [
            {
              message: 'This session was ended by logout, so this subscription has ended. Log in again with `login`.',
              extensions: { code: 'UNAUTHENTICATED', rule: 'session.logout' },
            },
          ],
        }),
      },
      { event: 'complete', data: '' },
    ]);
    expect(overWs.errors).toEqual([expect.objectContaining({ code: 4401, reason: 'Session ended by logout: log in again' })]);
    for (const s of [overSse, overWs]) expect(real(s)).toEqual([]);
    expect(otherSession.completed).toBe(false);
    // The ended session opens nothing new, on either transport.
    const again = sse({ token: doomed.token });
    await again.ended();
    expect(again.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('a membership disabled meanwhile', () => {
  it('ends an SSE stream with the approvals policy’s decision, then completes', async () => {
    const { token } = await login(o.emails.disabled!);
    const s = sse({ token });
    await warm([s]);
    expect(codes(await server.gql(SetMemberStatus, { userId: await userIdOf(server, o.owner, o.emails.disabled!), status: 'DISABLED' }, { as: o.owner }))).toEqual([]);
    const after = await server.raise(o.editor, request('WORKFLOW', { label: 'after disabling' }));
    await s.ended();
    const { message, extensions } = refusalError(liveMembershipDecision('DISABLED', 'ADMIN'));
    expect(s.errors).toEqual([{ message, extensions: { ...extensions } }]);
    expect(s.events.some((e) => e.request.id === after)).toBe(false);
    expect(afterWarmUp(s).at(-1)).toEqual({ event: 'complete', data: '' });
  });
});

describe('bounded subscriptions', () => {
  const refusal = { message: `You have ${CAP} subscriptions open on this server, the most one user may have (MAX_SUBSCRIPTIONS_PER_USER); end one before opening another.`, extensions: { code: 'OPERATION_LIMIT', rule: 'subscriptions.per-user', measured: CAP + 1, limit: CAP } };
  /** A new stream of the capped user over `transport`, once the server has released the slots it waits for (bounded retries). */
  const openWhenFree = async (open: () => Subscriber) => {
    for (let attempt = 0; ; attempt++) {
      const s = open();
      // Listening (an event reaches it) or refused (it ends), whichever comes first.
      await Promise.race([warm([s]), s.ended(20_000)]);
      if (!s.completed) return s;
      if (attempt > 50) throw new Error(`still refused: ${JSON.stringify(s.errors)}`);
      await s.close();
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('counts graphql-ws operations and SSE streams together, refuses the one over the cap on both, and frees a slot when a stream ends', async () => {
    const as = o.emails.capped!;
    // Two operations on one socket, two SSE streams: the cap.
    const socket = ws({ devUser: as });
    const second = ws({ devUser: as });
    const held = [socket, second, sse({ as }), sse({ as })];
    await warm(held);
    const overSse = sse({ as });
    const overWs = ws({ devUser: as });
    await Promise.all([overSse.ended(), overWs.ended()]);
    expect(overSse.errors.map(({ message, extensions }) => ({ message, extensions }))).toEqual([refusal]);
    expect(overWs.errors.map(({ message, extensions }) => ({ message, extensions }))).toEqual([refusal]);
    // Another user is not counted with this one.
    const other = sse({ as: o.admin });
    await warm([other]);
    await other.close();

    // An SSE stream ends (the client goes): its slot comes back, for either transport.
    await held[2]!.close();
    const replacement = await openWhenFree(() => ws({ devUser: as }));
    expect(replacement.completed).toBe(false);
    await Promise.all([...held, replacement].map((s) => s.close()));
  });

  it('gives every slot back after many parallel subscribes and unsubscribes', async () => {
    const as = o.emails.capped!;
    // Opened and closed at once, refused or not, many times over: no slot may be left held.
    // SSE clients gone while their subscription was being set up left their slot (and their place
    // in the feed) for ever, before streams ended on the request's abort.
    for (let round = 0; round < 4; round++) {
      const burst = Array.from({ length: 10 }, (_, i) => (i % 2 ? sse({ as }) : ws({ devUser: as })));
      await new Promise((r) => setTimeout(r, round * 5));
      await Promise.all(burst.map((s) => s.close()));
    }
    const again: Subscriber[] = [];
    for (let i = 0; i < CAP; i++) again.push(await openWhenFree(() => (i % 2 ? sse({ as }) : ws({ devUser: as }))));
    const over = sse({ as });
    await over.ended();
    expect(over.errors.map((e) => e.extensions.code)).toEqual(['OPERATION_LIMIT']);
    await Promise.all(again.map((s) => s.close()));
  }, 90_000);
});

describe('a demotion', () => {
  it('shows over the stream what the role shows over HTTP from the next event on: an OWNER demoted to EDITOR, still a delegated approver, no longer gets requesters’ display names', async () => {
    const query = 'subscription { approvalEvents(kinds: [ACCESS_SCOPE]) { type request { id requestedBy { email displayName } } } }';
    const bossId = (await server.db.user.findUniqueOrThrow({ where: { email: o.emails.boss! } })).id;
    const delegated = (label: string) => server.raise(o.editor, request('ACCESS_SCOPE', { label, delegates: [bossId] }));
    const { token } = await login(o.emails.boss!);
    const bossWs = ws({ token }, query);
    const bossSse = sse({ token }, query);
    const ownerWs = ws({ devUser: o.owner }, query);
    const all = [bossWs, bossSse, ownerWs];
    // Until each has an event: they are listening.
    let first: string;
    for (let attempt = 0; ; attempt++) {
      first = await delegated('before');
      if (await Promise.all(all.map((s) => s.waitFor((e) => e.request.id === first, 300))).then(() => true, () => attempt > 30)) break;
    }
    for (const s of all) expect(s.events.find((e) => e.request.id === first).request.requestedBy).toEqual({ email: o.editor, displayName: 'editor of StreamEnds' });

    const demoted = await server.gql(UpdateMemberRole, { userId: await userIdOf(server, o.owner, o.emails.boss!), role: 'EDITOR' }, { as: o.owner });
    expect(demoted.data?.updateMemberRole?.role).toBe('EDITOR');
    const next = await delegated('after');
    await Promise.all(all.map((s) => s.waitFor((e) => e.request.id === next)));

    const httpView = await server.raw({ query: `{ approvalRequest(id: "${next}") { requestedBy { email displayName } } }` }, { token });
    expect(httpView.data.approvalRequest.requestedBy).toEqual({ email: o.editor, displayName: null });
    for (const s of [bossWs, bossSse]) expect(s.events.find((e) => e.request.id === next).request.requestedBy).toEqual({ email: o.editor, displayName: null });
    // The real OWNER, who shared the boss's results before, still gets them.
    expect(ownerWs.events.find((e) => e.request.id === next).request.requestedBy).toEqual({ email: o.editor, displayName: 'editor of StreamEnds' });
    await Promise.all(all.map((s) => s.close()));
  });
});

describe('expiry', () => {
  it('ends the SSE streams and closes the graphql-ws sockets of a session when the clock reaches its expiresAt, before an event published then', async () => {
    const { token, expiresAt } = await login(o.emails.expiring!);
    expect(expiresAt.getTime() - clock.now().getTime()).toBeGreaterThan(3_598_000);
    const overSse = sse({ token });
    const overWs = ws({ token });
    const untimed = sse({ as: o.emails.expiring! });
    await warm([overSse, overWs, untimed]);
    clock.set(new Date(expiresAt.getTime() - 1));
    const before = await server.raise(o.editor, request('WORKFLOW', { label: 'just before' }));
    await Promise.all([overSse, overWs].map((s) => s.waitFor((e) => e.request.id === before)));

    // Exactly at expiry, with an event published in the same tick.
    clock.set(expiresAt);
    const at = await server.raise(o.editor, request('WORKFLOW', { label: 'at expiry' }));
    await Promise.all([overSse.ended(), overWs.ended(), untimed.waitFor((e) => e.request.id === at)]);
    expect(afterWarmUp(overSse).slice(-2)).toEqual([
      {
        event: 'next',
        data: JSON.stringify({
          errors: [{ message: 'Your session token has expired, so this subscription has ended. Log in again with `login`.', extensions: { code: 'UNAUTHENTICATED', rule: 'session.expired' } }],
        }),
      },
      { event: 'complete', data: '' },
    ]);
    expect(overWs.errors).toEqual([expect.objectContaining({ code: 4401, reason: 'Session expired: log in again' })]);
    for (const s of [overSse, overWs]) expect(real(s).map((e) => e.request.id)).toEqual([before]);
  });
});

describe('expiry with no timer to fire', () => {
  it('ends a stream at the first event at or after expiresAt, whatever the timers did', async () => {
    // Domain time moves, but never fires a timer: only the per-event check can end the streams.
    const moved = manualClock();
    const timerless = await startTestServer({ JWT_TTL_SECONDS: '3600' }, { approvalKinds: testApprovalKinds(), clock: { now: () => moved.now(), at: () => () => {} } });
    try {
      const org = await orgWithRoles(timerless, 'Timerless');
      const port = await timerless.app.start(0, '127.0.0.1');
      const { token, expiresAt } = await loginTo(timerless, org.admin);
      const overSse = subscribeSse(timerless.app.fetch, { token }, EVENTS);
      const overWs = subscribe(`ws://127.0.0.1:${port}/graphql`, { token }, EVENTS);
      await warmUp([overSse, overWs], () => timerless.raise(org.editor, request('WORKFLOW', { label: 'warm-up' })));
      moved.set(expiresAt);
      const at = await timerless.raise(org.editor, request('WORKFLOW', { label: 'at expiry' }));
      await Promise.all([overSse.ended(), overWs.ended()]);
      for (const s of [overSse, overWs]) {
        expect(s.events.some((e) => e.request.id === at)).toBe(false);
        expect(s.errors.map((e) => [e.extensions?.code, e.extensions?.rule])).toEqual([['UNAUTHENTICATED', 'session.expired']]);
      }
      await Promise.all([overSse.close(), overWs.close()]);
    } finally {
      await timerless.close();
    }
  });
});
