// Identity through the public API: login, tokens, throttling, invites, organizations.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { AcceptInvite, CreateOrganization, InviteMember, Login, Me, Members } from './ops.ts';

let server: TestServer;
let acme: OrgFixture;

beforeAll(async () => {
  server = await startTestServer();
  acme = await orgWithRoles(server, 'Acme');
});
afterAll(() => server?.close());

describe('login', () => {
  it('returns a token that identifies the caller, with role read from the membership', async () => {
    const login = await server.gql(Login, { email: acme.editor, password: PASSWORD });
    expect(login.errors).toBeUndefined();
    expect(login.data?.login?.user?.email).toBe(acme.editor);
    const me = await server.gql(Me, undefined, { token: login.data!.login!.token! });
    expect(me.data?.me?.user?.email).toBe(acme.editor);
    expect(me.data?.me?.role).toBe('EDITOR');
    expect(me.data?.me?.organization?.id).toBe(Buffer.from(`Organization:${acme.id}`).toString('base64'));
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const login = await server.gql(Login, { email: `  ${acme.viewer.toUpperCase()} `, password: PASSWORD });
    expect(login.data?.login?.user?.email).toBe(acme.viewer);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const wrong = await server.gql(Login, { email: acme.admin, password: 'not-the-password' });
    const unknown = await server.gql(Login, { email: 'nobody@nowhere.test', password: 'whatever-password' });
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect(wrong.data?.login ?? null).toBeNull();
  });

  it('throttles an email (from one address) after 5 failures, even for the right password, and not other emails', async () => {
    const target = (await orgWithRoles(server, 'Throttled')).viewer;
    for (let i = 0; i < 5; i++) expect(codes(await server.gql(Login, { email: target, password: `bad-${i}-password` }))).toEqual(['UNAUTHENTICATED']);
    const locked = await server.gql(Login, { email: target, password: PASSWORD });
    expect(codes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(locked.errors![0]!.message).toMatch(/Try again in \d+ seconds/);
    // Another email is not affected.
    expect(codes(await server.gql(Login, { email: acme.owner, password: PASSWORD }))).toEqual([]);
    // The lock lifts once it has passed.
    await server.db.loginThrottle.updateMany({ where: { key: { startsWith: `pair:${target}|` } }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(codes(await server.gql(Login, { email: target, password: PASSWORD }))).toEqual([]);
  });

  it('refuses a tampered token, an expired one and one signed with another key', async () => {
    const { data } = await server.gql(Login, { email: acme.editor, password: PASSWORD });
    const token = data!.login!.token!;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    const tampered = await server.gql(Me, undefined, { token: forged });
    expect(codes(tampered)).toEqual(['UNAUTHENTICATED']);
    expect(tampered.errors![0]!.message).toMatch(/not valid/);

    const secret = new TextEncoder().encode(server.config.JWT_SECRET);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    const old = await server.gql(Me, undefined, { token: expired });
    expect(codes(old)).toEqual(['UNAUTHENTICATED']);
    expect(old.errors![0]!.message).toMatch(/expired/);

    const otherKey = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect(codes(await server.gql(Me, undefined, { token: otherKey }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await server.gql(Me, undefined, { token: 'garbage' }))).toEqual(['UNAUTHENTICATED']);
  });

  it('requires a sign-in for `me`', async () => {
    expect(codes(await server.gql(Me))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('invites', () => {
  it('invite → accept → login, once', async () => {
    const invited = await server.gql(InviteMember, { email: 'New.Hire@Acme.test', role: 'EDITOR' }, { as: acme.admin });
    expect(invited.errors).toBeUndefined();
    const invite = invited.data!.inviteMember!;
    expect(invite.email).toBe('new.hire@acme.test');
    expect(invite.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(new Date(invite.expiresAt!).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    // The token is stored hashed only.
    const stored = await server.db.invite.findFirstOrThrow({ where: { email: 'new.hire@acme.test' } });
    expect(stored.tokenHash).not.toContain(invite.token);

    // Not yet a member who can act.
    const pending = await server.gql(Members, {}, { as: 'new.hire@acme.test' });
    expect(codes(pending)).toEqual(['FORBIDDEN']);

    const weak = await server.gql(AcceptInvite, { token: invite.token!, password: 'short' });
    expect(codes(weak)).toEqual(['BAD_USER_INPUT']);

    const accepted = await server.gql(AcceptInvite, { token: invite.token!, password: 'a-long-enough-password', displayName: 'New Hire' });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptInvite?.user?.displayName).toBe('New Hire');
    const me = await server.gql(Me, undefined, { token: accepted.data!.acceptInvite!.token! });
    expect(me.data?.me?.role).toBe('EDITOR');

    const again = await server.gql(AcceptInvite, { token: invite.token!, password: 'a-long-enough-password' });
    expect(codes(again)).toEqual(['BAD_USER_INPUT']);

    const login = await server.gql(Login, { email: 'new.hire@acme.test', password: 'a-long-enough-password' });
    expect(login.data?.login?.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses an expired or unknown invite token', async () => {
    const invited = await server.gql(InviteMember, { email: 'late@acme.test', role: 'VIEWER' }, { as: acme.owner });
    await server.db.invite.updateMany({ where: { email: 'late@acme.test' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(codes(await server.gql(AcceptInvite, { token: invited.data!.inviteMember!.token!, password: 'a-long-enough-password' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await server.gql(AcceptInvite, { token: 'made-up-token', password: 'a-long-enough-password' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('never resets the password of an existing account', async () => {
    const other = await orgWithRoles(server, 'Elsewhere');
    const invited = await server.gql(InviteMember, { email: other.viewer, role: 'VIEWER' }, { as: acme.owner });
    const token = invited.data!.inviteMember!.token!;
    const hijack = await server.gql(AcceptInvite, { token, password: 'attacker-chosen-password' });
    expect(codes(hijack)).toEqual(['UNAUTHENTICATED']);
    const joined = await server.gql(AcceptInvite, { token, password: PASSWORD });
    expect(joined.errors).toBeUndefined();
    const me = await server.gql(Me, undefined, { token: joined.data!.acceptInvite!.token! });
    expect(me.data?.me?.memberships).toHaveLength(2);
    // With two organizations, a request must say which one it acts in.
    expect(codes(await server.gql(Members, {}, { as: other.viewer }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(Members, {}, { as: other.viewer, org: acme.id }))).toEqual([]);
  });

  it('refuses to invite someone who is already a member', async () => {
    expect(codes(await server.gql(InviteMember, { email: acme.viewer, role: 'EDITOR' }, { as: acme.owner }))).toEqual(['CONFLICT']);
  });

  it('rejects a malformed email', async () => {
    expect(codes(await server.gql(InviteMember, { email: 'not-an-email', role: 'VIEWER' }, { as: acme.owner }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('organizations', () => {
  it('any signed-in user creates one and becomes its OWNER', async () => {
    const created = await server.gql(CreateOrganization, { name: 'Side Project' }, { as: acme.viewer });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createOrganization?.slug).toMatch(/^side-project/);
    const inNew = await server.gql(Me, undefined, { as: acme.viewer, org: created.data!.createOrganization!.id });
    expect(inNew.data?.me?.role).toBe('OWNER');
    const inOld = await server.gql(Me, undefined, { as: acme.viewer, org: acme.id });
    expect(inOld.data?.me?.role).toBe('VIEWER');
  });

  it('refuses an empty name and an anonymous caller', async () => {
    expect(codes(await server.gql(CreateOrganization, { name: '   ' }, { as: acme.viewer }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(CreateOrganization, { name: 'Anon' }))).toEqual(['UNAUTHENTICATED']);
  });
});
