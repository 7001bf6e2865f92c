// One pending access request per member and subject, under concurrency: parallel identical
// requestAccess calls open exactly one request (checked under the organization's lock), on SQLite
// and on PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { CreateDimension, RequestAccess } from './ops.ts';

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Racers');
  expect((await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, { as: o.admin })).errors).toBeUndefined();
});
afterAll(() => server?.close());

describe('requestAccess under concurrency', () => {
  it('opens one request among 8 parallel identical ones; the others get CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Q3 review' }, { as: o.viewer })),
    );
    const opened = results.filter((r) => !r.errors);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.data?.requestAccess).toMatchObject({ kind: 'ACCESS_SCOPE', status: 'PENDING', scopeValue: 'EMEA', dimension: { key: 'region' } });
    const refused = results.filter((r) => r.errors);
    expect(refused.map(codes)).toEqual(Array.from({ length: 7 }, () => ['CONFLICT']));
    expect(refused.map((r) => r.errors![0]!.extensions!.rule)).toEqual(Array.from({ length: 7 }, () => 'scopes.duplicate-request'));

    const pending = await server.db.approvalRequest.findMany({ where: { organizationId: o.id, kind: 'ACCESS_SCOPE', status: 'PENDING' } });
    expect(pending.map((p) => ({ dimensionKey: p.dimensionKey, scopeValue: p.scopeValue }))).toEqual([{ dimensionKey: 'region', scopeValue: 'EMEA' }]);
    expect(await server.db.auditEvent.count({ where: { organizationId: o.id, action: 'approval.request' } })).toBe(1);
  });

  it('still lets two members, or one member for two values, ask in parallel', async () => {
    const results = await Promise.all([
      server.gql(RequestAccess, { dimension: 'region', value: 'US', justification: 'mine' }, { as: o.viewer }),
      server.gql(RequestAccess, { dimension: 'region', value: 'US', justification: 'mine too' }, { as: o.editor }),
      server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'and EMEA' }, { as: o.editor }),
    ]);
    expect(results.map(codes)).toEqual([[], [], []]);
    expect(await server.db.approvalRequest.count({ where: { organizationId: o.id, kind: 'ACCESS_SCOPE', status: 'PENDING' } })).toBe(4);
  });
});
