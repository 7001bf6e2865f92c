// The PII story through the public API: masking by role in every place, an admin's change waiting
// for an owner, proposed values for the owner and the requester only, stale requests conflicting,
// deletions, input limits checked before anything is written, and no phone number or proposed
// value in any audit event or approval event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { APPROVAL_EVENT, subscribe, warmUp, type Subscriber } from './live.ts';
import {
  ApprovalRequestQ, ApprovalRequests, ApproveRequest, AuditEvents, CreateCustomer, CreateLead, CustomerQ, Customers, DeleteCustomer, Leads,
  RejectRequest, UpdateCustomer, UpdateLead,
} from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let url: string;
const open: Subscriber[] = [];
const EMAIL = 'jane.doe@example.com';
const PHONE = '+1 (555) 010-4242';

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Crm', { admin2: 'ADMIN', owner2: 'OWNER' });
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const newCustomer = async (as = o.editor) => {
  const r = await server.gql(CreateCustomer, { input: { name: 'Jane Doe', company: 'Acme', email: EMAIL, phone: PHONE } }, { as });
  expect(r.errors).toBeUndefined();
  return r.data!.createCustomer!.id;
};

describe('masking', () => {
  it('shows VIEWER and EDITOR masked values, ADMIN and OWNER the real ones, in lists and lookups', async () => {
    const id = await newCustomer();
    for (const as of [o.viewer, o.editor]) {
      const one = (await server.gql(CustomerQ, { id }, { as })).data!.customer!;
      expect(one).toMatchObject({ email: 'j***@example.com', phone: '***42' });
      const listed = (await server.gql(Customers, {}, { as })).data!.customers!.edges!.find((e) => e!.node!.id === id)!.node!;
      expect(listed).toMatchObject({ email: 'j***@example.com', phone: '***42' });
    }
    for (const as of [o.admin, o.owner]) expect((await server.gql(CustomerQ, { id }, { as })).data!.customer).toMatchObject({ email: EMAIL, phone: PHONE });
    // The creating editor's own mutation result is masked too.
    const created = await server.gql(CreateCustomer, { input: { name: 'Max', email: 'max@example.org', phone: '0123 456 789' } }, { as: o.editor });
    expect(created.data?.createCustomer).toMatchObject({ email: 'm***@example.org', phone: '***89' });
  });

  it('masks leads the same way', async () => {
    const lead = (await server.gql(CreateLead, { input: { name: 'Lee', source: 'fair', email: 'lee@lead.test', phone: '555 7777' } }, { as: o.editor })).data!.createLead!;
    expect(lead).toMatchObject({ email: 'l***@lead.test', phone: '***77' });
    const asAdmin = (await server.gql(Leads, {}, { as: o.admin })).data!.leads!.edges!.map((e) => e!.node!);
    expect(asAdmin.find((l) => l.id === lead.id)).toMatchObject({ email: 'lee@lead.test', phone: '555 7777' });
  });
});

describe('changes', () => {
  it("puts an admin's email change in the owner's inbox and stream; the record keeps its values until approved", async () => {
    const id = await newCustomer();
    const ownerStream = subscribe(url, { devUser: o.owner }, `subscription { approvalEvents(kinds: [PII_CHANGE]) { ${APPROVAL_EVENT} } }`);
    open.push(ownerStream);
    const warm = await newCustomer();
    let n = 0;
    await warmUp([ownerStream], async () => (await server.gql(UpdateCustomer, { id: warm, input: { email: `warm${n++}@example.com` } }, { as: o.admin })).data!.updateCustomer!.pendingChange!.id);

    const r = await server.gql(UpdateCustomer, { id, input: { email: 'jane@new.example.com', company: 'Acme Europe' } }, { as: o.admin });
    expect(r.errors).toBeUndefined();
    // Non-PII applies at once; the email does not.
    expect(r.data!.updateCustomer!.customer).toMatchObject({ company: 'Acme Europe', email: EMAIL });
    const pending = r.data!.updateCustomer!.pendingChange!;
    expect(pending).toMatchObject({ kind: 'PII_CHANGE', status: 'PENDING', piiAction: 'UPDATE_PII', targetType: 'Customer', proposedChanges: { email: 'jane@new.example.com' } });
    expect(pending.summary).not.toContain('jane');

    const event = await ownerStream.waitFor((e) => e.request.id === pending.id);
    expect(JSON.stringify(event)).not.toContain('jane@new');
    expect((await server.gql(ApprovalRequests, { kind: 'PII_CHANGE' }, { as: o.owner })).data!.approvalRequests!.edges!.map((e) => e!.node!.id)).toContain(pending.id);

    // Another admin sees neither the request nor the proposed values.
    const hidden = await server.gql(ApprovalRequestQ, { id: pending.id }, { as: o.emails.admin2! });
    expect([hidden.errors, hidden.data]).toEqual([undefined, { approvalRequest: null }]);
    expect((await server.gql(CustomerQ, { id }, { as: o.emails.admin2! })).data!.customer!.pendingChanges).toEqual([]);
    // The owner sees them, and so does the requester.
    expect((await server.gql(ApprovalRequestQ, { id: pending.id }, { as: o.owner })).data!.approvalRequest!.proposedChanges).toEqual({ email: 'jane@new.example.com' });
    expect((await server.gql(CustomerQ, { id }, { as: o.admin })).data!.customer!.pendingChanges![0]!.proposedChanges).toEqual({ email: 'jane@new.example.com' });

    // Admins cannot approve PII changes; the owner can, and the change shows.
    expect(codes(await server.gql(ApproveRequest, { id: pending.id }, { as: o.emails.admin2! }))).toEqual(['FORBIDDEN']);
    expect((await server.gql(ApproveRequest, { id: pending.id }, { as: o.owner })).data?.approveRequest?.status).toBe('APPROVED');
    expect((await server.gql(CustomerQ, { id }, { as: o.admin })).data!.customer!.email).toBe('jane@new.example.com');
    expect((await server.gql(CustomerQ, { id }, { as: o.viewer })).data!.customer!.email).toBe('j***@new.example.com');
  });

  it('conflicts when the PII changed since the request', async () => {
    const id = await newCustomer();
    const stale = (await server.gql(UpdateCustomer, { id, input: { phone: '+1 555 000 1111' } }, { as: o.editor })).data!.updateCustomer!.pendingChange!;
    // The owner changes the phone directly meanwhile.
    const direct = await server.gql(UpdateCustomer, { id, input: { phone: '+1 555 000 2222' } }, { as: o.owner });
    expect(direct.data!.updateCustomer!.pendingChange).toBeNull();
    expect(direct.data!.updateCustomer!.customer!.phone).toBe('+1 555 000 2222');
    const r = await server.gql(ApproveRequest, { id: stale.id }, { as: o.owner });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect((await server.gql(ApprovalRequestQ, { id: stale.id }, { as: o.owner })).data!.approvalRequest!.status).toBe('PENDING');
    expect((await server.gql(RejectRequest, { id: stale.id, reason: 'outdated' }, { as: o.owner })).errors).toBeUndefined();
  });

  it("applies an admin's hard delete on approval: gone for everyone, its PII too", async () => {
    const stream = subscribe(url, { devUser: o.emails.owner2! }, `subscription { approvalEvents(kinds: [PII_CHANGE]) { ${APPROVAL_EVENT} } }`);
    open.push(stream);
    const warm = await newCustomer();
    let n = 0;
    await warmUp([stream], async () => (await server.gql(UpdateCustomer, { id: warm, input: { email: `w${n++}@example.com` } }, { as: o.admin })).data!.updateCustomer!.pendingChange!.id);
    const id = await newCustomer();
    const change = (await server.gql(UpdateCustomer, { id, input: { email: 'other@x.example' } }, { as: o.editor })).data!.updateCustomer!.pendingChange!;
    const del = await server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as: o.admin });
    expect(del.data?.deleteCustomer).toMatchObject({ deleted: false, pendingChange: { piiAction: 'HARD_DELETE', status: 'PENDING' } });
    expect((await server.gql(CustomerQ, { id }, { as: o.admin })).data!.customer).not.toBeNull();
    expect((await server.gql(ApproveRequest, { id: del.data!.deleteCustomer!.pendingChange!.id }, { as: o.owner })).errors).toBeUndefined();
    for (const as of [o.owner, o.admin, o.viewer]) expect((await server.gql(CustomerQ, { id }, { as })).data!.customer).toBeNull();
    expect((await server.gql(Customers, { includeDeleted: true }, { as: o.owner })).data!.customers!.edges!.map((e) => e!.node!.id)).not.toContain(id);
    expect(await server.db.customer.findUnique({ where: { id: rawId(id) } })).toBeNull();
    // The other pending change about it is withdrawn, its proposed values erased.
    const withdrawn = (await server.gql(ApprovalRequestQ, { id: change.id }, { as: o.owner })).data!.approvalRequest!;
    expect(withdrawn).toMatchObject({ status: 'CANCELLED', proposedChanges: null });
    // …and its withdrawal is published after the commit, like any other closing.
    await stream.waitFor((e) => e.type === 'CANCELLED' && e.request.id === change.id);
  });

  it('soft-deletes: hidden, but listed with includeDeleted for ADMIN and OWNER only', async () => {
    const id = await newCustomer();
    expect((await server.gql(DeleteCustomer, { id, mode: 'SOFT' }, { as: o.owner })).data?.deleteCustomer?.deleted).toBe(true);
    expect((await server.gql(Customers, {}, { as: o.owner })).data!.customers!.edges!.map((e) => e!.node!.id)).not.toContain(id);
    const withDeleted = (await server.gql(Customers, { includeDeleted: true }, { as: o.admin })).data!.customers!.edges!.map((e) => e!.node!);
    expect(withDeleted.find((c) => c.id === id)?.status).toBe('DELETED');
    expect(codes(await server.gql(Customers, { includeDeleted: true }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    expect((await server.gql(CustomerQ, { id }, { as: o.editor })).data!.customer).toBeNull();
  });

  it('refuses deletion by EDITOR and VIEWER, and any write by VIEWER', async () => {
    const id = await newCustomer();
    expect(codes(await server.gql(DeleteCustomer, { id, mode: 'SOFT' }, { as: o.editor }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(UpdateCustomer, { id, input: { company: 'x' } }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(CreateCustomer, { input: { name: 'x' } }, { as: o.viewer }))).toEqual(['FORBIDDEN']);
    expect(codes(await server.gql(UpdateCustomer, { id, input: { email: 'not-an-email' } }, { as: o.owner }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(UpdateLead, { id: Buffer.from('Lead:nope').toString('base64'), input: { source: 'x' } }, { as: o.owner }))).toEqual(['NOT_FOUND']);
  });

  it('refuses oversized values before writing anything', async () => {
    const id = await newCustomer();
    const written = async () => [await server.db.customer.count({ where: { organizationId: o.id } }), await server.db.auditEvent.count({ where: { organizationId: o.id } })];
    const before = await written();
    const tooLong = (field: string, max: number) => ({ code: 'BAD_USER_INPUT', field, maxLength: max });
    const refusal = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions);
    expect(refusal(await server.gql(CreateCustomer, { input: { name: 'n'.repeat(201) } }, { as: o.editor }))).toEqual([tooLong('name', 200)]);
    expect(refusal(await server.gql(CreateLead, { input: { name: 'Lee', source: 's'.repeat(201) } }, { as: o.editor }))).toEqual([tooLong('source', 200)]);
    expect(refusal(await server.gql(CreateCustomer, { input: { name: 'N', notes: 'x'.repeat(5001) } }, { as: o.editor }))).toEqual([tooLong('notes', 5000)]);
    // A well-formed address of 255 characters: longer than any mailbox can be.
    const email = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;
    expect(refusal(await server.gql(CreateCustomer, { input: { name: 'N', email } }, { as: o.editor }))).toEqual([tooLong('email', 254)]);
    expect(refusal(await server.gql(UpdateCustomer, { id, input: { company: 'c'.repeat(201), email: 'fine@example.com' } }, { as: o.admin }))).toEqual([tooLong('company', 200)]);
    expect(refusal(await server.gql(UpdateCustomer, { id, input: { phone: '1'.repeat(31) } }, { as: o.owner }))).toEqual([tooLong('phone', 30)]);
    expect(await written()).toEqual(before);
    expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data!.customer).toMatchObject({ company: 'Acme', email: EMAIL, phone: PHONE, pendingChanges: [] });
    // At the limit, accepted.
    const atLimit = await server.gql(CreateCustomer, { input: { name: 'n'.repeat(200), email: email.slice(1) } }, { as: o.owner });
    expect(atLimit.data?.createCustomer).toMatchObject({ name: 'n'.repeat(200), email: email.slice(1) });
  });

  it('keeps every phone number and proposed value out of the audit log', async () => {
    // Every event of the organization, straight from the table, and the API's view of them.
    const rows = await server.db.auditEvent.findMany({ where: { organizationId: o.id } });
    expect(rows.length).toBeGreaterThan(20);
    const log = await server.gql(AuditEvents, { action: 'customer.', first: 100 }, { as: o.owner });
    const text = JSON.stringify(rows) + JSON.stringify(log.data);
    for (const secret of [PHONE, '555 000 1111', '555 000 2222', 'jane@new.example.com', 'other@x.example', '0123 456 789', '555 7777']) expect(text).not.toContain(secret);
    expect(log.data!.auditEvents!.edges!.some((e) => e!.node!.action === 'customer.pii.update')).toBe(true);
  });
});
