// Signing in and out: the password checked inside the login throttle, the session token, and
// logout, which revokes the token on every instance (src/identity/sessions.ts).
import { auditedTransaction, callerActor } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { isUniqueViolation } from '../db/client.ts';
import { AppError, ErrorCode, badInput } from '../errors.ts';
import { assertWithinLimits } from './limits.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { THROTTLE } from './policy.ts';
import { announceRevocation } from './sessions.ts';
import { throttledPasswordCheck } from './throttle.ts';
import { signSessionToken } from './tokens.ts';

/**
 * Checks `password` against an account's hash (none: the account has no password, or there is no
 * account, and the check spends the same time), in a slot of the throttle of `email` and the
 * caller's address: RATE_LIMITED without hashing when the slots are used up.
 */
export function checkPassword(ctx: Context, email: string, passwordHash: string | null | undefined, password: string): Promise<boolean> {
  return throttledPasswordCheck(ctx.services.system, ctx.services.clock.now(), email, ctx.clientAddress, async () =>
    passwordHash ? verifyPassword(password, passwordHash) : (await burnPasswordCheck(password, ctx.services.config.PASSWORD_HASH_COST), false),
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
  const { token, expiresAt } = await signSessionToken(keys, user.id, ctx.services.clock.now());
  return { token, expiresAt, user };
}

/**
 * Revokes the token this request presented: refused from the next request on, on every instance,
 * and the graphql-ws sockets opened with it are closed. Audited in the global chain, as logins are.
 */
export async function logout(ctx: Context): Promise<boolean> {
  const user = ctx.user;
  const session = ctx.caller.session;
  if (!session)
    throw badInput('This request carries no session token (X-Dev-User has none): there is nothing to log out. Send `Authorization: Bearer <token>`.');
  const { system, pubsub } = ctx.services;
  try {
    await auditedTransaction(callerActor(ctx, system), async (tx, record) => {
      await tx.revokedToken.create({ data: { jti: session.jti, userId: user.id, expiresAt: session.expiresAt } });
      await record({ organizationId: null, action: 'auth.logout', targetType: 'User', targetId: user.id, metadata: { email: user.email } });
    });
  } catch (error) {
    // A concurrent logout with the same token revoked it first: the session is ended all the same.
    if (!isUniqueViolation(error)) throw error;
  }
  announceRevocation(pubsub, session.jti);
  return true;
}
