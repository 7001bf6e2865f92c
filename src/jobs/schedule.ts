// How background jobs repeat: on every tick of this instance, or once per interval across the
// instances sharing the database (each slot claimed in src/db/occurrences.ts).
import type { Db } from '../db/client.ts';
import type { Clock } from '../clock.ts';
import { claimOccurrence, pruneOccurrences } from '../db/occurrences.ts';
import type { Logger } from '../logger.ts';

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
 * Runs `work` once per `seconds`-long slot of the services' clock across all instances. Slots are
 * aligned to the epoch, so every instance names the same occurrence. Now and then it also prunes
 * old claims of every job.
 */
export function everyInterval(db: Db, clock: Clock, log: Logger, job: string, seconds: number, work: () => Promise<unknown>): Interval {
  const ms = Math.max(50, Math.round(seconds * 1000));
  return everyTick(log, job, seconds, async () => {
    const now = clock.now();
    const slot = Math.floor(now.getTime() / ms);
    if (!(await claimOccurrence(db, job, String(slot), now))) return;
    await work();
    if (slot % 100 === 0) await pruneOccurrences(db, now);
  });
}
