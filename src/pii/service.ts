// Customers and leads (SPEC.md "PII: customers and leads"): email and phone are PII. They are
// masked for VIEWER and EDITOR wherever they appear; a PII change or deletion by anyone but an
// OWNER becomes a PII_CHANGE request that only an OWNER may approve, applied in the decision's
// transaction; an OWNER's applies directly. Audit metadata and summaries name fields, never values.
import { publishApproval, raiseRequest, withdrawPending } from '../approvals/core.ts';
import type { ApprovalKindHandler } from '../approvals/kinds.ts';
import { auditedTransaction, callerActor, type RecordEvent } from '../audit/record.ts';
import { allows } from '../authz/capabilities.ts';
import type { OrgRole } from '../authz/matrix.ts';
import { assertCapability } from '../authz/capabilities.ts';
import type { Context } from '../context.ts';
import type { ApprovalRequest, Customer, Lead, Tx } from '../db/client.ts';
import { badInput, conflict, forbidden, notFound } from '../errors.ts';

export type RecordType = 'Customer' | 'Lead';
export type AnyRecord = (Customer & { type: 'Customer' }) | (Lead & { type: 'Lead' });
export const PII_FIELDS = ['email', 'phone'] as const;
type PiiField = (typeof PII_FIELDS)[number];
export type PiiValues = Partial<Record<PiiField, string | null>>;

/** Fields other than PII, by type. */
const PLAIN_FIELDS: Record<RecordType, readonly string[]> = { Customer: ['name', 'company', 'notes'], Lead: ['name', 'source'] };

// ---------------------------------------------------------------- masking

export const seesPii = (role: OrgRole) => role === 'ADMIN' || role === 'OWNER';

/** `j***@example.com`: at most the first character of the local part, and the domain. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `***42`: at most the last two digits. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

export const shown = (ctx: Context, field: PiiField, value: string | null) =>
  seesPii(ctx.member.role) ? value : field === 'email' ? maskEmail(value) : maskPhone(value);

// ---------------------------------------------------------------- validation

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;
const PHONE = /^\+?[0-9 ().-]{4,30}$/;

function clean(type: RecordType, input: Record<string, unknown>, creating: boolean) {
  const plain: Record<string, string | null> = {};
  const pii: PiiValues = {};
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const value = typeof raw === 'string' ? raw.trim() || null : null;
    if ((PII_FIELDS as readonly string[]).includes(key)) {
      if (key === 'email' && value && (!EMAIL.test(value) || value.length > 320)) throw badInput('`email` is not a valid email address.');
      if (key === 'phone' && value && !PHONE.test(value)) throw badInput('`phone` has 4 to 30 digits, spaces, +, -, ( or ).');
      pii[key as PiiField] = key === 'email' && value ? value.toLowerCase() : value;
    } else if (PLAIN_FIELDS[type].includes(key)) {
      if (value && value.length > (key === 'notes' ? 5000 : 200)) throw badInput(`\`${key}\` is too long.`);
      plain[key] = value;
    }
  }
  if (creating && !plain.name) throw badInput(`A ${type.toLowerCase()} needs a name.`);
  if ('name' in plain && !plain.name) throw badInput('`name` cannot be empty.');
  return { plain, pii };
}

// ---------------------------------------------------------------- data access

const table = (db: Context['db'] | Tx, type: RecordType) => (type === 'Customer' ? db.customer : db.lead) as unknown as {
  findUnique(args: unknown): Promise<Customer | Lead | null>;
  findMany(args: unknown): Promise<(Customer | Lead)[]>;
  count(args: unknown): Promise<number>;
  create(args: unknown): Promise<Customer | Lead>;
  update(args: unknown): Promise<Customer | Lead>;
  updateMany(args: unknown): Promise<{ count: number }>;
  delete(args: unknown): Promise<Customer | Lead>;
};

const typed = (type: RecordType, row: Customer | Lead): AnyRecord => ({ ...row, type }) as AnyRecord;

export async function findRecord(ctx: Context, type: RecordType, id: string, includeDeleted = false): Promise<AnyRecord | null> {
  const row = await table(ctx.db, type).findUnique({ where: { id } });
  if (!row) return null;
  if (row.status === 'DELETED' && !(includeDeleted && allows('records.readDeleted', ctx.member.role))) return null;
  return typed(type, row);
}

/** Active records by id, in one query (node lookups). */
export const findRecords = (ctx: Context, type: RecordType, ids: readonly string[]) =>
  table(ctx.db, type)
    .findMany({ where: { id: { in: ids }, status: 'ACTIVE' } })
    .then((rows) => rows.map((r) => typed(type, r)));

export function listWhere(ctx: Context, includeDeleted: boolean | null | undefined) {
  if (includeDeleted) {
    assertCapability(ctx.member, 'records.readDeleted');
    return {};
  }
  return { status: 'ACTIVE' };
}

export const listRecords = (ctx: Context, type: RecordType, where: object, take: number, after: string | null) =>
  table(ctx.db, type)
    .findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take, ...(after ? { skip: 1, cursor: { id: after } } : {}) })
    .then((rows) => rows.map((r) => typed(type, r)));

export const countRecords = (ctx: Context, type: RecordType, where: object) => table(ctx.db, type).count({ where });

// ---------------------------------------------------------------- changes

const lower = (type: RecordType) => type.toLowerCase();

export async function createRecord(ctx: Context, type: RecordType, input: Record<string, unknown>) {
  assertCapability(ctx.member, 'records.write');
  const { plain, pii } = clean(type, input, true);
  return auditedTransaction(callerActor(ctx), async (tx, record) => {
    // New contact data is not a change of PII: any writer may enter it with the record.
    const row = await table(tx, type).create({ data: { organizationId: ctx.member.organizationId, ...plain, ...pii } });
    await record({ action: `${lower(type)}.create`, targetType: type, targetId: row.id, metadata: { fields: [...Object.keys(plain), ...Object.keys(pii)].sort() } });
    return typed(type, row);
  });
}

async function openPiiRequest(tx: Tx, ctx: Context, row: AnyRecord, action: 'UPDATE_PII' | 'SOFT_DELETE' | 'HARD_DELETE', proposed: PiiValues | undefined, record: RecordEvent) {
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
      payload: { piiVersion: row.piiVersion, fields: proposed ? Object.keys(proposed).sort() : [] },
    },
    record,
  );
}

/** Applies non-PII fields at once; PII fields directly for an OWNER, as a request for others. */
export async function updateRecord(ctx: Context, type: RecordType, id: string, input: Record<string, unknown>) {
  assertCapability(ctx.member, 'records.write');
  const { plain, pii } = clean(type, input, false);
  const owner = ctx.member.role === 'OWNER';
  let requested: ApprovalRequest | null = null;
  const updated = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const current = await table(tx, type).findUnique({ where: { id } });
    if (!current || current.status === 'DELETED') throw notFound(lower(type), id);
    const changedPii = Object.fromEntries(Object.entries(pii).filter(([k, v]) => current[k as PiiField] !== v)) as PiiValues;
    const piiFields = Object.keys(changedPii).sort();
    let row = current;
    const plainFields = Object.keys(plain).filter((k) => (current as unknown as Record<string, unknown>)[k] !== plain[k]);
    if (plainFields.length) {
      row = await table(tx, type).update({ where: { id }, data: plain });
      await record({ action: `${lower(type)}.update`, targetType: type, targetId: id, metadata: { fields: plainFields.sort() } });
    }
    if (piiFields.length && owner) {
      row = await table(tx, type).update({ where: { id }, data: { ...changedPii, piiVersion: { increment: 1 } } });
      await record({ action: `${lower(type)}.pii.update`, targetType: type, targetId: id, metadata: { fields: piiFields, direct: true } });
    } else if (piiFields.length) {
      requested = await openPiiRequest(tx, ctx, typed(type, current), 'UPDATE_PII', changedPii, record);
    }
    return typed(type, row);
  });
  if (requested) publishApproval(ctx.services, 'REQUESTED', requested);
  return { record: updated, pendingChange: requested as ApprovalRequest | null };
}

/** Removes a record for good, with the PII held in requests about it. */
async function hardDelete(tx: Tx, type: RecordType, id: string, record: RecordEvent) {
  await table(tx, type).delete({ where: { id } });
  await tx.approvalRequest.updateMany({ where: { targetType: type, targetId: id }, data: { proposedChanges: null } });
  return withdrawPending(tx, { targetType: type, targetId: id }, 'The record was deleted for good.', record);
}

export async function deleteRecord(ctx: Context, type: RecordType, id: string, mode: 'SOFT' | 'HARD') {
  assertCapability(ctx.member, 'records.delete');
  const owner = ctx.member.role === 'OWNER';
  let requested: ApprovalRequest | null = null;
  let superseded: ApprovalRequest[] = [];
  const deleted = await auditedTransaction(callerActor(ctx), async (tx, record) => {
    const current = await table(tx, type).findUnique({ where: { id } });
    if (!current || (current.status === 'DELETED' && mode === 'SOFT')) throw notFound(lower(type), id);
    if (!owner) {
      requested = await openPiiRequest(tx, ctx, typed(type, current), mode === 'HARD' ? 'HARD_DELETE' : 'SOFT_DELETE', undefined, record);
      return false;
    }
    if (mode === 'HARD') superseded = await hardDelete(tx, type, id, record);
    else await table(tx, type).update({ where: { id }, data: { status: 'DELETED', deletedAt: new Date() } });
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
  summarize: (r) => {
    const fields = (r.payload as { fields?: string[] } | undefined)?.fields ?? [];
    const what = r.piiAction === 'UPDATE_PII' ? `Change of ${fields.join(' and ')}` : r.piiAction === 'HARD_DELETE' ? 'Permanent deletion' : 'Deletion';
    return `${what} of ${r.targetType} ${r.targetId}`;
  },
  async apply(tx, request, decision) {
    const type = request.targetType as RecordType;
    const current = await table(tx, type).findUnique({ where: { id: request.targetId ?? '' } });
    if (!current) throw conflict(`The ${lower(type)} of this request no longer exists; nothing was applied.`, 'records.gone');
    const { piiVersion } = JSON.parse(request.payload) as { piiVersion: number };
    if (current.piiVersion !== piiVersion)
      throw conflict(`The ${lower(type)}'s email or phone changed since this request was made; reject it and ask for a new one.`, 'records.stale-pii');
    switch (request.piiAction) {
      case 'UPDATE_PII': {
        const proposed = JSON.parse(request.proposedChanges ?? '{}') as PiiValues;
        await table(tx, type).update({ where: { id: current.id }, data: { ...proposed, piiVersion: { increment: 1 } } });
        await decision.record({ action: `${lower(type)}.pii.update`, targetType: type, targetId: current.id, metadata: { fields: Object.keys(proposed).sort(), viaRequest: request.id } });
        return;
      }
      case 'SOFT_DELETE':
        if (current.status === 'DELETED') throw conflict(`The ${lower(type)} is already deleted.`);
        await table(tx, type).update({ where: { id: current.id }, data: { status: 'DELETED', deletedAt: new Date() } });
        await decision.record({ action: `${lower(type)}.delete`, targetType: type, targetId: current.id, metadata: { mode: 'SOFT', viaRequest: request.id } });
        return;
      case 'HARD_DELETE': {
        const withdrawn = await hardDelete(tx, type, current.id, decision.record);
        decision.afterCommit(() => {
          for (const w of withdrawn) decision.publish('CANCELLED', w);
        });
        await decision.record({ action: `${lower(type)}.delete`, targetType: type, targetId: current.id, metadata: { mode: 'HARD', viaRequest: request.id } });
        return;
      }
      default:
        throw forbidden(`Unknown PII action ${request.piiAction}.`, 'records.unknown-action');
    }
  },
};
