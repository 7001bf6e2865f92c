// GraphQL over HTTP as clients send it: queries and subscriptions over GET with no CSRF header
// (urql's default, GraphiQL's SSE), mutations over GET refused with 405, and every refusal of a
// request's shape (CSRF, method, content type, body, parameters, size, origin) carrying code,
// rule, reason and nextStep like every other refusal of the API (docs/frontend.md#csrf).
import { cacheExchange, Client, fetchExchange, gql } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { CancelRequest, RequestAccess } from './ops.ts';

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1', MAX_BODY_BYTES: '20000' });
  origin = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
});
afterAll(() => server?.close());

const OWNER = 'owner@demo.test';
const get = (query: string, headers: Record<string, string> = {}, variables?: object) =>
  fetch(`${origin}/graphql?query=${encodeURIComponent(query)}${variables ? `&variables=${encodeURIComponent(JSON.stringify(variables))}` : ''}`, {
    headers: { accept: 'application/graphql-response+json, application/json', ...headers },
  });
const customers = async () => (await server.raw({ query: '{ customers(first: 100) { totalCount } }' }, { as: OWNER })).data.customers.totalCount as number;

/** The one error of a refused response, with its status and the headers a client reads. */
async function refusedWith(response: Response) {
  const body = await response.json();
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return { status: response.status, allow: response.headers.get('allow'), extensions: body.errors[0].extensions, message: body.errors[0].message };
}

describe('GET', () => {
  it('runs a query with no CSRF header, with the credentials of its headers', async () => {
    const r = await get('query Org($first: Int) { organization { name } kpis(first: 1) { nodes { key data(first: $first) { nodes { value } } } } }', { 'x-dev-user': OWNER }, { first: 3 });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    const body = await r.json();
    expect(body.errors).toBeUndefined();
    expect([body.data.organization.name, body.data.kpis.nodes[0].key, body.data.kpis.nodes[0].data.nodes.length]).toEqual(['Demo Corp', 'revenue', 3]);
  });

  it('acts as nobody without credentials: what a cross-site link or image could send', async () => {
    const r = await get('{ organization { name } }');
    const body = await r.json();
    expect(body.data).toBeNull();
    expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a mutation with 405, Allow: POST, the rule and the next step, and changes nothing', async () => {
    const before = await customers();
    const r = await refusedWith(await get('mutation { createCustomer(input: { name: "via GET" }) { id } }', { 'x-dev-user': OWNER }));
    expect(r).toEqual({
      status: 405,
      allow: 'POST',
      message:
        'A mutation cannot be sent with GET: GET runs queries and subscriptions only. Send `POST /graphql` with `Content-Type: application/json` and a body `{"query": …, "variables": {…}}`.',
      extensions: {
        code: 'BAD_USER_INPUT',
        rule: 'http.mutation-over-get',
        reason: 'A mutation cannot be sent with GET: GET runs queries and subscriptions only.',
        nextStep: 'Send `POST /graphql` with `Content-Type: application/json` and a body `{"query": …, "variables": {…}}`.',
      },
    });
    expect(await customers()).toBe(before);
  });

  it('streams a subscription over SSE with no CSRF header, as GraphiQL sends it', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${origin}/graphql?query=${encodeURIComponent('subscription { approvalEvents { type request { kind summary } } }')}`, {
      headers: { accept: 'text/event-stream', 'x-dev-user': OWNER },
      signal: controller.signal,
    });
    expect([stream.status, stream.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        text += chunk.value;
      }
    })();
    for (let attempt = 0; attempt < 40 && !text.includes('"REQUESTED"'); attempt++) {
      const asked = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'GET stream' }, { as: 'analyst@demo.test' });
      for (let i = 0; i < 10 && !text.includes('"REQUESTED"'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await server.gql(CancelRequest, { id: asked.data!.requestAccess!.id }, { as: 'analyst@demo.test' })).errors).toBeUndefined();
    }
    controller.abort();
    const first = JSON.parse(text.split('\n').find((line) => line.startsWith('data: ') && line.includes('"REQUESTED"'))!.slice('data: '.length));
    expect(first.data.approvalEvents).toMatchObject({ type: 'REQUESTED', request: { kind: 'ACCESS_SCOPE' } });
  });
});

describe('POST', () => {
  const post = (body: string, headers: Record<string, string>, method = 'POST') => fetch(`${origin}/graphql`, { method, headers, body });
  const MUTATION = JSON.stringify({ query: 'mutation { createCustomer(input: { name: "cross-site" }) { id } }' });

  it('refuses a body a browser sends cross-site without a preflight (CSRF), with its rule', async () => {
    const before = await customers();
    const expected = {
      status: 403,
      allow: null,
      message:
        'A POST a browser would send cross-site without a preflight (a form or text/plain body) is refused. Send `POST /graphql` with `Content-Type: application/json` and a body `{"query": …, "variables": {…}}`. Another content type needs the header `x-graphql-yoga-csrf: 1`.',
      extensions: {
        code: 'BAD_USER_INPUT',
        rule: 'http.csrf-simple-request',
        reason: 'A POST a browser would send cross-site without a preflight (a form or text/plain body) is refused.',
        nextStep: 'Send `POST /graphql` with `Content-Type: application/json` and a body `{"query": …, "variables": {…}}`. Another content type needs the header `x-graphql-yoga-csrf: 1`.',
      },
    };
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
      expect([type, await refusedWith(await post(MUTATION, { 'content-type': type, 'x-dev-user': OWNER }))]).toEqual([type, expected]);
    expect(await customers()).toBe(before);
    // The header makes the request one a browser preflights: a form post is then read.
    const form = await post(`query=${encodeURIComponent('{ organization { name } }')}`, { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-yoga-csrf': '1', 'x-dev-user': OWNER });
    expect(await form.json()).toEqual({ data: { organization: { name: 'Demo Corp' } }, extensions: { cost: { requested: 1, limit: 5000 } } });
  });

  it('refuses what it cannot read, each with its status, rule and next step', async () => {
    const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-dev-user': OWNER };
    const cases: [string, Promise<Response>, number, string][] = [
      ['xml', post('<query/>', { 'content-type': 'application/xml' }), 415, 'http.content-type'],
      ['PUT', post(MUTATION, json, 'PUT'), 405, 'http.method'],
      ['broken JSON', post('{"query":', json), 400, 'http.body-json'],
      ['a JSON string', post('"{ organization { name } }"', json), 400, 'http.body-json'],
      ['no query', post('{"variables":{}}', json), 400, 'http.query-missing'],
      ['a number as query', post('{"query":1}', json), 400, 'http.params'],
      ['two operations, none named', post(JSON.stringify({ query: 'query A { me { role } } query B { me { role } }' }), json), 400, 'http.operation-name'],
      ['a batch', post(JSON.stringify([{ query: '{ me { role } }' }]), json), 400, 'http.batching'],
      ['too large', post(JSON.stringify({ query: `{ me { role } } # ${'x'.repeat(20_000)}` }), json), 413, 'input.body-size'],
    ];
    for (const [name, response, status, rule] of cases) {
      const r = await refusedWith(await response);
      expect([name, r.status, r.extensions.code, r.extensions.rule]).toEqual([name, status, 'BAD_USER_INPUT', rule]);
      expect([name, typeof r.extensions.reason, typeof r.extensions.nextStep]).toEqual([name, 'string', 'string']);
      expect(r.message).toBe(`${r.extensions.reason} ${r.extensions.nextStep}`);
    }
  });

  it('refuses an origin not in CORS_ORIGINS with its reason and next step', async () => {
    const r = await refusedWith(await post(MUTATION, { 'content-type': 'application/json', origin: 'https://elsewhere.example' }));
    expect(r.status).toBe(403);
    expect(r.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'http.cors-origin',
      origin: 'https://elsewhere.example',
      reason: 'Cross-origin request from https://elsewhere.example refused: CORS_ORIGINS is empty, so no other origin is allowed.',
      nextStep: "Add the origin to CORS_ORIGINS (comma-separated, e.g. CORS_ORIGINS=https://elsewhere.example) and restart, or serve the app from this server's origin.",
    });
  });
});

describe("urql's default client", () => {
  it('reads with a query (sent as GET, within the URL limit) and writes with a mutation (POST)', async () => {
    const methods: string[] = [];
    const client = new Client({
      url: `${origin}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { 'x-dev-user': OWNER } },
      // Only watches the method; urql's defaults decide it (preferGetMethod: 'within-url-limit').
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const read = await client.query(gql`query UrqlOrganization { organization { name } }`, {}).toPromise();
    expect(read.error).toBeUndefined();
    expect(read.data).toEqual({ organization: { __typename: 'Organization', name: 'Demo Corp' } });
    const written = await client.mutation(gql`mutation UrqlCustomer($name: String!) { createCustomer(input: { name: $name }) { name } }`, { name: 'Via urql' }).toPromise();
    expect(written.error).toBeUndefined();
    expect(written.data).toEqual({ createCustomer: { __typename: 'Customer', name: 'Via urql' } });
    expect(methods).toEqual(['GET', 'POST']);
  });
});
