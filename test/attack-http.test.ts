// Attack: the HTTP surface. Mutations over GET, simple (CSRF-able) POSTs, a production server
// asked to honour X-Dev-User or answer introspection, a token of a member disabled since.
// Secure behaviour: all refused.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

describe('a production server', () => {
  let server: TestServer;
  let o: OrgFixture;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: 'production',
      PASSWORD_HASH_COST: 'standard',
      AUTH_DEV_HEADERS: '0',
      // Keys production requires (a server without them refuses to start).
      AUDIT_KEY: randomBytes(48).toString('base64url'),
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      // A production server refuses an empty database: bootstrap one organization.
      BOOTSTRAP_OWNER_EMAIL: 'boot@prod.test',
      BOOTSTRAP_OWNER_PASSWORD: 'bootstrap-password-2026',
      BOOTSTRAP_ORG_NAME: 'Boot',
    });
    o = await orgWithRoles(server, 'Prod');
  });
  afterAll(() => server?.close());

  it('ignores X-Dev-User', async () => {
    const r = await server.raw({ query: `{ me { user { email } } customers { totalCount } }` }, { as: o.owner });
    expect(r.data?.me ?? null).toBeNull();
    expect(r.data?.customers ?? null).toBeNull();
  });

  it('answers no introspection and suggests no field names', async () => {
    const r = await server.raw({ query: `{ __schema { types { name } } }` });
    expect(r.data?.__schema ?? null).toBeNull();
    const typo = await server.raw({ query: `{ custmers { totalCount } }` });
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
  });
});

describe('a development server', () => {
  let server: TestServer;
  let o: OrgFixture;
  beforeAll(async () => {
    server = await startTestServer();
    o = await orgWithRoles(server, 'Http');
  });
  afterAll(() => server?.close());

  it('runs no mutation over GET', async () => {
    const query = encodeURIComponent(`mutation { createCustomer(input: { name: "via GET" }) { id } }`);
    const response = await server.app.fetch(`/graphql?query=${query}`, { method: 'GET', headers: { 'x-dev-user': o.owner, 'x-graphql-yoga-csrf': '1' } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await server.db.customer.count({ where: { organizationId: o.id } })).toBe(0);
  });

  it('runs no simple (CSRF-able) text/plain POST', async () => {
    const token = (await server.raw({ query: `mutation { login(email: "${o.owner}", password: "${PASSWORD}") { token } }` })).data!.login!.token;
    const response = await server.app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `mutation { createCustomer(input: { name: "csrf" }) { id } }` }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await server.db.customer.count({ where: { organizationId: o.id } })).toBe(0);
  });

  it("refuses a valid token of a member disabled since, and reads a demoted member's new role", async () => {
    const token = (await server.raw({ query: `mutation { login(email: "${o.admin}", password: "${PASSWORD}") { token } }` })).data!.login!.token;
    const adminId = await userIdOf(server, o.owner, o.admin);
    await server.raw({ query: `mutation($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }`, variables: { u: adminId } }, { as: o.owner });
    const demoted = await server.raw({ query: `{ auditEvents { totalCount } }` }, { token });
    expect(demoted.data?.auditEvents ?? null).toBeNull();
    await server.raw({ query: `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, variables: { u: adminId } }, { as: o.owner });
    const disabled = await server.raw({ query: `{ organization { name } customers { totalCount } }` }, { token });
    expect(disabled.data?.organization ?? null).toBeNull();
    expect(disabled.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
