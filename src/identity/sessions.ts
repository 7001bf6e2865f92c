// Sessions: a signed token is a session until it expires or its holder logs out. Logout stores the
// token's id (`jti`) as revoked; every request reads that revocation in the statement that reads its
// caller (`readCaller` in src/db/sql/caller.ts), so a revoked token is refused on the next request on
// every instance, with no cache to go stale (pub/sub delivery is asynchronous: a cache it
// invalidated could still accept that next request). Pub/sub carries what has to be pushed: the
// graphql-ws sockets opened with the token are closed on every instance. Revocations are kept until
// the token would have expired anyway.
import type { Db } from '../db/client.ts';
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

interface ClosableSocket {
  close(code: number, reason: string): void;
}

export interface SessionSockets {
  /** Remembers an open graphql-ws socket authenticated by the session `jti`. */
  track(jti: string, socket: ClosableSocket): void;
  forget(jti: string, socket: ClosableSocket): void;
  stop(): Promise<void>;
}

/** Closes this instance's graphql-ws sockets of a revoked session (4401), wherever it was revoked. */
export function sessionSockets(pubsub: PubSub): SessionSockets {
  const open = new Map<string, Set<ClosableSocket>>();
  const revocations = pubsub.subscribe('session:revoked');
  const listening = (async () => {
    for await (const { jti } of revocations) {
      for (const socket of open.get(jti) ?? []) socket.close(4401, 'Session ended by logout: log in again');
      open.delete(jti);
    }
  })();
  return {
    track(jti, socket) {
      const sockets = open.get(jti) ?? new Set();
      sockets.add(socket);
      open.set(jti, sockets);
    },
    forget(jti, socket) {
      const sockets = open.get(jti);
      sockets?.delete(socket);
      if (sockets?.size === 0) open.delete(jti);
    },
    async stop() {
      await revocations.return?.();
      await listening;
    },
  };
}
