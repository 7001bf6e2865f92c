// Verification of a chain (an export, or one read from the database) against the checkpoints an
// anchor outside the database holds (src/audit/anchor.ts), with nothing but the public key. Each
// anchored checkpoint was signed by the server and delivered out of the database's reach, so:
//
// - it must still be in the database, with the same signature (a removed or replaced checkpoint);
// - every event it covers (1 to its seq) must still be there, and the events must be the ones it
//   signed: the event at its seq has the signed hash and the running digest up to it is the signed
//   one (a removed, truncated or rewritten event);
// - the chain head must not be behind the newest anchored checkpoint (a reset head).
//
// What it cannot see: events appended after the newest anchored checkpoint (docs/audit.md).
import { ANCHOR_FORMAT, anchorFolder } from './anchor.ts';
import { GENESIS, nextDigest, signatureProblem, type ChainedEvent, type Checkpoint, type TrustedKeys } from './proof.ts';
import type { ExportHeader } from './export.ts';

export interface AnchorCheck {
  /** Anchored checkpoints of the chain whose signature verified. */
  anchored: number;
  /** The newest of them (highest seq). */
  newest: Checkpoint | null;
  /** Everything the anchor shows to be missing or different, each said once. */
  problems: string[];
}

/** Consecutive numbers as ranges: [3, 4, 5, 9] -> `3 to 5, 9`. */
function ranges(seqs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seqs.length; ) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(i === j ? `${seqs[i]}` : `${seqs[i]} to ${seqs[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/**
 * Checks `chain` against the anchor's files of that chain (`{ file, document }`, as read from the
 * anchor directory). `parseCheckpoint` reads a document's fields (verify-export.ts's).
 */
export function checkAgainstAnchor(
  chain: { header: ExportHeader; events: readonly ChainedEvent[]; checkpoints: readonly Checkpoint[] },
  files: readonly { file: string; document: unknown }[],
  trusted: TrustedKeys,
  parseCheckpoint: (record: Record<string, unknown>) => Checkpoint | null,
): AnchorCheck {
  const problems: string[] = [];
  const anchored: Checkpoint[] = [];
  const name = chain.header.chain;
  for (const { file, document } of files) {
    const record = document as Record<string, unknown> | null;
    const c = record && record.format === ANCHOR_FORMAT ? parseCheckpoint(record) : null;
    if (!c) {
      problems.push(`the anchor file ${file} is not a checkpoint in ${ANCHOR_FORMAT}`);
      continue;
    }
    const unsigned = c.chain === name && file.endsWith(`${String(c.seq).padStart(12, '0')}.json`) ? signatureProblem(c, trusted) : `it holds seq ${c.seq} of chain ${c.chain}, not what its name says`;
    if (unsigned) problems.push(`the anchor file ${file} does not hold: ${unsigned}`);
    else anchored.push(c);
  }
  anchored.sort((a, b) => a.seq - b.seq);
  const newest = anchored.at(-1) ?? null;
  if (!newest) return { anchored: 0, newest, problems: problems.length ? problems : [`the anchor holds no checkpoint of ${name} (folder ${anchorFolder(name)})`] };

  const stored = new Map(chain.checkpoints.map((c) => [c.seq, c]));
  const removed: Checkpoint[] = [];
  for (const c of anchored) {
    const there = stored.get(c.seq);
    if (!there) removed.push(c);
    else if (there.signature !== c.signature) problems.push(`the database's checkpoint ${c.seq} is not the one the anchor holds (another signature): it was replaced`);
  }
  if (removed.length)
    problems.push(
      `checkpoint${removed.length > 1 ? 's' : ''} ${ranges(removed.map((c) => c.seq))} (signed ${removed.map((c) => c.at).join(', ')}) ${removed.length > 1 ? 'are' : 'is'} in the anchor but not in the database: removed`,
    );

  // Every event an anchored checkpoint covers, present and as signed.
  const events = new Map(chain.events.map((e) => [e.seq, e]));
  const missing: number[] = [];
  for (let seq = 1; seq <= newest.seq; seq++) if (!events.has(seq)) missing.push(seq);
  if (missing.length) problems.push(`event${missing.length > 1 ? 's' : ''} ${ranges(missing)}, covered by anchored checkpoint ${newest.seq}, ${missing.length > 1 ? 'are' : 'is'} missing from the database`);
  let digest = GENESIS;
  const bySeq = new Map(anchored.map((c) => [c.seq, c]));
  for (let seq = 1; seq <= newest.seq; seq++) {
    const e = events.get(seq);
    if (!e) break;
    digest = nextDigest(digest, e);
    const c = bySeq.get(seq);
    if (!c) continue;
    // The first difference is said; every later checkpoint differs from it on.
    if (e.hash !== c.hash) {
      problems.push(`event ${seq} is not the one anchored checkpoint ${seq} signed (its hash differs): it was rewritten`);
      break;
    }
    if (c.digest !== null && c.digest !== digest) {
      problems.push(`events 1 to ${seq} are not the ones anchored checkpoint ${seq} signed (digest mismatch): an event among them was rewritten`);
      break;
    }
  }

  if (chain.header.head.seq < newest.seq) problems.push(`the chain head is at event ${chain.header.head.seq}, behind anchored checkpoint ${newest.seq}: the tail was cut`);
  return { anchored: anchored.length, newest, problems };
}
