// The measures on a small schema of their own: what each construct costs, and that fragments,
// variables and abstract types count as they run.
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countDirectives, measureCost, measureShape, SERIES_COST } from './measure.ts';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Point { period: String value: Float tags: [Tag!] }
  type Tag { name: String }
  type PointEdge { cursor: String! node: Point }
  type PageInfo { hasNextPage: Boolean! }
  type PointConnection { edges: [PointEdge] pageInfo: PageInfo! totalCount: Int! }
  type Kpi implements Node { id: ID! key: String data(first: Int, after: String): PointConnection }
  type KpiEdge { node: Kpi }
  type KpiConnection { edges: [KpiEdge] totalCount: Int! }
  type Customer implements Node { id: ID! name: String }
  type Query { kpis(first: Int): KpiConnection node(id: ID!): Node tags: [Tag!] name: String }
`);

const cost = (source: string, variables: Record<string, unknown> = {}, operationName?: string) => measureCost(schema, parse(source), variables, operationName);
const shape = (source: string) => {
  const document = parse(source);
  return measureShape(document, document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode);
};

describe('cost', () => {
  it('counts objects: one per object field, a page of rows per paginated field, nothing for scalars', () => {
    // data: 1 + 25 × (edge 1 + node 1 + totalCount 1) = 76; kpi node 1 + 76; edge 1 + 77; kpis 1 + 10 × 78.
    expect(cost('{ kpis(first: 10) { edges { node { key data(first: 25) { totalCount edges { cursor node { period value } } } } } } }')).toEqual({
      cost: 781,
      pages: [
        { field: 'Kpi.data', first: 25 },
        { field: 'Query.kpis', first: 10 },
      ],
    });
    expect(cost('{ name }')).toEqual({ cost: 0, pages: [] });
  });

  it('counts a missing `first` as the default page of 20 and a variable `first` as its value', () => {
    expect(cost('{ kpis { totalCount } }')).toEqual({ cost: 21, pages: [{ field: 'Query.kpis', first: 20 }] });
    expect(cost('query($n: Int) { kpis(first: $n) { totalCount } }', { n: 100 })).toEqual({ cost: 101, pages: [{ field: 'Query.kpis', first: 100 }] });
    expect(cost('query($n: Int = 70) { kpis(first: $n) { totalCount } }')).toEqual({ cost: 71, pages: [{ field: 'Query.kpis', first: 70 }] });
    expect(cost('query($n: Int) { kpis(first: $n) { totalCount } }', {})).toEqual({ cost: 21, pages: [{ field: 'Query.kpis', first: 20 }] });
  });

  it('counts a list of objects without `first` as 10 elements, and `edges` once per row of its connection', () => {
    expect(cost('{ tags { name } }')).toEqual({ cost: 10, pages: [] });
    expect(cost('{ kpis(first: 2) { edges { node { data(first: 3) { edges { node { tags { name } } } } } } } }')).toMatchObject({
      // points: 3 × (edge 1 + node 1 + tags 10) = 36, + 1; per kpi: edge 1 + node 1 + 37; kpis: 1 + 2 × 39.
      cost: 79,
    });
  });

  it('counts fragments where they are spread, skipped fields not at all, and the dearest type of an abstract field', () => {
    const viaFragment = cost('query { kpis(first: 5) { ...K ...K } } fragment K on KpiConnection { edges { node { id } } }');
    expect(viaFragment).toEqual({ cost: 21, pages: [{ field: 'Query.kpis', first: 5 }] });
    expect(cost('query($no: Boolean!) { kpis(first: 50) @skip(if: $no) { totalCount } name }', { no: true })).toEqual({ cost: 0, pages: [] });
    expect(cost('{ node(id: "1") { ... on Kpi { data(first: 7) { totalCount } } ... on Customer { name } } }')).toEqual({
      cost: 1 + 1 + 7,
      pages: [{ field: 'Kpi.data', first: 7 }],
    });
  });

  it('measures the operation that runs, and leaves unknown operations and bad variables to execution', () => {
    const two = 'query A { kpis(first: 3) { totalCount } } query B { tags { name } }';
    expect(cost(two, {}, 'A')).toMatchObject({ cost: 4 });
    expect(cost(two, {}, 'B')).toMatchObject({ cost: 10 });
    expect(cost(two)).toEqual({ unmeasured: 'operation' });
    expect(cost('query($n: Int) { kpis(first: $n) { totalCount } }', { n: 'ten' })).toEqual({ unmeasured: 'variables' });
  });

  it('refuses to expand a fragment bomb instead of measuring it', () => {
    const levels = Array.from({ length: 16 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(cost(`{ ...F0 } ${levels} fragment F16 on Query { name }`)).toEqual({ tooLarge: true });
  });

  it('costs introspection nothing', () => {
    expect(cost('{ __schema { types { fields { name type { ofType { name } } } } } }')).toEqual({ cost: 0, pages: [] });
  });
});

describe('shape', () => {
  it('measures depth in fields, fragments flattened, introspection not counted', () => {
    expect(shape('{ kpis { edges { node { data { edges { node { period } } } } } } }')).toEqual({ depth: 7, aliases: 0 });
    expect(shape('query { kpis { ...C } } fragment C on KpiConnection { edges { ... on KpiEdge { node { id } } } }')).toEqual({ depth: 4, aliases: 0 });
    expect(shape('{ name __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual({ depth: 1, aliases: 0 });
  });

  it('counts aliases as often as their fragment is spread, in linear time for a spread chain', () => {
    expect(shape('{ a: name b: name kpis { ...A ...A } } fragment A on KpiConnection { c: totalCount }')).toEqual({ depth: 2, aliases: 4 });
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(shape(`{ ...F0 } ${levels} fragment F40 on Query { x: name }`).aliases).toBe(2 ** 40);
  });

  it('survives a spread cycle (validation refuses it)', () => {
    expect(shape('{ ...A } fragment A on Query { ...B name } fragment B on Query { ...A }')).toEqual({ depth: 1, aliases: 0 });
  });

  it('counts directives in the whole document', () => {
    expect(countDirectives(parse('query($a: Boolean!) { name @include(if: $a) @skip(if: false) kpis { ...K @include(if: $a) } } fragment K on KpiConnection { totalCount @skip(if: $a) }'))).toBe(4);
  });
});

describe('the cost of a KPI series', () => {
  const charts = buildSchema(`
    type Point { count: Int }
    type Group { key: [String!]! points: [Point!]! }
    type Series { groups: [Group!]! }
    type Kpi { series(bucket: String): Series }
    type KpiEdge { node: Kpi }
    type KpiConnection { edges: [KpiEdge] }
    type Query { kpi(id: ID!): Kpi kpis(first: Int): KpiConnection }
  `);
  const costOf = (source: string) => measureCost(charts, parse(source), {});

  it('counts SERIES_COST per series whatever it selects: five charts pass the default 5,000, a series per KPI of a page does not', () => {
    const chart = (i: number) => `c${i}: kpi(id: "k") { series(bucket: "MONTH") { groups { key points { count } } } }`;
    // Each chart: kpi 1 + series 400.
    expect(costOf(`{ ${[1, 2, 3, 4, 5].map(chart).join(' ')} }`)).toEqual({ cost: 5 * (1 + SERIES_COST), pages: [] });
    expect(costOf('{ kpis(first: 20) { edges { node { series { groups { key } } } } } }')).toMatchObject({ cost: 1 + 20 * (1 + 1 + SERIES_COST) });
  });
});
