// The one way to write audited changes: `auditedTransaction(actor, work)` runs `work` in a
// transaction of the actor's client and appends the events it records in that same transaction,
// so the change and its audit trail commit together or not at all. The actor is a member acting in
// a request, someone not yet signed in (login), or the system (expiry, scheduler, bootstrap).
import type { Clock } from '../clock.ts';
import type { Context } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import { appendAuditEvent, type RecordEvent } from './chain.ts';
import { auditKeysOf, type AuditKeys } from './keys.ts';

export type { EventInput, RecordEvent } from './chain.ts';

export interface Actor {
  /** The client whose transaction the work runs in: the caller's tenant-scoped one unless the flow spans organizations. */
  client: Db;
  organizationId: string | null;
  userId: string | null;
  email: string | null;
  requestId: string | null;
  /** The audit keys of the process: events are hashed with its HMAC key. */
  keys: AuditKeys;
  /** Stamps the events: the services' clock, so an event's time agrees with the change it records. */
  clock: Clock;
  /** Work to finish before the transaction opens (the caller's row filters: see Context.loadRowFilters). */
  before?: () => Promise<void>;
}

/** The caller of a request, through their tenant-scoped client (or `client`, for identity flows that span organizations). */
export function callerActor(ctx: Context, client?: Db): Actor {
  const { caller } = ctx;
  return {
    client: client ?? ctx.db,
    // An invitee is not a member yet: what they do belongs to the global chain, not the organization's.
    organizationId: caller.membership && caller.membership.status !== 'INVITED' ? caller.membership.organizationId : null,
    userId: caller.user?.id ?? null,
    email: caller.user?.email ?? null,
    requestId: ctx.requestId,
    keys: auditKeysOf(ctx.services.system),
    clock: ctx.services.clock,
    before: () => ctx.loadRowFilters(),
  };
}

/** No member: the server itself (expiry sweep, bootstrap), recorded without an actor. */
export const systemActor = (client: Db, clock: Clock, organizationId: string | null, as: { userId?: string | null; email?: string | null } = {}): Actor => ({
  client,
  clock,
  organizationId,
  userId: as.userId ?? null,
  email: as.email ?? null,
  requestId: null,
  keys: auditKeysOf(client),
});

export interface TransactionOptions {
  /** Retry the whole transaction on serialization failures and deadlocks (PostgreSQL), up to this many times. */
  retries?: number;
  /** Longest the transaction may run, in ms (Prisma's default: 5,000): for bulk writes. */
  timeout?: number;
}

/** Prisma's codes for a transaction that lost a conflict (write conflict, deadlock): safe to run again. */
const RETRYABLE = new Set(['P2034', 'P2028']);

export async function auditedTransaction<T>(actor: Actor, work: (tx: Tx, record: RecordEvent) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  await actor.before?.();
  for (let attempt = 0; ; attempt++) {
    try {
      return await actor.client.$transaction(async (tx) => {
        const record: RecordEvent = async (event) => {
          await appendAuditEvent(
            tx,
            {
              ...event,
              organizationId: event.organizationId === undefined ? actor.organizationId : event.organizationId,
              actorId: actor.userId,
              actorEmail: actor.email,
              requestId: actor.requestId,
            },
            actor.keys.event,
            actor.clock.now(),
          );
        };
        return work(tx, record);
      }, options.timeout === undefined ? undefined : { timeout: options.timeout });
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= (options.retries ?? 0)) throw error;
    }
  }
}
