// Password hashing with scrypt, a memory-hard KDF built into Node: no native add-on to compile.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * How costly new hashes are. `standard`: N = 2^15, r = 8, p = 3, 32 MiB per hash, one of the scrypt
 * settings OWASP lists as a minimum. `test` (config refuses it outside NODE_ENV=test): a test suite
 * hashes and checks hundreds of passwords, each of which would take a second of a busy CPU. A hash
 * carries its parameters, so checking one made at either cost works under both.
 */
export type PasswordHashCost = 'standard' | 'test';
const PARAMS: Record<PasswordHashCost, { N: number; r: number; p: number; keylen: number }> = {
  standard: { N: 2 ** 15, r: 8, p: 3, keylen: 32 },
  test: { N: 2 ** 10, r: 8, p: 1, keylen: 32 },
};
const maxmem = 64 * 1024 * 1024;

export const MIN_PASSWORD_LENGTH = 12;

export async function hashPassword(password: string, cost: PasswordHashCost): Promise<string> {
  const { N, r, p, keylen } = PARAMS[cost];
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem });
  return timingSafeEqual(actual, expected);
}

const dummyHashes = new Map<PasswordHashCost, Promise<string>>();
/** Spends the same time as a real check of a hash made at `cost`, so a missing account is not told apart by timing. */
export async function burnPasswordCheck(password: string, cost: PasswordHashCost): Promise<void> {
  let dummy = dummyHashes.get(cost);
  if (!dummy) dummyHashes.set(cost, (dummy = hashPassword(randomBytes(12).toString('hex'), cost)));
  await verifyPassword(password, await dummy);
}

/** What is wrong with a new password (its upper bound, INPUT_LIMITS.password, is checked before any work). */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  return null;
}
