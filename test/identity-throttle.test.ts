// The password-check throttle by client address (TRUST_PROXY=1: the address is X-Forwarded-For's
// last entry): a guesser at one address never locks out the owner of the email elsewhere, a
// success starts the count over, and accepting an invite with an existing account is counted too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { AcceptInvite, InviteMember, Login } from './ops.ts';
import { pruneThrottle } from '../src/identity/throttle.ts';

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' });
  o = await orgWithRoles(server, 'Throttle');
});
afterAll(() => server?.close());

let n = 0;
/** A client address of its own for each test: the address alone is counted too. */
const newAddress = () => `203.0.113.${++n}`;
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
const guess = (email: string, address: string, password = `wrong-guess-${++n}`) => server.gql(Login, { email, password }, from(address));

describe('login throttle by address', () => {
  it('locks an email at the guessing address only', async () => {
    const [guesser, owner] = [newAddress(), newAddress()];
    for (let i = 0; i < 5; i++) expect(codes(await guess(o.viewer, guesser))).toEqual(['UNAUTHENTICATED']);
    const locked = await guess(o.viewer, guesser, PASSWORD);
    expect(codes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors![0]!.extensions).toMatchObject({ rule: 'auth.throttle.pair', retryAfterSeconds: 60 });
    expect(locked.errors![0]!.message).toBe(
      'Too many failed sign-ins for this email from your address. Try again in 60 seconds. Or ask an admin to reset the password.',
    );
    const elsewhere = await guess(o.viewer, owner, PASSWORD);
    expect(codes(elsewhere)).toEqual([]);
    expect(elsewhere.data?.login?.user?.email).toBe(o.viewer);
  });

  it('doubles the lock with each further failure once a lock has passed', async () => {
    const address = newAddress();
    for (let i = 0; i < 5; i++) await guess(o.editor, address);
    const key = `pair:${o.editor}|${address}`;
    await server.db.loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(codes(await guess(o.editor, address))).toEqual(['UNAUTHENTICATED']);
    const again = await guess(o.editor, address, PASSWORD);
    // The doubled lock (120 s, not the first lock's 60), counted from the reservation before the slow hash.
    expect(again.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
    expect(again.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(100);
    expect(again.errors![0]!.extensions!.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it('starts the count over after a success', async () => {
    const address = newAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect(codes(await guess(o.admin, address))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await guess(o.admin, address, PASSWORD))).toEqual([]);
    }
    expect(await server.db.loginThrottle.findUnique({ where: { key: `pair:${o.admin}|${address}` } })).toBeNull();
  });

  it('counts guesses at unknown emails the same way', async () => {
    const address = newAddress();
    for (let i = 0; i < 5; i++) expect(codes(await guess('nobody@throttle.test', address))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await guess('nobody@throttle.test', address))).toEqual(['RATE_LIMITED']);
  });
});

describe('accepting an invite with an existing account', () => {
  it('is throttled like a login, at the guessing address only', async () => {
    const other = await orgWithRoles(server, 'Joining');
    const token = (await server.gql(InviteMember, { email: other.viewer, role: 'VIEWER' }, { as: o.owner })).data!.inviteMember!.token!;
    const [guesser, owner] = [newAddress(), newAddress()];
    for (let i = 0; i < 5; i++)
      expect(codes(await server.gql(AcceptInvite, { token, password: `guessed-password-${i}` }, from(guesser)))).toEqual(['UNAUTHENTICATED']);
    const locked = await server.gql(AcceptInvite, { token, password: PASSWORD }, from(guesser));
    expect(codes(locked)).toEqual(['RATE_LIMITED']);
    // The guesses at the invite lock the account's logins at that address too.
    expect(codes(await guess(other.viewer, guesser, PASSWORD))).toEqual(['RATE_LIMITED']);
    const joined = await server.gql(AcceptInvite, { token, password: PASSWORD }, from(owner));
    expect(joined.data?.acceptInvite?.user?.email).toBe(other.viewer);
  });
});

describe('pruning', () => {
  it('forgets counters whose window and lock have passed, and keeps the others', async () => {
    const db = server.db;
    const old = new Date(Date.now() - 60 * 60_000);
    await db.loginThrottle.createMany({
      data: [
        { key: 'pair:gone@x.test|1.1.1.1', attempts: 3, windowStartAt: old, lockedUntil: null },
        { key: 'pair:lockpassed@x.test|1.1.1.1', attempts: 9, windowStartAt: old, lockedUntil: new Date(Date.now() - 1000) },
        { key: 'pair:stilllocked@x.test|1.1.1.1', attempts: 9, windowStartAt: old, lockedUntil: new Date(Date.now() + 60_000) },
        { key: 'pair:fresh@x.test|1.1.1.1', attempts: 1, windowStartAt: new Date(), lockedUntil: null },
      ],
    });
    await pruneThrottle(db, new Date());
    const left = (await db.loginThrottle.findMany({ where: { key: { endsWith: '@x.test|1.1.1.1' } } })).map((r) => r.key).sort();
    expect(left).toEqual(['pair:fresh@x.test|1.1.1.1', 'pair:stilllocked@x.test|1.1.1.1']);
  });
});
