// Access reviews through the API: an ADMIN or OWNER opens a review over the scopes in force and the
// role assignments (all, one KPI's, one value's) with a deadline; each item goes to the value's
// delegated approver, else the creator, else another ADMIN or OWNER, never to the member whose
// access it is; reviewers keep or revoke (revoking as revokeAccessScope/unassignRole do); progress
// is queryable; every decision is audited; the deadline gives undecided items the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { closeDueReviews } from '../src/reviews/service.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, userIdOf, type OrgFixture } from './fixtures.ts';
import { AssignRole, AuditEvents, CreateKpi, CreateRole, GrantAccessScope, Kpis, MyAccessScopes, RevokeAccessScope, SetKpiPermission } from './ops.ts';
import { AccessReviews, DecideItem, inDays, itemsOf, label, MyReviewItems, ok, OpenReview, ReviewItems, ReviewRoleItems, scopesSetup } from './reviews-ops.ts';

/** The server's time: deadlines pass when the test moves it, and the deadline job runs when the test calls it. */
const clock = manualClock();
let server: TestServer;
let o: OrgFixture;
let analyst: string;
let manager: string;
let revenue: string;
let costs: string;
const scopeIds: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ APPROVAL_SWEEP_SECONDS: '3600' }, { clock });
  o = await orgWithRoles(server, 'Reviews', { analyst: 'VIEWER', manager: 'EDITOR' });
  analyst = o.emails.analyst!;
  manager = o.emails.manager!;
  // Scopes in force: the analyst's US and EMEA, the viewer's EMEA, the admin's own US, the manager's
  // own EMEA (they are EMEA's delegated approver). Not in force: a revoked and an ended one.
  Object.assign(
    scopeIds,
    await scopesSetup(server, o, [[analyst, 'US'], [analyst, 'EMEA'], [o.viewer, 'EMEA'], [o.admin, 'US'], [manager, 'EMEA'], [o.viewer, 'US']], [[manager, 'EMEA']]),
  );
  ok(await server.gql(RevokeAccessScope, { id: scopeIds[`${o.viewer} US`]! }, { as: o.owner }));
  const viewerId = await userIdOf(server, o.owner, o.viewer);
  await server.db.accessScope.create({
    data: { organizationId: o.id, userId: rawId(viewerId), dimensionKey: 'region', value: 'APAC', startsAt: new Date(Date.now() - 86_400_000 * 2), endsAt: new Date(Date.now() - 86_400_000) },
  });
  // Roles: Analysts reach revenue (RESTRICTED), Child inherits them; Costs reach costs only.
  revenue = ok(await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region'] } }, { as: o.owner })).createKpi!.id;
  costs = ok(await server.gql(CreateKpi, { input: { key: 'costs', name: 'Costs', dimensionKeys: [] } }, { as: o.owner })).createKpi!.id;
  const analysts = ok(await server.gql(CreateRole, { name: 'Analysts' }, { as: o.owner })).createRole!.id;
  const child = ok(await server.gql(CreateRole, { name: 'Child', parentRoleId: analysts }, { as: o.owner })).createRole!.id;
  const costRole = ok(await server.gql(CreateRole, { name: 'Costs' }, { as: o.owner })).createRole!.id;
  ok(await server.gql(SetKpiPermission, { roleId: analysts, kpiId: revenue, access: 'RESTRICTED' }, { as: o.owner }));
  ok(await server.gql(SetKpiPermission, { roleId: costRole, kpiId: costs, access: 'FULL' }, { as: o.owner }));
  ok(await server.gql(AssignRole, { roleId: analysts, userId: await userIdOf(server, o.owner, analyst) }, { as: o.owner }));
  ok(await server.gql(AssignRole, { roleId: child, userId: await userIdOf(server, o.owner, o.editor) }, { as: o.owner }));
  ok(await server.gql(AssignRole, { roleId: costRole, userId: viewerId }, { as: o.owner }));
});
afterAll(() => server?.close());

describe('opening a review', () => {
  let reviewId: string;

  it('covers every scope in force and every role assignment, each with its reviewer, never its subject', async () => {
    const opened = ok(await server.gql(OpenReview, { input: { title: 'Q3 recertification', deadline: inDays(14), defaultOutcome: 'KEEP' } }, { as: o.admin })).openAccessReview!;
    reviewId = opened.id;
    expect(opened).toMatchObject({ coverage: 'ALL', status: 'OPEN', defaultOutcome: 'KEEP', progress: { total: 8, undecided: 8, kept: 0, revoked: 0, keptByDefault: 0, revokedByDefault: 0 } });
    const items = await itemsOf(server, o.admin, reviewId);
    expect(Object.fromEntries(items.map((i) => [label(i), i.reviewer!.email]))).toEqual({
      [`${analyst} US`]: o.admin, // no US delegate: the creator
      [`${analyst} EMEA`]: manager, // EMEA's delegated approver
      [`${o.viewer} EMEA`]: manager,
      [`${manager} EMEA`]: o.admin, // the delegate's own scope: the creator
      [`${o.admin} US`]: o.owner, // the creator's own scope: another ADMIN or OWNER
      [`${analyst} ROLE`]: o.admin,
      [`${o.editor} ROLE`]: o.admin,
      [`${o.viewer} ROLE`]: o.admin,
    });
    const audit = ok(await server.gql(AuditEvents, { action: 'review.open', targetId: rawId(reviewId) }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(audit.map((e) => [e.actorEmail, e.metadata])).toEqual([
      [o.admin, { title: 'Q3 recertification', coverage: 'ALL', kpiId: null, dimension: null, value: null, deadline: opened.deadline, defaultOutcome: 'KEEP', items: 8, skipped: 0 }],
    ]);
  });

  it('shows a reviewer their items, the reviews they are in and the whole progress, and nothing of others', async () => {
    const mine = ok(await server.gql(MyReviewItems, { reviewId }, { as: manager })).myReviewItems!;
    expect(mine.edges!.map((e) => label(e!.node!)).sort()).toEqual([`${analyst} EMEA`, `${o.viewer} EMEA`]);
    expect(ok(await server.gql(AccessReviews, {}, { as: manager })).accessReviews!.edges!.map((e) => e!.node!.id)).toEqual([reviewId]);
    const seen = ok(await server.gql(ReviewItems, { id: reviewId }, { as: manager })).accessReview!;
    expect(seen.items!.totalCount).toBe(2);
    expect(seen.progress.total).toBe(8);
    expect(seen.reviewers).toEqual([{ reviewer: { email: manager }, total: 2, undecided: 2 }]);
    const forAdmin = ok(await server.gql(ReviewItems, { id: reviewId }, { as: o.admin })).accessReview!;
    expect(forAdmin.reviewers).toEqual([
      { reviewer: { email: o.admin }, total: 5, undecided: 5 },
      { reviewer: { email: manager }, total: 2, undecided: 2 },
      { reviewer: { email: o.owner }, total: 1, undecided: 1 },
    ]);
    // Someone with no item in it: the review does not exist for them (null, as for an id that names none).
    const hidden = await server.gql(ReviewItems, { id: reviewId }, { as: analyst });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data).toEqual({ accessReview: null });
    expect(await server.gql(ReviewItems, { id: Buffer.from('AccessReview:nope').toString('base64') }, { as: analyst })).toEqual(hidden);
    expect(ok(await server.gql(AccessReviews, {}, { as: analyst })).accessReviews!.totalCount).toBe(0);
    expect(ok(await server.gql(MyReviewItems, {}, { as: analyst })).myReviewItems!.totalCount).toBe(0);
  });

  it('is refused to VIEWER and EDITOR by the matrix', async () => {
    for (const as of [o.viewer, o.editor, manager]) {
      const r = await server.gql(OpenReview, { input: { title: 'Mine', deadline: inDays(3), defaultOutcome: 'REVOKE' } }, { as });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.extensions!.rule).toBe('reviews.manage');
    }
  });

  it('checks its input before anything: title, deadline, one coverage, known values, something to review', async () => {
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [{ title: ' ' }, 'BAD_USER_INPUT', 'title'],
      [{ title: 'x'.repeat(121) }, 'BAD_USER_INPUT', 'title'],
      [{ deadline: inDays(-1) }, 'BAD_USER_INPUT', 'deadline'],
      [{ deadline: inDays(400) }, 'BAD_USER_INPUT', 'deadline'],
      [{ kpiId: revenue, dimension: 'region', value: 'US' }, 'BAD_USER_INPUT', 'kpiId'],
      [{ dimension: 'region' }, 'BAD_USER_INPUT', 'value'],
      [{ dimension: 'region', value: 'Mars' }, 'BAD_USER_INPUT', 'value'],
      [{ dimension: 'region', value: 'APAC' }, 'BAD_USER_INPUT', undefined],
    ];
    const before = await server.db.accessReview.count({ where: { organizationId: o.id } });
    for (const [input, code, field] of cases) {
      const r = await server.gql(OpenReview, { input: { title: 'Checked', deadline: inDays(3), defaultOutcome: 'KEEP', ...input } }, { as: o.admin });
      expect(codes(r)).toEqual([code]);
      expect(r.errors![0]!.extensions!.field).toBe(field);
    }
    expect(await server.db.accessReview.count({ where: { organizationId: o.id } })).toBe(before);
  });

  it("covers one KPI: the scopes on its dimensions and the assignments of roles that reach it, inherited ones included", async () => {
    const review = ok(await server.gql(OpenReview, { input: { title: 'Revenue', deadline: inDays(7), defaultOutcome: 'KEEP', kpiId: revenue } }, { as: o.owner })).openAccessReview!;
    expect(review).toMatchObject({ coverage: 'KPI', kpi: { key: 'revenue' } });
    expect((await itemsOf(server, o.owner, review.id)).map(label).sort()).toEqual(
      [`${analyst} EMEA`, `${analyst} ROLE`, `${analyst} US`, `${manager} EMEA`, `${o.admin} US`, `${o.editor} ROLE`, `${o.viewer} EMEA`].sort(),
    );
    const onCosts = ok(await server.gql(OpenReview, { input: { title: 'Costs', deadline: inDays(7), defaultOutcome: 'KEEP', kpiId: costs } }, { as: o.owner })).openAccessReview!;
    expect((await itemsOf(server, o.owner, onCosts.id)).map(label)).toEqual([`${o.viewer} ROLE`]);
  });

  it('covers one dimension value: its scopes and those on *', async () => {
    const holder = await userIdOf(server, o.owner, o.editor);
    ok(await server.gql(GrantAccessScope, { userId: holder, dimension: 'region', value: '*' }, { as: o.owner }));
    const review = ok(await server.gql(OpenReview, { input: { title: 'EMEA', deadline: inDays(7), defaultOutcome: 'REVOKE', dimension: 'region', value: 'EMEA' } }, { as: o.owner })).openAccessReview!;
    expect(review).toMatchObject({ coverage: 'DIMENSION_VALUE', dimension: { key: 'region' }, value: 'EMEA' });
    const items = await itemsOf(server, o.owner, review.id);
    expect(Object.fromEntries(items.map((i) => [label(i), i.reviewer!.email]))).toEqual({
      [`${analyst} EMEA`]: manager,
      [`${o.viewer} EMEA`]: manager,
      [`${manager} EMEA`]: o.owner,
      // A scope on every value has no value delegate: the creator.
      [`${o.editor} *`]: o.owner,
    });
  });
});

describe('deciding items', () => {
  let reviewId: string;
  let items: Awaited<ReturnType<typeof itemsOf>>;
  const item = (key: string) => items.find((i) => label(i) === key)!;

  beforeAll(async () => {
    reviewId = ok(await server.gql(OpenReview, { input: { title: 'Decisions', deadline: inDays(5), defaultOutcome: 'KEEP' } }, { as: o.admin })).openAccessReview!.id;
    items = await itemsOf(server, o.admin, reviewId);
  });

  it("revokes a scope as revokeAccessScope does: gone from the holder's access, version bumped, audited", async () => {
    const version = (await server.db.organization.findUniqueOrThrow({ where: { id: o.id } })).accessVersion;
    const decided = ok(await server.gql(DecideItem, { id: item(`${analyst} EMEA`).id, decision: 'REVOKE' }, { as: manager })).decideReviewItem!;
    expect(decided).toMatchObject({ decision: 'REVOKE', automatic: false, decidedBy: { email: manager } });
    const held = ok(await server.gql(MyAccessScopes, undefined, { as: analyst })).myAccessScopes!;
    expect(held.map((s) => s.value)).toEqual(['US']);
    expect((await server.db.organization.findUniqueOrThrow({ where: { id: o.id } })).accessVersion).toBe(version + 1);

    const scopeId = rawId(scopeIds[`${analyst} EMEA`]!);
    const revoke = ok(await server.gql(AuditEvents, { action: 'scope.revoke', targetId: scopeId }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(revoke.map((e) => [e.actorEmail, e.metadata])).toEqual([[manager, { dimension: 'region', value: 'EMEA', viaReview: reviewId, reviewItem: decided.id }]]);
    const decision = ok(await server.gql(AuditEvents, { action: 'review.item.decide', targetId: rawId(decided.id) }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(decision.map((e) => [e.actorEmail, e.metadata])).toEqual([
      [manager, { review: reviewId, itemType: 'SCOPE', subjectUserId: await userIdOf(server, o.owner, analyst), decision: 'REVOKE', automatic: false }],
    ]);
  });

  it('decides an item once: a second decision is a CONFLICT that changes nothing', async () => {
    const again = await server.gql(DecideItem, { id: item(`${analyst} EMEA`).id, decision: 'KEEP' }, { as: o.admin });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'reviews.decided-once' });
    const kept = ok(await server.gql(DecideItem, { id: item(`${o.viewer} EMEA`).id, decision: 'KEEP' }, { as: manager })).decideReviewItem!;
    expect(kept.decision).toBe('KEEP');
    expect(ok(await server.gql(MyAccessScopes, undefined, { as: o.viewer })).myAccessScopes!.filter((s) => s.active).map((s) => s.value)).toEqual(['EMEA']);
  });

  it("refuses a VIEWER or EDITOR another reviewer's item, and anyone their own access", async () => {
    const notTheirs = await server.gql(DecideItem, { id: item(`${analyst} US`).id, decision: 'REVOKE' }, { as: manager });
    expect(notTheirs.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'reviews.decide', approvers: ['ADMIN', 'OWNER'] });
    const own = await server.gql(DecideItem, { id: item(`${o.admin} US`).id, decision: 'KEEP' }, { as: o.admin });
    expect(own.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'reviews.no-self-review' });
    const ownAsDelegate = await server.gql(DecideItem, { id: item(`${manager} EMEA`).id, decision: 'KEEP' }, { as: manager });
    expect(ownAsDelegate.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'reviews.no-self-review' });
    expect(ok(await server.gql(ReviewItems, { id: reviewId }, { as: o.admin })).accessReview!.progress).toMatchObject({ total: items.length, undecided: items.length - 2, kept: 1, revoked: 1 });
    // The refusals are audited as denials.
    const denied = await server.db.auditEvent.count({ where: { organizationId: o.id, action: 'auth.denied' } });
    expect(denied).toBeGreaterThanOrEqual(3);
  });

  it('lets an ADMIN or OWNER decide an item assigned to someone else', async () => {
    const decided = ok(await server.gql(DecideItem, { id: item(`${o.admin} US`).id, decision: 'KEEP' }, { as: o.owner })).decideReviewItem!;
    expect(decided).toMatchObject({ decision: 'KEEP', decidedBy: { email: o.owner } });
  });

  it("revokes a role assignment as unassignRole does: the KPI is gone for the member, and the item still names the role", async () => {
    expect(ok(await server.gql(Kpis, {}, { as: analyst })).kpis!.edges!.map((e) => e!.node!.key)).toEqual(['revenue']);
    const roleItem = item(`${analyst} ROLE`);
    ok(await server.gql(DecideItem, { id: roleItem.id, decision: 'REVOKE' }, { as: o.admin }));
    expect(ok(await server.gql(Kpis, {}, { as: analyst })).kpis!.totalCount).toBe(0);
    const roles = ok(await server.gql(ReviewRoleItems, { id: reviewId }, { as: o.admin })).accessReview!.items!.edges!.map((e) => e!.node!);
    expect(roles.find((i) => i.id === roleItem.id)).toMatchObject({ itemType: 'ROLE_ASSIGNMENT', decision: 'REVOKE', subject: { email: analyst }, role: { name: 'Analysts' } });
    const unassign = ok(await server.gql(AuditEvents, { action: 'role.unassign' }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(unassign.map((e) => [e.actorEmail, e.metadata])).toEqual([[o.admin, { role: 'Analysts', email: analyst, viaReview: reviewId, reviewItem: roleItem.id }]]);
  });

  it('keeps access that went away meanwhile as it is: REVOKE of a revoked scope changes nothing more', async () => {
    const other = ok(await server.gql(OpenReview, { input: { title: 'Overlap', deadline: inDays(5), defaultOutcome: 'KEEP', dimension: 'region', value: 'US' } }, { as: o.owner })).openAccessReview!;
    const target = (await itemsOf(server, o.owner, other.id)).find((i) => label(i) === `${analyst} US`)!;
    ok(await server.gql(RevokeAccessScope, { id: scopeIds[`${analyst} US`]! }, { as: o.owner }));
    const version = (await server.db.organization.findUniqueOrThrow({ where: { id: o.id } })).accessVersion;
    ok(await server.gql(DecideItem, { id: target.id, decision: 'REVOKE' }, { as: o.admin }));
    expect((await server.db.organization.findUniqueOrThrow({ where: { id: o.id } })).accessVersion).toBe(version);
    expect(await server.db.auditEvent.count({ where: { organizationId: o.id, action: 'scope.revoke', targetId: rawId(scopeIds[`${analyst} US`]!) } })).toBe(1);
  });
});

describe('the deadline', () => {
  it('gives undecided items the default (REVOKE here) once, closes the review, and refuses later decisions', async () => {
    const holder = await userIdOf(server, o.owner, o.viewer);
    const apac = ok(await server.gql(GrantAccessScope, { userId: holder, dimension: 'region', value: 'APAC' }, { as: o.owner })).grantAccessScope!.id;
    ok(await server.gql(GrantAccessScope, { userId: await userIdOf(server, o.owner, o.editor), dimension: 'region', value: 'APAC' }, { as: o.owner }));
    const deadline = new Date(clock.now().getTime() + 2500).toISOString();
    const review = ok(await server.gql(OpenReview, { input: { title: 'APAC', deadline, defaultOutcome: 'REVOKE', dimension: 'region', value: 'APAC' } }, { as: o.admin })).openAccessReview!;
    const items = await itemsOf(server, o.admin, review.id);
    const keep = items.find((i) => i.scope?.value === 'APAC' && i.subject?.email === o.editor)!;
    ok(await server.gql(DecideItem, { id: keep.id, decision: 'KEEP' }, { as: o.admin }));

    expect(await closeDueReviews(server.app.services)).toBe(0);
    clock.advance(2500);
    // Two runs of the job (as two instances would): the review closes once.
    expect(await Promise.all([closeDueReviews(server.app.services), closeDueReviews(server.app.services)])).toEqual(expect.arrayContaining([1, 0]));
    const closed = ok(await server.gql(ReviewItems, { id: review.id }, { as: o.admin })).accessReview!;
    expect(Date.parse(closed.closedAt!)).toBeGreaterThanOrEqual(Date.parse(deadline));
    expect(closed.progress).toEqual({ total: items.length, undecided: 0, kept: 1, revoked: 0, keptByDefault: 0, revokedByDefault: items.length - 1 });
    const auto = closed.items!.edges!.map((e) => e!.node!).filter((i) => i.id !== keep.id);
    expect(auto.every((i) => i.decision === 'REVOKE' && i.automatic && i.decidedBy === null)).toBe(true);
    expect(ok(await server.gql(MyAccessScopes, undefined, { as: o.viewer })).myAccessScopes!.filter((s) => s.active).map((s) => s.value)).toEqual(['EMEA']);
    // The editor's scope on every value covered APAC too, and nobody kept it.
    expect(ok(await server.gql(MyAccessScopes, undefined, { as: o.editor })).myAccessScopes!.map((s) => s.value).sort()).toEqual(['APAC']);

    const closes = ok(await server.gql(AuditEvents, { action: 'review.close', targetId: rawId(review.id) }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(closes.map((e) => [e.actorEmail, e.metadata])).toEqual([[null, { kept: 1, revoked: 0, keptByDefault: 0, revokedByDefault: items.length - 1 }]]);
    const revokes = ok(await server.gql(AuditEvents, { action: 'scope.revoke', targetId: rawId(apac) }, { as: o.owner })).auditEvents!.edges!.map((e) => e!.node!);
    expect(revokes.map((e) => [e.actorEmail, (e.metadata as { viaReview: string }).viaReview])).toEqual([[null, review.id]]);

    const late = await server.gql(DecideItem, { id: auto[0]!.id, decision: 'KEEP' }, { as: o.admin });
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'reviews.decided-once' });
    expect(ok(await server.gql(AccessReviews, { status: 'CLOSED' }, { as: o.admin })).accessReviews!.edges!.map((e) => e!.node!.id)).toEqual([review.id]);
  });

  it('refuses a decision once the deadline has passed, even before the job has run', async () => {
    const holder = await userIdOf(server, o.owner, o.viewer);
    ok(await server.gql(GrantAccessScope, { userId: holder, dimension: 'region', value: 'APAC' }, { as: o.owner }));
    const review = ok(
      await server.gql(OpenReview, { input: { title: 'Past', deadline: new Date(clock.now().getTime() + 1500).toISOString(), defaultOutcome: 'KEEP', dimension: 'region', value: 'APAC' } }, { as: o.admin }),
    ).openAccessReview!;
    const items = await itemsOf(server, o.admin, review.id);
    // The deadline passes; the job (an hour away) does not run.
    clock.advance(1501);
    const late = await server.gql(DecideItem, { id: items[0]!.id, decision: 'REVOKE' }, { as: o.admin });
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'reviews.closed' });
    expect(ok(await server.gql(ReviewItems, { id: review.id }, { as: o.admin })).accessReview!.progress).toMatchObject({ undecided: items.length, revoked: 0 });
  });
});
