// Attack: invitations. The invite token is returned to the inviter and an account's password is
// global, so an OWNER of *any* organization (anyone signed in may create one) can invite an
// address, accept that invitation with a password of their choosing, and so set the password of
// an account that another organization has invited and that has not chosen one yet. Also: an
// ADMIN rewriting an OWNER's pending invitation. Secure behaviour: an invitation of one
// organization never decides the credentials another organization's invitee will sign in with,
// and an ADMIN cannot touch an invitation to a role they may not grant.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type CallOptions, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';

let server: TestServer;
let victimOrg: OrgFixture;
let mallory: OrgFixture;
const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const invite = async (as: string, email: string, role = 'VIEWER') =>
  (await call({ as }, `mutation($e: String!) { inviteMember(email: $e, role: ${role}) { token } }`, { e: email })).data?.inviteMember?.token as string;
const accept = (token: string, password: string) => call({}, `mutation($t: String!, $p: String!) { acceptInvite(token: $t, password: $p) { token } }`, { t: token, p: password });
const login = (email: string, password: string) => call({}, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: password });

beforeAll(async () => {
  server = await startTestServer();
  victimOrg = await orgWithRoles(server, 'Bigcorp');
  mallory = await orgWithRoles(server, 'Mallory');
});
afterAll(() => server?.close());

describe('account pre-hijacking through an invitation of another organization', () => {
  it("lets the invitee of organization A accept with their own password after organization M's OWNER invited and 'accepted' the same address", async () => {
    const victim = `ceo-${randomBytes(3).toString('hex')}@bigcorp.example`;
    // Bigcorp invites its new CEO; the token goes to the CEO by mail.
    const bigcorpToken = await invite(victimOrg.owner, victim, 'ADMIN');
    // A one-time token: 32 random bytes, base64url.
    expect(bigcorpToken).toMatch(/^[\w-]{43}$/);
    // Mallory, OWNER of her own organization, invites the same address and accepts it herself.
    const malloryToken = await invite(mallory.owner, victim);
    const hijack = await accept(malloryToken, 'mallory-chose-this-password');
    // Secure: either Mallory cannot accept on the victim's behalf, or doing so does not fix the victim's password.
    const malloryLogsIn = await login(victim, 'mallory-chose-this-password');
    const ceo = await accept(bigcorpToken, 'the-ceos-own-password');
    expect({
      malloryAccepted: !hijack.errors?.length,
      malloryCanSignInAsVictim: Boolean(malloryLogsIn.data?.login?.token),
      victimCanAcceptOwnInvite: Boolean(ceo.data?.acceptInvite?.token),
    }).toMatchObject({ malloryCanSignInAsVictim: false, victimCanAcceptOwnInvite: true });
  });

  it('lets two invitations accepted at the same moment set the first password once', async () => {
    const victim = `cto-${randomBytes(3).toString('hex')}@bigcorp.example`;
    const first = await invite(victimOrg.owner, victim);
    const results = await Promise.all([accept(first, 'first-password-here'), accept(first, 'second-password-here')]);
    expect(results.filter((r) => !r.errors?.length)).toHaveLength(1);
    const signedIn = await Promise.all([login(victim, 'first-password-here'), login(victim, 'second-password-here')]);
    expect(signedIn.filter((r) => r.data?.login?.token).length).toBe(1);
  });
  // Not covered, and documented in docs/operating.md ("Security notes"): an address nobody has invited yet can be
  // invited and claimed by any organization's OWNER, who holds the token; a victim later told to
  // use that password would sign in to Mallory's account. Only delivering tokens by mail (proof of
  // the address) closes that.
});

describe("an ADMIN and an OWNER's pending invitation", () => {
  it("an ADMIN cannot downgrade or revoke a pending invitation to OWNER by inviting the same address again", async () => {
    const email = `heir-${randomBytes(3).toString('hex')}@bigcorp.example`;
    const ownerToken = await invite(victimOrg.owner, email, 'OWNER');
    const again = await call({ as: victimOrg.admin }, `mutation($e: String!) { inviteMember(email: $e, role: VIEWER) { token } }`, { e: email });
    const accepted = await accept(ownerToken, PASSWORD + '-heir');
    expect({ adminReinvited: !again.errors?.length, ownerInviteStillWorks: !accepted.errors?.length }).toEqual({ adminReinvited: false, ownerInviteStillWorks: true });
  });

  it('an invitation is single use, and a revoked one does not work', async () => {
    const email = `once-${randomBytes(3).toString('hex')}@bigcorp.example`;
    const first = await invite(victimOrg.owner, email);
    const second = await invite(victimOrg.owner, email);
    expect((await accept(first, 'a-long-password-1')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await accept(second, 'a-long-password-1')).errors).toBeUndefined();
    expect((await accept(second, 'a-long-password-2')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
