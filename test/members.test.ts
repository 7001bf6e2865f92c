// Member administration through the public API: every rule of the matrix, allowed and refused,
// and role or status changes taking effect on the very next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { AuditEvents, InviteMember, Login, Me, Members, SetMemberStatus, UpdateMemberRole } from './ops.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** A fresh organization per test keeps the rules independent of each other. */
async function org(extras: Record<string, 'OWNER' | 'ADMIN' | 'EDITOR' | 'VIEWER'> = {}) {
  const o = await orgWithRoles(server, 'Members', extras);
  const id = (email: string) => userIdOf(server, o.owner, email);
  return { o, id };
}

const roleOf = async (o: OrgFixture, email: string) =>
  (await server.gql(Members, { first: 100 }, { as: o.owner })).data?.members?.edges?.find((e) => e?.node?.user?.email === email)?.node;

describe('inviting', () => {
  it('an ADMIN invites EDITOR and VIEWER, never ADMIN or OWNER', async () => {
    const { o } = await org();
    expect(codes(await server.gql(InviteMember, { email: 'e1@x.test', role: 'EDITOR' }, { as: o.admin }))).toEqual([]);
    expect(codes(await server.gql(InviteMember, { email: 'v1@x.test', role: 'VIEWER' }, { as: o.admin }))).toEqual([]);
    for (const role of ['ADMIN', 'OWNER'] as const) {
      const r = await server.gql(InviteMember, { email: `${role}@x.test`, role }, { as: o.admin });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('members.invite.grant');
      expect(r.errors![0]!.message).toMatch(/ADMIN may invite EDITOR or VIEWER/);
    }
    expect(await server.db.invite.count({ where: { organizationId: o.id, email: { in: ['ADMIN@x.test', 'admin@x.test', 'owner@x.test'] } } })).toBe(0);
  });

  it('an OWNER invites any role', async () => {
    const { o } = await org();
    for (const role of ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER'] as const)
      expect(codes(await server.gql(InviteMember, { email: `${role.toLowerCase()}-new@x.test`, role }, { as: o.owner }))).toEqual([]);
  });

  it('EDITOR and VIEWER cannot invite', async () => {
    const { o } = await org();
    for (const who of [o.editor, o.viewer]) {
      const r = await server.gql(InviteMember, { email: 'x@x.test', role: 'VIEWER' }, { as: who });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('members.invite');
    }
  });
});

describe('changing roles', () => {
  it('an ADMIN changes EDITOR and VIEWER between themselves, and demotes another ADMIN', async () => {
    const { o, id } = await org({ admin2: 'ADMIN' });
    const r1 = await server.gql(UpdateMemberRole, { userId: await id(o.viewer), role: 'EDITOR' }, { as: o.admin });
    expect(r1.data?.updateMemberRole?.role).toBe('EDITOR');
    const r2 = await server.gql(UpdateMemberRole, { userId: await id(o.emails.admin2!), role: 'VIEWER' }, { as: o.admin });
    expect(r2.data?.updateMemberRole?.role).toBe('VIEWER');
  });

  it('an ADMIN never grants ADMIN or OWNER', async () => {
    const { o, id } = await org();
    for (const role of ['ADMIN', 'OWNER'] as const) {
      const r = await server.gql(UpdateMemberRole, { userId: await id(o.editor), role }, { as: o.admin });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('members.setRole.grant');
    }
    expect((await roleOf(o, o.editor))?.role).toBe('EDITOR');
  });

  it('an ADMIN never touches an OWNER', async () => {
    const { o, id } = await org();
    const r = await server.gql(UpdateMemberRole, { userId: await id(o.owner), role: 'VIEWER' }, { as: o.admin });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.rule).toBe('members.owner-immutable');
    expect((await roleOf(o, o.owner))?.role).toBe('OWNER');
  });

  it('an OWNER grants any role, OWNER included, and changes another OWNER', async () => {
    const { o, id } = await org({ owner2: 'OWNER' });
    expect((await server.gql(UpdateMemberRole, { userId: await id(o.editor), role: 'ADMIN' }, { as: o.owner })).data?.updateMemberRole?.role).toBe('ADMIN');
    expect((await server.gql(UpdateMemberRole, { userId: await id(o.viewer), role: 'OWNER' }, { as: o.owner })).data?.updateMemberRole?.role).toBe('OWNER');
    expect((await server.gql(UpdateMemberRole, { userId: await id(o.emails.owner2!), role: 'EDITOR' }, { as: o.owner })).data?.updateMemberRole?.role).toBe('EDITOR');
  });

  it('nobody changes their own role', async () => {
    const { o, id } = await org();
    for (const who of [o.owner, o.admin]) {
      const r = await server.gql(UpdateMemberRole, { userId: await id(who), role: 'VIEWER' }, { as: who });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('members.self');
    }
  });

  it('EDITOR and VIEWER change no roles', async () => {
    const { o, id } = await org();
    for (const who of [o.editor, o.viewer]) {
      const r = await server.gql(UpdateMemberRole, { userId: await id(o.admin), role: 'VIEWER' }, { as: who });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('members.setRole');
    }
  });

  it('a role change takes effect on the next request with the same token', async () => {
    const { o, id } = await org();
    const token = (await server.gql(Login, { email: o.editor, password: PASSWORD })).data!.login!.token!;
    expect(codes(await server.gql(AuditEvents, {}, { token }))).toEqual(['FORBIDDEN']);
    await server.gql(UpdateMemberRole, { userId: await id(o.editor), role: 'ADMIN' }, { as: o.owner });
    expect(codes(await server.gql(AuditEvents, {}, { token }))).toEqual([]);
    expect((await server.gql(Me, undefined, { token })).data?.me?.role).toBe('ADMIN');
    await server.gql(UpdateMemberRole, { userId: await id(o.editor), role: 'VIEWER' }, { as: o.owner });
    expect(codes(await server.gql(AuditEvents, {}, { token }))).toEqual(['FORBIDDEN']);
  });
});

describe('changing status', () => {
  it('an ADMIN disables and re-enables an EDITOR; the next request of the member is refused, then served', async () => {
    const { o, id } = await org();
    const token = (await server.gql(Login, { email: o.editor, password: PASSWORD })).data!.login!.token!;
    expect(codes(await server.gql(Members, {}, { token }))).toEqual([]);
    const off = await server.gql(SetMemberStatus, { userId: await id(o.editor), status: 'DISABLED' }, { as: o.admin });
    expect(off.data?.setMemberStatus?.status).toBe('DISABLED');
    const refused = await server.gql(Members, {}, { token });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.extensions!.rule).toBe('membership.disabled');
    const on = await server.gql(SetMemberStatus, { userId: await id(o.editor), status: 'ACTIVE' }, { as: o.admin });
    expect(on.data?.setMemberStatus?.status).toBe('ACTIVE');
    expect(codes(await server.gql(Members, {}, { token }))).toEqual([]);
  });

  it('an ADMIN never disables an OWNER; an OWNER disables an ADMIN and another OWNER', async () => {
    const { o, id } = await org({ owner2: 'OWNER' });
    const r = await server.gql(SetMemberStatus, { userId: await id(o.owner), status: 'DISABLED' }, { as: o.admin });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.rule).toBe('members.owner-immutable');
    expect((await roleOf(o, o.owner))?.status).toBe('ACTIVE');
    expect((await server.gql(SetMemberStatus, { userId: await id(o.admin), status: 'DISABLED' }, { as: o.owner })).data?.setMemberStatus?.status).toBe(
      'DISABLED',
    );
    expect(
      (await server.gql(SetMemberStatus, { userId: await id(o.emails.owner2!), status: 'DISABLED' }, { as: o.owner })).data?.setMemberStatus?.status,
    ).toBe('DISABLED');
  });

  it('nobody disables themselves; EDITOR and VIEWER disable nobody', async () => {
    const { o, id } = await org();
    const self = await server.gql(SetMemberStatus, { userId: await id(o.owner), status: 'DISABLED' }, { as: o.owner });
    expect(self.errors![0]!.extensions!.rule).toBe('members.self');
    for (const who of [o.editor, o.viewer]) {
      const r = await server.gql(SetMemberStatus, { userId: await id(o.admin), status: 'DISABLED' }, { as: who });
      expect(r.errors![0]!.extensions!.rule).toBe('members.setStatus');
    }
  });

  it('INVITED cannot be set by hand, and an invited member is not activated by an admin, not even through DISABLED', async () => {
    const { o, id } = await org();
    expect(codes(await server.gql(SetMemberStatus, { userId: await id(o.editor), status: 'INVITED' }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
    await server.gql(InviteMember, { email: 'pending@x.test', role: 'VIEWER' }, { as: o.owner });
    const pending = await id('pending@x.test');
    for (const status of ['ACTIVE', 'DISABLED', 'ACTIVE'] as const) {
      const r = await server.gql(SetMemberStatus, { userId: pending, status }, { as: o.owner });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions).toMatchObject({ rule: 'members.invitation-pending' });
    }
    const membership = await server.db.membership.findFirstOrThrow({ where: { organizationId: o.id, user: { email: 'pending@x.test' } } });
    expect(membership.status).toBe('INVITED');
  });

  it('reports an unknown member as NOT_FOUND and a malformed id as BAD_USER_INPUT', async () => {
    const { o } = await org();
    const unknown = Buffer.from('User:does-not-exist').toString('base64');
    expect(codes(await server.gql(SetMemberStatus, { userId: unknown, status: 'DISABLED' }, { as: o.owner }))).toEqual(['NOT_FOUND']);
    expect(codes(await server.gql(SetMemberStatus, { userId: '!!!', status: 'DISABLED' }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
    const wrongType = Buffer.from(`Organization:${o.id}`).toString('base64');
    expect(codes(await server.gql(SetMemberStatus, { userId: wrongType, status: 'DISABLED' }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the member list', () => {
  it('pages with a cursor and counts every member', async () => {
    const { o } = await org({ a: 'VIEWER', b: 'VIEWER', c: 'VIEWER' });
    const first = await server.gql(Members, { first: 3 }, { as: o.admin });
    expect(first.data?.members?.totalCount).toBe(7);
    expect(first.data?.members?.edges).toHaveLength(3);
    expect(first.data?.members?.pageInfo?.hasNextPage).toBe(true);
    const rest = await server.gql(Members, { first: 10, after: first.data!.members!.pageInfo!.endCursor }, { as: o.admin });
    expect(rest.data?.members?.edges).toHaveLength(4);
    expect(rest.data?.members?.pageInfo?.hasNextPage).toBe(false);
    const ids = [...first.data!.members!.edges!, ...rest.data!.members!.edges!].map((e) => e!.node!.id);
    expect(new Set(ids).size).toBe(7);
  });
});
