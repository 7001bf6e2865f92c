// Unit tests of the identity rules: member administration (including the last-owner rule, which
// the API reaches only under concurrency), profile visibility, and the password-check throttle.
import { describe, expect, it } from 'vitest';
import {
  inviteDecision,
  failureLock,
  passwordCheckDecision,
  profileView,
  readsEveryMember,
  refusesViewer,
  roleChangeDecision,
  statusChangeDecision,
  THROTTLE,
  type MemberFacts,
} from './policy.ts';

const m = (userId: string, role: MemberFacts['role'], status: MemberFacts['status'] = 'ACTIVE'): MemberFacts => ({ userId, role, status });

describe('member administration', () => {
  it('keeps the last active owner', () => {
    const actor = m('a', 'OWNER');
    const lastOwner = m('b', 'OWNER');
    expect(roleChangeDecision(actor, lastOwner, 'ADMIN', 1)).toEqual({
      allowed: false,
      rule: 'members.last-owner',
      reason: 'This is the last active OWNER: an organization always keeps one.',
      nextStep: 'Make another member OWNER first.',
    });
    expect(statusChangeDecision(actor, lastOwner, 'DISABLED', 1).rule).toBe('members.last-owner');
    expect(roleChangeDecision(actor, lastOwner, 'ADMIN', 2).allowed).toBe(true);
    expect(statusChangeDecision(actor, lastOwner, 'DISABLED', 2).allowed).toBe(true);
    expect(roleChangeDecision(actor, lastOwner, 'OWNER', 1).allowed).toBe(true);
    // A disabled owner is not an active one: re-enabling is always fine.
    expect(statusChangeDecision(actor, m('b', 'OWNER', 'DISABLED'), 'ACTIVE', 1).allowed).toBe(true);
  });

  it('leaves an invitation to the invitee: its status is not an admin’s to change', () => {
    for (const status of ['ACTIVE', 'DISABLED'] as const)
      expect(statusChangeDecision(m('a', 'OWNER'), m('b', 'VIEWER', 'INVITED'), status, 1)).toMatchObject({ allowed: false, rule: 'members.invitation-pending' });
  });

  it('refuses self changes before anything else', () => {
    // Only another OWNER changes an OWNER; another ADMIN or an OWNER an ADMIN.
    expect(roleChangeDecision(m('a', 'OWNER'), m('a', 'OWNER'), 'OWNER', 5)).toMatchObject({ rule: 'members.self', nextStep: 'Ask another member with the OWNER role.', approvers: ['OWNER'] });
    expect(roleChangeDecision(m('a', 'ADMIN'), m('a', 'ADMIN'), 'EDITOR', 5)).toMatchObject({ rule: 'members.self', approvers: ['ADMIN', 'OWNER'] });
    expect(statusChangeDecision(m('a', 'VIEWER'), m('a', 'VIEWER'), 'DISABLED', 1).rule).toBe('members.self');
  });

  it('refuses an actor whose membership was disabled meanwhile', () => {
    expect(roleChangeDecision(m('a', 'OWNER', 'DISABLED'), m('b', 'EDITOR'), 'VIEWER', 2)).toMatchObject({ allowed: false, rule: 'membership.inactive' });
  });

  it('limits an ADMIN, naming who may do it instead', () => {
    expect(inviteDecision('ADMIN', 'ADMIN')).toEqual({
      allowed: false,
      rule: 'members.invite.grant',
      reason: 'An ADMIN may invite EDITOR or VIEWER only, not ADMIN.',
      nextStep: 'Ask a member with the OWNER role.',
      approvers: ['OWNER'],
    });
    expect(inviteDecision('ADMIN', 'EDITOR').allowed).toBe(true);
    expect(inviteDecision('EDITOR', 'VIEWER')).toMatchObject({ allowed: false, rule: 'members.invite', approvers: ['OWNER'] });
    expect(roleChangeDecision(m('a', 'ADMIN'), m('b', 'OWNER'), 'OWNER', 2)).toMatchObject({ rule: 'members.owner-immutable', approvers: ['OWNER'] });
    expect(roleChangeDecision(m('a', 'ADMIN'), m('b', 'VIEWER'), 'ADMIN', 2).rule).toBe('members.setRole.grant');
    expect(statusChangeDecision(m('a', 'ADMIN'), m('b', 'ADMIN'), 'DISABLED', 2).allowed).toBe(true);
    expect(statusChangeDecision(m('a', 'EDITOR'), m('b', 'VIEWER'), 'DISABLED', 2).rule).toBe('members.setStatus');
  });
});

describe('profiles', () => {
  it('ADMIN and OWNER read every member; VIEWER and EDITOR themselves only', () => {
    expect((['VIEWER', 'EDITOR', 'ADMIN', 'OWNER'] as const).map(readsEveryMember)).toEqual([false, false, true, true]);
    expect(profileView({ userId: 'v', role: 'VIEWER' }, { userId: 'v', status: 'ACTIVE' })).toBe('full');
    expect(profileView({ userId: 'v', role: 'VIEWER' }, { userId: 'x', status: 'ACTIVE' })).toBe('none');
    expect(profileView({ userId: 'e', role: 'EDITOR' }, { userId: 'x', status: 'ACTIVE' })).toBe('none');
    expect(profileView({ userId: 'a', role: 'ADMIN' }, { userId: 'x', status: 'DISABLED' })).toBe('full');
  });

  it('shows of an invitee only the email, and nothing of a non-member', () => {
    expect(profileView({ userId: 'o', role: 'OWNER' }, { userId: 'x', status: 'INVITED' })).toBe('email');
    expect(profileView({ userId: 'o', role: 'OWNER' }, { userId: 'x', status: null })).toBe('none');
    // Without an organization to act in, one still sees oneself (one's memberships elsewhere).
    expect(profileView({ userId: 'x', role: null }, { userId: 'x', status: 'INVITED' })).toBe('full');
    expect(profileView({ userId: 'o', role: null }, { userId: 'x', status: 'ACTIVE' })).toBe('none');
  });

  it('refuses `me` to a disabled member only', () => {
    expect(['membership.disabled', 'tenant.choose', 'tenant.no-membership', undefined].map(refusesViewer)).toEqual([true, false, false, false]);
  });
});

describe('password-check throttle', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  /** A key's count with `inFlight` checks running, this one included. */
  const count = (attempts: number, inFlight = 1, windowStartAt = ago(1000), lockedUntil: Date | null = null) => ({ attempts, inFlight, windowStartAt, lockedUntil });

  it('allows checks while failures and checks running stay within the limit, without a lock', () => {
    expect(passwordCheckDecision('pair', count(4, 1), now)).toMatchObject({ allowed: true, count: count(4, 1) });
    expect(passwordCheckDecision('pair', count(0, 5), now)).toMatchObject({ allowed: true, count: count(0, 5) });
    expect(passwordCheckDecision('pair', count(2, 3), now)).toMatchObject({ allowed: true, count: count(2, 3) });
  });

  it('refuses a check over the bound of checks at once without a lock, and without calling it a failure', () => {
    for (const refused of [passwordCheckDecision('pair', count(0, 6), now), passwordCheckDecision('pair', count(4, 2), now)]) {
      expect(refused).toMatchObject({ allowed: false, rule: 'auth.throttle.pair.in-flight', retryAfterSeconds: 1, count: null });
      expect(refused.reason).toBe('Too many sign-ins at once for this email from your address.');
    }
    // Once a lock has passed, one check at a time.
    expect(passwordCheckDecision('pair', count(5, 1, ago(1000), ago(1)), now).allowed).toBe(true);
    expect(passwordCheckDecision('pair', count(5, 2, ago(1000), ago(1)), now).allowed).toBe(false);
  });

  it('refuses as locked between the failure that reached the limit and the write of its lock', () => {
    // The settle counts the failure, then writes the lock: a check in between sees no lock yet.
    const between = passwordCheckDecision('pair', count(5, 1), now);
    expect(between).toMatchObject({ allowed: false, rule: 'auth.throttle.pair', retryAfterSeconds: 60, count: null });
    expect(between.reason).toBe('Too many failed sign-ins for this email from your address. Try again in 60 seconds.');
    expect(passwordCheckDecision('address', count(50, 1), now)).toMatchObject({ allowed: false, rule: 'auth.throttle.address' });
  });

  it('locks when failures reach the limit, then doubles up to the maximum', () => {
    const at = (failures: number) => failureLock('pair', failures, now)!.getTime() - now.getTime();
    expect(failureLock('pair', 4, now)).toBeNull();
    expect([5, 6, 7, 20].map(at)).toEqual([60_000, 120_000, 240_000, THROTTLE.maxLockMs]);
    expect(failureLock('address', 49, now)).toBeNull();
    expect(failureLock('address', 50, now)).toEqual(new Date(now.getTime() + 60_000));
  });

  it('refuses while locked, with the seconds to wait', () => {
    const locked = passwordCheckDecision('pair', count(6, 1, ago(1000), new Date(now.getTime() + 90_500)), now);
    expect(locked).toMatchObject({ allowed: false, rule: 'auth.throttle.pair', retryAfterSeconds: 91, count: null });
    expect(locked.reason).toBe('Too many failed sign-ins for this email from your address. Try again in 91 seconds.');
  });

  it('starts a new window once the old one has passed and no lock stands', () => {
    expect(passwordCheckDecision('pair', count(9, 3, ago(THROTTLE.windowMs + 1), ago(1)), now).count).toEqual(count(0, 1, now));
  });
});
