// Work that runs once per occurrence across instances sharing the database: each occurrence is
// claimed by inserting its (job, occurrence) row; the instance whose insert wins runs it, the
// others skip it. Interval jobs (src/jobs/schedule.ts) and scheduled workflows claim this way.
import { hostname } from 'node:os';
import type { Db } from './client.ts';
import { isUniqueViolation } from './client.ts';

/** This process among the instances sharing the database: host, pid and a random suffix (a pid can be reused). */
export const instance = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

/** True when this instance claimed the occurrence. */
export async function claimOccurrence(db: Db, job: string, occurrence: string, now: Date): Promise<boolean> {
  try {
    await db.jobOccurrence.create({ data: { job, occurrence, claimedBy: instance, claimedAt: now } });
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
export async function pruneOccurrences(db: Db, now: Date, olderThanMs = 24 * 3600 * 1000): Promise<number> {
  const { count } = await db.jobOccurrence.deleteMany({ where: { claimedAt: { lt: new Date(now.getTime() - olderThanMs) } } });
  return count;
}
