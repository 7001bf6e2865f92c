// PII change requests through the public API: a non-owner's answer does not tell whether their
// proposed value equals the stored one (no oracle for guessed addresses), approving an unchanged
// value is harmless, and a requester cannot open the same request twice while it is pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { ApproveRequest, AuditEvents, CancelRequest, CreateCustomer, CustomerQ, DeleteCustomer, UpdateCustomer } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
const EMAIL = 'jane.doe@example.com';
const PHONE = '+1 (555) 010-4242';

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Oracle');
});
afterAll(async () => {
  await server?.close();
});

const newCustomer = async () => {
  const r = await server.gql(CreateCustomer, { input: { name: 'Jane Doe', email: EMAIL, phone: PHONE } }, { as: o.owner });
  expect(r.errors).toBeUndefined();
  return r.data!.createCustomer!.id;
};

const pendingOf = (customerId: string) =>
  server.db.approvalRequest.findMany({ where: { organizationId: o.id, targetId: rawId(customerId), status: 'PENDING' }, select: { piiAction: true, requestedById: true } });

describe('no oracle for stored PII', () => {
  it("answers an EDITOR's proposal of the stored email (in another case) exactly as one of a different email", async () => {
    const id = await newCustomer();
    const guessed = await server.gql(UpdateCustomer, { id, input: { email: 'Jane.DOE@Example.com' } }, { as: o.editor });
    const other = await server.gql(UpdateCustomer, { id, input: { email: 'john.roe@example.com' } }, { as: o.editor });
    const answer = (proposed: string) => ({
      updateCustomer: {
        customer: { id, name: 'Jane Doe', company: null, email: 'j***@example.com', phone: '***42' },
        pendingChange: {
          id: expect.any(String),
          kind: 'PII_CHANGE',
          status: 'PENDING',
          summary: 'Change of email of customer "Jane Doe"',
          piiAction: 'UPDATE_PII',
          targetType: 'Customer',
          // The requester's own proposal, as they typed it (emails are stored lowercase).
          proposedChanges: { email: proposed },
        },
      },
    });
    // updateCustomer 1 + customer 1 + pendingChange 1.
    const cost = { cost: { requested: 3, limit: 5000 } };
    expect(guessed).toEqual({ status: 200, data: answer('jane.doe@example.com'), extensions: cost });
    expect(other).toEqual({ status: 200, data: answer('john.roe@example.com'), extensions: cost });
    // Neither changed the record.
    expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data!.customer).toMatchObject({ email: EMAIL, phone: PHONE });

    // Approving the unchanged value is harmless, and follows as any approved change does: the
    // record's PII moves on, so the older request about it is stale.
    const [same, different] = [guessed.data!.updateCustomer!.pendingChange!.id, other.data!.updateCustomer!.pendingChange!.id];
    expect((await server.gql(ApproveRequest, { id: same }, { as: o.owner })).data?.approveRequest?.status).toBe('APPROVED');
    expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data!.customer).toMatchObject({ email: EMAIL, phone: PHONE });
    expect((await server.gql(ApproveRequest, { id: different }, { as: o.owner })).errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', rule: 'records.stale-pii' }) }),
    ]);

    // The audit trail names fields, never values.
    const log = (await server.gql(AuditEvents, { targetId: id, first: 50 }, { as: o.owner })).data!.auditEvents!.edges!.map((e) => e!.node!);
    expect(log.filter((e) => e.action === 'customer.pii.update').map((e) => e.metadata)).toEqual([{ fields: ['email'], viaRequest: same }]);
    expect(JSON.stringify(log)).not.toMatch(/john\.roe|jane\.doe/i);
  });

  it("answers an ADMIN's unchanged phone with a request too, beside the plain fields it applies", async () => {
    const id = await newCustomer();
    const r = await server.gql(UpdateCustomer, { id, input: { phone: PHONE, company: 'Acme' } }, { as: o.admin });
    expect(r.data!.updateCustomer).toMatchObject({
      customer: { company: 'Acme', phone: PHONE },
      pendingChange: { piiAction: 'UPDATE_PII', summary: 'Change of phone of customer "Jane Doe"', proposedChanges: { phone: PHONE } },
    });
  });

  it("applies an OWNER's unchanged value as no change: no request, no PII write", async () => {
    const id = await newCustomer();
    const r = await server.gql(UpdateCustomer, { id, input: { email: EMAIL.toUpperCase() } }, { as: o.owner });
    expect(r.data!.updateCustomer).toEqual({ customer: { id, name: 'Jane Doe', company: null, email: EMAIL, phone: PHONE }, pendingChange: null });
    const log = (await server.gql(AuditEvents, { targetId: id, first: 50 }, { as: o.owner })).data!.auditEvents!.edges!.map((e) => e!.node!.action);
    expect(log).toEqual(['customer.create']);
  });
});

describe('one pending request per subject', () => {
  it('refuses a second identical PII change by the same requester while the first is pending, applying nothing', async () => {
    const id = await newCustomer();
    const first = await server.gql(UpdateCustomer, { id, input: { email: 'new@example.com' } }, { as: o.editor });
    expect(first.errors).toBeUndefined();
    const again = await server.gql(UpdateCustomer, { id, input: { email: 'NEW@example.com', company: 'Not applied' } }, { as: o.editor });
    expect(again.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', rule: 'records.duplicate-request' }) }),
    ]);
    expect((await server.gql(CustomerQ, { id }, { as: o.owner })).data!.customer!.company).toBeNull();

    // A different proposal, or the same one by someone else, is another request.
    expect((await server.gql(UpdateCustomer, { id, input: { email: 'new@example.com', phone: '555 1234' } }, { as: o.editor })).errors).toBeUndefined();
    expect((await server.gql(UpdateCustomer, { id, input: { email: 'new@example.com' } }, { as: o.admin })).errors).toBeUndefined();
    expect(await pendingOf(id)).toHaveLength(3);

    // Once the first is withdrawn, it may be asked for again.
    expect((await server.gql(CancelRequest, { id: first.data!.updateCustomer!.pendingChange!.id }, { as: o.editor })).data?.cancelRequest?.status).toBe('CANCELLED');
    expect((await server.gql(UpdateCustomer, { id, input: { email: 'new@example.com' } }, { as: o.editor })).data!.updateCustomer!.pendingChange).toMatchObject({ status: 'PENDING' });
  });

  it('refuses a second identical deletion request, but not a deletion of another kind', async () => {
    const id = await newCustomer();
    expect((await server.gql(DeleteCustomer, { id, mode: 'SOFT' }, { as: o.admin })).data!.deleteCustomer).toMatchObject({ deleted: false, pendingChange: { piiAction: 'SOFT_DELETE' } });
    expect(codes(await server.gql(DeleteCustomer, { id, mode: 'SOFT' }, { as: o.admin }))).toEqual(['CONFLICT']);
    expect((await server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as: o.admin })).data!.deleteCustomer).toMatchObject({ pendingChange: { piiAction: 'HARD_DELETE' } });
    expect((await pendingOf(id)).map((r) => r.piiAction).sort()).toEqual(['HARD_DELETE', 'SOFT_DELETE']);
  });
});
