// What makes the audit trail provable, as pure functions shared by the server, the checkpoint job
// and the offline verifier (scripts/audit-verify.ts): how an event is hashed (HMAC-SHA256 with the
// audit key; plain SHA-256 for events written before keys), the running digest a checkpoint signs,
// the checkpoint's Ed25519 signature, and one walk over a chain that checks all of it.
import { createHash, createHmac, sign, verify, type KeyObject } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** An event as stored and exported: `at` as an ISO string (millisecond precision), `metadata` the canonical JSON text. */
export interface ChainedEvent {
  id: string;
  chain: string;
  seq: number;
  organizationId: string | null;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  metadata: string;
  prevHash: string;
  hash: string;
  /** The audit key the hash was computed with (its id, never the key); null: plain SHA-256. */
  keyId: string | null;
}

/** An event before its hash is computed. */
export type UnhashedEvent = Omit<ChainedEvent, 'hash'>;

/** The HMAC key of event hashes. Its id is recorded in each event; the secret never leaves the process. */
export interface EventKey {
  id: string;
  secret: Buffer;
}

export function eventKey(secret: string): EventKey {
  // A digest of a high-entropy secret names it without revealing it.
  return { id: `hmac-sha256:${sha256(`governance-audit-key-id\0${secret}`).slice(0, 32)}`, secret: Buffer.from(secret, 'utf8') };
}

const contentOf = (e: UnhashedEvent) => [
  e.id,
  e.chain,
  e.seq,
  e.organizationId,
  e.at,
  e.actorId,
  e.actorEmail,
  e.action,
  e.targetType,
  e.targetId,
  e.requestId,
  e.metadata,
  e.prevHash,
];

/** Plain SHA-256 of an event written before keys (keyId null): anyone can recompute it, so it proves little. */
export function legacyEventHash(e: UnhashedEvent): string {
  return sha256(canonicalJson([1, ...contentOf(e)]));
}

/** HMAC-SHA256 with the audit key, over the content, the link to the previous event and the key's id. */
export function keyedEventHash(e: UnhashedEvent, key: EventKey): string {
  return createHmac('sha256', key.secret)
    .update(canonicalJson([2, ...contentOf(e), key.id]))
    .digest('hex');
}

/**
 * The running digest: plain SHA-256 over the previous digest and the whole event (content, key id
 * and hash). A checkpoint signs it, so whoever holds the public key can check the content of every
 * event up to a checkpoint without the audit key.
 */
export function nextDigest(previous: string, e: ChainedEvent): string {
  return sha256(canonicalJson(['audit-digest/1', previous, ...contentOf(e), e.keyId, e.hash]));
}

export interface Checkpoint {
  chain: string;
  seq: number;
  /** The hash of the event at `seq`: the chain's head when it was signed. */
  hash: string;
  /** The running digest of events 1..seq. */
  digest: string | null;
  at: string;
  /** Fingerprint of the public key that signed it. */
  keyId: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  signature: string;
  /**
   * The checkpoint before this one in its chain: its seq (0: none, this is the first) and the
   * SHA-256 of its signature, signed with the rest. Null in checkpoints signed before links existed.
   */
  prevSeq: number | null;
  prevSignatureHash: string | null;
}

/** What a checkpoint signs: version 2 (linked to the previous checkpoint), or 1 for those signed before links. */
export const checkpointMessage = (c: Omit<Checkpoint, 'signature'>) =>
  Buffer.from(
    canonicalJson(
      c.prevSeq === null && c.prevSignatureHash === null
        ? ['audit-checkpoint/1', c.chain, c.seq, c.hash, c.digest, c.at, c.keyId]
        : ['audit-checkpoint/2', c.chain, c.seq, c.hash, c.digest, c.at, c.keyId, c.prevSeq, c.prevSignatureHash],
    ),
    'utf8',
  );

/** How a checkpoint is named by the next one: SHA-256 of its signature. */
export const signatureHash = (c: Pick<Checkpoint, 'signature'>) => sha256(c.signature);

/** The link a new checkpoint carries to `previous`, the chain's latest (none: the first). */
export const linkTo = (previous: Pick<Checkpoint, 'seq' | 'signature'> | null) =>
  previous ? { prevSeq: previous.seq, prevSignatureHash: signatureHash(previous) } : { prevSeq: 0, prevSignatureHash: GENESIS };

/**
 * Why `c` does not follow `previous` (the checkpoint before it among those held, null: none), or
 * null. A linked checkpoint must name exactly that one; an unlinked one (signed before links) may
 * not follow a linked one.
 */
export function linkProblem(c: Checkpoint, previous: Checkpoint | null): string | null {
  if (c.prevSeq === null) {
    if (previous && previous.prevSeq !== null) return `the checkpoint at seq ${c.seq} is not linked, though the one before it (seq ${previous.seq}) is: it was not signed by this server`;
    return null;
  }
  if (previous?.seq === c.seq) return `two different checkpoints sign seq ${c.seq}: one of them replaced the other`;
  if (c.prevSeq === 0) {
    if (previous) return `the checkpoint at seq ${c.seq} says it is the chain's first, but checkpoint ${previous.seq} comes before it`;
    return null;
  }
  if (!previous || previous.seq < c.prevSeq) return `checkpoint ${c.prevSeq}, named by checkpoint ${c.seq} as the one before it, is missing: it was removed`;
  if (previous.seq > c.prevSeq) return `checkpoint ${c.seq} names checkpoint ${c.prevSeq} as the one before it, but checkpoint ${previous.seq} lies between them: the chain of checkpoints forks`;
  if (signatureHash(previous) !== c.prevSignatureHash) return `checkpoint ${c.seq} names checkpoint ${c.prevSeq} with another signature than the one held: checkpoint ${c.prevSeq} was replaced`;
  return null;
}

export interface Signer {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** `ed25519:` and the start of the SHA-256 of the public key (SPKI DER). */
export function publicKeyId(publicKey: KeyObject): string {
  return `ed25519:${sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 32)}`;
}

export function signCheckpoint(c: Omit<Checkpoint, 'signature' | 'keyId'>, signer: Signer): Checkpoint {
  const unsigned = { ...c, keyId: signer.id };
  return { ...unsigned, signature: sign(null, checkpointMessage(unsigned), signer.privateKey).toString('base64') };
}

/** Public keys trusted to sign checkpoints, by their id. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

export const trustedKeys = (...keys: KeyObject[]): TrustedKeys => new Map(keys.map((k) => [publicKeyId(k), k]));

/** Why a checkpoint does not hold against the chain at its seq (the event's hash, the digest up to it), or null. */
export function checkpointProblem(c: Checkpoint, trusted: TrustedKeys, there: { hash: string; digest: string }): string | null {
  const unsigned = signatureProblem(c, trusted);
  if (unsigned) return unsigned;
  if (c.hash !== there.hash) return `the checkpoint at seq ${c.seq} signed hash ${c.hash.slice(0, 16)}…, but the event there has ${there.hash.slice(0, 16)}…`;
  if (c.digest !== there.digest) return `the events up to seq ${c.seq} differ from the ones its checkpoint signed (digest mismatch)`;
  return null;
}

/** Why a checkpoint's signature does not hold (an untrusted key, or a signature that does not verify), or null. */
export function signatureProblem(c: Checkpoint, trusted: TrustedKeys): string | null {
  const key = trusted.get(c.keyId);
  if (!key) return `the checkpoint at seq ${c.seq} names signing key ${c.keyId}, which is not trusted (${[...trusted.keys()].join(', ')})`;
  let valid = false;
  try {
    valid = verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return `the checkpoint at seq ${c.seq} has a signature that does not verify with ${c.keyId}`;
  return null;
}

/** Where a walk starts: the beginning of a chain, or a verified checkpoint. */
export interface WalkPosition {
  seq: number;
  hash: string;
  digest: string;
  /** Whether a keyed event was seen: after one, an unkeyed event is a downgrade. */
  keyed: boolean;
}

export const chainStart: WalkPosition = { seq: 0, hash: GENESIS, digest: GENESIS, keyed: false };

/** The event keys a walker holds, by id; null when it holds none (an offline verifier without AUDIT_KEY). */
export type EventKeys = ((keyId: string) => EventKey | undefined) | null;

/**
 * Walks a chain in order, one event at a time: the sequence has no gap, each event links to the
 * previous one, no unkeyed event follows a keyed one, each hash matches its content (legacy ones
 * always; keyed ones when the walker holds the key), and the running digest.
 */
export class ChainWalk {
  position: WalkPosition;
  keyedEvents = 0;
  legacyEvents = 0;
  /** Keyed events whose hash could not be recomputed (no key held). */
  unrecomputed = 0;

  constructor(
    readonly chain: string,
    private readonly keys: EventKeys,
    start: WalkPosition = chainStart,
  ) {
    this.position = { ...start };
  }

  /** Checks the next event and moves on; returns why it breaks the chain, or null. */
  next(e: ChainedEvent): string | null {
    const at = this.position;
    if (e.chain !== this.chain) return `event ${e.id} belongs to chain ${e.chain}, not ${this.chain}`;
    if (e.seq !== at.seq + 1) return `the sequence breaks: expected event ${at.seq + 1}, found ${e.seq}`;
    if (e.prevHash !== at.hash) return `event ${e.seq} does not link to event ${at.seq} (its prevHash is not that event's hash)`;
    if (e.keyId === null) {
      if (at.keyed) return `event ${e.seq} has no audit key after keyed events: it was not written by the server`;
      if (legacyEventHash(e) !== e.hash) return `event ${e.seq}'s hash does not match its content (SHA-256, written before keys)`;
      this.legacyEvents++;
    } else if (this.keys) {
      const key = this.keys(e.keyId);
      if (!key) return `event ${e.seq} was hashed with audit key ${e.keyId}, which is not the one held here`;
      if (keyedEventHash(e, key) !== e.hash) return `event ${e.seq}'s hash does not match its content under the audit key`;
      this.keyedEvents++;
    } else {
      this.keyedEvents++;
      this.unrecomputed++;
    }
    this.position = { seq: e.seq, hash: e.hash, digest: nextDigest(at.digest, e), keyed: at.keyed || e.keyId !== null };
    return null;
  }
}

export interface ChainReport {
  chain: string;
  ok: boolean;
  /** Events checked (up to and including the first broken one). */
  checked: number;
  /** The first event that breaks the chain, or the last one when what breaks is past it (a removed tail). */
  brokenAt: string | null;
  problem: string | null;
  keyedEvents: number;
  legacyEvents: number;
  /** Keyed events whose hash was not recomputed: the verifier held no audit key. */
  unrecomputed: number;
  /** Checkpoints whose signature, hash and digest verified. */
  checkpoints: number;
  /** The seq of the latest verified checkpoint; 0 when none. */
  signedThrough: number;
  lastCheckpointAt: string | null;
  lastSeq: number;
}

/**
 * A whole-chain verification fed event by event (from the database in batches, or from an export):
 * the walk, plus every checkpoint checked at its seq.
 */
export class ChainVerification {
  private readonly walk: ChainWalk;
  private readonly bySeq = new Map<number, Checkpoint[]>();
  private checked = 0;
  private lastId: string | null = null;
  private verified = 0;
  private signedThrough = 0;
  private lastCheckpointAt: string | null = null;
  /** The last checkpoint verified: the one the next must name. */
  private previous: Checkpoint | null = null;
  private failure: { brokenAt: string | null; problem: string } | null = null;

  constructor(
    readonly chain: string,
    keys: EventKeys,
    private readonly trusted: TrustedKeys,
    checkpoints: readonly Checkpoint[],
  ) {
    this.walk = new ChainWalk(chain, keys);
    for (const c of checkpoints) {
      if (c.chain !== chain) {
        this.failure ??= { brokenAt: null, problem: `a checkpoint of chain ${c.chain} is among those of ${chain}` };
        continue;
      }
      this.bySeq.set(c.seq, [...(this.bySeq.get(c.seq) ?? []), c]);
    }
  }

  get broken() {
    return this.failure !== null;
  }

  /** Adds the next event; false once the chain is broken (later events are not checked). */
  add(e: ChainedEvent): boolean {
    if (this.failure) return false;
    this.checked++;
    const problem = this.walk.next(e);
    if (problem) {
      this.failure = { brokenAt: e.id, problem };
      return false;
    }
    this.lastId = e.id;
    for (const c of this.bySeq.get(e.seq) ?? []) {
      const wrong = checkpointProblem(c, this.trusted, this.walk.position) ?? linkProblem(c, this.previous);
      this.previous = c;
      if (wrong) {
        this.failure = { brokenAt: e.id, problem: wrong };
        return false;
      }
      this.verified++;
      this.signedThrough = e.seq;
      if (!this.lastCheckpointAt || c.at > this.lastCheckpointAt) this.lastCheckpointAt = c.at;
    }
    return true;
  }

  /** The report; `head` (the stored chain head) must match the last event: catches a removed tail. */
  finish(head?: { seq: number; hash: string } | null): ChainReport {
    const last = this.walk.position;
    if (!this.failure) {
      const beyond = [...this.bySeq.keys()].filter((s) => s > last.seq).sort((a, b) => a - b)[0];
      if (beyond !== undefined)
        this.failure = { brokenAt: this.lastId, problem: `a checkpoint signed event ${beyond}, but the chain ends at ${last.seq}: events were removed` };
      else if (head && (head.seq !== last.seq || head.hash !== last.hash))
        this.failure = { brokenAt: this.lastId, problem: `the chain head is at event ${head.seq}, but the events end at ${last.seq} or differ from it` };
    }
    return {
      chain: this.chain,
      ok: !this.failure,
      checked: this.checked,
      brokenAt: this.failure?.brokenAt ?? null,
      problem: this.failure?.problem ?? null,
      keyedEvents: this.walk.keyedEvents,
      legacyEvents: this.walk.legacyEvents,
      unrecomputed: this.walk.unrecomputed,
      checkpoints: this.verified,
      signedThrough: this.signedThrough,
      lastCheckpointAt: this.lastCheckpointAt,
      lastSeq: last.seq,
    };
  }
}
