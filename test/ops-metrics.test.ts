// /metrics as an operator scrapes it: refused without METRICS_TOKEN, and after traffic the series
// an operator watches, with their exact values: operations by name and outcome, latencies, errors
// by code, open graphql-ws sockets and subscriptions by transport, pending approvals by kind,
// decisions, event delivery. Or on a listener of its own (METRICS_PORT), or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, until, userIdOf, type OrgFixture } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { subscribe, type Subscriber } from './live.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
/**
 * For servers that stop right after starting: without Redis, whose clients a quit during their
 * connection handshake leaves with a rejected ready check (src/pubsub.ts closes them as they are).
 */
const WITHOUT_REDIS = { REDIS_URL: undefined } as unknown as Record<string, string>;

/** A scrape as one series per line, `name{labels}` → value. */
async function scrape(url: string, token = TOKEN): Promise<Map<string, number>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

async function post(port: number, query: string, as?: string, variables: object = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { 'x-dev-user': as } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

describe('metrics behind METRICS_TOKEN', () => {
  let server: TestServer;
  let port: number;
  let o: OrgFixture;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: TOKEN });
    port = await server.app.start(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/metrics`;
    o = await orgWithRoles(server, 'Metrics');
  });
  afterAll(() => server?.close());

  it('refuses a scrape without the token, or with another one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-metrics-token-at-all' }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const response = await fetch(url, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.json()).toEqual({ error: 'Metrics need Authorization: Bearer <METRICS_TOKEN>.' });
    }
  });

  it('counts operations by name and outcome, their latencies, and errors by phase and code', async () => {
    const me = 'query OpsMe { me { user { email } } }';
    expect((await post(port, me, o.owner)).data.me.user.email).toBe(o.owner);
    expect((await post(port, me)).errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const invite = await post(port, 'mutation OpsInvite($email: String!) { inviteMember(email: $email, role: VIEWER) { email } }', o.viewer, { email: 'someone@metrics.test' });
    expect(invite.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await post(port, '{ me { ')).errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect((await post(port, 'query OpsUnknownField { noSuchField }', o.owner)).errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);

    const m = await scrape(url);
    const operations = (name: string, type: string, outcome: string) => m.get(`graphql_operations_total{operation_name="${name}",operation_type="${type}",outcome="${outcome}"}`);
    expect([operations('OpsMe', 'query', 'ok'), operations('OpsMe', 'query', 'error')]).toEqual([1, undefined]);
    expect(operations('OpsInvite', 'mutation', 'error')).toBe(1);
    expect(operations('OpsUnknownField', 'query', 'invalid')).toBe(1);
    expect(operations('(anonymous)', 'unknown', 'invalid')).toBe(1);
    // The unauthenticated OpsMe is counted as anonymous, not under its name.
    expect(operations('(anonymous)', 'query', 'error')).toBe(1);

    const errors = (name: string, type: string, phase: string, code: string) =>
      m.get(`graphql_envelop_error_result_total{operation_name="${name}",operation_type="${type}",phase="${phase}",code="${code}"}`);
    expect(errors('(anonymous)', 'query', 'execute', 'UNAUTHENTICATED')).toBe(1);
    expect(errors('OpsMe', 'query', 'execute', 'UNAUTHENTICATED')).toBeUndefined();
    expect(errors('OpsInvite', 'mutation', 'execute', 'FORBIDDEN')).toBe(1);
    expect(errors('(anonymous)', 'unknown', 'parse', 'BAD_USER_INPUT')).toBe(1);
    expect(errors('OpsUnknownField', 'query', 'validate', 'BAD_USER_INPUT')).toBe(1);

    // Latency histograms, in seconds: the signed-in OpsMe under its name, the other as anonymous.
    for (const name of ['OpsMe', '(anonymous)']) {
      const labels = `operation_name="${name}",operation_type="query"`;
      expect(m.get(`graphql_envelop_request_duration_seconds_count{${labels}}`)).toBe(1);
      expect(m.get(`graphql_envelop_request_duration_seconds_bucket{le="+Inf",${labels}}`)).toBe(1);
      expect(m.get(`graphql_envelop_phase_execute_seconds_count{${labels}}`)).toBe(1);
      expect(m.get(`graphql_yoga_http_duration_seconds_count{${labels},method="POST",status_code="200"}`)).toBe(1);
    }
    // No series keeps a name of the earlier release (see docs/operating.md#metrics).
    for (const key of m.keys()) expect(key).not.toMatch(/^graphql_envelop_(request_duration|phase_(parse|validate|context|execute|subscribe)|error_result)(_bucket|_count|_sum)?\{|operationName|operationType|statusCode|"anonymous"|"Anonymous"/);
    // And the process's own figures.
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  });

  it('shows open graphql-ws sockets and subscriptions by transport, pending approvals by kind, decisions and event delivery', async () => {
    const wsUrl = `ws://127.0.0.1:${port}/graphql`;
    const before = await scrape(url);
    expect(before.get('graphql_ws_sockets_open')).toBe(0);
    expect(before.get('graphql_subscriptions_open{transport="ws"}')).toBe(0);
    expect(before.get('graphql_subscriptions_open{transport="sse"}')).toBe(0);

    const ws: Subscriber = subscribe(wsUrl, { devUser: o.owner }, 'subscription { approvalEvents { type request { kind } } }');
    const sse = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-dev-user': o.admin },
      body: JSON.stringify({ query: 'subscription { approvalEvents { type } }' }),
    });
    const sseText = sse.text();
    await until(async () => (await scrape(url)).get('graphql_subscriptions_open{transport="ws"}') === 1);
    const open = await scrape(url);
    expect(open.get('graphql_ws_sockets_open')).toBe(1);
    expect(open.get('graphql_subscriptions_open{transport="sse"}')).toBe(1);
    expect(open.get('graphql_operations_total{operation_name="(unnamed)",operation_type="subscription",outcome="ok"}')).toBe(2);

    // A pending ACCESS_SCOPE request, delivered to both subscribers.
    expect((await post(port, 'mutation { createDimension(key: "region", name: "Region", values: ["EU", "US"]) { key } }', o.admin)).errors).toBeUndefined();
    const requested = await post(port, 'mutation { requestAccess(dimension: "region", value: "EU", justification: "quarterly review") { id } }', o.viewer);
    expect(requested.errors).toBeUndefined();
    await ws.waitFor((e) => e.type === 'REQUESTED');
    const pending = await scrape(url);
    expect(['ACCESS_SCOPE', 'WORKFLOW', 'PII_CHANGE'].map((kind) => pending.get(`approval_requests_pending{kind="${kind}"}`))).toEqual([1, 0, 0]);

    const approved = await post(port, 'mutation ($id: ID!) { approveRequest(id: $id) { status } }', o.owner, { id: requested.data.requestAccess.id });
    expect(approved.data).toEqual({ approveRequest: { status: 'APPROVED' } });
    await ws.waitFor((e) => e.type === 'APPROVED');
    const decided = await scrape(url);
    expect(decided.get('approval_requests_pending{kind="ACCESS_SCOPE"}')).toBe(0);
    expect(decided.get('approval_decisions_total{kind="ACCESS_SCOPE",status="APPROVED"}')).toBe(1);
    // Two events (REQUESTED, APPROVED), each observed once on its arrival at this instance.
    expect(decided.get('graphql_event_delivery_seconds_count{topic="approval:event"}')).toBe(2);
    expect(decided.get('graphql_event_delivery_seconds_bucket{le="+Inf",topic="approval:event"}')).toBe(2);

    // A client that leaves takes its socket and subscription off the gauges.
    await ws.close();
    await until(async () => (await scrape(url)).get('graphql_ws_sockets_open') === 0);
    const left = await scrape(url);
    expect([left.get('graphql_subscriptions_open{transport="ws"}'), left.get('graphql_subscriptions_open{transport="sse"}')]).toEqual([0, 1]);
    await server.app.stop();
    const streamed = await sseText;
    expect(streamed.match(/"type":"(REQUESTED|APPROVED)"/g)).toEqual(['"type":"REQUESTED"', '"type":"APPROVED"']);
    expect(streamed).toMatch(/event: complete\ndata:\n\n$/);
  });
});

describe('operation names in metrics', () => {
  let server: TestServer;
  let port: number;
  let url: string;
  let o: OrgFixture;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: TOKEN, ...WITHOUT_REDIS });
    port = await server.app.start(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/metrics`;
    o = await orgWithRoles(server, 'MetricNames');
  });
  afterAll(() => server?.close());

  it('are labels for signed-in callers only: anonymous traffic cannot take the bounded set of names', async () => {
    // More distinct names than the set holds (300), valid and invalid, from callers not signed in.
    for (let i = 0; i < 320; i += 20)
      await Promise.all(Array.from({ length: 20 }, (_, j) => post(port, j % 2 ? `query Flood${i + j} { me { user { email } } }` : `query Flood${i + j} { noSuchField }`)));
    // A bad token is not signed in either.
    const badToken = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ query: 'query FloodWithToken { me { user { email } } }' }),
    });
    expect(((await badToken.json()) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    // A signed-in caller's operations keep their names, invalid ones too.
    expect((await post(port, 'query OpsAfterFlood { me { user { email } } }', o.viewer)).data.me.user.email).toBe(o.viewer);
    expect((await post(port, 'query OpsInvalidAfterFlood { noSuchField }', o.viewer)).errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect((await post(port, '{ me { user { email } } }', o.viewer)).data.me.user.email).toBe(o.viewer);

    const m = await scrape(url);
    const operations = (name: string, type: string, outcome: string) => m.get(`graphql_operations_total{operation_name="${name}",operation_type="${type}",outcome="${outcome}"}`);
    expect(operations('OpsAfterFlood', 'query', 'ok')).toBe(1);
    expect(operations('OpsInvalidAfterFlood', 'query', 'invalid')).toBe(1);
    expect(operations('(unnamed)', 'query', 'ok')).toBe(1);
    expect(operations('(anonymous)', 'query', 'error')).toBe(161);
    expect(operations('(anonymous)', 'query', 'invalid')).toBe(160);
    expect(m.get('graphql_envelop_phase_validate_seconds_count{operation_name="OpsInvalidAfterFlood",operation_type="query"}')).toBe(1);
    expect(m.get('graphql_envelop_phase_validate_seconds_count{operation_name="(anonymous)",operation_type="query"}')).toBe(321);
    expect([...m.keys()].filter((k) => k.includes('Flood') && !k.includes('AfterFlood'))).toEqual([]);
    expect([...m.keys()].filter((k) => k.includes('operation_name="(other)"'))).toEqual([]);
  });

  it('counts every invalid operation, a repeated identical one each time', async () => {
    const before = await scrape(url);
    const invalid = (m: Map<string, number>) => m.get('graphql_operations_total{operation_name="(anonymous)",operation_type="unknown",outcome="invalid"}') ?? 0;
    const parseErrors = (m: Map<string, number>, name: string) =>
      m.get(`graphql_envelop_error_result_total{operation_name="${name}",operation_type="unknown",phase="parse",code="BAD_USER_INPUT"}`) ?? 0;
    for (let i = 0; i < 3; i++) expect((await post(port, '{ me { ')).errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    for (let i = 0; i < 2; i++) expect((await post(port, '{ me { ', o.viewer)).errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const after = await scrape(url);
    expect(invalid(after) - invalid(before)).toBe(3);
    expect(parseErrors(after, '(anonymous)') - parseErrors(before, '(anonymous)')).toBe(3);
    expect(after.get('graphql_operations_total{operation_name="(unnamed)",operation_type="unknown",outcome="invalid"}')).toBe(2);
    expect(parseErrors(after, '(unnamed)')).toBe(2);
  });
});

describe('metrics of subscriptions', () => {
  let server: TestServer;
  let port: number;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: TOKEN, ...WITHOUT_REDIS });
    port = await server.app.start(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(() => server?.close());

  it('observes subscriptions: their start, a refusal at subscribe, a stream that fails, and each stream’s life', async () => {
    const team = await orgWithRoles(server, 'MetricsLive', { demoted: 'ADMIN' });
    const wsUrl = `ws://127.0.0.1:${port}/graphql`;
    // A VIEWER may decide nothing: refused when subscribing (a result, not a stream).
    const refused = subscribe(wsUrl, { devUser: team.viewer }, 'subscription OpsViewerEvents { approvalEvents { type } }');
    await refused.ended();
    expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    // An ADMIN's stream, and another one that stays open; the ADMIN is demoted, and the next event ends it with FORBIDDEN.
    const demoted = subscribe(wsUrl, { devUser: team.emails.demoted }, 'subscription OpsDemotedEvents { approvalEvents { type } }');
    const staying = subscribe(wsUrl, { devUser: team.owner }, 'subscription OpsOwnerEvents { approvalEvents { type } }');
    await until(async () => (await scrape(url)).get('graphql_operations_total{operation_name="OpsOwnerEvents",operation_type="subscription",outcome="ok"}') === 1);
    await until(async () => (await scrape(url)).get('graphql_operations_total{operation_name="OpsDemotedEvents",operation_type="subscription",outcome="ok"}') === 1);
    const demotedId = await userIdOf(server, team.owner, team.emails.demoted!);
    const demotion = await post(port, 'mutation ($u: ID!) { updateMemberRole(userId: $u, role: VIEWER) { role } }', team.owner, { u: demotedId });
    expect(demotion.data).toEqual({ updateMemberRole: { role: 'VIEWER' } });
    expect((await post(port, 'mutation { createDimension(key: "site", name: "Site", values: ["A"]) { key } }', team.admin)).errors).toBeUndefined();
    const raised = await post(port, 'mutation { requestAccess(dimension: "site", value: "A", justification: "metrics of streams") { id } }', team.editor);
    expect(raised.errors).toBeUndefined();
    await demoted.ended();
    expect(demoted.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await staying.waitFor((e) => e.type === 'REQUESTED');

    const m = await scrape(url);
    const series = (name: string, op: string, extra = '') => m.get(`${name}{${extra}operation_name="${op}",operation_type="subscription"}`);
    const errors = (op: string) => m.get(`graphql_envelop_error_result_total{operation_name="${op}",operation_type="subscription",phase="subscribe",code="FORBIDDEN"}`);
    const outcome = (op: string, o: string) => m.get(`graphql_operations_total{operation_name="${op}",operation_type="subscription",outcome="${o}"}`);
    // Each start timed once; the refused one and the failed stream counted as errors with their code.
    expect(['OpsViewerEvents', 'OpsDemotedEvents', 'OpsOwnerEvents'].map((op) => series('graphql_envelop_phase_subscribe_seconds_count', op))).toEqual([1, 1, 1]);
    expect([outcome('OpsViewerEvents', 'error'), outcome('OpsDemotedEvents', 'ok'), outcome('OpsDemotedEvents', 'error'), outcome('OpsOwnerEvents', 'ok')]).toEqual([1, 1, 1, 1]);
    expect([errors('OpsViewerEvents'), errors('OpsDemotedEvents'), errors('OpsOwnerEvents')]).toEqual([1, 1, undefined]);
    // A subscription's duration is its life: observed when it is over, not while it is open.
    expect(['OpsViewerEvents', 'OpsDemotedEvents', 'OpsOwnerEvents'].map((op) => series('graphql_envelop_request_duration_seconds_count', op))).toEqual([1, 1, undefined]);
    await staying.close();
    await until(async () => (await scrape(url)).get('graphql_envelop_request_duration_seconds_count{operation_name="OpsOwnerEvents",operation_type="subscription"}') === 1);
    await refused.close();
    await demoted.close();
    const cancelled = await post(port, 'mutation ($id: ID!) { cancelRequest(id: $id) { status } }', team.editor, { id: raised.data.requestAccess.id });
    expect(cancelled.data).toEqual({ cancelRequest: { status: 'CANCELLED' } });
  });
});

describe('metrics on a port of their own (METRICS_PORT)', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_PORT: '0', ...WITHOUT_REDIS });
    port = await server.app.start(0, '127.0.0.1');
  });
  afterAll(() => server?.close());

  it('serves them there without a token, and not on the API port', async () => {
    const metricsPort = server.app.metricsPort();
    expect(metricsPort).not.toBe(port);
    const scraped = await scrape(`http://127.0.0.1:${metricsPort}/metrics`, '');
    expect(scraped.get('graphql_ws_sockets_open')).toBe(0);
    const onApi = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect([onApi.status, await onApi.json()]).toEqual([404, { error: 'Metrics are not served on this port.' }]);
  });
});

describe('metrics without METRICS_TOKEN or METRICS_PORT', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(WITHOUT_REDIS);
  });
  afterAll(() => server?.close());

  it('are not served, and the answer says what to set', async () => {
    const port = await server.app.start(0, '127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([response.status, await response.json()]).toEqual([
      404,
      { error: 'Metrics are off: set METRICS_TOKEN to serve them here behind a bearer token, or METRICS_PORT to serve them on a port of their own.' },
    ]);
    expect(server.app.metricsPort()).toBeNull();
  });
});
