// Access scopes (which values of a dimension a member sees in RESTRICTED KPIs): granted and revoked
// by ADMIN and OWNER, requested by members through ACCESS_SCOPE approval requests that an ADMIN,
// OWNER or the value's delegated approver decides.
import { requestApproval } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor } from '../audit/record.ts';
import type { Context } from '../context.ts';
import type { Db, Tx } from '../db/client.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { bumpAccessVersion, isActive } from './access.ts';
import { dimensionByKey, valuesOf } from './dimensions.ts';
import { grantRecipient } from './grants.ts';
import { dimensionValue, EVERY_VALUE, key, LIMITS, requiredText, scopeWindow } from './input.ts';

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

export async function revokeAccessScope(ctx: Context, id: string) {
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    const scope = await tx.accessScope.findUnique({ where: { id } });
    if (!scope) throw notFound('access scope', id);
    const revokedAt = new Date();
    const won = await tx.accessScope.updateMany({ where: { id, revokedAt: null }, data: { revokedAt } });
    if (won.count !== 1) throw conflict('This scope was already revoked.', 'scopes.already-revoked');
    await bumpAccessVersion(tx, scope.organizationId);
    await record({ action: 'scope.revoke', targetType: 'AccessScope', targetId: id, metadata: { dimension: scope.dimensionKey, value: scope.value } });
    return { ...scope, revokedAt };
  });
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
 * A member asks for a scope: an ACCESS_SCOPE request for the value's approvers. One pending request
 * per member and subject, checked under the organization's lock so that parallel asks open one.
 */
export async function requestAccess(ctx: Context, dimensionKey: string, scopeValue: string, justification: string, startsAt?: Date | null, endsAt?: Date | null) {
  const { dimension, value } = checkSubject({ dimension: dimensionKey, value: scopeValue });
  const why = requiredText('justification', justification, LIMITS.justification);
  scopeWindow(startsAt, endsAt);
  await knownSubject(ctx.db, { dimension, value });
  const requestedById = ctx.user.id;
  const held = await ctx.db.accessScope.findMany({ where: { userId: requestedById, dimensionKey: dimension, revokedAt: null, value: { in: [value, EVERY_VALUE] } } });
  if (held.some((s) => isActive(s, new Date()))) throw conflict(`You already hold an active scope on ${dimension}=${value}.`, 'scopes.already-held');
  return requestApproval(
    ctx,
    { kind: 'ACCESS_SCOPE', justification: why, dimensionKey: dimension, scopeValue: value, startsAt: startsAt ?? null, endsAt: endsAt ?? null },
    {
      where: { kind: 'ACCESS_SCOPE', requestedById, dimensionKey: dimension, scopeValue: value },
      conflict: () => conflict(`You already have a pending request for ${dimension}=${value}; wait for its decision or cancel it.`, 'scopes.duplicate-request'),
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
