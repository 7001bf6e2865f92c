// Unit tests of the approval rules, read against the matrix's approvals.decide.<KIND> cells.
import { describe, expect, it } from 'vitest';
import {
  approveDecision, approversSentence, cancelDecision, countableRoles, countsToward, decideDecision, decidersOf, kindsByCell, policySubjectOf, quorumInForce,
  liveMembershipDecision, quorumReached, receivesEvent, resumeDecision, seesProposedChanges, setPolicyDecision, snapshotQuorum, subjectProblem, subscribeDecision,
} from './policy.ts';

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

  it('explains why a live subscription is refused or ends', () => {
    expect(subscribeDecision('VIEWER', true).allowed).toBe(true);
    expect(subscribeDecision('VIEWER', false)).toEqual({
      allowed: false,
      rule: 'approvals.subscribe',
      reason: 'You may decide no approval requests in this organization (your role is VIEWER and no dimension values are delegated to you), so this subscription has ended.',
      nextStep: 'Use myApprovalUpdates to follow your own requests.',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(liveMembershipDecision('ACTIVE', 'ADMIN').allowed).toBe(true);
    expect(liveMembershipDecision('DISABLED', 'ADMIN')).toMatchObject({
      allowed: false,
      rule: 'membership.inactive',
      nextStep: 'Ask a member with the ADMIN and OWNER roles of this organization to re-enable it.',
      approvers: ['ADMIN', 'OWNER'],
    });
    // A disabled OWNER is re-enabled by another OWNER; a removed ADMIN invited again by an OWNER.
    expect(liveMembershipDecision('DISABLED', 'OWNER')).toMatchObject({ approvers: ['OWNER'] });
    expect(liveMembershipDecision('NONE', 'ADMIN')).toMatchObject({ nextStep: 'Ask a member with the OWNER role of this organization to invite you again.', approvers: ['OWNER'] });
    expect(liveMembershipDecision('NONE', 'EDITOR')).toMatchObject({ approvers: ['ADMIN', 'OWNER'] });
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

describe('quorum policy', () => {
  it('narrows a kind by the PII action or the dimension, never a workflow', () => {
    expect(policySubjectOf({ kind: 'PII_CHANGE', piiAction: 'HARD_DELETE' })).toBe('HARD_DELETE');
    expect(policySubjectOf({ kind: 'ACCESS_SCOPE', dimensionKey: 'region' })).toBe('region');
    expect(policySubjectOf({ kind: 'WORKFLOW', dimensionKey: 'region' })).toBe('');
    expect(subjectProblem('PII_CHANGE', 'HARD_DELETE')).toBeNull();
    expect(subjectProblem('PII_CHANGE', 'region')).toMatch(/UPDATE_PII, SOFT_DELETE or HARD_DELETE/);
    expect(subjectProblem('ACCESS_SCOPE', 'region')).toBeNull();
    expect(subjectProblem('ACCESS_SCOPE', 'Region!')).toMatch(/dimension key/);
    expect(subjectProblem('WORKFLOW', 'x')).toMatch(/must be empty/);
    expect(subjectProblem('WORKFLOW', '')).toBeNull();
  });

  it("takes the subject's policy, else the kind's, else one approval by whoever decides", () => {
    const policies = [
      { subject: '', requiredApprovals: 2, countedRoles: [] },
      { subject: 'HARD_DELETE', requiredApprovals: 3, countedRoles: ['OWNER' as const] },
    ];
    expect(quorumInForce(policies, 'HARD_DELETE')).toEqual({ requiredApprovals: 3, countedRoles: ['OWNER'] });
    expect(quorumInForce(policies, 'SOFT_DELETE')).toEqual({ requiredApprovals: 2, countedRoles: [] });
    expect(quorumInForce([], 'SOFT_DELETE')).toEqual({ requiredApprovals: 1, countedRoles: [] });
  });

  it('caps the snapshot at the members who could approve, never below one', () => {
    const two = { requiredApprovals: 2, countedRoles: ['OWNER' as const] };
    expect(snapshotQuorum(two, 3)).toEqual(two);
    expect(snapshotQuorum(two, 1)).toEqual({ requiredApprovals: 1, countedRoles: ['OWNER'] });
    expect(snapshotQuorum(two, 0)).toEqual({ requiredApprovals: 1, countedRoles: ['OWNER'] });
  });

  it('counts only deciders of the roles the policy names', () => {
    expect(countableRoles('PII_CHANGE')).toEqual(['OWNER']);
    expect(countableRoles('WORKFLOW')).toEqual(['ADMIN', 'OWNER']);
    expect(countableRoles('ACCESS_SCOPE')).toEqual(['VIEWER', 'EDITOR', 'ADMIN', 'OWNER']);
    expect(countsToward({ kind: 'WORKFLOW', role: 'ADMIN', delegated: false, countedRoles: [] })).toBe(true);
    expect(countsToward({ kind: 'WORKFLOW', role: 'ADMIN', delegated: false, countedRoles: ['OWNER'] })).toBe(false);
    expect(countsToward({ kind: 'ACCESS_SCOPE', role: 'VIEWER', delegated: false, countedRoles: [] })).toBe(false);
    expect(countsToward({ kind: 'ACCESS_SCOPE', role: 'VIEWER', delegated: true, countedRoles: [] })).toBe(true);
    expect(countsToward({ kind: 'ACCESS_SCOPE', role: 'VIEWER', delegated: true, countedRoles: ['ADMIN', 'OWNER'] })).toBe(false);
  });

  it('refuses an approval that would not count, naming the roles that do, and the requester first', () => {
    const d = approveDecision({ ...facts({ role: 'ADMIN' }), countedRoles: ['OWNER'] });
    expect(d).toMatchObject({ allowed: false, rule: 'approvals.quorum.counted-roles', approvers: ['OWNER'] });
    expect(d.reason).toBe('Approvals of this WORKFLOW request count only from the OWNER role (the approval policy in force when it was raised); your role here is ADMIN.');
    expect(d.nextStep).toBe('Ask one of them to approve it; you may still reject it.');
    expect(approveDecision({ ...facts({ role: 'OWNER' }), countedRoles: ['OWNER'] }).allowed).toBe(true);
    expect(approveDecision({ ...facts({ role: 'OWNER', requestedById: 'u1' }), countedRoles: ['OWNER'] }).rule).toBe('approvals.no-self-decision');
    expect(approveDecision({ ...facts({ role: 'EDITOR' }), countedRoles: [] }).rule).toBe('approvals.decide.WORKFLOW');
  });

  it('reaches the quorum at the required count', () => {
    expect(quorumReached(1, 2)).toBe(false);
    expect(quorumReached(2, 2)).toBe(true);
  });

  it('lets only an OWNER set policies, and says who approves under one', () => {
    expect(setPolicyDecision('OWNER').allowed).toBe(true);
    expect(setPolicyDecision('ADMIN')).toMatchObject({ allowed: false, rule: 'approvals.setPolicy', approvers: ['OWNER'] });
    expect(approversSentence('PII_CHANGE', { requiredApprovals: 2, countedRoles: ['OWNER'] })).toBe(
      'PII_CHANGE requests (counting the OWNER role) need 2 approvals from distinct members, other than the requester\'s: any OWNER.',
    );
    expect(approversSentence('ACCESS_SCOPE', { requiredApprovals: 1, countedRoles: [] }, ['manager@demo.test'])).toBe(
      "ACCESS_SCOPE requests need one approval, other than the requester's: manager@demo.test, or any ADMIN or OWNER.",
    );
  });
});

describe('resumeDecision', () => {
  it('resumes only after a kept event of the organization, and says what to do otherwise', () => {
    expect(resumeDecision('current', 72)).toEqual({ allowed: true, rule: 'approvals.resume', reason: 'Allowed.', nextStep: null });
    const next = 'Subscribe without `after`, re-read the requests you follow (`approvalRequests`), and resume with the cursors of the new events.';
    expect((['malformed', 'other-organization', 'unknown', 'expired'] as const).map((s) => [resumeDecision(s, 72).rule, resumeDecision(s, 72).nextStep])).toEqual([
      ['approvals.resume.malformed', next],
      ['approvals.resume.other-organization', next],
      ['approvals.resume.unknown', next],
      ['approvals.resume.expired', next],
    ]);
    expect(resumeDecision('expired', 72).reason).toBe('The events after this cursor are no longer all kept: events are kept 72 hours.');
  });
});
