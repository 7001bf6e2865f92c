// Identity invariants under truly parallel requests, run on SQLite and PostgreSQL: parallel
// password guesses verify at most the throttle's limit, two owners demoting or disabling each
// other leave exactly one active owner, and an invite token is accepted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE } from '../src/identity/policy.ts';
import { codes, PASSWORD, startTestServer, type GqlResult, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';
import { AcceptInvite, InviteMember, Login, SetMemberStatus, UpdateMemberRole } from './ops.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' });
});
afterAll(() => server?.close());

let n = 0;
const newAddress = () => `198.51.100.${++n}`;
const login = (email: string, address: string, password = `wrong-guess-${++n}`) =>
  server.gql(Login, { email, password }, { headers: { 'x-forwarded-for': address } });

/** How many results carry each error code ('' for a success). */
const tally = (results: GqlResult<unknown>[]) =>
  results.reduce<Record<string, number>>((acc, r) => {
    const code = codes(r)[0] ?? '';
    acc[code] = (acc[code] ?? 0) + 1;
    return acc;
  }, {});

describe('parallel password guesses', () => {
  it('verify at most the limit: 40 at once give 5 UNAUTHENTICATED and 35 RATE_LIMITED, and the lock stands', async () => {
    const o = await orgWithRoles(server, 'Burst');
    const address = newAddress();
    const results = await Promise.all(Array.from({ length: 40 }, () => login(o.viewer, address)));
    expect(tally(results)).toEqual({ UNAUTHENTICATED: THROTTLE.limits.pair, RATE_LIMITED: 40 - THROTTLE.limits.pair });
    for (const r of results.filter((r) => codes(r)[0] === 'RATE_LIMITED')) expect(r.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Exactly the verified guesses were audited; the refused ones never reached the password.
    expect(await server.db.auditEvent.count({ where: { action: 'auth.login.failed', metadata: { contains: o.viewer } } })).toBe(THROTTLE.limits.pair);
    const right = await login(o.viewer, address, PASSWORD);
    expect(codes(right)).toEqual(['RATE_LIMITED']);
    expect(right.data?.login ?? null).toBeNull();
  });

  it('give the right password inside a burst a token only within the limit', async () => {
    const o = await orgWithRoles(server, 'Inside');
    const address = newAddress();
    const results = await Promise.all([...Array.from({ length: 40 }, () => login(o.viewer, address)), login(o.viewer, address, PASSWORD)]);
    const right = results.pop()!;
    const wrong = tally(results);
    if (codes(right)[0] === 'RATE_LIMITED') {
      // Past the limit: no token, and no success ever cleared the count.
      expect(right.data?.login ?? null).toBeNull();
      expect(wrong).toEqual({ UNAUTHENTICATED: THROTTLE.limits.pair, RATE_LIMITED: 40 - THROTTLE.limits.pair });
    } else {
      // Within the limit it signs in, and its success starts the count over: at most 4 wrong
      // guesses beside it, then at most 5 after it.
      expect(right.data?.login?.user?.email).toBe(o.viewer);
      expect(wrong.UNAUTHENTICATED).toBeLessThanOrEqual(2 * THROTTLE.limits.pair - 1);
      expect(wrong.UNAUTHENTICATED! + wrong.RATE_LIMITED!).toBe(40);
    }
  });

  it('never lock nor say "failed" for the right password sent many times at once; failures still lock', async () => {
    const o = await orgWithRoles(server, 'Eager');
    const address = newAddress();
    const results = await Promise.all(Array.from({ length: 12 }, () => login(o.viewer, address, PASSWORD)));
    const signedIn = results.filter((r) => r.data?.login?.user?.email === o.viewer).length;
    // At most the limit run at once; the others are told to retry in a second, not that anything failed.
    expect(signedIn).toBeGreaterThanOrEqual(THROTTLE.limits.pair);
    for (const r of results.filter((r) => codes(r).length)) {
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', rule: 'auth.throttle.pair.in-flight', retryAfterSeconds: 1 });
      expect(r.errors![0]!.message).toBe('Too many sign-ins at once for this email from your address. Try again in a second.');
    }
    expect(signedIn + results.filter((r) => codes(r).length).length).toBe(12);
    // Nothing failed: nothing locked, nothing counted.
    expect(await server.db.loginThrottle.findUnique({ where: { key: `pair:${o.viewer}|${address}` } })).toBeNull();
    expect(await server.db.loginThrottle.findUnique({ where: { key: `address:${address}` } })).toMatchObject({ attempts: 0, inFlight: 0, lockedUntil: null });
    expect((await login(o.viewer, address, PASSWORD)).data?.login?.user?.email).toBe(o.viewer);
    // Five failures at once still lock the email at that address, the right password included.
    const wrong = await Promise.all(Array.from({ length: THROTTLE.limits.pair }, () => login(o.viewer, address)));
    expect(tally(wrong)).toEqual({ UNAUTHENTICATED: THROTTLE.limits.pair });
    const locked = await login(o.viewer, address, PASSWORD);
    expect(locked.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', rule: 'auth.throttle.pair' });
    expect(locked.errors![0]!.message).toMatch(/^Too many failed sign-ins for this email from your address\. Try again in (59|60) seconds\./);
  });

  // 50 scrypt hashes: slow on a busy machine.
  it('verify at most the address limit across emails from one address, and none elsewhere is affected', { timeout: 120_000 }, async () => {
    const o = await orgWithRoles(server, 'Spray');
    const address = newAddress();
    const emails = Array.from({ length: 11 }, (_, i) => `sprayed-${i}@spray.test`);
    const results = await Promise.all(emails.flatMap((email) => Array.from({ length: THROTTLE.limits.pair }, () => login(email, address))));
    expect(tally(results)).toEqual({ UNAUTHENTICATED: THROTTLE.limits.address, RATE_LIMITED: 11 * THROTTLE.limits.pair - THROTTLE.limits.address });
    const refused = await login(o.owner, address, PASSWORD);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', rule: 'auth.throttle.address' });
    expect(codes(await login(o.owner, newAddress(), PASSWORD))).toEqual([]);
  });
});

describe('two owners at the same moment', () => {
  /** An organization with exactly two active owners, A (`owner`) and B (`owner2`), and their user ids. */
  async function twoOwners(name: string) {
    const o = await orgWithRoles(server, name, { owner2: 'OWNER' });
    const [a, b] = await Promise.all([userIdOf(server, o.owner, o.owner), userIdOf(server, o.owner, o.emails.owner2!)]);
    return { o, a, b, b2: o.emails.owner2! };
  }
  const activeOwners = (o: OrgFixture) => server.db.membership.count({ where: { organizationId: o.id, role: 'OWNER', status: 'ACTIVE' } });

  /** Exactly one of two opposite changes wins; the other is FORBIDDEN by a rule that the winner made true. */
  function expectOneWinner(results: GqlResult<unknown>[]) {
    expect(results.map((r) => codes(r)).sort()).toEqual([[], ['FORBIDDEN']]);
    const loser = results.find((r) => codes(r).length)!;
    expect(['members.last-owner', 'members.owner-immutable', 'membership.inactive']).toContain(loser.errors![0]!.extensions!.rule);
  }

  it('demoting each other: exactly one succeeds and one active owner remains', async () => {
    for (let round = 0; round < 4; round++) {
      const { o, a, b, b2 } = await twoOwners(`Demote${round}`);
      expectOneWinner(
        await Promise.all([
          server.gql(UpdateMemberRole, { userId: b, role: 'ADMIN' }, { as: o.owner }),
          server.gql(UpdateMemberRole, { userId: a, role: 'ADMIN' }, { as: b2 }),
        ]),
      );
      expect(await activeOwners(o)).toBe(1);
    }
  });

  it('disabling each other: exactly one succeeds and one active owner remains', async () => {
    for (let round = 0; round < 4; round++) {
      const { o, a, b, b2 } = await twoOwners(`Disable${round}`);
      expectOneWinner(
        await Promise.all([
          server.gql(SetMemberStatus, { userId: b, status: 'DISABLED' }, { as: o.owner }),
          server.gql(SetMemberStatus, { userId: a, status: 'DISABLED' }, { as: b2 }),
        ]),
      );
      expect(await activeOwners(o)).toBe(1);
    }
  });
});

describe('an invite token accepted twice at once', () => {
  it('is accepted exactly once', async () => {
    const o = await orgWithRoles(server, 'Accept');
    for (let round = 0; round < 3; round++) {
      const email = `twice-${round}@accept.test`;
      const token = (await server.gql(InviteMember, { email, role: 'EDITOR' }, { as: o.owner })).data!.inviteMember!.token!;
      const results = await Promise.all(
        ['first-chosen-password', 'second-chosen-password'].map((password) => server.gql(AcceptInvite, { token, password })),
      );
      expect(results.map((r) => codes(r)).sort()).toEqual([[], ['BAD_USER_INPUT']]);
      const winner = ['first-chosen-password', 'second-chosen-password'][results.findIndex((r) => !codes(r).length)]!;
      expect(await server.db.membership.findFirst({ where: { organizationId: o.id, user: { email } }, select: { status: true } })).toEqual({ status: 'ACTIVE' });
      expect(await server.db.auditEvent.count({ where: { organizationId: o.id, action: 'member.invite.accept', metadata: { contains: email } } })).toBe(1);
      // The password that counts is the winner's: the loser's never replaced it.
      expect(codes(await login(email, newAddress(), winner))).toEqual([]);
    }
  });
});
