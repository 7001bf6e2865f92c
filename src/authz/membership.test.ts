import { describe, expect, it } from 'vitest';
import { membershipDecision } from './membership.ts';

describe('membershipDecision', () => {
  it('lets an ACTIVE member act, and no one else, each refusal saying what to do', () => {
    expect(membershipDecision('ACTIVE', 'a@x.test', 'VIEWER')).toMatchObject({ allowed: true, rule: 'membership.active' });
    expect(membershipDecision('DISABLED', 'a@x.test', 'EDITOR')).toEqual({
      allowed: false,
      rule: 'membership.disabled',
      reason: 'Your membership in this organization is disabled.',
      nextStep: 'Ask a member with the ADMIN and OWNER roles to re-enable it.',
      approvers: ['ADMIN', 'OWNER'],
    });
    // An ADMIN may not re-enable an OWNER.
    expect(membershipDecision('DISABLED', 'a@x.test', 'OWNER')).toMatchObject({ nextStep: 'Ask a member with the OWNER role to re-enable it.', approvers: ['OWNER'] });
    expect(membershipDecision('INVITED', 'a@x.test', 'VIEWER')).toMatchObject({ allowed: false, rule: 'membership.invited', nextStep: 'Accept it with `acceptInvite`.' });
    expect(membershipDecision(null, 'a@x.test', null)).toMatchObject({ allowed: false, rule: 'membership.inactive', reason: 'a@x.test has no active membership here.' });
  });
});
