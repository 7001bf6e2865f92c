// Operation limits that fit real use: every operation the README and docs pages, the demo stories
// and the console send passes at its dearest (each `first` at the maximum page size); abusive ones (deep, wide,
// aliased, huge pages, token and directive floods, fragment bombs) are refused before anything
// runs, over HTTP, SSE and graphql-ws alike, with OPERATION_LIMIT, the rule, the measure and the limit.
import { specifiedRules, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { costRefusal, shapeRule, type OperationLimits } from '../src/limits/plugin.ts';
import { measureCost } from '../src/limits/measure.ts';
import { schema } from '../src/schema.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { subscribe } from './live.ts';
import { consoleOperations, dearestVariables, demoOperations, graphiqlOperations, documentedOperations } from './operation-catalogue.ts';

// The limits a server started with no limit variables has.
const defaults = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'file:/tmp/unused.db' });
const limits: OperationLimits = {
  maxTokens: defaults.MAX_TOKENS,
  maxDepth: defaults.MAX_DEPTH,
  maxAliases: defaults.MAX_ALIASES,
  maxDirectives: defaults.MAX_DIRECTIVES,
  maxCost: defaults.MAX_COST,
  maxPageSize: defaults.MAX_PAGE_SIZE,
};

describe('the operations people are told to send', () => {
  const catalogue = [...documentedOperations(), ...demoOperations(), ...graphiqlOperations(), ...consoleOperations()];

  it('has what the README and docs pages, the demo stories and the console send', () => {
    expect(defaults).toMatchObject({ MAX_TOKENS: 2000, MAX_DEPTH: 12, MAX_ALIASES: 30, MAX_DIRECTIVES: 20, MAX_COST: 5000, MAX_PAGE_SIZE: 100 });
    const sources = catalogue.map((c) => c.source);
    expect(sources.filter((s) => s.startsWith('README.md')).length).toBeGreaterThanOrEqual(6);
    // The 20 operations the README held before its sections moved to docs/, and the pages they moved to.
    expect(sources.filter((s) => s.startsWith('README.md') || s.startsWith('docs/')).length).toBeGreaterThanOrEqual(20);
    expect([...new Set(sources.filter((s) => s.startsWith('docs/')).map((s) => s.split(':')[0]))]).toEqual(
      expect.arrayContaining(['docs/approvals.md', 'docs/audit.md', 'docs/authorization.md', 'docs/frontend.md']),
    );
    expect(sources.filter((s) => s.startsWith('demo:')).length).toBe(10);
    expect(sources).toEqual(expect.arrayContaining(['GraphiQL: Login', 'GraphiQL: MyKpis', 'GraphiQL: AnalystRequestEmea', 'GraphiQL: AnalystSignIn', 'GraphiQL: Owner2Me', 'console: ConsoleRequests', 'console: ConsoleMyAccess', 'console: ConsoleKpiRows', 'console: ConsoleApprovalEvents']));
  });

  it.each(catalogue.map((c) => [c.source, c] as const))('passes every limit at its dearest: %s', (_source, { document }) => {
    expect(validate(schema, document, [...specifiedRules, shapeRule(limits)]).map((e) => e.message)).toEqual([]);
    const variables = dearestVariables(schema, document, limits.maxPageSize);
    const measured = measureCost(schema, document, variables);
    expect(measured).toHaveProperty('cost');
    expect((measured as { cost: number }).cost).toBeLessThanOrEqual(limits.maxCost);
    expect(costRefusal(limits, schema, document, variables)).toBeNull();
  });
});

describe('over the API', () => {
  let server: TestServer;
  let small: TestServer;
  let port: number;
  const OWNER = 'owner@demo.test';
  beforeAll(async () => {
    server = await startTestServer({ SEED_DEMO: '1' });
    port = await server.app.start(0, '127.0.0.1');
    // The same database with a depth limit of 6, as an operator may set it.
    small = await startTestServer({ MAX_DEPTH: '6' }, { database: { url: server.config.DATABASE_URL, drop: async () => {} } });
  });
  afterAll(async () => {
    await small?.close();
    await server?.close();
  });

  const DASHBOARD = 'kpis(first: 10) { edges { node { key data(first: 25) { totalCount edges { cursor node { period value } } } } } }';

  /** The one error of a refused operation, checked for what every refusal carries. */
  const refusal = (r: { data?: unknown; errors?: { message: string; extensions?: Record<string, any> }[] }) => {
    expect(r.errors).toHaveLength(1);
    const [error] = r.errors!;
    expect(error!.message).not.toMatch(/Syntax Error/);
    expect(error!.message).toMatch(/Nothing was run\.$/);
    expect(r.data ?? null).toBeNull();
    return error!.extensions!;
  };

  it("answers the issue's dashboard query, with literal or variable page sizes", async () => {
    const literal = await server.raw({ query: `{ ${DASHBOARD} }` }, { as: OWNER });
    expect(literal.errors).toBeUndefined();
    const kpis = literal.data.kpis.edges.map((e: any) => e.node);
    expect(kpis.length).toBeGreaterThan(0);
    for (const kpi of kpis) expect(kpi.data.edges.length).toBe(Math.min(25, kpi.data.totalCount));
    const variables = await server.raw(
      { query: `query($k: Int, $d: Int) { kpis(first: $k) { edges { node { key data(first: $d) { totalCount edges { cursor node { period value } } } } } } }`, variables: { k: 10, d: 25 } },
      { as: OWNER },
    );
    expect(variables.data).toEqual(literal.data);
  });

  it('refuses a page over MAX_PAGE_SIZE, literal, variable or variable default, before anything runs', async () => {
    const cases = [
      { query: '{ kpis(first: 1000) { totalCount } }', first: 1000, field: 'Query.kpis' },
      { query: 'query($n: Int) { kpis(first: 5) { edges { node { data(first: $n) { totalCount } } } } }', variables: { n: 101 }, first: 101, field: 'Kpi.data' },
      { query: 'query($n: Int = 5000) { approvalRequests(first: $n) { totalCount } }', first: 5000, field: 'Query.approvalRequests' },
    ];
    for (const { query, variables, first, field } of cases) {
      const r = await server.raw({ query, variables }, { as: OWNER });
      expect(codes(r)).toEqual(['OPERATION_LIMIT']);
      expect(refusal(r)).toEqual({ code: 'OPERATION_LIMIT', rule: 'operation.page-size', measured: first, limit: 100, field });
      expect(r.errors![0]!.message).toMatch(/between 0 and 100/);
    }
  });

  it('measures the same operation again for other variables (measurements are kept per variables, never per document)', async () => {
    const query = 'query($n: Int) { kpis(first: 5) { edges { node { data(first: $n) { totalCount } } } } }';
    for (const [n, refused] of [[10, false], [101, true], [10, false], [100, false], [5000, true], [101, true]] as const) {
      const r = await server.raw({ query, variables: { n } }, { as: OWNER });
      if (refused) expect(refusal(r)).toMatchObject({ rule: 'operation.page-size', measured: n });
      else expect(r.errors).toBeUndefined();
    }
  });

  it('counts pages as they will run: nested pages multiply, an omitted `first` is the default 20, a variable its value', async () => {
    // Each 100 × 100: 1 + 100 × (edge 1 + node 1 + (1 + 100 × (edge 1 + node 1 + totalCount 1)))
    const nested = await server.raw(
      { query: 'query($n: Int) { kpis(first: $n) { edges { node { data(first: $n) { totalCount edges { node { period } } } } } } }', variables: { n: 100 } },
      { as: OWNER },
    );
    expect(refusal(nested)).toEqual({
      code: 'OPERATION_LIMIT',
      rule: 'operation.cost',
      measured: 30_301,
      limit: 5000,
      fields: [
        { path: 'kpis', cost: 30_301 },
        { path: 'kpis.edges.node.data', cost: 30_100 },
        { path: 'kpis.edges.node.data.totalCount', cost: 10_000 },
      ],
    });
    expect(nested.errors![0]!.message).toMatch(/^The operation's cost is 30301, over the cost limit of 5000; the dearest fields are kpis \(30301\), kpis\.edges\.node\.data \(30100\), kpis\.edges\.node\.data\.totalCount \(10000\)\./);

    // No `first` anywhere is not free: two point lists under each of 20 KPIs, 20 points each.
    const points = 'edges { node { dimensions { value } } }';
    const omitted = `{ kpis { edges { node { a: data { ${points} } b: data { ${points} } } } } }`;
    expect(refusal(await server.raw({ query: omitted }, { as: OWNER }))).toMatchObject({ rule: 'operation.cost', measured: 9681 });
    const small = omitted.replace('kpis {', 'kpis(first: 5) {').replaceAll('data {', 'data(first: 5) {');
    expect((await server.raw({ query: small }, { as: OWNER })).errors).toBeUndefined();
  });

  it('refuses too many aliases, and runs nothing of a refused mutation', async () => {
    const before = await server.db.organization.count();
    const aliases = Array.from({ length: 31 }, (_, i) => `o${i}: createOrganization(name: "Alias ${i}") { id }`).join(' ');
    const r = await server.raw({ query: `mutation { ${aliases} }` }, { as: OWNER });
    expect(refusal(r)).toEqual({ code: 'OPERATION_LIMIT', rule: 'operation.aliases', measured: 31, limit: 30 });
    expect(await server.db.organization.count()).toBe(before);

    // Aliases hidden in a fragment count each time it is spread.
    const spread = `query { ...A ...B } fragment A on Query { ${Array.from({ length: 16 }, (_, i) => `a${i}: organization { id }`).join(' ')} } fragment B on Query { ...A }`;
    expect(refusal(await server.raw({ query: spread }, { as: OWNER }))).toMatchObject({ rule: 'operation.aliases', measured: 32 });
  });

  it('refuses a page-size or cost overrun in a mutation before the mutation runs', async () => {
    const before = await server.db.kpi.count();
    const r = await server.raw({ query: 'mutation { createKpi(input: { key: "refused", name: "Refused", dimensionKeys: [] }) { data(first: 500) { totalCount } } }' }, { as: OWNER });
    expect(refusal(r)).toMatchObject({ rule: 'operation.page-size', measured: 500 });
    expect(await server.db.kpi.count()).toBe(before);
  });

  it('refuses an operation deeper than MAX_DEPTH', async () => {
    // The dashboard query is 7 fields deep: fine by default (12), refused where an operator set 6.
    const r = await small.raw({ query: `{ ${DASHBOARD} }` }, { as: OWNER });
    expect(refusal(r)).toEqual({ code: 'OPERATION_LIMIT', rule: 'operation.depth', measured: 7, limit: 6 });
    expect(r.errors![0]!.message).toMatch(/depth limit of 6/);
    const six = await small.raw({ query: '{ kpis(first: 1) { edges { node { data(first: 1) { edges { node { period } } } } } } }'.replace('edges { node { period } }', 'totalCount') }, { as: OWNER });
    expect(six.errors).toBeUndefined();
  });

  it('refuses token floods, directive floods and fragment bombs', async () => {
    const tokens = await server.raw({ query: `{ ${'__typename '.repeat(2100)}}` }, { as: OWNER });
    expect(refusal(tokens)).toEqual({ code: 'OPERATION_LIMIT', rule: 'operation.tokens', measured: 2001, limit: 2000 });

    const directives = await server.raw({ query: `{ __typename ${'@skip(if: false) '.repeat(21)}}` }, { as: OWNER });
    expect(directives.errors!.map((e) => e.extensions?.rule)).toContain('operation.directives');
    expect(directives.errors!.find((e) => e.extensions?.rule === 'operation.directives')!.extensions).toEqual({
      code: 'OPERATION_LIMIT',
      rule: 'operation.directives',
      measured: 21,
      limit: 20,
    });

    const levels = Array.from({ length: 18 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const bomb = await server.raw({ query: `{ ...F0 } ${levels} fragment F18 on Query { organization { id } }` }, { as: OWNER });
    expect(refusal(bomb)).toEqual({ code: 'OPERATION_LIMIT', rule: 'operation.cost', measured: 10_001, limit: 10_000 });
  });

  it('applies the same limits over SSE and graphql-ws', async () => {
    const sse = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-dev-user': OWNER },
      body: JSON.stringify({ query: 'query($n: Int) { kpis(first: $n) { totalCount } }', variables: { n: 1000 } }),
    });
    const text = await sse.text();
    const event = JSON.parse(/data: (.*)/.exec(text)![1]!);
    expect(event.errors[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', rule: 'operation.page-size', measured: 1000 });

    const url = `ws://127.0.0.1:${port}/graphql`;
    const overCost = subscribe(url, { devUser: OWNER }, 'query($n: Int) { kpis(first: $n) { edges { node { data(first: $n) { edges { node { period } } } } } } }', { n: 100 });
    await overCost.ended();
    expect(overCost.errors[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', rule: 'operation.cost', measured: 20_301 });
    expect(overCost.events).toEqual([]);
    await overCost.close();

    const aliases = Array.from({ length: 31 }, (_, i) => `t${i}: type`).join(' ');
    const subscription = subscribe(url, { devUser: OWNER }, `subscription { approvalEvents { ${aliases} } }`);
    await subscription.ended();
    expect(subscription.errors[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', rule: 'operation.aliases', measured: 31 });
    await subscription.close();
  });
});
