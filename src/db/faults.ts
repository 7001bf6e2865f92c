// Which errors mean the database is away (unreachable, restarting, connections cut) rather than a
// bug: those are expected during an outage, so they are logged as one line per interval without a
// stack, and callers are told to retry (SERVICE_UNAVAILABLE) instead of being handed a masked bug.
import { oncePerInterval, serviceAddress, type Logger } from '../logger.ts';

/**
 * Prisma's connection codes (P1001 unreachable, P1002 timed out, P1008 operation timed out, P1017
 * connection closed, P2024 no pooled connection in time), Node's socket errors, and PostgreSQL's
 * admin_shutdown, crash_shutdown and cannot_connect_now; SQLSTATE class 08 is matched below.
 */
const UNREACHABLE_CODES = new Set([
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03',
]);
/** pg's own errors for a connection that ended or never opened carry no code, only these messages. */
const UNREACHABLE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly)/;

/** The error and its causes (Prisma and pg wrap; a refused dual-stack connect is an AggregateError). */
function* chain(error: unknown, depth = 0): Generator<{ code?: unknown; message?: unknown }> {
  if (!error || typeof error !== 'object' || depth > 5) return;
  yield error as { code?: unknown; message?: unknown };
  yield* chain((error as { cause?: unknown }).cause, depth + 1);
  for (const inner of (error as { errors?: unknown }).errors instanceof Array ? (error as { errors: unknown[] }).errors : []) yield* chain(inner, depth + 1);
}

const unreachable = (e: { code?: unknown; message?: unknown }) =>
  (typeof e.code === 'string' && (UNREACHABLE_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) ||
  (typeof e.message === 'string' && UNREACHABLE_MESSAGES.test(e.message));

/** True when `error` says the database cannot be reached now, as opposed to anything it answered. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (const e of chain(error)) if (unreachable(e)) return true;
  return false;
}

/**
 * What went wrong, in one line: the code and the sentence that says it, without Prisma's
 * invocation frame (`Invalid \`…\` invocation in <file>` and the source lines it quotes).
 */
export function faultReason(error: unknown): string {
  const found = [...chain(error)].find(unreachable) ?? (error as { code?: unknown; message?: unknown });
  const lines = String(found?.message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('Invalid `') && !/^(→\s*)?\d+\s/.test(line) && !/^(\/|file:|[A-Z]:\\)/.test(line));
  const sentence = lines[0] ?? 'no message';
  const code = typeof found?.code === 'string' ? found.code : undefined;
  return code && !sentence.includes(code) ? `${code} ${sentence}` : sentence;
}

export interface DatabaseFaults {
  /**
   * When `error` is the database being unreachable: logs it (once per interval across the whole
   * process, with how often it recurred, no stack) and returns true. Returns false for anything
   * else, which the caller logs in full.
   */
  report(error: unknown, during: string): boolean;
}

export function databaseFaultLog(databaseUrl: string, log: Pick<Logger, 'warn'>, intervalMs = 30_000, now?: () => number): DatabaseFaults {
  const where = serviceAddress(databaseUrl, 5432);
  // One key for the whole outage: a cut shows as refused connects, resets and terminated
  // connections by turns, and each of them again on every request and job tick.
  const reportOnce = oncePerInterval(log, intervalMs, now);
  return {
    report(error, during) {
      if (!isDatabaseUnreachable(error)) return false;
      reportOnce('unreachable', `PostgreSQL (DATABASE_URL, ${where}) unreachable during ${during}: ${faultReason(error)}. Requests fail with SERVICE_UNAVAILABLE and /ready answers 503 until it answers again.`);
      return true;
    },
  };
}
