// Two organizations that cannot see each other: through the API, and at the data layer, where the
// tenant extension must confine every query path (top-level, nested include/select, _count,
// writes) and refuse what it cannot confine.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/client.ts';
import { forCaller, TenantViolation } from '../src/db/tenant.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { AuditEvents, Members, NodeQ, OrganizationQ, SetMemberStatus, UpdateMemberRole } from './ops.ts';

let server: TestServer;
let a: OrgFixture;
let b: OrgFixture;
let scopedA: Db;

beforeAll(async () => {
  server = await startTestServer();
  a = await orgWithRoles(server, 'Alpha');
  b = await orgWithRoles(server, 'Beta');
  scopedA = server.db.$extends(forCaller({ organizationId: a.id })) as unknown as Db;
});
afterAll(() => server?.close());

describe('through the API', () => {
  it('lists only members of the caller’s organization', async () => {
    const r = await server.gql(Members, { first: 100 }, { as: a.owner });
    const emails = r.data!.members!.edges!.map((e) => e!.node!.user!.email);
    expect(emails.sort()).toEqual([a.admin, a.editor, a.owner, a.viewer].sort());
    expect(r.data!.members!.totalCount).toBe(4);
  });

  it('refuses to act in an organization the caller does not belong to', async () => {
    const r = await server.gql(OrganizationQ, undefined, { as: a.owner, org: b.id });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.rule).toBe('tenant.not-member');
  });

  it('resolves no node of another organization', async () => {
    const bUser = await userIdOf(server, b.owner, b.editor);
    const bMembership = (await server.gql(Members, { first: 1 }, { as: b.owner })).data!.members!.edges![0]!.node!.id;
    for (const id of [bUser, bMembership, encodeGlobalID('Organization', b.id)]) {
      const r = await server.gql(NodeQ, { id }, { as: a.owner });
      expect(r.data?.node ?? null).toBeNull();
    }
    const bEvent = await server.db.auditEvent.findFirstOrThrow({ where: { organizationId: b.id } });
    expect((await server.gql(NodeQ, { id: encodeGlobalID('AuditEvent', bEvent.id) }, { as: a.owner })).data?.node ?? null).toBeNull();
    // The same lookups work for B's own members.
    expect((await server.gql(NodeQ, { id: bUser }, { as: b.owner })).data?.node?.__typename).toBe('User');
  });

  it('cannot change a member of another organization', async () => {
    const bEditor = await userIdOf(server, b.owner, b.editor);
    expect(codes(await server.gql(UpdateMemberRole, { userId: bEditor, role: 'VIEWER' }, { as: a.owner }))).toEqual(['NOT_FOUND']);
    expect(codes(await server.gql(SetMemberStatus, { userId: bEditor, status: 'DISABLED' }, { as: a.owner }))).toEqual(['NOT_FOUND']);
    const row = await server.db.membership.findFirstOrThrow({ where: { organizationId: b.id, user: { email: b.editor } } });
    expect(row).toMatchObject({ role: 'EDITOR', status: 'ACTIVE' });
  });

  it('shows each organization only its own audit events', async () => {
    const r = await server.gql(AuditEvents, { first: 100 }, { as: a.owner });
    const ids = r.data!.auditEvents!.edges!.map((e) => e!.node!.id);
    const own = await server.db.auditEvent.findMany({ where: { organizationId: a.id } });
    expect(ids.length).toBe(own.length);
    expect(r.data!.auditEvents!.totalCount).toBe(own.length);
  });
});

describe('at the data layer', () => {
  it('confines top-level reads, counts and aggregates', async () => {
    expect((await scopedA.membership.findMany()).every((m) => m.organizationId === a.id)).toBe(true);
    expect(await scopedA.membership.count()).toBe(4);
    const bRow = await server.db.membership.findFirstOrThrow({ where: { organizationId: b.id } });
    expect(await scopedA.membership.findUnique({ where: { id: bRow.id } })).toBeNull();
    expect(await scopedA.membership.findFirst({ where: { organizationId: b.id } })).toBeNull();
    expect(await scopedA.organization.findMany()).toEqual([expect.objectContaining({ id: a.id })]);
    const users = await scopedA.user.findMany();
    expect(users.map((u) => u.email).sort()).toEqual([a.admin, a.editor, a.owner, a.viewer].sort());
    expect(await scopedA.user.findUnique({ where: { email: b.owner } })).toBeNull();
    expect(await scopedA.auditEvent.count()).toBe(await server.db.auditEvent.count({ where: { organizationId: a.id } }));
  });

  it('confines nested include, select and _count', async () => {
    const [user] = await scopedA.user.findMany({
      where: { email: a.owner },
      include: { memberships: { include: { organization: true } } },
    });
    expect(user!.memberships.every((m) => m.organizationId === a.id)).toBe(true);
    const org = await scopedA.organization.findFirstOrThrow({
      select: { memberships: { select: { user: { select: { email: true, memberships: true } } } }, _count: { select: { memberships: true } } },
    });
    expect(org._count.memberships).toBe(4);
    for (const m of org.memberships) expect(m.user.memberships.every((x) => x.organizationId === a.id)).toBe(true);
    // A user in both organizations: nested reads through A show only A's membership.
    const both = 'both@tenants.test';
    const userRow = await server.db.user.create({ data: { email: both } });
    await server.db.membership.createMany({
      data: [
        { organizationId: a.id, userId: userRow.id, role: 'VIEWER', status: 'ACTIVE' },
        { organizationId: b.id, userId: userRow.id, role: 'ADMIN', status: 'ACTIVE' },
      ],
    });
    const seen = await scopedA.user.findUniqueOrThrow({ where: { email: both }, include: { memberships: true, _count: { select: { memberships: true } } } });
    expect(seen.memberships.map((m) => m.role)).toEqual(['VIEWER']);
    expect(seen._count.memberships).toBe(1);
    const counted = await scopedA.user.findUniqueOrThrow({ where: { email: both }, include: { _count: true } });
    expect(counted._count.memberships).toBe(1);
    const viaSelect = await scopedA.membership.findMany({ where: { userId: userRow.id }, select: { user: { select: { memberships: { select: { role: true } } } } } });
    expect(viaSelect.flatMap((m) => m.user.memberships.map((x) => x.role))).toEqual(['VIEWER']);
  });

  it('confines writes: updates and deletes never reach another organization', async () => {
    const bRow = await server.db.membership.findFirstOrThrow({ where: { organizationId: b.id, role: 'VIEWER' } });
    await expect(scopedA.membership.update({ where: { id: bRow.id }, data: { role: 'ADMIN' } })).rejects.toThrow();
    expect((await scopedA.membership.updateMany({ where: { id: bRow.id }, data: { role: 'ADMIN' } })).count).toBe(0);
    expect((await scopedA.membership.updateMany({ data: { updatedAt: new Date() } })).count).toBe(await scopedA.membership.count());
    await expect(scopedA.membership.delete({ where: { id: bRow.id } })).rejects.toThrow();
    expect((await scopedA.invite.deleteMany({ where: { organizationId: b.id } })).count).toBe(0);
    expect(await server.db.membership.findUniqueOrThrow({ where: { id: bRow.id } })).toMatchObject({ role: 'VIEWER' });
  });

  it('stamps creates with the caller’s organization and refuses one for another', async () => {
    const invite = await scopedA.invite.create({
      data: { email: 'stamped@x.test', role: 'VIEWER', tokenHash: 'h1', invitedById: 'x', expiresAt: new Date(), organizationId: undefined as never },
    });
    expect(invite.organizationId).toBe(a.id);
    await expect(
      scopedA.invite.create({ data: { organizationId: b.id, email: 'x@x.test', role: 'VIEWER', tokenHash: 'h2', invitedById: 'x', expiresAt: new Date() } }),
    ).rejects.toThrow(TenantViolation);
    await expect(scopedA.membership.updateMany({ data: { organizationId: b.id } })).rejects.toThrow(TenantViolation);
  });

  it('refuses what it cannot confine: raw SQL, nested writes, creating organizations, changing audit events', async () => {
    await expect(scopedA.$queryRawUnsafe('SELECT 1')).rejects.toThrow(TenantViolation);
    await expect(scopedA.$executeRawUnsafe('DELETE FROM "Membership"')).rejects.toThrow(TenantViolation);
    await expect(scopedA.organization.create({ data: { name: 'x', slug: 'x' } })).rejects.toThrow(TenantViolation);
    await expect(
      scopedA.organization.update({ where: { id: a.id }, data: { memberships: { create: { userId: 'x', role: 'OWNER', status: 'ACTIVE' } } } }),
    ).rejects.toThrow(TenantViolation);
    await expect(scopedA.loginThrottle.findMany()).rejects.toThrow(TenantViolation);
    await expect(scopedA.auditEvent.updateMany({ data: { action: 'x' } })).rejects.toThrow();
    await expect(scopedA.auditEvent.deleteMany()).rejects.toThrow();
  });
});
