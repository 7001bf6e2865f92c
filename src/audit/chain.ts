// The audit trail: append-only events, each carrying the hash of its chain's previous event, keyed
// with the audit key (HMAC-SHA256) so that writing the database is not enough to forge a chain.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Db, Tx } from '../db/client.ts';
import type { AuditKeys } from './keys.ts';
import { canonicalJson, ChainVerification, GENESIS, keyedEventHash, type ChainedEvent, type ChainReport, type Checkpoint, type EventKey, type UnhashedEvent } from './proof.ts';

export { canonicalJson } from './proof.ts';

export const GLOBAL_CHAIN = 'global';
export const chainOf = (organizationId: string | null) => (organizationId ? `org:${organizationId}` : GLOBAL_CHAIN);

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

function assertPiiFree(metadata: Record<string, unknown>, path = 'metadata') {
  for (const [k, v] of Object.entries(metadata)) {
    if (FORBIDDEN_KEYS.test(k)) throw new Error(`audit ${path}.${k}: secrets and PII beyond email never go into audit events`);
    if (v && typeof v === 'object' && !Array.isArray(v)) assertPiiFree(v as Record<string, unknown>, `${path}.${k}`);
  }
}

/** A stored event as the proof functions see it. */
export const chainedEvent = (e: AuditEvent): ChainedEvent => ({
  id: e.id,
  chain: e.chain,
  seq: e.seq,
  organizationId: e.organizationId,
  at: e.at.toISOString(),
  actorId: e.actorId,
  actorEmail: e.actorEmail,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  requestId: e.requestId,
  metadata: e.metadata,
  prevHash: e.prevHash,
  hash: e.hash,
  keyId: e.keyId,
});

/** A stored checkpoint as the proof functions see it. */
export const storedCheckpoint = (c: Omit<Checkpoint, 'at'> & { at: Date }): Checkpoint => ({
  chain: c.chain,
  seq: c.seq,
  hash: c.hash,
  digest: c.digest,
  at: c.at.toISOString(),
  keyId: c.keyId,
  signature: c.signature,
  prevSeq: c.prevSeq,
  prevSignatureHash: c.prevSignatureHash,
});

/**
 * Appends one event inside the caller's transaction, so the event commits with the change it
 * records or not at all. Works with the tenant-scoped client too (the chain head and the event are
 * rows of the organization).
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput, key: EventKey, at: Date) {
  const metadata = input.metadata ?? {};
  assertPiiFree(metadata);
  const chain = chainOf(input.organizationId);
  const head = await tx.auditChainHead.update({ where: { chain }, data: { seq: { increment: 1 } } });
  const fields: UnhashedEvent = {
    id: randomUUID(),
    chain,
    seq: head.seq,
    organizationId: input.organizationId,
    // Millisecond precision: both databases store exactly this, so the hash recomputes.
    at: at.toISOString(),
    actorId: input.actorId ?? null,
    actorEmail: input.actorEmail ?? null,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    requestId: input.requestId ?? null,
    metadata: canonicalJson(metadata),
    prevHash: head.hash,
    keyId: key.id,
  };
  const hash = keyedEventHash(fields, key);
  const event = await tx.auditEvent.create({ data: { ...fields, at, hash } });
  await tx.auditChainHead.update({ where: { chain }, data: { hash } });
  return event;
}

/** Creates a chain's head; called when its organization is created (and for the global chain at start). */
export async function openAuditChain(tx: Tx | Db, organizationId: string | null) {
  const chain = chainOf(organizationId);
  await tx.auditChainHead.upsert({ where: { chain }, create: { chain, organizationId, seq: 0, hash: GENESIS }, update: {} });
}

export type ChainStatus = ChainReport;

/**
 * Recomputes a chain from its first event: each event's hash (HMAC with the audit key, or plain
 * SHA-256 for events written before keys, never after a keyed one), its link to the previous one,
 * the sequence without gaps, every signed checkpoint (signature, hash and digest at its seq), and
 * the head against the last event (which catches a removed tail). Checkpoints are read through
 * `checkpointsDb`: they belong to no organization, so the tenant-scoped client cannot read them.
 */
export async function verifyChain(
  db: Db | Tx,
  organizationId: string | null,
  keys: AuditKeys,
  checkpointsDb: Db | Tx = db,
  batchSize = 1000,
): Promise<ChainStatus> {
  const chain = chainOf(organizationId);
  const checkpoints = await checkpointsDb.auditCheckpoint.findMany({ where: { chain }, orderBy: { seq: 'asc' } });
  const verification = new ChainVerification(
    chain,
    keys.eventKeys,
    keys.trusted,
    checkpoints.map(storedCheckpoint),
  );
  for (let after = 0; !verification.broken; ) {
    const batch = await db.auditEvent.findMany({ where: { chain, seq: { gt: after } }, orderBy: { seq: 'asc' }, take: batchSize });
    for (const e of batch) if (!verification.add(chainedEvent(e))) break;
    if (batch.length < batchSize) break;
    after = batch.at(-1)!.seq;
  }
  const head = await db.auditChainHead.findUnique({ where: { chain } });
  return verification.finish(head ?? { seq: 0, hash: GENESIS });
}
