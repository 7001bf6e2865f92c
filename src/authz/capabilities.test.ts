// Unit tests of the capability checks and of how a refusal becomes the API's error.
import { describe, expect, it } from 'vitest';
import { allows, allowsFully, assertCapability, capabilityDecision, rolesAllowed, roleList } from './capabilities.ts';
import { allow, deny, enforce, firstRefusal, refusalError } from './decision.ts';
import { MATRIX, ORG_ROLES } from './matrix.ts';

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
    expect(d).toMatchObject({ allowed: false, rule: 'audit.read', approvers: ['ADMIN', 'OWNER'] });
    expect(d.reason).toBe('Permission to read the audit log and verify its chain belongs to the ADMIN and OWNER roles; your role here is EDITOR.');
    expect(() => assertCapability({ role: 'VIEWER' }, 'kpis.manage')).toThrow(/belongs to the ADMIN and OWNER roles/);
    expect(assertCapability({ role: 'ADMIN' }, 'kpis.manage')).toBe(true);
    expect(rolesAllowed('approvals.decide.PII_CHANGE')).toEqual(['OWNER']);
    expect(roleList(['OWNER'])).toBe('the OWNER role');
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
