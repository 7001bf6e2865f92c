// Offline verification of an audit export (src/audit/export.ts): nothing but the file, the trusted
// public key and, optionally, the audit key. What a pass proves depends on what the verifier holds:
//
// - With the public key only: every checkpoint's Ed25519 signature; the sequence from 1 without gaps
//   and each prevHash equal to the previous event's hash; at each checkpoint, the event's hash equal
//   to the signed one and the running SHA-256 digest of all events up to it equal to the signed one.
//   So the events up to the latest checkpoint are exactly, content included, the ones the server had
//   verified with its audit key and then signed. Events after it are only seen to be linked: someone
//   who could write the database could have rewritten them since. Hashes of events written before
//   keys (plain SHA-256) are recomputed too, but only a checkpoint makes them evidence.
// - With the audit key as well: every keyed hash is recomputed, so every event, the unsigned tail
//   included, was written by a holder of the key.
// - Neither shows that the newest events were not removed together with the checkpoints that
//   covered them (the head reset to match), nor that the whole chain was not rewritten with its
//   checkpoints deleted: that takes checkpoints kept out of the database's reach, an anchor
//   (src/audit/verify-anchor.ts) or an earlier export (`earlier`), checked against this one too.
import { EXPORT_FORMAT, type ExportHeader } from './export.ts';
import type { AnchorCheck } from './verify-anchor.ts';
import { ChainVerification, type ChainedEvent, type ChainReport, type Checkpoint, type EventKeys, type TrustedKeys } from './proof.ts';

export interface ExportVerification {
  ok: boolean;
  header: ExportHeader | null;
  report: ChainReport | null;
  /** Problems with the file itself (a line that is not part of the format), before any chain check. */
  problem: string | null;
  /** Whether keyed hashes were recomputed (the audit key was held). */
  hashesRecomputed: boolean;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown) => v === null || isString(v);
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

const EVENT_FIELDS: Record<keyof ChainedEvent, (v: unknown) => boolean> = {
  id: isString,
  chain: isString,
  seq: isSeq,
  organizationId: isNullableString,
  at: isString,
  actorId: isNullableString,
  actorEmail: isNullableString,
  action: isString,
  targetType: isNullableString,
  targetId: isNullableString,
  requestId: isNullableString,
  metadata: isString,
  prevHash: isString,
  hash: isString,
  keyId: isNullableString,
};

const CHECKPOINT_FIELDS: Record<keyof Checkpoint, (v: unknown) => boolean> = {
  chain: isString,
  seq: isSeq,
  hash: isString,
  digest: isNullableString,
  at: isString,
  keyId: isString,
  signature: isString,
  // Absent in exports made before checkpoints were linked: read as null (unlinked).
  prevSeq: (v) => v === undefined || v === null || isSeq(v),
  prevSignatureHash: (v) => v === undefined || isNullableString(v),
};

/** The record's fields named by `shape`, or null when one is missing or of the wrong type. */
function pick<T>(record: Record<string, unknown>, shape: Record<keyof T, (v: unknown) => boolean>): T | null {
  const out: Record<string, unknown> = {};
  for (const [field, valid] of Object.entries(shape) as [string, (v: unknown) => boolean][]) {
    if (!valid(record[field])) return null;
    out[field] = record[field] ?? null;
  }
  return out as T;
}

function parseHeader(record: Record<string, unknown>): ExportHeader | null {
  const head = record.head as Record<string, unknown> | undefined;
  if (record.format !== EXPORT_FORMAT || !isString(record.chain) || !head || !isSeq(head.seq) || !isString(head.hash)) return null;
  return record as unknown as ExportHeader;
}

/** An export read into its parts, or why it cannot be. */
export type ParsedExport = { header: ExportHeader; events: ChainedEvent[]; checkpoints: Checkpoint[] } | { problem: string; header: ExportHeader | null };

export function parseExport(text: string): ParsedExport {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let header: ExportHeader | null = null;
  const events: ChainedEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  for (const [i, line] of lines.entries()) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      return { problem: `line ${i + 1} is not JSON`, header };
    }
    if (i === 0) {
      header = record?.type === 'header' ? parseHeader(record) : null;
      if (!header) return { problem: `line 1 is not a header of ${EXPORT_FORMAT}`, header };
      continue;
    }
    if (record?.type === 'event') {
      const event = pick<ChainedEvent>(record, EVENT_FIELDS);
      if (!event) return { problem: `line ${i + 1} is not a well-formed event`, header };
      events.push(event);
    } else if (record?.type === 'checkpoint') {
      const checkpoint = parseCheckpoint(record);
      if (!checkpoint) return { problem: `line ${i + 1} is not a well-formed checkpoint`, header };
      checkpoints.push(checkpoint);
    } else return { problem: `line ${i + 1} is neither an event nor a checkpoint`, header };
  }
  if (!header) return { problem: 'the file is empty', header };
  return { header, events, checkpoints };
}

/** A checkpoint's fields, or null when one is missing or of the wrong type. */
export const parseCheckpoint = (record: Record<string, unknown>) => pick<Checkpoint>(record, CHECKPOINT_FIELDS);

/**
 * Verifies an export's text against the trusted public keys, recomputing keyed hashes when
 * `eventKeys` is given. `earlier`: checkpoints of exports verified before, which must hold here too.
 */
export function verifyExport(text: string, trusted: TrustedKeys, eventKeys: EventKeys, earlier: readonly Checkpoint[] = []): ExportVerification {
  return verifyParsed(parseExport(text), trusted, eventKeys, earlier);
}

export function verifyParsed(parsed: ParsedExport, trusted: TrustedKeys, eventKeys: EventKeys, earlier: readonly Checkpoint[] = []): ExportVerification {
  if ('problem' in parsed) return { ok: false, header: parsed.header, report: null, problem: parsed.problem, hashesRecomputed: Boolean(eventKeys) };
  const { header, events, checkpoints } = parsed;
  const signatures = new Set(checkpoints.map((c) => c.signature));
  const verification = new ChainVerification(header.chain, eventKeys, trusted, [...checkpoints, ...earlier.filter((c) => !signatures.has(c.signature))]);
  for (const e of events) if (!verification.add(e)) break;
  const report = verification.finish(header.head);
  return { ok: report.ok, header, report, problem: null, hashesRecomputed: Boolean(eventKeys) };
}

/** The checkpoints of an export that verified: what a later export of the same chain must agree with. */
export function checkpointsOf(text: string, trusted: TrustedKeys): Checkpoint[] | string {
  const v = verifyExport(text, trusted, null);
  if (!v.ok) return v.problem ?? v.report?.problem ?? 'it does not verify';
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'checkpoint')
    .map((r) => parseCheckpoint(r)!);
}

/** What the verification found and what it proves, for a person; with the anchor's findings when one was given. */
export function describeVerification(v: ExportVerification, trustedIds: readonly string[], anchor?: { where: string; check: AnchorCheck }): string[] {
  const out = describeChain(v, trustedIds, anchor);
  if (!anchor) return out;
  const { check } = anchor;
  const verdict = out.pop()!;
  const newest = check.newest;
  out.push(`anchor ${anchor.where}: ${check.anchored} signed checkpoint(s)${newest ? `, the newest at seq ${newest.seq} (signed ${newest.at})` : ''}`);
  for (const problem of check.problems) out.push(`FAILED (anchor): ${problem}`);
  if (check.problems.length) return verdict === 'OK' ? out : [...out, verdict];
  out.push(`anchored: every anchored checkpoint is in the database with its signature, events 1 to ${newest!.seq} are the ones it signed, and the head is not behind it`);
  out.push(`not shown: that events after seq ${newest!.seq} (anchored ${newest!.at}) were not removed or forged: the window until the next checkpoint is delivered`);
  return [...out, verdict];
}

function describeChain(v: ExportVerification, trustedIds: readonly string[], anchor?: unknown): string[] {
  const out: string[] = [];
  const h = v.header;
  if (h) {
    out.push(`chain ${h.chain}, exported ${h.exportedAt}, head at event ${h.head.seq}`);
    if (!trustedIds.includes(h.publicKeyId))
      out.push(`note: the export names signing key ${h.publicKeyId}; trusted here: ${trustedIds.join(', ')}`);
  }
  if (v.problem) return [...out, `FAILED: ${v.problem}`];
  const r = v.report!;
  if (!r.ok) return [...out, `FAILED at event ${r.brokenAt ?? '(none)'} after ${r.checked} checked: ${r.problem}`];
  out.push(`sequence and links: events 1 to ${r.lastSeq} in order, each linked to the previous one`);
  out.push(
    r.checkpoints
      ? `signed: ${r.checkpoints} checkpoint(s) verified with ${trustedIds.join(', ')}; events 1 to ${r.signedThrough} are exactly, content included, what the server verified and signed (latest signature ${r.lastCheckpointAt})`
      : 'signed: no checkpoint covers any event: nothing here is vouched for by a signature',
  );
  const tail = r.lastSeq - r.signedThrough;
  if (v.hashesRecomputed)
    out.push(`hashes: recomputed with the audit key for all ${r.keyedEvents} keyed event(s): each was written by a holder of the key${tail ? `, the ${tail} after the latest checkpoint included` : ''}`);
  else if (tail)
    out.push(`unsigned tail: events ${r.signedThrough + 1} to ${r.lastSeq} are linked but not authenticated (verify with AUDIT_KEY to recompute their hashes)`);
  if (r.legacyEvents) out.push(`${r.legacyEvents} event(s) from before keys: plain SHA-256 recomputed; only a checkpoint makes them evidence`);
  if (!anchor) out.push('not shown: that no event newer than the latest checkpoint was removed, nor that checkpoints and events were not cut from the end together (verify with --anchor)');
  out.push('OK');
  return out;
}
