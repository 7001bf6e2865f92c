// Throttling of password checks (login, and accepting an invite with an existing account), kept in
// the database so that all instances agree. Each check reserves its slot before the password is
// hashed, so parallel guesses cannot all be verified. Keys are the email with the client address
// (a guesser elsewhere never locks the owner out) and the address alone (one address guessing
// across many emails), never the email alone.
import { refusalError } from '../authz/decision.ts';
import type { Db } from '../db/client.ts';
import { ErrorCode } from '../errors.ts';
import { passwordCheckDecision, THROTTLE, type ThrottleScope } from './policy.ts';

/** The keys of a check, in the order every check locks their rows (no deadlock between two checks). */
function keysOf(email: string, address: string): { scope: ThrottleScope; key: string }[] {
  // An address relayed in X-Forwarded-For past the trusted proxies is whatever a client wrote: bounded.
  const from = address.slice(0, 64);
  return [
    { scope: 'pair', key: `pair:${email}|${from}` },
    { scope: 'address', key: `address:${from}` },
  ];
}

interface Slot {
  scope: ThrottleScope;
  key: string;
  /** The lock this check set by reaching the limit, which its success lifts again. */
  lockedUntil: Date | null;
}

/**
 * Takes a slot for one password check of `email` from `address`, or throws RATE_LIMITED (with
 * retryAfterSeconds). The increment is an atomic upsert whose row lock is held to the end of the
 * transaction, so concurrent checks of a key take their slots one after the other; a refusal rolls
 * back, and takes no slot of either key.
 */
async function reserve(db: Db, now: Date, email: string, address: string): Promise<Slot[]> {
  return db.$transaction(async (tx) => {
    const slots: Slot[] = [];
    for (const { scope, key } of keysOf(email, address)) {
      const reserved = await tx.loginThrottle.upsert({
        where: { key },
        create: { key, attempts: 1, windowStartAt: now },
        update: { attempts: { increment: 1 } },
      });
      const decision = passwordCheckDecision(scope, reserved, now);
      if (!decision.allowed || !decision.count)
        throw refusalError(decision, ErrorCode.RATE_LIMITED, { retryAfterSeconds: decision.retryAfterSeconds });
      await tx.loginThrottle.update({ where: { key }, data: decision.count });
      slots.push({ scope, key, lockedUntil: decision.count.lockedUntil });
    }
    return slots;
  });
}

/**
 * After a successful check: the pair starts over; the address gets its slot back, and loses the
 * lock this check set (while that lock stood every other check was refused, so it is still ours;
 * before it, the address was not locked).
 */
async function release(db: Db, slots: Slot[]): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const { scope, key, lockedUntil } of slots) {
      if (scope === 'pair') await tx.loginThrottle.deleteMany({ where: { key } });
      else {
        await tx.loginThrottle.updateMany({ where: { key, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } });
        if (lockedUntil) await tx.loginThrottle.updateMany({ where: { key, lockedUntil }, data: { lockedUntil: null } });
      }
    }
  });
}

/** Runs `check` (a password verification) in a reserved slot, or throws RATE_LIMITED without running it. */
export async function throttledPasswordCheck(db: Db, now: Date, email: string, address: string, check: () => Promise<boolean>): Promise<boolean> {
  const slots = await reserve(db, now, email, address);
  const ok = await check();
  if (ok) await release(db, slots);
  return ok;
}

/** Forgets counters whose window and lock have both passed: they no longer throttle anyone. */
export async function pruneThrottle(db: Db, now: Date): Promise<number> {
  const windowStartedBefore = new Date(now.getTime() - THROTTLE.windowMs);
  const { count } = await db.loginThrottle.deleteMany({
    where: { windowStartAt: { lt: windowStartedBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return count;
}
