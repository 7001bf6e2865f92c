// Reading customers and leads: one table access for both types, lookups and list filters.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type DataLoader from 'dataloader';
import { refusalError } from '../authz/decision.ts';
import type { Context } from '../context.ts';
import type { Customer, Lead, Tx } from '../db/client.ts';
import { notFound } from '../errors.ts';
import { rowsById } from '../loaders.ts';
import type { RecordType } from './fields.ts';
import { readDeletedDecision } from './policy.ts';

export type AnyRecord = (Customer & { type: 'Customer' }) | (Lead & { type: 'Lead' });

export const table = (db: Context['db'] | Tx, type: RecordType) => (type === 'Customer' ? db.customer : db.lead) as unknown as {
  findUnique(args: unknown): Promise<Customer | Lead | null>;
  findMany(args: unknown): Promise<(Customer | Lead)[]>;
  count(args: unknown): Promise<number>;
  create(args: unknown): Promise<Customer | Lead>;
  update(args: unknown): Promise<Customer | Lead>;
  updateMany(args: unknown): Promise<{ count: number }>;
  delete(args: unknown): Promise<Customer | Lead>;
};

export const typed = (type: RecordType, row: Customer | Lead): AnyRecord => ({ ...row, type }) as AnyRecord;

/** The record as stored, deleted or not; NOT_FOUND when there is none. */
export async function storedRecord(db: Context['db'] | Tx, type: RecordType, id: string): Promise<AnyRecord> {
  const row = await table(db, type).findUnique({ where: { id } });
  if (!row) throw notFound(type.toLowerCase(), encodeGlobalID(type, id));
  return typed(type, row);
}

/** Records by id, deleted or not: a page's approval targets of one type in one statement. */
const recordsById: Record<RecordType, (ctx: Context) => DataLoader<string, Customer | Lead | null>> = {
  Customer: rowsById((ctx) => ctx.db.customer),
  Lead: rowsById((ctx) => ctx.db.lead),
};

/** A lookup: deleted records only for those who may see them. */
export async function findRecord(ctx: Context, type: RecordType, id: string, includeDeleted = false): Promise<AnyRecord | null> {
  const row = await recordsById[type](ctx).load(id);
  if (!row) return null;
  if (row.status === 'DELETED' && !(includeDeleted && readDeletedDecision(ctx.member.role).allowed)) return null;
  return typed(type, row);
}

/** Active records by id, in one query (node lookups). */
export const findRecords = (ctx: Context, type: RecordType, ids: readonly string[]) =>
  table(ctx.db, type)
    .findMany({ where: { id: { in: ids }, status: 'ACTIVE' } })
    .then((rows) => rows.map((r) => typed(type, r)));

export function listWhere(ctx: Context, includeDeleted: boolean | null | undefined) {
  if (!includeDeleted) return { status: 'ACTIVE' };
  const decision = readDeletedDecision(ctx.member.role);
  if (!decision.allowed) throw refusalError(decision);
  return {};
}

export const listRecords = (ctx: Context, type: RecordType, where: object, take: number, after: string | null) =>
  table(ctx.db, type)
    .findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take, ...(after ? { skip: 1, cursor: { id: after } } : {}) })
    .then((rows) => rows.map((r) => typed(type, r)));

export const countRecords = (ctx: Context, type: RecordType, where: object) => table(ctx.db, type).count({ where });
