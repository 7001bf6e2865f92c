// Unit tests of the capability checks and of how a refusal becomes the API's error.
import { describe, expect, it } from 'vitest';
import { allows, allowsFully, assertCapability, capabilityDecision, rolesAllowed, roleList } from './capabilities.ts';
import { allow, deny, enforce, firstRefusal, refusalError } from './decision.ts';
import { MATRIX, ORG_ROLES, type CapabilityName } from './matrix.ts';

describe('capabilities', () => {
  it('reads every cell of the matrix: no refuses, yes and limited allow', () => {
    for (const [capability, { cells }] of Object.entries(MATRIX) as [keyof typeof MATRIX, (typeof MATRIX)[keyof typeof MATRIX]][])
      for (const role of ORG_ROLES) {
        expect(allows(capability, role)).toBe(cells[role] !== 'no');
        expect(allowsFully(capability, role)).toBe(cells[role] === 'yes');
        expect(capabilityDecision(capability, role).allowed).toBe(cells[role] !== 'no');
      }
  });

  it('names the rule, the holders and the next step in a refusal', () => {
    const d = capabilityDecision('audit.read', 'EDITOR');
    // Only an OWNER may make an EDITOR an ADMIN or OWNER.
    expect(d).toMatchObject({ allowed: false, rule: 'audit.read', nextStep: 'Ask a member with the OWNER role if you need it.', approvers: ['OWNER'] });
    expect(d.reason).toBe('Permission to read the audit log and verify its chain belongs to the ADMIN and OWNER roles; your role here is EDITOR.');
    expect(() => assertCapability({ role: 'VIEWER' }, 'kpis.manage')).toThrow(/belongs to the ADMIN and OWNER roles/);
    expect(assertCapability({ role: 'ADMIN' }, 'kpis.manage')).toBe(true);
    expect(rolesAllowed('approvals.decide.PII_CHANGE')).toEqual(['OWNER']);
    expect(roleList(['OWNER'])).toBe('the OWNER role');
  });

  it('names as approvers of every refusal of the matrix those who could give the role the capability, and nobody where only lower roles hold it', () => {
    const refusals: Record<string, Record<string, readonly string[]>> = {};
    for (const capability of Object.keys(MATRIX) as CapabilityName[])
      for (const role of ORG_ROLES) {
        const d = capabilityDecision(capability, role);
        if (!d.allowed) (refusals[capability] ??= {})[role] = d.approvers!;
      }
    const ownerOnly = ['OWNER'];
    const both = ['ADMIN', 'OWNER'];
    expect(refusals).toEqual({
      // Held by ADMIN and OWNER: only an OWNER makes a member ADMIN.
      'members.invite': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'members.setRole': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'members.setStatus': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'audit.read': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      // Held by EDITOR too: an ADMIN may make a VIEWER an EDITOR.
      'kpis.write': { VIEWER: both },
      'kpis.manage': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      // Held by VIEWER and EDITOR only: an ADMIN or OWNER needs no scope, and nobody is to be asked.
      'kpis.requestAccess': { ADMIN: [], OWNER: [] },
      'reviews.manage': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'kpis.explainAccess': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'workflows.readDetails': { VIEWER: both },
      'workflows.create': { VIEWER: both },
      'workflows.manage': { VIEWER: both },
      'workflows.readOutput': { VIEWER: both },
      'records.write': { VIEWER: both },
      'records.changePii': { VIEWER: both },
      'records.delete': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'records.readDeleted': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'approvals.decide.WORKFLOW': { VIEWER: ownerOnly, EDITOR: ownerOnly },
      'approvals.decide.PII_CHANGE': { VIEWER: ownerOnly, EDITOR: ownerOnly, ADMIN: ownerOnly },
      'approvals.setPolicy': { VIEWER: ownerOnly, EDITOR: ownerOnly, ADMIN: ownerOnly },
    });
    expect(capabilityDecision('kpis.requestAccess', 'OWNER')).toEqual({
      allowed: false,
      rule: 'kpis.requestAccess',
      reason: 'Permission to request a KPI access scope belongs to the VIEWER and EDITOR roles only; your role here is OWNER, which does not need it: there is nothing to ask anyone for.',
      nextStep: null,
      approvers: [],
    });
  });
});

describe('decisions', () => {
  it('carries the decision into the error extensions', () => {
    const error = refusalError(deny('x.rule', 'Not now.', 'Ask later.', ['OWNER']));
    expect(error.message).toBe('Not now. Ask later.');
    expect(error.extensions).toEqual({ code: 'FORBIDDEN', rule: 'x.rule', reason: 'Not now.', nextStep: 'Ask later.', approvers: ['OWNER'] });
    expect(() => enforce(allow('x'))).not.toThrow();
    expect(() => enforce(deny('x', 'No.'))).toThrow('No.');
  });

  it('stops at the first refusal', () => {
    let third = false;
    const d = firstRefusal(
      () => allow('a'),
      () => deny('b', 'B refuses.'),
      () => {
        third = true;
        return allow('c');
      },
    );
    expect(d.rule).toBe('b');
    expect(third).toBe(false);
    expect(firstRefusal(() => allow('a'), () => allow('c')).rule).toBe('c');
  });
});
