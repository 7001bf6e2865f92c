// Unit tests of the KPI rules, for every role and access level.
import { describe, expect, it } from 'vitest';
import { ORG_ROLES } from '../authz/matrix.ts';
import {
  accessBasis, describeGrantPath, dimensionDecision, explainOthersDecision, grantPaths, grantRecipientDecision, heldScopeCovers, KPI_ACCESS_LEVELS, nextBoundary, ownsCreatedKpis, scopeDecision, seesEveryScope, writeKpiDecision,
} from './policy.ts';

describe('KPI policy', () => {
  it('gives FULL on the KPIs they created to writers without FULL everywhere: the EDITOR', () => {
    expect(Object.fromEntries(ORG_ROLES.map((r) => [r, ownsCreatedKpis(r)]))).toEqual({ VIEWER: false, EDITOR: true, ADMIN: false, OWNER: false });
  });

  it('lets a writer write only with FULL access to the KPI', () => {
    for (const role of ['EDITOR', 'ADMIN', 'OWNER'] as const) {
      expect(writeKpiDecision(role, 'revenue', 'FULL')).toEqual({ allowed: true, rule: 'kpis.record-needs-full', reason: 'Allowed.', nextStep: null });
      for (const access of ['RESTRICTED', 'NONE'] as const)
        expect(writeKpiDecision(role, 'revenue', access)).toEqual({
          allowed: false,
          rule: 'kpis.record-needs-full',
          reason: `Writing to KPI "revenue" needs FULL access to it; yours is ${access}.`,
          nextStep: 'Ask an ADMIN to grant FULL through a custom role.',
          approvers: ['ADMIN', 'OWNER'],
        });
    }
  });

  it('refuses a VIEWER writing by the matrix, whatever their access', () => {
    for (const access of KPI_ACCESS_LEVELS) {
      const decision = writeKpiDecision('VIEWER', 'revenue', access);
      expect(decision).toMatchObject({ allowed: false, rule: 'kpis.write', approvers: ['ADMIN', 'OWNER'] });
      expect(decision.reason).toMatch(/^Permission to create KPIs, record data and create alerts belongs to .*; your role here is VIEWER\.$/);
    }
  });

  it('gives roles, groups, scopes and delegations only to members who accepted their invitation', () => {
    expect(grantRecipientDecision('INVITED')).toEqual({
      allowed: false,
      rule: 'kpis.grant-to-invited',
      reason: 'This person has not accepted their invitation yet: an invitation is inert until accepted.',
      nextStep: 'Grant roles, groups and scopes after they accept it.',
    });
    expect(grantRecipientDecision('ACTIVE')).toMatchObject({ allowed: true, rule: 'kpis.grant-recipient' });
    // A disabled member keeps their grants inert until re-enabled: preparing them is allowed.
    expect(grantRecipientDecision('DISABLED')).toMatchObject({ allowed: true, rule: 'kpis.grant-recipient' });
  });

  it('shows any scope by id to those who manage scopes, and only their own to others', () => {
    expect(Object.fromEntries(ORG_ROLES.map((r) => [r, seesEveryScope(r)]))).toEqual({ VIEWER: false, EDITOR: false, ADMIN: true, OWNER: true });
  });

  it('counts a held scope as covering a request only when it already gives the whole window (time-bound access)', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
    const scope = (startsAt: Date | null, endsAt: Date | null, revokedAt: Date | null = null) => ({ startsAt, endsAt, revokedAt });
    const ask = (endsAt: Date | null, startsAt = now) => ({ startsAt, endsAt });
    // Permanent scope: covers anything, even an open-ended ask.
    expect(heldScopeCovers(scope(null, null), ask(null), now)).toBe(true);
    expect(heldScopeCovers(scope(null, null), ask(day(30)), now)).toBe(true);
    // Ends in 3 days: asking until day 2 is covered; until day 30 (or for ever) is an extension.
    expect(heldScopeCovers(scope(null, day(3)), ask(day(2)), now)).toBe(true);
    expect(heldScopeCovers(scope(null, day(3)), ask(day(3)), now)).toBe(true);
    expect(heldScopeCovers(scope(null, day(3)), ask(day(30)), now)).toBe(false);
    expect(heldScopeCovers(scope(null, day(3)), ask(null), now)).toBe(false);
    // Starts later than the ask: it does not cover the beginning.
    expect(heldScopeCovers(scope(day(5), null), ask(day(30)), now)).toBe(false);
    expect(heldScopeCovers(scope(day(5), null), ask(day(30), day(6)), now)).toBe(true);
    // Revoked or ended: covers nothing.
    expect(heldScopeCovers(scope(null, null, day(-1)), ask(day(1)), now)).toBe(false);
    expect(heldScopeCovers(scope(null, day(-1)), ask(day(1), day(-2)), now)).toBe(false);
  });
});

const allowed = { allowed: true, rule: 'kpis.grant', reason: 'Allowed.', nextStep: null };

describe('explaining KPI access', () => {
  const names = new Map([['child', 'Analysts'], ['parent', 'Regional'], ['own', 'Planners'], ['g', 'EMEA team']]);
  const facts = {
    direct: ['own'],
    groups: [{ groupId: 'g', roleIds: ['child'] }],
    parentOf: new Map<string, string | null>([['child', 'parent'], ['parent', null], ['own', null]]),
    permissions: new Map<string, 'FULL' | 'RESTRICTED' | 'NONE'>([['parent', 'RESTRICTED'], ['own', 'NONE']]),
  };

  it('finds every path from a held role up its parents to a permission, strongest first', () => {
    expect(grantPaths(facts)).toEqual([
      { via: 'GROUP', groupId: 'g', chain: ['child', 'parent'], access: 'RESTRICTED' },
      { via: 'DIRECT', groupId: null, chain: ['own'], access: 'NONE' },
    ]);
    // A cycle among parents ends the walk instead of looping.
    expect(grantPaths({ ...facts, direct: [], parentOf: new Map([['child', 'parent'], ['parent', 'child']]) })).toEqual([
      { via: 'GROUP', groupId: 'g', chain: ['child', 'parent'], access: 'RESTRICTED' },
    ]);
    expect(describeGrantPath(grantPaths(facts)[0]!, names)).toBe('RESTRICTED through group "EMEA team", which holds role "Analysts", inheriting from "Regional"');
    expect(describeGrantPath({ via: 'DIRECT', groupId: null, chain: ['own'], access: 'FULL' }, names)).toBe('FULL through role "Planners", assigned to them');
  });

  it('names the basis: the role, the creator, the winning grant, or nothing', () => {
    const base = { status: 'ACTIVE' as const, createdKpi: false, paths: grantPaths(facts), kpiLabel: 'KPI "revenue"', who: 'You' };
    expect(accessBasis({ ...base, role: 'OWNER', access: 'FULL' })).toMatchObject({ basis: 'ORG_ROLE', winner: null, decision: { allowed: true, rule: 'kpis.read' } });
    expect(accessBasis({ ...base, role: 'EDITOR', access: 'FULL', createdKpi: true })).toMatchObject({ basis: 'CREATOR', decision: { rule: 'kpis.creator' } });
    // A VIEWER creates nothing: being the creator does not count for them.
    expect(accessBasis({ ...base, role: 'VIEWER', access: 'RESTRICTED', createdKpi: true })).toMatchObject({ basis: 'GRANT', winner: 0 });
    expect(accessBasis({ ...base, role: 'VIEWER', access: 'RESTRICTED' }).decision.reason).toBe(
      'The strongest grant among the custom roles held directly or through groups (each with its parents) wins: RESTRICTED, over 1 other grant.',
    );
    const none = accessBasis({ ...base, role: 'VIEWER', access: 'NONE', paths: [{ via: 'DIRECT', groupId: null, chain: ['own'], access: 'NONE' }], who: 'ana@x.test' });
    expect(none).toMatchObject({ basis: 'NO_GRANT', decision: { allowed: false, rule: 'kpis.no-grant', approvers: ['ADMIN', 'OWNER'] } });
    expect(none.decision.reason).toBe('No custom role ana@x.test holds (directly or through groups, with their parents) grants RESTRICTED or FULL on KPI "revenue" (the grants that reach it are NONE).');
    expect(accessBasis({ ...base, role: 'OWNER', access: 'NONE', status: 'DISABLED' })).toMatchObject({ basis: 'INACTIVE', decision: { rule: 'membership.inactive' } });
  });

  it('finds the next scope boundary after now', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const scopes = [
      { value: 'US', startsAt: new Date('2026-01-01T00:00:00Z'), endsAt: new Date('2026-07-01T00:00:00Z'), active: true },
      { value: 'EMEA', startsAt: new Date('2026-06-10T00:00:00Z'), endsAt: null, active: false },
    ];
    expect(nextBoundary(scopes, now)).toEqual(new Date('2026-06-10T00:00:00Z'));
    expect(nextBoundary([], now)).toBeNull();
  });

  it('says what a missing value needs: a later start, the pending request, or a request and its approvers', () => {
    const remedy = { canRequest: true, pending: null, startsAt: null, approvers: ['m@x.test', 'ADMIN', 'OWNER'], approversSentence: 'Ask them.' };
    const f = { access: 'RESTRICTED' as const, basis: allowed, kpiLabel: 'KPI "revenue"', who: 'You', dimension: 'region', value: 'EMEA', activeValues: ['US'], remedy };
    expect(scopeDecision(f)).toEqual({
      allowed: false,
      rule: 'kpis.scope-missing',
      reason: 'KPI "revenue" is RESTRICTED for you, and no active scope on region covers EMEA (yours: US).',
      nextStep: 'Request it: mutation { requestAccess(dimension: "region", value: "EMEA", justification: "…") { id } }. Ask them.',
      approvers: ['m@x.test', 'ADMIN', 'OWNER'],
    });
    expect(scopeDecision({ ...f, remedy: { ...remedy, pending: { id: 'r1', approvals: 1, required: 2 } } }).nextStep).toBe('Your request r1 for region=EMEA is pending (1 of 2 approvals). Ask them.');
    expect(scopeDecision({ ...f, remedy: { ...remedy, startsAt: new Date('2026-06-10T00:00:00Z') } }).nextStep).toBe('Your scope on region=EMEA starts at 2026-06-10T00:00:00.000Z; nothing to ask for.');
    expect(scopeDecision({ ...f, remedy: { ...remedy, canRequest: false } })).toMatchObject({ nextStep: 'Ask an ADMIN or OWNER to grant the scope (grantAccessScope).', approvers: ['ADMIN', 'OWNER'] });
    expect(scopeDecision({ ...f, activeValues: ['*'] })).toMatchObject({ allowed: true, rule: 'kpis.scope' });
    expect(scopeDecision({ ...f, access: 'FULL' })).toMatchObject({ allowed: true, rule: 'kpis.full' });
    expect(dimensionDecision({ kpiLabel: 'KPI "revenue"', who: 'You', dimension: 'product', activeValues: [], remedy })).toMatchObject({
      allowed: false,
      rule: 'kpis.scope-none',
      reason: 'You hold no active scope on product, so no row of KPI "revenue" (RESTRICTED) is visible.',
    });
  });

  it('lets only ADMIN and OWNER explain the access of others', () => {
    expect(Object.fromEntries(ORG_ROLES.map((r) => [r, explainOthersDecision(r).allowed]))).toEqual({ VIEWER: false, EDITOR: false, ADMIN: true, OWNER: true });
  });
});
