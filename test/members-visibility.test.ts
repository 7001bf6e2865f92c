// Who sees whom: the member list and profiles by role (members.read), invitations inert until
// accepted, and a disabled member refused everything in their organization, `me` included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { AcceptInvite, InviteMember, Me, SetMemberStatus } from './ops.ts';

const MemberProfiles = graphql(`
  query MemberProfiles {
    members(first: 50) {
      totalCount
      edges { node { id role status user { id email displayName } } }
    }
  }
`);

const ProfileNode = graphql(`
  query ProfileNode($id: ID!) {
    node(id: $id) {
      id
      ... on User { email displayName }
      ... on Membership { role user { email displayName } }
    }
  }
`);

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Visibility');
});
afterAll(() => server?.close());

const profiles = async (as: string, org?: string) =>
  (await server.gql(MemberProfiles, undefined, { as, org })).data?.members?.edges?.map((e) => ({ ...e!.node!.user, status: e!.node!.status }));

describe('the member list', () => {
  it('lists everyone, with names, for ADMIN and OWNER', async () => {
    for (const as of [o.owner, o.admin]) {
      const r = await server.gql(MemberProfiles, undefined, { as });
      expect(r.data?.members?.totalCount).toBe(4);
      expect(r.data?.members?.edges?.map((e) => e!.node!.user!.displayName)).toEqual([
        'owner of Visibility',
        'admin of Visibility',
        'editor of Visibility',
        'viewer of Visibility',
      ]);
    }
  });

  it('lists only their own membership for VIEWER and EDITOR', async () => {
    for (const [as, role] of [[o.viewer, 'VIEWER'], [o.editor, 'EDITOR']] as const) {
      const r = await server.gql(MemberProfiles, undefined, { as });
      expect(r.errors).toBeUndefined();
      expect(r.data?.members?.totalCount).toBe(1);
      expect(r.data?.members?.edges?.map((e) => ({ role: e!.node!.role, email: e!.node!.user!.email }))).toEqual([{ role, email: as }]);
    }
  });
});

describe('profiles by id', () => {
  it('shows a VIEWER or EDITOR only themselves: another user or membership is null', async () => {
    const adminUser = await userIdOf(server, o.owner, o.admin);
    const adminMembership = (await server.gql(MemberProfiles, undefined, { as: o.owner })).data!.members!.edges![1]!.node!.id;
    for (const as of [o.viewer, o.editor]) {
      expect((await server.gql(ProfileNode, { id: adminUser }, { as })).data?.node).toBeNull();
      expect((await server.gql(ProfileNode, { id: adminMembership }, { as })).data?.node).toBeNull();
      const self = await server.gql(ProfileNode, { id: await userIdOf(server, o.owner, as) }, { as });
      expect(self.data?.node).toMatchObject({ email: as, displayName: expect.stringMatching(/ of Visibility$/) });
    }
  });

  it('shows ADMIN and OWNER the members of their organization', async () => {
    const editorUser = await userIdOf(server, o.owner, o.editor);
    for (const as of [o.owner, o.admin])
      expect((await server.gql(ProfileNode, { id: editorUser }, { as })).data?.node).toEqual({
        id: editorUser,
        email: o.editor,
        displayName: 'editor of Visibility',
      });
  });
});

describe('invitations are inert until accepted', () => {
  it('reveals nothing of the invitee but the email typed, and leaves their own requests as they were', async () => {
    const elsewhere = await orgWithRoles(server, 'Elsewhere');
    const invitee = elsewhere.editor;
    const inviteToken = (await server.gql(InviteMember, { email: invitee, role: 'VIEWER' }, { as: o.admin })).data!.inviteMember!.token!;

    // The invitee's requests without X-Organization-Id still act in their one organization.
    const me = await server.gql(Me, undefined, { as: invitee });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ role: 'EDITOR', organization: { name: 'Elsewhere' } });
    expect((await profiles(elsewhere.owner))?.map((p) => p.email)).toContain(invitee);

    // The inviter sees the invitation with the email, not the name the account has elsewhere.
    const invited = (await profiles(o.admin))?.find((p) => p.email === invitee);
    expect(invited).toMatchObject({ email: invitee, displayName: null, status: 'INVITED' });
    for (const as of [o.admin, o.owner])
      expect((await server.gql(ProfileNode, { id: invited!.id! }, { as })).data?.node).toEqual({ id: invited!.id, email: invitee, displayName: null });
    // The invitee sees themself in full, in their own memberships.
    const own = await server.gql(ProfileNode, { id: invited!.id! }, { as: invitee });
    expect(own.data?.node).toMatchObject({ displayName: 'editor of Elsewhere' });

    // Once accepted, the member's profile is theirs to show.
    expect(codes(await server.gql(AcceptInvite, { token: inviteToken, password: PASSWORD }))).toEqual([]);
    expect((await profiles(o.admin))?.find((p) => p.email === invitee)).toMatchObject({ displayName: 'editor of Elsewhere', status: 'ACTIVE' });
  });
});

describe('a disabled member', () => {
  it('is refused `me` and every other operation in that organization', async () => {
    const c = await orgWithRoles(server, 'Disabling');
    await server.gql(SetMemberStatus, { userId: await userIdOf(server, c.owner, c.viewer), status: 'DISABLED' }, { as: c.owner });
    for (const org of [undefined, c.id]) {
      const me = await server.gql(Me, undefined, { as: c.viewer, org });
      expect(codes(me)).toEqual(['FORBIDDEN']);
      expect(me.errors![0]!.extensions!.rule).toBe('membership.disabled');
      expect(me.data?.me ?? null).toBeNull();
      expect(codes(await server.gql(MemberProfiles, undefined, { as: c.viewer, org }))).toEqual(['FORBIDDEN']);
    }
  });

  it('still gets `me` to choose while they have another organization and name none', async () => {
    const c = await orgWithRoles(server, 'Twice');
    await server.gql(SetMemberStatus, { userId: await userIdOf(server, c.owner, c.viewer), status: 'DISABLED' }, { as: c.owner });
    const token = (await server.gql(InviteMember, { email: c.viewer, role: 'EDITOR' }, { as: o.owner })).data!.inviteMember!.token!;
    expect(codes(await server.gql(AcceptInvite, { token, password: PASSWORD }))).toEqual([]);
    const me = await server.gql(Me, undefined, { as: c.viewer });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ role: null, organization: null });
    expect(me.data?.me?.memberships?.map((m) => m!.status).sort()).toEqual(['ACTIVE', 'DISABLED']);
    expect((await server.gql(Me, undefined, { as: c.viewer, org: o.id })).data?.me?.role).toBe('EDITOR');
  });

  it('leaves a user with no organization yet their `me`', async () => {
    const token = (await server.gql(InviteMember, { email: 'nobody-yet@visibility.test', role: 'VIEWER' }, { as: o.owner })).data!.inviteMember!.token!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await server.gql(Me, undefined, { as: 'nobody-yet@visibility.test' });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ role: null, organization: null, memberships: [{ status: 'INVITED', role: 'VIEWER' }] });
  });
});
