import { describe, expect, it } from 'vitest';
import { membershipDecision } from './membership.ts';

describe('membershipDecision', () => {
  it('lets an ACTIVE member act, and no one else, each refusal saying what to do', () => {
    expect(membershipDecision('ACTIVE', 'a@x.test')).toMatchObject({ allowed: true, rule: 'membership.active' });
    expect(membershipDecision('DISABLED', 'a@x.test')).toMatchObject({
      allowed: false,
      rule: 'membership.disabled',
      reason: 'Your membership in this organization is disabled.',
      nextStep: 'Ask one of its admins or owners.',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(membershipDecision('INVITED', 'a@x.test')).toMatchObject({ allowed: false, rule: 'membership.invited', nextStep: 'Accept it with `acceptInvite`.' });
    expect(membershipDecision(null, 'a@x.test')).toMatchObject({ allowed: false, rule: 'membership.inactive', reason: 'a@x.test has no active membership here.' });
  });
});
