// Signing in: the password checked inside the login throttle, and the session token.
import { auditedTransaction, callerActor } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { assertWithinLimits } from './limits.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { THROTTLE } from './policy.ts';
import { throttledPasswordCheck } from './throttle.ts';
import { signSessionToken } from './tokens.ts';

/**
 * Checks `password` against an account's hash (none: the account has no password, or there is no
 * account, and the check spends the same time), in a slot of the throttle of `email` and the
 * caller's address: RATE_LIMITED without hashing when the slots are used up.
 */
export function checkPassword(ctx: Context, email: string, passwordHash: string | null | undefined, password: string): Promise<boolean> {
  return throttledPasswordCheck(ctx.services.system, email, ctx.clientAddress, async () =>
    passwordHash ? verifyPassword(password, passwordHash) : (await burnPasswordCheck(password), false),
  );
}

export async function login(ctx: Context, rawEmail: string, password: string) {
  assertWithinLimits({ email: [rawEmail, 'email'], password: [password, 'password'] });
  const { system, keys } = ctx.services;
  const email = rawEmail.trim().toLowerCase();
  const user = await system.user.findUnique({ where: { email } });
  const ok = await checkPassword(ctx, email, user?.passwordHash, password);
  await auditedTransaction(callerActor(ctx, system), (_tx, record) =>
    record({ organizationId: null, action: ok ? 'auth.login' : 'auth.login.failed', targetType: 'User', targetId: user?.id ?? null, metadata: { email } }),
  );
  if (!user || !ok)
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      `Wrong email or password. After ${THROTTLE.limits.pair} failures from one address, that email is locked there for a while.`,
    );
  return { token: await signSessionToken(keys, user.id), user };
}
