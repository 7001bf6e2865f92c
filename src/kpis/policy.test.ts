// Unit tests of the KPI rules, for every role and access level.
import { describe, expect, it } from 'vitest';
import { ORG_ROLES } from '../authz/matrix.ts';
import { grantRecipientDecision, KPI_ACCESS_LEVELS, ownsCreatedKpis, seesEveryScope, writeKpiDecision } from './policy.ts';

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
      expect(decision).toMatchObject({ allowed: false, rule: 'kpis.write', approvers: ['EDITOR', 'ADMIN', 'OWNER'] });
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
});
