// Holders of a time-bound scope are told before it ends: a background job (two instances here,
// sharing the database) announces each scope once, as SCOPE_EXPIRING on the holder's
// myApprovalUpdates about the request that granted it; deciders do not receive it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, until, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { APPROVAL_EVENT, subscribe, warmUp, type Subscriber } from './live.ts';
import { ApproveRequest, CancelRequest, CreateDimension, GrantAccessScope } from './ops.ts';

const Ask = graphql(`
  mutation NoticeAsk($value: String!, $endsAt: DateTime) {
    requestAccess(dimension: "region", value: $value, justification: "notice", endsAt: $endsAt) { id endsAt }
  }
`);

const env = { APPROVAL_SWEEP_SECONDS: '0.2', SCOPE_EXPIRY_NOTICE_SECONDS: '3600' };
const MINUTE = 60_000;
let one: TestServer;
let two: TestServer;
let o: OrgFixture;
const open: Subscriber[] = [];

const ok = <R>(r: GqlResult<R>): R => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

beforeAll(async () => {
  one = await startTestServer(env);
  two = await startTestServer(env, { database: { url: one.config.DATABASE_URL, drop: async () => {} } });
  o = await orgWithRoles(one, 'Notice');
  ok(await one.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA', 'APAC', 'LATAM'] }, { as: o.admin }));
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await two?.close();
  await one?.close();
});

/** A warm-up event for both the holder (CANCELLED of their request) and the admin (REQUESTED). */
const warmUpRequest = (server: TestServer) => async () => {
  const id = ok(await server.gql(Ask, { value: 'LATAM' }, { as: o.viewer })).requestAccess!.id;
  ok(await server.gql(CancelRequest, { id }, { as: o.viewer }));
  return id;
};

const notices = async (scopeId: string) =>
  one.db.auditEvent.findMany({ where: { organizationId: o.id, action: 'scope.expiry-notice', targetId: scopeId } });

describe('expiry notices', () => {
  it('announces a scope about to end once, to its holder only, about the request that granted it', async () => {
    // Whichever instance claims a sweep publishes: without Redis only to its own subscribers, so
    // everyone listens on both.
    const urls = await Promise.all([one, two].map(async (s) => `ws://127.0.0.1:${await s.app.start(0, '127.0.0.1')}/graphql`));
    const holder = urls.map((url) => subscribe(url, { devUser: o.viewer }, `subscription { myApprovalUpdates { type request { id status endsAt scopeValue } } }`));
    const decider = urls.map((url) => subscribe(url, { devUser: o.admin }, `subscription { approvalEvents { ${APPROVAL_EVENT} } }`));
    open.push(...holder, ...decider);
    for (const [i, server] of [one, two].entries()) await warmUp([holder[i]!, decider[i]!], warmUpRequest(server));

    const endsAt = new Date(Date.now() + 30 * MINUTE).toISOString();
    const asked = ok(await one.gql(Ask, { value: 'US', endsAt }, { as: o.viewer })).requestAccess!;
    ok(await one.gql(ApproveRequest, { id: asked.id }, { as: o.admin }));

    await until(async () => holder.some((s) => s.events.some((e) => e.type === 'SCOPE_EXPIRING')));
    const scope = await one.db.accessScope.findFirstOrThrow({ where: { organizationId: o.id, value: 'US' } });
    expect(scope.endsAt?.toISOString()).toBe(endsAt);
    expect(scope.expiryNotifiedAt).not.toBeNull();

    // Later events reach subscribers after earlier ones: after one more round, nothing more came.
    for (const [i, server] of [one, two].entries()) await warmUp([holder[i]!, decider[i]!], warmUpRequest(server));
    // Once per subscriber that hears the announcing instance (with Redis: every instance).
    const expected = [{ type: 'SCOPE_EXPIRING', request: { id: asked.id, status: 'APPROVED', endsAt, scopeValue: 'US' } }];
    const announced = holder.map((s) => s.events.filter((e) => e.type === 'SCOPE_EXPIRING'));
    for (const heard of announced) expect([[], expected]).toContainEqual(heard);
    expect(announced.filter((heard) => heard.length).length).toBe(process.env.TEST_REDIS_URL ? 2 : 1);
    expect(decider.flatMap((s) => s.events.filter((e) => e.type === 'SCOPE_EXPIRING'))).toEqual([]);

    const audited = await notices(scope.id);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actorId).toBeNull();
    expect(JSON.parse(audited[0]!.metadata)).toEqual({ dimension: 'region', value: 'US', endsAt, viaRequest: rawId(asked.id), extended: false });
  });

  it('does not announce a scope that ends later than the notice window', async () => {
    const far = ok(await one.gql(Ask, { value: 'EMEA', endsAt: new Date(Date.now() + 3 * 3600_000).toISOString() }, { as: o.editor })).requestAccess!;
    ok(await one.gql(ApproveRequest, { id: far.id }, { as: o.owner }));
    const sweepsBefore = await one.db.jobOccurrence.count({ where: { job: 'scopes.expiry-notice' } });
    await until(async () => (await one.db.jobOccurrence.count({ where: { job: 'scopes.expiry-notice' } })) >= sweepsBefore + 3);
    const scope = await one.db.accessScope.findFirstOrThrow({ where: { organizationId: o.id, value: 'EMEA' } });
    expect(scope.expiryNotifiedAt).toBeNull();
    expect(await notices(scope.id)).toEqual([]);
  });

  it('records without announcing a scope already extended by another, and one granted directly (no request to tell about)', async () => {
    const editor = await userIdOf(one, o.owner, o.editor);
    const soon = new Date(Date.now() + 20 * MINUTE).toISOString();
    // The editor's EMEA scope (from the previous test) runs for three hours: this one ending sooner loses nothing.
    const extended = ok(await one.gql(GrantAccessScope, { userId: editor, dimension: 'region', value: 'EMEA', endsAt: soon }, { as: o.admin })).grantAccessScope!;
    const direct = ok(await one.gql(GrantAccessScope, { userId: editor, dimension: 'region', value: 'APAC', endsAt: soon }, { as: o.admin })).grantAccessScope!;
    await until(async () => (await notices(rawId(extended.id))).length === 1 && (await notices(rawId(direct.id))).length === 1);
    expect(JSON.parse((await notices(rawId(extended.id)))[0]!.metadata)).toMatchObject({ value: 'EMEA', viaRequest: null, extended: true });
    expect(JSON.parse((await notices(rawId(direct.id)))[0]!.metadata)).toMatchObject({ value: 'APAC', viaRequest: null, extended: false });
  });
});
