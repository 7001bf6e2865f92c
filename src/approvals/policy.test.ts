// Unit tests of the approval rules, read against the matrix's approvals.decide.<KIND> cells.
import { describe, expect, it } from 'vitest';
import { cancelDecision, decideDecision, decidersOf, kindsByCell, receivesEvent, seesProposedChanges } from './policy.ts';

const facts = (over: Partial<Parameters<typeof decideDecision>[0]> = {}) => ({
  kind: 'WORKFLOW' as const,
  role: 'ADMIN' as const,
  userId: 'u1',
  requestedById: 'u2',
  delegated: false,
  ...over,
});

describe('approval policy', () => {
  it('never lets anyone decide their own request, OWNER included', () => {
    const d = decideDecision(facts({ role: 'OWNER', requestedById: 'u1' }));
    expect(d).toMatchObject({ allowed: false, rule: 'approvals.no-self-decision', approvers: ['ADMIN', 'OWNER'] });
    expect(d.nextStep).toMatch(/Another member/);
  });

  it('lets the matrix decide by kind and role', () => {
    expect(decideDecision(facts({ kind: 'WORKFLOW', role: 'ADMIN' })).allowed).toBe(true);
    expect(decideDecision(facts({ kind: 'WORKFLOW', role: 'EDITOR' }))).toMatchObject({ allowed: false, rule: 'approvals.decide.WORKFLOW' });
    expect(decideDecision(facts({ kind: 'PII_CHANGE', role: 'ADMIN' }))).toMatchObject({ allowed: false, rule: 'approvals.decide.PII_CHANGE', approvers: ['OWNER'] });
    expect(decideDecision(facts({ kind: 'PII_CHANGE', role: 'OWNER' })).allowed).toBe(true);
  });

  it('lets a VIEWER or EDITOR decide ACCESS_SCOPE only as a delegated approver', () => {
    for (const role of ['VIEWER', 'EDITOR'] as const) {
      expect(decideDecision(facts({ kind: 'ACCESS_SCOPE', role })).allowed).toBe(false);
      expect(decideDecision(facts({ kind: 'ACCESS_SCOPE', role, delegated: true }))).toMatchObject({ allowed: true, rule: 'approvals.delegated' });
    }
    // Delegation does not reach kinds whose cell is `no`.
    expect(decideDecision(facts({ kind: 'WORKFLOW', role: 'EDITOR', delegated: true })).allowed).toBe(false);
  });

  it('lets only the requester cancel', () => {
    expect(cancelDecision('u1', 'u1').allowed).toBe(true);
    expect(cancelDecision('u1', 'u2')).toMatchObject({ allowed: false, rule: 'approvals.cancel-own-only' });
  });

  it('shows proposed PII values to those who decide PII changes and to the requester', () => {
    expect(seesProposedChanges('OWNER', 'u1', 'u2')).toBe(true);
    expect(seesProposedChanges('ADMIN', 'u1', 'u2')).toBe(false);
    expect(seesProposedChanges('VIEWER', 'u1', 'u1')).toBe(true);
  });

  it('sorts kinds by cell and routes events to those who may decide them', () => {
    expect(kindsByCell('OWNER')).toEqual({ full: ['WORKFLOW', 'ACCESS_SCOPE', 'PII_CHANGE'], limited: [] });
    expect(kindsByCell('VIEWER')).toEqual({ full: [], limited: ['ACCESS_SCOPE'] });
    expect(decidersOf('ACCESS_SCOPE')).toEqual(['ADMIN', 'OWNER']);
    const wanted = new Set(['ACCESS_SCOPE'] as const);
    expect(receivesEvent({ ...facts({ role: 'OWNER' }), wanted })).toBe(false);
    expect(receivesEvent({ ...facts({ role: 'OWNER', kind: 'ACCESS_SCOPE' }), wanted })).toBe(true);
    expect(receivesEvent({ ...facts({ role: 'OWNER', requestedById: 'u1' }), wanted: null })).toBe(false);
  });
});
