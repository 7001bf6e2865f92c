// Quorum approvals under concurrency, on SQLite and on PostgreSQL: several owners approving the same
// request at once are each counted once, exactly one of them completes the quorum and the effect is
// applied exactly once; approvals arriving after it get CONFLICT; one member approving several
// times at once is counted once; an approval racing a rejection leaves one outcome. The effect of the
// test kinds (test/approval-kinds.ts) is an audit event `test.applied`, counted in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { request, testApprovalKinds } from './approval-kinds.ts';
import { graphql } from './gql/index.ts';
import { RejectRequest } from './ops.ts';

const SetPolicy = graphql(`
  mutation RaceSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {
    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }
  }
`);
const Approve = graphql(`
  mutation RaceApprove($id: ID!) { approveRequest(id: $id) { id status approvalCount } }
`);

let server: TestServer;
let o: OrgFixture;
const OWNERS = 6;
const owners: string[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { approvalKinds: testApprovalKinds() });
  const extras = Object.fromEntries(Array.from({ length: OWNERS - 1 }, (_, i) => [`owner${i + 2}`, 'OWNER' as const]));
  o = await orgWithRoles(server, 'QuorumRace', extras);
  owners.push(o.owner, ...Array.from({ length: OWNERS - 1 }, (_, i) => o.emails[`owner${i + 2}`]!));
});
afterAll(() => server?.close());

const setQuorum = async (requiredApprovals: number) => {
  const r = await server.gql(SetPolicy, { kind: 'PII_CHANGE', requiredApprovals, countedRoles: ['OWNER'] }, { as: o.owner });
  expect(r.errors).toBeUndefined();
};

/** What the database holds about a request after the race. */
async function settled(globalId: string) {
  const id = rawId(globalId);
  const row = await server.db.approvalRequest.findUniqueOrThrow({ where: { id } });
  const count = (action: string) => server.db.auditEvent.count({ where: { organizationId: o.id, targetId: id, action } });
  return {
    status: row.status,
    approvalCount: row.approvalCount,
    votes: await server.db.approvalVote.count({ where: { requestId: id } }),
    applied: await count('test.applied'),
    approved: await count('approval.approve'),
    progress: await count('approval.vote'),
  };
}

/** Each answer as its status, or its error code and rule. */
const outcomes = (results: Awaited<ReturnType<typeof server.gql<unknown, unknown>>>[]) =>
  results.map((r) => (r.errors ? `${codes(r)[0]}:${r.errors[0]!.extensions?.rule}` : (r.data as { approveRequest: { status: string } }).approveRequest.status)).sort();

describe('parallel approvals by several owners', () => {
  it('counts every owner once and applies the effect once when all of them are needed', async () => {
    await setQuorum(OWNERS);
    for (let round = 0; round < 3; round++) {
      const id = await server.raise(o.admin, request('PII_CHANGE', { label: `all-${round}` }));
      const results = await Promise.all(owners.map((as) => server.gql(Approve, { id }, { as })));
      expect(outcomes(results)).toEqual(['APPROVED', ...Array(OWNERS - 1).fill('PENDING')]);
      expect(await settled(id)).toEqual({ status: 'APPROVED', approvalCount: OWNERS, votes: OWNERS, applied: 1, approved: 1, progress: OWNERS - 1 });
    }
  });

  it('lets exactly the quorum count and refuses the approvals after it', async () => {
    const required = 3;
    await setQuorum(required);
    for (let round = 0; round < 3; round++) {
      const id = await server.raise(o.admin, request('PII_CHANGE', { label: `three-${round}` }));
      const results = await Promise.all(owners.map((as) => server.gql(Approve, { id }, { as })));
      expect(outcomes(results)).toEqual([
        'APPROVED',
        ...Array(OWNERS - required).fill('CONFLICT:approvals.decided-once'),
        ...Array(required - 1).fill('PENDING'),
      ]);
      expect(await settled(id)).toEqual({ status: 'APPROVED', approvalCount: required, votes: required, applied: 1, approved: 1, progress: required - 1 });
    }
  });

  it('counts one member approving several times at once only once', async () => {
    await setQuorum(2);
    const id = await server.raise(o.admin, request('PII_CHANGE', { label: 'twice' }));
    const results = await Promise.all(Array.from({ length: 5 }, () => server.gql(Approve, { id }, { as: o.owner })));
    expect(outcomes(results)).toEqual(['CONFLICT:approvals.approve-once', 'CONFLICT:approvals.approve-once', 'CONFLICT:approvals.approve-once', 'CONFLICT:approvals.approve-once', 'PENDING']);
    expect(await settled(id)).toEqual({ status: 'PENDING', approvalCount: 1, votes: 1, applied: 0, approved: 0, progress: 1 });
  });

  it('leaves one outcome when the completing approval races a rejection', async () => {
    await setQuorum(2);
    for (let round = 0; round < 4; round++) {
      const id = await server.raise(o.admin, request('PII_CHANGE', { label: `race-${round}` }));
      expect((await server.gql(Approve, { id }, { as: owners[0]! })).data?.approveRequest?.status).toBe('PENDING');
      const [approve, reject] = await Promise.all([
        server.gql(Approve, { id }, { as: owners[1]! }),
        server.gql(RejectRequest, { id, reason: 'no' }, { as: owners[2]! }),
      ]);
      const state = await settled(id);
      if (state.status === 'APPROVED') {
        expect(approve.data?.approveRequest?.status).toBe('APPROVED');
        expect(codes(reject)).toEqual(['CONFLICT']);
        expect(state).toEqual({ status: 'APPROVED', approvalCount: 2, votes: 2, applied: 1, approved: 1, progress: 1 });
      } else {
        expect(reject.data?.rejectRequest?.status).toBe('REJECTED');
        expect(codes(approve)).toEqual(['CONFLICT']);
        expect(state).toEqual({ status: 'REJECTED', approvalCount: 1, votes: 1, applied: 0, approved: 0, progress: 1 });
      }
    }
  });
});
