// GraphQL types, queries and mutations of customers and leads. `email` and `phone` resolve
// through `shownPii`: in full for those the policy lets see PII, masked for everyone else,
// wherever they appear.
import { callerVisibleWhere } from '../approvals/core.ts';
import { ApprovalRequestRef, ApprovalTargetRef, approvalTargetType } from '../approvals/schema.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { distinct, requestLoader } from '../loaders.ts';
import { connectionOf, pageArgs, paginate } from '../pagination.ts';
import * as data from './data.ts';
import { masked, type PiiField, type RecordType } from './fields.ts';
import { seesPii } from './policy.ts';
import * as records from './service.ts';

const StatusEnum = builder.enumType('RecordStatus', { values: ['ACTIVE', 'DELETED'] as const });
const DeleteModeEnum = builder.enumType('DeleteMode', { values: ['SOFT', 'HARD'] as const });
const piiDescription = 'PII: in full for OWNER and ADMIN, masked for everyone else.';

const shownPii = (field: PiiField) => (r: data.AnyRecord, _a: unknown, ctx: Context) => (seesPii(ctx.member.role) ? r[field] : masked(field, r[field]));

/** The pending PII changes of records that the caller made or may decide: a page's records in one statement. */
const pendingChanges = requestLoader(
  async (ctx: Context, records: readonly data.AnyRecord[]) => {
    const visible = await callerVisibleWhere(ctx);
    const rows = await ctx.db.approvalRequest.findMany({
      where: { AND: [visible, { kind: 'PII_CHANGE', status: 'PENDING', targetType: { in: distinct(records.map((r) => r.type)) }, targetId: { in: distinct(records.map((r) => r.id)) } }] },
      orderBy: { createdAt: 'asc' },
    });
    return records.map((r) => rows.filter((row) => row.targetType === r.type && row.targetId === r.id));
  },
  { cache: false },
);

function recordType<T extends data.AnyRecord>(type: RecordType, extra: (t: any) => Record<string, any>) {
  const ref = builder.node(builder.objectRef<T>(type), {
    id: { resolve: (r) => r.id },
    interfaces: [ApprovalTargetRef] as never, // T is generic here: TypeScript cannot check it against the interface's shape
    authScopes: { can: 'records.read' },
    loadMany: async (ids, ctx) => (await data.findRecords(ctx, type, ids)) as T[],
    fields: (t) => ({
      name: t.string({ resolve: (r) => r.name }),
      ...extra(t),
      email: t.string({ nullable: true, description: piiDescription, resolve: shownPii('email') }),
      phone: t.string({ nullable: true, description: piiDescription, resolve: shownPii('phone') }),
      status: t.field({ type: StatusEnum, resolve: (r) => r.status as 'ACTIVE' | 'DELETED' }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
      pendingChanges: t.field({
        type: [ApprovalRequestRef],
        description: 'Pending PII changes and deletions of this record that the caller made or may decide.',
        resolve: (r, _a, ctx) => pendingChanges(ctx).load(r),
      }),
    }),
  });
  // The target of its PII_CHANGE requests: a deleted one only for those who may see deleted records.
  approvalTargetType(ref, (ctx, id) => data.findRecord(ctx, type, id, true) as Promise<T | null>);
  return ref;
}

const CustomerRef = recordType<data.AnyRecord & { type: 'Customer' }>('Customer', (t) => ({
  company: t.exposeString('company', { nullable: true }),
  notes: t.exposeString('notes', { nullable: true }),
}));
const LeadRef = recordType<data.AnyRecord & { type: 'Lead' }>('Lead', (t) => ({ source: t.exposeString('source', { nullable: true }) }));
const CustomerConnection = connectionOf(CustomerRef, 'Customer');
const LeadConnection = connectionOf(LeadRef, 'Lead');

const CustomerInput = builder.inputType('CustomerInput', {
  fields: (t) => ({ name: t.string(), company: t.string(), notes: t.string(), email: t.string(), phone: t.string() }),
});
const LeadInput = builder.inputType('LeadInput', {
  fields: (t) => ({ name: t.string(), source: t.string(), email: t.string(), phone: t.string() }),
});

const UpdateCustomerPayload = builder.objectRef<{ record: data.AnyRecord; pendingChange: unknown }>('UpdateCustomerPayload').implement({
  fields: (t) => ({
    customer: t.field({ type: CustomerRef, description: 'The record as it stands after the call: PII changes that need approval are not in it yet.', resolve: (p) => p.record as never }),
    pendingChange: t.field({ type: ApprovalRequestRef, nullable: true, description: "Set when some of the change waits for an owner's approval.", resolve: (p) => p.pendingChange as never }),
  }),
});
const UpdateLeadPayload = builder.objectRef<{ record: data.AnyRecord; pendingChange: unknown }>('UpdateLeadPayload').implement({
  fields: (t) => ({
    lead: t.field({ type: LeadRef, resolve: (p) => p.record as never }),
    pendingChange: t.field({ type: ApprovalRequestRef, nullable: true, resolve: (p) => p.pendingChange as never }),
  }),
});
const DeletePayload = builder.objectRef<{ deleted: boolean; pendingChange: unknown }>('DeletePayload').implement({
  fields: (t) => ({
    deleted: t.exposeBoolean('deleted', { description: 'True when the record was deleted by this call.' }),
    pendingChange: t.field({ type: ApprovalRequestRef, nullable: true, description: "Set when the deletion waits for an owner's approval.", resolve: (p) => p.pendingChange as never }),
  }),
});

const list = (type: RecordType) => (_r: unknown, args: { first?: number | null; after?: string | null; includeDeleted?: boolean | null }, ctx: Context) => {
  const where = data.listWhere(ctx, args.includeDeleted);
  return paginate(
    ctx,
    args,
    (r: data.AnyRecord) => r.id,
    (take, after) => data.listRecords(ctx, type, where, take, after),
    () => data.countRecords(ctx, type, where),
  );
};
const lookup = (type: RecordType) => async (_r: unknown, args: { id: { id: string } }, ctx: Context) => data.findRecord(ctx, type, args.id.id, true);

builder.queryFields((t) => ({
  customers: t.field({
    type: CustomerConnection,
    authScopes: { can: 'records.read' },
    args: { ...pageArgs, includeDeleted: t.arg.boolean({ description: 'ADMIN and OWNER only.' }) },
    resolve: list('Customer') as never,
  }),
  customer: t.field({ type: CustomerRef, nullable: true, authScopes: { can: 'records.read' }, args: { id: t.arg.globalID({ required: true, for: CustomerRef }) }, resolve: lookup('Customer') as never }),
  leads: t.field({
    type: LeadConnection,
    authScopes: { can: 'records.read' },
    args: { ...pageArgs, includeDeleted: t.arg.boolean({ description: 'ADMIN and OWNER only.' }) },
    resolve: list('Lead') as never,
  }),
  lead: t.field({ type: LeadRef, nullable: true, authScopes: { can: 'records.read' }, args: { id: t.arg.globalID({ required: true, for: LeadRef }) }, resolve: lookup('Lead') as never }),
}));

builder.mutationFields((t) => ({
  createCustomer: t.field({ type: CustomerRef, authScopes: { can: 'records.write' }, args: { input: t.arg({ type: CustomerInput, required: true }) }, resolve: (_r, a, ctx) => records.createRecord(ctx, 'Customer', a.input) as never }),
  updateCustomer: t.field({
    type: UpdateCustomerPayload,
    authScopes: { can: 'records.write' },
    args: { id: t.arg.globalID({ required: true, for: CustomerRef }), input: t.arg({ type: CustomerInput, required: true }) },
    resolve: (_r, a, ctx) => records.updateRecord(ctx, 'Customer', a.id.id, a.input),
  }),
  deleteCustomer: t.field({
    type: DeletePayload,
    authScopes: { can: 'records.delete' },
    args: { id: t.arg.globalID({ required: true, for: CustomerRef }), mode: t.arg({ type: DeleteModeEnum, required: true }) },
    resolve: (_r, a, ctx) => records.deleteRecord(ctx, 'Customer', a.id.id, a.mode),
  }),
  createLead: t.field({ type: LeadRef, authScopes: { can: 'records.write' }, args: { input: t.arg({ type: LeadInput, required: true }) }, resolve: (_r, a, ctx) => records.createRecord(ctx, 'Lead', a.input) as never }),
  updateLead: t.field({
    type: UpdateLeadPayload,
    authScopes: { can: 'records.write' },
    args: { id: t.arg.globalID({ required: true, for: LeadRef }), input: t.arg({ type: LeadInput, required: true }) },
    resolve: (_r, a, ctx) => records.updateRecord(ctx, 'Lead', a.id.id, a.input),
  }),
  deleteLead: t.field({
    type: DeletePayload,
    authScopes: { can: 'records.delete' },
    args: { id: t.arg.globalID({ required: true, for: LeadRef }), mode: t.arg({ type: DeleteModeEnum, required: true }) },
    resolve: (_r, a, ctx) => records.deleteRecord(ctx, 'Lead', a.id.id, a.mode),
  }),
}));

