// Logout on one instance ends the session on every instance: the very next request on another
// instance sharing the database is refused (no cache to wait for), and with Redis (CI's service
// suite: TEST_REDIS_URL set) the other instance's graphql-ws sockets of that session are closed
// and its SSE streams end with a last error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { APPROVAL_EVENT, real, subscribe, subscribeSse, warmUp } from './live.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { graphql } from './gql/index.ts';
import { Login, Me } from './ops.ts';

const LogoutTwin = graphql(`
  mutation LogoutTwin { logout }
`);

let a: TestServer;
let b: TestServer;
let o: OrgFixture;
beforeAll(async () => {
  a = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  b = await startTestServer({}, { approvalKinds: testApprovalKinds(), database: { url: a.config.DATABASE_URL, drop: async () => {} } });
  o = await orgWithRoles(a, 'TwinSessions');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

let listening: Promise<number> | undefined;
/** The second instance's port, listening from the first test that needs it. */
const portOfB = () => (listening ??= b.app.start(0, '127.0.0.1'));

const tokenOf = async (server: TestServer, email: string) => (await server.gql(Login, { email, password: PASSWORD })).data!.login!.token!;

describe('two instances sharing the database', () => {
  it('refuses a token on the next request on the other instance, every time', async () => {
    for (let round = 0; round < 4; round++) {
      const [here, there] = round % 2 ? [a, b] : [b, a];
      const token = await tokenOf(here, o.viewer);
      // Both instances have just accepted the token…
      expect((await there.gql(Me, undefined, { token })).data?.me?.user?.email).toBe(o.viewer);
      expect((await here.gql(Me, undefined, { token })).data?.me?.user?.email).toBe(o.viewer);
      // …one logs it out, and the other refuses the very next request.
      expect((await here.gql(LogoutTwin, undefined, { token })).data?.logout).toBe(true);
      const next = await there.gql(Me, undefined, { token });
      expect(codes(next)).toEqual(['UNAUTHENTICATED']);
      expect(next.errors![0]!.message).toMatch(/ended by logout/);
    }
  });
});

describe.runIf(Boolean(process.env.TEST_REDIS_URL))('…and Redis', () => {
  it("closes the session's graphql-ws sockets on the other instance", async () => {
    const urlB = `ws://127.0.0.1:${await portOfB()}/graphql`;
    const doomed = await tokenOf(a, o.owner);
    const kept = await tokenOf(a, o.owner);
    const onB = subscribe(urlB, { token: doomed }, `subscription { approvalEvents { ${APPROVAL_EVENT} } }`);
    const otherOnB = subscribe(urlB, { token: kept }, `subscription { approvalEvents { ${APPROVAL_EVENT} } }`);
    await warmUp([onB, otherOnB], () => a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));

    expect((await a.gql(LogoutTwin, undefined, { token: doomed })).data?.logout).toBe(true);
    await onB.ended();
    expect(onB.errors[0]).toMatchObject({ code: 4401, reason: 'Session ended by logout: log in again' });
    expect(otherOnB.completed).toBe(false);
    await Promise.all([onB.close(), otherOnB.close()]);
  });

  it("ends the session's SSE streams on the other instance with a last error, before anything published after", async () => {
    const portB = await portOfB();
    const overB = (input: string, init?: RequestInit) => fetch(`http://127.0.0.1:${portB}${input}`, init);
    const doomed = await tokenOf(a, o.owner);
    const kept = await tokenOf(a, o.owner);
    const query = `subscription { approvalEvents { ${APPROVAL_EVENT} } }`;
    const onB = subscribeSse(overB, { token: doomed }, query);
    const otherOnB = subscribeSse(overB, { token: kept }, query);
    await warmUp([onB, otherOnB], () => a.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));

    expect((await a.gql(LogoutTwin, undefined, { token: doomed })).data?.logout).toBe(true);
    const after = await a.raise(o.editor, request('WORKFLOW', { label: 'after logout' }));
    await Promise.all([onB.ended(), otherOnB.waitFor((e) => e.request.id === after)]);
    expect(real(onB)).toEqual([]);
    expect(onB.errors.map((e) => e.extensions)).toEqual([{ code: 'UNAUTHENTICATED', rule: 'session.logout' }]);
    expect(otherOnB.completed).toBe(false);
    await Promise.all([onB.close(), otherOnB.close()]);
  });
});
