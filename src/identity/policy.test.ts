// Unit tests of the member-administration rules, including the last-owner rule, which the
// self rule makes unreachable through the API (an acting owner is always another active owner).
import { describe, expect, it } from 'vitest';
import { inviteRefusal, roleChangeRefusal, statusChangeRefusal, type MemberFacts } from './policy.ts';

const m = (userId: string, role: MemberFacts['role'], status: MemberFacts['status'] = 'ACTIVE'): MemberFacts => ({ userId, role, status });

describe('member policy', () => {
  it('keeps the last active owner', () => {
    const actor = m('a', 'OWNER');
    const lastOwner = m('b', 'OWNER');
    expect(roleChangeRefusal(actor, lastOwner, 'ADMIN', 1)?.rule).toBe('members.last-owner');
    expect(statusChangeRefusal(actor, lastOwner, 'DISABLED', 1)?.rule).toBe('members.last-owner');
    expect(roleChangeRefusal(actor, lastOwner, 'ADMIN', 2)).toBeNull();
    expect(statusChangeRefusal(actor, lastOwner, 'DISABLED', 2)).toBeNull();
    expect(roleChangeRefusal(actor, lastOwner, 'OWNER', 1)).toBeNull();
    // A disabled owner is not an active one: re-enabling is always fine.
    expect(statusChangeRefusal(actor, m('b', 'OWNER', 'DISABLED'), 'ACTIVE', 1)).toBeNull();
  });

  it('refuses self changes before anything else', () => {
    expect(roleChangeRefusal(m('a', 'OWNER'), m('a', 'OWNER'), 'OWNER', 5)?.rule).toBe('members.self');
    expect(statusChangeRefusal(m('a', 'VIEWER'), m('a', 'VIEWER'), 'DISABLED', 1)?.rule).toBe('members.self');
  });

  it('limits an ADMIN', () => {
    expect(inviteRefusal('ADMIN', 'ADMIN')?.rule).toBe('members.invite.grant');
    expect(inviteRefusal('ADMIN', 'EDITOR')).toBeNull();
    expect(roleChangeRefusal(m('a', 'ADMIN'), m('b', 'OWNER'), 'OWNER', 2)?.rule).toBe('members.owner-immutable');
    expect(roleChangeRefusal(m('a', 'ADMIN'), m('b', 'VIEWER'), 'ADMIN', 2)?.rule).toBe('members.setRole.grant');
    expect(statusChangeRefusal(m('a', 'ADMIN'), m('b', 'ADMIN'), 'DISABLED', 2)).toBeNull();
  });
});
