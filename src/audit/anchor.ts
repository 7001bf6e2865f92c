// The anchors of the audit trail outside the database (as CloudTrail delivers its digest files to
// another bucket): every signed checkpoint is also written to a directory (AUDIT_ANCHOR_DIR) and/or
// POSTed to an HTTP endpoint (AUDIT_ANCHOR_URL) that the operator configures. Someone who can write
// the database can delete checkpoints there, but not the copies the anchors hold, so
// `npm run audit:verify -- --anchor <dir>` notices a removed tail, checkpoint or rewritten event.
//
// Delivery goes through an outbox (AuditAnchorDelivery): a checkpoint's delivery to a target is
// recorded PENDING before it leaves, each attempt is claimed (attempts + 1, a lease until the
// timeout passes) so one instance sends it at a time, and it becomes DELIVERED once the anchor has
// it; a failed attempt is retried with backoff. Delivery is at least once: a receiver keys
// checkpoints by chain and seq and never replaces one it holds (the directory does the same).
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { storedCheckpoint } from './chain.ts';
import type { Checkpoint } from './proof.ts';

export const ANCHOR_FORMAT = 'governance-audit-checkpoint/1';

export type AnchorTarget = 'directory' | 'http';

export type AnchorConfig = Pick<Config, 'AUDIT_ANCHOR_DIR' | 'AUDIT_ANCHOR_URL' | 'AUDIT_ANCHOR_TIMEOUT_MS' | 'AUDIT_ANCHOR_RETRY_SECONDS'>;

/** The targets the operator configured. */
export function anchorTargets(config: Pick<Config, 'AUDIT_ANCHOR_DIR' | 'AUDIT_ANCHOR_URL'>): AnchorTarget[] {
  return [...(config.AUDIT_ANCHOR_DIR ? (['directory'] as const) : []), ...(config.AUDIT_ANCHOR_URL ? (['http'] as const) : [])];
}

/** A checkpoint as an anchor holds it: the signed fields, and the format. */
export type AnchorDocument = { format: typeof ANCHOR_FORMAT } & Checkpoint;

export const anchorDocument = (c: Checkpoint): AnchorDocument => ({ format: ANCHOR_FORMAT, ...c });

const CHAIN = /^(global|org:[A-Za-z0-9_-]{1,64})$/;

/** The folder of a chain in the anchor directory: `global`, or `org-<organization id>`. */
export function anchorFolder(chain: string): string {
  if (!CHAIN.test(chain)) throw new Error(`not an audit chain: ${JSON.stringify(chain)}`);
  return chain.replace(':', '-');
}

/** A checkpoint's file in the anchor directory: `<folder>/<seq, 12 digits>.json`, so names sort by seq. */
export const anchorFile = (dir: string, c: Pick<Checkpoint, 'chain' | 'seq'>) => join(dir, anchorFolder(c.chain), `${String(c.seq).padStart(12, '0')}.json`);

/** Written atomically and never replaced: a finished temporary file is hard-linked to its name, which fails if the name exists. */
async function writeToDirectory(dir: string, c: Checkpoint): Promise<void> {
  const file = anchorFile(dir, c);
  const folder = join(dir, anchorFolder(c.chain));
  await mkdir(folder, { recursive: true });
  const text = `${JSON.stringify(anchorDocument(c), null, 2)}\n`;
  const draft = join(folder, `.${c.seq}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(draft, 'wx', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Delivered before (by an attempt whose outcome was not recorded): the same checkpoint is fine.
    const held = JSON.parse(await readFile(file, 'utf8')) as Partial<AnchorDocument>;
    if (held.signature !== c.signature)
      throw new AnchorConflict(`${file} already holds another checkpoint at seq ${c.seq} of ${c.chain}: the chain was rewritten after it was anchored (the anchor keeps the earlier one)`);
  } finally {
    await rm(draft, { force: true });
  }
}

/** The anchor holds a different checkpoint for the same chain and seq: an alarm, not an outage. */
export class AnchorConflict extends Error {
  override name = 'AnchorConflict';
}

async function postToUrl(url: string, timeoutMs: number, c: Checkpoint): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'governance-api-audit-anchor' },
      body: JSON.stringify(anchorDocument(c)),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    throw new Error(e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message));
  }
  await response.body?.cancel();
  if (response.status === 409) throw new AnchorConflict(`the receiver refused checkpoint ${c.seq} of ${c.chain} as a conflict (HTTP 409): it holds another one at that seq`);
  if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
}

/** Counts deliveries and failures (src/ops/anchor-metrics.ts shows them in /metrics). */
export interface AnchorObserver {
  delivered(target: AnchorTarget): void;
  failed(target: AnchorTarget): void;
}

/** Seconds to wait after the `attempts`-th failure: the retry interval doubled each time, at most an hour. */
export const retryDelaySeconds = (retrySeconds: number, attempts: number) => Math.min(3600, retrySeconds * 2 ** Math.max(0, attempts - 1));

export interface AnchorDelivery {
  /** Records the deliveries of new checkpoints, then sends those that are due; serialized on this instance. */
  run(now: Date): Promise<void>;
}

/**
 * The delivery of checkpoints to the configured anchors. A target's outage is logged once when it
 * starts (no stack) and once when it recovers; a conflict (the anchor holds another checkpoint at
 * the same seq) is logged as an error once per checkpoint.
 */
export function anchorDelivery(db: Db, config: AnchorConfig, log: Logger, observer?: AnchorObserver, batchSize = 100): AnchorDelivery {
  const targets = anchorTargets(config);
  const failing = new Map<AnchorTarget, number>();
  const conflicts = new Set<string>();
  const send = (target: AnchorTarget, c: Checkpoint) =>
    target === 'directory' ? writeToDirectory(config.AUDIT_ANCHOR_DIR!, c) : postToUrl(config.AUDIT_ANCHOR_URL!, config.AUDIT_ANCHOR_TIMEOUT_MS, c);
  const where = (target: AnchorTarget) => (target === 'directory' ? config.AUDIT_ANCHOR_DIR! : new URL(config.AUDIT_ANCHOR_URL!).origin);

  /** Every checkpoint without a delivery to `target` gets one, PENDING: recorded before it leaves. */
  async function record(target: AnchorTarget, now: Date) {
    const missing = await db.auditCheckpoint.findMany({
      where: { deliveries: { none: { target } } },
      select: { id: true },
      orderBy: [{ at: 'asc' }, { seq: 'asc' }],
      take: batchSize,
    });
    for (const { id } of missing) {
      try {
        await db.auditAnchorDelivery.create({ data: { checkpointId: id, target, nextAttemptAt: now, createdAt: now } });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }

  async function deliver(target: AnchorTarget, now: Date) {
    const due = await db.auditAnchorDelivery.findMany({
      where: { target, status: 'PENDING', nextAttemptAt: { lte: now } },
      include: { checkpoint: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: batchSize,
    });
    for (const d of due) {
      // The attempt is claimed before the checkpoint leaves: no other instance sends it until the lease ends.
      const lease = new Date(now.getTime() + config.AUDIT_ANCHOR_TIMEOUT_MS + 5000);
      const claimed = await db.auditAnchorDelivery.updateMany({
        where: { id: d.id, status: 'PENDING', attempts: d.attempts },
        data: { attempts: d.attempts + 1, nextAttemptAt: lease },
      });
      if (claimed.count !== 1) continue;
      const checkpoint = storedCheckpoint(d.checkpoint);
      try {
        await send(target, checkpoint);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await db.auditAnchorDelivery.update({
          where: { id: d.id },
          data: { lastError: reason.slice(0, 500), nextAttemptAt: new Date(now.getTime() + retryDelaySeconds(config.AUDIT_ANCHOR_RETRY_SECONDS, d.attempts + 1) * 1000) },
        });
        observer?.failed(target);
        if (error instanceof AnchorConflict) {
          if (!conflicts.has(d.id)) log.error({ target, chain: checkpoint.chain, seq: checkpoint.seq, problem: reason }, 'audit anchor: conflicting checkpoint, not delivered');
          conflicts.add(d.id);
          continue;
        }
        if (!failing.has(target)) log.warn({ target, anchor: where(target), chain: checkpoint.chain, seq: checkpoint.seq, problem: reason }, 'audit anchor: delivery failed; retrying with backoff');
        failing.set(target, (failing.get(target) ?? 0) + 1);
        // The target is away: the rest waits for the next run.
        return;
      }
      await db.auditAnchorDelivery.update({ where: { id: d.id }, data: { status: 'DELIVERED', deliveredAt: now, lastError: null } });
      observer?.delivered(target);
      const failures = failing.get(target);
      if (failures !== undefined) {
        failing.delete(target);
        log.info({ target, anchor: where(target), failures }, 'audit anchor: delivering again');
      }
    }
  }

  let running: Promise<void> = Promise.resolve();
  return {
    run(now) {
      const next = running.then(async () => {
        for (const target of targets) {
          await record(target, now);
          await deliver(target, now);
        }
      });
      running = next.catch(() => undefined);
      return next;
    },
  };
}

/** The checkpoints of one chain an anchor directory holds, by file: the verifier's view (unverified here). */
export async function readAnchorDirectory(dir: string, chain: string): Promise<{ file: string; document: unknown }[]> {
  const folder = join(dir, anchorFolder(chain));
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: { file: string; document: unknown }[] = [];
  for (const name of names.filter((n) => /^\d{12}\.json$/.test(n)).sort()) {
    const file = join(folder, name);
    const text = await readFile(file, 'utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = null;
    }
    out.push({ file, document });
  }
  return out;
}
