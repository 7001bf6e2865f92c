// Time-bound access through the API: requestAccess takes an end date or a duration, capped by the
// organization's maxAccessDays (set by ADMIN and OWNER, audited); approval grants exactly that
// window; a held scope that ends before the asked end does not block asking again (extension),
// one that covers it does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { graphql } from './gql/index.ts';
import { ApproveRequest, AuditEvents, CreateDimension, GrantAccessScope, MyAccessScopes } from './ops.ts';

const Ask = graphql(`
  mutation TimeBoundAsk($dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime, $durationDays: Int) {
    requestAccess(dimension: $dimension, value: $value, justification: "time-bound", startsAt: $startsAt, endsAt: $endsAt, durationDays: $durationDays) {
      id status summary startsAt endsAt
    }
  }
`);

const SetMax = graphql(`
  mutation TimeBoundSetMax($days: Int) { setMaxAccessDays(days: $days) { id maxAccessDays } }
`);

const OrgMax = graphql(`
  query TimeBoundOrgMax { organization { maxAccessDays } }
`);

const DAY = 86_400_000;
let server: TestServer;
let o: OrgFixture;

const ok = <R>(r: GqlResult<R>): R => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Timebound', { analyst: 'VIEWER', planner: 'EDITOR' });
  ok(await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA', 'APAC', 'LATAM'] }, { as: o.admin }));
});
afterAll(() => server?.close());

describe('the organization maximum', () => {
  it('is set by ADMIN and OWNER, read by every member, and audited with its old and new value', async () => {
    expect(ok(await server.gql(SetMax, { days: 30 }, { as: o.admin })).setMaxAccessDays?.maxAccessDays).toBe(30);
    expect(ok(await server.gql(OrgMax, undefined, { as: o.viewer })).organization?.maxAccessDays).toBe(30);
    expect(ok(await server.gql(SetMax, { days: 45 }, { as: o.owner })).setMaxAccessDays?.maxAccessDays).toBe(45);
    const audit = ok(await server.gql(AuditEvents, { action: 'organization.max-access-days' }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(audit.map((e) => [e.actorEmail, e.metadata])).toEqual([
      [o.owner, { from: 30, to: 45 }],
      [o.admin, { from: null, to: 30 }],
    ]);
  });

  it('is refused to VIEWER and EDITOR, and checked: whole days from 1 to 3650', async () => {
    for (const as of [o.viewer, o.editor]) {
      const r = await server.gql(SetMax, { days: 1 }, { as });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('kpis.manage');
    }
    for (const days of [0, -3, 3651]) {
      const r = await server.gql(SetMax, { days }, { as: o.owner });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('days');
    }
    expect(ok(await server.gql(OrgMax, undefined, { as: o.owner })).organization?.maxAccessDays).toBe(45);
  });
});

describe('requestAccess with a window', () => {
  beforeAll(async () => {
    ok(await server.gql(SetMax, { days: 30 }, { as: o.owner }));
  });

  it('ends a duration that many days after startsAt, and grants exactly that window on approval', async () => {
    const startsAt = new Date(Date.now() + DAY).toISOString();
    const asked = ok(await server.gql(Ask, { dimension: 'region', value: 'US', startsAt, durationDays: 10 }, { as: o.viewer })).requestAccess!;
    expect(asked).toMatchObject({ status: 'PENDING', startsAt, endsAt: new Date(Date.parse(startsAt) + 10 * DAY).toISOString() });
    expect(asked.summary).toBe(`Access to KPI rows where region=US until ${asked.endsAt!.slice(0, 10)}`);
    ok(await server.gql(ApproveRequest, { id: asked.id }, { as: o.admin }));
    const held = ok(await server.gql(MyAccessScopes, undefined, { as: o.viewer })).myAccessScopes!;
    expect(held.map((s) => ({ value: s.value, startsAt: s.startsAt, endsAt: s.endsAt, active: s.active }))).toEqual([
      { value: 'US', startsAt, endsAt: asked.endsAt, active: false },
    ]);
  });

  it('counts a duration without startsAt from the moment of asking', async () => {
    const before = Date.now();
    const asked = ok(await server.gql(Ask, { dimension: 'region', value: 'EMEA', durationDays: 7 }, { as: o.editor })).requestAccess!;
    const after = Date.now();
    expect(asked.startsAt).toBeNull();
    const end = Date.parse(asked.endsAt!);
    expect(end).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(end).toBeLessThanOrEqual(after + 7 * DAY);
  });

  it('caps an open-ended request at the maximum, and refuses a longer one naming the field and the maximum', async () => {
    const before = Date.now();
    const open = ok(await server.gql(Ask, { dimension: 'region', value: 'APAC' }, { as: o.viewer })).requestAccess!;
    expect(Date.parse(open.endsAt!)).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(Date.parse(open.endsAt!)).toBeLessThanOrEqual(Date.now() + 30 * DAY);

    const long = await server.gql(Ask, { dimension: 'region', value: 'LATAM', durationDays: 31 }, { as: o.viewer });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors![0]!.extensions).toMatchObject({ field: 'durationDays', maxDays: 30 });
    const far = await server.gql(Ask, { dimension: 'region', value: 'LATAM', endsAt: new Date(Date.now() + 31 * DAY).toISOString() }, { as: o.viewer });
    expect(codes(far)).toEqual(['BAD_USER_INPUT']);
    expect(far.errors![0]!.extensions).toMatchObject({ field: 'endsAt', maxDays: 30 });
    expect(far.errors![0]!.message).toMatch(/^This organization grants access for at most 30 days at a time/);
  });

  it('refuses both an end and a duration, a duration out of range, and an end in the past, before any request opens', async () => {
    const pendingBefore = await server.db.approvalRequest.count({ where: { organizationId: o.id, status: 'PENDING' } });
    const cases: [Record<string, unknown>, string][] = [
      [{ endsAt: new Date(Date.now() + DAY).toISOString(), durationDays: 1 }, 'durationDays'],
      [{ durationDays: 0 }, 'durationDays'],
      [{ durationDays: 3651 }, 'durationDays'],
      [{ endsAt: new Date(Date.now() - DAY).toISOString() }, 'endsAt'],
    ];
    for (const [window, field] of cases) {
      const r = await server.gql(Ask, { dimension: 'region', value: 'LATAM', ...window }, { as: o.emails.analyst! });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe(field);
    }
    expect(await server.db.approvalRequest.count({ where: { organizationId: o.id, status: 'PENDING' } })).toBe(pendingBefore);
  });
});

describe('extension is a new request', () => {
  it('lets a holder whose scope ends soon ask for a later end, and refuses one the held scope already covers', async () => {
    const as = o.emails.planner!;
    const planner = await userIdOf(server, o.owner, as);
    const endsSoon = new Date(Date.now() + 2 * DAY).toISOString();
    ok(await server.gql(GrantAccessScope, { userId: planner, dimension: 'region', value: 'US', endsAt: endsSoon }, { as: o.admin }));

    const covered = await server.gql(Ask, { dimension: 'region', value: 'US', endsAt: new Date(Date.now() + DAY).toISOString() }, { as });
    expect(codes(covered)).toEqual(['CONFLICT']);
    expect(covered.errors![0]!.extensions!.rule).toBe('scopes.already-held');
    expect(covered.errors![0]!.message).toBe(
      `You already hold a scope on region=US until ${endsSoon} that covers what you ask for; to extend it, ask for an end after that.`,
    );

    const extension = ok(await server.gql(Ask, { dimension: 'region', value: 'US', durationDays: 20 }, { as })).requestAccess!;
    expect(extension.status).toBe('PENDING');
    // One pending request per value: a second extension waits for the first.
    const again = await server.gql(Ask, { dimension: 'region', value: 'US', durationDays: 25 }, { as });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'scopes.duplicate-request' });

    ok(await server.gql(ApproveRequest, { id: extension.id }, { as: o.owner }));
    const held = ok(await server.gql(MyAccessScopes, undefined, { as })).myAccessScopes!.filter((s) => s.value === 'US');
    expect(held.map((s) => s.endsAt).sort()).toEqual([endsSoon, extension.endsAt].sort());
    expect(held.every((s) => s.active)).toBe(true);
    // Now held until day 20: asking until day 15 is covered.
    const covers = await server.gql(Ask, { dimension: 'region', value: 'US', durationDays: 15 }, { as });
    expect(covers.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'scopes.already-held' });
  });

  it('refuses any request for a value held without an end, or through *', async () => {
    const as = o.emails.analyst!;
    const analyst = await userIdOf(server, o.owner, as);
    ok(await server.gql(GrantAccessScope, { userId: analyst, dimension: 'region', value: '*' }, { as: o.admin }));
    const r = await server.gql(Ask, { dimension: 'region', value: 'EMEA', durationDays: 3 }, { as });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'scopes.already-held' });
    expect(r.errors![0]!.message).toBe('You already hold a scope on region=* that covers what you ask for; to extend it, ask for an end after that.');
    const audit = ok(await server.gql(AuditEvents, { action: 'approval.request' }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(audit.some((e) => e.actorEmail === as)).toBe(false);
  });
});
