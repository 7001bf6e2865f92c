// Changing customers and leads (README "Customers and leads (PII)"): creating, editing, deleting,
// and the PII_CHANGE approval kind. A PII change or a deletion applies at once or becomes a request
// that only an OWNER may approve, as policy.ts routes it, and applies in the decision's transaction.
// Audit metadata and summaries name fields, never values.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { publishApproval, raiseRequest, withdrawPending } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { enforce } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import type { ApprovalRequest, Tx } from '../db/client.ts';
import { lockOrganization } from '../db/locks.ts';
import { conflict, notFound } from '../errors.ts';
import { storedRecord, table, typed, type AnyRecord } from './data.ts';
import { cleanInput, type PiiValues, type RecordType } from './fields.ts';
import { deleteOutcome, piiChangeDecision, piiChangeOf, piiChangeOutcome } from './policy.ts';

type PiiAction = 'UPDATE_PII' | 'SOFT_DELETE' | 'HARD_DELETE';

const lower = (type: RecordType) => type.toLowerCase();

export async function createRecord(ctx: Context, type: RecordType, input: Record<string, unknown>) {
  const { plain, pii } = cleanInput(type, input, true);
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    // New contact data is not a change of PII: any writer may enter it with the record.
    const row = await table(tx, type).create({ data: { organizationId: ctx.member.organizationId, ...plain, ...pii } });
    await record({ action: `${lower(type)}.create`, targetType: type, targetId: row.id, metadata: { fields: [...Object.keys(plain), ...Object.keys(pii)].sort() } });
    return typed(type, row);
  });
}

/**
 * Opens a PII_CHANGE request unless the caller already has the same one pending (one pending
 * request per subject). The transaction must have locked the organization first, so that among
 * identical concurrent requests one opens and the others see it.
 */
async function openPiiRequest(tx: Tx, ctx: Context, row: AnyRecord, action: PiiAction, proposed: PiiValues | undefined, record: RecordEvent) {
  const duplicate = {
    where: {
      kind: 'PII_CHANGE' as const,
      requestedById: ctx.user.id,
      targetType: row.type,
      targetId: row.id,
      piiAction: action,
      proposedChanges: proposed ? JSON.stringify(proposed) : null,
    },
    conflict: () =>
      conflict(`You already asked for this very change of this ${lower(row.type)} and it is still pending; wait for its decision or cancel it.`, 'records.duplicate-request'),
  };
  return raiseRequest(
    tx,
    ctx.services,
    { organizationId: row.organizationId, userId: ctx.user.id },
    {
      kind: 'PII_CHANGE',
      piiAction: action,
      targetType: row.type,
      targetId: row.id,
      proposedChanges: proposed,
      payload: { piiVersion: row.piiVersion, fields: proposed ? Object.keys(proposed) : [], name: row.name },
    },
    record,
    duplicate,
  );
}

/** Writes the changed plain fields, with their audit event. */
async function applyPlain(tx: Tx, current: AnyRecord, plain: Record<string, string | null>, record: RecordEvent): Promise<AnyRecord> {
  const fields = Object.keys(plain).filter((k) => (current as unknown as Record<string, unknown>)[k] !== plain[k]);
  if (!fields.length) return current;
  const row = await table(tx, current.type).update({ where: { id: current.id }, data: plain });
  await record({ action: `${lower(current.type)}.update`, targetType: current.type, targetId: current.id, metadata: { fields: fields.sort() } });
  return typed(current.type, row);
}

/** Writes PII values and moves the record's PII version on, which makes older requests about it stale. */
async function applyPii(tx: Tx, current: AnyRecord, change: PiiValues, record: RecordEvent, metadata: Record<string, unknown>): Promise<AnyRecord> {
  const fields = Object.keys(change);
  if (!fields.length) return current;
  const row = await table(tx, current.type).update({ where: { id: current.id }, data: { ...change, piiVersion: { increment: 1 } } });
  await record({ action: `${lower(current.type)}.pii.update`, targetType: current.type, targetId: current.id, metadata: { fields, ...metadata } });
  return typed(current.type, row);
}

/** Applies non-PII fields at once, and PII directly or as a request, as the caller's role routes it. */
export async function updateRecord(ctx: Context, type: RecordType, id: string, input: Record<string, unknown>) {
  const { plain, pii } = cleanInput(type, input, false);
  const givesPii = Object.keys(pii).length > 0;
  if (givesPii) enforce(piiChangeDecision(ctx.member.role));
  const route = piiChangeOutcome(ctx.member.role);
  let requested: ApprovalRequest | null = null;
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    if (givesPii && route === 'request') await lockOrganization(tx, ctx.member.organizationId);
    const current = await storedRecord(tx, type, id);
    if (current.status === 'DELETED') throw notFound(lower(type), encodeGlobalID(type, id));
    const row = await applyPlain(tx, current, plain, record);
    if (!givesPii) return row;
    const change = piiChangeOf(route, pii, current);
    if (route === 'direct') return applyPii(tx, row, change, record, { direct: true });
    requested = await openPiiRequest(tx, ctx, current, 'UPDATE_PII', change, record);
    return row;
  });
  if (requested) publishApproval(ctx.services, 'REQUESTED', requested);
  return { record: updated, pendingChange: requested as ApprovalRequest | null };
}

/** Removes a record for good, with the PII held in requests about it. */
async function hardDelete(tx: Tx, at: Date, type: RecordType, id: string, record: RecordEvent) {
  await table(tx, type).delete({ where: { id } });
  await tx.approvalRequest.updateMany({ where: { targetType: type, targetId: id }, data: { proposedChanges: null } });
  return withdrawPending(tx, at, { targetType: type, targetId: id }, 'The record was deleted for good.', record);
}

export async function deleteRecord(ctx: Context, type: RecordType, id: string, mode: 'SOFT' | 'HARD') {
  const route = deleteOutcome(ctx.member.role);
  let requested: ApprovalRequest | null = null;
  let superseded: ApprovalRequest[] = [];
  const deleted = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    if (route === 'request') await lockOrganization(tx, ctx.member.organizationId);
    const current = await storedRecord(tx, type, id);
    if (current.status === 'DELETED' && mode === 'SOFT') throw notFound(lower(type), encodeGlobalID(type, id));
    if (route === 'request') {
      requested = await openPiiRequest(tx, ctx, current, mode === 'HARD' ? 'HARD_DELETE' : 'SOFT_DELETE', undefined, record);
      return false;
    }
    if (mode === 'HARD') superseded = await hardDelete(tx, ctx.services.clock.now(), type, id, record);
    else await table(tx, type).update({ where: { id }, data: { status: 'DELETED', deletedAt: ctx.services.clock.now() } });
    await record({ action: `${lower(type)}.delete`, targetType: type, targetId: id, metadata: { mode, direct: true } });
    return true;
  });
  if (requested) publishApproval(ctx.services, 'REQUESTED', requested);
  for (const s of superseded) publishApproval(ctx.services, 'CANCELLED', s);
  return { deleted, pendingChange: requested as ApprovalRequest | null };
}

// ---------------------------------------------------------------- the PII_CHANGE approval kind

export const piiChangeKind: ApprovalKindHandler = {
  kind: 'PII_CHANGE',
  // Names the record by its name (not PII here: email and phone are), never by its internal id.
  summarize: (r) => {
    const { fields = [], name = '' } = (r.payload ?? {}) as { fields?: string[]; name?: string };
    const what = r.piiAction === 'UPDATE_PII' ? `Change of ${fields.join(' and ')}` : r.piiAction === 'HARD_DELETE' ? 'Permanent deletion' : 'Deletion';
    return `${what} of ${lower(r.targetType as RecordType)} "${name.slice(0, 80)}"`;
  },
  async apply(tx, request, decision) {
    const type = request.targetType as RecordType;
    const current = await table(tx, type).findUnique({ where: { id: request.targetId ?? '' } });
    if (!current) throw conflict(`The ${lower(type)} of this request no longer exists; nothing was applied.`, 'records.gone');
    const { piiVersion } = JSON.parse(request.payload) as { piiVersion: number };
    // Claimed with a conditional update, not just compared: of two requests made on one version (or
    // a request and an owner's direct change) approved at the same moment, one wins and the other
    // finds the version moved (PostgreSQL re-checks the row after the winner commits).
    const claimed = await table(tx, type).updateMany({ where: { id: current.id, piiVersion }, data: { piiVersion: { increment: 1 } } });
    if (claimed.count !== 1)
      throw conflict(`The ${lower(type)}'s email or phone changed since this request was made; reject it and ask for a new one.`, 'records.stale-pii');
    const via = { viaRequest: request.id };
    switch (request.piiAction) {
      case 'UPDATE_PII':
        // Written and versioned even where a value equals the stored one: what follows an
        // approval must not tell the requester whether they had guessed it.
        await applyPii(tx, typed(type, current), JSON.parse(request.proposedChanges ?? '{}') as PiiValues, decision.record, via);
        return;
      case 'SOFT_DELETE':
        if (current.status === 'DELETED') throw conflict(`The ${lower(type)} is already deleted.`);
        await table(tx, type).update({ where: { id: current.id }, data: { status: 'DELETED', deletedAt: decision.at } });
        await decision.record({ action: `${lower(type)}.delete`, targetType: type, targetId: current.id, metadata: { mode: 'SOFT', ...via } });
        return;
      case 'HARD_DELETE': {
        const withdrawn = await hardDelete(tx, decision.at, type, current.id, decision.record);
        decision.afterCommit(() => {
          for (const w of withdrawn) decision.publish('CANCELLED', w);
        });
        await decision.record({ action: `${lower(type)}.delete`, targetType: type, targetId: current.id, metadata: { mode: 'HARD', ...via } });
        return;
      }
      default:
        throw new Error(`unknown PII action ${request.piiAction}`);
    }
  },
};
