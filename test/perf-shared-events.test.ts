// Approval events execute once per group of subscribers who see the same result
// (src/streams/shared-execution.ts): the resolvers of an event run once for all subscribers of
// one operation with the same role and relation to the request, never once per subscriber; views
// that differ stay apart; an operation selecting beyond the fields declared shareable executes per
// subscriber as before. Counted with the server's statement log, over real graphql-ws sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import WebSocket from 'ws';
import { orgWithRoles, rawId, until, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { devSubscriptions, real, warmUp } from './live.ts';
import { AuditEvents } from './ops.ts';

const statements: string[] = [];
let server: TestServer;
let url: string;
let o: OrgFixture;

beforeAll(async () => {
  const quiet = { SCHEDULER_TICK_SECONDS: '60', APPROVAL_SWEEP_SECONDS: '3600', AUDIT_CHECKPOINT_SECONDS: '3600' };
  server = await startTestServer(quiet, { approvalKinds: testApprovalKinds(), onQuery: (sql) => statements.push(sql) });
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
  o = await orgWithRoles(server, 'Shared', { owner2: 'OWNER', owner3: 'OWNER', owner4: 'OWNER', delegate: 'VIEWER' });
});
afterAll(async () => {
  await subscriptions.closeAll();
  await server?.close();
});

const subscriptions = devSubscriptions(() => url);
const { watch } = subscriptions;
const owners = () => [o.owner, o.emails.owner2!, o.emails.owner3!, o.emails.owner4!];
/** SELECTs that Prisma sent for one resolver, told apart by the table and column they read (quoted `x` on SQLite, "x" on PostgreSQL). */
const reads = (column: string, table: string) =>
  statements.filter((s) => /^SELECT/.test(s) && new RegExp(`[\`"]${column}[\`"]`).test(s) && new RegExp(`[\`"]${table}[\`"]`).test(s)).length;

describe('shared execution of approval events', () => {
  it('runs an event’s resolvers once for subscribers with the same operation and view', async () => {
    const query = 'subscription { approvalEvents(kinds: [PII_CHANGE]) { type request { id summary proposedChanges } } }';
    const subscribers = owners().map((as) => watch(as, query));
    await warmUp(subscribers, () => server.raise(o.editor, request('PII_CHANGE', { label: 'warm-up' })));
    statements.length = 0;
    const id = await server.raise(o.editor, request('PII_CHANGE', { label: 'shared' }));
    const events = await Promise.all(subscribers.map((s) => s.waitFor((e) => e.request.id === id)));
    // Every owner sees the proposed values (OWNER may), read from the database once for all four.
    for (const event of events) expect(event.request).toEqual({ id, summary: 'PII_CHANGE test: shared', proposedChanges: { email: 'new.address@example.test', phone: '+1 555 0100' } });
    expect(reads('proposedChanges', 'ApprovalRequest')).toBe(1);
  });

  it('keeps apart subscribers whose views differ: the same operation, a different role', async () => {
    const query = 'subscription { approvalEvents(kinds: [ACCESS_SCOPE]) { request { id summary requestedBy { email displayName } } } }';
    const delegateId = rawId(await userIdOf(server, o.owner, o.emails.delegate!));
    await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'delegation', delegates: [delegateId] }));
    const admin = watch(o.admin, query);
    const delegate = watch(o.emails.delegate!, query);
    await warmUp([admin, delegate], () => server.raise(o.editor, request('ACCESS_SCOPE', { label: 'warm-up', delegates: [delegateId] })));
    const id = await server.raise(o.editor, request('ACCESS_SCOPE', { label: 'views', delegates: [delegateId] }));
    const [forAdmin, forDelegate] = await Promise.all([admin, delegate].map((s) => s.waitFor((e) => e.request.id === id)));
    // An ADMIN reads every member's profile; a VIEWER (here a delegated approver) only their own.
    expect(forAdmin.request.requestedBy).toEqual({ email: o.editor, displayName: 'editor of Shared' });
    expect(forDelegate.request.requestedBy).toEqual({ email: o.editor, displayName: null });
  });

  it('still audits a subscription refused at subscribe time (the denial audit wraps the shared subscribe)', async () => {
    const refused = watch(o.viewer, 'subscription { approvalEvents { request { id } } }');
    await refused.ended();
    expect(refused.errors[0]!.extensions.code).toBe('FORBIDDEN');
    const denials = await server.gql(AuditEvents, { action: 'auth.denied', actorId: await userIdOf(server, o.owner, o.viewer) }, { as: o.owner });
    expect(denials.data!.auditEvents!.edges!.map((e) => e!.node!.targetId)).toContain('approvalEvents');
  });

  it('executes per subscriber an operation that selects beyond the shareable fields', async () => {
    const query = 'subscription { approvalEvents(kinds: [WORKFLOW]) { request { id summary approvals { role } } } }';
    const subscribers = owners().slice(0, 3).map((as) => watch(as, query));
    await warmUp(subscribers, () => server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
    statements.length = 0;
    const id = await server.raise(o.editor, request('WORKFLOW', { label: 'own' }));
    for (const s of subscribers) expect(await s.waitFor((e) => e.request.id === id)).toEqual({ request: { id, summary: 'WORKFLOW test: own', approvals: [] } });
    expect(reads('requestId', 'ApprovalVote')).toBe(3);
    expect(subscribers.every((s) => real(s).length === 1)).toBe(true);
  });
});

/** A graphql-transport-ws client by hand: every text frame as it arrived, for exact bytes and ids. */
async function rawSocket(as: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(String(data)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { devUser: as } }));
  await until(async () => frames.includes('{"type":"connection_ack"}'), 5000);
  return { ws, frames, nexts: (id: string) => frames.filter((f) => f.startsWith(`{"id":"${id}","type":"next"`)).map((f) => JSON.parse(f).payload) };
}

describe('shared results written once to the sockets', () => {
  const QUERY = 'subscription { approvalEvents(kinds: [WORKFLOW]) { type request { id summary } } }';

  it('sends each operation its own next messages, stops at a client’s complete, and keeps every subscriber’s order', async () => {
    const [a, b] = await Promise.all([rawSocket(o.emails.owner2!), rawSocket(o.emails.owner3!)]);
    // Two operations on one socket (ids chosen by the client), one on the other.
    for (const id of ['first', 'second']) a.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: QUERY } }));
    b.ws.send(JSON.stringify({ id: 'first', type: 'subscribe', payload: { query: QUERY } }));
    const got = (s: { nexts: (id: string) => any[] }, id: string, requestId: string) => s.nexts(id).some((p) => p.data.approvalEvents.request.id === requestId);
    // Registered once each has its warm-up event.
    for (let attempt = 0; ; attempt++) {
      const warm = await server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' }));
      try {
        await until(async () => got(a, 'first', warm) && got(a, 'second', warm) && got(b, 'first', warm), 1000);
        break;
      } catch (error) {
        if (attempt > 10) throw error;
      }
    }
    const before = { first: a.nexts('first').length, second: a.nexts('second').length, b: b.nexts('first').length };
    // Five requests at once: every operation gets all five, each once, and all in the same order.
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => server.raise(o.editor, request('WORKFLOW', { label: `burst ${n}` }))));
    await until(async () => ids.every((id) => got(a, 'first', id) && got(a, 'second', id) && got(b, 'first', id)), 8000);
    const order = (payloads: any[]) => payloads.map((p) => p.data.approvalEvents.request.id).filter((id: string) => ids.includes(id));
    const firstOrder = order(a.nexts('first'));
    expect(firstOrder).toHaveLength(5);
    expect(new Set(firstOrder)).toEqual(new Set(ids));
    expect([order(a.nexts('second')), order(b.nexts('first'))]).toEqual([firstOrder, firstOrder]);
    // The exact message graphql-ws would send: its JSON.stringify of the same message, byte for byte.
    const sample = a.frames.find((f) => f.includes(ids[0]!) && f.startsWith('{"id":"second"'))!;
    expect(sample).toBe(JSON.stringify(JSON.parse(sample)));
    expect(JSON.parse(sample)).toEqual({ id: 'second', type: 'next', payload: { data: { approvalEvents: { type: 'REQUESTED', request: { id: ids[0], summary: expect.stringMatching(/^WORKFLOW test: burst \d$/) } } } } });

    // The client completes `first` on socket a: `second` and socket b go on, `first` gets nothing more.
    a.ws.send(JSON.stringify({ id: 'first', type: 'complete' }));
    // The server takes a socket's messages in order: its pong means it has taken the complete.
    a.ws.send('{"type":"ping"}');
    await until(async () => a.frames.includes('{"type":"pong"}'), 5000);
    const after = await (async () => {
      for (let attempt = 0; ; attempt++) {
        const id = await server.raise(o.editor, request('WORKFLOW', { label: 'after complete' }));
        try {
          await until(async () => got(a, 'second', id) && got(b, 'first', id), 2000);
          return id;
        } catch (error) {
          if (attempt > 3) throw error;
        }
      }
    })();
    expect(got(a, 'first', after)).toBe(false);
    expect(a.nexts('first').length).toBe(before.first + 5);
    a.ws.close();
    b.ws.close();
  });
});
