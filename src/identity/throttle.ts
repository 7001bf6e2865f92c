// Throttling of failed logins per email, kept in the database so that all instances agree.
import type { Db } from '../db/client.ts';

export const THROTTLE = {
  /** Failures allowed inside one window before the email is locked. */
  freeFailures: 5,
  windowMs: 15 * 60_000,
  /** First lock; doubles with each further failure, up to maxLockMs. */
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
};

/** Seconds until the email may try again, or 0. */
export async function lockedFor(db: Db, email: string, now = new Date()): Promise<number> {
  const row = await db.loginThrottle.findUnique({ where: { key: email } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
}

export async function recordFailure(db: Db, email: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.loginThrottle.findUnique({ where: { key: email } });
    const fresh = !row || now.getTime() - row.windowStartAt.getTime() > THROTTLE.windowMs;
    const failures = fresh ? 1 : row.attempts + 1;
    const over = failures - THROTTLE.freeFailures;
    const lockedUntil =
      over >= 0 ? new Date(now.getTime() + Math.min(THROTTLE.baseLockMs * 2 ** over, THROTTLE.maxLockMs)) : null;
    const data = { attempts: failures, windowStartAt: fresh ? now : row.windowStartAt, lockedUntil };
    await tx.loginThrottle.upsert({ where: { key: email }, create: { key: email, ...data }, update: data });
  });
}

export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: email } });
}
