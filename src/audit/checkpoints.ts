// Signed checkpoints of the audit chains' heads (as CloudTrail signs its digest files): every
// interval, once across instances, each chain that moved since its last checkpoint is verified
// from that checkpoint on with the audit key and, only if it holds, its head is signed with the
// Ed25519 key and stored. The server never signs a chain it could not verify.
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { chainedEvent, storedCheckpoint } from './chain.ts';
import type { AuditKeys } from './keys.ts';
import { chainStart, ChainWalk, checkpointProblem, linkTo, signCheckpoint, type Checkpoint, type WalkPosition } from './proof.ts';

export interface CheckpointOutcome {
  chain: string;
  /** The seq signed, or the head's when nothing was signed. */
  seq: number;
  signed: boolean;
  /** Why the chain was not signed: it failed verification (an alarm), or another instance signed it first. */
  problem: string | null;
}

/**
 * Where the last checkpoint of a chain leaves it, after checking it against its own signature and
 * the stored event; with that checkpoint, which the next one names.
 */
async function resumeFrom(db: Db, keys: AuditKeys, chain: string): Promise<{ position: WalkPosition; last: Checkpoint | null } | string> {
  const row = await db.auditCheckpoint.findFirst({ where: { chain }, orderBy: { seq: 'desc' } });
  if (!row) return { position: chainStart, last: null };
  const last = storedCheckpoint(row);
  const event = await db.auditEvent.findUnique({ where: { chain_seq: { chain, seq: last.seq } } });
  if (!event) return `the event of the last checkpoint (seq ${last.seq}) is missing`;
  if (!last.digest) return `the last checkpoint (seq ${last.seq}) has no digest`;
  const problem = checkpointProblem(last, keys.trusted, { hash: event.hash, digest: last.digest });
  if (problem) return problem;
  return { position: { seq: last.seq, hash: last.hash, digest: last.digest, keyed: event.keyId !== null }, last };
}

/**
 * Signs the head of one chain if it moved since its last checkpoint: the events after that
 * checkpoint are verified first (links, sequence, HMAC), and the new checkpoint signs the running
 * digest continued from the last one. Null when the chain did not move.
 */
export async function checkpointChain(db: Db, keys: AuditKeys, chain: string, now: Date, batchSize = 1000): Promise<CheckpointOutcome | null> {
  const head = await db.auditChainHead.findUnique({ where: { chain } });
  if (!head || head.seq === 0) return null;
  const resumed = await resumeFrom(db, keys, chain);
  if (typeof resumed === 'string') return { chain, seq: head.seq, signed: false, problem: resumed };
  const from = resumed.position;
  if (from.seq === head.seq) return null;
  if (from.seq > head.seq) return { chain, seq: head.seq, signed: false, problem: `the last checkpoint signed event ${from.seq}, beyond the head (${head.seq}): events were removed` };

  const walk = new ChainWalk(chain, keys.eventKeys, from);
  // Up to the head read first: appends that commit meanwhile wait for the next checkpoint.
  while (walk.position.seq < head.seq) {
    const batch = await db.auditEvent.findMany({
      where: { chain, seq: { gt: walk.position.seq, lte: head.seq } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    if (batch.length === 0) return { chain, seq: head.seq, signed: false, problem: `events ${walk.position.seq + 1} to ${head.seq} are missing` };
    for (const e of batch) {
      const problem = walk.next(chainedEvent(e));
      if (problem) return { chain, seq: e.seq, signed: false, problem };
    }
  }
  const { seq, hash, digest } = walk.position;
  // Each checkpoint names the one before it, so that removing one breaks the next one's link.
  const checkpoint = signCheckpoint({ chain, seq, hash, digest, at: now.toISOString(), ...linkTo(resumed.last) }, keys.signer);
  try {
    await db.auditCheckpoint.create({ data: { ...checkpoint, at: now } });
  } catch (error) {
    // Another instance signed this very head, or another head after the same checkpoint (an
    // overlapping run): one checkpoint per seq, and one successor per checkpoint.
    if (isUniqueViolation(error)) return { chain, seq, signed: false, problem: null };
    throw error;
  }
  return { chain, seq, signed: true, problem: null };
}

/** Signs every chain that moved since its last checkpoint; a chain that fails verification is logged, not signed. */
export async function checkpointMovedChains(db: Db, keys: AuditKeys, now: Date, log?: Logger): Promise<CheckpointOutcome[]> {
  const [heads, signed] = await Promise.all([
    db.auditChainHead.findMany({ where: { seq: { gt: 0 } }, select: { chain: true, seq: true }, orderBy: { chain: 'asc' } }),
    db.auditCheckpoint.groupBy({ by: ['chain'], _max: { seq: true } }),
  ]);
  const signedThrough = new Map(signed.map((s) => [s.chain, s._max.seq ?? 0]));
  const outcomes: CheckpointOutcome[] = [];
  for (const head of heads) {
    if ((signedThrough.get(head.chain) ?? 0) === head.seq) continue;
    const outcome = await checkpointChain(db, keys, head.chain, now);
    if (!outcome) continue;
    outcomes.push(outcome);
    if (outcome.problem) log?.error({ chain: outcome.chain, seq: outcome.seq, problem: outcome.problem }, 'audit chain failed verification: its head was not signed');
  }
  return outcomes;
}
