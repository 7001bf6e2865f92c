// Length limits of the identity mutations' string inputs: a value past its limit is BAD_USER_INPUT
// naming the argument and the limit, refused before anything is hashed, stored or audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../src/identity/limits.ts';
import { codes, PASSWORD, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { AcceptInvite, CreateOrganization, InviteMember, Login, SetMemberStatus, UpdateMemberRole } from './ops.ts';

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Limits');
});
afterAll(() => server?.close());

/** Everything a refused input must not have written. */
const written = async () => ({
  throttles: await server.db.loginThrottle.count(),
  auditEvents: await server.db.auditEvent.count(),
  users: await server.db.user.count(),
  invites: await server.db.invite.count(),
  organizations: await server.db.organization.count(),
});

/** Refused as BAD_USER_INPUT with nothing written; by the identity limit when `field` is given. */
async function expectRefused(call: () => Promise<GqlResult<unknown>>, field?: string, maxLength?: number) {
  const before = await written();
  const r = await call();
  expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  if (field) {
    expect(r.errors![0]!.extensions).toMatchObject({ field, maxLength });
    expect(r.errors![0]!.message).toMatch(new RegExp(`^\`${field}\` has at most ${maxLength} characters`));
  }
  expect(await written()).toEqual(before);
}

const long = (n: number, fill = 'a') => fill.repeat(n);
const emailOfLength = (n: number) => `${long(n - '@limits.test'.length)}@limits.test`;

describe('anonymous inputs', () => {
  it('refuses an overlong login email without a throttle row or an audit event', async () => {
    await expectRefused(() => server.gql(Login, { email: emailOfLength(255), password: 'whatever-password' }), 'email', 254);
    await expectRefused(() => server.gql(Login, { email: emailOfLength(9_000), password: 'whatever-password' }), 'email', 254);
  });

  it('refuses an overlong password before hashing it', async () => {
    await expectRefused(() => server.gql(Login, { email: o.viewer, password: long(257) }), 'password', 256);
  });

  it('refuses the 15 MB email and 20 MB password of the finding, whichever limit answers first', async () => {
    const started = Date.now();
    await expectRefused(() => server.gql(Login, { email: emailOfLength(15 * 1024 * 1024), password: 'whatever-password' }));
    await expectRefused(() => server.gql(Login, { email: o.viewer, password: long(20 * 1024 * 1024) }));
    // Hashing 20 MB through scrypt's PBKDF2 steps takes far longer than refusing it.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('takes values at the limit', async () => {
    expect(INPUT_LIMITS).toMatchObject({ email: 254, password: 256, displayName: 120, organizationName: 120, inviteToken: 128 });
    expect(codes(await server.gql(Login, { email: emailOfLength(254), password: long(256) }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an overlong invite token, password or display name, and leaves the invite unused', async () => {
    const token = (await server.gql(InviteMember, { email: 'limit-invitee@limits.test', role: 'VIEWER' }, { as: o.owner })).data!.inviteMember!.token!;
    expect(token).toHaveLength(43);
    await expectRefused(() => server.gql(AcceptInvite, { token: long(129), password: 'a-long-enough-password' }), 'token', 128);
    await expectRefused(() => server.gql(AcceptInvite, { token, password: long(257) }), 'password', 256);
    await expectRefused(() => server.gql(AcceptInvite, { token, password: 'a-long-enough-password', displayName: long(121) }), 'displayName', 120);
    const accepted = await server.gql(AcceptInvite, { token, password: 'a-long-enough-password', displayName: long(120, 'n') });
    expect(accepted.data?.acceptInvite?.user).toMatchObject({ email: 'limit-invitee@limits.test', displayName: long(120, 'n') });
  });
});

describe("signed-in members' inputs", () => {
  it('refuses an overlong organization name', async () => {
    await expectRefused(() => server.gql(CreateOrganization, { name: long(121) }, { as: o.viewer }), 'name', 120);
    expect(codes(await server.gql(CreateOrganization, { name: long(120, 'x') }, { as: o.viewer }))).toEqual([]);
  });

  it('refuses an overlong invitee email', async () => {
    await expectRefused(() => server.gql(InviteMember, { email: emailOfLength(255), role: 'VIEWER' }, { as: o.owner }), 'email', 254);
  });

  it('refuses an overlong user id', async () => {
    const userId = Buffer.from(`User:${long(200)}`).toString('base64');
    await expectRefused(() => server.gql(UpdateMemberRole, { userId, role: 'VIEWER' }, { as: o.owner }), 'userId', 128);
    await expectRefused(() => server.gql(SetMemberStatus, { userId, status: 'DISABLED' }, { as: o.owner }), 'userId', 128);
  });
});

it('keeps answering after the large bodies', async () => {
  expect(codes(await server.gql(Login, { email: o.owner, password: PASSWORD }))).toEqual([]);
});
