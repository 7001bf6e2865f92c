// Upgrading from the earlier release: its session tokens are refused with a message that says
// where they come from (not "tampered with"), on HTTP and graphql-ws; and the migration
// pii_summaries_without_ids rewrites the summaries of PII_CHANGE requests that the earlier release
// wrote with the record's internal id, in the requests and in the approval event log, on the
// provider of this suite (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../src/db/migrate.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { subscribe } from './live.ts';
import { CreateCustomer, DeleteCustomer, UpdateCustomer } from './ops.ts';

const MIGRATION = '20261207060000_pii_summaries_without_ids';

let server: TestServer;
let o: OrgFixture;
let port: number;
beforeAll(async () => {
  server = await startTestServer();
  port = await server.app.start(0, '127.0.0.1');
  o = await orgWithRoles(server, 'Upgrade');
});
afterAll(() => server?.close());

describe('a session token of the earlier release', () => {
  /** As the earlier release signed them: the same key, issuer and audience, no `jti` (its sessions could not be revoked). */
  const earlierToken = async (userId: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer('governance-api')
      .setAudience('governance-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(server.config.JWT_SECRET));
  const me = (token: string) =>
    fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { user { email } } }' }),
    }).then((r) => r.json() as Promise<{ data?: unknown; errors: { message: string; extensions: { code: string } }[] }>);

  it('is refused as one from an earlier release, to log in again: over HTTP and graphql-ws', async () => {
    const token = await earlierToken((await server.db.user.findUniqueOrThrow({ where: { email: o.viewer } })).id);
    const answer = await me(token);
    expect(answer.errors.map((e) => [e.extensions.code, e.message])).toEqual([
      ['UNAUTHENTICATED', 'Your session token is from an earlier release of this server. Log in again with `login`.'],
    ]);
    const socket = subscribe(`ws://127.0.0.1:${port}/graphql`, { token }, 'subscription { approvalEvents { type } }');
    await socket.ended();
    expect(socket.errors[0]).toMatchObject({ code: 4401, reason: 'Unauthorized: Your session token is from an earlier release of this server. Log in again with `login`.' });
  });

  it('is told apart from a token that is not ours', async () => {
    const token = await earlierToken('someone');
    const [header, payload] = token.split('.');
    const answer = await me(`${header}.${payload}.${'A'.repeat(43)}`);
    expect(answer.errors[0]!.message).toBe('Your session token is not valid (malformed, tampered with, or signed by another server). Log in again with `login`.');
  });
});

describe('the migration of summaries with internal ids', () => {
  it('rewrites them to name the record, or say it is gone, in the requests and the event log; others are left alone', async () => {
    // Three pending PII_CHANGE requests an EDITOR and an ADMIN raise, as the current release words them.
    const customer = (await server.gql(CreateCustomer, { input: { name: 'Acme Holdings', email: 'ops@acme.test', phone: '+15550100' } }, { as: o.owner })).data!.createCustomer!.id;
    const lead = (await server.raw({ query: 'mutation { createLead(input: { name: "Northwind", email: "hi@northwind.test" }) { id } }' }, { as: o.owner })).data.createLead.id;
    const gone = (await server.gql(CreateCustomer, { input: { name: 'Gone Ltd', email: 'x@gone.test' } }, { as: o.owner })).data!.createCustomer!.id;
    expect((await server.gql(UpdateCustomer, { id: customer, input: { email: 'new@acme.test', phone: '+15550199' } }, { as: o.editor })).errors).toBeUndefined();
    const deletion = await server.raw({ query: 'mutation($id: ID!) { deleteLead(id: $id, mode: HARD) { deleted } }', variables: { id: lead } }, { as: o.admin });
    expect(deletion.errors).toBeUndefined();
    expect((await server.gql(DeleteCustomer, { id: gone, mode: 'SOFT' }, { as: o.admin })).errors).toBeUndefined();
    const requests = await server.db.approvalRequest.findMany({ where: { organizationId: o.id, kind: 'PII_CHANGE' }, orderBy: { createdAt: 'asc' } });
    const current = requests.map((r) => r.summary);
    expect(current).toEqual(['Change of email and phone of customer "Acme Holdings"', 'Permanent deletion of lead "Northwind"', 'Deletion of customer "Gone Ltd"']);

    // The database as the earlier release left it: its wording (the type and the internal id), the
    // last record gone, and this migration not applied.
    const missingId = 'cm0gone000000000000000000';
    const earlier = requests.map((r, i) => `${r.summary.replace(/ of (customer|lead) ".*"$/, '')} of ${r.targetType} ${i === 2 ? missingId : r.targetId}`);
    for (const [i, r] of requests.entries()) {
      await server.db.approvalRequest.update({ where: { id: r.id }, data: { summary: earlier[i], ...(i === 2 ? { targetId: missingId } : {}) } });
      for (const log of await server.db.approvalEventLog.findMany({ where: { requestId: r.id } }))
        await server.db.approvalEventLog.update({ where: { id: log.id }, data: { request: JSON.stringify({ ...JSON.parse(log.request), summary: earlier[i] }) } });
    }
    await server.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${MIGRATION}'`);
    const ask = () => server.raw({ query: '{ approvalRequests(kind: PII_CHANGE) { edges { node { summary } } } }' }, { as: o.owner });
    const before = (await ask()).data.approvalRequests.edges.map((e: { node: { summary: string } }) => e.node.summary);
    expect(before.sort()).toEqual([...earlier].sort());
    expect(before.some((s: string) => s.includes(rawId(customer)))).toBe(true);

    expect((await migrateDatabase(server.config.DATABASE_URL)).applied).toEqual([MIGRATION]);

    const after = (await ask()).data.approvalRequests.edges.map((e: { node: { summary: string } }) => e.node.summary);
    expect(after.sort()).toEqual(['Change of email and phone of customer "Acme Holdings"', 'Deletion of a customer that no longer exists', 'Permanent deletion of lead "Northwind"']);
    const logged = await server.db.approvalEventLog.findMany({ where: { organizationId: o.id }, orderBy: { id: 'asc' } });
    const bySummary = logged.map((l) => (JSON.parse(l.request) as { summary: string }).summary);
    expect(bySummary).toEqual(['Change of email and phone of customer "Acme Holdings"', 'Permanent deletion of lead "Northwind"', 'Deletion of a customer that no longer exists']);
    // Nothing else in the payloads changed.
    expect(logged.map((l) => (JSON.parse(l.request) as { kind: string; status: string }).status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  });
});
