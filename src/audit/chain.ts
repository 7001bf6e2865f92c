// The audit trail: append-only events, each carrying the hash of its chain's previous event.
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/client.ts';

export const GLOBAL_CHAIN = 'global';
export const chainOf = (organizationId: string | null) => (organizationId ? `org:${organizationId}` : GLOBAL_CHAIN);
const GENESIS = '0'.repeat(64);

export interface AuditInput {
  organizationId: string | null;
  actorId?: string | null;
  actorEmail?: string | null;
  /** Dotted verb: `member.role.update`, `auth.denied`… */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  metadata?: Record<string, unknown>;
}

/** An event as a use case records it: who acts and in which request is the transaction's to add. */
export type EventInput = Omit<AuditInput, 'organizationId' | 'actorId' | 'actorEmail' | 'requestId'> & {
  /** Defaults to the actor's organization; null for the global chain. */
  organizationId?: string | null;
};

/** Appends an event in the transaction it was handed with. */
export type RecordEvent = (event: EventInput) => Promise<void>;

/** Keys that must never reach an audit event: secrets and PII other than email addresses. */
const FORBIDDEN_KEYS = /^(password|passwordHash|token|tokenHash|secret|phone|proposed.*|authorization)$/i;

/** JSON with object keys sorted, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}

function assertPiiFree(metadata: Record<string, unknown>, path = 'metadata') {
  for (const [k, v] of Object.entries(metadata)) {
    if (FORBIDDEN_KEYS.test(k)) throw new Error(`audit ${path}.${k}: secrets and PII beyond email never go into audit events`);
    if (v && typeof v === 'object' && !Array.isArray(v)) assertPiiFree(v as Record<string, unknown>, `${path}.${k}`);
  }
}

interface HashedFields {
  id: string;
  chain: string;
  seq: number;
  organizationId: string | null;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  metadata: string;
  prevHash: string;
}

export function eventHash(e: HashedFields): string {
  const payload = canonicalJson([
    1,
    e.id,
    e.chain,
    e.seq,
    e.organizationId,
    e.at.toISOString(),
    e.actorId,
    e.actorEmail,
    e.action,
    e.targetType,
    e.targetId,
    e.requestId,
    e.metadata,
    e.prevHash,
  ]);
  return createHash('sha256').update(payload).digest('hex');
}

/**
 * Appends one event inside the caller's transaction, so the event commits with the change it
 * records or not at all. Works with the tenant-scoped client too (the chain head and the event are
 * rows of the organization).
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput) {
  const metadata = input.metadata ?? {};
  assertPiiFree(metadata);
  const chain = chainOf(input.organizationId);
  const head = await tx.auditChainHead.update({ where: { chain }, data: { seq: { increment: 1 } } });
  const fields: HashedFields = {
    id: randomUUID(),
    chain,
    seq: head.seq,
    organizationId: input.organizationId,
    // Millisecond precision: both databases store exactly this, so the hash recomputes.
    at: new Date(),
    actorId: input.actorId ?? null,
    actorEmail: input.actorEmail ?? null,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    requestId: input.requestId ?? null,
    metadata: canonicalJson(metadata),
    prevHash: head.hash,
  };
  const hash = eventHash(fields);
  const event = await tx.auditEvent.create({ data: { ...fields, hash } });
  await tx.auditChainHead.update({ where: { chain }, data: { hash } });
  return event;
}

/** Creates a chain's head; called when its organization is created (and for the global chain at start). */
export async function openAuditChain(tx: Tx | Db, organizationId: string | null) {
  const chain = chainOf(organizationId);
  await tx.auditChainHead.upsert({ where: { chain }, create: { chain, organizationId, seq: 0, hash: GENESIS }, update: {} });
}

export interface ChainStatus {
  ok: boolean;
  checked: number;
  brokenAt: string | null;
}

/**
 * Recomputes a chain from its first event: each event's hash, its link to the previous one, the
 * sequence without gaps, and the head against the last event (which catches a removed tail).
 */
export async function verifyChain(db: Db | Tx, organizationId: string | null, batchSize = 1000): Promise<ChainStatus> {
  const chain = chainOf(organizationId);
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  let lastId: string | null = null;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: { chain, seq: { gte: expectedSeq } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    for (const e of batch) {
      checked++;
      if (e.seq !== expectedSeq || e.prevHash !== prevHash || eventHash(e) !== e.hash)
        return { ok: false, checked, brokenAt: e.id };
      prevHash = e.hash;
      expectedSeq++;
      lastId = e.id;
    }
    if (batch.length < batchSize) break;
  }
  const head = await db.auditChainHead.findUnique({ where: { chain } });
  const headSeq = head?.seq ?? 0;
  if (headSeq !== expectedSeq - 1 || (head && head.hash !== prevHash)) return { ok: false, checked, brokenAt: lastId };
  return { ok: true, checked, brokenAt: null };
}
