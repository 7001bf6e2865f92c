// Sessions through the public API: a token's lifetime (`expiresAt`), logout revoking exactly the
// token presented, from the next request on, over HTTP and graphql-ws; revocations kept only until
// the token would have expired.
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { APPROVAL_EVENT, subscribe, warmUp } from './live.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { graphql } from './gql/index.ts';
import { InviteMember, Me } from './ops.ts';

const SessionLogin = graphql(`
  mutation SessionLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) { token expiresAt user { email } }
  }
`);
const SessionAcceptInvite = graphql(`
  mutation SessionAcceptInvite($token: String!, $password: String!) {
    acceptInvite(token: $token, password: $password) { token expiresAt }
  }
`);
const Logout = graphql(`
  mutation Logout { logout }
`);

const TTL = 3600;
let server: TestServer;
let o: OrgFixture;
let url: string;
beforeAll(async () => {
  server = await startTestServer({ JWT_TTL_SECONDS: String(TTL), APPROVAL_SWEEP_SECONDS: '0.2' }, { approvalKinds: testApprovalKinds() });
  o = await orgWithRoles(server, 'Sessions');
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(() => server?.close());

const login = async (email: string) => {
  const r = await server.gql(SessionLogin, { email, password: PASSWORD });
  expect(r.errors).toBeUndefined();
  const { token, expiresAt } = r.data!.login!;
  return { token: token!, expiresAt: expiresAt as string };
};

describe('expiresAt', () => {
  it('is when the token stops being accepted: its `exp`, JWT_TTL_SECONDS after login', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, expiresAt } = await login(o.editor);
    const after = Math.ceil(Date.now() / 1000);
    const { exp, jti } = decodeJwt(token);
    expect(new Date(expiresAt).getTime()).toBe(exp! * 1000);
    expect(exp).toBeGreaterThanOrEqual(before + TTL);
    expect(exp).toBeLessThanOrEqual(after + TTL);
    expect(jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('comes with acceptInvite too', async () => {
    const invite = (await server.gql(InviteMember, { email: 'session.invitee@sessions.test', role: 'VIEWER' }, { as: o.admin })).data!.inviteMember!;
    const accepted = await server.gql(SessionAcceptInvite, { token: invite.token!, password: 'a-long-enough-password' });
    expect(accepted.errors).toBeUndefined();
    const { token, expiresAt } = accepted.data!.acceptInvite!;
    expect(new Date(expiresAt).getTime()).toBe(decodeJwt(token!).exp! * 1000);
  });

  it('refuses a token without a jti (signed before sessions could be revoked)', async () => {
    const claims = decodeJwt((await login(o.viewer)).token);
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub!)
      .setIssuer(claims.iss!)
      .setAudience(claims.aud!)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(server.config.JWT_SECRET));
    const r = await server.gql(Me, undefined, { token: legacy });
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.errors![0]!.message).toBe('Your session token is from an earlier release of this server. Log in again with `login`.');
  });
});

describe('logout', () => {
  it('revokes the token presented, from the next request on, and no other session of the user', async () => {
    const first = await login(o.editor);
    const second = await login(o.editor);
    expect((await server.gql(Me, undefined, { token: first.token })).data?.me?.user?.email).toBe(o.editor);

    const out = await server.gql(Logout, undefined, { token: first.token });
    expect(out).toEqual({ status: 200, data: { logout: true }, extensions: { cost: { requested: 0, limit: 5000 } } });

    const refused = await server.gql(Me, undefined, { token: first.token });
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.errors![0]!.message).toBe('This session was ended by logout. Log in again with `login`.');
    expect(codes(await server.gql(Logout, undefined, { token: first.token }))).toEqual(['UNAUTHENTICATED']);
    expect((await server.gql(Me, undefined, { token: second.token })).data?.me?.user?.email).toBe(o.editor);

    const { jti, sub } = decodeJwt(first.token);
    expect(await server.db.revokedToken.findUnique({ where: { jti: jti! } })).toMatchObject({ userId: sub, expiresAt: new Date(first.expiresAt) });
    const audit = await server.db.auditEvent.findFirst({ where: { action: 'auth.logout', targetId: sub }, orderBy: { seq: 'desc' } });
    expect(audit).toMatchObject({ chain: 'global', organizationId: null, actorEmail: o.editor, targetType: 'User' });
    expect(JSON.parse(audit!.metadata)).toEqual({ email: o.editor });
  });

  it('needs a session token: UNAUTHENTICATED without one, BAD_USER_INPUT with X-Dev-User', async () => {
    expect(codes(await server.gql(Logout))).toEqual(['UNAUTHENTICATED']);
    const dev = await server.gql(Logout, undefined, { as: o.viewer });
    expect(codes(dev)).toEqual(['BAD_USER_INPUT']);
    expect(dev.errors![0]!.message).toMatch(/no session token/);
  });

  it('ends exactly once under concurrent logouts with the same token: every call answers true, one revocation, one audit event', async () => {
    const { token } = await login(o.admin);
    const { jti, sub } = decodeJwt(token);
    const before = await server.db.auditEvent.count({ where: { action: 'auth.logout', targetId: sub } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => server.gql(Logout, undefined, { token })));
    // Each call either revoked the token or found it revoked by a concurrent one.
    for (const a of answers) expect(a.data?.logout === true || codes(a)[0] === 'UNAUTHENTICATED').toBe(true);
    expect(answers.filter((a) => a.data?.logout === true).length).toBeGreaterThanOrEqual(1);
    expect(await server.db.revokedToken.count({ where: { jti: jti! } })).toBe(1);
    expect(await server.db.auditEvent.count({ where: { action: 'auth.logout', targetId: sub } })).toBe(before + 1);
  });

  it('closes the graphql-ws sockets opened with the token (4401), not those of other sessions', async () => {
    const doomed = await login(o.owner);
    const kept = await login(o.owner);
    const revoked = subscribe(url, { token: doomed.token }, `subscription { approvalEvents { ${APPROVAL_EVENT} } }`);
    const other = subscribe(url, { token: kept.token }, `subscription { approvalEvents { ${APPROVAL_EVENT} } }`);
    // Both sockets are acknowledged and subscribed: a warm-up event reaches both.
    await warmUp([revoked, other], () => server.raise(o.editor, request('WORKFLOW', { label: 'warm-up' })));
    expect((await server.gql(Logout, undefined, { token: doomed.token })).data?.logout).toBe(true);
    await revoked.ended();
    expect(revoked.errors[0]).toMatchObject({ code: 4401, reason: 'Session ended by logout: log in again' });
    expect(other.completed).toBe(false);
    await Promise.all([revoked.close(), other.close()]);

    // A new socket with the revoked token is refused at connection_init.
    const again = subscribe(url, { token: doomed.token }, 'subscription { approvalEvents { type } }');
    await again.ended();
    expect(again.errors[0]).toMatchObject({ code: 4401 });
    expect(again.errors[0].reason).toMatch(/ended by logout/);
    await again.close();
  });
});

describe('the sweep', () => {
  it('forgets revocations of tokens that have expired, and keeps the others', async () => {
    const userId = decodeJwt((await login(o.viewer)).token).sub!;
    await server.db.revokedToken.createMany({
      data: [
        { jti: 'expired-session', userId, expiresAt: new Date(Date.now() - 1000) },
        { jti: 'live-session', userId, expiresAt: new Date(Date.now() + 3_600_000) },
      ],
    });
    await until(async () => (await server.db.revokedToken.findUnique({ where: { jti: 'expired-session' } })) === null);
    expect(await server.db.revokedToken.findUnique({ where: { jti: 'live-session' } })).toMatchObject({ userId });
  });
});
