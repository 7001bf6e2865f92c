// The console's pure rules (console/src/model.ts): how errors read, ages, the order of the lists
// and how a live event changes them, and what a decision's answer means.
import { describe, expect, it } from 'vitest';
import {
  accessLabel,
  ageOf,
  dateTimeInput,
  decidesNothing,
  emptyEndMeans,
  inFormTerms,
  landingSection,
  mergeFetched,
  newestFirst,
  outcomeOf,
  problemOf,
  splitRequests,
  statusLabel,
  timesOf,
  upsert,
  windowOf,
} from '../console/src/model.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('problemOf', () => {
  it('reads the rule, reason, next step and approvers from a refusal', () => {
    expect(
      problemOf({
        message: 'Only an owner decides this. Ask an owner.',
        extensions: { code: 'FORBIDDEN', rule: 'approvals.decide', reason: 'Only an owner decides this.', nextStep: 'Ask an owner.', approvers: ['OWNER', 7] },
      }),
    ).toEqual({ message: 'Only an owner decides this. Ask an owner.', code: 'FORBIDDEN', rule: 'approvals.decide', reason: 'Only an owner decides this.', nextStep: 'Ask an owner.', approvers: ['OWNER'] });
  });

  it('keeps the message of an error without a decision', () => {
    expect(problemOf({ message: 'Bad input', extensions: { code: 'BAD_USER_INPUT' } })).toEqual({
      message: 'Bad input',
      code: 'BAD_USER_INPUT',
      rule: null,
      reason: null,
      nextStep: null,
      approvers: [],
    });
    expect(problemOf({}).message).toBe('The server refused the request.');
  });
});

describe('ageOf', () => {
  it('says how long a request has waited', () => {
    expect(ageOf('2026-11-26T11:59:30Z', NOW)).toBe('just now');
    expect(ageOf('2026-11-26T11:55:00Z', NOW)).toBe('5 min');
    expect(ageOf('2026-11-26T09:00:00Z', NOW)).toBe('3 h');
    expect(ageOf('2026-11-24T11:00:00Z', NOW)).toBe('2 d');
    // A clock slightly behind the server's is not a negative age.
    expect(ageOf('2026-11-26T12:00:05Z', NOW)).toBe('just now');
    expect(ageOf(null, NOW)).toBe('unknown');
    expect(ageOf('not a date', NOW)).toBe('unknown');
  });
});

describe('lists', () => {
  const a = { id: 'a', status: 'PENDING', createdAt: '2026-11-26T10:00:00Z', requestedBy: { id: 'u1' } };
  const b = { id: 'b', status: 'PENDING', createdAt: '2026-11-26T11:00:00Z', requestedBy: { id: 'me' } };
  const c = { id: 'c', status: 'APPROVED', createdAt: '2026-11-26T09:00:00Z', requestedBy: { id: 'u2' } };

  it('orders newest first', () => {
    expect(newestFirst([c, a, b]).map((r) => r.id)).toEqual(['b', 'a', 'c']);
  });

  it('splits a page into the pending requests of others and the user’s own', () => {
    const { toDecide, mine } = splitRequests([a, b, c], 'me');
    expect(toDecide.map((r) => r.id)).toEqual(['a']);
    expect(mine.map((r) => r.id)).toEqual(['b']);
  });

  it('adds a new request at its place and replaces one it already holds', () => {
    const d = { id: 'd', status: 'PENDING', createdAt: '2026-11-26T11:30:00Z', requestedBy: { id: 'u1' } };
    expect(upsert([b, a], d).map((r) => r.id)).toEqual(['d', 'b', 'a']);
    const decided = upsert([b, a], { ...a, status: 'APPROVED' });
    expect(decided.map((r) => [r.id, r.status])).toEqual([
      ['b', 'PENDING'],
      ['a', 'APPROVED'],
    ]);
  });
});

describe('mergeFetched', () => {
  const r = (id: string, status: string, hour: number) => ({ id, status, createdAt: `2026-11-26T${String(hour).padStart(2, '0')}:00:00Z` });

  it('keeps what live events brought before the page arrived, and their decisions', () => {
    const live = [r('new', 'PENDING', 11), r('old', 'APPROVED', 9)];
    const page = [r('mid', 'PENDING', 10), r('old', 'PENDING', 9)];
    expect(mergeFetched(live, page)).toEqual([r('new', 'PENDING', 11), r('mid', 'PENDING', 10), r('old', 'APPROVED', 9)]);
  });

  it('takes the page as it is when no event came first', () => {
    expect(mergeFetched([], [r('b', 'PENDING', 10), r('a', 'PENDING', 11)])).toEqual([r('a', 'PENDING', 11), r('b', 'PENDING', 10)]);
  });
});

describe('outcomeOf', () => {
  const problem = (code: string) => problemOf({ message: `${code} happened`, extensions: { code, rule: 'approvals.decided-once' } });

  it('tells a CONFLICT (someone decided first) from any other error', () => {
    expect(outcomeOf(null, [problem('CONFLICT')])).toEqual({ kind: 'conflict', problem: problem('CONFLICT') });
    expect(outcomeOf(null, [problem('FORBIDDEN')])).toEqual({ kind: 'error', problem: problem('FORBIDDEN') });
    expect(outcomeOf({ status: 'REJECTED' }, [])).toEqual({ kind: 'decided', status: 'REJECTED' });
  });
});

describe('form values', () => {
  it('turns a datetime-local value into UTC, and empty into none', () => {
    expect(dateTimeInput('')).toBeNull();
    expect(dateTimeInput('garbage')).toBeNull();
    expect(dateTimeInput('2026-12-01T09:30')).toBe(new Date('2026-12-01T09:30').toISOString());
  });

  it('describes a scope window', () => {
    expect(windowOf('2026-11-26T10:00:00.000Z', null)).toBe('from 2026-11-26 10:00 UTC, no end');
    expect(windowOf(null, '2026-12-31T00:00:00.000Z')).toBe('from the start, until 2026-12-31 00:00 UTC');
    // A request without a start begins when it is approved.
    expect(windowOf(null, '2026-12-31T00:00:00.000Z', 'from approval')).toBe('from approval, until 2026-12-31 00:00 UTC');
  });
});

describe('what a person reads', () => {
  it('says a request waits only while it is pending; a decided one says when it was requested and decided', () => {
    const createdAt = '2026-11-26T09:00:00Z';
    expect(timesOf({ status: 'PENDING', createdAt }, NOW)).toEqual([{ label: 'Waiting', at: createdAt, text: '3 h' }]);
    expect(timesOf({ status: 'APPROVED', createdAt, decidedAt: '2026-11-26T11:59:50Z' }, NOW)).toEqual([
      { label: 'Requested', at: createdAt, text: '3 h ago' },
      { label: 'Decided', at: '2026-11-26T11:59:50Z', text: 'just now' },
    ]);
    expect(timesOf({ status: 'CANCELLED', createdAt, decidedAt: '2026-11-26T11:00:00Z' }, NOW).map((t) => `${t.label}: ${t.text}`)).toEqual(['Requested: 3 h ago', 'Withdrawn: 1 h ago']);
    expect(timesOf({ status: 'EXPIRED', createdAt, decidedAt: null }, NOW).map((t) => t.label)).toEqual(['Requested']);
  });

  it('names statuses and access levels in words, never as the API spells them', () => {
    expect(['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'SOMETHING_NEW', null].map(statusLabel)).toEqual([
      'Waiting for a decision',
      'Approved',
      'Rejected',
      'Withdrawn',
      'Expired: no one decided in time',
      'Something_new',
      'Unknown',
    ]);
    expect(['FULL', 'RESTRICTED', 'NONE', null].map(accessLabel)).toEqual(['Full', 'Restricted', 'None', 'None']);
  });

  it('says what an empty end asks for, by the organization’s longest window', () => {
    expect(emptyEndMeans(90)).toBe('Leave Ends empty to ask for the longest this organization grants: 90 days from the start. An end further away is refused.');
    expect(emptyEndMeans(1)).toContain(': 1 day from the start.');
    expect(emptyEndMeans(null)).toBe('Leave Ends empty for access with no end date (this organization sets no longest time).');
  });

  it('names a refused argument by the label of its control', () => {
    const [p] = inFormTerms([problemOf({ message: '`endsAt` is in the past; `other` stays.', extensions: { code: 'BAD_USER_INPUT', nextStep: 'Change `endsAt`.' } })], { endsAt: 'Ends' });
    expect([p!.message, p!.nextStep]).toEqual(['“Ends” is in the past; `other` stays.', 'Change “Ends”.']);
  });

  it('lands a member who may decide nothing on their own access, anyone else on the inbox', () => {
    const refusal = problemOf({ message: 'no', extensions: { code: 'FORBIDDEN', rule: 'approvals.subscribe' } });
    expect(decidesNothing([refusal])).toBe(true);
    expect(decidesNothing([{ ...refusal, rule: 'membership.inactive' }])).toBe(false);
    expect(decidesNothing([{ ...refusal, code: 'INTERNAL_SERVER_ERROR' }])).toBe(false);
    expect([landingSection(false), landingSection(true), landingSection(null)]).toEqual(['access', 'inbox', 'inbox']);
  });
});
