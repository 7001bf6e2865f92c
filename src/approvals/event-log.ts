// The approval event log: every approval event written in the transaction that commits the change
// it reports (so a committed event can be resumed and a rolled-back one never existed), kept
// APPROVAL_EVENT_RETENTION_HOURS, read back for a subscriber resuming after a cursor.
//
// Order. An event's position is the log row's id (one autoincrement across organizations). On
// PostgreSQL, ids are taken when rows are inserted, not when they commit, so two transactions could
// commit out of id order, and a subscriber who saw the later id first would never replay the
// earlier one. Within one organization that cannot happen here: the event is logged after the
// transaction's audit event (every writer of approval events records one first), and appending an
// audit event updates the organization's chain head (src/audit/chain.ts), a row lock held until
// commit. So the organization's event-writing transactions take their ids one after the other, in
// the order they commit. Across organizations order does not matter: a cursor belongs to one.
import type { Db, Tx } from '../db/client.ts';
import type { ApprovalRequest } from '../db/client.ts';
import { refusalError } from '../authz/decision.ts';
import { ErrorCode } from '../errors.ts';
import type { Services } from '../services.ts';
import { published, type ApprovalEventType, type ApprovalMessage, type PublishedRequest } from './events.ts';
import { resumeDecision, type CursorStanding } from './policy.ts';

/** Messages logged in a transaction, by the row they report, until they are published after its commit. */
const logged = new WeakMap<ApprovalRequest, ApprovalMessage[]>();

/**
 * Logs an approval event in the caller's transaction, after its audit event (see Order above), and
 * keeps it for `takeLogged` to publish once the transaction commits.
 */
export async function logApprovalEvent(tx: Tx, at: Date, type: ApprovalEventType, request: ApprovalRequest): Promise<ApprovalMessage> {
  const body = published(request);
  const row = await tx.approvalEventLog.create({
    data: { organizationId: request.organizationId, type, requestId: request.id, request: JSON.stringify(body), at },
    select: { id: true },
  });
  const message: ApprovalMessage = { type, position: row.id, at: at.toISOString(), request: body };
  logged.set(request, [...(logged.get(request) ?? []), message]);
  return message;
}

/**
 * The message logged for this row and type in the transaction that just committed. A row published
 * without having been logged is a bug of the caller (its event could not be resumed): it throws.
 */
export function takeLogged(type: ApprovalEventType, request: ApprovalRequest): ApprovalMessage {
  const messages = logged.get(request) ?? [];
  const index = messages.findIndex((m) => m.type === type);
  if (index < 0) throw new Error(`approval event ${type} of request ${request.id} was published without being logged in its transaction`);
  const [message] = messages.splice(index, 1);
  return message!;
}

// ---------------------------------------------------------------- cursors

const PREFIX = 'ae1';

/** An event's cursor: opaque to clients; the organization and the position. */
export const encodeCursor = (organizationId: string, position: number) => Buffer.from(`${PREFIX}:${organizationId}:${position}`).toString('base64url');

function decodeCursor(cursor: string): { organizationId: string; position: number } | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1]) return null;
  const position = Number(parts[2]);
  if (!/^\d{1,15}$/.test(parts[2]!) || !Number.isSafeInteger(position) || position < 1) return null;
  return { organizationId: parts[1], position };
}

const retentionStart = (services: Pick<Services, 'clock' | 'config'>) =>
  new Date(services.clock.now().getTime() - services.config.APPROVAL_EVENT_RETENTION_HOURS * 3600_000);

async function standingOf(services: Services, organizationId: string, cursor: string): Promise<CursorStanding> {
  const decoded = decodeCursor(cursor);
  if (!decoded) return 'malformed';
  if (decoded.organizationId !== organizationId) return 'other-organization';
  const event = await services.system.approvalEventLog.findFirst({ where: { id: decoded.position, organizationId }, select: { at: true } });
  if (event) return event.at < retentionStart(services) ? 'expired' : 'current';
  // Gone: pruned, if older than every event still kept; never issued otherwise.
  const oldest = await services.system.approvalEventLog.findFirst({ where: { organizationId }, orderBy: { id: 'asc' }, select: { id: true } });
  return oldest && oldest.id < decoded.position ? 'unknown' : 'expired';
}

/**
 * The position a subscriber resumes after, or CURSOR_INVALID (with the rule, the reason and the
 * next step) for a cursor that is malformed, another organization's, unknown, or older than the
 * events kept.
 */
export async function resumePosition(services: Services, organizationId: string, cursor: string): Promise<number> {
  const decision = resumeDecision(await standingOf(services, organizationId, cursor), services.config.APPROVAL_EVENT_RETENTION_HOURS);
  if (!decision.allowed) throw refusalError(decision, ErrorCode.CURSOR_INVALID);
  return decodeCursor(cursor)!.position;
}

const REPLAY_BATCH = 200;

/** The organization's logged events after a position, in order, read a batch at a time. */
export async function* eventsAfter(db: Db, organizationId: string, position: number): AsyncGenerator<ApprovalMessage> {
  for (let after = position; ; ) {
    const rows = await db.approvalEventLog.findMany({ where: { organizationId, id: { gt: after } }, orderBy: { id: 'asc' }, take: REPLAY_BATCH });
    for (const row of rows)
      yield { type: row.type as ApprovalEventType, position: row.id, at: row.at.toISOString(), request: JSON.parse(row.request) as PublishedRequest };
    if (rows.length < REPLAY_BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The organization's last logged position, 0 when it has none. */
export async function latestPosition(db: Db, organizationId: string): Promise<number> {
  const last = await db.approvalEventLog.findFirst({ where: { organizationId }, orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0;
}

/** Forgets events older than the retention (the expiry sweep calls it). */
export async function pruneApprovalEvents(services: Pick<Services, 'clock' | 'config' | 'system'>): Promise<number> {
  const { count } = await services.system.approvalEventLog.deleteMany({ where: { at: { lt: retentionStart(services) } } });
  return count;
}
