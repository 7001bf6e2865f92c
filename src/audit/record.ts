// Mutations commit their effect and its audit event in one transaction.
import type { Context } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import { appendAuditEvent, type AuditInput } from './chain.ts';

export type EventInput = Omit<AuditInput, 'organizationId' | 'actorId' | 'actorEmail' | 'requestId'> & {
  organizationId?: string | null;
};

export type RecordEvent = (event: EventInput) => Promise<void>;

/**
 * Runs `work` in a transaction of `client` (the caller's tenant-scoped client unless an identity
 * flow needs the system one) and appends the events it records, so all commit together or none.
 */
export async function auditedTransaction<T>(
  ctx: Context,
  client: Db,
  work: (tx: Tx, record: RecordEvent) => Promise<T>,
): Promise<T> {
  return client.$transaction(async (tx) => {
    const record: RecordEvent = async (event) => {
      await appendAuditEvent(tx, {
        ...event,
        organizationId: event.organizationId === undefined ? (ctx.caller.membership?.organizationId ?? null) : event.organizationId,
        actorId: ctx.caller.user?.id ?? null,
        actorEmail: ctx.caller.user?.email ?? null,
        requestId: ctx.requestId,
      });
    };
    return work(tx, record);
  });
}
