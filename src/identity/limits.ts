// The longest value each string input of the identity mutations accepts. Checked before any I/O,
// so that nobody, signed in or not, makes the server hash, store or audit megabytes.
import { tooLong } from '../errors.ts';

export const INPUT_LIMITS = {
  /** RFC 5321's longest forward path. */
  email: 254,
  password: 256,
  displayName: 120,
  organizationName: 120,
  /** Issued tokens have 43 characters (32 random bytes, base64url). */
  inviteToken: 128,
  /** A user id, raw or global. */
  userId: 128,
} as const;

export type LimitedInput = keyof typeof INPUT_LIMITS;

/**
 * Refuses the first value longer than its limit: BAD_USER_INPUT naming the argument and the limit.
 * `inputs` maps each argument's name to its value and the limit it falls under.
 */
export function assertWithinLimits(inputs: Record<string, [value: string | null | undefined, limit: LimitedInput]>): void {
  for (const [argument, [value, limit]] of Object.entries(inputs)) {
    const max = INPUT_LIMITS[limit];
    if (value != null && value.length > max) throw tooLong(argument, max, value.length);
  }
}
