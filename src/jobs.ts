// Background jobs that run once per occurrence across instances sharing the database: each
// occurrence is claimed by inserting its (job, occurrence) row; the instance whose insert wins runs
// it, the others skip it.
import { hostname } from 'node:os';
import type { Db } from './db/client.ts';
import { isUniqueViolation } from './db/client.ts';
import type { Logger } from './logger.ts';

const instance = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** True when this instance claimed the occurrence. */
export async function claimOccurrence(db: Db, job: string, occurrence: string): Promise<boolean> {
  try {
    await db.jobOccurrence.create({ data: { job, occurrence, claimedBy: instance } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * A claim matters only while its occurrence is due: after a day it is history, whichever job made
 * it (interval slots, scheduled workflow occurrences), and it goes.
 */
export async function pruneOccurrences(db: Db, olderThanMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db.jobOccurrence.deleteMany({ where: { claimedAt: { lt: new Date(Date.now() - olderThanMs) } } });
  return count;
}

export interface Interval {
  stop(): Promise<void>;
}

/** Runs `work` every `seconds` on this instance (work that claims its own occurrences); never overlapping. */
export function everyTick(log: Logger, job: string, seconds: number, work: () => Promise<unknown>): Interval {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = work()
      .catch((error) => log.error({ err: error, job }, 'background job failed'))
      .finally(() => (running = null));
  }, Math.max(50, Math.round(seconds * 1000)));
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Runs `work` once per `seconds`-long slot of wall-clock time across all instances. Slots are
 * aligned to the epoch, so every instance names the same occurrence. Now and then it also prunes
 * old claims of every job.
 */
export function everyInterval(db: Db, log: Logger, job: string, seconds: number, work: () => Promise<unknown>): Interval {
  const ms = Math.max(50, Math.round(seconds * 1000));
  return everyTick(log, job, seconds, async () => {
    const slot = Math.floor(Date.now() / ms);
    if (!(await claimOccurrence(db, job, String(slot)))) return;
    await work();
    if (slot % 100 === 0) await pruneOccurrences(db);
  });
}
