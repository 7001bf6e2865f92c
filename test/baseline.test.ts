// What a production server owes any caller: clear errors for bad input of every kind, limits on
// operation size, CSRF prevention, health and readiness, and staying up throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, rawId, type OrgFixture } from './fixtures.ts';
import { Members, OrganizationQ } from './ops.ts';

let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer({ MAX_PAGE_SIZE: '50', MAX_DEPTH: '6', MAX_COST: '400' });
  o = await orgWithRoles(server, 'Base');
});
afterAll(() => server?.close());

const stillUp = async () => expect(rawId((await server.gql(OrganizationQ, undefined, { as: o.viewer })).data!.organization!.id)).toBe(o.id);

describe('bad input', () => {
  it('answers a malformed document with a syntax error', async () => {
    // GraphQL over HTTP: 400 for a document that cannot be parsed, when the client accepts the
    // graphql-response media type (plain application/json clients get 200 with the errors).
    const r = await server.raw({ query: '{ organization { id ' }, { as: o.viewer, headers: { accept: 'application/graphql-response+json' } });
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/Syntax Error/);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    await stillUp();
  });

  it('answers an unknown field and a wrong variable type as BAD_USER_INPUT', async () => {
    const unknown = await server.raw({ query: '{ organization { id nope } }' }, { as: o.viewer });
    expect(unknown.errors![0]!.message).toMatch(/Cannot query field "nope"/);
    const wrongType = await server.raw({ query: 'query($n: Int) { members(first: $n) { totalCount } }', variables: { n: 'ten' } }, { as: o.viewer });
    expect(codes(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(wrongType.errors![0]!.message).toMatch(/Int cannot represent/);
    await stillUp();
  });

  it('answers a body that is not JSON', async () => {
    const r = await server.raw('{"query": ', { as: o.viewer });
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^The request body is not a JSON object\./), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', rule: 'http.body-json' }) })]);
    await stillUp();
  });

  it('enforces the maximum page size and validates cursors', async () => {
    const big = await server.gql(Members, { first: 51 }, { as: o.viewer });
    expect(codes(big)).toEqual(['OPERATION_LIMIT']);
    expect(big.errors![0]!.extensions).toMatchObject({ rule: 'operation.page-size', measured: 51, limit: 50 });
    expect(big.errors![0]!.message).toMatch(/between 0 and 50/);
    expect(codes(await server.gql(Members, { first: -1 }, { as: o.viewer }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await server.gql(Members, { after: 'bogus' }, { as: o.viewer }))).toEqual(['BAD_USER_INPUT']);
    await stillUp();
  });
});

describe('operation limits', () => {
  it('refuses an operation deeper than the limit (MAX_DEPTH=6 here)', async () => {
    expect(codes(await server.raw({ query: '{ me { memberships { organization { id } } } }' }, { as: o.viewer }))).toEqual([]);
    const r = await server.raw({ query: '{ me { memberships { organization { a { b { c { d } } } } } } }' }, { as: o.viewer });
    expect(r.errors?.map((e) => e.message).join(' ')).toMatch(/depth limit of 6/i);
    await stillUp();
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: organization { id }`).join(' ');
    const r = await server.raw({ query: `{ ${aliases} }` }, { as: o.viewer });
    expect(r.errors?.[0]?.message).toMatch(/aliases/i);
    await stillUp();
  });

  it('refuses an operation over the cost limit', async () => {
    const fields = Array.from({ length: 25 }, (_, i) => `m${i}: members(first: 50) { edges { node { user { email } organization { name } } } }`).join(' ');
    const r = await server.raw({ query: `{ ${fields} }` }, { as: o.viewer });
    expect(r.errors?.[0]?.message).toMatch(/cost/i);
    await stillUp();
  });
});

describe('transport', () => {
  it('refuses a simple (non-preflighted) cross-site request: CSRF prevention', async () => {
    const r = await server.raw('query=%7B__typename%7D', { as: o.viewer, contentType: 'application/x-www-form-urlencoded' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.data ?? null).toBeNull();
  });

  it('serves /health and /ready', async () => {
    const port = await server.app.start(0, '127.0.0.1');
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    // With Redis (the service suite), cross-instance delivery goes through it; without, in process.
    expect(await ready.json()).toEqual({ status: 'ready', liveEvents: process.env.TEST_REDIS_URL ? 'redis' : 'in-process' });
    const graphql = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-user': o.viewer, 'x-request-id': 'req-over-http-01' },
      body: JSON.stringify({ query: '{ organization { name } }' }),
    });
    expect(graphql.headers.get('x-request-id')).toBe('req-over-http-01');
    expect((await graphql.json()).data.organization.name).toBe('Base');
  });
});
