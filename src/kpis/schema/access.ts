// Explained KPI access: `myAccess` for any member, `explainAccess` of any member for ADMIN and
// OWNER. Both answer with the same explanation (src/kpis/explain.ts).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { ApprovalRequestRef, ApprovalRouteRef } from '../../approvals/schema.ts';
import { DecisionRef } from '../../decision-schema.ts';
import { builder } from '../../builder.ts';
import { UserRef } from '../../identity/schema.ts';
import { explainAccess, myAccess, type AccessExplanation, type DimensionAccessView, type GrantPathView, type ValueCheck } from '../explain.ts';
import type { ScopeWindow } from '../policy.ts';
import { KpiAccessEnum, KpiRef } from './kpi.ts';
import { referencedMember } from '../../identity/members.ts';

const AccessBasisEnum = builder.enumType('KpiAccessBasis', {
  values: {
    ORG_ROLE: { description: 'ADMIN and OWNER read every KPI in full.' },
    CREATOR: { description: 'An EDITOR has FULL on the KPIs they created.' },
    GRANT: { description: 'The strongest grant of the custom roles held directly or through groups (with their parents).' },
    NO_GRANT: { description: 'No custom role held grants RESTRICTED or FULL.' },
    INACTIVE: { description: 'The membership is not active: no access at all.' },
  } as const,
});
const GrantViaEnum = builder.enumType('KpiGrantVia', { values: ['DIRECT', 'GROUP'] as const });

type PathStep = { id: string; name: string; type: 'Role' | 'Group' };
const PathStepRef = builder.objectRef<PathStep>('AccessPathStep').implement({
  description: 'A custom role or group on the way from a member to a KPI permission (its id is the Role or Group id).',
  fields: (t) => ({
    id: t.id({ resolve: (step) => encodeGlobalID(step.type, step.id) }),
    name: t.exposeString('name'),
  }),
});

const GrantPathRef = builder.objectRef<GrantPathView>('KpiGrantPath').implement({
  description: 'One KPI permission reaching the member: through which group, which role, and which parent role carries it.',
  fields: (t) => ({
    access: t.field({ type: KpiAccessEnum, resolve: (g) => g.access }),
    via: t.field({ type: GrantViaEnum, resolve: (g) => g.via }),
    group: t.field({ type: PathStepRef, nullable: true, resolve: (g) => (g.group ? { ...g.group, type: 'Group' as const } : null) }),
    roles: t.field({
      type: [PathStepRef],
      description: 'The role held, then its parents up to the one the permission names.',
      resolve: (g) => g.roles.map((r) => ({ ...r, type: 'Role' as const })),
    }),
    wins: t.exposeBoolean('wins', { description: 'This grant gives the effective access (the strongest wins).' }),
    description: t.exposeString('description'),
  }),
});

const ScopeWindowRef = builder.objectRef<ScopeWindow>('KpiScopeWindow').implement({
  fields: (t) => ({
    value: t.exposeString('value', { description: 'A value of the dimension, or * for every value.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true }),
    active: t.exposeBoolean('active'),
  }),
});

const DimensionAccessRef = builder.objectRef<DimensionAccessView>('KpiDimensionAccess').implement({
  description: 'For a RESTRICTED KPI: the scopes on one of its dimensions.',
  fields: (t) => ({
    dimension: t.exposeString('dimension'),
    values: t.exposeStringList('values', { description: 'Active values (* means every value); none means no row is visible.' }),
    scopes: t.field({ type: [ScopeWindowRef], description: 'Scopes not revoked, active or not, with their windows.', resolve: (d) => d.scopes }),
    nextBoundary: t.expose('nextBoundary', { type: 'DateTime', nullable: true, description: 'When a scope on this dimension opens or closes next.' }),
    decision: t.field({ type: DecisionRef, resolve: (d) => d.decision }),
    request: t.field({ type: ApprovalRouteRef, nullable: true, description: 'Who would decide a request for a value of it, when none is held and one may be asked for.', resolve: (d) => d.request }),
  }),
});

const ValueCheckRef = builder.objectRef<ValueCheck>('KpiValueCheck').implement({
  description: 'Whether rows with this dimension value are visible, and if not, what is missing and how to ask for it.',
  fields: (t) => ({
    dimension: t.exposeString('dimension'),
    value: t.exposeString('value'),
    decision: t.field({ type: DecisionRef, resolve: (c) => c.decision }),
    request: t.field({ type: ApprovalRouteRef, nullable: true, description: 'The ACCESS_SCOPE request that would grant it: who may approve and how many approvals it needs.', resolve: (c) => c.request }),
    pendingRequest: t.field({ type: ApprovalRequestRef, nullable: true, description: 'The pending request for it, if one was made.', resolve: (c) => c.pendingRequest }),
  }),
});

const AccessExplanationRef = builder.objectRef<AccessExplanation>('KpiAccessExplanation').implement({
  description: "A member's effective access to a KPI, why, and what would change it.",
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (e, _a, ctx) => referencedMember(ctx, e.userId) }),
    kpi: t.field({ type: KpiRef, nullable: true, description: 'Null when the member asks about a KPI they may not see.', resolve: (e) => e.kpi }),
    access: t.field({ type: KpiAccessEnum, resolve: (e) => e.access }),
    basis: t.field({ type: AccessBasisEnum, resolve: (e) => e.basis }),
    decision: t.field({ type: DecisionRef, description: 'The rule that gives the effective access, and the next step when it is NONE.', resolve: (e) => e.decision }),
    grants: t.field({ type: [GrantPathRef], description: 'Every custom-role grant on the KPI that reaches the member, strongest first.', resolve: (e) => e.grants }),
    dimensions: t.field({ type: [DimensionAccessRef], description: 'RESTRICTED only: the scopes per dimension of the KPI.', resolve: (e) => e.dimensions }),
    nextBoundary: t.expose('nextBoundary', { type: 'DateTime', nullable: true, description: 'RESTRICTED only: when the visible rows change next (a scope window opens or closes).' }),
    checks: t.field({ type: [ValueCheckRef], description: 'One per dimension value asked about in `row`.', resolve: (e) => e.checks }),
    rowVisible: t.exposeBoolean('rowVisible', { nullable: true, description: 'Whether a row with the values asked about is visible (null when `row` does not name every dimension of a RESTRICTED KPI).' }),
  }),
});

const RowValueInput = builder.inputType('KpiRowValue', {
  description: 'A dimension value of a row, e.g. { dimension: "region", value: "EMEA" }.',
  fields: (t) => ({ dimension: t.string({ required: true }), value: t.string({ required: true }) }),
});

builder.queryFields((t) => ({
  myAccess: t.field({
    type: AccessExplanationRef,
    description: "The caller's access to a KPI: the effective access, the grant that gives it, the active scopes and, for the values in `row`, what is missing and who may grant it.",
    authScopes: { member: true },
    args: { kpiId: t.arg.globalID({ required: true, for: KpiRef }), row: t.arg({ type: [RowValueInput] }) },
    resolve: (_r, a, ctx) => myAccess(ctx, a.kpiId.id, a.row),
  }),
  explainAccess: t.field({
    type: AccessExplanationRef,
    description: "ADMIN and OWNER: any member's access to a KPI, explained as myAccess explains one's own.",
    authScopes: { can: 'kpis.explainAccess' },
    args: { userId: t.arg.globalID({ required: true, for: UserRef }), kpiId: t.arg.globalID({ required: true, for: KpiRef }), row: t.arg({ type: [RowValueInput] }) },
    resolve: (_r, a, ctx) => explainAccess(ctx, a.userId.id, a.kpiId.id, a.row),
  }),
}));
