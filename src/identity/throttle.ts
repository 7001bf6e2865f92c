// Throttling of password checks (login, and accepting an invite with an existing account), kept in
// the database so that all instances agree. Each check reserves its slot before the password is
// hashed, so parallel guesses cannot all be verified; only failures count and lock. Keys are the email with the client address
// (a guesser elsewhere never locks the owner out) and the address alone (one address guessing
// across many emails), never the email alone.
import { refusalError } from '../authz/decision.ts';
import type { Db } from '../db/client.ts';
import { ErrorCode } from '../errors.ts';
import { failureLock, passwordCheckDecision, THROTTLE, type ThrottleScope } from './policy.ts';

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
}

/**
 * Takes a slot for one password check of `email` from `address`, or throws RATE_LIMITED (with
 * retryAfterSeconds). The increment of `inFlight` is an atomic upsert whose row lock is held to
 * the end of the transaction, so concurrent checks of a key take their slots one after the other;
 * a refusal rolls back, and takes no slot of either key.
 */
async function reserve(db: Db, now: Date, email: string, address: string): Promise<Slot[]> {
  return db.$transaction(async (tx) => {
    const slots: Slot[] = [];
    for (const { scope, key } of keysOf(email, address)) {
      const reserved = await tx.loginThrottle.upsert({
        where: { key },
        create: { key, attempts: 0, inFlight: 1, windowStartAt: now },
        update: { inFlight: { increment: 1 } },
      });
      const decision = passwordCheckDecision(scope, reserved, now);
      if (!decision.allowed || !decision.count)
        throw refusalError(decision, ErrorCode.RATE_LIMITED, { retryAfterSeconds: decision.retryAfterSeconds });
      await tx.loginThrottle.update({ where: { key }, data: decision.count });
      slots.push({ scope, key });
    }
    return slots;
  });
}

/** A row pruned while its check ran (src/identity/throttle.ts pruneThrottle): nothing to settle. */
const unlessGone = (error: unknown) => {
  if ((error as { code?: string }).code === 'P2025') return null;
  throw error;
};

/**
 * After a check: its slot given back, one atomic statement at a time (no transaction: a burst of
 * checks would otherwise hold two pooled connections each). A failure counts, and locks the key
 * once the failures reach its limit: the count comes back from the increment itself, and a lock
 * only ever grows, so concurrent failures lock for as long as the last of them earns. A success
 * starts the pair over and leaves the address's failures as they were. `ok` undefined: the check
 * did not finish (an error), which counts as neither.
 */
async function settle(db: Db, now: Date, slots: Slot[], ok: boolean | undefined): Promise<void> {
  for (const { scope, key } of slots) {
    if (ok === false) {
      const row = await db.loginThrottle.update({ where: { key }, data: { attempts: { increment: 1 }, inFlight: { decrement: 1 } } }).catch(unlessGone);
      const lockedUntil = row && failureLock(scope, row.attempts, now);
      if (lockedUntil) await db.loginThrottle.updateMany({ where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lt: lockedUntil } }] }, data: { lockedUntil } });
    } else if (ok && scope === 'pair') {
      await db.loginThrottle.updateMany({ where: { key }, data: { attempts: 0, inFlight: { decrement: 1 }, lockedUntil: null } });
      // Forgotten, unless another check of the pair is running.
      await db.loginThrottle.deleteMany({ where: { key, inFlight: { lte: 0 } } });
    } else await db.loginThrottle.updateMany({ where: { key }, data: { inFlight: { decrement: 1 } } });
  }
}

/** Runs `check` (a password verification) in a reserved slot, or throws RATE_LIMITED without running it. */
export async function throttledPasswordCheck(db: Db, now: Date, email: string, address: string, check: () => Promise<boolean>): Promise<boolean> {
  const slots = await reserve(db, now, email, address);
  let ok: boolean | undefined;
  try {
    ok = await check();
    return ok;
  } finally {
    await settle(db, now, slots, ok);
  }
}

/** Forgets counters whose window and lock have both passed: they no longer throttle anyone. */
export async function pruneThrottle(db: Db, now: Date): Promise<number> {
  const windowStartedBefore = new Date(now.getTime() - THROTTLE.windowMs);
  const { count } = await db.loginThrottle.deleteMany({
    where: { windowStartAt: { lt: windowStartedBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return count;
}
