// The HTTP server: health, readiness and metrics, the approvals console, GraphiQL, then for GraphQL the
// request id, CORS, the body's size, the request log and its trace, with the requests in flight
// counted so that shutdown can let them finish.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newRequestId, requestScope } from '../context.ts';
import { ping } from '../db/sql/health.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { Tracing } from '../ops/tracing.ts';
import type { Delivery } from '../pubsub.ts';
import type { Services } from '../services.ts';
import { CONSOLE_PATH, consoleSite } from './console.ts';
import { corsOutcome } from './cors.ts';
import { GRAPHIQL_ASSETS, graphiqlSite, wantsGraphiQL } from './graphiql.ts';

/**
 * Refuses a body over the limit before it is read (by its Content-Length), and a body without a
 * length (chunked), which could not be bounded before yoga reads it.
 */
export function bodyRefusal(req: IncomingMessage, max: number): { status: number; error: object } | null {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
  if (!hasBody) return null;
  const length = req.headers['content-length'];
  const refused = (status: number, rule: string, reason: string, nextStep: string, details: object = {}) => ({
    status,
    error: { message: `${reason} ${nextStep}`, extensions: { code: 'BAD_USER_INPUT', rule, reason, nextStep, ...details } },
  });
  if (length === undefined)
    return req.headers['transfer-encoding']
      ? refused(411, 'input.body-length', 'A chunked body (one without a Content-Length) is refused.', 'Send the body with a Content-Length header.')
      : null;
  if (Number(length) > max)
    return refused(413, 'input.body-size', `The request body has ${length} bytes; at most ${max} are accepted.`, 'Send a smaller operation: variables instead of inlined values, fewer fields, or several requests.', { limit: max });
  return null;
}

export interface HttpServer {
  /** The node server, which the graphql-ws server shares. */
  server: Server;
  /** Listens; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting connections and closes the idle ones; resolves once every connection has ended. */
  stopAccepting(): Promise<void>;
  /** Waits for the requests in flight (at most `timeoutMs`), then closes the connections left. */
  finishInFlight(timeoutMs: number): Promise<void>;
}

export interface HttpServerOptions {
  /** Yoga's node listener: every path the server does not answer itself. */
  graphql: (req: IncomingMessage, res: ServerResponse) => unknown;
  metrics: Pick<Metrics, 'serveOnApiPort'>;
  tracing: Pick<Tracing, 'request'>;
  /** True once shutdown began: /ready answers 503. */
  stopping: () => boolean;
  /** How live events reach other instances: /ready says so, and stays ready while Redis is away. */
  delivery: () => Delivery;
}

export function createHttpServer(services: Services, { graphql, metrics, tracing, stopping, delivery }: HttpServerOptions): HttpServer {
  const { config, log, system: db } = services;
  const inFlight = new Set<Promise<unknown>>();
  const serveConsole = consoleSite(config);
  const serveGraphiQL = config.GRAPHIQL ? graphiqlSite(config) : null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/metrics') return metrics.serveOnApiPort(req, res);
    if (path === '/ready') {
      let ready = !stopping();
      if (ready) ready = await ping(db);
      // Redis away degrades live events across instances, not requests: every instance would lose
      // it at once, and a balancer taking them all out would turn a degradation into an outage.
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'unavailable', liveEvents: delivery() }));
      return;
    }
    // The approvals console: static files built from console/src, with their own CSP.
    if (path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`)) return serveConsole(req, res);
    // GraphiQL: its page for a browser at /graphql, its hashed files under /graphiql.
    if (serveGraphiQL && ((path === '/graphql' && wantsGraphiQL(req)) || path.startsWith(`${GRAPHIQL_ASSETS}/`))) return serveGraphiQL(req, res, path);
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
    const work = tracing.request(req, res, route, requestId, () => requestScope.run({ requestId }, async () => graphql(req, res)));
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

  return {
    server,
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    stopAccepting() {
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      server.closeIdleConnections();
      return closed;
    },
    async finishInFlight(timeoutMs) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
      server.closeAllConnections();
    },
  };
}
