// Builds the server: graphql-yoga over node:http and graphql-ws on the same port and path, both
// through the same envelop plugins and context. `buildApp()` returns it with start/stop.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { expireStale } from './approvals/core.ts';
import { domainApprovalKinds } from './approvals/domains.ts';
import { kindRegistry, type ApprovalKindHandler } from './approvals/kinds.ts';
import { sendLiveFramesTo, type LiveFrames } from './approvals/shared-execution.ts';
import { useApprovalEventSharing } from './approvals/stream.ts';
import { checkpointMovedChains } from './audit/checkpoints.ts';
import { useDenialAudit } from './audit/denials.ts';
import { auditKeysFrom, useAuditKeys } from './audit/keys.ts';
import { useStringLimit } from './input-limits.ts';
import { useCompiledExecution } from './executor.ts';
import { CONSOLE_PATH, consoleSite } from './http/console.ts';
import { useOperationLimits } from './limits/plugin.ts';
import { corsOutcome } from './http/cors.ts';
import { graphiqlOptions, graphiqlRenderer } from './http/graphiql.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { clientAddressOf, createContext, newRequestId, requestScope, resolveCaller, type Context } from './context.ts';
import { rowFilterRegistry } from './db/row-filters.ts';
import { kpiRowFilters } from './kpis/access.ts';
import type { Services } from './services.ts';
import { openDatabaseWithDriver } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { bootstrap } from './identity/bootstrap.ts';
import { pruneRevokedTokens, sessionSockets } from './identity/sessions.ts';
import { pruneThrottle } from './identity/throttle.ts';
import { logMailer, noMailer, type Mailer } from './identity/mailer.ts';
import { tokenKeys } from './identity/tokens.ts';
import { createLogger, type Logger } from './logger.ts';
import { openPubSub } from './pubsub.ts';
import { seedDemoStory } from './demo.ts';
import { everyInterval, everyTick } from './jobs.ts';
import { runDueWorkflows } from './workflows/scheduler.ts';
import { announceExpiringScopes } from './kpis/scope-expiry.ts';
import { closeDueReviews } from './reviews/service.ts';
import { schema } from './schema.ts';
import { observedKinds } from './ops/decisions.ts';
import { createMetrics } from './ops/metrics.ts';
import { trackStreams } from './ops/streams.ts';
import { startTracing, tracerProviderFromConfig } from './ops/tracing.ts';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';

export interface BuildOptions {
  log?: Logger;
  mailer?: Mailer;
  /** The approval kinds to serve; the domains' own by default (tests register their own). */
  approvalKinds?: readonly ApprovalKindHandler[];
  /** Receives every SQL statement (tests that bound the queries of an operation). */
  onQuery?: (sql: string, params: string) => void;
  /** Also export every span here as it ends, tracing on whatever OTEL_* say (tests: an in-memory exporter). */
  spanExporter?: SpanExporter;
  /** Domain time; the system clock by default (tests: a manual clock they advance). */
  clock?: Clock;
}

export interface App {
  services: Services;
  /** In-process HTTP, as a client would send it (tests). */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** Listens; resolves with the bound port. */
  start(port?: number, host?: string): Promise<number>;
  /** Graceful shutdown: stops accepting, finishes requests in flight, closes sockets and connections. */
  stop(): Promise<void>;
  /** The port of the metrics listener (METRICS_PORT) once started, else null. */
  metricsPort(): number | null;
}

type WsParams = Record<string, unknown> | undefined;

/** A graphql-ws operation's way to its socket, for the `next` messages of shared live results. */
class SocketFrames implements LiveFrames {
  constructor(
    private readonly ctx: { subscriptions: Record<string, unknown>; extra: { socket: WebSocket } },
    readonly id: string,
  ) {}
  open() {
    const { socket } = this.ctx.extra;
    return this.id in this.ctx.subscriptions && socket.readyState === socket.OPEN;
  }
  send(message: Buffer) {
    this.ctx.extra.socket.send(message, { binary: false });
  }
}
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Credentials from graphql-ws `connectionParams`: `token`, `authorization`, `organizationId`,
 * `devUser`, or the same as HTTP header names (`Authorization`, `X-Organization-Id`, `X-Dev-User`)
 * in any case, as clients that forward their headers send them.
 */
export function credentialsFromParams(params: WsParams) {
  const lower = new Map(Object.entries(params ?? {}).map(([k, v]) => [k.toLowerCase(), str(v)]));
  const pick = (...keys: string[]) => keys.map((k) => lower.get(k)).find(Boolean) ?? null;
  const token = pick('token');
  return {
    authorization: pick('authorization') ?? (token ? `Bearer ${token}` : null),
    organizationId: pick('organizationid', 'x-organization-id'),
    devUser: pick('devuser', 'x-dev-user'),
  };
}

/** Yoga masks every error that is not ours, quoting the request id and logging the original in full. */
function maskError(log: Logger) {
  return (error: unknown): Error => {
    if (error instanceof GraphQLError) {
      const original = error.originalError;
      if (!original || original instanceof GraphQLError) {
        return withInputCode(error) as GraphQLError;
      }
    }
    const requestId = requestScope.getStore()?.requestId ?? 'unknown';
    log.error({ err: error instanceof GraphQLError ? (error.originalError ?? error) : error, requestId }, 'unexpected error');
    return new GraphQLError(`Unexpected error: the server could not complete this. Quote request id ${requestId} when reporting it.`, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    });
  };
}

/**
 * Parse, validation and variable errors are the caller's input: BAD_USER_INPUT, like every other
 * input error (graphql-js gives them no code; yoga gives some its own).
 */
const INPUT_CODES = new Set([undefined, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);
const withInputCode = (error: unknown) =>
  error instanceof GraphQLError && INPUT_CODES.has(error.extensions?.code as string | undefined)
    ? new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
      })
    : error;

function useInputErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (errors?.length) setResult({ ...(result as ExecutionResult), errors: errors.map(withInputCode) as GraphQLError[] });
    },
  };
}

/**
 * Refuses a body over the limit before it is read (by its Content-Length), and a body without a
 * length (chunked), which could not be bounded before yoga reads it.
 */
export function bodyRefusal(req: IncomingMessage, max: number): { status: number; error: object } | null {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
  if (!hasBody) return null;
  const length = req.headers['content-length'];
  if (length === undefined)
    return req.headers['transfer-encoding']
      ? { status: 411, error: { message: 'Send the body with a Content-Length header (chunked bodies are refused).', extensions: { code: 'BAD_USER_INPUT', rule: 'input.body-length' } } }
      : null;
  if (Number(length) > max)
    return { status: 413, error: { message: `The request body has ${length} bytes; at most ${max} are accepted.`, extensions: { code: 'BAD_USER_INPUT', rule: 'input.body-size', limit: max } } };
  return null;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  // Migrating also puts a SQLite file in WAL mode, which the file keeps.
  const { applied } = await migrateDatabase(config.DATABASE_URL);
  if (applied.length) log.info({ applied }, 'database migrated');
  const { db, sql } = openDatabaseWithDriver(config.DATABASE_URL, { onQuery: options.onQuery });
  const auditKeys = auditKeysFrom(config);
  useAuditKeys(db, auditKeys);
  const demo = await bootstrap(db, config, log);
  const tracing = startTracing(tracerProviderFromConfig(config, options.spanExporter));
  const metrics = createMetrics(config, db, log);
  // graphql-ws operations carry the request id the socket handler gave them; HTTP ones do not.
  const streams = trackStreams((graphqlContext) => ((graphqlContext as { wsRequestId?: string }).wsRequestId ? 'ws' : 'sse'), metrics.observeStream);
  const pubsubHandle = openPubSub(config.REDIS_URL);
  const services: Services = {
    config,
    clock: options.clock ?? systemClock,
    system: db,
    sql: tracing.statements(sql),
    log,
    keys: tokenKeys(config.JWT_SECRET, config.JWT_TTL_SECONDS),
    mailer: options.mailer ?? (config.NODE_ENV === 'production' ? noMailer(log) : logMailer(log)),
    pubsub: metrics.timeDelivery(pubsubHandle.pubsub),
    approvals: kindRegistry(observedKinds(options.approvalKinds ?? domainApprovalKinds, tracing, metrics)),
    // The domains' row-level filters: the tenant extension asks this registry, naming no model itself.
    rowFilters: rowFilterRegistry([kpiRowFilters]),
  };
  if (demo) log.info((await seedDemoStory(services)).join('\n'));
  // The sweep also forgets login counters that no longer throttle anyone, and revocations of expired tokens.
  const sweep = everyInterval(db, log, 'approvals.expire', config.APPROVAL_SWEEP_SECONDS, async () => {
    await expireStale(services);
    await pruneThrottle(db, services.clock.now());
    await pruneRevokedTokens(db, services.clock.now());
  });
  // Signs the heads of the audit chains that moved, once per interval across instances.
  const checkpoints = everyInterval(db, log, 'audit.checkpoint', config.AUDIT_CHECKPOINT_SECONDS, () => checkpointMovedChains(db, auditKeys, services.clock.now(), log));
  // Time-bound access and access reviews, once per interval across instances: tell holders of
  // scopes about to end (SCOPE_EXPIRING), and give overdue reviews' undecided items their default.
  const scopeNotices = everyInterval(db, log, 'scopes.expiry-notice', config.APPROVAL_SWEEP_SECONDS, () => announceExpiringScopes(services));
  const reviewDeadlines = everyInterval(db, log, 'reviews.deadline', config.APPROVAL_SWEEP_SECONDS, () => closeDueReviews(services));
  // Each workflow occurrence is claimed on its own, so every instance may look every tick.
  const scheduler = everyTick(log, 'workflows.schedule', config.SCHEDULER_TICK_SECONDS, () => runDueWorkflows(services));

  const introspection: Plugin = {
    onValidate({ addValidationRule }) {
      if (!config.INTROSPECTION) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };

  const yoga = createYoga<{ connectionParams?: WsParams; wsRequestId?: string }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // The body is bounded before yoga sees it (bodyRefusal: a Content-Length within MAX_BODY_BYTES,
    // no chunked bodies), and node reads no more than that length; yoga's own limit piped every
    // body through a stream whose teardown cost a tenth of a small request's CPU.
    maxRequestBodySize: false,
    // GraphiQL from this server alone (no CDN), opening on the main operations and the demo personas.
    graphiql: config.GRAPHIQL ? graphiqlOptions(config) : false,
    renderGraphiQL: graphiqlRenderer(),
    landingPage: false,
    // Cross-origin requests are answered before yoga (src/http/cors.ts).
    cors: false,
    logging: false,
    maskedErrors: { maskError: maskError(log) },
    context: async (initial: YogaInitialContext & { connectionParams?: WsParams; wsRequestId?: string }) => {
      const headers = initial.request?.headers;
      const params = initial.connectionParams ?? {};
      const requestId = requestScope.getStore()?.requestId ?? initial.wsRequestId ?? newRequestId(headers?.get('x-request-id'));
      const fromParams = credentialsFromParams(params);
      const caller = await resolveCaller(services, {
        authorization: headers?.get('authorization') ?? fromParams.authorization,
        organizationId: headers?.get('x-organization-id') ?? fromParams.organizationId,
        devUser: headers?.get('x-dev-user') ?? fromParams.devUser,
      });
      const node = (initial as { req?: IncomingMessage }).req;
      const address = clientAddressOf(config.TRUST_PROXY, node?.socket?.remoteAddress, headers?.get('x-forwarded-for') ?? (node?.headers['x-forwarded-for'] as string | undefined));
      return createContext(services, caller, requestId, address, initial);
    },
    plugins: [
      useCSRFPrevention(),
      useOperationLimits({
        maxTokens: config.MAX_TOKENS,
        maxDepth: config.MAX_DEPTH,
        maxAliases: config.MAX_ALIASES,
        maxDirectives: config.MAX_DIRECTIVES,
        maxCost: config.MAX_COST,
        maxPageSize: config.MAX_PAGE_SIZE,
      }),
      // Only armor's field-suggestion blocking: the operation limits are ours (src/limits/).
      EnvelopArmorPlugin({
        maxDepth: { enabled: false },
        maxAliases: { enabled: false },
        costLimit: { enabled: false },
        maxTokens: { enabled: false },
        maxDirectives: { enabled: false },
        blockFieldSuggestion: { enabled: !config.INTROSPECTION },
      }),
      introspection,
      useStringLimit(config.MAX_STRING_LENGTH),
      // graphql-jit's compiled executor (src/executor.ts): before every plugin that wraps the
      // execute function, since it replaces it.
      useCompiledExecution(),
      // Approval events execute once per group of subscribers who see the same result.
      useApprovalEventSharing(),
      // After the plugin above, whose subscribe function it wraps (a later one would replace its wrapper).
      useDenialAudit(),
      useInputErrorCodes(),
      ...metrics.plugins,
      ...tracing.plugins,
      // Last: it wraps what the others made of a subscription, so that shutdown can end it.
      streams.plugin,
    ],
  });

  let shuttingDown = false;
  let metricsPort: number | null = null;
  const inFlight = new Set<Promise<unknown>>();

  const serveConsole = consoleSite(config);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/metrics') return metrics.serveOnApiPort(req, res);
    if (path === '/ready') {
      let ready = !shuttingDown;
      if (ready) ready = await db.$queryRawUnsafe('SELECT 1').then(() => true, () => false);
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'unavailable' }));
      return;
    }
    // The approvals console: static files built from console/src, with their own CSP.
    if (path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`)) return serveConsole(req, res);
    const requestId = newRequestId(req.headers['x-request-id'] as string | undefined);
    res.setHeader('x-request-id', requestId);
    const cors = corsOutcome(config.CORS_ORIGINS, { method: req.method ?? 'GET', headers: req.headers });
    if ('answer' in cors) {
      res.writeHead(cors.answer.status, cors.answer.headers).end(cors.answer.body ?? undefined);
      req.resume();
      return;
    }
    for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value);
    const refusal = bodyRefusal(req, config.MAX_BODY_BYTES);
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ errors: [refusal.error] }));
      req.resume();
      return;
    }
    const started = performance.now();
    res.on('finish', () =>
      log.info({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'),
    );
    const route = path === '/graphql' ? path : '(unmatched)';
    const work = tracing.request(req, res, route, requestId, () => requestScope.run({ requestId }, async () => yoga.requestListener(req, res)));
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log.error({ err: error }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: config.MAX_BODY_BYTES });
  /** Open, acknowledged sockets per user: one user cannot hold the server's sockets. */
  const socketsOf = new Map<string, number>();
  /** Sockets by the session they were opened with: logout on any instance closes them (4401). */
  const sessionSocketsOf = sessionSockets(services.pubsub);
  const wsServer = useServer<WsParams, { userId?: string; jti?: string; peer?: Pick<IncomingMessage, 'headers'> & { socket: { remoteAddress?: string } } }>(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      // A socket that never sends connection_init is closed (4408) after this long.
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        if (shuttingDown) return false;
        const refuse = (code: number, reason: string) => {
          ctx.extra.socket.close(code, reason);
          return false;
        };
        // Every socket is someone's: credentials are required in connection_init, and must be good.
        const { authorization, devUser } = credentialsFromParams(ctx.connectionParams ?? {});
        if (!authorization && !devUser) return refuse(4401, 'Unauthorized: send connectionParams.token (from login) in connection_init');
        const caller = await resolveCaller(services, { authorization, devUser });
        if (!caller.user) return refuse(4401, `Unauthorized: ${caller.credentialProblem ?? 'the credentials were not accepted'}`.slice(0, 120));
        // The socket may have closed while the credentials were checked: onClose has run already,
        // so counting it now would hold one of the user's slots for ever.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        const open = socketsOf.get(caller.user.id) ?? 0;
        if (open >= config.WS_MAX_SOCKETS_PER_USER)
          return refuse(4429, `Too many open sockets for this user (${config.WS_MAX_SOCKETS_PER_USER}); close one first`);
        socketsOf.set(caller.user.id, open + 1);
        ctx.extra.userId = caller.user.id;
        // The upgrade request would stay with the socket as long as it is open (a few hundred bytes
        // of headers and stream state per socket): operations need only where it came from.
        const { request } = ctx.extra;
        ctx.extra.peer = { socket: { remoteAddress: request.socket.remoteAddress }, headers: { 'x-forwarded-for': request.headers['x-forwarded-for'] } };
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        if (caller.session) sessionSocketsOf.track((ctx.extra.jti = caller.session.jti), ctx.extra.socket);
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.jti) sessionSocketsOf.forget(ctx.extra.jti, ctx.extra.socket);
        const { userId } = ctx.extra;
        if (!userId) return;
        ctx.extra.userId = undefined;
        const left = (socketsOf.get(userId) ?? 1) - 1;
        if (left > 0) socketsOf.set(userId, left);
        else socketsOf.delete(userId);
      },
      // Within a span of its own when tracing: the operation's parse, validate and execute spans nest under it.
      onSubscribe: (ctx, id, params) => tracing.span('graphql-ws operation', { 'graphql.ws.operation_id': id }, async () => {
        const wsRequestId = newRequestId();
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.peer,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
          wsRequestId,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          return [withInputCode(error instanceof GraphQLError ? error : new GraphQLError(String(error))) as GraphQLError];
        }
        const args = {
          schema: s,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        // Shared live results are written straight to the socket (src/approvals/shared-execution.ts).
        sendLiveFramesTo(args.contextValue, new SocketFrames(ctx, id));
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors.map(withInputCode) as GraphQLError[];
        return args;
      }, 'server'),
    },
    wss,
  );
  metrics.collectFrom({ openSockets: () => wss.clients.size, openSubscriptions: () => streams.open(), pool: () => services.sql.poolStats() });

  return {
    services,
    fetch: (input, init) => {
      const requestId = newRequestId(new Headers(init?.headers).get('x-request-id'));
      return requestScope.run({ requestId }, async () => yoga.fetch(new URL(input, 'http://localhost'), init ?? {}));
    },
    async start(port = config.PORT, host = config.HOST) {
      const bound = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
      if (config.METRICS_PORT !== undefined) {
        metricsPort = await metrics.listen(config.METRICS_PORT, host);
        log.info(`metrics on http://localhost:${metricsPort}/metrics${config.METRICS_TOKEN ? ' (bearer token required)' : ''}`);
      }
      return bound;
    },
    metricsPort: () => metricsPort,
    async stop() {
      // Idempotent: a second call (signal after signal, tests) has nothing left to do.
      if (shuttingDown) return;
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      server.closeIdleConnections();
      // Subscriptions end as they would by themselves (SSE: `event: complete`; graphql-ws: a
      // `complete` per operation), then the sockets close with 1001.
      await streams.endAll(config.SHUTDOWN_TIMEOUT_MS);
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      await wsServer.dispose();
      await sessionSocketsOf.stop();
      await sweep.stop();
      await scheduler.stop();
      await scopeNotices.stop();
      await reviewDeadlines.stop();
      await checkpoints.stop();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.SHUTDOWN_TIMEOUT_MS).unref());
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
      server.closeAllConnections();
      await closed;
      await pubsubHandle.close();
      await db.$disconnect();
      await sql.close();
      await metrics.close();
      await tracing.shutdown();
    },
  };
}
