// Access scopes (which values of a dimension a member sees in RESTRICTED KPIs): granted and revoked
// by ADMIN and OWNER, requested by members through ACCESS_SCOPE approval requests that an ADMIN,
// OWNER or the value's delegated approver decides.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { requestApproval } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import type { Context } from '../context.ts';
import type { AccessScope, Db, Tx } from '../db/client.ts';
import { lockOrganization } from '../db/locks.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { bumpAccessVersion } from './access.ts';
import { dimensionByKey, valuesOf } from './dimensions.ts';
import { grantRecipient } from './grants.ts';
import { dimensionValue, EVERY_VALUE, key, LIMITS, refuse, requiredText, scopeWindow } from './input.ts';
import { heldScopeCovers } from './policy.ts';

/** A scope names a dimension and one of its values, or `*` for all of them. */
interface ScopeSubject {
  dimension: string;
  value: string;
}

function checkSubject(subject: ScopeSubject): ScopeSubject {
  return { dimension: key('dimension', subject.dimension), value: dimensionValue('value', subject.value, true) };
}

async function knownSubject(db: Db | Tx, { dimension, value }: ScopeSubject) {
  const values = valuesOf(await dimensionByKey(db, dimension));
  if (value !== EVERY_VALUE && !values.includes(value))
    throw badInput(`"${value.slice(0, 60)}" is not a value of dimension "${dimension}"; use one of ${values.slice(0, 20).join(', ')} or * for all.`, { field: 'value' });
}

export async function grantAccessScope(ctx: Context, userId: string, dimensionKey: string, scopeValue: string, startsAt?: Date | null, endsAt?: Date | null) {
  const { dimension, value } = checkSubject({ dimension: dimensionKey, value: scopeValue });
  scopeWindow(startsAt, endsAt);
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    await knownSubject(tx, { dimension, value });
    const user = await grantRecipient(tx, userId);
    const row = await tx.accessScope.create({
      data: { organizationId: ctx.member.organizationId, userId, dimensionKey: dimension, value, startsAt: startsAt ?? null, endsAt: endsAt ?? null, grantedById: ctx.user.id },
    });
    await bumpAccessVersion(tx, row.organizationId);
    await record({ action: 'scope.grant', targetType: 'AccessScope', targetId: row.id, metadata: { email: user.email, dimension, value, startsAt: row.startsAt, endsAt: row.endsAt } });
    return row;
  });
}

/**
 * Ends a scope now, once (a conditional update): the one effect of revokeAccessScope and of an
 * access review's REVOKE. Bumps the access version and records `scope.revoke` in the caller's
 * transaction; null when the scope was already revoked (then nothing changes).
 */
export async function revokeScopeIn(tx: Tx, revokedAt: Date, record: RecordEvent, scope: AccessScope, metadata: Record<string, unknown> = {}): Promise<Date | null> {
  const won = await tx.accessScope.updateMany({ where: { id: scope.id, revokedAt: null }, data: { revokedAt } });
  if (won.count !== 1) return null;
  await bumpAccessVersion(tx, scope.organizationId);
  await record({
    organizationId: scope.organizationId,
    action: 'scope.revoke',
    targetType: 'AccessScope',
    targetId: scope.id,
    metadata: { dimension: scope.dimensionKey, value: scope.value, ...metadata },
  });
  return revokedAt;
}

export async function revokeAccessScope(ctx: Context, id: string) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const scope = await tx.accessScope.findUnique({ where: { id } });
    if (!scope) throw notFound('access scope', encodeGlobalID('AccessScope', id));
    const revokedAt = await revokeScopeIn(tx, ctx.services.clock.now(), record, scope);
    if (!revokedAt) throw conflict('This scope was already revoked.', 'scopes.already-revoked');
    return { ...scope, revokedAt };
  });
}

export const MAX_ACCESS_DAYS = 3650;
const DAY_MS = 24 * 3600 * 1000;

function wholeDays(field: string, days: number) {
  if (!Number.isInteger(days) || days < 1 || days > MAX_ACCESS_DAYS) throw refuse(field, `is a whole number of days from 1 to ${MAX_ACCESS_DAYS}; it was ${days}.`);
  return days;
}

/** The longest window an access request may ask for, in days (null: no maximum): OWNER and ADMIN. */
export async function setMaxAccessDays(ctx: Context, days: number | null | undefined) {
  const to = days === null || days === undefined ? null : wholeDays('days', days);
  const { organizationId } = ctx.member;
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { maxAccessDays: true } });
    const row = await tx.organization.update({ where: { id: organizationId }, data: { maxAccessDays: to } });
    await record({ action: 'organization.max-access-days', targetType: 'Organization', targetId: organizationId, metadata: { from: before.maxAccessDays, to } });
    return row;
  });
}

/** What a request asks for: an end date or a duration in days, not both; checked before any I/O. */
export interface RequestedWindow {
  startsAt?: Date | null;
  endsAt?: Date | null;
  durationDays?: number | null;
}

function checkRequestedWindow(w: RequestedWindow, now: Date) {
  if (w.endsAt && w.durationDays != null) throw refuse('durationDays', 'and `endsAt` both say when the access ends: give one of them.');
  if (w.durationDays != null) wholeDays('durationDays', w.durationDays);
  if (w.endsAt && w.endsAt <= now) throw refuse('endsAt', 'is in the past: access that has ended grants nothing.');
  scopeWindow(w.startsAt, w.endsAt);
}

/**
 * The window of a request: a duration counts from `startsAt`, or from the moment of asking, so the
 * approver sees the exact end. With an organization maximum, a longer window is refused and an
 * open-ended one ends at the maximum.
 */
function cappedWindow(w: RequestedWindow, maxDays: number | null, now: Date): { startsAt: Date | null; endsAt: Date | null } {
  const start = w.startsAt ?? now;
  let endsAt = w.endsAt ?? (w.durationDays ? new Date(start.getTime() + w.durationDays * DAY_MS) : null);
  if (maxDays !== null) {
    const longest = new Date(start.getTime() + maxDays * DAY_MS);
    if (!endsAt) endsAt = longest;
    else if (endsAt > longest)
      throw badInput(
        `This organization grants access for at most ${maxDays} days at a time: ask for an end on or before ${longest.toISOString()}, and ask again before it ends to extend it.`,
        { field: w.durationDays != null ? 'durationDays' : 'endsAt', maxDays },
      );
  }
  return { startsAt: w.startsAt ?? null, endsAt };
}

/** Delegates deciding ACCESS_SCOPE requests for a value (or every value) to a member. */
export async function setScopeApprover(ctx: Context, dimensionKey: string, scopeValue: string, userId: string) {
  const { dimension, value } = checkSubject({ dimension: dimensionKey, value: scopeValue });
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    await knownSubject(tx, { dimension, value });
    const user = await grantRecipient(tx, userId);
    if (!(await tx.scopeApprover.findFirst({ where: { dimensionKey: dimension, value, userId } })))
      await tx.scopeApprover.create({ data: { organizationId: ctx.member.organizationId, dimensionKey: dimension, value, userId } });
    await record({ action: 'scope.approver.set', targetType: 'ScopeApprover', targetId: userId, metadata: { email: user.email, dimension, value } });
    return true;
  });
}

/**
 * A member asks for a scope: an ACCESS_SCOPE request for the value's approvers, for a window capped
 * by the organization's maximum. One pending request per member and subject, checked under the
 * organization's lock so that parallel asks open one. A scope already held that covers the window
 * is a CONFLICT; one that ends before the asked end is not, so asking again extends access.
 */
export async function requestAccess(ctx: Context, dimensionKey: string, scopeValue: string, justification: string, asked: RequestedWindow = {}) {
  const now = ctx.services.clock.now();
  const { dimension, value } = checkSubject({ dimension: dimensionKey, value: scopeValue });
  const why = requiredText('justification', justification, LIMITS.justification);
  checkRequestedWindow(asked, now);
  await knownSubject(ctx.db, { dimension, value });
  const organization = await ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.member.organizationId }, select: { maxAccessDays: true } });
  const { startsAt, endsAt } = cappedWindow(asked, organization.maxAccessDays, now);
  const requestedById = ctx.user.id;
  // Checked under the organization's lock, which approving a request takes too: a request racing
  // the approval of the same value cannot open beside the scope just granted.
  const alreadyHeld = async (tx: Tx) => {
    const held = await tx.accessScope.findMany({ where: { userId: requestedById, dimensionKey: dimension, revokedAt: null, value: { in: [value, EVERY_VALUE] } } });
    const covering = held.find((s) => heldScopeCovers(s, { startsAt: startsAt ?? now, endsAt }, now));
    return covering
      ? conflict(
          `You already hold a scope on ${dimension}=${covering.value}${covering.endsAt ? ` until ${covering.endsAt.toISOString()}` : ''} that covers what you ask for; to extend it, ask for an end after that.`,
          'scopes.already-held',
        )
      : null;
  };
  return requestApproval(
    ctx,
    { kind: 'ACCESS_SCOPE', justification: why, dimensionKey: dimension, scopeValue: value, startsAt, endsAt },
    {
      where: { kind: 'ACCESS_SCOPE', requestedById, dimensionKey: dimension, scopeValue: value },
      conflict: () => conflict(`You already have a pending request for ${dimension}=${value}; wait for its decision or cancel it.`, 'scopes.duplicate-request'),
      alsoRefuse: alreadyHeld,
    },
  );
}

/** ACCESS_SCOPE: decided by ADMIN, OWNER or the value's delegated approvers; approval creates the scope. */
export const accessScopeKind: ApprovalKindHandler = {
  kind: 'ACCESS_SCOPE',
  summarize: (r) => `Access to KPI rows where ${r.dimensionKey}=${r.scopeValue}${r.endsAt ? ` until ${r.endsAt.toISOString().slice(0, 10)}` : ''}`,
  async extraDeciders(db, request) {
    const rows = await db.scopeApprover.findMany({
      where: { organizationId: request.organizationId, dimensionKey: request.dimensionKey ?? '', value: { in: [request.scopeValue ?? '', EVERY_VALUE] } },
      select: { userId: true },
    });
    return rows.map((r) => r.userId);
  },
  async extraInboxWhere(db, userId, organizationId) {
    const rows = await db.scopeApprover.findMany({ where: { organizationId, userId }, select: { dimensionKey: true, value: true } });
    if (!rows.length) return null;
    return { OR: rows.map((r) => (r.value === EVERY_VALUE ? { dimensionKey: r.dimensionKey } : { dimensionKey: r.dimensionKey, scopeValue: r.value })) };
  },
  async apply(tx, request, decision) {
    // The lock a new request for the same value takes too: see requestAccess.
    await lockOrganization(tx, request.organizationId);
    const scope = await tx.accessScope.create({
      data: {
        organizationId: request.organizationId,
        userId: request.requestedById,
        dimensionKey: request.dimensionKey!,
        value: request.scopeValue!,
        startsAt: request.startsAt,
        endsAt: request.endsAt,
        grantedById: decision.actorId,
      },
    });
    await bumpAccessVersion(tx, request.organizationId);
    await decision.record({
      action: 'scope.grant',
      targetType: 'AccessScope',
      targetId: scope.id,
      metadata: { dimension: scope.dimensionKey, value: scope.value, viaRequest: request.id, startsAt: scope.startsAt, endsAt: scope.endsAt },
    });
  },
};
