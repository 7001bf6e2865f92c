// The measures on a small schema of their own: what each construct costs, and that fragments,
// variables and abstract types count as they run.
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost, costliestFields, costVariables, countDirectives, measureCost, measureShape, SERIES_COST } from './measure.ts';

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
  input PointIn { period: String! value: Float! }
  type Mutation { record(points: [PointIn!]!, note: String): Int }
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

  it('measures a bulk input without coercing it: list variables count as empty, whatever they hold', () => {
    const source = 'mutation($points: [PointIn!]!, $n: Int, $note: String) { record(points: $points, note: $note) kpis: __typename }';
    const points = Array.from({ length: 10_000 }, (_, i) => ({ period: `2026-01-${(i % 28) + 1}`, value: i }));
    const operation = parse(source).definitions[0] as OperationDefinitionNode;
    expect(costVariables(operation, { points, n: 3, note: 'x' })).toEqual({ points: [], n: 3, note: 'x' });
    // A list of the wrong shape is left to execution's coercion, which refuses it before any resolver runs.
    expect(costVariables(operation, { points: 'not a list' })).toEqual({ points: 'not a list' });
    expect(cost(source, { points, note: 'x' })).toEqual({ cost: 0, pages: [] });
    expect(cost('query($n: Int) { kpis(first: $n) { totalCount } }', { n: 4 })).toEqual({ cost: 1 + 4, pages: [{ field: 'Query.kpis', first: 4 }] });
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

describe('what an answer cost, and which fields cost most', () => {
  const dashboard = '{ kpis(first: 10) { edges { node { key data(first: 25) { totalCount edges { cursor node { period value } } } } } } }';
  const actual = (source: string, data: unknown, variables: Record<string, unknown> = {}) => actualCost(schema, parse(source), variables, undefined, data as Record<string, unknown>);
  const kpi = (points: number) => ({ key: 'k', data: { totalCount: points, edges: Array.from({ length: points }, () => ({ cursor: 'c', node: { period: 'p', value: 1 } })) } });

  it('counts each page at the most rows it returned, each list at its length, and nothing for what returned null', () => {
    // Full pages: the requested cost.
    expect(actual(dashboard, { kpis: { edges: Array.from({ length: 10 }, () => ({ node: kpi(25) })) } })).toBe(781);
    // Two KPIs of 3 and 1 points: 1 + 2 × (1 + 1 + (1 + 3 × 3)).
    expect(actual(dashboard, { kpis: { edges: [{ node: kpi(3) }, { node: kpi(1) }] } })).toBe(25);
    expect(actual(dashboard, { kpis: { edges: [] } })).toBe(1);
    expect(actual(dashboard, { kpis: null })).toBe(0);
    expect(actual('{ tags { name } }', { tags: [{ name: 'a' }, { name: 'b' }] })).toBe(2);
    // A page read for its count only: one row.
    expect(actual('{ kpis(first: 50) { totalCount } }', { kpis: { totalCount: 7 } })).toBe(2);
    // Through fragments and aliases.
    expect(actual('{ x: kpis(first: 5) { ...E } } fragment E on KpiConnection { edges { node { id } } }', { x: { edges: [{ node: { id: '1' } }] } })).toBe(3);
  });

  it('gives each answer of one parsed document its own figure, whatever order its fields were met in', () => {
    const document = parse(dashboard);
    const of = (data: unknown) => actualCost(schema, document, {}, undefined, data as Record<string, unknown>);
    const full = { kpis: { edges: Array.from({ length: 10 }, () => ({ node: kpi(25) })) } };
    const small = { kpis: { edges: [{ node: kpi(3) }, { node: kpi(1) }] } };
    // The first KPI returned null `data`: its fields are met after the second KPI's.
    const late = { kpis: { edges: [{ node: { key: 'k', data: null } }, { node: kpi(2) }] } };
    expect([of(full), of(small), of(late), of(full), of(small), of(late)]).toEqual([781, 25, 1 + 2 * (1 + 1 + (1 + 2 * 3)), 781, 25, 19]);
  });

  it('names the dearest fields by response path with their share of the cost, not the edges and node of a connection', () => {
    expect(costliestFields(schema, parse(dashboard), {}, undefined)).toEqual([
      { path: 'kpis', cost: 781 },
      { path: 'kpis.edges.node.data', cost: 760 },
      { path: 'kpis.edges.node.data.totalCount', cost: 250 },
    ]);
    expect(costliestFields(schema, parse('query($n: Int) { a: tags { name } kpis(first: $n) { ...K } } fragment K on KpiConnection { totalCount }'), { n: 3 }, undefined, 2)).toEqual([
      { path: 'a', cost: 10 },
      { path: 'kpis', cost: 4 },
    ]);
  });
});
