// Approval events execute once per group of subscribers who see the same result
// (src/approvals/shared-execution.ts): the resolvers of an event run once for all subscribers of
// one operation with the same role and relation to the request, never once per subscriber; views
// that differ stay apart; an operation selecting beyond the fields declared shareable executes per
// subscriber as before. Counted with the server's statement log, over real graphql-ws sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { real, subscribe, warmUp, type Subscriber } from './live.ts';
import { AuditEvents } from './ops.ts';

const statements: string[] = [];
let server: TestServer;
let url: string;
let o: OrgFixture;
const open: Subscriber[] = [];

beforeAll(async () => {
  const quiet = { SCHEDULER_TICK_SECONDS: '60', APPROVAL_SWEEP_SECONDS: '3600', AUDIT_CHECKPOINT_SECONDS: '3600' };
  server = await startTestServer(quiet, { approvalKinds: testApprovalKinds(), onQuery: (sql) => statements.push(sql) });
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
  o = await orgWithRoles(server, 'Shared', { owner2: 'OWNER', owner3: 'OWNER', owner4: 'OWNER', delegate: 'VIEWER' });
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const watch = (as: string, query: string) => {
  const s = subscribe(url, { devUser: as }, query);
  open.push(s);
  return s;
};
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
