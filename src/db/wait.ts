// At start, PostgreSQL may not answer yet: an orchestrator often starts the database and the server
// together. The first work that needs it (the migrations) is retried with backoff while it is
// unreachable, one log line per attempt naming DATABASE_URL's host and port and the next delay;
// a database that answers but refuses (a wrong password, a missing database) stops the start at once
// with one message, as a bad setting does.
import { ConfigError } from '../config.ts';
import { serviceAddress, type Logger } from '../logger.ts';
import { providerOf } from './client.ts';
import { faultReason, isDatabaseUnreachable } from './faults.ts';

/** Delays between attempts: doubling from half a second up to ten. */
export const START_RETRY_DELAYS_MS = { first: 500, max: 10_000 };

/** PostgreSQL's answers that no waiting changes: authentication, a missing database or role. */
const REFUSALS = new Set(['28P01', '28000', '3D000', 'P1000', 'P1003', 'P1010']);

export interface StartWait {
  log: Pick<Logger, 'warn' | 'info'>;
  /** Give up after this many seconds (DATABASE_START_TIMEOUT_SECONDS); 0 waits as long as it takes. */
  timeoutSeconds: number;
  /** Real time: nothing else runs yet, and the wait measures the database, not the domain. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Runs `work`, again after a delay each time PostgreSQL is unreachable; SQLite's runs once. */
export async function whenDatabaseAnswers<T>(databaseUrl: string, work: () => Promise<T>, wait: StartWait): Promise<T> {
  if (providerOf(databaseUrl) === 'sqlite') return work();
  const { log, timeoutSeconds, now = () => performance.now(), sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = wait;
  const where = `PostgreSQL (DATABASE_URL, ${serviceAddress(databaseUrl, 5432)})`;
  const started = now();
  let delay = START_RETRY_DELAYS_MS.first;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1) log.info(`${where} answers after ${attempt} attempts: starting`);
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && REFUSALS.has(code)) {
        throw new ConfigError(`${where} refused the connection: ${faultReason(error)}. Check DATABASE_URL.`);
      }
      if (!isDatabaseUnreachable(error)) throw error;
      const waited = now() - started;
      if (timeoutSeconds > 0 && waited + delay > timeoutSeconds * 1000) {
        throw new ConfigError(`${where} did not answer within ${timeoutSeconds} s (DATABASE_START_TIMEOUT_SECONDS), ${attempt} attempts: ${faultReason(error)}. Start PostgreSQL or fix DATABASE_URL.`);
      }
      log.warn(`${where} unreachable (attempt ${attempt}): ${faultReason(error)}. Retrying in ${seconds(delay)}${timeoutSeconds > 0 ? `, for up to ${timeoutSeconds} s in all (DATABASE_START_TIMEOUT_SECONDS)` : ''}.`);
      await sleep(delay);
      delay = Math.min(delay * 2, START_RETRY_DELAYS_MS.max);
    }
  }
}
