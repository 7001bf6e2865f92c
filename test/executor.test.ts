// The compiled executor (src/executor.ts, graphql-jit) answers as graphql-js does: the same data,
// the same errors at the same paths, the same refusals. Each operation is sent twice: as written
// (compiled), and with an empty object literal added to an argument that ignores it, which keeps it
// on graphql-js. Also the page fields made for it: `nodes` on connections, `dimensionValues`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, restrictedAnalyst, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { CreateDimension, CreateKpi, RecordKpiData } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let kpi: string;

beforeAll(async () => {
  server = await startTestServer();
  o = await orgWithRoles(server, 'Compiled executor', { analyst: 'VIEWER' });
  const as = { as: o.admin };
  await server.gql(CreateDimension, { key: 'region', name: 'Region', values: ['US', 'EMEA'] }, as);
  await server.gql(CreateDimension, { key: 'product', name: 'Product', values: ['p1', 'p2'] }, as);
  kpi = (await server.gql(CreateKpi, { input: { key: 'revenue', name: 'Revenue', dimensionKeys: ['region', 'product'] } }, as)).data!.createKpi!.id;
  const points = ['US', 'EMEA'].flatMap((region, r) =>
    ['p1', 'p2'].flatMap((product, p) =>
      Array.from({ length: 3 }, (_, m) => ({
        period: new Date(Date.UTC(2026, m, 1)).toISOString(),
        value: 100 * r + 10 * p + m,
        dimensions: [
          { dimension: 'product', value: product },
          { dimension: 'region', value: region },
        ],
      })),
    ),
  );
  expect((await server.gql(RecordKpiData, { kpiId: kpi, points }, as)).data?.recordKpiData).toBe(12);
  await restrictedAnalyst(server, o, o.admin, kpi, o.emails.analyst!, [['region', 'US'], ['product', 'p2']]);
});
afterAll(() => server?.close());

const call = (as: string, query: string, variables: object = {}) => server.raw({ query, variables }, { as });

describe('the compiled executor', () => {
  // `data(filter: {})`, `members(first: …)` etc.: the `{}` variant is the same question on graphql-js.
  const pairs: [string, string, string][] = [
    [
      'a restricted page with totals, cursors and page info',
      'query($id: ID!) { kpi(id: $id) { key access data(first: 4) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { period value dimensions { dimension value } } } } summary { count sum min max } } }',
      'query($id: ID!) { kpi(id: $id) { key access data(first: 4, filter: {}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { period value dimensions { dimension value } } } } summary(filter: {}) { count sum min max } } }',
    ],
    [
      'a refusal in the middle of a query (members is ADMIN/OWNER only, `me` is not)',
      'query($id: ID!) { me { email } members(first: 5) { totalCount } kpi(id: $id) { key summary { count } } }',
      'query($id: ID!) { me { email } members(first: 5) { totalCount } kpi(id: $id) { key summary(filter: {}) { count } } }',
    ],
    ['a bad argument', 'query($id: ID!) { kpi(id: $id) { data(first: 100000) { totalCount } } }', 'query($id: ID!) { kpi(id: $id) { data(first: 100000, filter: {}) { totalCount } } }'],
  ];

  for (const [what, compiled, interpreted] of pairs)
    it(`answers ${what} as graphql-js does, for every role`, async () => {
      for (const who of [o.emails.analyst!, o.viewer, o.editor, o.admin, o.owner]) {
        const [a, b] = [await call(who, compiled, { id: kpi }), await call(who, interpreted, { id: kpi })];
        expect(a.status).toBe(b.status);
        expect(a.data).toEqual(b.data);
        // Something to compare: data, or refusals (a refused non-null field nulls `data` whole).
        expect(a.data != null || (a.errors?.length ?? 0) > 0).toBe(true);
        expect((a.errors ?? []).map((e) => [e.extensions?.code, e.path])).toEqual((b.errors ?? []).map((e) => [e.extensions?.code, e.path]));
      }
    });

  it('gives the analyst only their scope on the compiled path (US × p2, 3 rows) and the owner all 12 rows', async () => {
    const page = 'query($id: ID!) { kpi(id: $id) { data(first: 50) { totalCount nodes { dimensionValues } } } }';
    const analyst = await call(o.emails.analyst!, page, { id: kpi });
    expect(analyst.data?.kpi?.data.totalCount).toBe(3);
    expect(analyst.data?.kpi?.data.nodes.map((n: { dimensionValues: string[] }) => n.dimensionValues.join('/'))).toEqual(['US/p2', 'US/p2', 'US/p2']);
    const owner = await call(o.owner, page, { id: kpi });
    expect(owner.data?.kpi?.data.totalCount).toBe(12);
    expect(owner.data?.kpi?.data.nodes).toHaveLength(12);
  });

  it('keeps a variable inside a JSON literal on graphql-js, so it arrives', async () => {
    const r = await call(o.editor, 'mutation($m: String!) { createWorkflow(input: { name: "Literal", actions: [{ kind: NOTIFY, config: { message: $m } }] }) { id actions { config } } }', { m: 'from a variable' });
    expect(r.errors).toBeUndefined();
    expect(r.data?.createWorkflow?.actions?.[0]?.config).toEqual({ message: 'from a variable' });
  });
});

describe('page fields for tables', () => {
  it('`nodes` holds the nodes of `edges` in the same order, and `dimensionValues` the values in the order of Kpi.dimensions', async () => {
    const r = await call(
      o.owner,
      'query($id: ID!) { kpi(id: $id) { dimensions { key } data(first: 12) { nodes { period value dimensionValues } edges { node { period value dimensions { dimension value } } } } } }',
      { id: kpi },
    );
    expect(r.errors).toBeUndefined();
    const { dimensions, data } = r.data!.kpi;
    expect(dimensions.map((d: { key: string }) => d.key)).toEqual(['region', 'product']);
    // Recorded with the dimensions named product first: values follow the KPI's order, not the input's.
    const fromEdges = data.edges.map((e: any) => ({ period: e.node.period, value: e.node.value, dimensionValues: ['region', 'product'].map((k) => e.node.dimensions.find((d: any) => d.dimension === k).value) }));
    expect(data.nodes).toEqual(fromEdges);
    expect(data.nodes[0]).toEqual({ period: '2026-03-01T00:00:00.000Z', value: expect.any(Number), dimensionValues: [expect.stringMatching(/^(US|EMEA)$/), expect.stringMatching(/^p[12]$/)] });
  });

  it('`nodes` goes through the same field-level rules as `edges`: a VIEWER gets null and FORBIDDEN for workflow actions either way', async () => {
    const created = await call(o.editor, 'mutation($input: WorkflowInput!) { createWorkflow(input: $input) { id } }', { input: { name: 'Viewer check', actions: [{ kind: 'NOTIFY', config: { message: 'm' } }] } });
    expect(created.errors).toBeUndefined();
    const viaNodes = await call(o.viewer, '{ workflows(first: 5) { nodes { name actions { kind } } } }');
    const viaEdges = await call(o.viewer, '{ workflows(first: 5) { edges { node { name actions { kind } } } } }');
    expect(viaNodes.data?.workflows.nodes.length).toBeGreaterThan(0);
    expect(viaNodes.data?.workflows.nodes.map((n: { actions: unknown }) => n.actions)).toEqual(viaEdges.data?.workflows.edges.map((e: { node: { actions: unknown } }) => e.node.actions));
    expect(viaNodes.data?.workflows.nodes.every((n: { actions: unknown }) => n.actions === null)).toBe(true);
    expect((viaNodes.errors ?? []).map((e) => [e.extensions?.code, e.path?.slice(-1)[0]])).toEqual((viaEdges.errors ?? []).map((e) => [e.extensions?.code, e.path?.slice(-1)[0]]));
    expect(viaNodes.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The editor who made it reads its actions through `nodes` as through `edges`.
    const own = await call(o.editor, '{ workflows(first: 5) { nodes { name actions { kind } } } }');
    expect(own.data?.workflows.nodes.find((n: { name: string }) => n.name === 'Viewer check')?.actions).toEqual([{ kind: 'NOTIFY' }]);
  });

  it('answers DateTime as the ISO string it always was', async () => {
    const r = await call(o.owner, 'query($id: ID!) { kpi(id: $id) { data(first: 1) { nodes { period } } } }', { id: kpi });
    expect(r.data?.kpi?.data.nodes).toEqual([{ period: '2026-03-01T00:00:00.000Z' }]);
  });
});
