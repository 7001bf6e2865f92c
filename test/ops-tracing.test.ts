// Traces as an operator's collector receives them. With an in-memory exporter: an HTTP request's
// server span continues the caller's `traceparent`, and parse, validate, execute and every SQL
// statement nest under it; an approval decision has its span inside the mutation's; a graphql-ws
// operation has its own server span. With OTEL_EXPORTER_OTLP_ENDPOINT alone: spans reach an OTLP
// receiver over HTTP.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.ts';
import { expireStale } from '../src/approvals/core.ts';
import { checkpointMovedChains } from '../src/audit/checkpoints.ts';
import { auditKeysOf } from '../src/audit/keys.ts';
import { announceExpiringScopes } from '../src/kpis/scope-expiry.ts';
import { closeDueReviews } from '../src/reviews/service.ts';
import { runDueWorkflows } from '../src/workflows/scheduler.ts';
import { loadConfig } from '../src/config.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { rawId, until } from './fixtures.ts';
import { fixturePasswordHash, freshDatabase, type TestDatabase } from './harness.ts';
import { subscribe } from './live.ts';

const OWNER = 'owner@tracing.test';
const VIEWER = 'viewer@tracing.test';

const testConfig = (database: TestDatabase, env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    AUTH_DEV_HEADERS: '1',
    SEED_DEMO: '0',
    LOG_LEVEL: 'silent',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });

async function post(port: number, query: string, as: string, headers: Record<string, string> = {}, variables: object = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dev-user': as, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('traces into the SDK given (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let database: TestDatabase;
  let app: App;
  let port: number;
  const spans = () => exporter.getFinishedSpans();
  const parentOf = (span: ReadableSpan) => spans().find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
  /** True when `ancestor` is `span`'s parent, or its parent's, and so on. */
  const descends = (span: ReadableSpan, ancestor: ReadableSpan): boolean => {
    for (let p = parentOf(span); p; p = parentOf(p)) if (p === ancestor) return true;
    return false;
  };
  const named = (name: string) => spans().filter((s) => s.name === name);

  beforeAll(async () => {
    database = await freshDatabase();
    // The scheduler polls every 50 ms: statements outside any request must not make traces of their own.
    app = await buildApp(testConfig(database, { SCHEDULER_TICK_SECONDS: '0.05' }), { log: createLogger('silent'), spanExporter: exporter });
    port = await app.start(0, '127.0.0.1');
    const passwordHash = await fixturePasswordHash();
    await createOrganizationWith(app.services.system, app.services.clock, 'Tracing', `tracing-${randomBytes(3).toString('hex')}`, [
      { email: OWNER, role: 'OWNER', passwordHash },
      { email: VIEWER, role: 'VIEWER', passwordHash },
    ]);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it("continues the caller's trace: the request's server span, then parse, validate, execute and its SQL statements under it", async () => {
    exporter.reset();
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const r = await post(port, 'query OpsTraced { me { user { email } } members(first: 10) { totalCount } }', OWNER, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(r.data).toEqual({ me: { user: { email: OWNER } }, members: { totalCount: 2 } });
    await until(async () => named('POST /graphql').length === 1);

    const [request] = named('POST /graphql');
    expect(request!.kind).toBe(SpanKind.SERVER);
    expect(request!.spanContext().traceId).toBe(traceId);
    expect(request!.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(request!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });

    const [parse] = named('graphql.parse');
    const [validate] = named('graphql.validate');
    const [execute] = named('query.OpsTraced');
    for (const phase of [parse, validate, execute]) expect(parentOf(phase!)).toBe(request);
    expect(execute!.attributes).toMatchObject({ 'graphql.execute.operationName': 'OpsTraced', 'graphql.execute.operationType': 'query' });

    // The request's SQL statements are spans of its trace; the operation's own nest under execute.
    // Prisma's, and those sent straight through the driver (the caller's membership, hot reads).
    const statements = [...named('prisma:client:db_query'), ...named('db_query')].filter((s) => s.spanContext().traceId === traceId);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(descends(statement, request!)).toBe(true);
      expect(statement.attributes['db.query.text']).toMatch(/^(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT)/);
    }
    expect(statements.filter((s) => descends(s, execute!)).map((s) => s.attributes['db.query.text']).join('\n')).toMatch(/FROM \S*Membership\W/);
  });

  it("records no statement outside a span (the scheduler's polling), and no orphan", async () => {
    exporter.reset();
    // The background jobs' work, run here outside any request as their ticks run it.
    await runDueWorkflows(app.services);
    await expireStale(app.services);
    await closeDueReviews(app.services);
    await announceExpiringScopes(app.services);
    await checkpointMovedChains(app.services.system, auditKeysOf(app.services.system), app.services.clock.now());
    const prisma = spans().filter((s) => s.name.startsWith('prisma:') || s.name === 'db_query');
    expect(prisma.filter((s) => !s.parentSpanContext || !parentOf(s)).map((s) => s.name)).toEqual([]);
  });

  it('gives each approval decision a span inside its mutation, with the SQL of its effect under it', async () => {
    expect((await post(port, 'mutation { createDimension(key: "region", name: "Region", values: ["EU", "US"]) { key } }', OWNER)).errors).toBeUndefined();
    const requested = await post(port, 'mutation { requestAccess(dimension: "region", value: "EU", justification: "quarterly review") { id } }', VIEWER);
    const id = requested.data.requestAccess.id as string;
    exporter.reset();
    expect((await post(port, 'mutation OpsApprove($id: ID!) { approveRequest(id: $id) { status } }', OWNER, {}, { id })).data).toEqual({ approveRequest: { status: 'APPROVED' } });
    await until(async () => named('POST /graphql').length === 1);

    const [decision] = named('approval.decision');
    expect(decision!.attributes).toEqual({ 'approval.kind': 'ACCESS_SCOPE', 'approval.status': 'APPROVED', 'approval.request_id': rawId(id) });
    expect(descends(decision!, named('mutation.OpsApprove')[0]!)).toBe(true);
    // Approving an access request creates the scope: that INSERT is the decision's.
    expect(named('prisma:client:db_query').filter((s) => descends(s, decision!)).map((s) => s.attributes['db.query.text']).join('\n')).toMatch(/INSERT INTO \S*AccessScope\W/);
  });

  it('gives a graphql-ws operation a server span of its own, with its phases under it', async () => {
    exporter.reset();
    const live = subscribe(`ws://127.0.0.1:${port}/graphql`, { devUser: OWNER }, 'subscription OpsLive { approvalEvents { type } }');
    await until(async () => named('graphql-ws operation').length === 1);
    const [operation] = named('graphql-ws operation');
    expect(operation!.kind).toBe(SpanKind.SERVER);
    for (const phase of ['graphql.parse', 'graphql.validate']) expect(parentOf(named(phase)[0]!)).toBe(operation);
    await live.close();
    // The subscription's execute span ends with the stream.
    await until(async () => named('subscription.OpsLive').length === 1);
    expect(parentOf(named('subscription.OpsLive')[0]!)).toBe(operation);
  });
});

describe('traces with the standard variables only (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let database: TestDatabase;
  let app: App;
  const received: { path: string; contentType: string; bytes: number }[] = [];
  const collector = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', bytes: Buffer.concat(chunks).length });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    // The exporter and the batch processor read their settings from the environment, as in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    database = await freshDatabase();
    app = await buildApp(testConfig(database, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), { log: createLogger('silent') });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    collector.close();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_BSP_SCHEDULE_DELAY;
  });

  it('exports spans to the OTLP receiver over HTTP with protobuf', async () => {
    const port = await app.start(0, '127.0.0.1');
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await r.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 0, limit: 5000 } } });
    await until(async () => received.length > 0);
    expect(received[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    expect(received[0]!.bytes).toBeGreaterThan(100);
  });
});
