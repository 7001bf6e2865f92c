// Bad bytes are bad input, on SQLite and PostgreSQL alike: a NUL character in any string argument
// (a filter value, a login email, a literal or a variable, a key of a JSON input) and a date no
// database stores (a DateTime argument, or a forged cursor's) are BAD_USER_INPUT naming the
// argument, answered before any statement carries them, with nothing logged as an error.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let o: OrgFixture;
let kpiId: string;
const logged: { level: number; msg: string }[] = [];
const statements: string[] = [];

beforeAll(async () => {
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  server = await startTestServer({}, { log, onQuery: (sql, params) => void statements.push(`${sql} ${params}`) });
  o = await orgWithRoles(server, 'BadBytes');
  const dimension = await server.raw({ query: 'mutation { createDimension(key: "region", name: "Region", values: ["EU", "US"]) { key } }' }, { as: o.admin });
  expect(dimension.errors).toBeUndefined();
  const kpi = await server.raw({ query: 'mutation { createKpi(input: { key: "revenue", name: "Revenue", dimensionKeys: ["region"] }) { id } }' }, { as: o.admin });
  kpiId = kpi.data.createKpi.id;
  const recorded = await server.raw(
    {
      query: 'mutation($k: ID!) { recordKpiData(kpiId: $k, points: [{ period: "2026-01-01T00:00:00Z", value: 1, dimensions: [{ dimension: "region", value: "EU" }] }]) }',
      variables: { k: kpiId },
    },
    { as: o.admin },
  );
  expect(recorded.errors).toBeUndefined();
});
afterAll(() => server?.close());

/** Sends `query`, and checks the answer is one BAD_USER_INPUT and that no statement carried `marker` and nothing was logged as an error. */
async function refused(body: { query: string; variables?: object }, as: string | undefined, marker: string) {
  const [logsBefore, statementsBefore] = [logged.length, statements.length];
  const result = await server.raw(body, as ? { as } : {});
  // Refused before execution (no data), or by the field that reads the argument (its value null).
  expect(Object.values(result.data ?? {}).filter((v) => v !== null)).toEqual([]);
  expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(statements.slice(statementsBefore).filter((s) => s.includes(marker))).toEqual([]);
  expect(logged.slice(logsBefore).filter((l) => l.level >= 50)).toEqual([]);
  return result.errors![0]!;
}

const cursor = (text: string) => Buffer.from(text).toString('base64url');

describe('a NUL character', () => {
  it('in a login email, as a variable or a literal', async () => {
    const login = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
    const error = await refused({ query: login, variables: { email: `${o.viewer}\u0000`, password: 'whatever-it-is' } }, undefined, '\u0000');
    expect(error.message).toBe('Input holds a NUL character (\\u0000) in argument "email" (variables.email), which no argument accepts. Nothing was done.');
    expect(error.extensions).toMatchObject({ rule: 'input.nul', argument: 'email' });
    const literal = await refused({ query: 'mutation { login(email: "a\\u0000@b.test", password: "whatever-it-is") { token } }' }, undefined, '\u0000');
    expect(literal.message).toBe('Input holds a NUL character (\\u0000) in argument "email", which no argument accepts. Nothing was done.');
  });

  it('in a filter value, by variable and in a nested literal', async () => {
    const data = 'query($k: ID!, $f: KpiDataFilter) { kpi(id: $k) { data(filter: $f) { totalCount edges { node { value } } } } }';
    const byVariable = await refused({ query: data, variables: { k: kpiId, f: { dimensions: [{ dimension: 'region', values: ['EU\u0000'] }] } } }, o.owner, '\u0000');
    expect(byVariable.message).toBe('Input holds a NUL character (\\u0000) in argument "filter" (variables.f.dimensions[0].values[0]), which no argument accepts. Nothing was done.');
    const literal = `query($k: ID!) { kpi(id: $k) { data(filter: { dimensions: [{ dimension: "region", values: ["EU\\u0000"] }] }) { totalCount } } }`;
    const inLiteral = await refused({ query: literal, variables: { k: kpiId } }, o.owner, '\u0000');
    expect(inLiteral.extensions).toMatchObject({ rule: 'input.nul', argument: 'filter.dimensions.values' });
  });

  it('in a key of a JSON input, and in a list cursor', async () => {
    const save = 'mutation($input: WorkflowInput!) { createWorkflow(input: $input) { id } }';
    const json = await refused(
      { query: save, variables: { input: { name: 'w', actions: [{ kind: 'NOTIFY', config: { ['mess\u0000age']: 'hi' } }] } } },
      o.admin,
      '\u0000',
    );
    expect(json.extensions).toMatchObject({ rule: 'input.nul', argument: 'input' });
    const page = await refused({ query: 'query($a: String) { approvalRequests(after: $a) { edges { node { id } } } }', variables: { a: cursor('k:\u0000x') } }, o.owner, '\u0000');
    expect(page.extensions).toMatchObject({ argument: 'after' });
    expect(page.message).toMatch(/^`after`: ".*" is not a cursor from this list: pass an endCursor it returned\.$/);
  });
});

describe('a date no database stores', () => {
  it('in a forged KPI data cursor', async () => {
    const data = 'query($k: ID!, $a: String) { kpi(id: $k) { data(first: 5, after: $a) { edges { node { value } } } } }';
    const first = await server.raw({ query: data, variables: { k: kpiId } }, { as: o.owner });
    expect(first.data.kpi.data.edges).toEqual([{ node: { value: 1 } }]);
    for (const period of ['+300000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '0000-06-01T00:00:00.000Z']) {
      const error = await refused({ query: data, variables: { k: kpiId, a: cursor(`k:${period}|cm0000000000000000000000`) } }, o.owner, period.slice(0, 7));
      expect(error.message).toBe('`after` does not come from this list: pass an endCursor it returned.');
      expect(error.extensions).toMatchObject({ field: 'after' });
    }
  });

  it('in a DateTime argument, a literal or a variable', async () => {
    const data = 'query($k: ID!, $from: DateTime) { kpi(id: $k) { data(filter: { from: $from }) { totalCount } } }';
    const variable = await refused({ query: data, variables: { k: kpiId, from: '0000-01-01T00:00:00Z' } }, o.owner, '0000-01-01');
    expect(variable.message).toMatch(/^Variable "\$from" got invalid value "0000-01-01T00:00:00Z"; DateTime 0000-01-01T00:00:00\.000Z is outside the years 0001 to 9999/);
    const literal = await refused({ query: 'query($k: ID!) { kpi(id: $k) { data(filter: { from: "0000-01-01T00:00:00Z" }) { totalCount } } }', variables: { k: kpiId } }, o.owner, '0000-01-01');
    expect(literal.message).toMatch(/DateTime 0000-01-01T00:00:00\.000Z is outside the years 0001 to 9999/);
    // The first and last storable instants are accepted.
    for (const from of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']) {
      const ok = await server.raw({ query: data, variables: { k: kpiId, from } }, { as: o.owner });
      expect(ok.errors).toBeUndefined();
    }
  });
});
