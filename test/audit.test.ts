// The audit trail through the public API: events for mutations and denials, PII-free metadata,
// a hash chain that verifies and that detects a changed or removed event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { AuditEvents, InviteMember, Login, SetMemberStatus, UpdateMemberRole, VerifyAuditChain } from './ops.ts';

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Audited');
});
afterAll(() => server?.close());

async function tamper(sql: string) {
  // The triggers refuse changes; tampering means going around them, as an attacker with DDL rights would.
  if (server.config.provider === 'sqlite') {
    const triggers = await server.db.$queryRawUnsafe<{ name: string; sql: string }[]>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'AuditEvent'`,
    );
    for (const t of triggers) await server.db.$executeRawUnsafe(`DROP TRIGGER "${t.name}"`);
    await server.db.$executeRawUnsafe(sql);
    for (const t of triggers) await server.db.$executeRawUnsafe(t.sql);
  } else {
    await server.db.$transaction([
      server.db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`),
      server.db.$executeRawUnsafe(sql),
      server.db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`),
    ]);
  }
}

describe('audit events', () => {
  it('records a successful mutation with actor, target, request id and PII-free metadata', async () => {
    const userId = await userIdOf(server, o.owner, o.viewer);
    await server.gql(UpdateMemberRole, { userId, role: 'EDITOR' }, { as: o.admin, headers: { 'x-request-id': 'req-role-change-1' } });
    const r = await server.gql(AuditEvents, { action: 'member.role.update' }, { as: o.owner });
    const event = r.data!.auditEvents!.edges![0]!.node!;
    expect(event.actorEmail).toBe(o.admin);
    expect(event.targetType).toBe('Membership');
    expect(event.metadata).toEqual({ email: o.viewer, from: 'VIEWER', to: 'EDITOR' });
    const row = await server.db.auditEvent.findFirstOrThrow({ where: { action: 'member.role.update', organizationId: o.id } });
    expect(row.requestId).toBe('req-role-change-1');
  });

  it('records a denied attempt with the rule that refused it', async () => {
    const denied = await server.gql(InviteMember, { email: 'someone@x.test', role: 'VIEWER' }, { as: o.viewer });
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    const r = await server.gql(AuditEvents, { action: 'auth.denied' }, { as: o.admin });
    const event = r.data!.auditEvents!.edges!.map((e) => e!.node!).find((e) => e.targetId === 'inviteMember');
    expect(event).toMatchObject({ actorEmail: o.viewer, metadata: { code: 'FORBIDDEN', rule: 'members.invite', operationName: 'InviteMember' } });
  });

  it('records a denied read too, and the failed and successful logins in the global chain', async () => {
    await server.gql(AuditEvents, {}, { as: o.editor });
    const r = await server.gql(AuditEvents, { action: 'auth.denied', actorId: await userIdOf(server, o.owner, o.editor) }, { as: o.owner });
    expect(r.data!.auditEvents!.edges!.some((e) => e!.node!.targetId === 'auditEvents')).toBe(true);
    await server.gql(Login, { email: o.editor, password: 'wrong-password!' });
    await server.gql(Login, { email: o.editor, password: PASSWORD });
    const global = await server.db.auditEvent.findMany({ where: { chain: 'global', actorEmail: null }, orderBy: { seq: 'asc' } });
    expect(global.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login.failed']));
    for (const e of await server.db.auditEvent.findMany()) {
      expect(e.metadata).not.toMatch(/password/i);
      expect(e.metadata).not.toMatch(/wrong-password|correct-horse/);
    }
  });

  it('is readable by ADMIN and OWNER only', async () => {
    for (const who of [o.viewer, o.editor]) expect(codes(await server.gql(VerifyAuditChain, undefined, { as: who }))).toContain('FORBIDDEN');
    for (const who of [o.admin, o.owner]) expect(codes(await server.gql(VerifyAuditChain, undefined, { as: who }))).toEqual([]);
  });

  it('refuses UPDATE and DELETE at the data layer and in the database', async () => {
    const row = await server.db.auditEvent.findFirstOrThrow({ where: { organizationId: o.id } });
    await expect(server.db.auditEvent.update({ where: { id: row.id }, data: { action: 'x' } })).rejects.toThrow(/append-only/);
    await expect(server.db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(server.db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'x' WHERE "id" = '${row.id}'`)).rejects.toThrow();
    await expect(server.db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = '${row.id}'`)).rejects.toThrow();
    expect((await server.db.auditEvent.findUniqueOrThrow({ where: { id: row.id } })).action).toBe(row.action);
  });
});

describe('the hash chain', () => {
  it('verifies, then names the first changed event, then a removed tail', async () => {
    const c = await orgWithRoles(server, 'Chain');
    for (let i = 0; i < 5; i++) await server.gql(InviteMember, { email: `c${i}@chain.test`, role: 'VIEWER' }, { as: c.owner });
    await server.gql(SetMemberStatus, { userId: await userIdOf(server, c.owner, c.editor), status: 'DISABLED' }, { as: c.owner });
    const ok = await server.gql(VerifyAuditChain, undefined, { as: c.admin });
    expect(ok.data?.verifyAuditChain).toEqual({ ok: true, checked: 7, brokenAt: null });

    const events = await server.db.auditEvent.findMany({ where: { organizationId: c.id }, orderBy: { seq: 'asc' } });
    const victim = events[3]!;
    await tamper(`UPDATE "AuditEvent" SET "metadata" = '{"email":"someone-else@chain.test","role":"OWNER"}' WHERE "id" = '${victim.id}'`);
    const broken = await server.gql(VerifyAuditChain, undefined, { as: c.admin });
    expect(broken.data?.verifyAuditChain?.ok).toBe(false);
    expect(broken.data?.verifyAuditChain?.brokenAt).toBe(Buffer.from(`AuditEvent:${victim.id}`).toString('base64'));

    // Restore that event, then drop the last one: the head no longer matches.
    await tamper(`UPDATE "AuditEvent" SET "metadata" = '${victim.metadata}' WHERE "id" = '${victim.id}'`);
    expect((await server.gql(VerifyAuditChain, undefined, { as: c.admin })).data?.verifyAuditChain?.ok).toBe(true);
    await tamper(`DELETE FROM "AuditEvent" WHERE "id" = '${events.at(-1)!.id}'`);
    const truncated = await server.gql(VerifyAuditChain, undefined, { as: c.admin });
    expect(truncated.data?.verifyAuditChain?.ok).toBe(false);
  });

  it('stays linear under concurrent mutations', async () => {
    const c = await orgWithRoles(server, 'Concurrent');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => server.gql(InviteMember, { email: `p${i}@conc.test`, role: 'VIEWER' }, { as: c.owner })),
    );
    expect(results.flatMap(codes)).toEqual([]);
    const status = await server.gql(VerifyAuditChain, undefined, { as: c.owner });
    expect(status.data?.verifyAuditChain).toEqual({ ok: true, checked: 13, brokenAt: null });
  });
});
