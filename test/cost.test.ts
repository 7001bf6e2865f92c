// Every answer of a query or mutation says what it cost (`extensions.cost`): `requested`, the figure
// the limit compared before it ran; `actual`, the same rules over what it returned, where that
// differs; `limit`. A cost refusal names the fields that cost most. Exact figures for known operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { CreateKpi, RecordKpiData } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
const DASHBOARD = '{ kpis(first: 10) { edges { node { key data(first: 25) { totalCount edges { cursor node { period value } } } } } } }';

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Cost');
  // Three KPIs holding 2, 1 and 0 points.
  for (const [key, points] of [['a', 2], ['b', 1], ['c', 0]] as const) {
    const created = await server.gql(CreateKpi, { input: { key, name: key.toUpperCase(), dimensionKeys: [] } }, { as: o.owner });
    // createKpi { id key name unit target access dimensions { key } }: 1 + a list of dimensions assumed 10 (10 × 1); none returned.
    expect(created.extensions).toEqual({ cost: { requested: 11, actual: 1, limit: 5000 } });
    const kpiId = created.data!.createKpi!.id;
    if (points)
      await server.gql(
        RecordKpiData,
        { kpiId, points: Array.from({ length: points }, (_, i) => ({ period: `2026-0${i + 1}-01T00:00:00Z`, value: i, dimensions: [] })) },
        { as: o.owner },
      );
  }
});
afterAll(() => server?.close());

describe('extensions.cost', () => {
  it('gives the requested cost, and the actual one where lists came back shorter than their `first`', async () => {
    const r = await server.raw({ query: DASHBOARD }, { as: o.owner });
    expect(r.errors).toBeUndefined();
    expect(r.data.kpis.edges.map((e: any) => e.node.data.edges.length)).toEqual([2, 1, 0]);
    // requested: 1 + 10 × (edge 1 + node 1 + (data 1 + 25 × (totalCount 1 + edge 1 + node 1))) = 781;
    // actual: 3 KPIs, at most 2 points each: 1 + 3 × (1 + 1 + (1 + 2 × 3)) = 28.
    expect(r.extensions).toEqual({ cost: { requested: 781, actual: 28, limit: 5000 } });
  });

  it('leaves out `actual` when every page came back full, and gives 0 for scalars alone', async () => {
    const full = await server.raw({ query: '{ kpis(first: 3) { edges { node { key } } } }' }, { as: o.owner });
    // 1 + 3 × (edge 1 + node 1), all three returned.
    expect(full.extensions).toEqual({ cost: { requested: 7, limit: 5000 } });
    const scalar = await server.raw({ query: '{ me { role } }' }, { as: o.owner });
    expect(scalar.extensions).toEqual({ cost: { requested: 1, limit: 5000 } });
  });

  it('is on mutations, on answers with errors, and on a refusal by the cost limit, with the dearest fields', async () => {
    const forbidden = await server.raw({ query: '{ kpis(first: 5) { totalCount } auditEvents(first: 2) { totalCount } }' }, { as: o.viewer });
    expect(codes(forbidden)).toContain('FORBIDDEN');
    // kpis 1 + 5 × 1; auditEvents 1 + 2 × 1; the refused field is non-null, so the whole answer was null: nothing returned costs nothing.
    expect(forbidden.data).toBeNull();
    expect(forbidden.extensions).toEqual({ cost: { requested: 9, actual: 0, limit: 5000 } });

    const query = 'query($n: Int) { kpis(first: $n) { edges { node { key data(first: $n) { totalCount edges { node { period } } } } } } me { role } }';
    const refused = await server.raw({ query, variables: { n: 100 } }, { as: o.owner });
    expect(codes(refused)).toEqual(['OPERATION_LIMIT']);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0]!.extensions).toEqual({
      code: 'OPERATION_LIMIT',
      rule: 'operation.cost',
      measured: 30_302,
      limit: 5000,
      // Each field's share: what it and its selection cost, times the pages above it; edges and node are their connection's.
      fields: [
        { path: 'kpis', cost: 30_301 },
        { path: 'kpis.edges.node.data', cost: 30_100 },
        { path: 'kpis.edges.node.data.totalCount', cost: 10_000 },
        { path: 'me', cost: 1 },
      ],
    });
    expect(refused.errors![0]!.message).toMatch(
      /^The operation's cost is 30302, over the cost limit of 5000; the dearest fields are kpis \(30301\), kpis\.edges\.node\.data \(30100\), kpis\.edges\.node\.data\.totalCount \(10000\)\./,
    );
    expect(refused.extensions).toEqual({ cost: { requested: 30_302, limit: 5000 } });
  });
});
