// Access scopes: one's own (`myAccessScopes`), granting, revoking and delegating their approval
// (ADMIN, OWNER), and requesting one (VIEWER, EDITOR) as an ACCESS_SCOPE approval request.
import { AccessScopeApprovalDetailsRef, ApprovalRequestRef } from '../../approvals/schema.ts';
import { builder } from '../../builder.ts';
import type { AccessScope } from '../../db/client.ts';
import { OrganizationRef, UserRef } from '../../identity/schema.ts';
import { dimensionByKey, required } from '../../loaders.ts';
import { isActive } from '../access.ts';
import { seesEveryScope } from '../policy.ts';
import { grantAccessScope, MAX_ACCESS_DAYS, requestAccess, revokeAccessScope, setMaxAccessDays, setScopeApprover } from '../scopes.ts';
import { DimensionRef } from './dimension.ts';
import { referencedMember } from '../../identity/members.ts';

export const AccessScopeRef = builder.node(builder.objectRef<AccessScope>('AccessScope'), {
  id: { resolve: (s) => s.id },
  authScopes: { member: true },
  loadMany: (ids, ctx) =>
    ctx.db.accessScope.findMany({ where: { id: { in: ids }, ...(seesEveryScope(ctx.member.role) ? {} : { userId: ctx.user.id }) } }),
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (s, _a, ctx) => referencedMember(ctx, s.userId) }),
    // Dimensions are never deleted, and a scope names one that existed.
    dimension: t.field({ type: DimensionRef, resolve: (s, _a, ctx) => required(dimensionByKey(ctx).load(s.dimensionKey), `dimension ${s.dimensionKey}`) }),
    value: t.exposeString('value', { description: 'A dimension value, or * for every value of the dimension.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true }),
    active: t.boolean({
      description: 'True while now is inside [startsAt, endsAt) and the scope is not revoked.',
      resolve: (s, _a, ctx) => isActive(s, ctx.services.clock.now()),
    }),
  }),
});

// The same field, the same resolver, on the request and on its details.
for (const ref of [ApprovalRequestRef, AccessScopeApprovalDetailsRef])
  builder.objectField(ref, 'dimension', (t) =>
    t.field({ type: DimensionRef, nullable: true, resolve: (r, _a, ctx) => (r.dimensionKey ? dimensionByKey(ctx).load(r.dimensionKey) : null) }),
  );

builder.objectField(OrganizationRef, 'maxAccessDays', (t) =>
  t.exposeInt('maxAccessDays', { nullable: true, description: 'The longest window an access request may ask for, in days; null: no maximum.' }),
);

builder.queryField('myAccessScopes', (t) =>
  t.field({
    type: [AccessScopeRef],
    description: "The caller's scopes that are not revoked, active or not (see `active`).",
    authScopes: { member: true },
    resolve: (_r, _a, ctx) => ctx.db.accessScope.findMany({ where: { userId: ctx.user.id, revokedAt: null }, orderBy: [{ dimensionKey: 'asc' }, { value: 'asc' }] }),
  }),
);

const subject = builder.args((t) => ({
  dimension: t.string({ required: true }),
  value: t.string({ required: true, description: 'A value of the dimension, or * for every value.' }),
}));
const window = builder.args((t) => ({
  startsAt: t.field({ type: 'DateTime' }),
  endsAt: t.field({ type: 'DateTime' }),
}));

builder.mutationFields((t) => ({
  grantAccessScope: t.field({
    type: AccessScopeRef,
    description: 'FORBIDDEN (kpis.grant-to-invited) for a member who has not accepted their invitation.',
    authScopes: { can: 'kpis.manage' },
    args: { userId: t.arg.globalID({ required: true, for: UserRef }), ...subject, ...window },
    resolve: (_r, a, ctx) => grantAccessScope(ctx, a.userId.id, a.dimension, a.value, a.startsAt, a.endsAt),
  }),
  revokeAccessScope: t.field({
    type: AccessScopeRef,
    authScopes: { can: 'kpis.manage' },
    args: { id: t.arg.globalID({ required: true, for: AccessScopeRef }) },
    resolve: (_r, a, ctx) => revokeAccessScope(ctx, a.id.id),
  }),
  setScopeApprover: t.boolean({
    description: 'Lets a member decide ACCESS_SCOPE requests for the value; FORBIDDEN (kpis.grant-to-invited) until they have accepted their invitation.',
    authScopes: { can: 'kpis.manage' },
    args: { ...subject, userId: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: (_r, a, ctx) => setScopeApprover(ctx, a.dimension, a.value, a.userId.id),
  }),
  requestAccess: t.field({
    type: ApprovalRequestRef,
    description:
      'Opens an ACCESS_SCOPE request for a window that ends at `endsAt` or `durationDays` after `startsAt` (or now), capped by the organization\'s `maxAccessDays`. CONFLICT when one for the same value is pending, or a scope held already covers the window (ask for a later end to extend it).',
    authScopes: { can: 'kpis.requestAccess' },
    args: {
      ...subject,
      justification: t.arg.string({ required: true }),
      ...window,
      durationDays: t.arg.int({ description: `Instead of endsAt: how many days the access lasts (1 to ${MAX_ACCESS_DAYS}).` }),
    },
    resolve: (_r, a, ctx) => requestAccess(ctx, a.dimension, a.value, a.justification, { startsAt: a.startsAt, endsAt: a.endsAt, durationDays: a.durationDays }),
  }),
  setMaxAccessDays: t.field({
    type: OrganizationRef,
    description: `The longest window an access request may ask for, in days (1 to ${MAX_ACCESS_DAYS}); null removes the maximum. Audited.`,
    authScopes: { can: 'kpis.manage' },
    args: { days: t.arg.int() },
    resolve: (_r, a, ctx) => setMaxAccessDays(ctx, a.days),
  }),
}));
