// Unit tests of the customer and lead rules: each role's answer, read from the matrix, and the PII
// a change carries (a request does not depend on the stored values).
import { describe, expect, it } from 'vitest';
import { ORG_ROLES } from '../authz/matrix.ts';
import { deleteOutcome, piiChangeDecision, piiChangeOf, piiChangeOutcome, readDeletedDecision, seesPii } from './policy.ts';

const byRole = <T>(rule: (role: (typeof ORG_ROLES)[number]) => T) => Object.fromEntries(ORG_ROLES.map((r) => [r, rule(r)]));

describe('records policy', () => {
  it('shows PII in full to ADMIN and OWNER only', () => {
    expect(byRole(seesPii)).toEqual({ VIEWER: false, EDITOR: false, ADMIN: true, OWNER: true });
  });

  it('routes PII changes: refused for a VIEWER, requested by EDITOR and ADMIN, direct for an OWNER', () => {
    expect(byRole((r) => piiChangeDecision(r).allowed)).toEqual({ VIEWER: false, EDITOR: true, ADMIN: true, OWNER: true });
    expect(piiChangeDecision('VIEWER')).toMatchObject({ rule: 'records.changePii', approvers: ['ADMIN', 'OWNER'] });
    expect(byRole(piiChangeOutcome)).toMatchObject({ EDITOR: 'request', ADMIN: 'request', OWNER: 'direct' });
  });

  it('routes deletions: requested by an ADMIN, direct for an OWNER', () => {
    expect(deleteOutcome('ADMIN')).toBe('request');
    expect(deleteOutcome('OWNER')).toBe('direct');
  });

  it('shows deleted records to ADMIN and OWNER only, naming the rule when refused', () => {
    expect(byRole((r) => readDeletedDecision(r).allowed)).toEqual({ VIEWER: false, EDITOR: false, ADMIN: true, OWNER: true });
    expect(readDeletedDecision('EDITOR')).toMatchObject({ allowed: false, rule: 'records.readDeleted', approvers: ['OWNER'] });
  });

  it('puts every given field in a request, equal to the stored value or not', () => {
    const stored = { email: 'jane@example.com', phone: '555 0101' };
    expect(piiChangeOf('request', { phone: '555 0101', email: 'jane@example.com' }, stored)).toEqual({ email: 'jane@example.com', phone: '555 0101' });
    expect(piiChangeOf('request', { email: null }, { email: null, phone: null })).toEqual({ email: null });
    // Field order is fixed, whatever the input's: identical requests serialise identically.
    expect(Object.keys(piiChangeOf('request', { phone: '1', email: 'a@b.c' }, stored))).toEqual(['email', 'phone']);
  });

  it('writes only the values that differ in a direct change', () => {
    const stored = { email: 'jane@example.com', phone: '555 0101' };
    expect(piiChangeOf('direct', { email: 'jane@example.com', phone: '555 0202' }, stored)).toEqual({ phone: '555 0202' });
    expect(piiChangeOf('direct', { email: 'jane@example.com' }, stored)).toEqual({});
    expect(piiChangeOf('direct', { phone: null }, stored)).toEqual({ phone: null });
  });
});
