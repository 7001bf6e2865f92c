// One pending PII request per subject under concurrency: identical requests sent in parallel open
// exactly one request; the others get CONFLICT. Runs on SQLite and on PostgreSQL, where only the
// organization lock keeps two transactions from both finding no pending request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { CreateCustomer, DeleteCustomer, UpdateCustomer } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
const PARALLEL = 8;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Race');
});
afterAll(async () => {
  await server?.close();
});

const newCustomer = async () => (await server.gql(CreateCustomer, { input: { name: 'Jane', email: 'jane@example.com' } }, { as: o.owner })).data!.createCustomer!.id;

const pendingOf = (customerId: string) =>
  server.db.approvalRequest.findMany({ where: { organizationId: o.id, targetId: rawId(customerId), status: 'PENDING' }, select: { id: true, piiAction: true, proposedChanges: true } });

/** Error codes of each answer, sorted, with '' for a success. */
const outcomes = (results: { errors?: unknown[] }[]) => results.map((r) => codes(r as never).join(',')).sort();

describe('parallel identical PII requests', () => {
  it('opens one email change request out of identical parallel ones', async () => {
    const id = await newCustomer();
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => server.gql(UpdateCustomer, { id, input: { email: 'new@example.com' } }, { as: o.editor })),
    );
    expect(outcomes(results)).toEqual(['', ...Array(PARALLEL - 1).fill('CONFLICT')]);
    const winner = results.find((r) => !r.errors)!.data!.updateCustomer!.pendingChange!;
    expect(await pendingOf(id)).toEqual([{ id: rawId(winner.id), piiAction: 'UPDATE_PII', proposedChanges: '{"email":"new@example.com"}' }]);
  });

  it('opens one deletion request out of identical parallel ones', async () => {
    const id = await newCustomer();
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => server.gql(DeleteCustomer, { id, mode: 'HARD' }, { as: o.admin })));
    expect(outcomes(results)).toEqual(['', ...Array(PARALLEL - 1).fill('CONFLICT')]);
    expect(await pendingOf(id)).toEqual([{ id: expect.any(String), piiAction: 'HARD_DELETE', proposedChanges: null }]);
  });
});
