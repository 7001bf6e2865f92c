// Sessions: a signed token is a session until it expires or its holder logs out. Logout stores the
// token's id (`jti`) as revoked; every request reads that revocation in the statement that reads its
// caller (`readCaller` in src/db/sql/caller.ts), so a revoked token is refused on the next request on
// every instance, with no cache to go stale (pub/sub delivery is asynchronous: a cache it
// invalidated could still accept that next request). Pub/sub carries what has to be pushed: what
// was opened with the token (graphql-ws sockets, SSE streams) ends on every instance, and so it does
// when the token expires (sessionEnds below). Revocations are kept until the token would have
// expired anyway.
import { atTime, type Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { followRole, type Context } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { LiveSubscriber } from '../streams/live.ts';
import type { PubSub } from '../pubsub.ts';

/** Why a request with a revoked token is refused. */
export const REVOKED_MESSAGE = 'This session was ended by logout. Log in again with `login`.';

/** Forgets revocations of tokens that have expired (the expiry sweep): an expired token is refused by its signature check. */
export async function pruneRevokedTokens(db: Db, now: Date): Promise<number> {
  const { count } = await db.revokedToken.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}

/** Tells every instance that a session ended (after the revocation committed). */
export const announceRevocation = (pubsub: PubSub, jti: string) => pubsub.publish('session:revoked', { jti });

/** Why a session ended while streams it opened were still open. */
export type SessionEnd = 'logout' | 'expired';

/** What a stream or socket of an ended session is told: the message and the rule (extensions.reason). */
export const SESSION_ENDED: Record<SessionEnd, { message: string; rule: string; closeReason: string }> = {
  logout: { message: 'This session was ended by logout, so this subscription has ended. Log in again with `login`.', rule: 'session.logout', closeReason: 'Session ended by logout: log in again' },
  expired: { message: 'Your session token has expired, so this subscription has ended. Log in again with `login`.', rule: 'session.expired', closeReason: 'Session expired: log in again' },
};

export interface SessionWatch {
  /**
   * Calls `ended` once when the session ends while watched: logout on any instance (pub/sub), or
   * its `expiresAt` reached by the services' clock. A session revoked lately, before it was
   * watched (logout while a subscription was being set up), ends at once. Returns what stops watching.
   */
  watch(session: { jti: string; expiresAt: Date }, ended: (why: SessionEnd) => void): () => void;
  stop(): Promise<void>;
}

/** How many revoked sessions an instance remembers, for the watches that start just after a revocation. */
const REMEMBERED_REVOCATIONS = 10_000;

/**
 * This instance's watches of open sessions, by token id: one pub/sub subscription and one timer per
 * session (its expiry), however many sockets and streams it opened.
 */
export function sessionEnds(pubsub: PubSub, clock: Clock): SessionWatch {
  interface Watched {
    listeners: Set<(why: SessionEnd) => void>;
    cancelExpiry: () => void;
  }
  const open = new Map<string, Watched>();
  const revoked = new Set<string>();
  const end = (jti: string, why: SessionEnd) => {
    const watched = open.get(jti);
    if (!watched) return;
    open.delete(jti);
    watched.cancelExpiry();
    for (const listener of watched.listeners) listener(why);
  };
  const revocations = pubsub.subscribe('session:revoked');
  const listening = (async () => {
    for await (const { jti } of revocations) {
      revoked.add(jti);
      if (revoked.size > REMEMBERED_REVOCATIONS) revoked.delete(revoked.values().next().value!);
      end(jti, 'logout');
    }
  })();
  return {
    watch({ jti, expiresAt }, ended) {
      if (revoked.has(jti)) {
        let stopped = false;
        queueMicrotask(() => stopped || ended('logout'));
        return () => void (stopped = true);
      }
      let watched = open.get(jti);
      if (!watched) {
        const created: Watched = { listeners: new Set(), cancelExpiry: () => {} };
        open.set(jti, (watched = created));
        created.cancelExpiry = atTime(clock, expiresAt, () => end(jti, 'expired'));
      }
      const { listeners } = watched;
      listeners.add(ended);
      return () => {
        listeners.delete(ended);
        if (!listeners.size && open.get(jti)?.listeners === listeners) {
          open.delete(jti);
          watched.cancelExpiry();
        }
      };
    },
    async stop() {
      for (const watched of open.values()) watched.cancelExpiry();
      open.clear();
      await revocations.return?.();
      await listening;
    },
  };
}

/** The error a stream of an ended session ends with (the same as src/ops/streams.ts gives). */
export const sessionEndedError = (why: SessionEnd) => new AppError(ErrorCode.UNAUTHENTICATED, SESSION_ENDED[why].message, { rule: SESSION_ENDED[why].rule });

const expiredError = () => sessionEndedError('expired');

/**
 * A live subscriber from a subscription's context: the member as the request found them, whose
 * context follows their role from event to event, and whose stream ends at their session's expiry.
 */
export function liveSubscriberOf(ctx: Context): LiveSubscriber & { status: string } {
  const { organizationId, role, status } = ctx.member;
  const session = ctx.caller.session;
  return {
    organizationId,
    userId: ctx.user.id,
    role,
    status,
    onRole: (now) => followRole(ctx, now),
    until: session ? { at: session.expiresAt, error: expiredError } : undefined,
  };
}
