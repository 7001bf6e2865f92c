// How background jobs repeat: on every tick of this instance, or once per interval across the
// instances sharing the database (each slot claimed in src/db/occurrences.ts).
import type { Db } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import type { DatabaseFaults } from '../db/faults.ts';
import { claimOccurrence, pruneOccurrences } from '../db/occurrences.ts';
import type { Logger } from '../logger.ts';

export interface Interval {
  stop(): Promise<void>;
}

/** Where a failed run of a job is told. */
export type JobFailed = (job: string, error: unknown) => void;

/**
 * The database being away fails every tick of every job: that is logged once per interval without
 * a stack (src/db/faults.ts); any other failure in full.
 */
export function jobFailureLog(log: Logger, faults: DatabaseFaults): JobFailed {
  return (job, error) => {
    if (!faults.report(error, `the background job ${job}`)) log.error({ err: error, job }, 'background job failed');
  };
}

/** Runs `work` every `seconds` on this instance (work that claims its own occurrences); never overlapping. */
export function everyTick(failed: JobFailed, job: string, seconds: number, work: () => Promise<unknown>): Interval {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = work()
      .catch((error) => failed(job, error))
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
 * Runs `work` once per `seconds`-long slot of the services' clock across all instances. Slots are
 * aligned to the epoch, so every instance names the same occurrence. Now and then it also prunes
 * old claims of every job.
 */
export function everyInterval(db: Db, clock: Clock, failed: JobFailed, job: string, seconds: number, work: () => Promise<unknown>): Interval {
  const ms = Math.max(50, Math.round(seconds * 1000));
  return everyTick(failed, job, seconds, async () => {
    const now = clock.now();
    const slot = Math.floor(now.getTime() / ms);
    if (!(await claimOccurrence(db, job, String(slot), now))) return;
    await work();
    if (slot % 100 === 0) await pruneOccurrences(db, now);
  });
}
